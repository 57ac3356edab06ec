#!/bin/sh
# Install what lubench needs from Debian's packages, by name.
# As root it runs apt-get; otherwise it prints the exact command to run.
#
# usage: scripts/host/setup.sh [--check] [--browser]
#   --check   only report what is missing (exit 1 if anything is)
#   --browser also Debian's chromium: what the report test renders
#             report.html with (report_browser_test)
set -eu

# The guest kernel's ABI name: the one Debian's linux-headers-amd64
# metapackage points at, unless GUEST_KVER is set (e.g. 6.1.0-56-amd64).
guest_kver() {
	if [ -n "${GUEST_KVER:-}" ]; then
		echo "$GUEST_KVER"
		return
	fi
	apt-cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-headers-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' |
		head -n 1
}

PKGS="build-essential cmake ninja-build pkg-config gcc make libc6-dev
liburing-dev libhwloc-dev hwloc gnuplot-nox valgrind
linux-source-6.12 xz-utils
qemu-system-x86 busybox-static kexec-tools cpio gzip
coreutils util-linux
clang libclang-rt-14-dev"

check=0
for a in "$@"; do
	case "$a" in
	--check) check=1 ;;
	--browser) PKGS="$PKGS chromium" ;;
	*) echo "usage: $0 [--check] [--browser]" >&2; exit 2 ;;
	esac
done

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed' || missing="$missing $p"
done

# The headers must match the guest kernel exactly. An installed
# linux-headers-6.1.*-amd64 is enough; otherwise resolve the metapackage.
hdr=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | tail -n 1 || true)
if [ -z "${KDIR:-}" ] && [ -z "$hdr" ]; then
	if [ "$check" = 0 ] && [ "$(id -u)" = 0 ]; then
		apt-get update -qq >/dev/null 2>&1 || true
	fi
	kver=$(guest_kver)
	if [ -z "$kver" ]; then
		missing="$missing linux-headers-amd64"
	else
		missing="$missing linux-headers-$kver"
	fi
fi

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$check" = 1 ]; then
	echo "missing packages:$missing" >&2
	exit 1
fi

if [ "$(id -u)" != 0 ]; then
	echo "lubench needs these Debian packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

echo "setup: installing$missing" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	$missing >/dev/null
