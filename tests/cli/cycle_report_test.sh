#!/bin/sh
# lubench-cycle-report on a recorded guest run (tests/data/cycle-fixture: two
# jumps, linear then xarray, N=256, M=100) and on copies of it broken on
# purpose: the TSC continuity check must withhold the blackout with its
# reason, a missing or failed cycle must fail the report, and input that
# breaks the protocol (results/GUEST-PROTOCOL.md) is refused with exit 2,
# the reason and no output.  No QEMU.
#
# usage: tests/cli/cycle_report_test.sh LUBENCH_CYCLE_REPORT
set -eu

[ $# -eq 1 ] || { echo "usage: $0 LUBENCH_CYCLE_REPORT" >&2; exit 2; }
report=$1
fixture=$(cd "$(dirname "$0")/../data/cycle-fixture" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# The fixture's restore line of cycle K, and one of its raw values.
restore_line() {
	grep -n "\"type\":\"lubench-cycle-restore\",\"cycle\":$1," \
		"$fixture/results.txt" | cut -d: -f1
}
raw() {
	json_value "$fixture/results.txt" "$(restore_line "$1")" "$2"
}

# copy: a fresh copy of the fixture in $run, its report to go to $out.
n=0
copy() {
	n=$((n + 1))
	run=$tmp/run$n
	out=$tmp/out$n
	cp -r "$fixture" "$run"
	rows=$out/results.jsonl
}

# Replace sed expression $2 in the restore line of cycle $1.
edit_restore() {
	sed -i "/\"lubench-cycle-restore\",\"cycle\":$1,/s/$2/" "$run/results.txt"
}

# near A B: A and B agree to 1e-5 (the writer keeps six digits).
near() {
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d
		exit !(b != 0 && d <= 1e-5 * (b < 0 ? -b : b)) }'
}

copy
run "$report" "$run" "$out"
check "a good run: exit 0" '[ "$rc" = 0 ]'
check "both jumps verified" \
	'[ "$(json_value "$rows" 1 verification)" = "\"pass\"" ] &&
	 [ "$(json_value "$rows" 2 verification)" = "\"pass\"" ]'
check "the TSC check passed with host stamps" \
	'[ "$(json_value "$rows" 2 tsc_check)" = "\"ok\"" ]'
check "lookups as the guest counted them" \
	'[ "$(json_value "$rows" 1 lookups)" = "$(raw 1 lookups)" ]'
# blackout = (finish_tsc - freeze_tsc) / tsc_khz
want=$(awk -v f="$(raw 2 finish_tsc)" -v z="$(raw 2 freeze_tsc)" \
	-v k="$(raw 2 tsc_khz)" 'BEGIN { printf "%.9g", (f - z) / k }')
check "blackout of jump 2 is freeze to finish on the TSC" \
	'near "$(json_value "$rows" 2 blackout_ms)" "$want"'
check "the devices preserved are the plan's 100" \
	'[ "$(json_value "$rows" 1 preserved)" = 100 ] &&
	 [ "$(json_value "$rows" 2 preserved)" = 100 ]'
check "the table has a verified row per layout" \
	'grep -Eq "^     linear +256 .* 1/1$" "$out/summary.txt" &&
	 grep -Eq "^     xarray +256 .* 1/1$" "$out/summary.txt"'

copy
edit_restore 2 '"tsc_khz":[0-9]*/"tsc_khz":2700000'
run "$report" "$run" "$out"
check "tsc_khz 4% apart: exit 0" '[ "$rc" = 0 ]'
check "tsc_khz 4% apart: no blackout" \
	'[ "$(json_value "$rows" 2 blackout_ms)" = null ]'
want=$(awk -v o="$(raw 2 old_tsc_khz)" 'BEGIN {
	printf "\"tsc_khz 2700000 vs %d in the old kernel: %.2f%% apart (limit 0.5%%)\"",
	       o, 100 * (2700000 - o) / o }')
check "tsc_khz 4% apart: the reason" \
	'[ "$(json_value "$rows" 2 tsc_check)" = "$want" ]'
check "tsc_khz 4% apart: jump 1 keeps its blackout" \
	'[ "$(json_value "$rows" 1 blackout_ms)" != null ]'

copy
edit_restore 1 '"init_tsc":[0-9]*/"init_tsc":1000'
run "$report" "$run" "$out"
check "a TSC that went back: no blackout" \
	'[ "$(json_value "$rows" 1 blackout_ms)" = null ]'
check "a TSC that went back: the reason" \
	'case "$(json_value "$rows" 1 tsc_check)" in
	 "\"TSC not continuous across kexec: the new kernel started "*" ms before the freeze\"") ;;
	 *) false ;; esac'

copy
sed -i 's/^\[host *[0-9.]* ms\] LUBENCH-RETRIEVED cycle=2/[host 99000.000 ms] LUBENCH-RETRIEVED cycle=2/' \
	"$run/console.log"
run "$report" "$run" "$out"
check "disagreeing with the host's clock: no blackout" \
	'[ "$(json_value "$rows" 2 blackout_ms)" = null ]'
check "disagreeing with the host's clock: the reason" \
	'case "$(json_value "$rows" 2 tsc_check)" in
	 "\"TSC blackout "*" ms on the host'"'"'s clock (limit +-"*" ms)\"") ;;
	 *) false ;; esac'

copy
sed -i '/LUBENCH-RETRIEVED cycle=1/d' "$run/console.log"
run "$report" "$run" "$out"
check "no host stamps: checked without them" \
	'[ "$(json_value "$rows" 1 tsc_check)" = "\"ok (no host stamps)\"" ] &&
	 [ "$(json_value "$rows" 1 host_blackout_ms)" = null ]'

copy
sed -i '/"lubench-cycle-restore","cycle":2,/d' "$run/results.txt"
run "$report" "$run" "$out"
check "a jump that never reported: exit 1" '[ "$rc" = 1 ]'
check "a jump that never reported: why" \
	'[ "$(json_value "$rows" 2 verification)" = "\"missing: no report from the kernel after the jump\"" ]'

copy
edit_restore 1 '"verdict":"pass","why":""/"verdict":"fail","why":"x marked"'
run "$report" "$run" "$out"
check "a failed verification in the guest: exit 1" '[ "$rc" = 1 ]'
check "a failed verification in the guest: why" \
	'[ "$(json_value "$rows" 1 verification)" = "\"fail: x marked\"" ]'

copy
sed -i '1s/linear none/linear corrupt/' "$run/cycle.plan"
run "$report" "$run" "$out"
check "a fault that was not refused: exit 1" '[ "$rc" = 1 ]'
# (a string holding quotes: the whole member, closing brace included)
check "a fault that was not refused: why" \
	'sed -n 1p "$rows" | grep -qF "\"verification\":\"fail: accepted, expected a refusal with \\\"checksum mismatch\\\"\"}"'

# Bridges go with the layout's rules: linear follows v2's, which keep none.
copy
edit_restore 1 '"preserved":100,\(.*\)"marked":100,/"preserved":103,\1"marked":103,"endpoints":100,"bridges":3,'
run "$report" "$run" "$out"
check "bridges under v2's rules: exit 1" '[ "$rc" = 1 ]'
check "bridges under v2's rules: why" \
	'[ "$(json_value "$rows" 1 verification)" = "\"fail: 3 bridges came across under v2'"'"'s rules, which keep none\"" ]'
check "bridges under v2's rules: the row counts endpoints and bridges" \
	'[ "$(json_value "$rows" 1 preserved)" = 100 ] &&
	 [ "$(json_value "$rows" 1 bridges)" = 3 ]'

copy
edit_restore 2 '"marked":100,/"marked":100,"endpoints":97,"bridges":3,'
run "$report" "$run" "$out"
check "fewer endpoints than planned, bridges aside: exit 1" '[ "$rc" = 1 ]'
check "fewer endpoints than planned, bridges aside: why" \
	'[ "$(json_value "$rows" 2 verification)" = "\"fail: 97 devices came across, 100 planned\"" ]'

copy
edit_restore 2 '"marked":100,/"marked":100,"endpoints":100,"bridges":0,'
run "$report" "$run" "$out"
check "no bridge under v2's rules, counted apart: exit 0" '[ "$rc" = 0 ]'

# bad NAME MESSAGE: the copy in $run (changed by the caller) is refused.
bad() {
	run "$report" "$run" "$out"
	refused "$1" 2 "lubench-cycle-report: $2"
	absent "$1" "$out"
}
first=$(restore_line 1)

copy
edit_restore 1 '"schema_version":1/"schema_version":2'
bad "an unknown schema version" \
	"$run/results.txt:$first: lubench-guest schema_version 2 is not one this reader knows (1..1)"
copy
edit_restore 1 '"init_tsc":[0-9]*/"init_tsc":-5'
bad "a negative stamp" "$run/results.txt:$first: \"init_tsc\": -5 is not a count"
copy
edit_restore 1 '"lookups":[0-9]*/"lookups":1e3'
bad "a fractional count" "$run/results.txt:$first: \"lookups\": 1e3 is not a count"
copy
edit_restore 1 '"tsc_khz":[0-9]*/"tsc_khz":NaN'
bad "NaN for a frequency" "$run/results.txt:$first: not a JSON value"
copy
edit_restore 1 '"reason":""/"reason":"\\u12"'
bad "a truncated \\u escape" "$run/results.txt:$first: truncated \\u escape"
copy
edit_restore 1 '"cycle":1,/"cycle":9,'
bad "a jump the plan does not have" \
	"$run/results.txt:$first: \"cycle\": 9 is not a jump of the plan (1..2)"
copy
sed -n "${first}p" "$fixture/results.txt" >>"$run/results.txt"
bad "a second restore line for a jump" \
	"$run/results.txt:$(($(wc -l <"$fixture/results.txt") + 1)): a second lubench-cycle-restore line for cycle 1"
copy
sed -i '1s/ 256 / 99999 /' "$run/cycle.plan"
bad "a plan beyond the module's 65536 devices" \
	"$run/cycle.plan:1: N: 99999 is out of range (16..65536)"
copy
sed -i '1s/ 100$/ 300/' "$run/cycle.plan"
bad "a plan preserving more than it creates" \
	"$run/cycle.plan:1: M: 300 is out of range (0..256)"
copy
sed -i 's/LUBENCH-FREEZE cycle=1 /LUBENCH-FREEZE cycle=x1 /' "$run/console.log"
line=$(grep -n 'LUBENCH-FREEZE cycle=x1' "$run/console.log" | cut -d: -f1)
bad "a marker without its number" \
	"$run/console.log:$line: LUBENCH-FREEZE without a valid cycle="
copy
echo "Clock=icount" >>"$run/cycle.meta"
bad "a cycle.meta key not in [a-z_]" \
	"$run/cycle.meta:$(wc -l <"$run/cycle.meta"): want KEY=VALUE with KEY in [a-z_]"
copy
printf 'clock=icount\nclock=real\n' >>"$run/cycle.meta"
bad "a cycle.meta key given twice" \
	"$run/cycle.meta:$(wc -l <"$run/cycle.meta"): clock given twice"
copy
rm "$run/results.txt"
mkdir "$run/results.txt"
bad "results.txt a directory" "$run/results.txt: is a directory"

tap_done
