#!/bin/sh
# lubench compare on made-up runs: an unchanged point, a real regression,
# a real improvement, and a small shift under the effect floor; the exit
# status says whether anything regressed.  Bad options and bad rows (an
# unknown schema version, NaN, a zero time, a duplicate point, a device)
# are refused quickly with the reason and exit 2.  Then what compare must
# know about what it compares: counted points are equal or not (a floor,
# no test); wall-clock runs of different machines are refused unless
# --cross-machine, which compares ratios to linear; icount cycles compare
# only with the same shift and guest kernel; schemas never mix.
#
# usage: tests/cli/compare_test.sh LUBENCH_COMPARE
set -eu

[ $# -eq 1 ] || { echo "usage: $0 LUBENCH_COMPARE" >&2; exit 2; }
cmp=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# A run: one row per point, 31 samples around BASE * FACTOR.
mkrun() {
	awk -v seed="$2" -v f_same="$3" -v f_reg="$4" -v f_imp="$5" \
	    -v f_small="$6" 'BEGIN {
		srand(seed)
		split("same reg imp small", name, " ")
		fac["same"] = f_same; fac["reg"] = f_reg
		fac["imp"] = f_imp; fac["small"] = f_small
		for (k = 1; k <= 4; k++) {
			v = name[k]
			printf "{\"schema\":\"lubench-bench\",\"schema_version\":1," \
			       "\"variant\":\"%s\"," \
			       "\"op\":\"find-hit\",\"n\":4096,\"samples_ns\":[", v
			for (i = 0; i < 31; i++)
				printf "%s%.3f", i ? "," : "", \
				       100 * fac[v] * (1 + 0.04 * rand())
			printf "]}\n"
		}
	}' >"$1"
}

# The machine both made-up runs ran on (meta.json next to them).
mkmeta() {
	printf '{\n  "schema": "lubench-bench-meta",\n  "schema_version": 1,\n  "machine": {\n    "hostname": "%s",\n    "boot_id": "%s",\n    "cpu_model": "%s",\n    "kernel": "Linux 6.1",\n    "compiler": "GNU 12.2.0"\n  }\n}\n' \
		"$2" "${4:-1b2ef174-01e0-43a9-aabf-c80ae62f7f68}" "$3" >"$1/meta.json"
}

mkrun "$tmp/old.jsonl" 1 1 1 1 1
mkrun "$tmp/new.jsonl" 2 1 1.5 0.5 1.03
mkmeta "$tmp" vm1 "AMD EPYC"

rc=0
"$cmp" "$tmp/old.jsonl" "$tmp/new.jsonl" >"$tmp/out" 2>&1 || rc=$?
check "a regression exits 1" '[ "$rc" = 1 ]'
check "the regression is marked R" \
	'grep -q "+50.*%  R .* find-hit reg n=4096$" "$tmp/out"'
check "the improvement is marked I" \
	'grep -q "%  I .* find-hit imp n=4096$" "$tmp/out"'
check "same distribution unmarked" \
	'grep "find-hit same n=4096$" "$tmp/out" | grep -qv " [RI] "'
check "3% shift is under the floor" \
	'grep "find-hit small n=4096$" "$tmp/out" | grep -qv " [RI] "'
check "counts" 'grep -qx "1 regressions, 1 improvements, 2 unchanged" "$tmp/out"'

run "$cmp" --min-effect 1 "$tmp/old.jsonl" "$tmp/new.jsonl"
check "a 1% floor: exit 1" '[ "$rc" = 1 ]'
check "a 1% floor flags the 3% shift" \
	'grep "find-hit small n=4096$" "$tmp/out" | grep -q " R "'

run "$cmp" "$tmp/old.jsonl" "$tmp/old.jsonl"
check "a run against itself: exit 0" '[ "$rc" = 0 ]'
check "a run against itself: nothing marked" \
	'grep -qx "0 regressions, 0 improvements, 4 unchanged" "$tmp/out"'

run "$cmp" "$tmp/old.jsonl" "$tmp/missing.jsonl"
refused "unreadable input" 2 "$tmp/missing.jsonl: No such file or directory"
run "$cmp" "$tmp/old.jsonl" /dev/zero
refused "a device" 2 "/dev/zero: not a regular file"

run "$cmp" --alpha 2 "$tmp/old.jsonl" "$tmp/old.jsonl"
refused "--alpha 2" 2 "lubench compare: --alpha: 2 is out of range (0..1, both excluded)"
run "$cmp" --alpha 0 "$tmp/old.jsonl" "$tmp/old.jsonl"
refused "--alpha 0" 2 "lubench compare: --alpha: 0 is out of range (0..1, both excluded)"
run "$cmp" --alpha nan "$tmp/old.jsonl" "$tmp/old.jsonl"
refused "--alpha nan" 2 "lubench compare: --alpha: 'nan' is not a number"
run "$cmp" --min-effect x "$tmp/old.jsonl" "$tmp/old.jsonl"
refused "--min-effect x" 2 "lubench compare: --min-effect: 'x' is not a number"
check "--min-effect x: nothing compared" '[ ! -s "$tmp/out" ]'
run "$cmp" --min-effect -5 "$tmp/old.jsonl" "$tmp/old.jsonl"
refused "--min-effect -5" 2 "lubench compare: --min-effect: -5 is out of range (0..1000)"
run "$cmp" --min-effect '' "$tmp/old.jsonl" "$tmp/old.jsonl"
refused "--min-effect ''" 2 "lubench compare: --min-effect: '' is not a number"

# bad NAME MESSAGE ROW: a run of the good rows and ROW is refused.
bad() {
	{ cat "$tmp/old.jsonl"; printf '%s\n' "$3"; } >"$tmp/bad.jsonl"
	rc=0
	timeout 10 "$cmp" "$tmp/old.jsonl" "$tmp/bad.jsonl" >"$tmp/out" \
		2>"$tmp/err" || rc=$?
	refused "$1" 2 "$tmp/bad.jsonl:5: $2"
}
row='"schema":"lubench-bench","schema_version":1,"variant":"x","op":"find-hit","n":16'
bad "a NaN sample (used to hang)" "an array holds something other than numbers" \
	"{$row,\"samples_ns\":[1,2,NaN]}"
bad "an infinite sample" "\"samples_ns\"[1]: 1e999 is out of range for a finite time in ns" \
	"{$row,\"samples_ns\":[1,1e999]}"
bad "a zero time (an old median of 0)" \
	"\"samples_ns\"[0]: 0 is out of range for a time per op (0 is no measurement)" \
	"{$row,\"samples_ns\":[0,0,0]}"
bad "a negative time" "\"samples_ns\"[1]: -1 is out of range for a finite time in ns" \
	"{$row,\"samples_ns\":[1,-1]}"
bad "no samples" "\"samples_ns\" is missing, expected an array of times in ns" \
	"{$row}"
bad "a duplicate point" "duplicate point \"find-hit reg n=4096\" (first at line 2)" \
	"$(sed -n 2p "$tmp/old.jsonl")"
bad "an unknown schema version" \
	"lubench-bench schema_version 2 is not one this reader knows (1..1)" \
	'{"schema":"lubench-bench","schema_version":2,"variant":"x","op":"find-hit","n":16,"samples_ns":[1]}'
bad "another schema in the run" \
	"schema \"lubench-cycle\" in a run of lubench-bench rows: one run holds one schema" \
	'{"schema":"lubench-cycle","schema_version":1}'
bad "no schema" "no \"schema\" (expected \"lubench-bench\")" \
	'{"variant":"x","op":"find-hit","n":16,"samples_ns":[1]}'
bad "a line that is no JSON" "not a JSON object" 'variant,op,n'
bad "a truncated \\u escape" "truncated \\u escape" \
	'{"schema":"lubench-bench\u12'

# ---- wall clock: the machine decides whether runs compare ----

# A run with linear, for ratios: find-hit of linear and v2, 31 samples.
mkwall() {
	mkdir -p "$1"
	awk -v lin="$2" -v sor="$3" 'BEGIN {
		srand(7)
		split("linear v2", name, " ")
		base["linear"] = lin; base["v2"] = sor
		for (k = 1; k <= 2; k++) {
			v = name[k]
			printf "{\"schema\":\"lubench-bench\",\"schema_version\":1," \
			       "\"variant\":\"%s\",\"op\":\"find-hit\",\"n\":1024," \
			       "\"samples_ns\":[", v
			for (i = 0; i < 31; i++)
				printf "%s%.3f", i ? "," : "", \
				       base[v] * (1 + 0.02 * rand())
			printf "]}\n"
		}
	}' >"$1/results.jsonl"
}

# Another day, another VM of the same kind: everything 2x slower.
mkwall "$tmp/w1" 1000 50
mkmeta "$tmp/w1" vm1 "AMD EPYC"
mkwall "$tmp/w2" 2000 100
mkmeta "$tmp/w2" vm2 "AMD EPYC"
run "$cmp" "$tmp/w1" "$tmp/w2"
refused "wall clock from another machine" 2 \
	"lubench compare: refused: wall-clock times from different machines do not compare (hostname: \"vm1\" / \"vm2\"). Compare counts (./lubench count), or give --cross-machine to compare only each layout's ratio to linear within its run"
check "another machine: nothing compared" '[ ! -s "$tmp/out" ]'
mkmeta "$tmp/w2" vm1 "Intel Xeon"
run "$cmp" "$tmp/w1" "$tmp/w2"
check "another CPU model: refused, named" \
	'[ "$rc" = 2 ] && grep -q "cpu_model: \"AMD EPYC\" / \"Intel Xeon\"" "$tmp/err"'
run "$cmp" --cross-machine "$tmp/w1" "$tmp/w2"
check "--cross-machine: the ratios are the same: exit 0" '[ "$rc" = 0 ]'
check "--cross-machine: v2's ratio unchanged, linear has none" \
	'grep -qx "0 regressions, 0 improvements, 1 unchanged, 1 without a ratio (linear itself, or no linear)" "$tmp/out"'
mkwall "$tmp/w3" 2000 150
mkmeta "$tmp/w3" vm2 "AMD EPYC"
run "$cmp" --cross-machine "$tmp/w1" "$tmp/w3"
check "--cross-machine: v2 1.5x slower relative to linear: exit 1" \
	'[ "$rc" = 1 ] && grep -q "+50.*%  R .* find-hit v2 n=1024$" "$tmp/out"'
mkmeta "$tmp/w3" vm1 "AMD EPYC" 5e0c9a61-0000-4000-8000-000000000001
run "$cmp" "$tmp/w1" "$tmp/w3"
check "another boot (another VM of one image): refused, named" \
	'[ "$rc" = 2 ] && grep -q "boot_id: " "$tmp/err"'
# An older build's meta.json, without boot_id: the other fields decide.
sed '/boot_id/d' "$tmp/w1/meta.json" >"$tmp/w3/meta.json"
run "$cmp" "$tmp/w1" "$tmp/w3"
check "a run without boot_id: compared on the other fields" '[ "$rc" = 1 ]'
rm "$tmp/w3/meta.json"
run "$cmp" "$tmp/w1" "$tmp/w3"
refused "wall clock without meta.json" 2 \
	"lubench compare: cannot tell which machine ran $tmp/w3: no meta.json with its machine next to the results; give --cross-machine to compare only the ratios between layouts"

# --pool: interleaved rounds of one run, a point in each.
mkdir -p "$tmp/p"
cat "$tmp/w1/results.jsonl" "$tmp/w1/results.jsonl" >"$tmp/p/results.jsonl"
cp "$tmp/w1/meta.json" "$tmp/p/"
run "$cmp" "$tmp/w1" "$tmp/p"
check "a point twice without --pool: refused" \
	'[ "$rc" = 2 ] && grep -q "duplicate point" "$tmp/err"'
run "$cmp" --pool "$tmp/w1" "$tmp/p"
check "--pool: the rounds pooled, unchanged" \
	'[ "$rc" = 0 ] && grep -qx "0 regressions, 0 improvements, 2 unchanged" "$tmp/out"'

# ---- counts: equal or not ----

# mkcount DIR [VARIANT FACTOR] [KEY=VALUE]: three counted points; one
# layout's find-hit scaled by FACTOR; one field replaced in every row.
mkcount() {
	mkdir -p "$1"
	awk -v scale="${2:-}" -v f="${3:-1}" -v set="${4:-}" 'BEGIN {
		split("linear v2 hashed", name, " ")
		base["linear"] = 2980.5; base["v2"] = 194; base["hashed"] = 43.25
		split(set, kv, "=")
		for (k = 1; k <= 3; k++) {
			v = name[k]
			x = base[v] * (v == scale ? f : 1)
			row = sprintf("{\"schema\":\"lubench-count\",\"schema_version\":1," \
			    "\"metric\":\"instructions\",\"variant\":\"%s\",\"op\":\"find-hit\"," \
			    "\"n\":1024,\"population_hash\":\"1e0ae5c03eae6c91\",\"ops\":512," \
			    "\"instructions_per_op\":%.6f,\"valgrind\":\"3.19.0\"," \
			    "\"string_functions\":\"__memcpy_avx_unaligned_erms\"," \
			    "\"compiler\":\"GNU 12.2.0\"}", v, x)
			if (set != "")
				sub("\"" kv[1] "\":(\"[^\"]*\"|[0-9]+)", "\"" kv[1] "\":" kv[2], row)
			print row
		}
	}' >"$1/results.jsonl"
}

mkcount "$tmp/c0"
mkcount "$tmp/c1" v2 1.01
mkcount "$tmp/c2" v2 1.004
mkcount "$tmp/c3" hashed 0.98
run "$cmp" "$tmp/c0" "$tmp/c0"
check "counts, same: exit 0, nothing marked" \
	'[ "$rc" = 0 ] && grep -qx "0 regressions, 0 improvements, 3 unchanged" "$tmp/out"'
run "$cmp" "$tmp/c0" "$tmp/c1"
check "counts, +1% in v2: exit 1" '[ "$rc" = 1 ]'
check "counts, +1% in v2: marked R, nothing else" \
	'grep -q "+1.000%  R  find-hit v2 n=1024$" "$tmp/out" &&
	 grep -qx "1 regressions, 0 improvements, 2 unchanged" "$tmp/out"'
check "counts: no rank test, no MAD column" '! grep -q "Mann-Whitney\|+-" "$tmp/out"'
run "$cmp" "$tmp/c0" "$tmp/c2"
check "counts, +0.4%: under the 0.5% floor" \
	'[ "$rc" = 0 ] && grep -qx "0 regressions, 0 improvements, 3 unchanged" "$tmp/out"'
run "$cmp" --count-floor 0.1 "$tmp/c0" "$tmp/c2"
check "counts, +0.4% over --count-floor 0.1: exit 1" '[ "$rc" = 1 ]'
run "$cmp" --changed "$tmp/c0" "$tmp/c3"
check "counts, -2% in hashed: an improvement, exit 0" \
	'[ "$rc" = 0 ] && grep -q "%  I  find-hit hashed n=1024$" "$tmp/out"'
check "--changed: only the changed point printed" \
	'[ "$(grep -c " n=1024$" "$tmp/out")" = 1 ]'
mkcount "$tmp/c4" "" 1 'valgrind="3.20.0"'
run "$cmp" "$tmp/c0" "$tmp/c4"
refused "counts of another valgrind" 2 \
	"lubench compare: refused: counts compare only with the same valgrind, compiler and glibc string functions (valgrind: \"3.19.0\" / \"3.20.0\"); give --cross-machine to compare only each layout's ratio to linear within its run"
mkcount "$tmp/c5" "" 1 'string_functions="__memmove_sse2_unaligned_erms"'
run "$cmp" "$tmp/c0" "$tmp/c5"
check "counts with other string functions: refused, named" \
	'[ "$rc" = 2 ] && grep -q "string_functions: " "$tmp/err"'
run "$cmp" --cross-machine "$tmp/c0" "$tmp/c5"
check "counts of another build with --cross-machine: ratios, exit 0" \
	'[ "$rc" = 0 ] && grep -qx "0 regressions, 0 improvements, 2 unchanged, 1 without a ratio (linear itself, or no linear)" "$tmp/out"'
mkcount "$tmp/c6" "" 1 'ops=256'
run "$cmp" "$tmp/c0" "$tmp/c6"
refused "counts with another --ops" 2 \
	"lubench compare: refused: \"find-hit linear n=1024\" was counted on other devices or with another number of ops (population 1e0ae5c03eae6c91 / 1e0ae5c03eae6c91, ops 512 / 256)"
{ sed -n 1p "$tmp/c0/results.jsonl"; sed -n 2p "$tmp/c4/results.jsonl"; } \
	>"$tmp/mix.jsonl"
run "$cmp" "$tmp/c0" "$tmp/mix.jsonl"
refused "two valgrinds in one run" 2 \
	"$tmp/mix.jsonl:2: valgrind \"3.20.0\", but \"3.19.0\" in the rows before: one run holds one valgrind"
run "$cmp" "$tmp/c0" "$tmp/w1"
refused "counts against wall clock" 2 \
	"lubench compare: $tmp/c0 holds counted instructions (lubench-count), $tmp/w1 wall-clock times (lubench-bench): compare runs of one kind"
{ cat "$tmp/c0/results.jsonl"; sed -n 1p "$tmp/w1/results.jsonl"; } >"$tmp/mix2.jsonl"
run "$cmp" "$tmp/c0" "$tmp/mix2.jsonl"
refused "a bench row among counts" 2 \
	"$tmp/mix2.jsonl:4: schema \"lubench-bench\" in a run of lubench-count rows: one run holds one schema"
sed 's/"schema_version":1/"schema_version":2/' "$tmp/c0/results.jsonl" >"$tmp/v2.jsonl"
run "$cmp" "$tmp/c0" "$tmp/v2.jsonl"
refused "counts of an unknown version" 2 \
	"$tmp/v2.jsonl:1: lubench-count schema_version 2 is not one this reader knows (1..1)"
printf '{"schema":"lubench-future","schema_version":1}\n' >"$tmp/u.jsonl"
run "$cmp" "$tmp/c0" "$tmp/u.jsonl"
refused "an unknown schema" 2 \
	"$tmp/u.jsonl:1: unknown schema (this reader knows lubench-bench lubench-count lubench-cycle)"

# ---- guest cycles under icount: the same shift and guest kernel ----

# mkcycle DIR SHIFT KERNEL LOOKUP_MS [CLOCK2]: two jumps of linear (and a
# warm-up, which does not count); CLOCK2 is the second jump's clock.
mkcycle() {
	mkdir -p "$1"
	for j in 0 1 2; do
		w=false; [ "$j" = 0 ] && w=true
		c=icount; [ "$j" = 2 ] && c=${5:-icount}
		printf '{"schema":"lubench-cycle","schema_version":1,"cycle":%d,"warmup":%s,"variant":"linear","fault":"none","devices":1024,"clock":"%s","icount_shift":%s,"guest_kernel":"%s","refused":false,"jump_ms":86.0%d,"boot_ms":900.5,"lookup_ms":%s,"blackout_ms":%s}\n' \
			"$j" "$w" "$c" "$2" "$3" "$j" "$4" "$(echo "$4" | awk '{ print 1200 + $1 }')"
	done >"$1/results.jsonl"
}

mkcycle "$tmp/i0" 0 6.1.0-56-amd64 2.22
mkcycle "$tmp/i1" 0 6.1.0-56-amd64 4.22
mkcycle "$tmp/i2" 0 6.1.0-56-amd64 22.22
run "$cmp" "$tmp/i0" "$tmp/i1"
check "icount: 2 ms more lookups is under a tick: exit 0" \
	'[ "$rc" = 0 ] && grep -qx "0 regressions, 0 improvements, 4 unchanged" "$tmp/out"'
run "$cmp" "$tmp/i0" "$tmp/i2"
check "icount: 20 ms more lookups: the lookups and the blackout marked" \
	'[ "$rc" = 1 ] && grep -q "R  lookup_ms linear devices=1024$" "$tmp/out" &&
	 grep -q "R  blackout_ms linear devices=1024$" "$tmp/out" &&
	 grep -qx "2 regressions, 0 improvements, 2 unchanged" "$tmp/out"'
mkcycle "$tmp/i3" 1 6.1.0-56-amd64 2.22
run "$cmp" "$tmp/i0" "$tmp/i3"
refused "icount with another shift" 2 \
	"lubench compare: refused: guest times under icount compare only with the same clock, shift and guest kernel (icount_shift: \"0\" / \"1\")"
mkcycle "$tmp/i4" 0 6.12.0-1-amd64 2.22
run "$cmp" "$tmp/i0" "$tmp/i4"
check "icount with another guest kernel: refused, named" \
	'[ "$rc" = 2 ] && grep -q "guest_kernel: \"6.1.0-56-amd64\" / \"6.12.0-1-amd64\"" "$tmp/err"'
mkcycle "$tmp/i5" 0 6.1.0-56-amd64 2.22 real
run "$cmp" "$tmp/i0" "$tmp/i5"
refused "icount and real time in one run" 2 \
	"$tmp/i5/results.jsonl:3: clock \"real\", but \"icount\" in the rows before: one run holds one clock"

# ---- --calibrate: the report of scripts/host/ab-calibrate.sh ----

# mkside DIR SPEC...: DIR/results.jsonl of one ab side, a row per point
# "variant:op:factor" at n=256, 31 samples 100 * factor * (1 + i/1000):
# tight, so a change of 3% or more is significant and an equal point
# is not; the median's change is factor - 1 exactly.
mkside() {
	_d=$1
	shift
	mkdir -p "$_d"
	for _p in "$@"; do
		echo "$_p"
	done | awk -F: '{
		printf "{\"schema\":\"lubench-bench\",\"schema_version\":1," \
		       "\"variant\":\"%s\",\"op\":\"%s\",\"n\":256,\"samples_ns\":[", $1, $2
		for (i = 0; i < 31; i++)
			printf "%s%.4f", i ? "," : "", 100 * $3 * (1 + i / 1000)
		printf "]}\n"
	}' >"$_d/results.jsonl"
	mkmeta "$_d" vm1 "AMD EPYC"
}
# mkab RUN B-FACTORS: an ab run, A all 1, B linear's find-hit, find-miss,
# v2's find-hit, find-miss times the four factors.
mkab() {
	mkside "$1/a-wall" linear:find-hit:1 linear:find-miss:1 v2:find-hit:1 v2:find-miss:1
	set -- "$1" $2
	mkside "$1/b-wall" "linear:find-hit:$2" "linear:find-miss:$3" \
		"v2:find-hit:$4" "v2:find-miss:$5"
}
mkab "$tmp/c-aa1" "1 1 1 1"
mkab "$tmp/c-aa2" "1.08 1 1 1"
mkab "$tmp/c-8" "1 1.12 1.03 1"
mkab "$tmp/c-64" "1 1 1.25 1.15"
cat >"$tmp/c-want" <<'EOW'
A/A pairs: points marked out of 4
  pair 1:  5%: 0  10%: 0  20%: 0
  pair 2:  5%: 1  10%: 0  20%: 0

A against A + N nops in v2's find: each of v2's find points, its
median change and the floors it is marked at; then other layouts' points marked
  +8 nops: find-hit  n=256      +3.0%  marked at: none
  +8 nops: find-miss n=256      +0.0%  marked at: none
  +8 nops: other layouts' points marked:  5%: 1  10%: 1  20%: 0
  +64 nops: find-hit  n=256     +25.0%  marked at: 5 10 20
  +64 nops: find-miss n=256     +15.0%  marked at: 5 10
  +64 nops: other layouts' points marked:  5%: 0  10%: 0  20%: 0

per floor: the smallest slowdown marked, the largest one not marked
  5%: smallest marked +15%, largest not marked +3%
  10%: smallest marked +15%, largest not marked +3%
  20%: smallest marked +25%, largest not marked +15%
EOW
run "$cmp" --calibrate --layout v2 --floors "5 10 20" --aa "$tmp/c-aa1" \
	--aa "$tmp/c-aa2" --injected "8:$tmp/c-8" --injected "64:$tmp/c-64"
check "--calibrate: the A/A false alarms, the injected points, per floor" \
	'[ "$rc" = 0 ] && cmp -s "$tmp/out" "$tmp/c-want"'
[ "$rc" = 0 ] && cmp -s "$tmp/out" "$tmp/c-want" ||
	diff "$tmp/c-want" "$tmp/out" | sed 's/^/# /' | head -20
run "$cmp" --calibrate --layout v2 --floors "5 x"
refused "--calibrate: a floor that is no number" 2 \
	"lubench compare: --floors: 'x' is not a floor of 0..1000 % (at most 16)"
run "$cmp" --calibrate --layout v2 --floors "5" --injected "eight:$tmp/c-8"
refused "--calibrate: nops that are no count" 2 \
	"lubench compare: --injected: 'eight' is not a count of nops"
mkmeta "$tmp/c-64/b-wall" vm2 "AMD EPYC"
run "$cmp" --calibrate --layout v2 --floors "5" --injected "64:$tmp/c-64"
check "--calibrate: runs of two machines refused" \
	'[ "$rc" = 2 ] && grep -q "^lubench compare: refused: wall-clock times from different machines" "$tmp/err" && [ ! -s "$tmp/out" ]'
run "$cmp" --calibrate --layout v2 --floors "5" --aa "$tmp/none"
check "--calibrate: a missing run refused, nothing printed" \
	'[ "$rc" = 2 ] && grep -qx "$tmp/none/a-wall: No such file or directory" "$tmp/err" && [ ! -s "$tmp/out" ]'

cat "$tmp/out" | sed 's/^/# /'
tap_done
