#!/bin/sh
# lubench ab end to end, on revisions made for the test in a temporary
# clone (so they are in no repository but that one): bad input is
# refused before anything is built; a revision against itself flags no
# counted point and exits 0; against a commit that sets the calibration
# default to v2:2 (two more instructions in v2's find, 1-2% of
# it here) it flags v2's find points, no other layout's, and exits 1.
#
# usage: tests/cli/ab_test.sh SOURCE_DIR BUILD_DIR
set -eu

[ $# -eq 2 ] || { echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2; exit 2; }
src=$1
export LUBENCH_BUILD=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind is not installed (scripts/host/setup.sh)"
	exit 4
fi

ab="$src/scripts/host/ab.sh"
small="$src/tests/data/ab/small.conf"
export LUBENCH_AB_REPO="$tmp/repo" LUBENCH_AB_DIR="$tmp/ab"

git clone -q "$src" "$tmp/repo"
git -C "$tmp/repo" config user.email test@lubench.invalid
git -C "$tmp/repo" config user.name "ab test"
A=$(git -C "$tmp/repo" rev-parse HEAD)
# B: A with the calibration on by default, a one-line commit.
sed -i 's/^set(LUBENCH_CALIBRATE "" CACHE STRING/set(LUBENCH_CALIBRATE "v2:2" CACHE STRING/' \
	"$tmp/repo/CMakeLists.txt"
git -C "$tmp/repo" commit -q -am "calibration: v2's find +2 instructions"
B=$(git -C "$tmp/repo" rev-parse HEAD)
check "the test made a revision B" '[ "$A" != "$B" ]'

# ---- refused before anything is built ----

# refused_ab DESC LINE ARGS...: exit 2, LINE on stderr, no work tree.
refused_ab() {
	_d=$1 _l=$2
	shift 2
	run sh "$ab" "$@"
	refused "$_d" 2 "$_l"
	absent "$_d" "$tmp/ab"
}

refused_ab "an unknown revision" \
	"ab: unknown revision 'no-such-rev' in $tmp/repo" "$A" no-such-rev
root=$(git -C "$tmp/repo" rev-list --max-parents=0 HEAD | tail -n 1)
refused_ab "a revision before lubench count" \
	"ab: revision '$root' ($root) has no lubench count (bench/count/): too old for ab" \
	"$root" "$A"
refused_ab "a missing workload" \
	"ab: $tmp/none.conf: cannot read the workload" "$A" "$A" "$tmp/none.conf"
printf '[ab]\nrounds = 2\n[nope]\nx = 1\n' >"$tmp/w1.conf"
refused_ab "an unknown section" \
	"$tmp/w1.conf:3: unknown section \"nope\" (this command reads [ab], [count], [bench], [cycle])" \
	"$A" "$A" "$tmp/w1.conf"
printf '[ab]\nrounds = 0\n[count]\nn = 16\n' >"$tmp/w2.conf"
refused_ab "rounds = 0" \
	"$tmp/w2.conf:2: --rounds: 0 is out of range (1..50)" "$A" "$A" "$tmp/w2.conf"
printf '[ab]\ngate = wall\n' >"$tmp/w6.conf"
refused_ab "gate = wall" \
	"$tmp/w6.conf:2: --gate: 'wall' is not counts or counts,wall" "$A" "$A" "$tmp/w6.conf"
printf '[ab]\nreps = 3\nmin-effect = x\n' >"$tmp/w7.conf"
refused_ab "min-effect = x" \
	"$tmp/w7.conf:3: --min-effect: 'x' is not a number" "$A" "$A" "$tmp/w7.conf"
printf '[count]\nn = 16 x\n' >"$tmp/w3.conf"
refused_ab "a bad [count] value" \
	"$tmp/w3.conf:2: --n: 'x' is not a number" \
	"$A" "$A" "$tmp/w3.conf"
printf '[bench]\nreps = 5\n' >"$tmp/w4.conf"
refused_ab "an option ab sets" \
	"ab: $tmp/w4.conf: [bench] reps: ab sets it or lubench bench has no such option (variant, n, op, seed, share, sample-us, cpu)" \
	"$A" "$A" "$tmp/w4.conf"
printf '[cycle]\nvariant = linear\n' >"$tmp/w5.conf"
refused_ab "cycles not under icount" \
	"ab: $tmp/w5.conf: [cycle] needs clock = icount: wall-clock jumps vary by seconds" \
	"$A" "$A" "$tmp/w5.conf"
printf 'rounds = 2\n' >"$tmp/w6.conf"
run sh "$ab" "$A" "$A" "$tmp/w6.conf"
check "a malformed workload: exit 2, the line named" \
	'[ "$rc" = 2 ] && grep -q "w6.conf:1: option outside a section" "$tmp/err"'
absent "a malformed workload" "$tmp/ab"

# counted: the lines of the counts section (between its heading and the next).
counted() {
	sed -n '/^instructions/,/^wall clock/p' "$tmp/out"
}

# ---- A against itself ----

rc=0
timeout 900 sh "$ab" "$A" "$A" "$small" >"$tmp/out" 2>"$tmp/err" || rc=$?
check "A against A: exit 0" '[ "$rc" = 0 ]'
check "A against A: no counted point marked" \
	'counted | grep -q "0 regressions, 0 improvements, [1-9][0-9]* unchanged$" &&
	 ! counted | grep -q " [RI]  "'
check "A against A: the verdict" 'grep -qx "verdict: no regression" "$tmp/out"'
check "A against A: the wall clock was sampled, interleaved" \
	'grep -q "^wall clock (2 x 3 samples a side, interleaved; informs)" "$tmp/out"'

# ---- A against B: +2 instructions in v2's find ----

rc=0
timeout 900 sh "$ab" "$A" "$B" "$small" >"$tmp/out" 2>"$tmp/err" || rc=$?
check "A against B: exit 1" '[ "$rc" = 1 ]'
for n in 16 256; do
	for op in find-hit find-miss; do
		check "A against B: $op v2 n=$n marked R" \
			'counted | grep -q "%  R  $op v2 n=$n\$"'
	done
done
check "A against B: only v2's points marked" \
	'[ -z "$(counted | grep " [RI]  " | grep -v " v2 n=")" ]'
check "A against B: nothing of the other layouts" \
	'counted | grep -q "[0-9] regressions, 0 improvements"'
check "A against B: the verdict" \
	'grep -qx "verdict: REGRESSION in B (count)" "$tmp/out"'

sed 's/^/# /' "$tmp/out"
tap_done
