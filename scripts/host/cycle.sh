#!/bin/sh
# `lubench cycle`: live updates by kexec in one QEMU guest run, the
# blackout of each split into phases on the TSC and checked against the
# host's stamps of the console; then results, a table and plots.
#
# usage: scripts/host/cycle.sh [--variant V|LIST|all] [--devices N|LIST]
#                         [--preserve M] [--reps R] [--faults LIST|all]
#                         [--topology flat|switches]
#                         [--out DIR] [--timeout SECS] [--kexec-checks]
#                         [--smp N] [--no-warmup] [--no-plot] [-v]
#   --variant    layouts, comma-separated, plus `none` (the control: no
#                table, no lookups); all = none and every layout (default)
#   --devices    PCI functions the module creates, comma-separated for
#                several N in the same run (default 4096)
#   --preserve   devices preserved per cycle (default N/2)
#   --topology   the population: flat (default: every function on a root
#                bus) or switches (behind root ports and PCIe switches;
#                the bridges come on top of the N functions)
#   --reps       jumps per (variant, N) (default 1)
#   --faults     before the measured cycles, one cycle per fault whose
#                handover must be refused (`./lubench list faults`),
#                comma-separated, or all (default: none)
#   --out        result directory (default results/cycle-YYYYmmdd-HHMMSS)
#   --timeout    wall-clock limit of the guest run (default: from the plan)
#   --kexec-checks  let purgatory verify the loaded segments' SHA-256
#                (slower jumps; default kexec -l --no-checks)
#   --smp        guest vCPUs (default 2; icount runs 1)
#   --clock      real (default): multi-threaded TCG, times follow the
#                host; icount: QEMU icount shift=0, every time is exact
#                virtual time (one instruction = 1 ns), see README
#   --no-warmup  measure the first jump too: by default with --clock
#                real one unreported `none` jump comes first, because
#                under TCG the first kernel kexec'd into runs slower than
#                the ones after it (--warmup asks for it under icount)
#   --no-plot    skip scripts/plot/plot.sh
# Environment: LUBENCH_BUILD (default build/): the CMake build whose
# lubench.ko, lubench-dev and report run (`./lubench cycle` brings it up
# to date first), and what guest-run.sh reads.
#
# Exit status: 0 every cycle verified; 1 a cycle failed or the guest run
# ended badly; 2 usage; 4 skipped: QEMU, the guest kernel or lubench.ko
# (no kernel headers when the build was configured) is missing (the
# reason on stderr, "SKIP: ...").
set -eu

usage() {
	sed -n '/^# usage:/,/^# Environment:/s/^# \{0,1\}//p' "$0" | sed '$d' >&2
	exit 2
}

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${LUBENCH_BUILD:-$top/build}

variants=all
devices=4096
preserve=""
reps=1
topology=flat
faults=""
out=""
timeout_s=""
kexec_checks=0
plot=1
verbose=""
smp=""
clock=${LUBENCH_CLOCK:-real}
warmup=""

need_arg() {
	[ "$1" -ge 2 ] || usage
}

# The command line is checked against the cycle stage's option table
# (bench/lib/workload_cycle.c, which workload files are checked against
# too) before anything is built, booted or written; --help comes first.
for a in "$@"; do
	case "$a" in
	-h | --help) usage ;;
	esac
done
[ -x "$build/bench/lubench-workload" ] || {
	echo "cycle: no $build/bench/lubench-workload: run ./lubench build first" >&2
	exit 1
}
# LUBENCH_CLOCK is a default --clock: checked as one, before the rest.
"$build/bench/lubench-workload" args cycle \
	${LUBENCH_CLOCK:+--clock "$LUBENCH_CLOCK"} "$@" || exit 2

while [ $# -gt 0 ]; do
	case "$1" in
	--variant) need_arg $#; variants=$2; shift ;;
	--devices) need_arg $#; devices=$2; shift ;;
	--preserve) need_arg $#; preserve=$2; shift ;;
	--reps) need_arg $#; reps=$2; shift ;;
	--topology) need_arg $#; topology=$2; shift ;;
	--faults) need_arg $#; faults=$2; shift ;;
	--out) need_arg $#; out=$2; shift ;;
	--timeout) need_arg $#; timeout_s=$2; shift ;;
	--kexec-checks) kexec_checks=1 ;;
	--smp) need_arg $#; smp=$2; shift ;;
	--clock) need_arg $#; clock=$2; shift ;;
	--no-warmup) warmup=0 ;;
	--warmup) warmup=1 ;;
	--no-plot) plot=0 ;;
	-v | --verbose) verbose=-v ;;
	-h | --help) usage ;;
	*) echo "cycle: unknown argument $1" >&2; usage ;;
	esac
	shift
done

skip() {
	echo "cycle: SKIP: $*" >&2
	exit 4
}

die() {
	echo "cycle: $*" >&2
	exit 1
}

. "$top/scripts/host/cycle-guest.sh"

# The layouts, in registration order, and the faults, from the registries.
[ -x "$build/bench/lubench-list" ] ||
	die "no $build/bench/lubench-list: run ./lubench build first"
layouts=$("$build/bench/lubench-list" variants | tr '\n' ' ')
layouts=${layouts% }
[ -n "$layouts" ] || die "lubench-list variants printed no layouts"
all_faults=$("$build/bench/lubench-list" faults | tr '\n' ' ')
all_faults=${all_faults% }
[ -n "$all_faults" ] || die "lubench-list faults printed no faults"

commas() {
	echo "$1" | tr ',' ' '
}

# The other way round, for messages.
listed() {
	echo "$1" | tr ' ' ','
}

if [ "$variants" = all ]; then
	variants="none $layouts"
else
	variants=$(commas "$variants")
fi
if [ "$faults" = all ]; then
	faults=$all_faults
else
	faults=$(commas "$faults")
fi
devices=$(commas "$devices")
# The vCPUs and the warm-up, when not given: icount runs one vCPU (the
# check above refused more), and its first jump is no slower than the
# others (one instruction is one ns whatever the host does).
case "$clock" in
real) [ -n "$smp" ] || smp=2; [ -n "$warmup" ] || warmup=1 ;;
icount) [ -n "$smp" ] || smp=1; [ -n "$warmup" ] || warmup=0 ;;
esac

# --- the plan: one line per jump ---------------------------------------------

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$build/runs"
rundir=$(mktemp -d "$build/runs/cycle-$stamp.XXXX")
plan=$rundir/cycle.plan
: >"$plan"
first_n=""
for n in $devices; do
	[ -n "$first_n" ] || first_n=$n
done
m_of() {
	if [ -n "$preserve" ]; then
		echo "$preserve"
	else
		echo $(($1 / 2))
	fi
}
if [ "$warmup" = 1 ]; then
	echo "none none $first_n 0 warmup" >>"$plan"
fi
# Faults first: the measured cycles after them show the system kept going.
fault_variant=""
for v in $variants; do
	[ "$v" = none ] || { fault_variant=$v; break; }
done
[ -n "$fault_variant" ] || fault_variant=${layouts%% *}
for f in $faults; do
	echo "$fault_variant $f $first_n $(m_of "$first_n")" >>"$plan"
done
for n in $devices; do
	r=1
	while [ "$r" -le "$reps" ]; do
		for v in $variants; do
			echo "$v none $n $(m_of "$n")" >>"$plan"
		done
		r=$((r + 1))
	done
done
jumps=$(grep -c . "$plan")
max_n=0
for n in $devices; do
	[ "$n" -gt "$max_n" ] && max_n=$n
done
# ~10 s a jump under TCG at small N, about 5 s more per 4096 devices;
# twice that, and the first boot.
# Under icount one thread emulates the guest and counts instructions:
# each jump moves the kernel image and the initramfs several times, some
# 20-30 s on an idle 2-core host and three times that on a loaded one;
# the enumeration adds ~50 us a device (measured at load 12: 202 s for a
# jump at N = 3,454, 370 s at 6,908), so allow 50 ms a device.
if [ -z "$timeout_s" ] && [ "$clock" = icount ]; then
	timeout_s=$((120 + jumps * (100 + max_n / 20)))
fi
[ -n "$timeout_s" ] || timeout_s=$((60 + jumps * (20 + max_n / 400)))

{
	echo "KEXEC_CHECKS=$kexec_checks"
	echo "TOPOLOGY=$topology"
} >"$rundir/cycle.conf"
cycle_guest_state

# --- what the guest runs: this build's, never built here ---------------------

# Debug info makes the module five times bigger, and insmod is in the
# blackout; a distribution ships its modules stripped too.  CMake strips
# it (kmod/module.cmake).
cycle_guest_module
report=$build/bench/lubench-cycle-report
# --- run -----------------------------------------------------------------------

# commit: the one the module and lubench-dev were compiled from (one build).
cycle_guest_files cycle "$report" "$build/bench/serial-stamp" \
	"$build/bench/lubench-guest-verdict"
{
	# A directory named just "cycle" (inside a `lubench run`) takes
	# its parent's name.
	run_id=$(basename "$out")
	[ "$run_id" != cycle ] || run_id=$(basename "$(dirname "$out")")/cycle
	echo "run_id=$run_id"
	echo "command=scripts/host/cycle.sh --variant $(listed "$variants") --devices $(listed "$devices") --preserve ${preserve:-N/2} --reps $reps --topology $topology${faults:+ --faults $(listed "$faults")}"
	echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "git_commit=$commit"
	echo "host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "host_cpus=$(nproc)"
	echo "host_kernel=$(uname -r)"
	echo "memmap=${LUBENCH_MEMMAP:-2M\$0x40000000}"
	echo "clock=$clock"
	echo "topology=$topology"
} >"$rundir/cycle.meta"

echo "cycle: $jumps jumps: $(listed "$variants") at N=$(listed "$devices")${faults:+, faults $(listed "$faults")}; guest run $rundir (up to ${timeout_s} s)" >&2
cycle_guest_run 300 "$max_n"

# --- report --------------------------------------------------------------------

cp "$plan" "$out/cycle.plan"
rrc=0
timeout 120 "$report" "$rundir" "$out" || rrc=$?
[ "$rrc" -le 1 ] || die "lubench-cycle-report failed on $rundir"
if [ "$plot" = 1 ]; then
	"$top/scripts/plot/plot.sh" "$out" >/dev/null ||
		echo "cycle: plots failed (results are complete)" >&2
fi

echo
echo "results:   $out/results.jsonl, results.csv, meta.json, summary.txt"
if [ "$plot" = 1 ] && [ -d "$out/plots" ]; then
	pngs=""
	for p in "$out"/plots/*.png; do
		[ -f "$p" ] && pngs="$pngs $p"
	done
	echo "plots:    $pngs"
fi
echo "guest run: $rundir (console.log: host-stamped console, results.txt: raw JSON)"
if [ "$grc" != 0 ]; then
	echo "cycle: guest run: $reason" >&2
	exit 1
fi
exit "$rrc"
