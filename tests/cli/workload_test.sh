#!/bin/sh
# Workload files (scripts/host/workload.sh): a good one gives each stage its
# options; every kind of malformed line is refused as FILE:LINE: reason,
# and `./lubench run` stops on it before running anything.
#
# usage: tests/cli/workload_test.sh TOP_DIR
set -eu

[ $# -eq 1 ] || { echo "usage: $0 TOP_DIR" >&2; exit 2; }
top=$1
wl=$top/scripts/host/workload.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# run FILE SECTION: exit status in $rc, stdout in $tmp/out, stderr in $tmp/err
run() {
	rc=0
	sh "$wl" "$1" "$2" >"$tmp/out" 2>"$tmp/err" || rc=$?
}

cat >"$tmp/good.conf" <<'W'
# comment
[bench]
variant = linear hashed   # two layouts
n = 16 1024

[cycle]
devices = 512
W
run "$tmp/good.conf" bench
check "good: exit 0" '[ "$rc" = 0 ]'
check "good: options joined by commas" \
	'[ "$(tr "\n" " " <"$tmp/out")" = "--variant linear,hashed --n 16,1024 " ]'
run "$tmp/good.conf" cycle
check "good: the other section only" \
	'[ "$(tr "\n" " " <"$tmp/out")" = "--devices 512 " ]'
run "$tmp/good.conf" missing
check "absent section: exit 1, no output" '[ "$rc" = 1 ] && [ ! -s "$tmp/out" ]'

# bad CONTENT LINE REASON: refused with exit 2 and "FILE:LINE: REASON".
bad() {
	printf '%b' "$1" >"$tmp/bad.conf"
	run "$tmp/bad.conf" bench
	want="$tmp/bad.conf:$2: $3"
	check "refused: $3" '[ "$rc" = 2 ] && grep -qxF "$want" "$tmp/err"'
}
bad 'n = 16\n' 1 "option outside a section"
bad '[bench\nn = 16\n' 1 "malformed section header"
bad '[Bench]\n' 1 "malformed section header"
bad '[bench]\nn 16\n' 2 "expected key = value"
bad '[bench]\nN = 16\n' 2 'bad key "N"'
bad '[bench]\nn =\n' 2 'no value for "n"'
bad '[bench]\nn = 16; rm -rf /\n' 2 'unexpected character in the value of "n"'
bad '[bench]\nn = $(id)\n' 2 'unexpected character in the value of "n"'
run "$tmp/nonexistent.conf" bench
check "missing file: exit 2" '[ "$rc" = 2 ] && grep -q "cannot read" "$tmp/err"'

# The main job refuses a bad workload before any stage runs.
printf '[bench]\nn = 16 `id`\n' >"$tmp/bad.conf"
rc=0
LUBENCH_RESULTS="$tmp/results" "$top/scripts/host/run.sh" "$tmp/bad.conf" \
	>"$tmp/out" 2>"$tmp/err" || rc=$?
check "run.sh: bad workload exits 2" '[ "$rc" = 2 ]'
check "run.sh: names the line" 'grep -q "bad.conf:2: unexpected character" "$tmp/err"'
check "run.sh: no stage ran" '! grep -q "^== " "$tmp/err"'

tap_done
