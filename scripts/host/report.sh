#!/bin/sh
# `lubench report`: a run for upstream review.  Draws the run's figures
# when they are missing (scripts/plot/plot.sh), makes the capacity plan
# for a default budget when the cycles were measured at several N
# (lubench-plan into RUN_DIR/plan/, its figure rendered), then
# lubench-report writes RUN_DIR/report.txt (72 columns, for a mail) and
# RUN_DIR/report.html (one self-contained page, the SVG figures inline).
#
# usage: scripts/host/report.sh [--budget-ms B] RUN_DIR
#   --budget-ms  the plan's blackout budget (default $LUBENCH_BUDGET_MS,
#                else 2000 ms: of icount virtual time, about what this
#                guest needs for a few thousand devices)
# Environment: LUBENCH_BUILD (default build/).
# Exit: 0; 1 a tool failed; 2 usage or a result file refused.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${LUBENCH_BUILD:-$top/build}

usage() {
	echo "usage: $0 [--budget-ms B] RUN_DIR" >&2
	exit 2
}

die() {
	echo "report: $*" >&2
	exit 1
}

budget=${LUBENCH_BUDGET_MS:-2000}
while [ $# -gt 1 ]; do
	case $1 in
	--budget-ms) budget=$2; shift 2 ;;
	*) usage ;;
	esac
done
[ $# -eq 1 ] || usage
case $1 in -*) usage ;; esac
run=${1%/}
[ -d "$run" ] || { echo "report: $run: not a directory" >&2; exit 2; }
for t in lubench-report lubench-plan lubench-plotdata; do
	[ -x "$build/bench/$t" ] || die "no $build/bench/$t: run ./lubench build first"
done

# The figures, when the run has none yet.
need_plots=0
for stage in bench cycle; do
	if [ -f "$run/$stage/meta.json" ] && [ ! -d "$run/$stage/plots" ]; then
		need_plots=1
	fi
done
if [ -f "$run/meta.json" ] && [ ! -d "$run/plots" ]; then
	need_plots=1
fi
if [ "$need_plots" = 1 ]; then
	"$top/scripts/plot/plot.sh" "$run" >/dev/null ||
		echo "report: the run's figures failed; the report goes on without them" >&2
fi

# The plan, when there are cycles: its refusal (one N only, ...) is kept
# and the report says it.
if [ -f "$run/cycle/meta.json" ] || [ -f "$run/cycle.plan" ]; then
	rm -rf "$run/plan"
	mkdir -p "$run/plan.tmp"
	what=.
	[ ! -f "$run/cycle/meta.json" ] || what=cycle
	rc=0
	(cd "$run" && "$top/scripts/host/plan.sh" --budget-ms "$budget" \
		--out plan.tmp "$what") >/dev/null 2>"$run/plan.tmp/refused.txt" || rc=$?
	if [ "$rc" = 0 ]; then
		rm -f "$run/plan.tmp/refused.txt"
	else
		# lubench-plan's message, without its name; nothing else
		sed -n 's/^lubench-plan: //p' "$run/plan.tmp/refused.txt" >"$run/why.tmp"
		rm -rf "$run/plan.tmp"
		mkdir -p "$run/plan.tmp"
		mv "$run/why.tmp" "$run/plan.tmp/refused.txt"
	fi
	mv "$run/plan.tmp" "$run/plan"
fi

"$build/bench/lubench-report" "$run"
echo "report: $run/report.txt"
echo "report: $run/report.html"
