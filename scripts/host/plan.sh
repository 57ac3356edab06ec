#!/bin/sh
# `lubench plan`: lubench-plan fits and prints the plan; with --out DIR,
# the plan's figure (predicted blackout against N per layout, the budget
# line, the measured jumps, the interval band) is rendered from the data
# and script lubench-plan wrote there, into DIR/plan.png and plan.svg.
#
# usage: scripts/host/plan.sh --budget-ms B [--variant LIST] [--devices N]
#                             [--extrapolate] [--alpha P] [--boot K]
#                             [--seed S] [--out DIR] RUN_DIR...
# Environment: LUBENCH_BUILD (default build/).
# Exit: lubench-plan's (2 bad input, nothing written); 1 gnuplot failed.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${LUBENCH_BUILD:-$top/build}
plan=$build/bench/lubench-plan

die() {
	echo "plan: $*" >&2
	exit 1
}

[ -x "$plan" ] || die "no $plan: run ./lubench build first"
out=""
prev=""
for a in "$@"; do
	[ "$prev" != --out ] || out=$a
	case $a in --out=*) out=${a#--out=} ;; esac
	prev=$a
done
"$plan" "$@"
[ -n "$out" ] || exit 0
# shellcheck source=scripts/plot/plot-lib.sh
. "$top/scripts/plot/plot-lib.sh"
plot_init
out=$(cd "$out" && pwd)
render "$out" plan "$out"
rm -f "$out/last.gp"
