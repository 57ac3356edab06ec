#!/bin/sh
# lubench-bench's command line: every numeric option goes through the
# strict number parser, lists refuse empty items, and a refused option
# exits 1 (the bench's usage status) naming the option, before anything
# is measured or written.
#
# usage: tests/cli/bench_args_test.sh LUBENCH_BENCH
set -eu

[ $# -eq 1 ] || { echo "usage: $0 LUBENCH_BENCH" >&2; exit 2; }
bench=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# bad MESSAGE ARGS...: exit 1, exactly that message, no result directory.
bad() {
	_msg=$1
	shift
	run "$bench" "$@" --out "$tmp/run"
	refused "$*" 1 "lubench-bench: $_msg"
	absent "$*" "$tmp/run"
}

bad "--n: 4294967312 is out of range (1..16777216)" --n 4294967312
bad "--n: '010' is not a number" --n 010
bad "--n: empty value" --n ''
bad "--n: empty item in ',,'" --n ,,
bad "--n: empty item in '16,,64'" --n 16,,64
bad "--n: '-16' is not a number" --n -16
bad "--n: 0 is out of range (1..16777216)" --n 0
bad "--n: 32M is out of range (1..16777216)" --n 32M
bad "--n: N=16777216 at --share 50 enumerates more than 16777216 devices" --n 16M
bad "--reps: 4294967299 is out of range (3..100000)" --reps 4294967299
bad "--reps: '1k' is not a number" --reps 1k
bad "--reps: ' 5' is not a number" --reps ' 5'
bad "--share: 4294967346 is out of range (1..100)" --share 4294967346
bad "--share: 0 is out of range (1..100)" --share 0
bad "--visits: 4294967304 is out of range (1..100000)" --visits 4294967304
bad "--visits must be 1..--reps (5)" --reps 5 --visits 6
bad "--cpu: 4294967296 is out of range (0..65535)" --cpu 4294967296
bad "--cpu: 'nan' is not a number" --cpu nan
bad "--sample-us: 0 is out of range (1..10000000)" --sample-us 0
bad "--seed: 18446744073709551616 is out of range (0..18446744073709551615)" \
	--seed 18446744073709551616
bad "--seed: '1e3' is not a number" --seed 1e3
bad "--variant: unknown variant 'nope' (see --help)" --variant nope
bad "--variant: empty item in 'linear,'" --variant linear,
bad "--op: unknown op 'find' (see --help)" --op find
bad "--op: empty value" --op ''
bad "--out: empty path" --out ''

# Hex and the k suffix are numbers; a tiny run with them goes through.
run "$bench" --variant linear --op find-hit --n 0x10,1k --reps 3 \
	--visits 1 --sample-us 50 --seed 0x2a --cpu none --out "$tmp/run"
check "accepted: --n 0x10,1k --seed 0x2a" '[ "$rc" = 0 ] && [ -s "$tmp/run/results.jsonl" ]'
check "the sizes are 16 and 1024" \
	'[ "$(grep -c "\"n\":16," "$tmp/run/results.jsonl")" = 1 ] &&
	 [ "$(grep -c "\"n\":1024," "$tmp/run/results.jsonl")" = 1 ]'

tap_done
