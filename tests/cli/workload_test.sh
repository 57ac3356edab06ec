#!/bin/sh
# Workload files (lubench-workload): a good one gives each stage its
# options; every kind of bad line, key, value or section is refused as
# FILE:LINE: reason, and `./lubench run` stops on it before any stage.
# cycle.sh checks its own command line with the same table, and its
# parser agrees with that table.
#
# usage: tests/cli/workload_test.sh TOP_DIR BUILD_DIR
set -eu

[ $# -eq 2 ] || { echo "usage: $0 TOP_DIR BUILD_DIR" >&2; exit 2; }
top=$1
build=$2
# The sanitized twin for the direct checks; run.sh and cycle.sh call the
# tool itself.
wl=$build/bench/lubench-workload-san
list=$build/bench/lubench-list
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

words() {
	tr '\n' ' ' <"$tmp/out"
}

cat >"$tmp/good.conf" <<'W'
# comment
[bench]
variant = linear hashed   # two layouts
n = 16 1024
large = no

[cycle]
devices = 512
kexec-checks = yes
W
run "$wl" opts "$tmp/good.conf" bench
check "good: exit 0" '[ "$rc" = 0 ]'
check "good: options joined by commas, flag no left out" \
	'[ "$(words)" = "--variant linear,hashed --n 16,1024 " ]'
run "$wl" opts "$tmp/good.conf" cycle
check "good: the other section only, flag yes as the bare option" \
	'[ "$(words)" = "--devices 512 --kexec-checks " ]'
printf '[cycle]\ndevices = 512\n' >"$tmp/one.conf"
run "$wl" opts "$tmp/one.conf" bench
check "absent section: exit 1, no output" '[ "$rc" = 1 ] && [ ! -s "$tmp/out" ]'
printf '[bench]\nvariant = linear ,hashed, xarray\n' >"$tmp/comma.conf"
run "$wl" opts "$tmp/comma.conf" bench
check "a comma with blanks around it is one break" \
	'[ "$(words)" = "--variant linear,hashed,xarray " ]'
run "$wl" check "$tmp/good.conf"
check "check: exit 0, nothing on stdout" '[ "$rc" = 0 ] && [ ! -s "$tmp/out" ]'
for f in "$top"/workloads/*.conf; do
	run "$wl" check "$f"
	check "shipped $(basename "$f") checks" '[ "$rc" = 0 ]'
done
run "$wl" opts "$tmp/good.conf" bnech
check "opts of no such stage: exit 2" '[ "$rc" = 2 ] && grep -q "no stage" "$tmp/err"'

# bad CONTENT LINE REASON: refused with exit 2 and exactly "FILE:LINE: REASON".
bad() {
	printf '%b' "$1" >"$tmp/bad.conf"
	run "$wl" opts "$tmp/bad.conf" bench
	want="$tmp/bad.conf:$2: $3"
	check "refused: $3" '[ "$rc" = 2 ] && [ ! -s "$tmp/out" ] &&
		[ "$(cat "$tmp/err")" = "$want" ]'
}
# Syntax.
bad 'n = 16\n' 1 "option outside a section"
bad '[bench\nn = 16\n' 1 "malformed section header"
bad '[Bench]\n' 1 "malformed section header"
bad '[bench]\nn 16\n' 2 "expected key = value"
bad '[bench]\nN = 16\n' 2 'bad key "N"'
bad '[bench]\nn =\n' 2 'no value for "n"'
bad '[bench]\nn = 16; rm -rf /\n' 2 'unexpected character in the value of "n"'
bad '[bench]\nn = $(id)\n' 2 'unexpected character in the value of "n"'
bad '[bench]\nn = 16\r\n' 2 'unexpected character in the value of "n"'
bad "[bench]\nn = $(printf '%0300d' 1)\n" 2 'value of "n" too long (at most 255 characters)'
bad "[bench]\n# $(printf '%02000d' 0)\n" 2 "line longer than 1024 bytes"
bad '[bench]\nn = 1\00006\n' 2 "NUL byte"
# Sections and keys against the stages' option tables.
bad '[bnech]\nn = 16\n' 1 'unknown section "bnech" (this command reads [bench], [cycle], [count], [ab], [stress], [soak])'
bad '[bench]\nn = 16\n[cycle]\n[bench]\n' 4 'duplicate section "bench" (first at line 1)'
bad '[cycle]\ndevcies = 4096\n' 2 'unknown option "devcies"'
bad '[bench]\ndevices = 4096\n' 2 'unknown option "devices"'
bad '[bench]\nn = 16\nreps = 5\nn = 32\n' 4 'duplicate option "n" (first at line 2)'
bad '[bench]\nout = x\n' 2 'option "out" is not for a workload: the command that reads it sets it'
bad '[bench]\nlarge = 1\n' 2 'option "large" is a flag: yes or no'
bad '' 1 "no section: nothing to run ([bench], [cycle], [count], [ab], [stress], [soak])"
bad '# only a comment\n\n' 2 "no section: nothing to run ([bench], [cycle], [count], [ab], [stress], [soak])"
# Values, as the stage's own table checks them.
bad '[bench]\nn = 4294967312\n' 2 "--n: 4294967312 is out of range (1..16777216)"
bad '[bench]\nn = 010\n' 2 "--n: '010' is not a number"
bad '[bench]\nreps = 2\n' 2 "--reps: 2 is out of range (3..100000)"
bad '[bench]\nop = find\n' 2 "--op: unknown op 'find' (see --help)"
bad '[bench]\nvariant = linear, ,hashed\n' 2 "--variant: empty item in 'linear,,hashed'"
bad '[bench]\nvariant = linear nope\n' 2 "--variant: unknown variant 'nope' (see --help)"
bad '[cycle]\ndevices = 9\n' 2 "--devices: 9 is out of range (16..65536)"
bad '[cycle]\nreps = 99999999999\n' 2 "--reps: 99999999999 is out of range (1..1000)"
bad '[cycle]\nvariant = linear bogus\n' 2 "--variant: no variant 'bogus' (all, or none $("$list" variants | tr '\n' ' ' | sed 's/ $//'))"
bad '[cycle]\nfaults = corrupt typo\n' 2 "--faults: no fault 'typo' (all, or $("$list" faults | tr '\n' ' ' | sed 's/ $//'))"
bad '[count]\nops = 0\n' 2 "--ops: 0 is out of range (1..1048576)"
bad '[count]\nn = 16 1x\n' 2 "--n: '1x' is not a number"
bad '[count]\nvariant = nope\n' 2 "--variant: unknown variant 'nope' (see --help)"
bad '[count]\nkeep = yes\n' 2 'option "keep" is not for a workload: the command that reads it sets it'
# What needs the whole section: reported at its header.
bad '[bench]\nreps = 5\nvisits = 6\n' 1 "[bench]: --visits must be 1..--reps (5)"
bad '\n[cycle]\ndevices = 256\npreserve = 250\n' 2 \
	"[cycle]: --preserve 250 is more than the 240 functions that are not VFs at --devices 256"

# A command names the sections it reads: ./lubench run reads no [count].
printf '[bench]\nn = 16\n[count]\nn = 16\n' >"$tmp/ab.conf"
run "$wl" check "$tmp/ab.conf"
check "an ab workload checks" '[ "$rc" = 0 ]'
run "$wl" check "$tmp/ab.conf" bench cycle
check "check FILE bench cycle: refuses [count]" \
	'[ "$rc" = 2 ] && [ "$(cat "$tmp/err")" = "$tmp/ab.conf:3: unknown section \"count\" (this command reads [bench], [cycle])" ]'
run "$wl" check "$tmp/ab.conf" bench nope
check "check FILE with no such stage: exit 2" '[ "$rc" = 2 ] && grep -q "no stage" "$tmp/err"'

# Files that are not workloads.
run "$wl" check "$tmp/nonexistent.conf"
check "missing file: exit 2" '[ "$rc" = 2 ] && grep -q "cannot read the workload" "$tmp/err"'
run "$wl" check "$tmp"
check "a directory: exit 2" '[ "$rc" = 2 ] && grep -qF "$tmp: not a regular file" "$tmp/err"'
{ echo '[bench]'; i=0; while [ $i -lt 3000 ]; do echo '# padding padding padding'; i=$((i + 1)); done; } >"$tmp/big.conf"
run "$wl" check "$tmp/big.conf"
check "over 64 KiB: exit 2" '[ "$rc" = 2 ] && grep -qF "big.conf: larger than 65536 bytes" "$tmp/err"'

# The main job refuses a misspelled key of its last stage before the first.
printf '[bench]\nn = 16\n\n[cycle]\ndevcies = 4096\n' >"$tmp/typo.conf"
# The main job on workload $1, its status in rc.
mainjob() {
	rc=0
	LUBENCH_BUILD=$build LUBENCH_RESULTS="$tmp/results" \
		timeout 600 "$top/scripts/host/run.sh" "$1" \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
}
mainjob "$tmp/typo.conf"
check "run.sh: a misspelled key exits 2" '[ "$rc" = 2 ]'
check "run.sh: names file, line and key" \
	'grep -qxF "$tmp/typo.conf:5: unknown option \"devcies\"" "$tmp/err"'
check "run.sh: no stage ran, nothing written" \
	'! grep -q "^== " "$tmp/err" && [ ! -e "$tmp/results" ]'
# A value lubench count refuses: its own table, at its line.
printf '[bench]\nn = 16\n[count]\nops = 0\n' >"$tmp/count.conf"
mainjob "$tmp/count.conf"
check "run.sh: a bad [count] value exits 2, names the line, runs nothing" \
	'[ "$rc" = 2 ] && [ ! -e "$tmp/results" ] &&
	 grep -qxF "$tmp/count.conf:4: --ops: 0 is out of range (1..1048576)" "$tmp/err"'

# A soak scenario given to the main job: its [soak] is another command's.
mainjob "$top/workloads/soak.conf"
check "run.sh: a [soak] section exits 2, names what run reads, runs nothing" \
	'[ "$rc" = 2 ] && [ ! -e "$tmp/results" ] &&
	 grep -qxF "$top/workloads/soak.conf:5: unknown section \"soak\" (this command reads [bench], [count], [stress], [cycle])" "$tmp/err"'

# cycle.sh checks its command line with the same table, before anything.
cyc() {
	rc=0
	LUBENCH_BUILD=$build timeout 30 sh "$top/scripts/host/cycle.sh" "$@" \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
}
runs_before=$(ls "$build/runs" 2>/dev/null | wc -l)
for args in "--devices 9|--devices: 9 is out of range (16..65536)" \
	"--preserve 0|--preserve: 0 is out of range (1..65536)" \
	"--devices 4096 --preserve 5000|--preserve 5000 is more than the 3840 functions that are not VFs at --devices 4096" \
	"--preserve 4000|--preserve 4000 is more than the 3840 functions that are not VFs at --devices 4096" \
	"--reps 99999999999|--reps: 99999999999 is out of range (1..1000)" \
	"--smp 9999|--smp: 9999 is out of range (1..16)" \
	"--timeout 0|--timeout: 0 is out of range (1..86400)" \
	"--devices ,|--devices: empty item in ','" \
	"--faults none|--faults: no fault 'none' (all, or $("$list" faults | tr '\n' ' ' | sed 's/ $//'))" \
	"--variant|--variant needs a value (LIST)" \
	"--clock icount --smp 2|--clock icount runs one vCPU (--smp 1), not 2" \
	"--clock wall|--clock: 'wall' is not real or icount" \
	"--bogus|unknown option '--bogus'"; do
	# shellcheck disable=SC2086 # the arguments are words
	cyc ${args%%|*}
	check "cycle.sh ${args%%|*}: refused before anything" \
		'[ "$rc" = 2 ] && [ "$(cat "$tmp/err")" = "cycle: ${args#*|}" ]'
done
cyc --devices ''
check "cycle.sh --devices '': refused" '[ "$rc" = 2 ] && grep -qxF "cycle: --devices: empty value" "$tmp/err"'
LUBENCH_CLOCK=wall cyc --devices 64
check "cycle.sh: LUBENCH_CLOCK is checked as --clock" \
	'[ "$rc" = 2 ] && grep -qxF "cycle: --clock: '"'"'wall'"'"' is not real or icount" "$tmp/err"'
check "cycle.sh: no guest run directory made" \
	'[ "$(ls "$build/runs" 2>/dev/null | wc -l)" = "$runs_before" ]'

# cycle.sh's parser and the table agree: the same options, each with a
# value exactly when the table gives it one (cycle.sh also takes --out
# and --help, which a workload cannot set).
sed -n 's/^	\(-[a-z] | \)\{0,1\}--\([a-z-]*\)) \(need_arg\)\{0,1\}.*/\2 \3/p' \
	"$top/scripts/host/cycle.sh" | sed 's/ need_arg$/=/; s/ $//' |
	sort -u >"$tmp/sh.keys"
{ "$list" keys | sed -n 's/^cycle\.//p' | sed 's/=.*/=/'; echo "out="; echo help; } |
	sort >"$tmp/c.keys"
check "cycle.sh parses exactly the table's options" 'cmp -s "$tmp/sh.keys" "$tmp/c.keys"'
cmp -s "$tmp/sh.keys" "$tmp/c.keys" ||
	diff "$tmp/c.keys" "$tmp/sh.keys" | sed 's/^/#   /'
# The bench's own command line is its table: --help lists every key.
timeout 30 "$build/bench/lubench-bench" --help >"$tmp/help"
for k in $("$list" keys | sed -n 's/^bench\.\([a-z-]*\).*/\1/p'); do
	grep -q -- "--$k\b" "$tmp/help" || echo "--$k" >>"$tmp/missing"
done
check "lubench-bench --help lists every [bench] key" '[ ! -s "$tmp/missing" ]'

tap_done
