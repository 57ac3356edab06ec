#!/bin/sh
# Fetch and unpack (never install) the Debian guest kernel that matches the
# installed linux-headers, so the test module builds against exactly the
# kernel the guest boots.
#
# usage: scripts/host/guest-kernel.sh [BUILD_DIR]
#   BUILD_DIR  defaults to $LUBENCH_BUILD, else build/ under the repo root
#   GUEST_KVER overrides the kernel ABI name (e.g. 6.1.0-56-amd64)
#
# Prints the path of the unpacked vmlinuz on stdout. The kernel's tree is
# BUILD_DIR/guest/kernel/ ({boot,lib/modules/$KVER}); BUILD_DIR/guest/kver
# holds the ABI name for the other scripts.
#
# Also extracts the uncompressed ELF kernel, boot/vmlinux-$KVER, next to
# vmlinuz. QEMU boots it directly through its PVH entry point, skipping
# the bzImage decompressor, which under TCG takes about 3 s of every boot.
# The bzImage stays the kernel the guest kexecs into.
set -eu

usage() {
	echo "usage: $0 [BUILD_DIR]" >&2
	exit 2
}

case "${1:-}" in
-h | --help) usage ;;
-*) usage ;;
esac
[ $# -le 1 ] || usage

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${LUBENCH_BUILD:-$top/build}}
mkdir -p "$build"
build=$(cd "$build" && pwd)
guest=$build/guest
kdir=$guest/kernel

# The ABI name comes from the headers the module is built against; the
# newest installed 6.1 one wins if several are present.
kver=${GUEST_KVER:-}
if [ -z "$kver" ]; then
	# The glob sorts, so the last match is the newest ABI.
	hdr=""
	for h in /usr/src/linux-headers-6.1.*-amd64; do
		if [ -d "$h" ]; then
			hdr=$h
		fi
	done
	if [ -z "$hdr" ]; then
		echo "guest-kernel: no /usr/src/linux-headers-6.1.*-amd64;" \
			"run scripts/host/setup.sh or set GUEST_KVER" >&2
		exit 1
	fi
	kver=${hdr#/usr/src/linux-headers-}
fi

vmlinuz=$kdir/boot/vmlinuz-$kver
vmlinux=$kdir/boot/vmlinux-$kver

# Little-endian unsigned integer of $3 bytes at offset $2 of file $1.
le_uint() {
	od -An -t "u$3" -j "$2" -N "$3" "$1" | tr -d ' '
}

# The bzImage header (Documentation/x86/boot.rst, protocol >= 2.08) says
# where the compressed kernel is: payload_offset (0x248) and
# payload_length (0x24c), counted from the protected-mode code, which
# starts after the (setup_sects + 1) * 512 bytes of real-mode setup.
extract_vmlinux() {
	if [ "$(head -c 518 "$1" | tail -c 4)" != HdrS ]; then
		echo "guest-kernel: $1 is not a bzImage" >&2
		return 1
	fi
	sects=$(le_uint "$1" 497 1)
	[ "$sects" != 0 ] || sects=4
	off=$(le_uint "$1" 584 4)
	len=$(le_uint "$1" 588 4)
	start=$(((sects + 1) * 512 + off))
	magic=$(od -An -tx1 -j "$start" -N 6 "$1" | tr -d ' ')
	# Kbuild appends the decompressed size (4 bytes) to xz and zstd
	# payloads; neither tool accepts trailing bytes, so stop before it.
	case "$magic" in
	fd377a585a00) unpack="xz -dc"; len=$((len - 4)) ;;
	1f8b*) unpack="gzip -dc" ;;
	28b52ffd*) unpack="zstd -dc"; len=$((len - 4)) ;;
	*)
		echo "guest-kernel: unknown kernel compression ($magic)" >&2
		return 1
		;;
	esac
	# shellcheck disable=SC2086
	tail -c +"$((start + 1))" "$1" | head -c "$len" | $unpack >"$2.tmp"
	mv "$2.tmp" "$2"
}

# Idempotent: an unpacked tree with its config is all later steps need.
if [ -f "$vmlinuz" ] && [ -f "$kdir/boot/config-$kver" ] &&
	[ -d "$kdir/lib/modules/$kver" ]; then
	[ -f "$vmlinux" ] || extract_vmlinux "$vmlinuz" "$vmlinux"
	echo "$kver" >"$guest/kver"
	echo "$vmlinuz"
	exit 0
fi

pkg=linux-image-$kver-unsigned
dl=$guest/dl
mkdir -p "$dl"

# apt-get download drops privileges to _apt; it can only write into a
# directory _apt owns, otherwise it warns and falls back to root.
if id _apt >/dev/null 2>&1; then
	chown _apt "$dl" 2>/dev/null || true
fi

# The package file in $dl, if any (the glob sorts; take the last).
find_deb() {
	deb=""
	for f in "$dl/${pkg}"_*.deb; do
		if [ -f "$f" ]; then
			deb=$f
		fi
	done
}

find_deb
if [ -z "$deb" ]; then
	echo "guest-kernel: downloading $pkg" >&2
	# A stale package index does not know the package yet: refresh once.
	if ! (cd "$dl" && timeout 600 apt-get download -q "$pkg" >&2); then
		echo "guest-kernel: refreshing apt index" >&2
		timeout 600 apt-get update -qq >&2 || true
		(cd "$dl" && timeout 600 apt-get download -q "$pkg" >&2)
	fi
	find_deb
	if [ -z "$deb" ]; then
		echo "guest-kernel: apt-get download produced no $pkg .deb" >&2
		exit 1
	fi
fi

# Unpack into a scratch dir and rename, so an interrupted run never leaves
# a half tree that the idempotency check above would accept.
rm -rf "$kdir.tmp"
mkdir -p "$kdir.tmp"
dpkg -x "$deb" "$kdir.tmp"
rm -rf "$kdir"
mv "$kdir.tmp" "$kdir"

if [ ! -f "$vmlinuz" ]; then
	echo "guest-kernel: $deb has no boot/vmlinuz-$kver" >&2
	exit 1
fi
extract_vmlinux "$vmlinuz" "$vmlinux"
echo "$kver" >"$guest/kver"
echo "$vmlinuz"
