#!/bin/sh
# Build the lubench guest initramfs (busybox, kexec with its libraries, the
# guest kernel for kexec, /init) or, with --overlay, a small archive of
# extra files that guest-run.sh appends to it for one run.
#
# usage: scripts/host/mkinitramfs.sh [--overlay] [--kernel VMLINUZ | --no-kernel]
#                               OUT.cpio.gz [--add SRC:DEST]...
#   --add SRC:DEST  copy SRC (file or directory) to DEST in the guest; a
#                   DEST ending in / keeps SRC's name. A dynamically linked
#                   ELF file brings its shared libraries and loader along.
#   --overlay       only the --add files (the kernel unpacks concatenated
#                   archives in order, so later files win).
#   --kernel        the kernel the guest kexecs into; default: the one
#                   scripts/host/guest-kernel.sh unpacked next to OUT or
#                   under the build directory.  A vmlinuz with the
#                   uncompressed vmlinux-KVER beside it puts that at
#                   /boot/vmlinux (kexec then skips the decompressor,
#                   seconds of every jump under TCG); else, or with
#                   --kexec-bzimage, the file goes to /boot/vmlinuz.
#
# Archives are newc cpio, gzip'd, with owners 0:0 and every mtime set to
# $SOURCE_DATE_EPOCH (default 0), so the same inputs give the same bytes.
set -eu

usage() {
	echo "usage: $0 [--overlay] [--kernel VMLINUZ | --no-kernel]" \
		"OUT.cpio.gz [--add SRC:DEST]..." >&2
	exit 2
}

top=$(cd "$(dirname "$0")/../.." && pwd)
overlay=0
kernel=""
no_kernel=0
kexec_bzimage=0
out=""
# --add arguments, newline separated (a path with a newline is refused).
adds=""
nl='
'

while [ $# -gt 0 ]; do
	case "$1" in
	--overlay) overlay=1 ;;
	--no-kernel) no_kernel=1 ;;
	--kexec-bzimage) kexec_bzimage=1 ;;
	--kernel)
		[ $# -ge 2 ] || usage
		kernel=$2
		shift
		;;
	--add)
		[ $# -ge 2 ] || usage
		case "$2" in
		*"$nl"*) echo "mkinitramfs: newline in --add $2" >&2; exit 2 ;;
		*:*) ;;
		*) echo "mkinitramfs: --add wants SRC:DEST, got $2" >&2; exit 2 ;;
		esac
		adds="$adds$2$nl"
		shift
		;;
	-h | --help) usage ;;
	-*) usage ;;
	*)
		[ -z "$out" ] || usage
		out=$1
		;;
	esac
	shift
done
[ -n "$out" ] || usage

outdir=$(dirname "$out")
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
out=$outdir/$(basename "$out")

stage=$(mktemp -d "$outdir/.mkinitramfs.XXXXXX")
cleanup() {
	rm -rf "$stage" "$out.tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Is $1 a dynamically linked ELF file? Only those are handed to ldd,
# which must not be asked about scripts or data.
is_dynamic_elf() {
	[ -f "$1" ] || return 1
	[ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ] || return 1
	ldd "$1" >/dev/null 2>&1
}

# Copy the shared libraries and the loader $1 needs, at the paths the
# loader will look for them (ldd's resolved paths; symlinks followed).
copy_libs() {
	ldd "$1" | tr -s ' \t' '\n' | grep '^/' | sort -u |
		while read -r lib; do
			[ -e "$stage$lib" ] && continue
			mkdir -p "$stage$(dirname "$lib")"
			cp -L "$lib" "$stage$lib"
		done
}

# Copy $1 to guest path $2 (absolute or relative to /).
add_one() {
	src=$1
	dest=${2#/}
	case "$dest" in
	'' | */) dest=$dest$(basename "$src") ;;
	esac
	if [ -d "$src" ]; then
		mkdir -p "$stage/$dest"
		cp -a "$src/." "$stage/$dest/"
		return
	fi
	if [ ! -e "$src" ]; then
		echo "mkinitramfs: $src: no such file" >&2
		exit 1
	fi
	mkdir -p "$stage/$(dirname "$dest")"
	cp -pL "$src" "$stage/$dest"
	if is_dynamic_elf "$src"; then
		copy_libs "$src"
	fi
}

find_kernel() {
	kver=""
	for g in "$outdir" "${LUBENCH_BUILD:-$top/build}/guest"; do
		if [ -r "$g/kver" ]; then
			kver=$(cat "$g/kver")
		fi
		if [ -n "$kver" ] && [ -f "$g/kernel/boot/vmlinuz-$kver" ]; then
			echo "$g/kernel/boot/vmlinuz-$kver"
			return
		fi
	done
}

if [ "$overlay" = 0 ]; then
	for d in bin sbin usr/bin usr/sbin lib lib64 boot dev etc proc root \
		sys tmp; do
		mkdir -p "$stage/$d"
	done

	bb=$(command -v busybox || true)
	if [ -z "$bb" ] || ! "$bb" --list-full >/dev/null 2>&1; then
		echo "mkinitramfs: need busybox-static (scripts/host/setup.sh)" >&2
		exit 1
	fi
	if is_dynamic_elf "$bb"; then
		echo "mkinitramfs: $bb is dynamically linked;" \
			"install busybox-static" >&2
		exit 1
	fi
	cp -L "$bb" "$stage/bin/busybox"
	"$bb" --list-full | while read -r applet; do
		case "$applet" in
		linuxrc | */init | init) continue ;;
		esac
		[ -e "$stage/$applet" ] && continue
		mkdir -p "$stage/$(dirname "$applet")"
		ln -s /bin/busybox "$stage/$applet"
	done

	kx=$(command -v kexec || true)
	[ -n "$kx" ] || kx=/usr/sbin/kexec
	if [ ! -x "$kx" ]; then
		echo "mkinitramfs: need kexec-tools (scripts/host/setup.sh)" >&2
		exit 1
	fi
	add_one "$kx" /sbin/kexec

	cp "$top/scripts/guest/guest-init.sh" "$stage/init"
	chmod 755 "$stage/init"

	if [ "$no_kernel" = 0 ]; then
		[ -n "$kernel" ] || kernel=$(find_kernel)
		if [ -z "$kernel" ] || [ ! -f "$kernel" ]; then
			echo "mkinitramfs: no guest kernel; run" \
				"scripts/host/guest-kernel.sh first or pass --kernel" >&2
			exit 1
		fi
		elf=$(dirname "$kernel")/vmlinux-${kernel##*/vmlinuz-}
		trim=${LUBENCH_BUILD:-$top/build}/bench/lubench-elf-trim
		if [ "$kexec_bzimage" = 0 ] && [ "$elf" != "$kernel" ] &&
			[ -f "$elf" ]; then
			# Without its 23 MB of stored zeros: every kexec copies
			# the file several times under emulation.
			if [ -x "$trim" ]; then
				"$trim" "$elf" "$stage/boot/vmlinux" || exit 1
			else
				echo "mkinitramfs: no $trim (./lubench build):" \
					"the guest kexecs the untrimmed vmlinux" >&2
				cp "$elf" "$stage/boot/vmlinux"
			fi
		else
			cp "$kernel" "$stage/boot/vmlinuz"
		fi
	fi

	# The kernel opens /dev/console for init before anything is mounted.
	# Creating the node needs root; /init copes without it.
	if [ "$(id -u)" = 0 ]; then
		mknod "$stage/dev/console" c 5 1
	else
		echo "mkinitramfs: not root, no /dev/console in the archive" >&2
	fi
fi

if [ -n "$adds" ]; then
	# Read from a here-document, not a pipe, so add_one's exit on a
	# missing file ends this shell.
	while IFS= read -r a; do
		[ -n "$a" ] || continue
		add_one "${a%:*}" "${a##*:}"
	done <<EOF
$adds
EOF
fi

epoch=${SOURCE_DATE_EPOCH:-0}
find "$stage" -exec touch -h -d "@$epoch" {} +
(
	cd "$stage"
	find . | sed -e 's|^\./||' -e '/^\.$/d' | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet
) | gzip -n -6 >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
