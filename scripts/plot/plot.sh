#!/bin/sh
# Plot a result directory with gnuplot: a `lubench bench` run (ns per op
# against N for every op, the restore total, the speedup over linear), a
# `lubench cycle` run (the blackout by phase, the layout's own part of
# it), or a `lubench run` directory holding bench/ and cycle/.  The data
# and each figure's gnuplot script come from lubench-plotdata, which reads
# and checks results.jsonl and meta.json; this script only renders them.
# PNG and SVG go into DIR/plots/, all of them or, on any failure, none.
#
# usage: scripts/plot/plot.sh RUN_DIR
# Environment: LUBENCH_BUILD (default build/), where lubench-plotdata is.
# Exit: 0; 1 gnuplot is missing or failed; 2 usage or a result directory
# lubench-plotdata refuses (the reason on stderr).
set -eu

usage() {
	echo "usage: $0 RUN_DIR" >&2
	exit 2
}

die() {
	echo "plot: $*" >&2
	exit 1
}

[ $# -eq 1 ] || usage
case $1 in -*) usage ;; esac
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${LUBENCH_BUILD:-$top/build}
plotdata=$build/bench/lubench-plotdata
[ -x "$plotdata" ] || die "no $plotdata: run ./lubench build first"
# shellcheck source=scripts/plot/plot-lib.sh
. "$(dirname "$0")/plot-lib.sh"

tmp=$(mktemp -d)
trap '[ -n "${PLOT_KEEP:-}" ] || rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# One result directory: data and scripts into $tmp/N, images into
# $tmp/N/img, then into DIR/plots/ once every figure is drawn.
n=0
plot_one() {
	n=$((n + 1))
	data=$tmp/$n
	mkdir -p "$data/img"
	rc=0
	"$plotdata" "$1" "$data" || rc=$?
	case $rc in
	0) ;;
	2) exit 2 ;;
	*) die "lubench-plotdata failed on $1" ;;
	esac
	while read -r name; do
		case $name in
		'' | *[!a-z0-9_-]*) die "lubench-plotdata listed a bad figure name" ;;
		esac
		render "$data" "$name" "$data/img"
	done <"$data/figures"
	mkdir -p "$1/plots"
	for f in "$data"/img/*; do
		[ -e "$f" ] || continue
		mv "$f" "$1/plots/"
		case $f in *.png) echo "$1/plots/${f##*/}" ;; esac
	done
}

run=${1%/}
[ -d "$run" ] || usage
plot_init
if [ -f "$run/meta.json" ]; then
	plot_one "$run"
elif [ -d "$run/bench" ] || [ -d "$run/cycle" ] || [ -d "$run/stress" ]; then
	# A `lubench run`: each stage that left results.
	for stage in bench cycle stress; do
		[ ! -f "$run/$stage/meta.json" ] || plot_one "$run/$stage"
	done
	[ "$n" -gt 0 ] || die "$run: neither bench/ nor cycle/ holds results"
else
	echo "plot: $run: no meta.json (not a result directory)" >&2
	exit 2
fi
