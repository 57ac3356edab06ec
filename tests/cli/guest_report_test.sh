#!/bin/sh
# lubench-guest-report on made-up guest output: rows in the bench schema
# with path and accelerator; noise on the port skipped; a malformed batch,
# a wrong answer seen in the guest, or no batches at all refused.
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
	printf '{"type":"lubench-dev-batch","variant":"%s","path":"%s","phase":"%s","rep":0,"batch":0,"ops":%s,"user_ns":%s,"kernel_table_ns":%s,"kernel_batch_ns":null,"unexpected":%s}\n' \
		"$1" "$2" "$3" "${6:-100}" "$4" "$(($4 / 2))" "$5"
}

{
	echo '[    1.234] some console noise'
	echo '{"type":"lubench-guest","kernel":"6.1.0-56-amd64","cpu_model":"QEMU TCG"}'
	for i in 1 2 3 4 5; do
		batch linear batch find "$((100000 + i * 100))" 0
		batch hashed batch find "$((10000 + i * 10))" 0
	done
	echo '{"type":"lubench-dev-phase","variant":"linear","path":"batch","phase":"find","n":500}'
	echo '{"type":"lubench-dev-phase","variant":"hashed","path":"batch","phase":"find","n":500}'
	echo '{"type":"lubench-run","accel":"tcg","wall_ms":1234}'
} >"$tmp/good.txt"

rc=0
"$rep" "$tmp/good.txt" "$tmp/out" >"$tmp/table" 2>"$tmp/err" || rc=$?
check "good output: exit 0" '[ "$rc" = 0 ]'
check "two rows" '[ "$(wc -l <"$tmp/out/results.jsonl")" = 2 ]'
check "rows carry path and accelerator" \
	'grep -q "\"op\":\"find-hit\",\"path\":\"batch\",\"accelerator\":\"tcg\"" "$tmp/out/results.jsonl"'
check "median ns/op of hashed" \
	'grep "\"variant\":\"hashed\"" "$tmp/out/results.jsonl" | grep -q "\"median_ns\":100.3"'
check "speedup against linear" \
	'grep "\"variant\":\"hashed\"" "$tmp/out/results.jsonl" | grep -q "\"speedup_vs_linear\":10"'
check "csv header and rows" '[ "$(wc -l <"$tmp/out/results.csv")" = 3 ]'
check "meta names the accelerator" 'grep -q "\"accelerator\": \"tcg\"" "$tmp/out/meta.json"'

{ cat "$tmp/good.txt"; batch hashed batch find 1000 0 0; } >"$tmp/zero.txt"
rc=0
"$rep" "$tmp/zero.txt" "$tmp/out2" >/dev/null 2>"$tmp/err" || rc=$?
check "a batch of zero ops is refused" \
	'[ "$rc" = 1 ] && grep -q "malformed batch line" "$tmp/err"'

{ cat "$tmp/good.txt"; batch hashed batch find 1000 3; } >"$tmp/wrong.txt"
rc=0
"$rep" "$tmp/wrong.txt" "$tmp/out3" >/dev/null 2>"$tmp/err" || rc=$?
check "wrong answers in the guest: exit 2, named" \
	'[ "$rc" = 2 ] && grep -q "hashed find-hit via batch: 3 wrong answers" "$tmp/err"'

echo 'only noise' >"$tmp/none.txt"
rc=0
"$rep" "$tmp/none.txt" "$tmp/out4" >/dev/null 2>"$tmp/err" || rc=$?
check "no batches: exit 1" '[ "$rc" = 1 ] && grep -q "no benchmark batches" "$tmp/err"'

tap_done
