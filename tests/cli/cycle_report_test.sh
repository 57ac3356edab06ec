#!/bin/sh
# lubench-cycle-report on a recorded guest run (tests/data/cycle-fixture: two
# jumps, linear then xarray, N=256, M=100) and on copies of it broken on
# purpose: the TSC continuity check must withhold the blackout with its
# reason, and a missing or failed cycle must fail the report. No QEMU.
#
# usage: tests/cli/cycle_report_test.sh LUBENCH_CYCLE_REPORT
# Prints KTAP; exit 0 when every case passes.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 LUBENCH_CYCLE_REPORT" >&2; exit 2; }
report=$1
fixture=$(cd "$(dirname "$0")/../data/cycle-fixture" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
echo "TAP version 13"
echo "1..8"

# case NAME EXPECTED_EXIT: copy the fixture to $run, let the caller's
# function `mangle` change it, run the report; then `check` (a function
# of the caller) gets the rows in $out/results.jsonl.
run_case() {
	n=$((n + 1))
	run=$tmp/run$n
	out=$tmp/out$n
	cp -r "$fixture" "$run"
	mangle
	rc=0
	"$report" "$run" "$out" >"$tmp/stdout$n" 2>&1 || rc=$?
	why=""
	if [ "$rc" != "$2" ]; then
		why="exit $rc, expected $2"
	else
		why=$(check) || true
	fi
	if [ -z "$why" ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1: $why"
		sed 's/^/# /' "$tmp/stdout$n"
		failed=$((failed + 1))
	fi
}

# Row K of the output, one field: field K NAME
field() {
	sed -n "${1}p" "$out/results.jsonl" |
		sed -n "s/.*\"$2\":\\(\"[^\"]*\"\\|[^,}]*\\).*/\\1/p"
}

# Replace the first match of sed expression $2 in line(s) matching $1.
edit_restore() {
	sed -i "/\"lubench-cycle-restore\",\"cycle\":$1,/s/$2/" "$run/results.txt"
}

mangle() { :; }
check() {
	[ "$(field 1 verification)" = '"pass"' ] || echo "row 1 not verified"
	[ "$(field 2 verification)" = '"pass"' ] || echo "row 2 not verified"
	[ "$(field 2 tsc_check)" = '"ok"' ] || echo "tsc_check $(field 2 tsc_check)"
	[ "$(field 2 blackout_ms)" != null ] || echo "no blackout"
	[ "$(field 1 lookups)" -gt 256 ] || echo "lookups $(field 1 lookups)"
	grep -q 'linear.*256 .*2/2\|linear.*1/1' "$out/summary.txt" ||
		echo "no linear row in the table"
}
run_case "a good run reports both jumps" 0

mangle() { edit_restore 2 '"tsc_khz":[0-9]*/"tsc_khz":2700000'; }
check() {
	[ "$(field 2 blackout_ms)" = null ] || echo "blackout reported"
	field 2 tsc_check | grep -q 'apart' || echo "tsc_check $(field 2 tsc_check)"
	[ "$(field 1 blackout_ms)" != null ] || echo "row 1 lost its blackout"
}
run_case "tsc_khz differing by 4% withholds the blackout" 0

mangle() { edit_restore 1 '"init_tsc":[0-9]*/"init_tsc":1000'; }
check() {
	[ "$(field 1 blackout_ms)" = null ] || echo "blackout reported"
	field 1 tsc_check | grep -q 'not continuous' ||
		echo "tsc_check $(field 1 tsc_check)"
}
run_case "a TSC that went back across kexec withholds the blackout" 0

mangle() {
	sed -i 's/^\[host *[0-9.]* ms\] LUBENCH-RETRIEVED cycle=2/[host 30000.000 ms] LUBENCH-RETRIEVED cycle=2/' \
		"$run/console.log"
}
check() {
	[ "$(field 2 blackout_ms)" = null ] || echo "blackout reported"
	field 2 tsc_check | grep -q "host's clock" ||
		echo "tsc_check $(field 2 tsc_check)"
}
run_case "disagreeing with the host's clock withholds the blackout" 0

mangle() { sed -i '/LUBENCH-RETRIEVED cycle=1/d' "$run/console.log"; }
check() {
	[ "$(field 1 tsc_check)" = '"ok (no host stamps)"' ] ||
		echo "tsc_check $(field 1 tsc_check)"
	[ "$(field 1 host_blackout_ms)" = null ] || echo "host blackout reported"
}
run_case "no host stamps: checked without them" 0

mangle() { sed -i '/"lubench-cycle-restore","cycle":2,/d' "$run/results.txt"; }
check() {
	field 2 verification | grep -q '^"missing' ||
		echo "verification $(field 2 verification)"
}
run_case "a jump that never reported fails the run" 1

mangle() { edit_restore 1 '"verdict":"pass","why":""/"verdict":"fail","why":"x marked"'; }
check() {
	[ "$(field 1 verification)" = '"fail: x marked"' ] ||
		echo "verification $(field 1 verification)"
}
run_case "a failed verification in the guest fails the run" 1

mangle() { sed -i '1s/linear none/linear corrupt/' "$run/cycle.plan"; }
check() {
	grep -q 'fail: accepted, expected a refusal' "$out/results.jsonl" ||
		echo "verification $(field 1 verification)"
}
run_case "a fault that was not refused fails the run" 1

[ "$failed" = 0 ]
