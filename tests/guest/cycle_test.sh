#!/bin/sh
# Live-update cycles in the QEMU guest as ctest tests (tests/guest/cycle.cmake).
#
# usage: tests/guest/cycle_test.sh survives|refuses_bad_blob|icount_exact|bridges BUILD_DIR
#   survives  two jumps (linear, then xarray, which rebuilds an index) at
#             N=256, M=100: exactly the preserved set is marked incoming
#             after each jump, nothing else, counts and set hashes agree
#   refuses_bad_blob  one jump per injected fault (corrupt byte, unknown
#             compatible, truncated size, another layout's blob, a blob
#             written halfway, the next kernel's first allocation in
#             retrieve failing), then a good one: each refused with
#             its own reason, no device marked, and the kernel goes on
#             to the next cycle
#   icount_exact  --clock icount, none, cursor, then linear twice at
#             N=256: every phase of linear's second jump equals its first
#             within 0.1% plus one tick (4 ms at HZ=250), continuity is
#             checked by the 1 GHz calibration, and lookups rank none <
#             cursor < linear (virtual time is exact: this is no noise);
#             every kexec load (before a freeze) within 1.5 times the
#             first in guest time;
#             then a second guest run, of linear alone (one jump, at the
#             first stage of a fresh boot): `lubench compare` of the two
#             runs marks no phase of linear (a phase moved by more than
#             0.1% plus one tick)
#   bridges   --topology switches, one jump per rules revision that has
#             a layout (`lubench list rules`: v2, v6, kho-blocks) at
#             N=256, M=100: in the new kernel every device, bridges
#             included, is looked up; exactly the table comes back, the
#             endpoints with refcount 1 and each bridge with the number
#             of preserved devices below it, read from sysfs in the old
#             kernel (the guest's verdict); no bridge under v2's rules,
#             some under the refcounted ones (the report's)
# Prints KTAP. Exit: 0 pass, 1 fail, 4 skip ("1..0 # SKIP reason").
set -eu

usage() {
	echo "usage: $0 survives|refuses_bad_blob|icount_exact|bridges BUILD_DIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
mode=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$2"
build=$(cd "$2" && pwd)
# cycle.sh runs this build's lubench.ko and tools (and keeps the guest
# kernel under it), whatever LUBENCH_BUILD the caller had.
LUBENCH_BUILD=$build
export LUBENCH_BUILD
out=$build/cycle-tests/$mode
rm -rf "$out" "$out-repeat"
mkdir -p "$build/cycle-tests"

case "$mode" in
survives)
	set -- --variant linear,xarray
	want_rows=2
	;;
refuses_bad_blob)
	set -- --variant hashed --faults all
	# One jump per fault of the registry, then a good one.
	nfaults=$("$build/bench/lubench-list" faults 2>/dev/null | grep -c .) ||
		nfaults=0
	want_rows=$((nfaults + 1))
	;;
icount_exact)
	set -- --clock icount --variant none,cursor,linear,linear
	want_rows=4
	;;
bridges)
	# One layout of each rules revision that has one (`lubench list
	# rules`: "REVISION LAYOUT..."), the one named after it if any.
	revs=$("$build/bench/lubench-list" rules 2>/dev/null) || revs=""
	pick=""
	v2pick=""
	while read -r rev first rest; do
		[ -n "$first" ] || continue
		case " $first $rest " in
		*" $rev "*) v=$rev ;;
		*) v=$first ;;
		esac
		[ "$rev" = v2 ] && v2pick=$v
		pick="$pick${pick:+,}$v"
	done <<EOF
$revs
EOF
	[ -n "$pick" ] || pick=v2
	set -- --topology switches --variant "$pick"
	want_rows=$(echo "$pick" | tr ',' '\n' | grep -c .)
	;;
*) usage ;;
esac

# The icount run's checks, on the report's JSON lines (the test's own
# reading; the product reads them in C): prints the first failure,
# nothing when all hold.
field() {
	printf '%s\n' "$1" |
		sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}

icount_check() {
	grep '"schema":"lubench-cycle"' "$1" | while IFS= read -r row; do
		printf '%s %s %s' "$(field "$row" variant)" \
			"$(field "$row" clock)" "$(field "$row" tsc_check)" |
			tr ' ' '_'
		for ph in jump_ms boot_ms map_ms retrieve_ms enumerate_ms \
			lookup_ms user_ms blackout_ms; do
			printf ' %s' "$(field "$row" $ph)"
		done
		echo
	done | awk '
	{
		split($1, id, "_")
		k = id[1]
		if (id[2] != "icount") { print k ": clock " id[2]; bad = 1; exit }
		if (id[3] != "ok") { print k ": TSC check " $1; bad = 1; exit }
		for (p = 2; p <= 9; p++) {
			x = $p + 0
			if (!((k, p) in first)) { first[k, p] = x; continue }
			d = x - first[k, p]; if (d < 0) d = -d
			if (d > 0.001 * first[k, p] + 4) {
				printf "%s phase %d: %.3f vs %.3f ms\n", k, p - 1, first[k, p], x
				bad = 1
				exit
			}
			seen[k] = 1
		}
		lk[k] = $7 + 0
	}
	END {
		if (bad)
			exit
		if (!seen["linear"])
			print "linear was not measured twice"
		else if (!(lk["none"] < lk["cursor"] && lk["cursor"] < lk["linear"]))
			printf "lookups do not rank none < cursor < linear: %s %s %s\n", lk["none"], lk["cursor"], lk["linear"]
	}'
}

# The kexec loads of an icount run, in guest time from the console: each
# within 1.5 times the first. The next initrd goes away from the running
# kernel's own (scripts/guest/guest-init.sh); where it went on top of
# it, every load after the first took 2.1 s against 0.56 s.
load_check() {
	run=$(sed -n 's/^cycle: .*; guest run \(.*\) (up to .*/\1/p' "$1" |
		head -n 1)
	if [ -z "$run" ] || [ ! -f "$run/console.log" ]; then
		echo "no guest console named in $1"
		return
	fi
	sed -n 's/.*lubench-kexec: loaded .*, in \([0-9.]*\) s;.*/\1/p' \
		"$run/console.log" | awk '
	NR == 1 { first = $1 }
	!bad && $1 > 1.5 * first + 0.02 {
		printf "kexec load %d took %s s of guest time, the first %s s\n", NR, $1, first
		bad = 1
	}
	END {
		if (!bad && NR < 2)
			print "fewer than two kexec loads on the console"
	}'
}

rc=0
"$top/scripts/host/cycle.sh" "$@" --devices 256 --preserve 100 --no-warmup \
	--no-plot --timeout 900 --out "$out" >"$out.log" 2>&1 || rc=$?
if [ "$rc" = 4 ]; then
	echo "1..0 # SKIP $(sed -n 's/^cycle: SKIP: //p' "$out.log" | tail -n 1)"
	exit 4
fi

echo "TAP version 13"
echo "1..1"
sed 's/^/# /' "$out.log"
fail=""
rows=$(grep -c '"schema":"lubench-cycle"' "$out/results.jsonl" 2>/dev/null || true)
[ "$rc" = 0 ] || fail="lubench cycle exited with $rc"
[ -n "$fail" ] || [ "$rows" = "$want_rows" ] ||
	fail="$rows result rows, $want_rows expected"
if [ -z "$fail" ]; then
	# Every row verified in the guest and by the report.
	bad=$(grep -vc '"verification":"pass"' "$out/results.jsonl" || true)
	[ "$bad" = 0 ] || fail="$bad rows not verified"
fi
if [ -z "$fail" ] && [ "$mode" = survives ]; then
	n=$(grep '"refused":false' "$out/results.jsonl" |
		grep -c '"preserved":100,' || true)
	[ "$n" = 2 ] || fail="$n of 2 jumps handed 100 devices over"
fi
if [ -z "$fail" ] && [ "$mode" = refuses_bad_blob ]; then
	for reason in "checksum mismatch" "unknown compatible" "truncated" \
		"compatible mismatch" "out of memory"; do
		grep -q "\"refused\":true,\"refusal_reason\":\"$reason\"" \
			"$out/results.jsonl" ||
			fail="no handover refused with \"$reason\""
	done
	grep '"fault":"none"' "$out/results.jsonl" | grep -q '"refused":false' ||
		fail="the cycle after the refused ones was not restored"
fi
if [ -z "$fail" ] && [ "$mode" = icount_exact ]; then
	fail=$(icount_check "$out/results.jsonl")
	[ -n "$fail" ] || fail=$(load_check "$out.log")
fi
if [ -z "$fail" ] && [ "$mode" = bridges ]; then
	rows=$(grep '"schema":"lubench-cycle"' "$out/results.jsonl")
	while IFS= read -r row; do
		v=$(field "$row" variant)
		nb=$(field "$row" bridges)
		[ "$(field "$row" topology)" = switches ] ||
			fail="$v: not the switches topology"
		[ "$(field "$row" preserved)" = 100 ] ||
			fail="$v: $(field "$row" preserved) endpoints came back"
		if [ "$v" = "$v2pick" ]; then
			[ "$nb" = 0 ] || fail="$v: $nb bridges under v2's rules"
		else
			[ "$nb" != 0 ] || fail="$v: no bridge came back"
		fi
		echo "# $v: 100 endpoints and $nb bridges back with their refcounts"
	done <<EOF
$rows
EOF
fi
# Another boot, the same figures: compare's icount floor is 0.1% + a tick.
# One layout is enough to show the boots agree, and the first run has
# shown that the jumps of a chain do: linear alone, at the first stage.
if [ -z "$fail" ] && [ "$mode" = icount_exact ]; then
	rc=0
	"$top/scripts/host/cycle.sh" --clock icount --variant linear \
		--devices 256 --preserve 100 --no-warmup --no-plot --timeout 900 \
		--out "$out-repeat" >"$out-repeat.log" 2>&1 || rc=$?
	sed 's/^/# repeat: /' "$out-repeat.log"
	crc=0
	[ "$rc" != 0 ] || "$build/bench/lubench-compare" "$out" "$out-repeat" \
		>"$out-repeat.compare" 2>&1 || crc=$?
	[ "$rc" != 0 ] || sed 's/^/# compare: /' "$out-repeat.compare"
	if [ "$rc" != 0 ]; then
		fail="the second run: lubench cycle exited with $rc"
	elif [ "$crc" != 0 ] ||
		! grep -q '^0 regressions, 0 improvements, [1-9][0-9]* unchanged, [0-9]* points only in the old run$' \
			"$out-repeat.compare" ||
		! grep -q ' blackout_ms linear devices=256$' "$out-repeat.compare"; then
		fail="two runs differ in a phase by more than 0.1% plus a tick (compare exit $crc)"
	fi
fi
if [ -n "$fail" ]; then
	echo "not ok 1 cycle_$mode: $fail"
	exit 1
fi
echo "ok 1 cycle_$mode"
