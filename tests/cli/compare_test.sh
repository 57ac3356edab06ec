#!/bin/sh
# lubench compare on made-up runs: an unchanged point, a real regression,
# a real improvement, and a small shift under the effect floor; the exit
# status says whether anything regressed.
#
# usage: tests/cli/compare_test.sh LUBENCH_COMPARE
set -eu

[ $# -eq 1 ] || { echo "usage: $0 LUBENCH_COMPARE" >&2; exit 2; }
cmp=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# A run: one row per point, 31 samples around BASE * FACTOR.
mkrun() {
	awk -v seed="$2" -v f_same="$3" -v f_reg="$4" -v f_imp="$5" \
	    -v f_small="$6" 'BEGIN {
		srand(seed)
		split("same reg imp small", name, " ")
		fac["same"] = f_same; fac["reg"] = f_reg
		fac["imp"] = f_imp; fac["small"] = f_small
		for (k = 1; k <= 4; k++) {
			v = name[k]
			printf "{\"schema\":\"lubench-bench\",\"variant\":\"%s\"," \
			       "\"op\":\"find-hit\",\"n\":4096,\"samples_ns\":[", v
			for (i = 0; i < 31; i++)
				printf "%s%.3f", i ? "," : "", \
				       100 * fac[v] * (1 + 0.04 * rand())
			printf "]}\n"
		}
	}' >"$1"
}

mkrun "$tmp/old.jsonl" 1 1 1 1 1
mkrun "$tmp/new.jsonl" 2 1 1.5 0.5 1.03

rc=0
"$cmp" "$tmp/old.jsonl" "$tmp/new.jsonl" >"$tmp/out" 2>&1 || rc=$?
check "a regression exits 1" '[ "$rc" = 1 ]'
check "the regression is marked R" \
	'grep -q "+50.*%  R .* find-hit reg n=4096$" "$tmp/out"'
check "the improvement is marked I" \
	'grep -q "%  I .* find-hit imp n=4096$" "$tmp/out"'
check "same distribution unmarked" \
	'grep "find-hit same n=4096$" "$tmp/out" | grep -qv " [RI] "'
check "3% shift is under the floor" \
	'grep "find-hit small n=4096$" "$tmp/out" | grep -qv " [RI] "'
check "counts" 'grep -qx "1 regressions, 1 improvements, 2 unchanged" "$tmp/out"'

rc=0
"$cmp" --min-effect 1 "$tmp/old.jsonl" "$tmp/new.jsonl" >"$tmp/out2" || rc=$?
check "a 1% floor flags the 3% shift" \
	'grep "find-hit small n=4096$" "$tmp/out2" | grep -q " R "'

rc=0
"$cmp" "$tmp/old.jsonl" "$tmp/old.jsonl" >"$tmp/out3" || rc=$?
check "a run against itself: exit 0" '[ "$rc" = 0 ]'
check "a run against itself: nothing marked" \
	'grep -qx "0 regressions, 0 improvements, 4 unchanged" "$tmp/out3"'

rc=0
"$cmp" "$tmp/old.jsonl" "$tmp/missing.jsonl" >/dev/null 2>&1 || rc=$?
check "unreadable input exits 2" '[ "$rc" = 2 ]'
rc=0
"$cmp" --alpha 2 "$tmp/old.jsonl" "$tmp/old.jsonl" >/dev/null 2>&1 || rc=$?
check "a bad --alpha exits 2" '[ "$rc" = 2 ]'

cat "$tmp/out" | sed 's/^/# /'
tap_done
