#!/bin/sh
# A benchmark of lubench ab's interleaved wall-clock comparison (not a
# test: it takes minutes and its figures depend on the machine): how many
# points it marks between a revision and itself (false alarms, over
# several A/A pairs), and the smallest slowdown it catches, injected as
# N extra instructions in one layout's find (LUBENCH_CALIBRATE) by
# commits made in a temporary clone.  Every pair is compared again at
# several floors, so one run shows what each floor would do.
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

# marked DIR FLOOR: the wall points compare marks at that floor.
marked() {
	"$CMP" --pool --changed --min-effect "$2" "$1/a-wall" "$1/b-wall" |
		grep '  [RI] '
}

{
	echo "lubench ab, wall clock: $(date -u +%Y-%m-%d), $(uname -n), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs"
	echo "workload: 5 rounds x 3 samples a side, interleaved; every layout, find-hit and find-miss at N = 256 and 4096 (24 points)"
	echo "marked (Mann-Whitney p < 0.01 and |change| >= floor) at floors: $floors %"
	echo
	echo "A/A pairs: points marked out of 24"
	i=1
	while [ "$i" -le "$pairs" ]; do
		d=$(ab "$A" "$A")
		line="  pair $i:"
		for f in $floors; do
			line="$line  $f%: $(marked "$d" "$f" | wc -l)"
		done
		echo "$line"
		i=$((i + 1))
	done
	echo
	echo "A against A + N nops in $layout's find: each of $layout's find points, its"
	echo "median change and the floors it is marked at; then other layouts' points marked"
	: >"$tmp/injected"
	for k in $nops; do
		d=$(ab "$A" "nops-$k")
		"$CMP" --pool --min-effect 0 "$d/a-wall" "$d/b-wall" |
			awk -v l="$layout" '$NF ~ /^n=/ && $(NF-1) == l &&
				$(NF-2) ~ /^find-/ { print $(NF-2), substr($NF, 3), $3 }' |
		while read -r op n change; do
			at=""
			for f in $floors; do
				marked "$d" "$f" | grep -q " $op $layout n=$n\$" &&
					at="$at $f"
			done
			echo "$k $op $n $change${at:+ at$at}" >>"$tmp/injected"
			printf '  +%s nops: %-9s n=%-5s %8s  marked at:%s\n' \
				"$k" "$op" "$n" "$change" "${at:- none}"
		done
		line="  +$k nops: other layouts' points marked:"
		for f in $floors; do
			line="$line  $f%: $(marked "$d" "$f" | grep -vc " $layout n=" || true)"
		done
		echo "$line"
	done
	echo
	echo "per floor: the smallest slowdown marked, the largest one not marked"
	for f in $floors; do
		awk -v f="$f" '{
			c = $4; sub(/%$/, "", c); c += 0
			hit = 0
			for (i = 6; i <= NF; i++) if ($i == f) hit = 1
			if (hit && (lo == "" || c < lo)) lo = c
			if (!hit && c > 0 && (hi == "" || c > hi)) hi = c
		} END {
			printf "  %s%%: smallest marked %s, largest not marked %s\n", f,
				lo == "" ? "none" : "+" lo "%", hi == "" ? "none" : "+" hi "%"
		}' "$tmp/injected"
	done
} | tee "$out"
echo "ab-calibrate: written to $out" >&2
