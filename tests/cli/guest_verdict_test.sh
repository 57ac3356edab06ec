#!/bin/sh
# lubench-guest-verdict on made-up consoles: every way a guest run ends
# gets its status and reason, the host's lubench-run line (through the one
# writer) and RUN_DIR/status; bad arguments are refused.  Its readers of
# what the host scripts act on: --status on good and malformed status
# files, --ktap on KTAP plans and results.  No QEMU.
#
# usage: tests/cli/guest_verdict_test.sh LUBENCH_GUEST_VERDICT
set -eu

[ $# -eq 1 ] || { echo "usage: $0 LUBENCH_GUEST_VERDICT" >&2; exit 2; }
v=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# case_ NAME QEMU_RC WANT_RC REASON: the console is $tmp/console (never
# a pipe into case_: that would run it in a subshell).
n=0
case_() {
	n=$((n + 1))
	d=$tmp/run$n
	mkdir -p "$d"
	cp "$tmp/console" "$d/console.log"
	[ -z "${qerr:-}" ] || printf '\n%s\n' "$qerr" >"$d/qemu.err"
	: >"$d/results.txt"
	run "$v" --run-dir "$d" --results "$d/results.txt" --qemu-rc "$2" \
		--wall-ms 12345 --timeout 300 --job-timeout 295 --accel tcg \
		--clock real --cpu max --mem 2G --smp 2
	want_rc=$3 want_reason=$4
	refused "$1" "$3" "guest-run: $4"
	check "$1: status file" \
		'[ "$("$v" --status "$d/status" reason)" = "$want_reason" ] &&
		 [ "$("$v" --status "$d/status" rc)" = "$want_rc" ] &&
		 grep -qxF "reason=$want_reason" "$d/status" &&
		 grep -qx "rc=$want_rc" "$d/status"'
	check "$1: the lubench-run line" \
		'[ "$(json_value "$d/results.txt" 1 schema)" = "\"lubench-guest\"" ] &&
		 [ "$(json_value "$d/results.txt" 1 type)" = "\"lubench-run\"" ] &&
		 [ "$(json_value "$d/results.txt" 1 exit)" = "$want_rc" ] &&
		 [ "$(json_value "$d/results.txt" 1 wall_ms)" = 12345 ]'
}

printf '[host 1.0 ms] LUBENCH-BOOT stage=1 uptime=1\n[host 2.0 ms] hello\n[host 3.0 ms] LUBENCH-EXIT 3\n' >"$tmp/console"
case_ "the job's status" 0 3 "job exited with status 3"
check "boots are counted" 'grep -qx "boots=1" "$d/status"'

printf '[host 1.0 ms] LUBENCH-BOOT stage=1 uptime=1\n[host 2.0 ms] working\n[host 9.0 ms] LUBENCH-TIMEOUT after 295 s\nTerminated\n[host 9.1 ms] LUBENCH-EXIT 124\n' >"$tmp/console"
case_ "killed in the guest" 0 124 \
	"guest timed out after 12.3 s: the job was killed in the guest after its 295 s limit (last console line: working)"

printf '[host 1.0 ms] booting\n[host 2.0 ms] Kernel panic - not syncing: Attempted to kill init!\n' >"$tmp/console"
case_ "a kernel panic" 0 126 "kernel panic: Kernel panic - not syncing: Attempted to kill init!"

printf '[host 1.0 ms] still booting\n' >"$tmp/console"
case_ "killed on the host" 124 124 \
	"guest timed out after 300 s (last console line: still booting)"

qerr="qemu-system-x86_64: -smp 9999: Invalid SMP CPUs 9999"
: >"$tmp/console"
case_ "QEMU refused to start" 1 125 \
	"qemu failed to start (qemu-system-x86_64: -smp 9999: Invalid SMP CPUs 9999)"
qerr=""

printf '[host 1.0 ms] half way\n' >"$tmp/console"
case_ "QEMU died" 1 125 "qemu died with status 1 (no message); last console line: half way"

printf '[host 1.0 ms] LUBENCH-BOOT stage=1 uptime=1\n[host 2.0 ms] the end\n' >"$tmp/console"
case_ "no status" 0 127 \
	"guest stopped without reporting a status (last console line: the end)"

run "$v" --run-dir "$tmp" --results "$tmp/r" --qemu-rc 999 --wall-ms 1 \
	--timeout 1 --job-timeout 1 --accel tcg --clock real --cpu max \
	--mem 2G --smp 2
refused "a QEMU status above 255" 2 "lubench-guest-verdict: --qemu-rc: 999 is out of range (0..255)"
absent "a QEMU status above 255" "$tmp/r"

# --- --status: the host scripts' reader of RUN_DIR/status ----------------

s=$tmp/run1/status
for kv in rc=3 accel=tcg clock=real cpu=max wall_ms=12345 boots=1 \
	"reason=job exited with status 3"; do
	run "$v" --status "$s" "${kv%%=*}"
	check "--status ${kv%%=*}: the value the verdict wrote" \
		'[ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = "${kv#*=}" ] && [ ! -s "$tmp/err" ]'
done

good='rc=0
accel=kvm
clock=icount
cpu=host
wall_ms=0
boots=2
reason=a reason = with its own equals sign'
printf '%s\n' "$good" >"$tmp/st"
run "$v" --status "$tmp/st" reason
check "--status: a value is everything after the first =" \
	'[ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = "a reason = with its own equals sign" ]'

# bad_status DESC CONTENT WANT_ERR: CONTENT as the status file is
# refused, exit 2, with WANT_ERR (the file is $tmp/bad) and nothing on stdout.
bad_status() {
	printf '%s\n' "$2" >"$tmp/bad"
	run "$v" --status "$tmp/bad" rc
	refused "--status: $1" 2 "lubench-guest-verdict: $tmp/bad$3"
	check "--status: $1: prints no value" '[ ! -s "$tmp/out" ]'
}
keys="rc, accel, clock, cpu, wall_ms, boots, reason"
bad_status "an unknown key" "$(printf '%s\n' "$good" | sed 3s/clock/colour/)" \
	":3: unknown key 'colour' (a status file has $keys)"
bad_status "a line without =" "$(printf 'rc=0\nhello\n')" \
	":2: not a KEY=VALUE line"
bad_status "an empty key" "$(printf '=0\n')" ":1: not a KEY=VALUE line"
bad_status "a key twice" "$(printf '%s\nboots=3\n' "$good")" \
	":8: a second boots line (the first is line 6)"
bad_status "rc above 255" "$(printf '%s\n' "$good" | sed 1s/=0/=256/)" \
	":1: rc: 256 is out of range (0..255)"
bad_status "a wall_ms that is no count" "$(printf '%s\n' "$good" | sed 5s/=0/=-4/)" \
	":5: wall_ms: '-4' is not a number"
bad_status "a clock of neither kind" "$(printf '%s\n' "$good" | sed 3s/icount/fast/)" \
	":3: clock: 'fast' is neither real nor icount"
bad_status "a control character" "$(printf '%s\n' "$good" | sed '4s/=host/=ho\tst/')" \
	":4: a control character in cpu's value"
bad_status "a key missing" "$(printf '%s\n' "$good" | sed 7d)" ": no reason line"
bad_status "an empty line" "" ":1: not a KEY=VALUE line"
: >"$tmp/bad"
run "$v" --status "$tmp/bad" reason
refused "--status: an empty file" 2 "lubench-guest-verdict: $tmp/bad: no rc line"
run "$v" --status "$tmp/st" colour
refused "--status: a key the file has not" 2 \
	"lubench-guest-verdict: --status: no key 'colour' ($keys)"
run "$v" --status "$tmp/none" rc
refused "--status: no file" 2 "lubench-guest-verdict: $tmp/none: No such file or directory"

# --- --ktap: the plan and results guest-ktap.sh acts on -----------------

cat >"$tmp/ktap" <<'EOK'
# lubench guest tests: nr_devices=16
TAP version 13
1..4
# Starting 4 tests from 1 test cases.
#  RUN           dev.one ...
ok 1 dev.one
    KTAP version 1
    1..1
    not ok 1 a subtest's result is not the job's
not ok 2 dev.two
# ok 9 a diagnostic is no result
ok 3 dev.three # SKIP no module
ok 4 dev.four
some output of the tests' own
EOK
run "$v" --ktap "$tmp/ktap"
check "--ktap: plan, ok, skipped and not ok of the top level" \
	'[ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = "4 3 1 1" ]'
printf '1..0 # SKIP no lubench.ko\n' >"$tmp/ktap"
run "$v" --ktap "$tmp/ktap"
check "--ktap: a skip plan" '[ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = "0 0 0 0" ]'
printf 'TAP version 13\nok 1 a\n' >"$tmp/ktap"
run "$v" --ktap "$tmp/ktap"
refused "--ktap: no plan" 1 "lubench-guest-verdict: $tmp/ktap: no KTAP plan line (1..N)"

# bad_ktap DESC CONTENT WANT_ERR: CONTENT as KTAP is refused, exit 2.
bad_ktap() {
	printf '%s\n' "$2" >"$tmp/ktap"
	run "$v" --ktap "$tmp/ktap"
	refused "--ktap: $1" 2 "lubench-guest-verdict: $tmp/ktap$3"
	check "--ktap: $1: prints no tally" '[ ! -s "$tmp/out" ]'
}
bad_ktap "a second plan" "$(printf '1..2\nok 1 a\n1..2\n')" \
	":3: a second plan line (the first is line 1)"
bad_ktap "a result out of order" "$(printf '1..3\nok 1 a\nok 3 c\n')" \
	":3: test 3 where 2 was next"
bad_ktap "a result without a number" "$(printf '1..1\nok first\n')" \
	":2: malformed result line 'ok first'"
bad_ktap "a plan without a number" "$(printf '1..many\n')" \
	":1: malformed plan line '1..many'"

tap_done
