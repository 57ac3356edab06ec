#!/bin/sh
# Schema and sanity of a tiny `lubench bench` run: every variant x op row
# is there with the keys of results/SCHEMA.md and sane values, the CSV
# holds the same rows, meta.json describes the machine.  Never its speed.
# With a plot script and gnuplot, also checks that the plots are drawn.
#
# usage: tests/cli/bench_schema_test.sh LUBENCH_BENCH LUBENCH_LIST [PLOT_SH]
#   LUBENCH_LIST  lubench-list: the variants and ops come from the registries
set -eu

[ $# -ge 2 ] || { echo "usage: $0 LUBENCH_BENCH LUBENCH_LIST [PLOT_SH]" >&2; exit 2; }
bench=$1
list=$2
plot=${3:-}
[ -x "$bench" ] || { echo "FAIL: $bench is not executable" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
run=$tmp/run

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# The registered variants and ops, from the registries; --help lists the
# same, in the same order.
variants=$("$list" variants | tr '\n' ' ')
ops=$("$list" ops | tr '\n' ' ')
[ -n "$variants" ] || fail "lubench-list variants printed nothing"
[ -n "$ops" ] || fail "lubench-list ops printed nothing"
timeout 30 "$bench" --help > "$tmp/help" || fail "--help exited non-zero"
help_variants=$(sed -n 's/.*--variant LIST .*(default):\(.*\)$/\1/p' "$tmp/help")
help_ops=$(sed -n 's/.*--op LIST .*(default):\(.*\)$/\1/p' "$tmp/help")
[ "$(echo $help_variants)" = "$(echo $variants)" ] ||
	fail "--help lists variants '$help_variants', the registry '$variants'"
[ "$(echo $help_ops)" = "$(echo $ops)" ] ||
	fail "--help lists ops '$help_ops', the registry '$ops'"
nv=$(echo $variants | wc -w)
no=$(echo $ops | wc -w)

# Tiny: N=16, few short samples.  Speed is not looked at.
if ! timeout 300 "$bench" --n 16 --reps 5 --visits 2 --sample-us 200 \
	--out "$run" > "$tmp/stdout" 2> "$tmp/stderr"; then
	cat "$tmp/stderr" >&2
	fail "lubench-bench exited non-zero"
fi
for f in results.jsonl results.csv meta.json; do
	[ -s "$run/$f" ] || fail "$f missing or empty"
done
grep -q '^op  *N variant' "$tmp/stdout" || fail "no table on stdout"

# Every JSON line: keys, types and sane statistics.
awk -v variants="$variants" -v ops="$ops" -v want_rows=$((nv * no)) '
function fail(msg) {
	printf "FAIL: results.jsonl line %d: %s\n", NR, msg > "/dev/stderr"
	bad = 1
	exit 1
}
# The raw value of "key" in the line: a string without its quotes, an
# array with its brackets, or a number / true / false / null.
function get(key,    i, rest, v) {
	i = index($0, "\"" key "\":")
	if (!i)
		fail("no key " key)
	rest = substr($0, i + length(key) + 3)
	if (substr(rest, 1, 1) == "\"") {
		rest = substr(rest, 2)
		return substr(rest, 1, index(rest, "\"") - 1)
	}
	if (substr(rest, 1, 1) == "[")
		return substr(rest, 1, index(rest, "]"))
	match(rest, /^[^,}]*/)
	return substr(rest, 1, RLENGTH)
}
function num(key,    v) {
	v = get(key)
	if (v !~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/)
		fail(key " is not a number: " v)
	return v + 0
}
function nullable(key,    v) {
	v = get(key)
	if (v == "null")
		return v
	return num(key)
}
BEGIN {
	split(variants, V, " ")
	split(ops, O, " ")
}
{
	if ($0 !~ /^\{.*\}$/)
		fail("not one JSON object")
	if (get("schema") != "lubench-bench")
		fail("schema is " get("schema"))
	if (num("schema_version") != 1)
		fail("schema_version is not 1")
	v = get("variant"); op = get("op")
	key = v "/" op
	if (key in seen)
		fail("duplicate row " key)
	seen[key] = 1
	if (num("n") != 16) fail(key ": n is not 16")
	if (num("enumerated") != 32) fail(key ": enumerated is not 32")
	if (num("capacity") != 32) fail(key ": capacity is not 32")
	if (num("share_pct") != 50) fail(key ": share_pct is not 50")
	if (num("samples") != 5) fail(key ": samples is not 5")
	if (num("visits") != 2) fail(key ": visits is not 2")
	if (get("population_hash") !~ /^[0-9a-f]+$/) fail(key ": population_hash")
	m = get("method")
	if (m != "batch" && m != "churn" && m != "full" && m != "window" &&
	    !(op == "grow" && (m == "block" || m == "plain")))
		fail(key ": method " m)
	r = get("rules")
	if (r != "v2" && r != "v6" && r != "kho-blocks") fail(key ": rules " r)
	if (r == "v2" && num("entries") != 16) fail(key ": v2 entries is not n")
	if (num("entries") < 16) fail(key ": entries < n")
	if (get("run_id") == "") fail(key ": empty run_id")
	med = num("median_ns"); mn = num("min_ns"); mx = num("max_ns")
	p99 = num("p99_ns"); mean = num("mean_ns"); mad = num("mad_ns")
	if (mn <= 0) fail(key ": min_ns <= 0")
	if (med < mn) fail(key ": median_ns < min_ns")
	if (p99 < med) fail(key ": p99_ns < median_ns")
	if (mx < p99) fail(key ": max_ns < p99_ns")
	if (mean < mn || mean > mx) fail(key ": mean_ns outside min..max")
	if (mad < 0) fail(key ": mad_ns < 0")
	if (num("overhead_ns") < 0) fail(key ": overhead_ns < 0")
	if (num("overhead_p99_ns") < num("overhead_ns"))
		fail(key ": overhead_p99_ns < overhead_ns")
	ops_total = num("ops_per_total")
	want = op == "restore" ? 32 : op == "grow" ? 1 : 16
	if (ops_total != want) fail(key ": ops_per_total " ops_total)
	if (num("ops_per_sample") < 1) fail(key ": ops_per_sample < 1")
	t = num("total_ms"); e = med * ops_total / 1e6
	if (t < e * 0.999 || t > e * 1.001)
		fail(key ": total_ms " t " is not median x ops_per_total")
	if (num("checked") < 1) fail(key ": nothing checked")
	if (num("table_bytes") < 1) fail(key ": table_bytes")
	if (num("payload_bytes") < 1) fail(key ": payload_bytes")
	if (num("blob_bytes") <= num("payload_bytes")) fail(key ": blob_bytes")
	num("cpu")
	x = get("extrapolated")
	if (x != "true" && x != "false") fail(key ": extrapolated " x)
	s = nullable("speedup_vs_linear")
	if (v == "linear" && s != 1) fail(key ": linear speedup is not 1")
	if (s != "null" && s <= 0) fail(key ": speedup <= 0")
	if (op == "preserve" || op == "unpreserve") {
		if (m != "churn") fail(key ": method is not churn")
		if (num("level_max") != 16 || num("level_min") > 16 ||
		    num("level_min") < 12)
			fail(key ": level_min/level_max")
	} else if (op == "grow") {
		if (num("level_min") != num("level_max"))
			fail(key ": grow level_min != level_max")
	} else if (nullable("level_min") != "null") {
		fail(key ": level_min set")
	}
	if (op == "restore") {
		if (nullable("retrieve_ms") == "null" || num("retrieve_ms") <= 0)
			fail(key ": retrieve_ms")
		if (nullable("lookup_ns") == "null" || num("lookup_ns") <= 0)
			fail(key ": lookup_ns")
	} else if (nullable("retrieve_ms") != "null" ||
		   nullable("lookup_ns") != "null") {
		fail(key ": restore fields set")
	}
	a = get("samples_ns")
	gsub(/[][]/, "", a)
	if (split(a, arr, ",") != 5) fail(key ": samples_ns does not hold 5")
	for (i = 1; i <= 5; i++)
		if (arr[i] + 0 < mn || arr[i] + 0 > mx)
			fail(key ": a sample outside min..max")
	rows++
}
END {
	if (bad)
		exit 1
	for (i in V)
		for (j in O)
			if (!((V[i] "/" O[j]) in seen)) {
				printf "FAIL: no row for %s %s\n", V[i], O[j] > "/dev/stderr"
				exit 1
			}
	if (rows != want_rows) {
		printf "FAIL: %d rows, expected %d\n", rows, want_rows > "/dev/stderr"
		exit 1
	}
}' "$run/results.jsonl" || fail "results.jsonl"

# The CSV: the same rows in the same order, same values.
awk -F, -v rows=$((nv * no)) '
function fail(msg) {
	printf "FAIL: results.csv line %d: %s\n", FNR, msg > "/dev/stderr"
	exit 1
}
function get(key,    i, rest) {
	i = index(line, "\"" key "\":")
	rest = substr(line, i + length(key) + 3)
	if (substr(rest, 1, 1) == "\"") {
		rest = substr(rest, 2)
		return substr(rest, 1, index(rest, "\"") - 1)
	}
	match(rest, /^[^,}]*/)
	return substr(rest, 1, RLENGTH)
}
NR == FNR { json[FNR] = $0; next }
FNR == 1 {
	for (i = 1; i <= NF; i++)
		col[$i] = i
	split("schema schema_version run_id variant op n enumerated method samples median_ns p99_ns min_ns mad_ns total_ms overhead_ns speedup_vs_linear table_bytes", need, " ")
	for (i in need)
		if (!(need[i] in col))
			fail("no column " need[i])
	ncol = NF
	next
}
{
	if (NF != ncol) fail(NF " cells, header has " ncol)
	line = json[FNR - 1]
	if (line == "") fail("more CSV rows than JSON lines")
	split("schema variant op n enumerated method samples median_ns p99_ns min_ns mad_ns total_ms table_bytes", same, " ")
	# The writer prints a value the same way in both files: compare the
	# text, so a string cell is checked too (a + 0 == b + 0 held for any
	# two strings).
	for (i in same) {
		k = same[i]
		a = $col[k] ""; b = get(k) ""
		if (a != b)
			fail(k " is \"" a "\" in CSV, \"" b "\" in JSON")
	}
	n++
}
END {
	if (n != rows) {
		printf "FAIL: results.csv has %d rows, expected %d\n", n, rows > "/dev/stderr"
		exit 1
	}
}' "$run/results.jsonl" "$run/results.csv" || fail "results.csv"

# meta.json: the run, the machine, the populations.
for k in schema schema_version run_id command started complete elapsed_s \
	seed share_pct samples visits sample_ns variants ops n clock \
	resolution_ns read_ns machine hostname cpu_model cores pus \
	numa_nodes l1d_bytes l2_bytes l3_bytes pinned_cpu kernel \
	clocksource compiler cflags build_type git_commit git_dirty noise \
	steal_ms canary_ns canary_spread_pct populations enumerated domains \
	vmd_domains buses \
	multifunction_devices domain_order hash; do
	grep -q "\"$k\":" "$run/meta.json" || fail "meta.json has no \"$k\""
done
grep -q '"schema": "lubench-bench-meta"' "$run/meta.json" ||
	fail "meta.json schema"
grep -q '"complete": true' "$run/meta.json" || fail "meta.json not complete"
grep -q '"id": "CLOCK_MONOTONIC_RAW"' "$run/meta.json" || fail "meta.json clock"
for k in cores pus numa_nodes; do
	v=$(sed -n "s/^ *\"$k\": *\([0-9]*\),*\$/\1/p" "$run/meta.json")
	[ "${v:-0}" -ge 1 ] || fail "meta.json $k is '${v:-}'"
done
grep -q '"10000"' "$run/meta.json" ||
	fail "meta.json: no VMD domain (10000) in the population"

# Bad arguments: a usage error, and nothing written.
if timeout 30 "$bench" --variant no-such-layout --out "$tmp/bad" \
	> /dev/null 2>&1; then
	fail "an unknown variant was accepted"
else
	[ $? -eq 1 ] || fail "an unknown variant did not exit 1"
fi
[ ! -e "$tmp/bad" ] || fail "a usage error wrote results"

# The plots, when there is a plot script and gnuplot to run it.
if [ -n "$plot" ]; then
	if command -v gnuplot > /dev/null 2>&1; then
		timeout 300 sh "$plot" "$run" > "$tmp/plot.out" ||
			fail "$plot failed"
		for op in $ops; do
			for kind in png svg; do
				[ -s "$run/plots/ns-per-op-$op.$kind" ] ||
					fail "no plots/ns-per-op-$op.$kind"
			done
		done
		[ -s "$run/plots/restore-total.png" ] || fail "no restore-total.png"
		[ -s "$run/plots/speedup-restore.png" ] ||
			fail "no speedup-restore.png"
	else
		echo "note: gnuplot not installed, plots not checked"
	fi
fi

echo "ok: $((nv * no)) rows ($nv variants x $no ops), CSV and meta.json"
