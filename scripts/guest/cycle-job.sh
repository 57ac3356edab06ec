#!/bin/sh
# The guest side of `lubench cycle`: one stage of a chain of live updates,
# run as /job.sh by scripts/guest/guest-init.sh in every kernel of the chain.
# scripts/host/cycle.sh writes the plan and starts the guest.
#
# usage: (in the guest, as /job.sh; LUBENCH_STAGE set by /init)
#
# Files (all present at boot, so what a stage writes to them carries over
# to the next kernel):
#   /lubench/cycle.plan     one cycle per line (results/GUEST-PROTOCOL.md),
#                           read through `lubench-dev cycle-step`
#   /lubench/cycle.conf     KEXEC_CHECKS=0|1, TOPOLOGY=flat|switches
#   /lubench/state/preserved.list  the set the last freeze handed over
#   /lubench/state/missing.list    the devices of it the next kernel lacks
#                           (a soak with hot-plug: soak-stress --keep-plugged)
#   /lubench/state/failures        one line per cycle that failed its check
#
# Stage S restores cycle S-1 (when S > 1), then freezes cycle S and kexecs
# (when there is one), else reports and ends the run. Results are JSON
# lines on ttyS1; LUBENCH-FREEZE / LUBENCH-RETRIEVED / LUBENCH-REFUSED
# markers on the console are stamped by the host.
# Exit status (of the last stage): 0 every cycle verified, 1 otherwise.
set -eu
set -f

dir=/lubench
plan=$dir/cycle.plan
list=$dir/state/preserved.list
missing=$dir/state/missing.list
failures=$dir/state/failures
res=/dev/ttyS1
[ -c "$res" ] || res=/dev/console
stage=${LUBENCH_STAGE:-1}
PATH=$dir:$PATH

KEXEC_CHECKS=0
TOPOLOGY=flat
# A soak (scripts/host/soak.sh): a stress scenario instead of
# cycle-preserve before every freeze, the kernel log checked after every
# restore and every freeze, and a deadline on the guest's TSC.
SOAK=0
SOAK_THREADS=4
SOAK_OPS=2000
SOAK_HOTPLUG=0
SOAK_FAIL_ALLOC=0
SOAK_SEED=1
SOAK_LIMIT_MS=0
# shellcheck source=/dev/null
. "$dir/cycle.conf"

# Jump $1 of the plan as plan_variant, plan_fault, plan_devices,
# plan_preserve (and plan_cycles): lubench-dev checks the plan and prints
# only names and numbers, so the assignments are safe to evaluate.
plan_step() {
	step=$(lubench-dev cycle-step --plan "$plan" ${1:+--cycle "$1"}) || {
		echo "cycle-job: stage $stage: the plan is refused"
		exit 2
	}
	eval "$step"
}

plan_step ""
nr=$plan_cycles

fail() {
	echo "cycle-job: stage $stage: $*"
	echo "stage $stage: $*" >>"$failures"
}

# The end of the run: exit 1 when any cycle failed.
summary() {
	if [ -s "$failures" ]; then
		echo "cycle-job: $(grep -c . "$failures") failures in $nr cycles:"
		cat "$failures"
		exit 1
	fi
	echo "cycle-job: all $nr cycles verified"
	exit 0
}

loaded_n=""

load() {
	# $1 devices, then module parameters
	n=$1
	shift
	if ! insmod "$dir/lubench.ko" nr_devices="$n" topology="$TOPOLOGY" "$@" \
		2>/tmp/insmod.err; then
		echo "cycle-job: insmod lubench.ko nr_devices=$n topology=$TOPOLOGY $*: $(cat /tmp/insmod.err)"
		dmesg | tail -n 20
		return 1
	fi
	loaded_n=$n
}

if [ "$stage" = 1 ]; then
	# The commit lubench-dev and lubench.ko were built from, on the console.
	echo "cycle-job: $(lubench-dev --version)"
	lubench-dev cycle-plan --plan "$plan" --kexec-checks "$KEXEC_CHECKS" >"$res"
fi

# --- restore the cycle the previous kernel froze ----------------------------

if [ "$stage" -gt 1 ]; then
	prev=$((stage - 1))
	plan_step "$prev"
	pv=$plan_variant pf=$plan_fault pn=$plan_devices
	expect=ok
	[ "$pf" = none ] || expect=refused
	# A soak with hot-plug kept one hot-plugged device preserved across
	# the jump (soak-stress --keep-plugged): this kernel must not have it.
	gone=""
	[ ! -s "$missing" ] || gone="--missing $missing"
	# This kernel speaks the layout the plan froze: a blob of any other
	# layout must be refused (the `variant` fault).
	if [ "$pv" = none ]; then
		load "$pn" restore=1
	else
		load "$pn" restore=1 variant="$pv"
	fi
	# shellcheck disable=SC2086 # $gone is empty or two words
	lubench-dev cycle-restore --cycle "$prev" --list "$list" \
		--expect "$expect" $gone >"$res" ||
		fail "cycle $prev ($pv, fault $pf) failed verification"
	if [ "$SOAK" = 1 ]; then
		lubench-dev dmesg-check --where after-restore --cycle "$prev" \
			--stage "$stage" >"$res" ||
			fail "cycle $prev: the new kernel's log is not clean"
	fi
fi

# --- freeze the next cycle and jump --------------------------------------------

if [ "$stage" -le "$nr" ]; then
	plan_step "$stage"
	v=$plan_variant f=$plan_fault n=$plan_devices m=$plan_preserve
	if [ -n "$loaded_n" ] && [ "$loaded_n" != "$n" ]; then
		rmmod lubench
		loaded_n=""
	fi
	[ -n "$loaded_n" ] || load "$n"
fi

# The soak's clock, in every kernel (the last one's is its length).
crc=0
[ "$SOAK" = 0 ] || lubench-dev soak-clock --start "$dir/state/soak.start" \
	--limit-ms "$SOAK_LIMIT_MS" --stage "$stage" >"$res" || crc=$?
case "$crc" in
0) ;;
3) if [ "$stage" -le "$nr" ]; then
	nr=$((stage - 1))
	echo "cycle-job: stage $stage: the soak's time is up after $nr jumps"
   fi ;;
*) [ "$stage" -le "$nr" ] && nr=$((stage - 1))
   fail "the soak's clock failed" ;;
esac

if [ "$stage" -le "$nr" ]; then
	: >"$missing"
	if [ "$v" = none ]; then
		: >"$list"
	elif [ "$SOAK" = 1 ]; then
		keep=""
		[ "$SOAK_HOTPLUG" = 0 ] || keep="--keep-plugged $missing"
		# shellcheck disable=SC2086 # $keep is empty or two words
		lubench-dev soak-stress --variant "$v" --threads "$SOAK_THREADS" \
			--ops "$SOAK_OPS" --hotplug "$SOAK_HOTPLUG" \
			$keep \
			--fail-alloc "$SOAK_FAIL_ALLOC" --seed "$((SOAK_SEED + stage))" \
			--cycle "$stage" --list "$list" >"$res" || {
			# No jump with a table the models do not know.
			fail "cycle $stage ($v): the stress scenario lost"
			nr=$((stage - 1))
			summary
		}
	else
		lubench-dev cycle-preserve --variant "$v" --n "$m" \
			--seed "$stage" --list "$list" >"$res"
	fi
	# Loaded before the freeze: the blackout starts at the freeze.
	checks=--no-checks
	[ "$KEXEC_CHECKS" = 1 ] && checks=""
	# $checks is empty or one word.
	# shellcheck disable=SC2086
	/init kexec-load $checks "lubench.stage=$((stage + 1))"
	if [ "$v" = none ]; then
		lubench-dev cycle-freeze --none --cycle "$stage" >"$res"
	else
		lubench-dev cycle-freeze --cycle "$stage" --fault "$f" \
			--list "$list" >"$res"
	fi
	if [ "$SOAK" = 1 ]; then
		lubench-dev dmesg-check --where after-freeze --cycle "$stage" \
			--stage "$stage" >"$res" ||
			fail "cycle $stage: the old kernel's log is not clean"
	fi
	/init kexec-exec
	echo "cycle-job: kexec -e returned"
	exit 1
fi

summary
