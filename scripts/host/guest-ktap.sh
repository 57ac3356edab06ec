#!/bin/sh
# Boot the guest once with a CMake build's lubench.ko and lubench-dev and
# a job that prints KTAP on ttyS1; keep that KTAP and turn how the boot
# ended into one exit status.  guest-tests.sh and guest-fuzz.sh write the
# job and leave the rest to this script.  It builds nothing.
#
# usage: scripts/host/guest-ktap.sh --name NAME --out DIR --devices N
#            --timeout SECS [--add SRC:DEST]... BUILD_DIR JOB_FILE
#   --name     the caller, prefixed to every message on stderr
#   --out      where the run's files go: OUT/ktap.txt (the KTAP, read by
#              ctest's per-test entries), OUT/run/ (guest-run.sh's run
#              directory) and OUT/guest-run.log
#   --devices  LUBENCH_DEVICES for the job
#   --timeout  wall-clock limit of the boot
#   --add      one more file of the build for the guest, as guest-run.sh
#              takes it; SRC must exist.  BUILD_DIR/kmod/lubench.ko and
#              BUILD_DIR/bench/lubench-dev always go to /lubench/.
#
# Exit status: 0 all passed, 1 a test failed (or the guest crashed, timed
# out, or BUILD_DIR lacks a file), 4 skipped: QEMU, the guest kernel or
# lubench.ko (no kernel headers at configure time) is missing, or every
# test skipped.  A skip prints "1..0 # SKIP <reason>" (or the guest's
# KTAP with its SKIP lines); 2 usage.
set -eu

usage() {
	sed -n '/^# usage:/,/^# Exit status/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

name="" out="" devices="" timeout_s="" adds=""
nl='
'
while [ $# -gt 0 ]; do
	case "$1" in
	--name) [ $# -ge 2 ] || usage; name=$2; shift ;;
	--out) [ $# -ge 2 ] || usage; out=$2; shift ;;
	--devices) [ $# -ge 2 ] || usage; devices=$2; shift ;;
	--timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift ;;
	--add) [ $# -ge 2 ] || usage; adds="$adds$2$nl"; shift ;;
	-h | --help | -*) usage ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 2 ] && [ -n "$name" ] && [ -n "$out" ] && [ -n "$devices" ] &&
	[ -n "$timeout_s" ] || usage
build=$1
job=$2

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
ko=$build/kmod/lubench.ko
dev=$build/bench/lubench-dev
verdict=$build/bench/lubench-guest-verdict

# The KTAP also goes to $out/ktap.txt, which the per-test ctest entries
# read; a run that never reached the guest leaves either its skip there
# or no file at all, never an older run's.
skip() {
	echo "1..0 # SKIP $*" | tee "$out/ktap.txt"
	echo "$name: SKIP: $*" >&2
	exit 4
}

# A failure before the guest ran still reads as one failed KTAP test.
fail_build() {
	echo "TAP version 13"
	echo "1..1"
	echo "not ok 1 $1"
	echo "$name: FAIL: $1" >&2
	exit 1
}

mkdir -p "$out"
rm -f "$out/ktap.txt"

# --- prerequisites: their absence is a skip, with the reason -------------

command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	skip "qemu-system-x86_64 is not installed (scripts/host/setup.sh)"
if [ ! -f "$ko" ] && [ -f "$build/kmod/unavailable" ]; then
	skip "$(cat "$build/kmod/unavailable")"
fi
set -- --add "$ko:/lubench/lubench.ko" --add "$dev:/lubench/lubench-dev"
for f in "$ko" "$dev" "$build/bench/serial-stamp" "$verdict"; do
	[ -f "$f" ] || fail_build "no $f: build first (./lubench build or cmake --build $build)"
done
while IFS= read -r a; do
	[ -n "$a" ] || continue
	[ -f "${a%%:*}" ] ||
		fail_build "no ${a%%:*}: build first (./lubench build or cmake --build $build)"
	set -- "$@" --add "$a"
done <<EOF
$adds
EOF

# --- run ------------------------------------------------------------------

run=$out/run
rm -rf "$run"
echo "$name: booting the guest ($devices functions, up to ${timeout_s} s)" >&2
rc=0
# guest-run.sh takes the stamper, the guest kernel and base initramfs
# from the same build.
LUBENCH_BUILD=$build \
	"$top/scripts/host/guest-run.sh" --devices "$devices" --timeout "$timeout_s" \
	--run-dir "$run" "$@" "$job" 2>"$out/guest-run.log" || rc=$?
cat "$out/guest-run.log" >&2

# How the run ended, in words: its status file, read in C; none when
# guest-run.sh stopped before the verdict wrote one.
reason=""
if [ -f "$run/status" ]; then
	reason=$("$verdict" --status "$run/status" reason) ||
		reason="its status file is refused (above)"
fi
[ -n "$reason" ] || reason=$(grep '^guest-run: ' "$out/guest-run.log" | tail -n 2 | head -n 1 || true)

# QEMU (or the guest kernel it needs) not usable at all: skip, with why.
if [ "$rc" = 125 ] && [ ! -s "$run/console.log" ]; then
	skip "QEMU cannot run: $reason"
fi
if [ "$rc" = 125 ] && grep -q 'cannot get the guest kernel' "$out/guest-run.log"; then
	skip "no guest kernel: $reason"
fi

# The guest's KTAP: everything on the results port but the protocol's
# JSON lines (the host's lubench-run record).
ktap=$out/ktap.txt
if [ -f "$run/results.txt" ]; then
	grep -v '^{"schema":"lubench-guest",' "$run/results.txt" | tr -d '\r' >"$ktap" || true
else
	: >"$ktap"
fi
cat "$ktap"

case "$rc" in
0 | 1) ;;
124 | 126 | 127)
	# Cut short: say so in KTAP terms, and show the end of the console.
	echo "Bail out! guest: $reason"
	echo "$name: console tail ($run/console.log):" >&2
	tail -n 40 "$run/console.log" >&2 || true
	exit 1
	;;
*)
	echo "Bail out! guest: $reason"
	exit 1
	;;
esac

# The plan and the top-level results, read in C: "PLAN OK SKIPPED NOT_OK".
krc=0
tally=$("$verdict" --ktap "$ktap" 2>"$out/ktap.err") || krc=$?
case "$krc" in
0) ;;
1)
	echo "Bail out! guest: no KTAP plan from the job ($reason)"
	exit 1
	;;
*)
	echo "Bail out! guest: $(cat "$out/ktap.err") ($reason)"
	exit 1
	;;
esac
read -r plan oks skips notoks <<EOF
$tally
EOF
if [ $((oks + notoks)) -ne "$plan" ]; then
	echo "Bail out! guest: $((oks + notoks)) of $plan results ($reason)"
	exit 1
fi
if [ "$rc" = 0 ] && [ "$notoks" = 0 ] && [ "$skips" = "$plan" ]; then
	echo "$name: SKIP: every test skipped" >&2
	exit 4
fi
echo "$name: $oks ok ($skips skipped), $notoks not ok of $plan; $reason" >&2
[ "$notoks" = 0 ] && [ "$rc" = 0 ] || exit 1
exit 0
