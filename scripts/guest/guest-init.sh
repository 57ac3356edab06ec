#!/bin/sh
# The lubench guest's /init: run one job in a throw-away guest, report its
# exit status on the console and power off. scripts/host/guest-run.sh is the
# host side; scripts/host/mkinitramfs.sh installs this file as /init.
#
# usage: /init                              (as PID 1, started by the kernel)
#        /init kexec-load [--no-checks] [WORD...]
#        /init kexec-exec
#
# Contract with the job (/job.sh, supplied per run):
#  - It runs as `sh /job.sh` in /, stdin /dev/null, stdout and stderr on
#    the console (ttyS0), which the host saves with its own timestamps.
#  - /dev/ttyS1 is the results channel, set raw (no CR inserted, no echo):
#    lines written there reach the host's results file byte for byte.
#  - Environment: every variable in /lubench.env (written by the host:
#    LUBENCH_DEVICES, LUBENCH_ACCEL, LUBENCH_MEMMAP, ...) plus
#    LUBENCH_STAGE, the N of `lubench.stage=N` on the kernel command line
#    (1 when absent).
#  - Mounted: /proc, /sys, /dev (devtmpfs), /tmp (tmpfs), and
#    /sys/kernel/debug when the kernel has debugfs.
#  - Limit: LUBENCH_JOB_TIMEOUT seconds per stage (default 600). Then the
#    job gets SIGTERM, SIGKILL 5 s later, and its status is 124.
#  - Console markers, one per line: `LUBENCH-BOOT stage=N uptime=S` before
#    the job starts, `LUBENCH-TIMEOUT after S s` if the limit hit, and
#    last `LUBENCH-EXIT <rc>`; then sync and `poweroff -f`. A panic ends
#    the run too: the host boots with panic=-1 and QEMU -no-reboot.
#
# Stages across kexec: a job that wants a live-update cycle calls
#	/init kexec-load lubench.stage=2
# which loads /boot/vmlinux (else /boot/vmlinuz) with an initrd holding
# this same initramfs and the current command line, minus any lubench.stage= word, plus the given
# words; then `kexec -e` (or `/init kexec-exec`, which first drains the
# serial ports so no output of stage 1 is lost). The new kernel starts
# this /init again, which runs /job.sh again; the job branches on
# LUBENCH_STAGE. Files written to /tmp do not survive, nor does anything
# the job adds to / (only the files present at boot are carried over).
#
# Why the initrd is rebuilt: Linux 6.1 frees the initrd once unpacked and,
# even with retain_initrd, offers no file to read it back from, and
# kexec-tools' --reuseinitrd does nothing on x86. The unpacked rootfs
# still holds every file, so a new archive of the files seen at boot
# (listed before the job ran) gives the next kernel the same tree.
# /dev/console is added by hand: it lies under the devtmpfs mount.

# No set -e here: as PID 1 this script must never exit, whatever fails.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

state=/tmp/.lubench
rootfs_list=$state/rootfs.list

# Drain a tty: busybox stty applies settings with tcsetattr(TCSADRAIN),
# so setting a flag that is already set waits until all queued output has
# left the UART. Without this, `poweroff -f` or a kexec drops whatever is
# still in the 8250 driver's transmit buffer, typically the last lines.
drain() {
	[ -c "$1" ] || return 0
	timeout 10 stty -F "$1" "$2" 2>/dev/null || true
}

drain_all() {
	drain /dev/console onlcr
	drain /dev/ttyS1 -onlcr
}

# Files of the initramfs as unpacked, relative to /, one per line. The
# other mounts are left out by -xdev; their mount points are kept.
list_rootfs() {
	(cd / && find . -xdev) | sed -e 's|^\./||' -e '/^\.$/d' | sort
}

kexec_load() {
	checks=""
	if [ "${1:-}" = "--no-checks" ]; then
		checks="--no-checks"
		shift
	fi
	mkdir -p "$state"
	[ -s "$rootfs_list" ] || list_rootfs >"$rootfs_list"

	t0=$(cut -d' ' -f1 /proc/uptime)
	initrd=$state/initrd.cpio
	(cd / && cpio -o -H newc <"$rootfs_list") >"$initrd" 2>/dev/null || {
		echo "lubench-kexec: cannot archive the rootfs" >&2
		return 1
	}
	# The kernel unpacks concatenated archives in order, so the console
	# node can come in a second one built in /tmp.
	rm -rf "$state/extra"
	mkdir -p "$state/extra/dev"
	mknod "$state/extra/dev/console" c 5 1
	(cd "$state/extra" && printf 'dev\ndev/console\n' |
		cpio -o -H newc) >>"$initrd" 2>/dev/null

	# Rebuild the command line word by word (words are split on
	# purpose); set -f keeps a word with a glob character, such as a
	# module parameter with '*', from matching file names.
	set -f
	read -r current </proc/cmdline
	cmdline=""
	here=1
	for w in $current; do
		case "$w" in
		lubench.stage=*) here=${w#lubench.stage=} ;;
		*) cmdline="$cmdline${cmdline:+ }$w" ;;
		esac
	done
	case "$here" in
	""|*[!0-9]*) here=1 ;;
	esac
	for w in "$@"; do
		cmdline="$cmdline${cmdline:+ }$w"
	done
	set +f

	# The uncompressed ELF kernel when the initramfs has it: kexec then
	# skips the bzImage's decompressor, which is in the blackout.
	# An ELF kernel takes its initrd and command line only with Linux's
	# boot protocol (--args-linux); kexec's default for ELF has neither.
	image=/boot/vmlinuz
	style=""
	if [ -f /boot/vmlinux ]; then
		image=/boot/vmlinux
		style=--args-linux
	fi
	# Where the next initrd goes: kexec-tools puts it as high as the
	# kernel allows (below 0x38000000 for this one), so with the same
	# archive it lands exactly where this kernel's own initrd was, and
	# that memory, freed at the end of this kernel's boot, is what
	# kexec_load() is handed first for its copies. Each such page is
	# some segment's destination, which the kernel's allocator sets
	# aside and searches its lists for on every later page: a load took
	# 2.1 s of emulated time in every kernel after the first instead of
	# 0.56 s (icount, a 40 MB initrd). So the stages alternate: odd ones
	# load the next initrd at the top, even ones below 0x30000000
	# (disjoint while the initrd is under 128 MB; above that the loads
	# are only slower). Nothing in the blackout depends on it: the jump
	# copies every page to its place either way.
	window=""
	[ $((here % 2)) = 0 ] && window=--mem-max=0x2fffffff
	rc=0
	# $checks, $window and $style are empty or one word: unquoted,
	# they drop out when empty.
	# shellcheck disable=SC2086
	kexec $checks -l $window $style "$image" --initrd="$initrd" \
		--command-line="$cmdline" || rc=$?
	# Not wc -c: busybox reads the whole file for it (a second of
	# emulated time for 40 MB).
	size=$(stat -c %s "$initrd")
	# kexec_load copied the segments into the kernel: free the RAM.
	rm -f "$initrd"
	t1=$(cut -d' ' -f1 /proc/uptime)
	if [ "$rc" != 0 ]; then
		echo "lubench-kexec: kexec -l failed ($rc)" >&2
		return "$rc"
	fi
	echo "lubench-kexec: loaded $image, initrd $size bytes," \
		"in $(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }') s;" \
		"cmdline: $cmdline"
}

kexec_exec() {
	drain_all
	sync
	exec kexec -e
}

# Helper mode: called by the job, not by the kernel.
if [ "$$" != 1 ]; then
	case "${1:-}" in
	kexec-load)
		shift
		kexec_load "$@"
		exit $?
		;;
	kexec-exec)
		kexec_exec
		;;
	*)
		echo "usage: /init kexec-load [--no-checks] [WORD...] | /init kexec-exec" >&2
		exit 2
		;;
	esac
fi

# PID 1 from here on. Never exit: the kernel panics when init dies.
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
# The archive carries /dev/console, but an initrd rebuilt by an older
# /init may not: reattach stdio to the console once devtmpfs exists.
# (A failed redirection on exec would end the shell, hence the test.)
if [ -c /dev/console ]; then
	exec </dev/null >/dev/console 2>&1
fi
mount -t tmpfs -o mode=1777 tmpfs /tmp
if grep -qw debugfs /proc/filesystems && [ -d /sys/kernel/debug ]; then
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
fi

# List the boot-time files now, before the job can add any.
mkdir -p "$state"
list_rootfs >"$rootfs_list"

LUBENCH_STAGE=1
set -f
read -r cmdline </proc/cmdline
for w in $cmdline; do
	case "$w" in
	lubench.stage=*) LUBENCH_STAGE=${w#lubench.stage=} ;;
	esac
done
set +f

if [ -r /lubench.env ]; then
	set -a
	# shellcheck source=/dev/null
	. /lubench.env
	set +a
fi
export LUBENCH_STAGE
timeout_s=${LUBENCH_JOB_TIMEOUT:-600}

# Results must arrive as written: no LF to CRLF, no echo of input.
if [ -c /dev/ttyS1 ]; then
	stty -F /dev/ttyS1 raw -echo -onlcr 2>/dev/null || true
fi

# The leading newline ends whatever the firmware left unterminated (with
# quiet, "Booting from ROM.."), so the host stamps this line on its own.
printf '\nLUBENCH-BOOT stage=%s uptime=%s\n' "$LUBENCH_STAGE" \
	"$(cut -d' ' -f1 /proc/uptime)"

if [ -r /job.sh ]; then
	start=$(cut -d' ' -f1 /proc/uptime)
	rc=0
	(cd / && exec timeout -k 5 "$timeout_s" sh /job.sh </dev/null) || rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	# busybox timeout reports a timeout as death by its signal; the
	# elapsed time tells that apart from a job killed by anything else.
	if [ "$rc" = 143 ] || [ "$rc" = 137 ]; then
		if echo "$start $end $timeout_s" |
			awk '{ exit !($2 - $1 >= $3 - 0.5) }'; then
			echo "LUBENCH-TIMEOUT after $timeout_s s"
			rc=124
		fi
	fi
else
	echo "lubench-init: no /job.sh in the initramfs"
	rc=127
fi

drain /dev/ttyS1 -onlcr
echo "LUBENCH-EXIT $rc"
drain /dev/console onlcr
sync
poweroff -f
# Only reached if poweroff failed: a reboot still ends the run (-no-reboot).
reboot -f
while :; do
	sleep 60
done
