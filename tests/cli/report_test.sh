#!/bin/sh
# lubench report on a run made of the baseline's sweep (bench/) and the
# plan fixture's cycles (cycle/, five N, one jump each): report.txt fits
# 72 columns, and every number in it comes from the run: each table
# cell is its row's value as the table prints it (recomputed here from
# results.jsonl), the plan's lines are plan/plan-brief.txt's, the setup's
# numbers are meta.json's; a line with a number from anywhere else fails.
# Also: report.html holds every SVG of the run inline and refers to
# nothing outside itself; a run with one N says why it has no plan; bad
# input is refused with exit 2 and no report.
#
# usage: tests/cli/report_test.sh LUBENCH_REPORT
#   (scripts/host/report.sh runs the build's tools under $LUBENCH_BUILD)
set -eu

[ $# -eq 1 ] || { echo "usage: $0 LUBENCH_REPORT" >&2; exit 2; }
report=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# make_run DIR CYCLE: a `lubench run` directory from the baseline's sweep
# and the cycle rows of CYCLE (no plots: report.sh draws them).
make_run() {
	mkdir -p "$1/bench" "$1/cycle"
	cp "$top/results/baseline/bench/meta.json" \
		"$top/results/baseline/bench/results.jsonl" "$1/bench/"
	cp "$2/meta.json" "$2/results.jsonl" "$1/cycle/"
	echo "plan-quad 256 512 1024 2048 4096" >"$1/cycle/cycle.plan"
}

run_dir=$tmp/run
make_run "$run_dir" "$top/tests/data/plan-quad"
run "$top/scripts/host/report.sh" --budget-ms 4000 "$run_dir"
check "report.sh: exit 0" '[ "$rc" = 0 ]'
check "report.sh: prints both paths" \
	'grep -qxF "report: $run_dir/report.txt" "$tmp/out" &&
	 grep -qxF "report: $run_dir/report.html" "$tmp/out"'
txt=$run_dir/report.txt
check "report.txt: no line over 72 columns" '! grep -q ".\{73\}" "$txt"'
check "report.txt: no tab" '! grep -q "	" "$txt"'
check "report.txt: the plan for the budget" \
	'grep -Eq "^linear +8926 +\[8926, 8926\]" "$txt"'

# --- every number from the run ---------------------------------------------
# The rows' values, as the report's tables print them (num() in
# bench/tools/report.c: 0 and >= 100 no decimals, >= 10 one, >= 1 two,
# else three), keyed by table, layout and N.
awk_num='function num(v, a) { v += 0; a = v < 0 ? -v : v
	if (a >= 100 || a == 0) return sprintf("%.0f", v)
	if (a >= 10) return sprintf("%.1f", v)
	if (a >= 1) return sprintf("%.2f", v)
	return sprintf("%.3f", v) }
function field(k, m) { if (match($0, "\"" k "\":[^,}]*")) {
	m = substr($0, RSTART + length(k) + 3, RLENGTH - length(k) - 3)
	gsub("\"", "", m); return m } return "" }'
# restore: total_ms in us
awk "$awk_num"'
	field("op") == "restore" { print "restore", field("variant"), field("n"),
		num(field("total_ms") * 1000) }' "$run_dir/bench/results.jsonl" \
	>"$tmp/want"
# blackout table: one jump per (layout, N), so the median is the row
awk "$awk_num"'
	{ print "cycle", field("variant"), field("devices"),
		num(field("blackout_ms")), num(field("shutdown_jump_ms")),
		num(field("boot_ms")), num(field("enumerate_ms")),
		num(field("retrieve_ms")), num(field("lookup_ms")) }' \
	"$run_dir/cycle/results.jsonl" >>"$tmp/want"

# The report's restore table: N columns, then a row per layout.
sed -n '/^Restore in user space/,/^$/p' "$txt" | awk '
	$1 == "N" { nc = 0; for (i = 3; i <= NF; i++) n[++nc] = $i; next }
	nc && NF == nc + 1 { for (i = 2; i <= NF; i++) print "restore", $1, n[i - 1], $i }' \
	>"$tmp/got-restore"
# as many cells as the rows have layouts x N (at most 6 N fit 72 columns)
nl_=$(grep '"op":"restore"' "$run_dir/bench/results.jsonl" | grep -o '"variant":"[^"]*"' | sort -u | wc -l)
nn_=$(grep '"op":"restore"' "$run_dir/bench/results.jsonl" | grep -o '"n":[0-9]*' | sort -u | wc -l)
[ "$nn_" -le 6 ] || nn_=6
check "restore table: $nl_ layouts x $nn_ N printed" '[ "$(wc -l <"$tmp/got-restore")" = $((nl_ * nn_)) ]'
check "restore table: every cell is its row's total_ms in us" \
	'(while read -r line; do grep -qxF "$line" "$tmp/want" || { echo "# $line" >"$tmp/err"; exit 1; }; done <"$tmp/got-restore")'
sed -n '/^variant  *N  *j  *blackout/,/^$/p' "$txt" | awk '
	NR > 1 && NF == 9 { print "cycle", $1, $2, $4, $5, $6, $7, $8, $9 }' \
	>"$tmp/got-cycle"
check "blackout table: a line per (layout, N), 15" '[ "$(wc -l <"$tmp/got-cycle")" = 15 ]'
check "blackout table: every cell is its row's value" \
	'(while read -r line; do grep -qxF "$line" "$tmp/want" || { echo "# $line" >"$tmp/err"; exit 1; }; done <"$tmp/got-cycle")'
check "blackout table: one jump each" \
	'sed -n "/^variant  *N  *j  *blackout/,/^\$/p" "$txt" | awk "NR > 1 && NF == 9 && \$3 != 1 { exit 1 }"'

# Every other line with a number in it: a plan line (plan-brief.txt's),
# a setup line whose numbers are meta.json's, or a heading/header line
# of the tables checked above.  Nothing else may carry a number.
meta=$run_dir/bench/meta.json
l2=$(sed -n 's/.*"l2_bytes": \([0-9]*\).*/\1/p' "$meta")
l3=$(sed -n 's/.*"l3_bytes": \([0-9]*\).*/\1/p' "$meta")
cores=$(sed -n 's/.*"cores": \([0-9]*\).*/\1/p' "$meta")
cpu=$(sed -n 's/.*"cpu_model": "\([^"]*\)".*/\1/p' "$meta")
check "setup: cores and caches as meta.json has them" \
	'grep -qxF "machine: $cpu, $cores cores, L2 $((l2 / 1024)) KiB, L3 $((l3 / 1048576)) MiB" "$txt"'
: >"$tmp/unaccounted"
in_table=""
while IFS= read -r line; do
	case $line in
	"Restore in user space"* | "variant "*) in_table=1; continue ;;
	"") in_table=""; continue ;;
	esac
	[ -z "$in_table" ] || continue
	case $line in *[0-9]*) ;; *) continue ;; esac
	grep -qxF -- "$line" "$run_dir/plan/plan-brief.txt" && continue
	case $line in
	"machine: "* | "commit "* | "host kernel: "* | "guest: kernel "* | \
	"  (bench/results.jsonl):" | "virtual time: exact, one instruction = 1 ns") continue ;;
	esac
	echo "$line" >>"$tmp/unaccounted"
done <"$txt"
cp "$tmp/unaccounted" "$tmp/err"
check "every other number is the plan's or the setup's" '[ ! -s "$tmp/unaccounted" ]'
check "setup: the commit, the host and guest kernels are meta.json's" '
	c=$(sed -n "s/^commit \([0-9a-f]*\),.*/\1/p" "$txt") &&
	grep -q "\"git_commit\": \"$c" "$meta" &&
	k=$(sed -n "s/^host kernel: //p" "$txt") &&
	grep -qF "\"kernel\": \"$k\"" "$meta" &&
	grep -qF "guest: kernel 6.1.0-57-amd64, accelerator tcg" "$txt"'
check "every plan line is plan-brief.txt's, in order" '
	sed -n "/^Capacity plan/,\$p" "$txt" | sed 1d >"$tmp/plan-part" &&
	cmp -s "$tmp/plan-part" "$run_dir/plan/plan-brief.txt"'

# --- report.html ----------------------------------------------------------
html=$run_dir/report.html
svgs=$(cd "$run_dir" && ls plan/*.svg bench/plots/*.svg cycle/plots/*.svg 2>/dev/null | wc -l)
check "report.html: a figure per SVG of the run ($svgs)" \
	'[ "$svgs" -gt 10 ] && [ "$(grep -c "^<figure id=" "$html")" = "$svgs" ]'
check "report.html: each figure holds its SVG inline" \
	'[ "$(grep -c "<svg" "$html")" -ge "$svgs" ]'
check "report.html: the plan's figure is there" 'grep -q "data-src=\"plan/plan.svg\"" "$html"'
check "report.html: nothing outside the page (no src, no http, no file)" \
	'! grep -Eq " src=|href=.(https?|file):|url\((https?|file):|@import" "$html"'
check "report.html: every id in a figure carries its figure's prefix" \
	'[ -z "$(grep -o " id=\"[^\"]*\"" "$html" | grep -Ev "^ id=\"(f[0-9]+-.*|report|figures|fig[0-9]+)\"$")" ]'
check "report.html: every in-page reference has its target" '(
	for r in $(grep -o "href=.#[^\"'"'"']*" "$html" | sed "s/^href=.#//" | sort -u); do
		grep -q "id=.$r[\"'"'"']" "$html" || { echo "# #$r" >"$tmp/err"; exit 1; }
	done)'
check "report.html: the text is report.txt's" 'grep -q "<pre id=\"report\">lubench report: run$" "$html"'

# --- one N only: no plan, and why ---------------------------------------
mkdir -p "$tmp/onen"
cp "$top/tests/data/plan-quad/meta.json" "$tmp/onen/"
grep '"devices":1024,' "$top/tests/data/plan-quad/results.jsonl" >"$tmp/onen/results.jsonl"
make_run "$tmp/one" "$tmp/onen"
run "$top/scripts/host/report.sh" "$tmp/one"
check "one N: exit 0" '[ "$rc" = 0 ]'
check "one N: the report says why there is no plan" \
	'grep -qxF "Capacity plan: not made:" "$tmp/one/report.txt" &&
	 grep -q "^none was measured at one N only (N = 1024" "$tmp/one/report.txt"'
check "one N: still 72 columns" '! grep -q ".\{73\}" "$tmp/one/report.txt"'

# --- refused -----------------------------------------------------------
mkdir -p "$tmp/empty"
run "$report" "$tmp/empty"
refused "not a run" 2 "lubench-report: $tmp/empty: neither a bench nor a cycle run in it (no meta.json, bench/ or cycle/)"
absent "not a run" "$tmp/empty/report.txt" "$tmp/empty/report.html"
make_run "$tmp/broken" "$top/tests/data/plan-quad"
head -c 300 "$top/tests/data/plan-quad/results.jsonl" >"$tmp/broken/cycle/results.jsonl"
run "$report" "$tmp/broken"
check "a truncated row: exit 2" '[ "$rc" = 2 ]'
check "a truncated row: names the file and line" \
	'grep -q "^lubench-report: $tmp/broken/cycle/results.jsonl:1: " "$tmp/err"'
absent "a truncated row" "$tmp/broken/report.txt" "$tmp/broken/report.html"
run "$report"
check "no argument: usage, exit 2" '[ "$rc" = 2 ] && grep -q "^usage: lubench-report RUN_DIR" "$tmp/err"'

echo "1..$((pass + fail))"
[ "$fail" = 0 ]
