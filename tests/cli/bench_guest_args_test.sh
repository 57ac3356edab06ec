#!/bin/sh
# `./lubench bench --guest` (scripts/host/bench-guest.sh) with bad
# arguments: each is refused with exit 2 and a message naming it, before
# anything is built or booted and before any output directory is made. A
# fake qemu-system-x86_64 first on PATH records whether QEMU was started.
#
# usage: tests/cli/bench_guest_args_test.sh BUILD_DIR
set -eu

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# A build tree of its own: the two tools the checks need, nothing else,
# so anything the script builds or runs would show up in it.
mkdir -p "$tmp/build/bench" "$tmp/bin"
for t in lubench-list lubench-guest-report; do
	ln -s "$1/bench/$t" "$tmp/build/bench/$t"
done
fake_qemu

# bad DESC MESSAGE ARGS...: refused, nothing started or made.
bad() {
	_desc=$1 _msg=$2
	shift 2
	rc=0
	PATH=$tmp/bin:$PATH LUBENCH_BUILD=$tmp/build timeout 60 \
		sh "$top/scripts/host/bench-guest.sh" --out "$tmp/out" "$@" \
		>"$tmp/out.txt" 2>"$tmp/err" || rc=$?
	refused "$_desc" 2 "bench-guest: $_msg"
	check "$_desc: no QEMU" '[ ! -e "$tmp/qemu-called" ]'
	absent "$_desc" "$tmp/out" "$tmp/build/guest-bench" "$tmp/build/runs"
}

bad "an unknown layout" \
	"--variant: no variant 'nope' ($("$1/bench/lubench-list" variants | tr '\n' ',' | sed 's/,$//'))" \
	--variant nope
bad "an empty layout in a list" "--variant: an empty name in 'linear,,v2'" \
	--variant linear,,v2
bad "an unknown path" \
	"--path: no path 'foo' (ioctl,batch,uring,uring-batch)" --path foo
bad "no devices" "--devices: 0 is out of range (1..65536)" --devices 0
bad "an empty device count" "--devices: '' is not a number" --devices ''
bad "a huge device count" "--devices: 99999999999 is out of range (1..65536)" \
	--devices 99999999999
bad "an octal-looking count" "--devices: '010' is not a number" --devices 010
bad "a batch of 0" "--batch: 0 is out of range (1..1048576)" --batch 0
bad "a batch above the module's limit" \
	"--batch: 2000000 is out of range (1..1048576)" --batch 2000000
bad "no passes" "--reps: 0 is out of range (1..1000)" --reps 0
bad "passes that are no number" "--reps: '1k' is not a number" --reps 1k
: >"$tmp/afile"
rc=0
PATH=$tmp/bin:$PATH LUBENCH_BUILD=$tmp/build timeout 60 \
	sh "$top/scripts/host/bench-guest.sh" --out "$tmp/afile" \
	>"$tmp/out.txt" 2>"$tmp/err" || rc=$?
refused "--out onto a file" 2 "bench-guest: --out $tmp/afile exists and is not a directory"
check "--out onto a file: no QEMU" '[ ! -e "$tmp/qemu-called" ]'

tap_done
