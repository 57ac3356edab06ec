#!/bin/sh
# lubench-plotdata, scripts/plot/plot.sh and lubench-summary on the
# committed baseline (results/baseline) and broken copies of it: the
# figures each kind of run gets (a `lubench count` run's in instructions),
# data files that carry the rows' values,
# and a truncated or unknown-version input refused with exit 2, the
# reason and no image; the C summary reproduces the committed one, and
# says so when a sweep measured no find-hit (a restore-only workload).
#
# usage: tests/cli/plot_test.sh LUBENCH_PLOTDATA LUBENCH_SUMMARY
#   (scripts/plot/plot.sh finds lubench-plotdata under $LUBENCH_BUILD)
set -eu

[ $# -eq 2 ] || { echo "usage: $0 LUBENCH_PLOTDATA LUBENCH_SUMMARY" >&2; exit 2; }
pd=$1
summary=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
base=$top/results/baseline
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# fresh KIND: a copy of the baseline's KIND run in $run, no plots.
n=0
fresh() {
	n=$((n + 1))
	run=$tmp/run$n/$1
	mkdir -p "$tmp/run$n"
	cp -r "$base/$1" "$run"
	rm -rf "$run/plots"
	data=$tmp/data$n
	mkdir -p "$data"
}

# The ops in order of appearance in the rows, one per line.
ops_of() {
	sed -n 's/.*"op":"\([a-z-]*\)".*/\1/p' "$1" | awk '!seen[$0]++'
}

fresh bench
run "$pd" "$run" "$data"
check "bench run: exit 0" '[ "$rc" = 0 ]'
{
	for op in $(ops_of "$run/results.jsonl"); do echo "ns-per-op-$op"; done
	echo restore-total
	for op in $(ops_of "$run/results.jsonl"); do echo "speedup-$op"; done
} >"$tmp/want-figures"
check "bench run: a figure per op, the restore total, a speedup per op" \
	'cmp -s "$tmp/want-figures" "$data/figures"'
check "bench run: every figure has its script" \
	'for f in $(cat "$data/figures"); do [ -s "$data/$f.gp" ] || exit 1; done'
row=$(grep -n '"variant":"hashed",[^}]*"op":"find-hit","n":16,' "$run/results.jsonl" | cut -d: -f1)
want="16 $(json_value "$run/results.jsonl" "$row" median_ns) $(json_value "$run/results.jsonl" "$row" min_ns) $(json_value "$run/results.jsonl" "$row" p99_ns) $(json_value "$run/results.jsonl" "$row" total_ms) $(json_value "$run/results.jsonl" "$row" speedup_vs_linear) $(json_value "$run/results.jsonl" "$row" table_bytes)"
# (numerically: the data file writes 9 digits, the row 6)
check "bench run: a data file carries the row's values" \
	'head -n 1 "$data/find-hit__hashed.dat" | awk -v want="$want" "{
		n = split(want, w, \" \"); if (NF != n) exit 1
		for (i = 1; i <= n; i++) if (\$i + 0 != w[i] + 0) exit 1 }"'
# The sizes as the figure writes them: whole MiB, else KiB.
size() {
	if [ $(($1 % 1048576)) = 0 ]; then echo "$(($1 / 1048576)) MiB"
	else echo "$(($1 / 1024)) KiB"; fi
}
meta_num() {
	sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" "$run/meta.json" | head -n 1
}
marks="L1d $(size "$(meta_num l1d_bytes)"), L2 $(size "$(meta_num l2_bytes)"), L3 $(size "$(meta_num l3_bytes)")"
check "bench run: the cache marks come from meta.json ($marks)" \
	'grep -q "$marks" "$data/ns-per-op-find-hit.gp"'

fresh cycle
run "$pd" "$run" "$data"
check "cycle run: exit 0" '[ "$rc" = 0 ]'
cn=$(grep -o '"devices":[0-9]*' "$run/results.jsonl" | sort -u | cut -d: -f2)
check "cycle run: the phases and the layout's cost at N=$cn (its one N)" \
	'[ "$(cat "$data/figures")" = "$(printf "blackout-phases-n$cn\nlayout-cost-n$cn")" ]'
# The layouts of the run's rows, each once, in the order they ran.
bars=""
for v in $(grep -o '"variant":"[a-z0-9-]*"' "$run/results.jsonl" | cut -d'"' -f4); do
	case " $bars " in *" $v "*) ;; *) bars="$bars$v " ;; esac
done
check "cycle run: one bar per layout, none first" \
	'[ "${bars%% *}" = none ] &&
	 [ "$(cut -d" " -f1 "$data/phases-$cn.dat" | tr "\n" " ")" = "$bars" ]'

# A `lubench count` run (tests/data/count-run, a real one, recorded when
# v2 was named sorted: linear and sorted, find-hit and restore, N = 16 and
# 64): figures in instructions.
run=$top/tests/data/count-run
data=$tmp/data-count
mkdir -p "$data"
run "$pd" "$run" "$data"
check "count run: exit 0" '[ "$rc" = 0 ]'
check "count run: instruction figures of their own" \
	'[ "$(cat "$data/figures")" = "$(printf "instr-per-op-find-hit\ninstr-per-op-restore\nrestore-instr\nspeedup-instr-find-hit\nspeedup-instr-restore")" ]'
row=$(grep -n '"variant":"sorted","op":"restore","n":64,' "$run/results.jsonl" | cut -d: -f1)
want="64 $(json_value "$run/results.jsonl" "$row" instructions_per_op) $(json_value "$run/results.jsonl" "$row" instructions_per_total)"
check "count run: a data file carries the row's counts" \
	'sed -n 2p "$data/restore__sorted.dat" | awk -v want="$want" "{
		split(want, w, \" \")
		if (\$1 != w[1] || \$2 + 0 != w[2] + 0 || \$5 + 0 != w[3] + 0) exit 1 }"'
check "count run: labelled in instructions" \
	'grep -q "instructions per op (exact, callgrind)" "$data/instr-per-op-find-hit.gp"'

# bad KIND NAME MESSAGE: the copy in $run (changed by the caller) is refused.
bad() {
	run "$pd" "$run" "$data"
	refused "$1" 2 "lubench-plotdata: $2"
	check "$1: no figure" '[ ! -s "$data/figures" ]'
}

fresh bench
# The last row cut inside its samples: the reader meets the end of the file in an array.
head -n -1 "$base/bench/results.jsonl" >"$run/results.jsonl"
last=$(wc -l <"$run/results.jsonl")
tail -n 1 "$base/bench/results.jsonl" | sed 's/"samples_ns":\[.*/"samples_ns":[1.5,2/' | tr -d '\n' >>"$run/results.jsonl"
bad "a truncated results.jsonl" \
	"$run/results.jsonl:$((last + 1)): truncated array"
if command -v gnuplot >/dev/null 2>&1; then
	rc=0
	LUBENCH_BUILD=${LUBENCH_BUILD:-$top/build} timeout 120 \
		sh "$top/scripts/plot/plot.sh" "$run" >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "plot.sh on it: exit 2" '[ "$rc" = 2 ]'
	absent "plot.sh on it" "$run/plots"
fi

fresh bench
sed -i 's/"schema_version": 1,/"schema_version": 2,/' "$run/meta.json"
bad "meta.json of an unknown version" \
	"$run/meta.json: lubench-bench-meta schema_version 2 is not one this reader knows (1..1)"
fresh bench
sed -i '/"l2_bytes"/d' "$run/meta.json"
bad "meta.json without the L2 size" \
	"$run/meta.json: \"machine.l2_bytes\" is missing, expected a count"
fresh bench
sed -i '1s/"schema_version":1,/"schema_version":7,/' "$run/results.jsonl"
bad "a row of an unknown version" \
	"$run/results.jsonl:1: lubench-bench schema_version 7 is not one this reader knows (1..1)"
fresh bench
sed -i '2s/"median_ns":[0-9.]*/"median_ns":NaN/' "$run/results.jsonl"
bad "NaN for a median" "$run/results.jsonl:2: not a JSON value"
fresh bench
sed -n 3p "$base/bench/results.jsonl" >>"$run/results.jsonl"
bad "a point twice" \
	"$run/results.jsonl:$(($(wc -l <"$base/bench/results.jsonl") + 1)): a second row for find-hit linear n=16"
fresh cycle
sed -i 's/"schema": "lubench-cycle-meta"/"schema": "lubench-guest"/' "$run/meta.json"
bad "meta.json of another schema" \
	"$run/meta.json: schema \"lubench-guest\" is not lubench-bench-meta or another result directory's meta"

if command -v gnuplot >/dev/null 2>&1; then
	fresh cycle
	rc=0
	LUBENCH_BUILD=${LUBENCH_BUILD:-$top/build} timeout 120 \
		sh "$top/scripts/plot/plot.sh" "${run%/cycle}" >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "plot.sh on a run directory: exit 0" '[ "$rc" = 0 ]'
	check "plot.sh on a run directory: the cycle's images" \
		'[ -s "$run/plots/blackout-phases-n$cn.png" ] &&
		 [ -s "$run/plots/layout-cost-n$cn.svg" ]'
	mkdir "$tmp/empty"
	run sh "$top/scripts/plot/plot.sh" "$tmp/empty"
	refused "plot.sh on a directory without results" 2 \
		"plot: $tmp/empty: no meta.json (not a result directory)"
fi

# The summary of the committed run, rebuilt from its files.
mkdir "$tmp/sum"
for f in bench count cycle.txt compare-count.txt compare-cycle.txt verdict.txt; do
	[ ! -e "$base/$f" ] || cp -r "$base/$f" "$tmp/sum/"
done
run "$summary" "$tmp/sum"
sed -e "s|^lubench run baseline$|lubench run sum|" \
	-e "s|results/baseline/bench.txt|$tmp/sum/bench.txt|" \
	-e "s|results/baseline/cycle.txt|$tmp/sum/cycle.txt|" \
	"$base/summary.txt" >"$tmp/want-summary"
check "the summary: exit 0" '[ "$rc" = 0 ]'
check "the summary reproduces results/baseline/summary.txt" \
	'cmp -s "$tmp/want-summary" "$tmp/out"'
# The comparisons' block: the tallies under one heading, the first 5
# marked points of each, how many more and where, then the verdict.
{
	printf 'lubench compare: old -> new\ncounted instructions, instructions/op (exact)\n\n'
	printf '           old            new    %%change     point\n'
	for i in 1 2 3 4 5 6 7; do
		printf '       100.000        110.000   +10.000%%  R  find-hit v%s n=16\n' "$i"
	done
	printf '        70.397         70.397    +0.000%%     find-hit linear n=16\n\n'
	printf '7 regressions, 0 improvements, 1 unchanged\n'
} >"$tmp/sum/compare-count.txt"
printf 'lubench compare: old -> new\n\n0 regressions, 0 improvements, 40 unchanged\n' \
	>"$tmp/sum/compare-cycle.txt"
echo "verdict: REGRESSION against results/baseline in: count" >"$tmp/sum/verdict.txt"
run "$summary" "$tmp/sum"
check "comparisons: exit 0" '[ "$rc" = 0 ]'
sed -n '/^Against results\/baseline/,$p' "$tmp/out" >"$tmp/cmp-block"
check "comparisons: one heading, both tallies, the verdict last" \
	'grep -qxF "Against results/baseline (lubench compare; every point: $tmp/sum/compare-*.txt):" "$tmp/cmp-block" &&
	 grep -qx "counts  *7 regressions, 0 improvements, 1 unchanged" "$tmp/cmp-block" &&
	 grep -qx "icount cycles  *0 regressions, 0 improvements, 40 unchanged" "$tmp/cmp-block" &&
	 [ "$(tail -n 1 "$tmp/out")" = "verdict: REGRESSION against results/baseline in: count" ]'
check "comparisons: the first 5 marked points, then how many more" \
	'[ "$(grep -c " R  find-hit v" "$tmp/cmp-block")" = 5 ] &&
	 grep -q " R  find-hit v5 n=16" "$tmp/cmp-block" &&
	 grep -qxF "(and 2 more marked points: $tmp/sum/compare-count.txt)" "$tmp/cmp-block" &&
	 ! grep -q "find-hit linear" "$tmp/cmp-block"'
check "the summary with both comparisons: at most 70 lines" \
	'[ "$(wc -l <"$tmp/out")" -le 70 ]'
rm "$tmp/sum/compare-count.txt" "$tmp/sum/compare-cycle.txt" "$tmp/sum/verdict.txt"

# A sweep of other ops only (workloads/plan.conf: restore): the summary
# says it measured no find-hit and where its ops are, with no sweep
# tables, and still computes the findings from the rows it has.
mkdir -p "$tmp/rs/bench"
cp "$base/bench/meta.json" "$tmp/rs/bench/"
grep '"op":"restore"' "$base/bench/results.jsonl" >"$tmp/rs/bench/results.jsonl"
run "$summary" "$tmp/rs"
check "a restore-only sweep: exit 0, nothing on stderr" \
	'[ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && [ -s "$tmp/rs/bench/results.jsonl" ]'
check "a restore-only sweep: the summary says it measured no find-hit" \
	'grep -qxF "the sweep measured no find-hit; its ops: $tmp/rs/bench.txt" "$tmp/out"'
check "a restore-only sweep: no sweep tables" \
	'! grep -q "^machine: \|^find-hit, random order" "$tmp/out"'
check "a restore-only sweep: the findings from its rows" \
	'grep -q "^Findings (README.md" "$tmp/out" && grep -q "^d \[wall clock\] restore at N=" "$tmp/out"'
check "the full sweep's summary has its tables, not that line" \
	'grep -q "^machine: " "$tmp/want-summary" && ! grep -q "measured no find-hit" "$tmp/want-summary"'

sed -i '1s/"schema_version":1,/"schema_version":9,/' "$tmp/sum/bench/results.jsonl"
run "$summary" "$tmp/sum"
refused "the summary of a row of an unknown version" 2 \
	"lubench-summary: $tmp/sum/bench/results.jsonl:1: lubench-bench schema_version 9 is not one this reader knows (1..1)"

tap_done
