# Sourced by cycle.sh and soak.sh: the guest run of scripts/guest/cycle-job.sh
# that both make (a chain of kexec jumps following $rundir/cycle.plan).
# Uses the caller's skip() and die() and its variables top, build, rundir,
# plan, timeout_s, smp, clock, jumps, verbose, out, stamp.

# The files a chain carries from one kernel to the next, empty at the start.
cycle_guest_state() {
	mkdir -p "$rundir/state"
	: >"$rundir/state/preserved.list"
	: >"$rundir/state/missing.list"
	: >"$rundir/state/failures"
}

# The module the guest loads (stripped: insmod is in the blackout), or a
# skip when this build could not make one.  Sets ko.
cycle_guest_module() {
	command -v qemu-system-x86_64 >/dev/null 2>&1 ||
		skip "qemu-system-x86_64 is not installed (scripts/host/setup.sh)"
	ko=$build/kmod/lubench.stripped.ko
	if [ ! -f "$ko" ] && [ -f "$build/kmod/unavailable" ]; then
		skip "$(cat "$build/kmod/unavailable")"
	fi
}

# cycle_guest_files KIND FILE...: after cycle_guest_module, die unless
# the module, lubench-dev, lubench-version and every FILE are built; make
# the result directory ($out, default results/KIND-$stamp, made
# absolute) and set commit, the one the build was compiled from.
cycle_guest_files() {
	cg_kind=$1
	shift
	for cg_f in "$ko" "$build/bench/lubench-dev" \
		"$build/bench/lubench-version" "$@"; do
		[ -f "$cg_f" ] || die "no $cg_f: build first (./lubench build)"
	done
	[ -n "$out" ] || out=$top/results/$cg_kind-$stamp
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
	commit=$("$build/bench/lubench-version") || die "lubench-version failed"
}

# cycle_guest_run JOB_TIMEOUT DEVICES: boot, run the chain, and stop with
# skip() when QEMU cannot run, die() when the guest wrote no results.
# Sets grc (guest-run.sh's status) and reason (the status file's).
cycle_guest_run() {
	grc=0
	"$top/scripts/host/guest-run.sh" $verbose --timeout "$timeout_s" \
		--job-timeout "$1" --devices "$2" --smp "$smp" --clock "$clock" \
		--progress "$jumps" --run-dir "$rundir" \
		--add "$ko:/lubench/lubench.ko" \
		--add "$build/bench/lubench-dev:/lubench/lubench-dev" \
		--add "$plan:/lubench/cycle.plan" \
		--add "$rundir/cycle.conf:/lubench/cycle.conf" \
		--add "$rundir/state:/lubench/state" \
		"$top/scripts/guest/cycle-job.sh" || grc=$?
	# The status file, read in C; none when guest-run.sh stopped before
	# its verdict.
	reason=""
	if [ -f "$rundir/status" ]; then
		reason=$("$build/bench/lubench-guest-verdict" --status \
			"$rundir/status" reason) ||
			die "the guest run's status file is refused (above)"
	fi
	if [ "$grc" = 125 ] && [ ! -s "$rundir/console.log" ]; then
		skip "QEMU cannot run: ${reason:-see above}"
	fi
	[ -s "$rundir/results.txt" ] ||
		die "the guest wrote no results (${reason:-status $grc}); console: $rundir/console.log"
}
