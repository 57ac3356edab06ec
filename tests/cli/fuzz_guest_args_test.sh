#!/bin/sh
# scripts/host/guest-fuzz.sh with bad arguments: each is refused with
# exit 2 and a message naming it, before the guest boots and before its
# output directory is made.  A fake qemu-system-x86_64 first on PATH
# records whether QEMU was started.
#
# usage: tests/cli/fuzz_guest_args_test.sh
set -eu

[ $# -eq 0 ] || { echo "usage: $0" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# An empty build tree: whatever the script made would show up in it.
mkdir -p "$tmp/build" "$tmp/bin"
fake_qemu

# bad DESC SECONDS MESSAGE ARGS...: with LUBENCH_FUZZ_S=SECONDS ('-' for
# unset) refused, nothing started or made.
bad() {
	_desc=$1 _secs=$2 _msg=$3
	shift 3
	if [ "$_secs" = - ]; then
		run env -u LUBENCH_FUZZ_S PATH="$tmp/bin:$PATH" \
			sh "$top/scripts/host/guest-fuzz.sh" "$@" "$tmp/build"
	else
		run env LUBENCH_FUZZ_S="$_secs" PATH="$tmp/bin:$PATH" \
			sh "$top/scripts/host/guest-fuzz.sh" "$@" "$tmp/build"
	fi
	refused "$_desc" 2 "guest-fuzz: $_msg"
	check "$_desc: no QEMU" '[ ! -e "$tmp/qemu-called" ]'
	absent "$_desc" "$tmp/build/guest-fuzz" "$tmp/build/runs" "$tmp/build/guest"
}

secs="LUBENCH_FUZZ_S: want whole seconds per size, 1 to 86400, not"
bad "no seconds" 0 "$secs '0'"
bad "seconds with a unit" 20s "$secs '20s'"
bad "octal-looking seconds" 020 "$secs '020'"
bad "over a day" 86401 "$secs '86401'"
bad "huge seconds" 99999999999999999999 "$secs '99999999999999999999'"

sizes="want sizes of 1..65536, comma-separated, not"
bad "no functions" - "--devices 0: $sizes '0'" --devices 0
bad "too many functions" - "--devices 65537: $sizes '65537'" --devices 65537
bad "an empty size" - "--devices 256,,4096: $sizes ''" --devices 256,,4096
bad "a trailing comma" - "--devices 256,: $sizes ''" --devices 256,
bad "a size that is no number" - "--devices 4k: $sizes '4k'" --devices 4k
bad "nine sizes" - "--devices 1,2,3,4,5,6,7,8,9: at most 8 sizes" \
	--devices 1,2,3,4,5,6,7,8,9
bad "a timeout that is no number" - "--timeout: want whole seconds, not 'x'" \
	--timeout x
# The default 20 s at two sizes needs 300 + 2 * 170 s.
bad "a fuzz time over ctest's limit" 600 \
	"LUBENCH_FUZZ_S=600 needs up to 1800 s for 2 sizes, over the 640 s allowed (ctest's TIMEOUT, set when configured): configure again with LUBENCH_FUZZ_S=600 in the environment, or run scripts/host/guest-fuzz.sh directly" \
	--timeout 640
bad "an unknown option" - "unknown option --seconds (see --help)" --seconds 5

run env PATH="$tmp/bin:$PATH" sh "$top/scripts/host/guest-fuzz.sh" \
	"$tmp/nowhere"
refused "no build directory" 2 "guest-fuzz: no build directory $tmp/nowhere (./lubench build)"
absent "no build directory" "$tmp/nowhere"

tap_done
