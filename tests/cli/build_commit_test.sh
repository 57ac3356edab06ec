#!/bin/sh
# A result carries the commit its binaries were built from: in a fresh
# clone of the source tree, `./lubench bench` records the clean commit;
# after a C source is edited (no build run by hand), the next
# `./lubench bench` runs the edited code and records dirty=true with the
# same commit; after a kmod source is edited, `./lubench cycle` (refused
# before any boot) has rebuilt lubench.ko and its stripped copy, and a
# second command rebuilds nothing.
#
# usage: tests/cli/build_commit_test.sh SOURCE_DIR WORK_DIR [KSELFTEST_DIR [GUEST_DIR]]
#   WORK_DIR       scratch space (emptied first); removed when all passed
#   KSELFTEST_DIR  the harness headers, so the clone need not extract them
#   GUEST_DIR      a build's guest/ with the guest kernel unpacked
#                  (scripts/host/guest-kernel.sh), linked into the clone's
#                  build so that it need not fetch and unpack it again
# Exit: 0 pass, 1 fail, 4 skip (no git, or SOURCE_DIR is no work tree).
set -eu

[ $# -ge 2 ] || { echo "usage: $0 SOURCE_DIR WORK_DIR [KSELFTEST_DIR [GUEST_DIR]]" >&2; exit 2; }
src=$1
work=$2
tmp=$work
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

if ! command -v git >/dev/null 2>&1 ||
	! git -C "$src" rev-parse HEAD >/dev/null 2>&1; then
	echo "1..0 # SKIP $src is not a git work tree (or no git)"
	exit 4
fi

rm -rf "$work"
mkdir -p "$work"
repo=$work/repo
git clone -q "$src" "$repo"
head=$(git -C "$repo" rev-parse HEAD)
# The clone's own build, whatever build the caller runs in.
unset LUBENCH_BUILD
[ -z "${3:-}" ] || export KSELFTEST_DIR="$3"
# The guest kernel the build fetched: guest-kernel.sh takes an unpacked
# tree as it is.  Hard links when they can be (the same file system).
if [ -n "${4:-}" ] && [ -s "$4/kver" ] && [ -d "$4/kernel/boot" ]; then
	mkdir -p "$repo/build/guest"
	cp -al "$4/kernel" "$repo/build/guest/kernel" 2>/dev/null ||
		cp -a "$4/kernel" "$repo/build/guest/kernel"
	cp "$4/kver" "$repo/build/guest/kver"
fi
tiny="--variant linear --op preserve --n 16 --reps 5 --visits 2 --sample-us 200"

# lubench bench RUN: run the launcher in the clone; status in $rc.
bench() {
	rc=0
	# shellcheck disable=SC2086 # $tiny is several words
	timeout 900 "$repo/lubench" bench $tiny --out "$work/$1" \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
}

# The value of "key" in a run's meta.json (a scalar, first occurrence).
meta() {
	grep -o "\"$2\": *[^,}]*" "$work/$1/meta.json" | head -n 1 |
		sed 's/^[^:]*: *//; s/"//g; s/[[:space:]]*$//'
}

# When a file was last written, to the nanosecond.
mtime() {
	date -r "$1" +%s.%N 2>/dev/null || echo none
}

bench clean
check "the first ./lubench bench builds the clone and runs" '[ "$rc" = 0 ]'
check "meta.json records the clone's commit" '[ "$(meta clean git_commit)" = "$head" ]'
check "meta.json records a clean tree" '[ "$(meta clean git_dirty)" = false ]'

# An edit that shows: the benchmark says so on stderr when it starts.
token=edit-$$-$(date +%s)
cat >>"$repo/bench/sweep/bench.c" <<EOF

/* Added by tests/cli/build_commit_test.sh. */
__attribute__((constructor)) static void build_commit_test_mark(void)
{
	fputs("build-commit-test: $token\n", stderr);
}
EOF
bench edited
check "./lubench bench after the edit runs" '[ "$rc" = 0 ]'
check "it rebuilt lubench-bench and ran the edited code" \
	'grep -qx "build-commit-test: $token" "$tmp/err"'
check "meta.json records the same commit" '[ "$(meta edited git_commit)" = "$head" ]'
check "meta.json records a dirty tree" '[ "$(meta edited git_dirty)" = true ]'
check "lubench-version says so for cycle.meta" \
	'[ "$("$repo/build/bench/lubench-version")" = "$(echo "$head" | cut -c 1-12)-dirty" ]'
check "lubench-dev carries the same commit" \
	'[ "$("$repo/build/bench/lubench-dev" --version)" = "lubench-dev $(echo "$head" | cut -c 1-12)-dirty" ]'

# The module: `./lubench cycle` builds before it reads its options, so a
# refused variant shows what a real cycle would load, without a boot.
kmod=$repo/build/kmod
if [ -f "$kmod/unavailable" ]; then
	echo "# lubench.ko not checked: $(cat "$kmod/unavailable")"
else
	echo "MODULE_INFO(build_commit_test, \"$token\");" \
		>>"$repo/kmod/lubench_handover.c"
	cycle() {
		rc=0
		timeout 900 "$repo/lubench" cycle --variant no-such-layout \
			>"$tmp/out" 2>"$tmp/err" || rc=$?
	}
	cycle
	check "./lubench cycle refuses the bad variant (exit 2)" \
		'[ "$rc" = 2 ] && grep -q "no variant .no-such-layout." "$tmp/err"'
	check "lubench.ko was rebuilt from the edited source" \
		'grep -aq "build_commit_test=$token" "$kmod/lubench.ko"'
	check "so was the stripped copy the cycle loads" \
		'grep -aq "build_commit_test=$token" "$kmod/lubench.stripped.ko"'
	before="$(mtime "$kmod/lubench.ko") $(mtime "$repo/build/bench/lubench-bench")"
	cycle
	after="$(mtime "$kmod/lubench.ko") $(mtime "$repo/build/bench/lubench-bench")"
	check "with nothing changed, the next command rebuilds nothing" \
		'[ "$rc" = 2 ] && [ "$before" = "$after" ]'
fi

if tap_done; then
	rm -rf "$work"
else
	echo "# kept for a look: $work"
	exit 1
fi
