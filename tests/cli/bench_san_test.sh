#!/bin/sh
# The benchmark's own code under ASan and UBSan: a tiny sweep of every
# variant and op by lubench-bench-san, whose every answer is checked
# (a wrong one exits 2) and whose sanitizers abort on the first error.
# Never its speed.
#
# usage: tests/cli/bench_san_test.sh LUBENCH_BENCH_SAN
set -eu

[ $# -eq 1 ] || { echo "usage: $0 LUBENCH_BENCH_SAN" >&2; exit 2; }
bench=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

rc=0
timeout 300 "$bench" --n 16,256 --reps 5 --visits 2 --sample-us 200 \
	--out "$tmp/run" >"$tmp/out" 2>"$tmp/err" || rc=$?
check "the sanitized sweep exits 0" '[ "$rc" = 0 ]'
check "no sanitizer report" \
	'! grep -qE "runtime error|ERROR: (Address|Leak)Sanitizer" "$tmp/err"'

# One row per variant, op and N, as --help lists variants and ops.
timeout 30 "$bench" --help >"$tmp/help" 2>&1 || true
nv=$(sed -n 's/.*--variant LIST .*(default):\(.*\)$/\1/p' "$tmp/help" | wc -w)
no=$(sed -n 's/.*--op LIST .*(default):\(.*\)$/\1/p' "$tmp/help" | wc -w)
rows=$(grep -c '"schema":"lubench-bench"' "$tmp/run/results.jsonl" 2>/dev/null || true)
check "every variant x op x N measured ($nv x $no x 2 rows, got $rows)" \
	'[ "$nv" -gt 0 ] && [ "$no" -gt 0 ] && [ "$rows" = $((nv * no * 2)) ]'

tap_done
