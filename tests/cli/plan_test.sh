#!/bin/sh
# lubench-plan on fixture runs with known exact fits
# (tests/data/plan-quad: every phase a known constant, line or quadratic
# in N at five N, three layouts): the chosen models and coefficients,
# N_max for a budget worked out by hand, the inverse (--devices), the
# 4x reach without --extrapolate, a seeded bootstrap that repeats, the
# plot's files; and bad input (no runs, one N, mixed clocks or shifts,
# bad numbers, mixed shares, unknown layouts, bad options) refused with
# exit 2, the reason, and nothing written.  Never timing.
#
# usage: tests/cli/plan_test.sh LUBENCH_PLAN
set -eu

[ $# -eq 1 ] || { echo "usage: $0 LUBENCH_PLAN" >&2; exit 2; }
plan=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
fix=$top/tests/data/plan-quad
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# The fixture's truth (tests/data/plan-quad/README):
#   exit 100, jump 80, boot 1200, map 0.5, user 10 + 0.01 N,
#   enum (lookups excluded) 200 + 0.25 N;
#   linear: retrv 0.001 N, lookup 1e-6 N^2 (M = N/2)
#   cursor: retrv 0.0005 N, lookup 0.00002 N
#   none:   retrv 0, lookup 0
# so blackout = 1590.5 + 0.261 N + 1e-6 N^2 (linear), 1590.5 + 0.26052 N
# (cursor), 1590.5 + 0.26 N (none).  Budget 4000 ms:
#   linear: 1e-6 N^2 + 0.261 N = 2409.5 -> N = 8926.7, N_max 8926
#   cursor: 2409.5 / 0.26052 = 9248.8 -> 9248; none: 9267.3 -> 9267
run "$plan" --budget-ms 4000 "$fix"
check "exact fixture: exit 0" '[ "$rc" = 0 ]'
check "linear: N_max 8926, interval of an exact fit [8926, 8926]" \
	'grep -Eq "^linear +8926 +\[8926, 8926\]" "$tmp/out"'
check "cursor: N_max 9248" 'grep -Eq "^cursor +9248 +\[9248, 9248\]" "$tmp/out"'
check "none: N_max 9267" 'grep -Eq "^none +9267 +\[9267, 9267\]" "$tmp/out"'
check "linear: the blackout's polynomial given back" \
	'grep -qxF "linear: blackout = 1590.5 + 0.261 N + 1e-06 N^2 ms" "$tmp/out"'
check "cursor: no quadratic term where there is none" \
	'grep -qxF "cursor: blackout = 1590.5 + 0.26052 N + 0 N^2 ms" "$tmp/out"'
# The phases' lines of linear's fit table: model, a, b us, c ns.
sed -n '/^linear: blackout/,/^$/p' "$tmp/out" >"$tmp/linear"
check "linear: lookup is quadratic, c = 1 ns per device^2, no a or b" \
	'grep -Eq "^  lookup +quad +0 +0 +1 " "$tmp/linear"'
check "linear: enum is linear, 200 ms + 250 us per device" \
	'grep -Eq "^  enum +linear +200 +250 +- " "$tmp/linear"'
check "linear: retrv is linear, 1 us per device" \
	'grep -Eq "^  retrv +linear +0 +1 +- " "$tmp/linear"'
check "linear: boot is constant, 1200 ms" \
	'grep -Eq "^  boot +const +1200 +- +- " "$tmp/linear"'
check "linear: every residual printed, and zero" \
	'[ "$(grep -c "^  [a-z]* *+0.000  +0.000  +0.000  +0.000  +0.000$" "$tmp/linear")" = 8 ]'
check "the clock is stated" \
	'grep -qF "clock: icount (QEMU -icount shift=0), ms of guest virtual time," "$tmp/out"'
check "the limit at N_max: enum grows fastest, 250 us per device" \
	'grep -Eq "^linear .* enum 250 " "$tmp/out"'

# The inverse: 1590.5 + 0.261 * 5000 + 1e-6 * 5000^2 = 2920.5.
run "$plan" --budget-ms 4000 --devices 5000 --variant linear "$fix"
check "--devices 5000: linear's predicted blackout 2920.5 ms, within" \
	'grep -Eq "^linear +2920.5 +\[ *2920.5, +2920.5\] +yes$" "$tmp/out"'
check "--variant linear: only linear" '! grep -q "^cursor " "$tmp/out"'

# The reach: N_max past 4 x 4096 is not predicted without --extrapolate.
run "$plan" --budget-ms 100000 "$fix"
check "budget 100000: N_max shown as beyond 4x the largest N" \
	'grep -Eq "^linear +>16384 " "$tmp/out"'
check "budget 100000: and it says so" \
	'grep -qF "'"'"'>'"'"': beyond 4x the largest N measured, where this plan does not" "$tmp/out"'
# 1e-6 N^2 + 0.261 N = 98409.5 -> N = 209264.6
run "$plan" --budget-ms 100000 --extrapolate "$fix"
check "--extrapolate: the fit's value, 209264" \
	'grep -Eq "^linear +209264 " "$tmp/out"'

# A noisy copy: the 4 ms tick on some jumps' boot.  The bootstrap then
# spreads, the same seed gives the same plan, and boot stays constant.
mkdir -p "$tmp/noisy"
cp "$fix/meta.json" "$tmp/noisy/"
sed -e '2s/"boot_ms":1200,/"boot_ms":1204,/' \
	-e '9s/"boot_ms":1200,/"boot_ms":1204,/' \
	-e '13s/"boot_ms":1200,/"boot_ms":1196,/' \
	"$fix/results.jsonl" >"$tmp/noisy/results.jsonl"
run "$plan" --budget-ms 4000 --variant linear --seed 7 "$tmp/noisy"
cp "$tmp/out" "$tmp/noisy1"
run "$plan" --budget-ms 4000 --variant linear --seed 7 "$tmp/noisy"
check "noisy: the same seed gives the same plan" 'cmp -s "$tmp/out" "$tmp/noisy1"'
lo=$(sed -n 's/^linear *[0-9]* *\[\([0-9]*\), .*/\1/p' "$tmp/out")
hi=$(sed -n 's/^linear *[0-9]* *\[[0-9]*, \([0-9]*\)\].*/\1/p' "$tmp/out")
mid=$(sed -n 's/^linear *\([0-9]*\) .*/\1/p' "$tmp/out")
check "noisy: lo <= N_max <= hi and the interval is not a point" \
	'[ -n "$lo" ] && [ "$lo" -le "$mid" ] && [ "$mid" -le "$hi" ] && [ "$lo" -lt "$hi" ]'
check "noisy: boot stays constant (the tick is not a trend)" \
	'sed -n "/^linear: blackout/,/residuals/p" "$tmp/out" | grep -Eq "^  boot +const "'

# --out: the plot's data and script, the texts; nothing else.
run "$plan" --budget-ms 4000 --out "$tmp/plot" "$fix"
check "--out: exit 0" '[ "$rc" = 0 ]'
check "--out: plan.gp, plan.txt, plan-brief.txt, a curve and points per layout" \
	'(for f in plan.gp plan.txt plan-brief.txt plan-linear.dat points-linear.dat \
		plan-cursor.dat plan-none.dat; do [ -s "$tmp/plot/$f" ] || exit 1; done)'
check "--out: plan.txt is what was printed" 'cmp -s "$tmp/out" "$tmp/plot/plan.txt"'
check "--out: the brief plan has no fits" \
	'! grep -q "^fits:" "$tmp/plot/plan-brief.txt" && grep -q "^linear  *8926" "$tmp/plot/plan-brief.txt"'
check "--out: the figure has the budget line" 'grep -q "title \"budget 4000 ms\"" "$tmp/plot/plan.gp"'
check "--out: every text line of the brief plan fits 72 columns" \
	'! grep -q ".\{73\}" "$tmp/plot/plan-brief.txt"'

# --- refused, before anything is written ----------------------------------
# bad NAME SED: a copy of the fixture edited by SED in $tmp/NAME
bad() {
	mkdir -p "$tmp/$1"
	cp "$fix/meta.json" "$tmp/$1/"
	sed "$2" "$fix/results.jsonl" >"$tmp/$1/results.jsonl"
}
refuse() {
	# DESC LINE ARGS...: exit 2, the line on stderr, no --out left
	_d=$1
	_l=$2
	shift 2
	run "$plan" --out "$tmp/nothing" "$@"
	refused "$_d" 2 "$_l"
	absent "$_d" "$tmp/nothing"
}

refuse "no run directory" \
	"lubench-plan: no run directory given: plan reads cycle runs (./lubench run workloads/plan.conf makes one)" \
	--budget-ms 4000
refuse "no budget" "lubench-plan: --budget-ms is required (the blackout budget in ms)" "$fix"
refuse "budget not a number" \
	"lubench-plan: --budget-ms: 'abc' is not a number of ms above 0, at most 10^9" \
	--budget-ms abc "$fix"
refuse "budget 0" \
	"lubench-plan: --budget-ms: '0' is not a number of ms above 0, at most 10^9" \
	--budget-ms 0 "$fix"
refuse "budget nan" \
	"lubench-plan: --budget-ms: 'nan' is not a number of ms above 0, at most 10^9" \
	--budget-ms nan "$fix"
refuse "not a directory" "lubench-plan: /nonexistent: not a directory" \
	--budget-ms 4000 /nonexistent
mkdir -p "$tmp/one"
cp "$fix/meta.json" "$tmp/one/"
grep '"devices":1024,' "$fix/results.jsonl" >"$tmp/one/results.jsonl"
refuse "one N only" \
	"lubench-plan: none was measured at one N only (N = 1024, jumps: 1): a fit against N needs at least two (run workloads/plan.conf)" \
	--budget-ms 4000 "$tmp/one"
bad mixed '3s/"clock":"icount"/"clock":"real"/'
refuse "mixed clocks" \
	"lubench-plan: $tmp/mixed/results.jsonl:3: clock real, but $tmp/mixed/results.jsonl:1 is icount (shift 0): one plan never mixes clocks (plan each clock's runs on their own)" \
	--budget-ms 4000 "$tmp/mixed"
bad shift '3s/"icount_shift":0/"icount_shift":3/'
refuse "two icount shifts" \
	"lubench-plan: $tmp/shift/results.jsonl:3: clock icount (shift 3), but $tmp/shift/results.jsonl:1 is icount (shift 0): one plan never mixes clocks (plan each clock's runs on their own)" \
	--budget-ms 4000 "$tmp/shift"
# Two runs of two clocks given together are refused alike.
bad realrun 's/"clock":"icount"/"clock":"real"/'
refuse "two runs of two clocks" \
	"lubench-plan: $tmp/realrun/results.jsonl:1: clock real, but $fix/results.jsonl:1 is icount (shift 0): one plan never mixes clocks (plan each clock's runs on their own)" \
	--budget-ms 4000 "$fix" "$tmp/realrun"
bad neg '4s/"boot_ms":1200/"boot_ms":-5/'
refuse "a negative time" \
	"lubench-plan: $tmp/neg/results.jsonl:4: \"boot_ms\": -5 is out of range for a time in ms, 0 to 10^9" \
	--budget-ms 4000 "$tmp/neg"
bad str '4s/"boot_ms":1200/"boot_ms":"1200"/'
refuse "a time as a string" \
	"lubench-plan: $tmp/str/results.jsonl:4: \"boot_ms\": \"1200\" is not a time in ms, 0 to 10^9" \
	--budget-ms 4000 "$tmp/str"
bad nan '4s/"boot_ms":1200/"boot_ms":NaN/'
run "$plan" --out "$tmp/nothing" --budget-ms 4000 "$tmp/nan"
check "NaN in a row: exit 2" '[ "$rc" = 2 ]'
check "NaN in a row: names the line" 'grep -q "^lubench-plan: $tmp/nan/results.jsonl:4: " "$tmp/err"'
absent "NaN in a row" "$tmp/nothing"
bad share '2s/"preserved":128/"preserved":100/'
refuse "two shares preserved in one layout" \
	"lubench-plan: $tmp/share/results.jsonl:5: linear preserves 256 of 512, but linear of 39.0625% before: a plan fits N at one share preserved (--preserve unset: N/2)" \
	--budget-ms 4000 "$tmp/share"
refuse "an unknown layout" \
	"lubench-plan: --variant: no measured jump of nosuch in the runs given" \
	--budget-ms 4000 --variant linear,nosuch "$fix"
refuse "--devices past 4x without --extrapolate" \
	"lubench-plan: --devices 20000 is more than 4x the largest N measured for none (4096): refused without --extrapolate" \
	--budget-ms 4000 --devices 20000 "$fix"
refuse "--devices 0" "lubench-plan: --devices: 0 is out of range (1..2147483648)" \
	--budget-ms 4000 --devices 0 "$fix"
mkdir -p "$tmp/empty"
cp "$fix/meta.json" "$tmp/empty/"
: >"$tmp/empty/results.jsonl"
refuse "no jumps" \
	"lubench-plan: no measured jump with a blackout in the runs given (faults, warm-ups and refused jumps are not fitted)" \
	--budget-ms 4000 "$tmp/empty"
mkdir -p "$tmp/nometa"
cp "$fix/results.jsonl" "$tmp/nometa/"
run "$plan" --out "$tmp/nothing" --budget-ms 4000 "$tmp/nometa"
check "no meta.json: exit 2" '[ "$rc" = 2 ]'
absent "no meta.json" "$tmp/nothing"

echo "1..$((pass + fail))"
[ "$fail" = 0 ]
