#!/bin/sh
# lubench-guest-report on made-up guest output: rows in the bench schema
# with path and accelerator, values exact; noise on the port skipped;
# malformed lines of ours, an unknown schema version, impossible counts, a
# wrong answer seen in the guest, or no batches at all refused with the
# reason and nothing written.
#
# usage: tests/cli/guest_report_test.sh LUBENCH_GUEST_REPORT
set -eu

[ $# -eq 1 ] || { echo "usage: $0 LUBENCH_GUEST_REPORT" >&2; exit 2; }
rep=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

batch() {	# VARIANT PATH PHASE USER_NS UNEXPECTED [OPS]
	printf '{"schema":"lubench-guest","schema_version":1,"type":"lubench-dev-batch","variant":"%s","path":"%s","phase":"%s","rep":0,"batch":0,"ops":%s,"user_ns":%s,"kernel_table_ns":%s,"kernel_batch_ns":null,"unexpected":%s}\n' \
		"$1" "$2" "$3" "${6:-100}" "$4" "$(($4 / 2))" "$5"
}

{
	echo '[    1.234] some console noise'
	echo '{"schema":"lubench-guest","schema_version":1,"type":"lubench-guest","kernel":"6.1.0-56-amd64","cpu_model":"QEMU TCG"}'
	for i in 1 2 3 4 5; do
		batch linear batch find "$((100000 + i * 100))" 0
		batch hashed batch find "$((10000 + i * 10))" 0
	done
	echo '{"schema":"lubench-guest","schema_version":1,"type":"lubench-dev-phase","variant":"linear","path":"batch","phase":"find","n":500}'
	echo '{"schema":"lubench-guest","schema_version":1,"type":"lubench-dev-phase","variant":"hashed","path":"batch","phase":"find","n":500}'
	echo '{"schema":"lubench-guest","schema_version":1,"type":"lubench-run","accel":"tcg","wall_ms":1234}'
} >"$tmp/good.txt"

run "$rep" "$tmp/good.txt" "$tmp/good"
rows=$tmp/good/results.jsonl
check "good output: exit 0" '[ "$rc" = 0 ]'
check "two rows" '[ "$(wc -l <"$rows")" = 2 ]'
check "linear first, then hashed" \
	'[ "$(json_value "$rows" 1 variant)" = "\"linear\"" ] &&
	 [ "$(json_value "$rows" 2 variant)" = "\"hashed\"" ]'
check "op, path and accelerator" \
	'[ "$(json_value "$rows" 2 op)" = "\"find-hit\"" ] &&
	 [ "$(json_value "$rows" 2 path)" = "\"batch\"" ] &&
	 [ "$(json_value "$rows" 2 accelerator)" = "\"tcg\"" ]'
# hashed: 10010..10050 ns over 100 ops, median 100.3 ns/op.
check "median ns/op of hashed is 100.3" \
	'[ "$(json_value "$rows" 2 median_ns)" = 100.3 ]'
check "kernel_table_ns is half of it" \
	'[ "$(json_value "$rows" 2 kernel_table_ns)" = 50.15 ]'
# linear 1003 / hashed 100.3
check "speedup against linear is 10" \
	'[ "$(json_value "$rows" 2 speedup_vs_linear)" = 10 ]'
check "N from the phase line, samples from the batches" \
	'[ "$(json_value "$rows" 2 n)" = 500 ] &&
	 [ "$(json_value "$rows" 2 samples)" = 5 ] &&
	 [ "$(json_value "$rows" 2 checked)" = 500 ]'
check "csv header and rows" '[ "$(wc -l <"$tmp/good/results.csv")" = 3 ]'
check "meta names the accelerator" \
	'grep -qx "  \"accelerator\": \"tcg\"," "$tmp/good/meta.json"'

# bad CASE RC MESSAGE LINE...: the good output plus LINEs is refused.
nbad=0
bad() {
	_case=$1 _rc=$2 _msg=$3
	shift 3
	nbad=$((nbad + 1))
	{ cat "$tmp/good.txt"; printf '%s\n' "$@"; } >"$tmp/bad$nbad.txt"
	run "$rep" "$tmp/bad$nbad.txt" "$tmp/out$nbad"
	refused "$_case" "$_rc" "$tmp/bad$nbad.txt:$(($(wc -l <"$tmp/good.txt") + 1)): $_msg"
	absent "$_case" "$tmp/out$nbad"
}

bad "a batch of zero ops" 2 '"ops": a batch of 0 ops' \
	"$(batch hashed batch find 1000 0 0)"
bad "a negative count of wrong answers" 2 '"unexpected": -3 is not a count' \
	"$(batch hashed batch find 1000 -3)"
bad "more wrong answers than ops" 2 '"unexpected": 200 of 100 ops' \
	"$(batch hashed batch find 1000 200)"
bad "a huge op count" 2 '"ops": 99999999999999999999 is out of range for a count' \
	"$(batch hashed batch find 1000 0 99999999999999999999)"
bad "a fractional op count" 2 '"ops": 1e300 is not a count' \
	"$(batch hashed batch find 1000 0 1e300)"
bad "a negative time" 2 '"user_ns": -1000 is not a count' \
	"$(batch hashed batch find -1000 0)"
bad "nan for a time" 2 'not a JSON value' \
	'{"schema":"lubench-guest","schema_version":1,"type":"lubench-dev-batch","variant":"hashed","path":"batch","phase":"find","ops":100,"user_ns":nan,"kernel_table_ns":1,"kernel_batch_ns":null,"unexpected":0}'
bad "a line cut inside a \\u escape" 2 'truncated \u escape' \
	'{"schema":"lubench-guest","schema_version":1,"type":"lubench-dev-batch","variant":"hashed\u00'
bad "a line cut short" 2 'truncated object' \
	'{"schema":"lubench-guest","schema_version":1,"type":"lubench-dev-batch","variant":"hashed","path":"batch"'
bad "a count as a string" 2 '"ops": "100" is not a count' \
	'{"schema":"lubench-guest","schema_version":1,"type":"lubench-dev-batch","variant":"hashed","path":"batch","phase":"find","ops":"100","user_ns":1,"kernel_table_ns":1,"kernel_batch_ns":null,"unexpected":0}'
bad "an unknown phase" 2 '"phase": "delete" is not preserve, find or unpreserve' \
	"$(batch hashed batch delete 1000 0)"
bad "a variant that is no name" 2 \
	'"variant": "has space" is not a name ([a-z0-9_-], at most 31 characters)' \
	"$(batch 'has space' batch find 1000 0)"
bad "a path lubench-dev does not take" 2 '"path": "teleport" is not a path of lubench-dev bench' \
	"$(batch hashed teleport find 1000 0)"
bad "a duplicate key" 2 'duplicate key' \
	'{"schema":"lubench-guest","schema_version":1,"type":"lubench-dev-batch","ops":1,"ops":2}'
bad "an unknown schema version" 2 \
	'lubench-guest schema_version 2 is not one this reader knows (1..1)' \
	'{"schema":"lubench-guest","schema_version":2,"type":"lubench-dev-batch"}'
bad "a line without a schema" 2 'no "schema" (expected "lubench-guest")' \
	'{"type":"lubench-dev-batch","variant":"hashed","path":"batch","phase":"find","ops":100,"user_ns":1,"kernel_table_ns":1,"kernel_batch_ns":null,"unexpected":0}'
bad "another schema" 2 'schema "lubench-bench", expected "lubench-guest"' \
	'{"schema":"lubench-bench","schema_version":1}'

{ cat "$tmp/good.txt"; batch hashed batch find 1000 3; } >"$tmp/wrong.txt"
run "$rep" "$tmp/wrong.txt" "$tmp/wrong"
refused "wrong answers in the guest" 1 \
	"$tmp/wrong.txt: hashed find-hit via batch: 3 wrong answers"
absent "wrong answers in the guest" "$tmp/wrong"

echo 'only noise' >"$tmp/none.txt"
run "$rep" "$tmp/none.txt" "$tmp/none"
refused "no batches" 2 "$tmp/none.txt: no benchmark batches in the guest's output"
absent "no batches" "$tmp/none"

run "$rep" "$tmp" "$tmp/dir"
refused "a directory as input" 2 "$tmp: is a directory"
run "$rep" /dev/zero "$tmp/zero"
refused "a device as input" 2 "/dev/zero: not a regular file"
absent "a device as input" "$tmp/zero"

tap_done
