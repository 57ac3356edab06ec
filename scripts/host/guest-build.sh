#!/bin/sh
# Build what every guest job needs from this tree: lubench.ko against the
# guest kernel's headers (warnings at W=1 are errors) and a static
# lubench-dev (the guest has no libraries).
#
# usage: scripts/host/guest-build.sh OUT_DIR
#   Writes OUT_DIR/kmod/lubench.ko, OUT_DIR/bin/lubench-dev and the logs
#   OUT_DIR/kmod.log, OUT_DIR/cc.log.
# Environment: KDIR (kernel headers, default from kmod/Makefile), CC,
# LUBENCH_GEN (the files generated from kmod/pci_ser/layouts.list; default
# $LUBENCH_BUILD/gen, else build/gen: a configured CMake build).
#
# Exit status: 0 built; 1 a build failed (the step and its log on
# stderr); 4 a prerequisite is missing ("guest-build: SKIP: reason" on
# stderr).
set -eu

usage() {
	sed -n '/^# usage:/,/^# Exit status/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

case "${1:-}" in
'' | -*) usage ;;
esac
[ $# -eq 1 ] || usage

top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
cc=${CC:-cc}

skip() {
	echo "guest-build: SKIP: $*" >&2
	exit 4
}

failed() {
	echo "guest-build: FAIL: $1 (log: $2)" >&2
	if [ -s "$2" ]; then
		tail -n 30 "$2" >&2
	fi
	exit 1
}

kdir=${KDIR:-$(make -s -C "$top/kmod" print-kdir 2>/dev/null || true)}
if [ -z "$kdir" ] || [ ! -f "$kdir/Makefile" ]; then
	skip "no kernel headers for the guest kernel (linux-headers-6.1.*-amd64 or KDIR)"
fi
command -v "$cc" >/dev/null 2>&1 || skip "no C compiler ($cc)"
gen=${LUBENCH_GEN:-${LUBENCH_BUILD:-$top/build}/gen}
[ -f "$gen/layouts.mk" ] ||
	failed "no $gen/layouts.mk: configure the CMake build first (./lubench build)" /dev/null

timeout 600 make -C "$top/kmod" KDIR="$kdir" OUT="$out/kmod" GEN="$gen" W=1 \
	>"$out/kmod.log" 2>&1 || failed "build lubench.ko" "$out/kmod.log"
if grep -q 'warning:' "$out/kmod.log"; then
	grep 'warning:' "$out/kmod.log" >&2
	failed "lubench.ko builds without warnings at W=1" "$out/kmod.log"
fi

mkdir -p "$out/bin"
timeout 300 "$cc" -O2 -g -Wall -Wextra -static -I"$top/kmod" -I"$top/bench/lib" \
	-o "$out/bin/lubench-dev" "$top/bench/guest/lubench_dev_cli.c" \
	"$top/bench/lib/lubench_dev.c" "$top/bench/lib/results.c" \
	"$top/bench/lib/numparse.c" "$top/bench/lib/input.c" \
	"$top/bench/lib/cycle_plan.c" -luring -lm \
	>"$out/cc.log" 2>&1 ||
	failed "build lubench-dev (static, liburing)" "$out/cc.log"
