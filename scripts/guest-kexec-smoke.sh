#!/bin/sh
# Smoke test of the two-stage live-update flow: stage 1 kexecs the same
# kernel and initramfs with lubench.stage=2 on the command line, stage 2
# reports itself and checks what it inherited. No handover data here:
# the test module does that; this proves the plumbing around it.
#
# usage: scripts/guest-kexec-smoke.sh [--stages N] [GUEST-RUN OPTIONS]
#   On the host: boots the guest with this file as its job (through
#   scripts/guest-run.sh, default --timeout 240) and prints the phase
#   times seen on the host's clock. In the guest (LUBENCH_STAGE set by
#   /init): does the work of one stage. N stages chain N-1 kexecs
#   (default 2).
set -eu
# Command-line words are split on purpose below; never glob them.
set -f

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

# The memmap= range must be reserved by every kernel of the chain, or
# the next kernel may hand it out as ordinary RAM.
memmap_state() {
	mm=""
	read -r cmdline </proc/cmdline
	for w in $cmdline; do
		case "$w" in
		memmap=*) mm=${w#memmap=} ;;
		esac
	done
	if [ -z "$mm" ]; then
		echo "no memmap= on the command line"
		return
	fi
	addr=$(printf '%x' "$((${mm#*\$}))")
	if grep -i -q "^ *0*$addr-.*: *reserved" /proc/iomem; then
		echo "memmap=$mm reserved"
	else
		echo "memmap=$mm NOT reserved in /proc/iomem"
	fi
}

guest_stage() {
	stages=2
	read -r cmdline </proc/cmdline
	for w in $cmdline; do
		case "$w" in
		lubench.stages=*) stages=${w#lubench.stages=} ;;
		esac
	done
	stage=$LUBENCH_STAGE
	mm=$(memmap_state)
	echo "smoke: stage $stage of $stages, uptime $(uptime_s) s," \
		"clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource), $mm"
	printf '{"type":"kexec-smoke","stage":%s,"uptime_s":%s,"memmap":"%s"}\n' \
		"$stage" "$(uptime_s)" "$mm" >/dev/ttyS1

	case "$mm" in
	*NOT* | no*) echo "smoke: FAIL: $mm"; exit 1 ;;
	esac
	if [ "$stage" -ge "$stages" ]; then
		echo "smoke: PASS: reached stage $stage"
		exit 0
	fi
	/init kexec-load "lubench.stage=$((stage + 1))"
	echo "smoke: stage $stage: kexec -e at uptime $(uptime_s) s"
	/init kexec-exec
	echo "smoke: FAIL: kexec -e returned"
	exit 1
}

if [ -n "${LUBENCH_STAGE:-}" ]; then
	guest_stage
fi

# --- host side -----------------------------------------------------------

top=$(cd "$(dirname "$0")/.." && pwd)
build=${LUBENCH_BUILD:-$top/build}
stages=2
if [ "${1:-}" = "--stages" ]; then
	[ $# -ge 2 ] || {
		echo "usage: $0 [--stages N] [GUEST-RUN OPTIONS]" >&2
		exit 2
	}
	stages=$2
	shift 2
fi
case "$stages" in
'' | *[!0-9]* | 0 | 1)
	echo "usage: $0 [--stages N] [GUEST-RUN OPTIONS] (N >= 2)" >&2
	exit 2
	;;
esac

mkdir -p "$build/runs"
rundir=$(mktemp -d "$build/runs/kexec-smoke.XXXX")
rc=0
"$top/scripts/guest-run.sh" --timeout 240 --run-dir "$rundir" \
	--append "lubench.stages=$stages" "$@" -- "$0" || rc=$?

# Host time (ms) of the first console line matching $1.
at() {
	sed -n "s/^\[host *\([0-9.]*\) ms\] .*$1.*/\1/p" "$rundir/console.log" |
		head -n 1
}

secs() {
	if [ -z "$1" ] || [ -z "$2" ]; then
		echo "?"
		return
	fi
	echo "$1 $2" | awk '{ printf "%.2f", ($2 - $1) / 1000 }'
}

echo "kexec-smoke: host clock, from QEMU start:"
prev=0
s=1
while [ "$s" -le "$stages" ]; do
	b=$(at "LUBENCH-BOOT stage=$s")
	if [ "$s" = 1 ]; then
		echo "  boot to stage 1 /init:        $(secs 0 "$b") s"
	else
		echo "  kexec -e to stage $s /init:    $(secs "$prev" "$b") s"
	fi
	prev=$(at "smoke: stage $s: kexec -e")
	s=$((s + 1))
done
echo "  whole run:                     $(secs 0 "$(at LUBENCH-EXIT)") s"
grep -h 'lubench-kexec: loaded' "$rundir/console.log" |
	sed -e 's/^\[host *[0-9.]* ms\] /  /' -e 's/; cmdline:.*//' || true
exit "$rc"
