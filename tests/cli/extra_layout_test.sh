#!/bin/sh
# One more layout through the normal mechanism and nothing else: in a
# copy of the source tree, kmod/pci_ser/pci_ser_extra_layout.c (linear
# under another name, with a '-' in it: extra-layout, whose C identifier
# is extra_layout) and one line in kmod/pci_ser/layouts.list.  The copy
# builds, and the layout shows in the registry, replay (agreeing with
# every other layout), the unit tests (as a FIXTURE_VARIANT), the
# benchmark, the guest tests ctest would run, and lubench.ko.  No guest
# is booted: the module is checked by what it registers (its strings).
#
# usage: tests/cli/extra_layout_test.sh TOP_DIR KSELFTEST_INC [KDIR]
#   KSELFTEST_INC  the directory holding kselftest_harness.h (reused)
#   KDIR           kernel headers for lubench.ko (default: kmod/Makefile's;
#                  none installed: the module's checks are skipped)
set -eu

[ $# -ge 2 ] || { echo "usage: $0 TOP_DIR KSELFTEST_INC [KDIR]" >&2; exit 2; }
top=$1
ksft=$2
kdir=${3:-$(make -s -C "$top/kmod" print-kdir 2>/dev/null || true)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"
src=$tmp/src
b=$tmp/build

# The tree as it is (tracked and new files, not what git ignores).
mkdir -p "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 tar -cf - --ignore-failed-read) | tar -xf - -C "$src"
else
	(cd "$top" && tar -cf - --exclude=./build --exclude='./results/run-*' .) |
		tar -xf - -C "$src"
fi
cp -r "$src" "$tmp/orig"

# The one file and the one line.
sed 's/linear/extra_layout/g; s/"extra_layout"/"extra-layout"/
	s/pci-ser-extra_layout/pci-ser-extra-layout/' \
	"$src/kmod/pci_ser/pci_ser_linear.c" \
	>"$src/kmod/pci_ser/pci_ser_extra_layout.c"
echo extra-layout >>"$src/kmod/pci_ser/layouts.list"
diff -r "$tmp/orig" "$src" >"$tmp/diff" || true
check "the copy differs by one new file and one added line" \
	'[ "$(grep -c "^Only in $src/kmod/pci_ser: pci_ser_extra_layout.c" "$tmp/diff")" = 1 ] &&
	 [ "$(grep -c "^> extra-layout$" "$tmp/diff")" = 1 ] &&
	 [ "$(grep -c "^[<>]" "$tmp/diff")" = 1 ] &&
	 [ "$(grep -c "^Only in" "$tmp/diff")" = 1 ]'

# Debug (-O0): it builds faster, and nothing here is timed.
rc=0
{ nice cmake -S "$src" -B "$b" -DKSELFTEST_DIR="$ksft" -DCMAKE_BUILD_TYPE=Debug \
	${kdir:+-DLUBENCH_KDIR="$kdir"} &&
  nice cmake --build "$b" -j 2 --target lubench-list lubench-replay-san \
	lubench-inspect-san lubench-bench pci_ser_test pci_ser_blob_test; } \
	>"$tmp/build.log" 2>&1 || rc=$?
check "the copy configures and builds" '[ "$rc" = 0 ]' ||
	tail -n 20 "$tmp/build.log" | sed 's/^/#   /'
[ "$rc" = 0 ] || { tap_done; exit 1; }
bin=$b/bench

# The registry, and replay: golden outputs, every layout in lockstep.
"$bin/lubench-list" variants >"$tmp/variants"
check "lubench list variants ends with extra-layout" \
	'[ "$(tail -n 1 "$tmp/variants")" = extra-layout ] &&
	 [ "$(grep -c . "$tmp/variants")" = "$(($(grep -c "^[a-z]" "$tmp/orig/kmod/pci_ser/layouts.list") + 1))" ]'
"$bin/lubench-replay-san" --help >"$tmp/out" 2>&1 || true
check "replay --help lists extra-layout" 'grep -q " extra-layout " "$tmp/out"'
for t in rules domains; do
	for v in all extra-layout; do
		rc=0
		"$bin/lubench-replay-san" --variant "$v" "$src/tests/data/traces/$t.trace" \
			>"$tmp/out" 2>"$tmp/err" || rc=$?
		check "replay --variant $v $t: the golden output" \
			'[ "$rc" = 0 ] && cmp -s "$tmp/out" "$src/tests/data/traces/$t.out"'
	done
done
awk 'BEGIN { srand(3); print "capacity 600"
	for (i = 0; i < 5000; i++) {
		d = int(rand() * 800); r = rand()
		op = r < 0.5 ? "preserve" : r < 0.7 ? "unpreserve" : "find"
		printf "%s %x:%02x:%02x.%x\n", op, (d % 3) * 65536, d % 256, d % 32, d % 8
	} }' >"$tmp/random.trace"
rc=0
"$bin/lubench-replay-san" --variant all "$tmp/random.trace" >/dev/null 2>"$tmp/err" || rc=$?
check "replay --variant all: extra-layout agrees with every layout on 5000 ops" '[ "$rc" = 0 ]'
rc=0
"$bin/lubench-replay-san" --variant extra-layout --save "$tmp/extra.blob" \
	"$src/tests/data/traces/handover-1.trace" >/dev/null 2>&1 &&
"$bin/lubench-inspect-san" "$tmp/extra.blob" >"$tmp/out" 2>&1 || rc=$?
check "its blob is lubench,pci-ser-extra-layout-v1, layout extra-layout" \
	'[ "$rc" = 0 ] && grep -qx "compatible:   lubench,pci-ser-extra-layout-v1" "$tmp/out" &&
	 grep -qx "layout:       extra-layout" "$tmp/out"'

# The unit tests run it as a variant of every fixture (by identifier).
rc=0
"$b/tests/pci_ser_blob_test" -v extra_layout >"$tmp/out" 2>&1 || rc=$?
check "pci_ser_blob_test -v extra_layout passes" \
	'[ "$rc" = 0 ] && grep -q "^ok .* pser\.extra_layout\.payload_defects" "$tmp/out" &&
	 ! grep -q "^not ok" "$tmp/out"'
rc=0
"$b/tests/pci_ser_test" -T random_65536 -v extra_layout >"$tmp/out" 2>&1 || rc=$?
check "pci_ser_test -v extra_layout passes" \
	'[ "$rc" = 0 ] && grep -q "^ok .* pser\.extra_layout\.round_trip" "$tmp/out" &&
	 ! grep -q "^not ok" "$tmp/out"'

# A tiny sweep row.
rc=0
"$bin/lubench-bench" --variant extra-layout,linear --op find-hit,restore --n 16 \
	--reps 3 --visits 1 --sample-us 20 --cpu none --out "$tmp/run" \
	>"$tmp/out" 2>"$tmp/err" || rc=$?
check "lubench bench measures extra-layout" \
	'[ "$rc" = 0 ] && [ "$(grep -c "\"variant\":\"extra-layout\"" "$tmp/run/results.jsonl")" = 2 ]'

# The guest: ctest of the copy would run every layout test for it, and
# lubench.ko built from the copy registers it.
(cd "$b" && ctest -N) >"$tmp/ctest" 2>&1 || true
check "the guest tests include guest/layout.extra_layout.*" \
	'grep -q "guest/layout\.extra_layout\.agrees_on_real_devices" "$tmp/ctest"'
if [ -n "$kdir" ] && [ -f "$kdir/Makefile" ]; then
	rc=0
	nice cmake --build "$b" --target kmod >"$tmp/kmod.log" 2>&1 || rc=$?
	check "lubench.ko builds from the copy" '[ "$rc" = 0 ]' ||
		tail -n 20 "$tmp/kmod.log" | sed 's/^/#   /'
	check "lubench.ko holds pci_ser_extra_layout.o and registers extra-layout" \
		'[ -f "$b/kmod/pci_ser/pci_ser_extra_layout.o" ] &&
		 strings "$b/kmod/lubench.ko" | grep -qx "lubench,pci-ser-extra-layout-v1" &&
		 strings "$b/kmod/lubench.ko" | grep -qx "extra-layout"'
else
	ok "lubench.ko # SKIP no kernel headers (KDIR)"
fi

tap_done
