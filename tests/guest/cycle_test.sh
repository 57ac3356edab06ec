#!/bin/sh
# Live-update cycles in the QEMU guest as ctest tests (tests/guest/cycle.cmake).
#
# usage: tests/guest/cycle_test.sh survives|refuses_bad_blob BUILD_DIR
#   survives  two jumps (linear, then xarray, which rebuilds an index) at
#             N=256, M=100: exactly the preserved set is marked incoming
#             after each jump, nothing else, counts and set hashes agree
#   refuses_bad_blob  one jump per injected defect (corrupt byte, unknown
#             compatible, truncated size, another layout's blob), then a
#             good one: each refused with its own reason, no device
#             marked, and the kernel goes on to the next cycle
# Prints KTAP. Exit: 0 pass, 1 fail, 4 skip ("1..0 # SKIP reason").
set -eu

usage() {
	echo "usage: $0 survives|refuses_bad_blob BUILD_DIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
mode=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$2"
build=$(cd "$2" && pwd)
# The guest kernel and base initramfs are shared with every guest user.
LUBENCH_BUILD=${LUBENCH_BUILD:-$build}
export LUBENCH_BUILD
out=$build/cycle-tests/$mode
rm -rf "$out"
mkdir -p "$build/cycle-tests"

case "$mode" in
survives)
	set -- --variant linear,xarray
	want_rows=2
	;;
refuses_bad_blob)
	set -- --variant hashed --faults all
	want_rows=5
	;;
*) usage ;;
esac

rc=0
"$top/scripts/host/cycle.sh" "$@" --devices 256 --preserve 100 --no-warmup \
	--no-plot --timeout 150 --out "$out" >"$out.log" 2>&1 || rc=$?
if [ "$rc" = 4 ]; then
	echo "1..0 # SKIP $(sed -n 's/^cycle: SKIP: //p' "$out.log" | tail -n 1)"
	exit 4
fi

echo "TAP version 13"
echo "1..1"
sed 's/^/# /' "$out.log"
fail=""
rows=$(grep -c '"schema":"lubench-cycle"' "$out/results.jsonl" 2>/dev/null || true)
[ "$rc" = 0 ] || fail="lubench cycle exited with $rc"
[ -n "$fail" ] || [ "$rows" = "$want_rows" ] ||
	fail="$rows result rows, $want_rows expected"
if [ -z "$fail" ]; then
	# Every row verified in the guest and by the report.
	bad=$(grep -vc '"verification":"pass"' "$out/results.jsonl" || true)
	[ "$bad" = 0 ] || fail="$bad rows not verified"
fi
if [ -z "$fail" ] && [ "$mode" = survives ]; then
	n=$(grep '"refused":false' "$out/results.jsonl" |
		grep -c '"preserved":100,' || true)
	[ "$n" = 2 ] || fail="$n of 2 jumps handed 100 devices over"
fi
if [ -z "$fail" ] && [ "$mode" = refuses_bad_blob ]; then
	for reason in "checksum mismatch" "unknown compatible" "truncated" \
		"compatible mismatch"; do
		grep -q "\"refused\":true,\"refusal_reason\":\"$reason\"" \
			"$out/results.jsonl" ||
			fail="no handover refused with \"$reason\""
	done
	grep '"fault":"none"' "$out/results.jsonl" | grep -q '"refused":false' ||
		fail="the cycle after the refused ones was not restored"
fi
if [ -n "$fail" ]; then
	echo "not ok 1 cycle_$mode: $fail"
	exit 1
fi
echo "ok 1 cycle_$mode"
