#!/bin/sh
# `lubench soak`: repeated live updates by kexec in one QEMU guest run,
# with a stress scenario on /dev/lubench between the jumps, handover
# faults injected on some of them, and the kernel log checked after
# every restore and every freeze; then lubench-soak-report.
#
# usage: scripts/host/soak.sh [OPTIONS] [WORKLOAD]
#   OPTIONS: [--variant LIST|all] [--devices N] [--jumps J] [--duration D]
#            [--threads T] [--ops K] [--hotplug E] [--fail-alloc A] [--faults LIST|all|none] [--fault-every K]
#            [--topology flat|switches] [--seed S] [--clock real|icount]
#            [--smp N] [--out DIR] [--timeout SECS] [-v]
#   WORKLOAD  a workload file whose [soak] section (its only section)
#             sets the same options by their long names (`jumps = 5`);
#             the command line overrides it
#   --variant     layouts (`./lubench list variants`), one per jump in
#                 turn; all (default) is every layout
#   --devices     PCI functions the module creates (default 256)
#   --jumps       jumps in the chain (default 20; with --duration alone
#                 up to 1000)
#   --duration    stop jumping once D (500ms, 90s, 10m, 2h) has passed on
#                 the guest's TSC since the first kernel's stress began:
#                 host time under --clock real, virtual time under icount
#   --threads     writer threads of the stress between jumps (default 4)
#   --ops         ops per thread between jumps (default 2000)
#   --hotplug     hot-plug events beside the threads in every kernel (default 0)
#   --fail-alloc  A > 0: while the threads run, one allocation of the
#                 module's table code in every 1..A fails (default 0: none)
#   --faults      handover faults (`./lubench list faults`) that every
#                 --fault-every-th jump carries, in turn (default all)
#   --fault-every  default 4
#   --topology    default switches (bridges shared by the threads' devices)
#   --seed        the stress of jump k is seeded with S + k (default 1)
#   --clock       real (default, 2 vCPUs) or icount (1 vCPU, exact)
#   --out         result directory (default results/soak-YYYYmmdd-HHMMSS)
#   --timeout     wall-clock limit of the guest run (default: from the plan)
# Environment: LUBENCH_BUILD (default build/).
#
# Exit status: 0 every jump passed; 1 a jump or the guest run failed;
# 2 usage (nothing booted); 4 skipped: QEMU, the guest kernel or
# lubench.ko is missing ("SKIP: ..." on stderr).
set -eu

usage() {
	sed -n '/^# usage:/,/^# Environment:/s/^# \{0,1\}//p' "$0" | sed '$d' >&2
	exit 2
}

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${LUBENCH_BUILD:-$top/build}

for a in "$@"; do
	case "$a" in
	-h | --help) usage ;;
	esac
done
[ -x "$build/bench/lubench-workload" ] || {
	echo "soak: no $build/bench/lubench-workload: run ./lubench build first" >&2
	exit 1
}

# The workload: the one argument that is neither an option nor an
# option's value (every option but the flags takes one).
workload=""
first=1
value=0
for a in "$@"; do
	if [ "$first" = 1 ]; then
		set --
		first=0
	fi
	if [ "$value" = 1 ]; then
		set -- "$@" "$a"
		value=0
		continue
	fi
	case "$a" in
	--no-plot | -v | --verbose) set -- "$@" "$a" ;;
	-*) set -- "$@" "$a"; value=1 ;;
	*)
		if [ -z "$workload" ]; then
			workload=$a
		else
			set -- "$@" "$a"
		fi
		;;
	esac
done
# Its [soak] section (checked whole, FILE:LINE: reason, and it may have
# no other section) comes first: the command line overrides it.
if [ -n "$workload" ]; then
	"$build/bench/lubench-workload" check "$workload" soak || exit 2
	wlopts=$("$build/bench/lubench-workload" opts "$workload" soak) || {
		echo "soak: $workload has no [soak] section" >&2
		exit 2
	}
	# One option or value a line, no blanks (values are joined by commas).
	# shellcheck disable=SC2086
	set -- $wlopts "$@"
fi
# Checked against the soak's option table (bench/lib/workload_cycle.c)
# before anything is written or booted.
"$build/bench/lubench-workload" args soak "$@" || exit 2

variants=all
devices=256
jumps=""
duration=""
threads=4
ops=2000
hotplug=0
fail_alloc=0
faults=all
fault_every=4
topology=switches
seed=1
clock=real
smp=""
out=""
timeout_s=""
verbose=""
while [ $# -gt 0 ]; do
	case "$1" in
	--variant) variants=$2; shift ;;
	--devices) devices=$2; shift ;;
	--jumps) jumps=$2; shift ;;
	--duration) duration=$2; shift ;;
	--threads) threads=$2; shift ;;
	--ops) ops=$2; shift ;;
	--hotplug) hotplug=$2; shift ;;
	--fail-alloc) fail_alloc=$2; shift ;;
	--faults) faults=$2; shift ;;
	--fault-every) fault_every=$2; shift ;;
	--topology) topology=$2; shift ;;
	--seed) seed=$2; shift ;;
	--clock) clock=$2; shift ;;
	--smp) smp=$2; shift ;;
	--out) out=$2; shift ;;
	--timeout) timeout_s=$2; shift ;;
	--no-plot) ;;
	-v | --verbose) verbose=-v ;;
	*) usage ;;
	esac
	shift
done

skip() {
	echo "soak: SKIP: $*" >&2
	exit 4
}

die() {
	echo "soak: $*" >&2
	exit 1
}

. "$top/scripts/host/cycle-guest.sh"

# The duration in ms (the table checked its form).
limit_ms=0
case "$duration" in
"") ;;
*ms) limit_ms=${duration%ms} ;;
*s) limit_ms=$((${duration%s} * 1000)) ;;
*m) limit_ms=$((${duration%m} * 60000)) ;;
*h) limit_ms=$((${duration%h} * 3600000)) ;;
esac
if [ -z "$jumps" ]; then
	if [ -n "$duration" ]; then jumps=1000; else jumps=20; fi
fi

list=$build/bench/lubench-list
[ -x "$list" ] || die "no $list: run ./lubench build first"
if [ "$variants" = all ]; then
	variants=$("$list" variants | tr '\n' ' ')
else
	variants=$(echo "$variants" | tr ',' ' ')
fi
case "$faults" in
all) faults=$("$list" faults | tr '\n' ' ') ;;
none) faults="" ;;
*) faults=$(echo "$faults" | tr ',' ' ') ;;
esac
[ -n "$variants" ] || die "lubench-list variants printed no layouts"
case "$clock" in
real) [ -n "$smp" ] || smp=2 ;;
icount) [ -n "$smp" ] || smp=1 ;;
esac

# --- the plan: jump k takes layout k mod L, and a fault every K-th ----------

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$build/runs"
rundir=$(mktemp -d "$build/runs/soak-$stamp.XXXX")
plan=$rundir/cycle.plan
set -- $variants
nv=$#
set -- $faults
nf=$#
k=1
fi_=0
: >"$plan"
while [ "$k" -le "$jumps" ]; do
	set -- $variants
	i=$(((k - 1) % nv))
	shift "$i"
	v=$1
	f=none
	if [ "$nf" -gt 0 ] && [ $((k % fault_every)) = 0 ]; then
		set -- $faults
		shift $((fi_ % nf))
		f=$1
		fi_=$((fi_ + 1))
	fi
	# M is the stress's to decide: 0 in the plan.
	echo "$v $f $devices 0" >>"$plan"
	k=$((k + 1))
done

# A jump with its stress: ~25 s under TCG at N=256 (more on a loaded
# host), ~4x that under icount; a duration bounds the run on its own.
if [ -z "$timeout_s" ]; then
	per=$((40 + devices / 50 + threads * ops / 1000))
	[ "$clock" = real ] || per=$((per * 4))
	timeout_s=$((120 + jumps * per))
	if [ -n "$duration" ]; then
		d=$((limit_ms / 1000 + 1))
		[ "$clock" = real ] || d=$((d * 10))
		[ $((d + 300 + per)) -ge "$timeout_s" ] ||
			timeout_s=$((d + 300 + per))
	fi
	[ "$timeout_s" -le 86400 ] || timeout_s=86400
fi

{
	echo "KEXEC_CHECKS=0"
	echo "TOPOLOGY=$topology"
	echo "SOAK=1"
	echo "SOAK_THREADS=$threads"
	echo "SOAK_OPS=$ops"
	echo "SOAK_HOTPLUG=$hotplug"
	echo "SOAK_FAIL_ALLOC=$fail_alloc"
	echo "SOAK_SEED=$seed"
	echo "SOAK_LIMIT_MS=$limit_ms"
} >"$rundir/cycle.conf"
cycle_guest_state
# The soak's start on the TSC, written by the first kernel (a file must
# be there at boot to cross a jump).
: >"$rundir/state/soak.start"

cycle_guest_module
report=$build/bench/lubench-soak-report
cycle_guest_files soak "$report"
[ -z "$workload" ] || cp "$workload" "$out/workload.conf"
# The faults as --faults takes them: a comma list, or none.
fault_list=$(echo $faults | tr ' ' ,)
{
	echo "run_id=$(basename "$out")"
	echo "workload=${workload:+$(basename "$workload")}"
	echo "command=scripts/host/soak.sh --variant $(echo $variants | tr ' ' ,) --devices $devices --jumps $jumps${duration:+ --duration $duration} --threads $threads --ops $ops --hotplug $hotplug --fail-alloc $fail_alloc --faults ${fault_list:-none} --fault-every $fault_every --topology $topology --seed $seed --clock $clock"
	echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "git_commit=$commit"
	echo "host_cpus=$(nproc)"
	echo "host_kernel=$(uname -r)"
	echo "clock=$clock"
	echo "duration_ms=$limit_ms"
	echo "threads=$threads"
	echo "ops=$ops"
	echo "fail_alloc=$fail_alloc"
	echo "topology=$topology"
} >"$rundir/cycle.meta"

echo "soak: up to $jumps jumps${duration:+ or $duration on the guest's clock}: $(echo $variants | tr ' ' ,) at N=$devices, $threads threads x $ops ops between jumps${faults:+, a fault every $fault_every jumps}; guest run $rundir (up to $timeout_s s)" >&2
cycle_guest_run 600 "$devices"

cp "$plan" "$out/cycle.plan"
rrc=0
timeout 120 "$report" "$rundir" "$out" || rrc=$?
[ "$rrc" -le 1 ] || die "lubench-soak-report failed on $rundir"
echo
echo "results:   $out/results.jsonl, results.csv, meta.json, soak.txt"
echo "guest run: $rundir (console.log, results.txt: the guest's JSON lines)"
if [ "$grc" != 0 ]; then
	echo "soak: guest run: ${reason:-status $grc}" >&2
	exit 1
fi
exit "$rrc"
