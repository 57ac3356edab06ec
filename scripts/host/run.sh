#!/bin/sh
# The main job of `./lubench run`: the user-space sweep of every layout
# (wall clock), the same points as exact instruction counts, one
# live-update cycle per layout in the QEMU guest, the plots, a comparison
# with results/baseline by counts and icount cycles, and a plain-text
# summary a reviewer can paste into a mail.
#
# usage: scripts/host/run.sh [WORKLOAD]
#   WORKLOAD  a workload file (default workloads/default.conf); its
#             [bench], [count], [stress] and [cycle] sections give the options of
#             each stage
# Writes results/run-<time>-<host>/{bench,count,stress,cycle,summary.txt,
# report.txt,report.html,plan} (under
# $LUBENCH_RESULTS instead of results/ when set) and prints where
# everything is.  Exit: 0, 1 a stage failed, 2 usage or a bad workload.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${LUBENCH_BUILD:-$top/build}

case "${1:-}" in
-h|--help) sed -n '/^# usage:/,/^# Writes/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "usage: $0 [WORKLOAD]" >&2; exit 2; }
workload=${1:-$top/workloads/default.conf}

wl=$build/bench/lubench-workload

# The options of one stage, one word a line (lubench-workload opts).
opts() {
	rc=0
	"$wl" opts "$workload" "$1" >"$dir/$1.opts" || rc=$?
	case "$rc" in
	0) return 0 ;;
	1) return 1 ;;
	*) exit 2 ;;
	esac
}

# The workload checker is a C tool that reads the stages' own option
# tables: bring it up to date, then check the whole workload (every
# section, key and value) before anything runs or is written.
if [ -f "$build/CMakeCache.txt" ] &&
	timeout 600 cmake --build "$build" --target lubench-workload \
		lubench-count >/dev/null 2>&1; then
	:
else
	"$top/lubench" build
fi
"$wl" check "$workload" bench count stress cycle || exit 2

# Install what is missing and build everything first: each stage needs it.
"$top/lubench" build

id=$(date +%Y%m%d-%H%M%S)-$(hostname -s 2>/dev/null || echo host)
dir=${LUBENCH_RESULTS:-$top/results}/run-$id
mkdir -p "$dir"
cp "$workload" "$dir/workload.conf"
start=$(date +%s)
status=0

# Whether the cycles run on QEMU's icount clock (--clock icount, or
# LUBENCH_CLOCK=icount without --clock): virtual time, as exact whatever
# else the host runs as the counts are.
icount_cycles() {
	if grep -qx -- --clock "$dir/cycle.opts"; then
		grep -qx icount "$dir/cycle.opts"
	else
		[ "${LUBENCH_CLOCK:-real}" = icount ]
	fi
}

# The cycles, with cycle.sh's exit status.
cycle() {
	echo "== live-update cycles ($(tr '\n' ' ' <"$dir/cycle.opts"))" >&2
	# shellcheck disable=SC2046 # one option or value per line, no spaces
	$pin "$top/scripts/host/cycle.sh" $(cat "$dir/cycle.opts") \
		--out "$dir/cycle" >"$dir/cycle.txt"
}

# Icount cycles are exact whatever runs beside them, and they are the
# longest stage: the guest starts first, on the first CPU, and the other
# stages run on the rest meanwhile (the sweep pins itself to the last
# CPU; its wall-clock figures are this run's real-time view, measured
# beside the guest, and are never compared with another run).  Real-time
# cycles would measure their neighbours, so they run last, alone.
pin=""
cycle_pid=""
beside=""
if opts cycle && icount_cycles; then
	if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
		pin="taskset -c 0"
		beside=", beside the guest on CPU 0"
	fi
	cycle &
	cycle_pid=$!
fi

if opts bench; then
	echo "== user-space sweep ($(tr '\n' ' ' <"$dir/bench.opts"))$beside" >&2
	# shellcheck disable=SC2046 # one option or value per line, no spaces
	if "$top/lubench" bench $(cat "$dir/bench.opts") --out "$dir/bench" \
		>"$dir/bench.txt"; then
		"$top/scripts/plot/plot.sh" "$dir/bench" >/dev/null ||
			echo "run: plotting the sweep failed" >&2
	else
		echo "run: the sweep failed (see $dir/bench.txt)" >&2
		status=1
	fi
fi

if opts count; then
	echo "== instruction counts ($(tr '\n' ' ' <"$dir/count.opts"))" >&2
	# shellcheck disable=SC2046 # one option or value per line, no spaces
	"$top/lubench" count $(cat "$dir/count.opts") --out "$dir/count" \
		>"$dir/count.txt" || {
		echo "run: the counts failed (see $dir/count.txt)" >&2
		status=1
	}
fi

if opts stress; then
	echo "== stress ($(tr '\n' ' ' <"$dir/stress.opts"))$beside" >&2
	# shellcheck disable=SC2046 # one option or value per line, no spaces
	if "$build/bench/lubench-stress" $(cat "$dir/stress.opts") \
		--out "$dir/stress" >"$dir/stress.txt"; then
		"$top/scripts/plot/plot.sh" "$dir/stress" >/dev/null ||
			echo "run: plotting the stress run failed" >&2
	else
		echo "run: stress lost a device or failed (see $dir/stress.txt)" >&2
		status=1
	fi
fi

cycle_note=""
if opts cycle; then
	rc=0
	if [ -n "$cycle_pid" ]; then
		wait "$cycle_pid" || rc=$?
	else
		cycle || rc=$?
	fi
	case "$rc" in
	0) ;;
	4) cycle_note="skipped: the guest could not run (see $dir/cycle.txt)" ;;
	*) cycle_note="failed (exit $rc; see $dir/cycle.txt)"; status=1 ;;
	esac
fi

# Against the committed baseline by what repeats exactly: counts, and
# icount cycles. A wall-clock sweep from another machine or day says
# nothing about this one (./lubench ab compares two revisions here).
baseline=$top/results/baseline
regressed=""
compared=""
against() {
	# $1 the stage, in this run and in the baseline
	[ -s "$dir/$1/results.jsonl" ] && [ -s "$baseline/$1/results.jsonl" ] ||
		return 0
	rc=0
	"$top/lubench" compare "$baseline/$1" "$dir/$1" \
		>"$dir/compare-$1.txt" 2>&1 || rc=$?
	case "$rc" in
	0) compared="$compared $1" ;;
	1) compared="$compared $1"; regressed="$regressed $1" ;;
	*) echo "run: cannot compare $1 with the baseline (see $dir/compare-$1.txt)" >&2 ;;
	esac
}
against count
against cycle
{
	if [ -n "$regressed" ]; then
		echo "verdict: REGRESSION against results/baseline in:$regressed"
	elif [ -n "$compared" ]; then
		echo "verdict: no regression against results/baseline ($(echo $compared | tr ' ' ',') compared; the wall-clock sweep is not)"
	else
		echo "verdict: nothing compared with results/baseline (no counts or icount cycles on both sides)"
	fi
	[ "$status" = 0 ] || echo "verdict: a stage FAILED (see above)"
} >"$dir/verdict.txt"

"$build/bench/lubench-summary" "$dir" "$cycle_note" >"$dir/summary.txt" || status=1
"$build/bench/lubench-summary" --findings "$dir" >"$dir/findings.txt" || status=1
cat "$dir/summary.txt"

# The report for review: report.txt (72 columns) and report.html (the
# figures inline), with the capacity plan when the cycles have several N.
report_ok=0
"$top/scripts/host/report.sh" "$dir" >"$dir/report.log" 2>&1 && report_ok=1 ||
	echo "run: the report failed (see $dir/report.log)" >&2

echo
echo "lubench run finished in $(($(date +%s) - start)) s"
echo "  summary:        $dir/summary.txt"
if [ "$report_ok" = 1 ]; then
	echo "  report:         $dir/report.txt (mail, 72 columns)"
	echo "  report page:    $dir/report.html (figures inline)"
fi
[ ! -f "$dir/plan/plan.txt" ] ||
	echo "  plan:           $dir/plan/plan.txt, plan.svg"
[ -d "$dir/bench" ] && {
	echo "  sweep results:  $dir/bench/results.jsonl (.csv, meta.json); table: $dir/bench.txt"
	echo "  sweep plots:    $dir/bench/plots/"
}
[ -d "$dir/stress" ] && {
	echo "  stress:         $dir/stress/results.jsonl (.csv, meta.json); table: $dir/stress.txt"
	echo "  stress plot:    $dir/stress/plots/stress-scaling.png"
}
for c in "$dir"/compare-*.txt; do
	[ -s "$c" ] && echo "  vs baseline:    $c"
done
[ -d "$dir/cycle" ] && {
	echo "  cycle results:  $dir/cycle/results.jsonl (.csv, meta.json); table: $dir/cycle.txt"
	echo "  cycle plots:    $dir/cycle/plots/"
}
exit "$status"
