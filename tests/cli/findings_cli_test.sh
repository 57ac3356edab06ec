#!/bin/sh
# The findings of a tiny `lubench bench` run: the section is there, in the
# bench's output and in the run's summary alike (one computation from the
# same rows), every finding has its figures, and the ones that are plain
# counts (v2's headroom, the 16-bit aliases) are exactly what the rows
# say.  Never its speed: no figure is compared with a time.
#
# usage: tests/cli/findings_cli_test.sh LUBENCH_BENCH LUBENCH_SUMMARY
set -eu

[ $# -eq 2 ] || { echo "usage: $0 LUBENCH_BENCH LUBENCH_SUMMARY" >&2; exit 2; }
bench=$1
summary=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

mkdir -p "$tmp/run"
run "$bench" --n 16,256,1024,2048 --reps 3 --visits 1 --sample-us 50 \
	--out "$tmp/run/bench"
check "a tiny bench exits 0" '[ "$rc" = 0 ]'
cp "$tmp/out" "$tmp/bench.txt"
run "$summary" "$tmp/run"
check "the summary exits 0" '[ "$rc" = 0 ]'
cp "$tmp/out" "$tmp/summary.txt"

for f in bench summary; do
	check "$f: a findings section" \
		'grep -q "^Findings (README.md" "$tmp/$f.txt"'
	for s in a b c d e; do
		check "$f: finding $s has figures" \
			'grep -q "^$s \\[\\(wall clock\\|devices\\)\\] " "$tmp/$f.txt"'
	done
done
sed -n '/^Findings/,$p' "$tmp/bench.txt" >"$tmp/bench.findings"
sed -n '/^Findings/,$p' "$tmp/summary.txt" >"$tmp/summary.findings"
check "bench and summary print the same findings" \
	'cmp -s "$tmp/bench.findings" "$tmp/summary.findings"'
# Wrapped lines joined, to match figures whatever the width.
tr '\n' ' ' <"$tmp/bench.findings" | tr -s ' ' >"$tmp/flat"
check "the fit names its exponent and R^2" \
	'grep -q "log-log fit over N >= 256 (3 sizes): N^[0-9.]*, R^2 [0-9.]*" \
		"$tmp/flat"'
check "every finding names its clock" \
	'! grep "^[a-e ] \[" "$tmp/bench.findings" |
	   grep -v "^[a-e ] \[\(wall clock\|counted instructions\|devices\)\]"'
check "a clock on every first line" \
	'[ "$(grep -c "^[a-e] \[" "$tmp/bench.findings")" = 5 ]'

# The value of KEY in the first row of $tmp/run/bench for variant V, op O, N.
field() {
	grep "\"variant\":\"$1\",[^}]*\"op\":\"$2\",\"n\":$3," \
		"$tmp/run/bench/results.jsonl" | head -n 1 |
		sed "s/.*\"$4\":\([0-9]*\).*/\1/"
}
cap=$(field v2 restore 2048 capacity)
ent=$(field v2 restore 2048 entries)
check "v2's headroom is capacity - entries of its row" \
	'[ -n "$cap" ] && grep -q "capacity $cap at N=2048 (share 50%), so $((cap - ent)) hot-plugged devices fit" "$tmp/flat"'
al=$(field v2 restore 2048 alias16)
fh=$(field v2 restore 2048 alias16_false_hits)
en=$(field v2 restore 2048 enumerated)
check "the 16-bit aliases are the rows' counts" \
	'[ -n "$al" ] && grep -q "aliases $al of the $en devices enumerated at N=2048 .*; $fh not preserved would be found" "$tmp/flat"'

tap_done
