#!/bin/sh
# lubench count: two runs of the same points give byte-identical counts
# (the rows without their run_id), a point counted alone gives the same
# row as in a full run (nothing leaks between layouts or ops), the rows
# carry what they were counted with, and bad options are refused before
# anything is run or written.
#
# usage: tests/cli/count_test.sh LUBENCH_COUNT
set -eu

[ $# -eq 1 ] || { echo "usage: $0 LUBENCH_COUNT" >&2; exit 2; }
count=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind is not installed (scripts/host/setup.sh)"
	exit 4
fi

# refused_opt MESSAGE ARGS...: exit 1, that message, no result directory.
refused_opt() {
	want="lubench-count: $1"
	shift
	run "$count" "$@" --out "$tmp/bad"
	check "refused: $*" '[ "$rc" = 1 ] && grep -qxF -- "$want" "$tmp/err"'
	absent "refused: $*" "$tmp/bad"
}

refused_opt "--n: 0 is out of range (1..16777216)" --n 0
refused_opt "--n: '1x' is not a number" --n 1x
refused_opt "--n: empty item in '16,,64'" --n 16,,64
refused_opt "--ops: 0 is out of range (1..1048576)" --ops 0
refused_opt "--share: 101 is out of range (1..100)" --share 101
refused_opt "--variant: unknown variant 'nope' (see --help)" --variant nope
refused_opt "--op: unknown op 'nope' (see --help)" --op nope
refused_opt "unexpected argument 'extra' (see --help)" extra

# The rows without the run's name: everything else must repeat exactly.
strip() {
	sed 's/"run_id":"[^"]*",//' "$1/results.jsonl"
}

small="--n 16,256 --ops 64"
run "$count" $small --out "$tmp/a"
check "first run exits 0" '[ "$rc" = 0 ]'
run "$count" $small --out "$tmp/b"
check "second run exits 0" '[ "$rc" = 0 ]'
strip "$tmp/a" >"$tmp/a.rows"
strip "$tmp/b" >"$tmp/b.rows"
"$count" --help >"$tmp/help"
nv=$(sed -n 's/.*--variant LIST .*(default):\(.*\)$/\1/p' "$tmp/help" | wc -w)
no=$(sed -n 's/.*--op LIST .*(default):\(.*\)$/\1/p' "$tmp/help" | wc -w)
check "every layout, op and N has a row" \
	'[ "$(wc -l <"$tmp/a.rows")" = $((nv * no * 2)) ] && [ "$nv" -gt 0 ]'
check "two runs: byte-identical rows" 'cmp -s "$tmp/a.rows" "$tmp/b.rows"'
check "two runs: identical CSV but for run_id" \
	'[ "$(cut -d, -f3 --complement "$tmp/a/results.csv")" = \
	   "$(cut -d, -f3 --complement "$tmp/b/results.csv")" ]'

row=$(grep -n '"variant":"v2","rules":"v2","op":"find-miss","n":256,' "$tmp/a.rows" |
	cut -d: -f1)
check "the run has v2 find-miss at N=256" '[ -n "$row" ]'
for key in schema metric instructions_per_op misses_advisory tool \
	   cache_d1 string_functions valgrind; do
	eval "v_$key=\$(json_value \"\$tmp/a.rows\" \"\$row\" $key)"
done
check "schema lubench-count" '[ "$v_schema" = "\"lubench-count\"" ]'
check "metric instructions" '[ "$v_metric" = "\"instructions\"" ]'
check "a positive count per op" \
	'awk "BEGIN { exit !($v_instructions_per_op > 0) }"'
check "misses are marked advisory" '[ "$v_misses_advisory" = true ]'
check "the tool and its cache model" \
	'[ "$v_tool" = "\"callgrind\"" ] && [ "$v_cache_d1" = "\"32768,8,64\"" ]'
check "the string functions glibc chose" \
	'echo "$v_string_functions" | grep -q "__mem"'
check "the valgrind version" \
	'[ "$v_valgrind" = "\"$(valgrind --version | sed s/valgrind-//)\"" ]'

# Alone, after nothing else ran: the same counts as amid every layout.
run "$count" --variant v2 --op find-miss --n 256 --ops 64 \
	--out "$tmp/c"
check "one point alone exits 0" '[ "$rc" = 0 ]'
check "one point alone: the same row as in the full run" \
	'[ "$(strip "$tmp/c" | sed s/\"speedup_vs_linear\":[^,]*,//)" = \
	   "$(sed -n "${row}p" "$tmp/a.rows" | sed s/\"speedup_vs_linear\":[^,]*,//)" ]'

tap_done
