#!/bin/sh
# A benchmark of lubench ab's interleaved wall-clock comparison (not a
# test: it takes minutes and its figures depend on the machine): how many
# points it marks between a revision and itself (false alarms, over
# several A/A pairs), and the smallest slowdown it catches, injected as
# N extra instructions in one layout's find (LUBENCH_CALIBRATE) by
# commits made in a temporary clone.  Every pair is compared again at
# several floors, so one run shows what each floor would do; the report
# is read in C from the runs' rows (lubench-compare --calibrate).
#
# usage: scripts/host/ab-calibrate.sh [--pairs P] [--layout L] [--nops "N..."]
#                                     [--floors "PCT..."] [--out FILE]
# Defaults: 5 pairs, v2, nops "8 32 64 128 256", floors "5 10 15 20 30".
# Exit: 0 done, 2 bad usage, 3 a build or a run failed.
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${LUBENCH_BUILD:-$TOP/build}
CMP="$BUILD/bench/lubench-compare"
pairs=5 layout=v2 nops="8 32 64 128 256" floors="5 10 15 20 30"
out=""

usage() {
	sed -n 's/^# usage: /usage: /p; s/^#  *\(\[--\)/    \1/p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case "$1" in
	--pairs) pairs=$2 ;;
	--layout) layout=$2 ;;
	--nops) nops=$2 ;;
	--floors) floors=$2 ;;
	--out) out=$2 ;;
	*) usage ;;
	esac
	shift 2
done
case "$pairs" in ''|*[!0-9]*) echo "ab-calibrate: --pairs $pairs: not a count" >&2; exit 2 ;; esac
for k in $nops; do
	case "$k" in ''|*[!0-9]*) echo "ab-calibrate: --nops: '$k' is not a count" >&2; exit 2 ;; esac
done
[ -x "$CMP" ] || { echo "ab-calibrate: $CMP missing: ./lubench build" >&2; exit 3; }
"$BUILD/bench/lubench-list" variants | grep -qxF -- "$layout" || {
	echo "ab-calibrate: --layout $layout: no such layout (./lubench list variants)" >&2
	exit 2
}
# The floors are the report's (lubench-compare --calibrate): checked by
# it now, with no runs, rather than after an hour of them.
"$CMP" --calibrate --layout "$layout" --floors "$floors" >/dev/null || exit 2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=${out:-$BUILD/ab-calibrate.txt}

# The revisions: A, and A with N nops in the layout's find, one commit each.
git clone -q "$TOP" "$tmp/repo"
git -C "$tmp/repo" config user.email bench@lubench.invalid
git -C "$tmp/repo" config user.name "ab calibration"
# Fixed dates: the same A gives the same commits, so their work trees
# (kept under build/ab-calibrate) are not rebuilt on the next run.
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
A=$(git -C "$tmp/repo" rev-parse HEAD)
for k in $nops; do
	git -C "$tmp/repo" checkout -q --detach "$A"
	sed -i "s/^set(LUBENCH_CALIBRATE \"\" CACHE STRING/set(LUBENCH_CALIBRATE \"$layout:$k\" CACHE STRING/" \
		"$tmp/repo/CMakeLists.txt"
	git -C "$tmp/repo" commit -q -am "calibration: $layout's find +$k instructions"
	git -C "$tmp/repo" tag "nops-$k"
done

# The lookups at two sizes, every layout: 24 points a pair.
cat >"$tmp/wall.conf" <<EOF
[ab]
rounds = 5
reps = 3

[bench]
variant = all
n = 256 4096
op = find-hit find-miss
EOF

export LUBENCH_AB_REPO="$tmp/repo"
export LUBENCH_AB_DIR="$BUILD/ab-calibrate"

# ab A B: its results directory.
ab() {
	rc=0
	timeout 3600 nice sh "$TOP/scripts/host/ab.sh" "$1" "$2" "$tmp/wall.conf" \
		>"$tmp/ab.out" 2>"$tmp/ab.err" || rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		tail -n 5 "$tmp/ab.err" >&2
		echo "ab-calibrate: ab $1 $2 failed (exit $rc)" >&2
		exit 3
	fi
	sed -n 's/^results: //p' "$tmp/ab.out"
}

# The runs: the A/A pairs, then A against each injected slowdown.
set --
i=1
while [ "$i" -le "$pairs" ]; do
	d=$(ab "$A" "$A")
	echo "ab-calibrate: A/A pair $i of $pairs: $d" >&2
	set -- "$@" --aa "$d"
	i=$((i + 1))
done
for k in $nops; do
	d=$(ab "$A" "nops-$k")
	echo "ab-calibrate: A against +$k nops: $d" >&2
	set -- "$@" --injected "$k:$d"
done

# The report: the points marked at each floor, read in C from the runs'
# wall-clock rows (lubench-compare --calibrate).
{
	echo "lubench ab, wall clock: $(date -u +%Y-%m-%d), $(uname -n), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs"
	echo "workload: 5 rounds x 3 samples a side, interleaved; every layout, find-hit and find-miss at N = 256 and 4096 (24 points)"
	echo "marked (Mann-Whitney p < 0.01 and |change| >= floor) at floors: $floors %"
	echo
	"$CMP" --calibrate --layout "$layout" --floors "$floors" "$@"
} >"$out" || { echo "ab-calibrate: the report failed" >&2; exit 3; }
cat "$out"
echo "ab-calibrate: written to $out" >&2
