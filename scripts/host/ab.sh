#!/bin/sh
# lubench ab: did revision B get slower than revision A?  Builds both in
# work trees of their own and measures them in one run: instruction
# counts of both (exact: they give the verdict), wall-clock samples
# interleaved A B A B ... so the machine's drift hits both alike (they
# inform, unless the workload's [ab] gate includes wall), and guest
# cycles under QEMU icount when the workload has a [cycle] section.
# Prints the changed points only, then a verdict.  The comparing is
# lubench-compare's; this script only builds, runs and collects.
#
# usage: scripts/host/ab.sh REV_A REV_B [WORKLOAD]
#   WORKLOAD  a workload file with [ab], [count], [bench], [cycle]
#             sections (default workloads/ab.conf; see README.md)
# Environment: LUBENCH_BUILD (this tree's build, for its tools),
# LUBENCH_AB_REPO (where the revisions are, default this tree),
# LUBENCH_AB_DIR (work trees and runs, default $LUBENCH_BUILD/ab).
# Exit: 0 nothing regressed, 1 a regression, 2 bad input (refused before
# anything is built), 3 a build or a measurement failed.
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${LUBENCH_BUILD:-$TOP/build}
REPO=${LUBENCH_AB_REPO:-$TOP}
ABDIR=${LUBENCH_AB_DIR:-$BUILD/ab}
# The revisions' builds take this build's kernel files (the XArray, the
# kselftest harness) instead of extracting their own, when it has them
# (kmod/pci_ser/compat/linux_source.cmake; older revisions ignore it).
if [ -z "${LINUX_SOURCE_EXTRACTED:-}" ] &&
   [ -f "$BUILD/linux-source/lib/xarray.c" ]; then
	LINUX_SOURCE_EXTRACTED=$BUILD/linux-source
	export LINUX_SOURCE_EXTRACTED
fi
WL="$BUILD/bench/lubench-workload"
CMP="$BUILD/bench/lubench-compare"
COUNT="$BUILD/bench/lubench-count"

usage() {
	echo "usage: ./lubench ab REV_A REV_B [WORKLOAD]" >&2
	exit 2
}

bad() {
	echo "ab: $*" >&2
	exit 2
}

failed() {
	echo "ab: $*" >&2
	exit 3
}

[ $# -ge 2 ] && [ $# -le 3 ] || usage
for tool in "$CMP" "$COUNT" "$WL"; do
	[ -x "$tool" ] || failed "$tool missing: build this tree first (./lubench build)"
done

# ---- everything is checked before anything is built ----

# A revision as a full commit id, or refused.
resolve() {
	sha=$(git -C "$REPO" rev-parse --verify --quiet "$1^{commit}" 2>/dev/null) ||
		bad "unknown revision '$1' in $REPO"
	# The oldest tree ab can measure has lubench count.
	git -C "$REPO" cat-file -e "$sha:bench/count/count_worker.c" 2>/dev/null ||
		bad "revision '$1' ($sha) has no lubench count (bench/count/): too old for ab"
	echo "$sha"
}

A=$(resolve "$1")
B=$(resolve "$2")
workload=${3:-$TOP/workloads/ab.conf}
if [ ! -f "$workload" ] && [ -f "$TOP/workloads/$workload.conf" ]; then
	workload="$TOP/workloads/$workload.conf"
fi
[ -f "$workload" ] && [ -r "$workload" ] || bad "$workload: cannot read the workload"

# Every line of the file, against the sections ab reads and each one's
# option table (lubench-workload names the line).
"$WL" check "$workload" ab count bench cycle || exit 2

# opts SECTION: the section's options, one word a line (none if absent).
opts() {
	"$WL" opts "$workload" "$1" || true
}

# [ab]: how the wall-clock samples are taken and what gates.
rounds=5 reps=3 gate=counts min_effect=30 count_floor=0.5
set -- $(opts ab)
while [ $# -ge 2 ]; do
	case "$1" in
	--rounds) rounds=$2 ;;
	--reps) reps=$2 ;;
	--gate) gate=$2 ;;
	--min-effect) min_effect=$2 ;;
	--count-floor) count_floor=$2 ;;
	*) bad "$workload: [ab] has no option ${1#--} (rounds, reps, gate, min-effect, count-floor)" ;;
	esac
	shift 2
done
# (Their values were checked with the file: workload_ab.c.)

# [count]: lubench count's own options (checked above, line by line).
count_opts=$(opts count | tr '\n' ' ')

# [bench]: what to time; ab sets the samples, the visits and the output.
bench_opts=$(opts bench | tr '\n' ' ')
set -- $bench_opts
while [ $# -ge 2 ]; do
	case "$1" in
	--variant|--n|--op|--seed|--share|--sample-us|--cpu) ;;
	*) bad "$workload: [bench] ${1#--}: ab sets it or lubench bench has no such option (variant, n, op, seed, share, sample-us, cpu)" ;;
	esac
	shift 2
done

# [cycle]: only under icount, where a guest's phases repeat.
cycle_opts=$(opts cycle | tr '\n' ' ')
if [ -n "$cycle_opts" ]; then
	case " $cycle_opts " in
	*" --clock icount "*) ;;
	*) bad "$workload: [cycle] needs clock = icount: wall-clock jumps vary by seconds" ;;
	esac
fi
[ -n "$count_opts$bench_opts$cycle_opts" ] ||
	bad "$workload: nothing to measure ([count], [bench] or [cycle])"

# ---- the two trees ----

mkdir -p "$ABDIR"
git -C "$REPO" worktree prune

# tree SHA TARGETS...: a work tree at SHA with its own build; its path.
tree() {
	sha=$1
	shift
	dir="$ABDIR/$(printf '%.12s' "$sha")"
	if [ "$(git -C "$dir/src" rev-parse HEAD 2>/dev/null)" != "$sha" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		git -C "$REPO" worktree add --detach --quiet "$dir/src" "$sha" \
			>"$dir/build.log" 2>&1 ||
			failed "git worktree add $sha failed; see $dir/build.log"
	fi
	if ! { cmake -S "$dir/src" -B "$dir/build" &&
	       timeout 3600 cmake --build "$dir/build" -j "$(nproc)" \
			${1:+--target} "$@"; } >"$dir/build.log" 2>&1; then
		tail -n 20 "$dir/build.log" >&2
		failed "building $sha failed; full log in $dir/build.log"
	fi
	echo "$dir"
}

subject() {
	git -C "$REPO" log -1 --format='%h %s' "$1" | cut -c1-64
}

targets="lubench-count lubench-count-worker lubench-bench"
[ -n "$cycle_opts" ] && targets=""	# a cycle needs the whole tree
echo "ab: A = $(subject "$A")" >&2
echo "ab: B = $(subject "$B")" >&2
echo "ab: building both (work trees in $ABDIR)" >&2
# shellcheck disable=SC2086
TA=$(tree "$A" $targets)
# shellcheck disable=SC2086
TB=$(tree "$B" $targets)

run="$ABDIR/runs/$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$run"

# ---- counts: exact, so both at once ----

if [ -n "$count_opts" ]; then
	echo "ab: counting instructions of A and B" >&2
	# shellcheck disable=SC2086
	timeout 7200 "$TA/build/bench/lubench-count" $count_opts \
		--out "$run/a-count" >"$run/a-count.txt" 2>&1 &
	pa=$!
	# shellcheck disable=SC2086
	timeout 7200 "$TB/build/bench/lubench-count" $count_opts \
		--out "$run/b-count" >"$run/b-count.txt" 2>&1 &
	pb=$!
	ra=0 rb=0
	wait "$pa" || ra=$?
	wait "$pb" || rb=$?
	[ "$ra" = 0 ] || { tail -n 5 "$run/a-count.txt" >&2; failed "counting A failed"; }
	[ "$rb" = 0 ] || { tail -n 5 "$run/b-count.txt" >&2; failed "counting B failed"; }
fi

# ---- wall clock: A B A B ..., pooled per side ----

if [ -n "$bench_opts" ]; then
	echo "ab: timing A and B interleaved, $rounds rounds of $reps samples" >&2
	mkdir -p "$run/a-wall" "$run/b-wall"
	r=1
	while [ "$r" -le "$rounds" ]; do
		for side in a b; do
			t=$TA
			[ "$side" = b ] && t=$TB
			# shellcheck disable=SC2086
			timeout 3600 "$t/build/bench/lubench-bench" $bench_opts \
				--reps "$reps" --visits 1 --out "$run/$side-bench-$r" \
				>/dev/null 2>"$run/$side-bench-$r.err" ||
				{ tail -n 5 "$run/$side-bench-$r.err" >&2;
				  failed "timing $side, round $r failed"; }
			cat "$run/$side-bench-$r/results.jsonl" >>"$run/$side-wall/results.jsonl"
		done
		r=$((r + 1))
	done
	cp "$run/a-bench-1/meta.json" "$run/a-wall/meta.json"
	cp "$run/b-bench-1/meta.json" "$run/b-wall/meta.json"
fi

# ---- guest cycles under icount (the whole tree of each side) ----

if [ -n "$cycle_opts" ]; then
	for side in a b; do
		t=$TA
		[ "$side" = b ] && t=$TB
		echo "ab: guest cycles of $side under icount" >&2
		# shellcheck disable=SC2086
		LUBENCH_BUILD="$t/build" timeout 7200 flock /tmp/lubench-qemu.lock \
			"$t/src/lubench" cycle $cycle_opts --out "$run/$side-cycle" \
			>"$run/$side-cycle.txt" 2>&1 ||
			{ tail -n 5 "$run/$side-cycle.txt" >&2; failed "cycles of $side failed"; }
	done
fi

# ---- the verdict: lubench-compare on each pair ----

regressed=""
# compare_pair WHAT GATES OPTIONS...: print the changed points of one pair.
compare_pair() {
	what=$1 gates=$2
	shift 2
	rc=0
	"$CMP" --changed "$@" "$run/a-$what" "$run/b-$what" >"$run/$what.cmp" 2>&1 || rc=$?
	sed 's/^/  /' "$run/$what.cmp"
	if [ "$rc" = 1 ] && [ "$gates" = yes ]; then
		regressed="$regressed $what"
	elif [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		failed "comparing the $what runs failed (see above)"
	fi
}

echo "lubench ab: A $(subject "$A")"
echo "            B $(subject "$B")"
if [ -n "$count_opts" ]; then
	echo
	echo "instructions (exact; a change over $count_floor% is marked):"
	compare_pair count yes --count-floor "$count_floor"
fi
if [ -n "$bench_opts" ]; then
	g=no
	case "$gate" in *wall*) g=yes ;; esac
	echo
	echo "wall clock ($rounds x $reps samples a side, interleaved; $([ "$g" = yes ] && echo gates || echo informs)):"
	compare_pair wall "$g" --pool --min-effect "$min_effect"
fi
if [ -n "$cycle_opts" ]; then
	echo
	echo "guest cycles under icount:"
	compare_pair cycle yes
fi
echo
echo "results: $run"
if [ -n "$regressed" ]; then
	echo "verdict: REGRESSION in B ($(echo $regressed | tr ' ' ','))"
	exit 1
fi
echo "verdict: no regression"
exit 0
