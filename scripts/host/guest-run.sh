#!/bin/sh
# Boot the lubench guest in QEMU, run one job in it and report how it
# ended. Every other command that needs a guest is built on this one.
#
# usage: scripts/host/guest-run.sh [OPTIONS] [--] JOB_FILE
#        scripts/host/guest-run.sh [OPTIONS] -c 'SHELL COMMANDS'
#        scripts/host/guest-run.sh --prepare
#
# JOB_FILE is a sh script that becomes /job.sh in the guest; with -c the
# argument is a command string instead. See scripts/guest/guest-init.sh for what
# the job can rely on (environment, serial ports, stages across kexec).
#
# Options:
#   --devices N        LUBENCH_DEVICES for the job (default 0: job's choice)
#   --timeout SECS     wall-clock limit of the whole run (default 300)
#   --job-timeout SECS limit per stage inside the guest
#                      (default: --timeout minus 5 s, at least 5 s)
#   --accel MODE       auto | tcg | kvm (default $LUBENCH_ACCEL or auto:
#                      KVM only if a probe boot succeeds, cached per host
#                      boot in BUILD/guest/accel)
#   --cpu MODEL        QEMU -cpu model (default: max under KVM;
#                      max,vendor=GenuineIntel under TCG, the way to get
#                      constant_tsc there; TCG cannot offer invtsc)
#   --mem SIZE         guest RAM (default 2G)
#   --smp N            guest CPUs (default 2; 1 with --clock icount)
#   --clock real|icount  real (default $LUBENCH_CLOCK or real): multi-
#                      threaded TCG (or KVM), guest time follows the host;
#                      icount: single-threaded TCG with -icount shift=0,
#                      the guest's clocks count executed instructions (one
#                      per ns), exactly repeatable, one vCPU only
#   --memmap SPEC      reserved range on both kernels' command lines, as
#                      SIZE$ADDR, or none (default $LUBENCH_MEMMAP or
#                      2M$0x40000000)
#   --append "WORDS"   extra kernel command-line words
#   --results FILE     where the guest's ttyS1 goes
#                      (default RUN_DIR/results.txt)
#   --add SRC:DEST     also put SRC at DEST in the guest (repeatable)
#   --initrd FILE      base initramfs (default BUILD/guest/base-IMAGE.cpio.gz,
#                      built by scripts/host/mkinitramfs.sh when missing)
#   --kernel FILE      guest kernel (default from scripts/host/guest-kernel.sh)
#   --boot pvh|bzimage how the default kernel boots: pvh (default) loads
#                      the uncompressed vmlinux directly, bzimage the
#                      vmlinuz through its decompressor, as kexec does
#   --run-dir DIR      where the run's files go
#                      (default BUILD/runs/YYYYmmdd-HHMMSS.XXXX)
#   --progress TOTAL   the job runs TOTAL jumps: print a line on stderr
#                      for each LUBENCH-PROGRESS console line, with the
#                      time so far and an estimate of the time left
#   -v, --verbose      also echo the stamped console to stderr
#   --prepare          only fetch the guest kernel and build the base
#                      initramfs (what `./lubench build` does), print
#                      its path and exit: no JOB, no boot
#
# BUILD is $LUBENCH_BUILD or build/ under the repo root. RUN_DIR holds
# console.log (ttyS0, each line prefixed "[host T ms] " with the host's
# monotonic time since QEMU started), results.txt (ttyS1, verbatim, plus
# one JSON line {"type":"lubench-run",...} appended by the host recording
# accel, cpu, wall time and outcome), qemu.err, cmdline, job.sh,
# lubench.env and status. BUILD/runs/last points at the newest run.
#
# Exit status:
#   the job's own status  the guest printed LUBENCH-EXIT <rc>
#   124  timed out: on the host (QEMU killed) or in the guest (job killed)
#   125  QEMU failed to start or died, or a setup step failed
#   126  kernel panic
#   127  the guest stopped without reporting a status
#   2    usage error
# The reason is always printed on stderr as "guest-run: ..." lines.
set -eu

usage() {
	sed -n '/^# usage:/,/^# The reason/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

die() {
	echo "guest-run: $*" >&2
	exit 125
}

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${LUBENCH_BUILD:-$top/build}
self=$0

devices=0
timeout_s=300
job_timeout=""
accel=${LUBENCH_ACCEL:-auto}
cpu=""
mem=2G
smp=""
clock=${LUBENCH_CLOCK:-real}
# A literal $: memmap=SIZE$ADDR reserves (E820 type reserved) the range.
# shellcheck disable=SC2016
memmap=${LUBENCH_MEMMAP:-'2M$0x40000000'}
append=""
results=""
initrd=""
kernel=""
rundir=""
boot=${LUBENCH_BOOT:-pvh}
verbose=0
progress=""
cmd_mode=0
prepare=0
job=""
nl='
'
adds=""

need_arg() {
	[ "$1" -ge 2 ] || usage
}

is_uint() {
	case "$1" in
	'' | *[!0-9]*) return 1 ;;
	esac
}

while [ $# -gt 0 ]; do
	case "$1" in
	--devices) need_arg $#; devices=$2; shift ;;
	--timeout) need_arg $#; timeout_s=$2; shift ;;
	--job-timeout) need_arg $#; job_timeout=$2; shift ;;
	--accel) need_arg $#; accel=$2; shift ;;
	--cpu) need_arg $#; cpu=$2; shift ;;
	--mem) need_arg $#; mem=$2; shift ;;
	--smp) need_arg $#; smp=$2; shift ;;
	--clock) need_arg $#; clock=$2; shift ;;
	--memmap) need_arg $#; memmap=$2; shift ;;
	--append) need_arg $#; append="$append${append:+ }$2"; shift ;;
	--results) need_arg $#; results=$2; shift ;;
	--add)
		need_arg $#
		case "$2" in
		*:*) ;;
		*) echo "guest-run: --add wants SRC:DEST" >&2; exit 2 ;;
		esac
		adds="$adds$2$nl"
		shift
		;;
	--initrd) need_arg $#; initrd=$2; shift ;;
	--kernel) need_arg $#; kernel=$2; shift ;;
	--boot) need_arg $#; boot=$2; shift ;;
	--run-dir) need_arg $#; rundir=$2; shift ;;
	--progress) need_arg $#; progress=$2; shift ;;
	--prepare) prepare=1 ;;
	-v | --verbose) verbose=1 ;;
	-c) cmd_mode=1 ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) echo "guest-run: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
	shift
done
if [ "$prepare" = 1 ]; then
	[ $# -eq 0 ] || usage
	job=""
else
	[ $# -eq 1 ] || usage
	job=$1
fi

is_uint "$devices" || usage
[ -z "$progress" ] || is_uint "$progress" || usage
is_uint "$timeout_s" || usage
[ "$timeout_s" -gt 0 ] || usage
case "$clock" in
real) [ -n "$smp" ] || smp=2 ;;
icount)
	# Under icount QEMU 7.2 runs every vCPU in one thread, and a 6.1
	# guest with two of them hangs at "Booting SMP configuration".
	[ -n "$smp" ] || smp=1
	if [ "$smp" != 1 ]; then
		echo "guest-run: --clock icount runs one vCPU (--smp 1), not $smp" >&2
		exit 2
	fi
	if [ "$accel" = kvm ]; then
		echo "guest-run: --clock icount needs TCG, not --accel kvm" >&2
		exit 2
	fi
	accel=tcg
	;;
*) echo "guest-run: --clock wants real or icount, not $clock" >&2; exit 2 ;;
esac
is_uint "$smp" || usage
[ "$smp" -ge 1 ] && [ "$smp" -le 64 ] || usage
case "$accel" in
auto | tcg | kvm) ;;
*) usage ;;
esac
case "$boot" in
pvh | bzimage) ;;
*) usage ;;
esac
if [ -z "$job_timeout" ]; then
	job_timeout=$((timeout_s - 5))
	[ "$job_timeout" -ge 5 ] || job_timeout=5
fi
is_uint "$job_timeout" || usage
if [ "$prepare" = 0 ] && [ "$cmd_mode" = 0 ] && [ ! -r "$job" ]; then
	echo "guest-run: job file $job not found (use -c for a command)" >&2
	exit 2
fi
case "$memmap" in
none | *'$'*) ;;
*) echo "guest-run: --memmap wants SIZE\$ADDR or none" >&2; exit 2 ;;
esac

abspath() {
	(cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")")
}

mkdir -p "$build"
build=$(cd "$build" && pwd)
guest=$build/guest

# The kernel and base initramfs are built once and reused by every run.
# Boot the uncompressed vmlinux through QEMU's PVH loader when it is
# there: it skips the bzImage decompressor, ~3 s of every TCG boot. The
# bzImage is still what the guest kexecs into (it is /boot/vmlinuz).
bzimage=""
if [ -z "$kernel" ] || [ -z "$initrd" ]; then
	bzimage=$(timeout 900 "$top/scripts/host/guest-kernel.sh" "$build") ||
		die "cannot get the guest kernel (scripts/host/guest-kernel.sh)"
fi
if [ -z "$kernel" ]; then
	kernel=$bzimage
	pvh=$(dirname "$bzimage")/vmlinux-${bzimage##*/vmlinuz-}
	if [ "$boot" = pvh ] && [ -f "$pvh" ]; then
		kernel=$pvh
	fi
fi
[ -f "$kernel" ] || die "no guest kernel at $kernel"
kernel=$(abspath "$kernel")
if [ -z "$initrd" ]; then
	# LUBENCH_KEXEC_IMAGE=bzimage: kexec the compressed kernel instead
	# of the uncompressed vmlinux (to measure what that costs).
	kimg=${LUBENCH_KEXEC_IMAGE:-vmlinux}
	case "$kimg" in
	vmlinux) kopt="" ;;
	bzimage) kopt=--kexec-bzimage ;;
	*) die "LUBENCH_KEXEC_IMAGE wants vmlinux or bzimage, not $kimg" ;;
	esac
	initrd=$guest/base-$kimg.cpio.gz
	# Rebuilt when what goes into it changed, so an edit of /init is
	# what the next run boots.
	if [ ! -f "$initrd" ] ||
		[ -n "$(find "$top/scripts/guest/guest-init.sh" \
			"$top/scripts/host/mkinitramfs.sh" "$bzimage" \
			"$build/bench/lubench-elf-trim" \
			-newer "$initrd" 2>/dev/null)" ]; then
		echo "guest-run: building $initrd" >&2
		# $kopt is empty or one word.
		# shellcheck disable=SC2086
		timeout 300 "$top/scripts/host/mkinitramfs.sh" --kernel "$bzimage" \
			$kopt "$initrd.$$" >/dev/null ||
			die "cannot build the base initramfs"
		mv "$initrd.$$" "$initrd"
	fi
fi
[ -f "$initrd" ] || die "no initramfs at $initrd"
initrd=$(abspath "$initrd")
if [ "$prepare" = 1 ]; then
	echo "$initrd"
	exit 0
fi

# The verdict is read in C; it comes from the CMake build.
verdict=$build/bench/lubench-guest-verdict
[ -x "$verdict" ] || die "no $verdict: run ./lubench build first"

# The console stamper, from the CMake build (bench/tools/serial-stamp.c).
stamp=$build/bench/serial-stamp
[ -x "$stamp" ] || die "no $stamp: build first (./lubench build)"

if [ -z "$rundir" ]; then
	mkdir -p "$build/runs"
	rundir=$(mktemp -d "$build/runs/$(date +%Y%m%d-%H%M%S).XXXX")
	ln -sfn "$(basename "$rundir")" "$build/runs/last"
else
	mkdir -p "$rundir"
fi
rundir=$(cd "$rundir" && pwd)
console=$rundir/console.log
[ -n "$results" ] || results=$rundir/results.txt
results=$(abspath "$results")
case "$results" in
*,*) die "results path must not contain a comma (QEMU option syntax)" ;;
esac
rm -f "$console" "$results" "$rundir/qemu.rc" "$rundir/status"

# --- accelerator ---------------------------------------------------------

# Does a KVM guest boot to the end of a trivial job? /dev/kvm opening is
# not enough: on some hosts KVM guests hang in early boot, which only a
# bounded boot attempt reveals. The answer is cached per host boot.
probe_kvm() {
	cache=$guest/accel
	boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo none)
	if [ -r "$cache" ]; then
		read -r c_accel c_id <"$cache" || true
		if [ "${c_id:-}" = "$boot_id" ] && [ -n "${c_accel:-}" ]; then
			echo "$c_accel"
			return
		fi
	fi
	answer=tcg
	if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		echo "guest-run: probing KVM (up to" \
			"${LUBENCH_KVM_PROBE_TIMEOUT:-15} s)" >&2
		if "$self" --accel kvm \
			--timeout "${LUBENCH_KVM_PROBE_TIMEOUT:-15}" \
			--kernel "$kernel" --initrd "$initrd" \
			--run-dir "$guest/accel-probe" -c 'echo kvm-ok' \
			>/dev/null 2>"$guest/accel-probe.log"; then
			answer=kvm
		fi
		# The probe's own words, from its status file (read in C).
		if [ -f "$guest/accel-probe/status" ]; then
			echo "guest-run: KVM probe: $("$verdict" --status \
				"$guest/accel-probe/status" reason)" >&2
		else
			echo "guest-run: KVM probe: no status ($guest/accel-probe.log)" >&2
		fi
	fi
	echo "$answer $boot_id" >"$cache"
	echo "$answer"
}

if [ "$accel" = auto ]; then
	accel=$(probe_kvm)
fi
# The suite times the blackout on the TSC, so the guest should trust it.
# Linux sets constant_tsc for Intel family 6 (model >= 0xe) or family 15
# (model >= 3) CPUs; QEMU's TCG models are AMD-flavoured by default, and
# with two CPUs and no constant_tsc Linux marks the TSC unstable. TCG
# cannot emulate invtsc, so nonstop_tsc is out of reach there.
case "$accel" in
kvm)
	accel_opts="-accel kvm"
	[ -n "$cpu" ] || cpu=max
	;;
tcg)
	[ -n "$cpu" ] || cpu=max,vendor=GenuineIntel
	if [ "$clock" = icount ]; then
		# One instruction is one ns of virtual time (shift=0); sleep=off
		# makes idle time jump ahead instead of waiting for the host,
		# align=off never slows the guest to the host's pace. The TSC
		# then calibrates at exactly 1 GHz and host load changes nothing.
		accel_opts="-accel tcg,thread=single -icount shift=0,sleep=off,align=off"
	else
		# Multi-threaded TCG: one host thread per vCPU.
		accel_opts="-accel tcg,thread=multi"
	fi
	;;
esac

# --- per-run archive -----------------------------------------------------

if [ "$cmd_mode" = 1 ]; then
	printf '#!/bin/sh\n%s\n' "$job" >"$rundir/job.sh"
else
	cp "$job" "$rundir/job.sh"
fi

# Values are single-quoted for the guest's sh; refuse what would break out.
for v in "$devices" "$job_timeout" "$accel" "$cpu" "$memmap" "$mem" "$smp"; do
	case "$v" in
	*\'*) die "a quote in option value $v" ;;
	esac
done
cat >"$rundir/lubench.env" <<EOF
LUBENCH_DEVICES='$devices'
LUBENCH_JOB_TIMEOUT='$job_timeout'
LUBENCH_ACCEL='$accel'
LUBENCH_CPU='$cpu'
LUBENCH_MEM='$mem'
LUBENCH_SMP='$smp'
LUBENCH_CLOCK='$clock'
LUBENCH_MEMMAP='$memmap'
LUBENCH_RUN='$(basename "$rundir")'
EOF

# The base archive stays as built; per-run files go in a second archive
# appended to it (the kernel unpacks concatenated archives in order).
set -- --overlay "$rundir/run.cpio.gz" \
	--add "$rundir/job.sh:/job.sh" --add "$rundir/lubench.env:/lubench.env"
if [ -n "$adds" ]; then
	while IFS= read -r a; do
		[ -n "$a" ] && set -- "$@" --add "$a"
	done <<EOF
$adds
EOF
fi
timeout 120 "$top/scripts/host/mkinitramfs.sh" "$@" >/dev/null ||
	die "cannot build the per-run archive"
combined=$rundir/initrd.cpio.gz
cat "$initrd" "$rundir/run.cpio.gz" >"$combined"

# --- boot ----------------------------------------------------------------

# panic=-1 reboots at once on a panic and -no-reboot turns that reboot
# into QEMU exiting, so a panic ends the run instead of hanging it;
# oops=panic does the same for an oops, which would otherwise leave a
# half-dead guest running until the timeout. log_buf_len: thousands of
# devices overflow the default ring. cryptomgr.notests: the crypto
# self-tests at boot cost about 1 s of every emulated boot and test
# nothing of PCI preservation (the blob's CRC32C is checked by the
# suite's own tests).
cmdline="console=ttyS0 panic=-1 oops=panic quiet log_buf_len=16M cryptomgr.notests=1"
[ "$memmap" = none ] || cmdline="$cmdline memmap=$memmap"
[ -z "$append" ] || cmdline="$cmdline $append"
echo "$cmdline" >"$rundir/cmdline"

# Drop the large combined initrd once QEMU no longer needs it.
# shellcheck disable=SC2317  # called from the trap
cleanup() {
	rm -f "$combined" "$rundir/run.cpio.gz"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "guest-run: accel=$accel clock=$clock cpu=$cpu mem=$mem smp=$smp timeout=${timeout_s}s run=$rundir" >&2

# ttyS0 (console) goes through the stamper; ttyS1 (results) to a plain
# file. QEMU's status is passed out of the pipeline through a file.
t0=$(date +%s%N)
# $accel_opts is two words on purpose.
# shellcheck disable=SC2086
{
	rc=0
	timeout --kill-after=10 "$timeout_s" \
		qemu-system-x86_64 -nodefaults -nographic -no-reboot \
		$accel_opts -cpu "$cpu" -m "$mem" -smp "$smp" \
		-kernel "$kernel" -initrd "$combined" -append "$cmdline" \
		-serial stdio -serial "file:$results" \
		</dev/null 2>"$rundir/qemu.err" || rc=$?
	echo "$rc" >"$rundir/qemu.rc"
} | "$stamp" ${progress:+--progress "$progress"} | if [ "$verbose" = 1 ]; then
	tee "$console" >&2
else
	cat >"$console"
fi
t1=$(date +%s%N)
wall_ms=$(((t1 - t0) / 1000000))

# --- verdict -------------------------------------------------------------

# Read in C from the console markers (results/GUEST-PROTOCOL.md): the
# status, the reason, the host's lubench-run line and $rundir/status.
qrc=$(cat "$rundir/qemu.rc" 2>/dev/null || echo 125)
rc=0
"$verdict" --run-dir "$rundir" --results "$results" --qemu-rc "$qrc" \
	--wall-ms "$wall_ms" --timeout "$timeout_s" --job-timeout "$job_timeout" \
	--accel "$accel" --clock "$clock" --cpu "$cpu" --mem "$mem" \
	--smp "$smp" || rc=$?
exit "$rc"
