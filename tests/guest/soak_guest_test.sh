#!/bin/sh
# A short soak in the QEMU guest as a ctest test (tests/guest/cycle.cmake):
# 3 kexec jumps at N=64 through the first three layouts of the registry,
# the second carrying the first handover fault, 2 threads x 300 ops of
# stress between jumps.  Passes when lubench soak exits 0, its totals say
# 3 jumps, lost 0, a clean kernel log after every freeze and restore, one
# fault injected and one handover refused, and every stress between
# jumps went through all four paths (ioctl, batch, uring, uring-batch)
# and met the refusals the model expects (VFs: EINVAL, a missing
# device: ENODEV).
#
# usage: tests/guest/soak_guest_test.sh BUILD_DIR
# Prints KTAP. Exit: 0 pass, 1 fail, 4 skip ("1..0 # SKIP reason").
set -eu

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
LUBENCH_BUILD=$build
export LUBENCH_BUILD
out=$build/soak-tests/short
rm -rf "$out"
mkdir -p "$build/soak-tests"

rc=0
# The scenario from a workload file outside the repository, with the
# hot-plug thread beside the writers (2 events of each kind per kernel).
scen=$build/soak-tests/short.conf
printf '%s\n' "# soak_short's scenario" "[soak]" "jumps = 3" "devices = 64" \
	"threads = 2" "ops = 300" "hotplug = 4" "fault-every = 2" \
	"fail-alloc = 1" >"$scen"
"$top/scripts/host/soak.sh" --timeout 900 --out "$out" "$scen" \
	>"$out.log" 2>&1 || rc=$?
if [ "$rc" = 4 ]; then
	echo "1..0 # SKIP $(sed -n 's/^soak: SKIP: //p' "$out.log" | tail -n 1)"
	exit 4
fi
echo "TAP version 13"
echo "1..1"
sed 's/^/# /' "$out.log"
fail=""
[ "$rc" = 0 ] || fail="lubench soak exited with $rc"
total=$(grep '"row":"total"' "$out/results.jsonl" 2>/dev/null || true)
for want in '"jumps":3,"planned":3,' '"faults_injected":1,"handovers_refused":1,"lost":0,"hotplug_events":6,' '"sriov_switches":6,"dmesg_dirty":0,"verdict":"pass"'; do
	[ -n "$fail" ] || case "$total" in
	*"$want"*) ;;
	*) fail="the totals lack $want: $total" ;;
	esac
done
guest=$(sed -n 's/^guest run: \([^ ]*\) .*/\1/p' "$out.log")
stress=$(grep -o '"type":"lubench-soak-stress"[^}]*' "$guest/results.txt" 2>/dev/null || true)
[ -n "$fail" ] || [ "$(printf '%s\n' "$stress" | grep -c .)" = 3 ] ||
	fail="$(printf '%s\n' "$stress" | grep -c .) stress rows, 3 expected"
case "$total" in
*'"hotplug_unplug_preserved":0,'*)
	[ -n "$fail" ] || fail="no preserved hot-plugged device was unplugged: $total" ;;
esac
for key in ops_ioctl ops_batch ops_uring ops_uring_batch refused_einval refused_enodev; do
	[ -n "$fail" ] || ! printf '%s\n' "$stress" | grep -q "\"$key\":0," ||
		fail="a stress between jumps had no $key"
done
# fail-alloc 1: the module's next table allocation fails whenever the
# last one did; every kernel makes its table at least once, and each
# failure reached exactly one op (the guest's stress checks it).
af=$(printf '%s\n' "$total" | sed -n 's/.*"alloc_faults":\([0-9]*\),"refused_enomem":\([0-9]*\).*/\1 \2/p')
[ -n "$fail" ] || case "$af" in
"0 "* | "") fail="no allocation fault injected: $total" ;;
*) [ "${af% *}" = "${af#* }" ] ||
	fail="$af: allocations failed and ops that saw -ENOMEM differ" ;;
esac
# Each stress ends by hot-plugging a function, preserving it and keeping
# it for the jump (soak-stress --keep-plugged): the next kernel has no
# such device, and its restore must find it missing, exactly (the guest
# checks the set and counts; the report that kept and missing agree on
# every restored jump). Jump 2's handover is refused, so fewer missing.
km=$(printf '%s\n' "$total" | sed -n 's/.*"kept_plugged":\([0-9]*\),"missing":\([0-9]*\).*/\1 \2/p')
[ -n "$fail" ] || case "$km" in
"" | *" 0") fail="no device kept plugged across a jump was missing after it: $total" ;;
esac
if [ -n "$fail" ]; then
	echo "not ok 1 soak_short # $fail"
	exit 1
fi
echo "ok 1 soak_short"
