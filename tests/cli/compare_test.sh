#!/bin/sh
# lubench compare on made-up runs: an unchanged point, a real regression,
# a real improvement, and a small shift under the effect floor; the exit
# status says whether anything regressed.  Bad options and bad rows (an
# unknown schema version, NaN, a zero time, a duplicate point, a device)
# are refused quickly with the reason and exit 2.
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
			printf "{\"schema\":\"lubench-bench\",\"schema_version\":1," \
			       "\"variant\":\"%s\"," \
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

run "$cmp" --min-effect 1 "$tmp/old.jsonl" "$tmp/new.jsonl"
check "a 1% floor: exit 1" '[ "$rc" = 1 ]'
check "a 1% floor flags the 3% shift" \
	'grep "find-hit small n=4096$" "$tmp/out" | grep -q " R "'

run "$cmp" "$tmp/old.jsonl" "$tmp/old.jsonl"
check "a run against itself: exit 0" '[ "$rc" = 0 ]'
check "a run against itself: nothing marked" \
	'grep -qx "0 regressions, 0 improvements, 4 unchanged" "$tmp/out"'

run "$cmp" "$tmp/old.jsonl" "$tmp/missing.jsonl"
refused "unreadable input" 2 "$tmp/missing.jsonl: No such file or directory"
run "$cmp" "$tmp/old.jsonl" /dev/zero
refused "a device" 2 "/dev/zero: not a regular file"

run "$cmp" --alpha 2 "$tmp/old.jsonl" "$tmp/old.jsonl"
refused "--alpha 2" 2 "lubench compare: --alpha: 2 is out of range (0..1, both excluded)"
run "$cmp" --alpha 0 "$tmp/old.jsonl" "$tmp/old.jsonl"
refused "--alpha 0" 2 "lubench compare: --alpha: 0 is out of range (0..1, both excluded)"
run "$cmp" --alpha nan "$tmp/old.jsonl" "$tmp/old.jsonl"
refused "--alpha nan" 2 "lubench compare: --alpha: 'nan' is not a number"
run "$cmp" --min-effect x "$tmp/old.jsonl" "$tmp/old.jsonl"
refused "--min-effect x" 2 "lubench compare: --min-effect: 'x' is not a number"
check "--min-effect x: nothing compared" '[ ! -s "$tmp/out" ]'
run "$cmp" --min-effect -5 "$tmp/old.jsonl" "$tmp/old.jsonl"
refused "--min-effect -5" 2 "lubench compare: --min-effect: -5 is out of range (0..1000)"
run "$cmp" --min-effect '' "$tmp/old.jsonl" "$tmp/old.jsonl"
refused "--min-effect ''" 2 "lubench compare: --min-effect: '' is not a number"

# bad NAME MESSAGE ROW: a run of the good rows and ROW is refused.
bad() {
	{ cat "$tmp/old.jsonl"; printf '%s\n' "$3"; } >"$tmp/bad.jsonl"
	rc=0
	timeout 10 "$cmp" "$tmp/old.jsonl" "$tmp/bad.jsonl" >"$tmp/out" \
		2>"$tmp/err" || rc=$?
	refused "$1" 2 "$tmp/bad.jsonl:5: $2"
}
row='"schema":"lubench-bench","schema_version":1,"variant":"x","op":"find-hit","n":16'
bad "a NaN sample (used to hang)" "an array holds something other than numbers" \
	"{$row,\"samples_ns\":[1,2,NaN]}"
bad "an infinite sample" "\"samples_ns\"[1]: 1e999 is out of range for a finite time in ns" \
	"{$row,\"samples_ns\":[1,1e999]}"
bad "a zero time (an old median of 0)" \
	"\"samples_ns\"[0]: 0 is out of range for a time per op (0 is no measurement)" \
	"{$row,\"samples_ns\":[0,0,0]}"
bad "a negative time" "\"samples_ns\"[1]: -1 is out of range for a finite time in ns" \
	"{$row,\"samples_ns\":[1,-1]}"
bad "no samples" "\"samples_ns\" is missing, expected an array of times in ns" \
	"{$row}"
bad "a duplicate point" "duplicate point \"find-hit reg n=4096\" (first at line 2)" \
	"$(sed -n 2p "$tmp/old.jsonl")"
bad "an unknown schema version" \
	"lubench-bench schema_version 2 is not one this reader knows (1..1)" \
	'{"schema":"lubench-bench","schema_version":2,"variant":"x","op":"find-hit","n":16,"samples_ns":[1]}'
bad "another schema" "schema \"lubench-cycle\", expected \"lubench-bench\"" \
	'{"schema":"lubench-cycle","schema_version":1}'
bad "no schema" "no \"schema\" (expected \"lubench-bench\")" \
	'{"variant":"x","op":"find-hit","n":16,"samples_ns":[1]}'
bad "a line that is no JSON" "not a JSON object" 'variant,op,n'
bad "a truncated \\u escape" "truncated \\u escape" \
	'{"schema":"lubench-bench\u12'

cat "$tmp/out" | sed 's/^/# /'
tap_done
