#!/bin/sh
# The guest benchmark: preserve, find and unpreserve of real pci_devs
# through /dev/lubench, for every layout and every path (one ioctl per
# op, batched ioctls, io_uring commands one per op and batched), in one
# QEMU boot.  Results in the lubench-bench schema plus `path` and
# `accelerator` (results/SCHEMA.md).
#
# usage: scripts/host/bench-guest.sh [--variant LIST] [--path LIST] [--devices N]
#                               [--batch B] [--reps R] [--out DIR]
#   --variant  comma-separated layouts, or all (default)
#   --path     ioctl,batch,uring,uring-batch or all (default)
#   --devices  functions the module creates (default 4096; 16384 works)
#   --batch    operations per timed sample (default 1024)
#   --reps     passes over the devices (default 4: >= 15 samples at 4096)
#   --out      results directory (default results/guest-<time>-<host>)
# Exit: 0 done, 1 failed, 2 usage, 4 skipped (no QEMU, guest kernel or
# lubench.ko).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${LUBENCH_BUILD:-$top/build}

usage() {
	sed -n '/^# usage:/,/^# Exit:/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

variant=all
path=all
devices=4096
batch=1024
reps=4
out=""
while [ $# -gt 0 ]; do
	case "$1" in
	--variant) [ $# -ge 2 ] || usage; variant=$2; shift ;;
	--path) [ $# -ge 2 ] || usage; path=$2; shift ;;
	--devices|--n) [ $# -ge 2 ] || usage; devices=$2; shift ;;
	--batch) [ $# -ge 2 ] || usage; batch=$2; shift ;;
	--reps) [ $# -ge 2 ] || usage; reps=$2; shift ;;
	--out) [ $# -ge 2 ] || usage; out=$2; shift ;;
	-h|--help) usage ;;
	*) echo "bench-guest: unknown option $1" >&2; usage ;;
	esac
	shift
done
# Every argument is checked here, before anything is built, booted or
# written: the layouts and paths against the registries' own lists.
list=$build/bench/lubench-list
report=$build/bench/lubench-guest-report
for tool in "$list" "$report"; do
	[ -x "$tool" ] || { echo "bench-guest: $tool missing: run ./lubench build" >&2; exit 1; }
done

# num OPTION VALUE MIN MAX: a decimal number as the C tools take it (no
# sign, no leading zero), in MIN..MAX; never a raw shell error.
num() {
	case $2 in
	'' | *[!0-9]* | 0?*)
		echo "bench-guest: $1: '$2' is not a number" >&2
		exit 2
		;;
	esac
	if [ ${#2} -gt 9 ] || [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
		echo "bench-guest: $1: $2 is out of range ($3..$4)" >&2
		exit 2
	fi
}

# names OPTION LIST KNOWN...: LIST is all or comma-separated KNOWN names.
names() {
	opt=$1
	given=$2
	shift 2
	[ "$given" != all ] || return 0
	case ",$given," in
	*,,*) echo "bench-guest: $opt: an empty name in '$given'" >&2; exit 2 ;;
	esac
	for n in $(echo "$given" | tr ',' ' '); do
		case " $* " in
		*" $n "*) ;;
		*)
			echo "bench-guest: $opt: no $(echo "$opt" | tr -d -) '$n' ($(echo "$*" | tr ' ' ','))" >&2
			exit 2
			;;
		esac
	done
}

# lubench.ko's range of functions, and LUBENCH_BATCH_MAX.
num --devices "$devices" 1 65536
num --batch "$batch" 1 1048576
num --reps "$reps" 1 1000
# shellcheck disable=SC2046 # one name per line, no blanks
names --variant "$variant" $("$list" variants)
# shellcheck disable=SC2046
names --path "$path" $("$report" --paths)
[ -n "$out" ] || out=$top/results/guest-$(date +%Y%m%d-%H%M%S)-$(hostname)
if [ -e "$out" ] && [ ! -d "$out" ]; then
	echo "bench-guest: --out $out exists and is not a directory" >&2
	exit 2
fi

# This build's module and lubench-dev (`./lubench bench --guest` brings
# the build up to date first); none is built here.
ko=$build/kmod/lubench.ko
if [ ! -f "$ko" ] && [ -f "$build/kmod/unavailable" ]; then
	echo "bench-guest: SKIP: $(cat "$build/kmod/unavailable")" >&2
	exit 4
fi
for f in "$ko" "$build/bench/lubench-dev" "$build/bench/serial-stamp" \
	"$build/bench/lubench-guest-verdict"; do
	[ -f "$f" ] || { echo "bench-guest: no $f: build first (./lubench build)" >&2; exit 1; }
done
work=$build/guest-bench
mkdir -p "$work"

job=$work/job.sh
{
	echo '#!/bin/sh'
	echo 'set -eu'
	echo "insmod /lubench.ko nr_devices=$devices"
	echo 'echo "bench-guest: $(/bin/lubench-dev --version), lubench.ko $(cat /sys/module/lubench/version)"'
	echo '/bin/lubench-dev guest-info >/dev/ttyS1'
	echo '/bin/lubench-dev info >/dev/ttyS1'
	for v in $(echo "$variant" | tr ',' ' '); do
		for p in $(echo "$path" | tr ',' ' '); do
			echo "/bin/lubench-dev bench --variant $v --path $p --batch $batch --reps $reps >/dev/ttyS1"
		done
	done
} >"$job"

# ~30 us per op and path under TCG at most, plus boot and enumeration.
limit=$((120 + devices * reps * 6 * 4 * 3 / 10000))
run=$work/run
rm -rf "$run"
rc=0
"$top/scripts/host/guest-run.sh" --devices "$devices" --timeout "$limit" \
	--run-dir "$run" --add "$ko:/lubench.ko" \
	--add "$build/bench/lubench-dev:/bin/lubench-dev" "$job" || rc=$?
case "$rc" in
0) ;;
125) echo "bench-guest: SKIP: QEMU could not run the guest" >&2; exit 4 ;;
*) echo "bench-guest: the guest run failed ($rc); see $run/console.log" >&2
   exit 1 ;;
esac
# 1: a wrong answer in the guest, 2: output the report refuses; either
# way the benchmark failed.
"$report" "$run/results.txt" "$out" || {
	echo "bench-guest: no results from $run/results.txt (see above)" >&2
	exit 1
}
echo "bench-guest: results in $out" >&2
