#!/bin/sh
# Runs one libFuzzer target for a bounded time on a fresh copy of its
# seeds and fails on any crash, sanitizer report, leak or slow input.
#
# usage: run.sh FUZZER WORK_DIR MAX_LEN SEED...
#   SEED is a directory of inputs or one input file; a missing one is
#   skipped.  LUBENCH_FUZZ_S: seconds to fuzz (default 15).
# Leaves WORK_DIR/corpus (the grown corpus), WORK_DIR/log and, on a
# finding, WORK_DIR/artifacts/crash-* (or timeout-*, leak-*).
set -eu

if [ $# -lt 3 ]; then
	echo "usage: run.sh FUZZER WORK_DIR MAX_LEN SEED..." >&2
	exit 2
fi
fuzzer=$1 work=$2 max_len=$3
shift 3
secs=${LUBENCH_FUZZ_S:-15}
case $secs in
''|*[!0-9]*|0)
	echo "LUBENCH_FUZZ_S: want a whole number of seconds above 0, got '$secs'" >&2
	exit 2 ;;
esac
if [ ! -x "$fuzzer" ]; then
	echo "$fuzzer: not built" >&2
	exit 2
fi

rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
for s in "$@"; do
	if [ -d "$s" ]; then
		find "$s" -maxdepth 1 -type f ! -name '.*' \
			-exec cp {} "$work/corpus/" \;
	elif [ -f "$s" ]; then
		cp "$s" "$work/corpus/"
	fi
done
echo "$(basename "$fuzzer"): $secs s, -max_len=$max_len," \
	"$(find "$work/corpus" -type f | wc -l) seeds"

# libFuzzer stops itself after $secs; timeout is only a backstop.
rc=0
timeout -k 10 $((secs + 120)) "$fuzzer" -max_total_time="$secs" \
	-timeout=10 -max_len="$max_len" -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" "$work/corpus" \
	>"$work/log" 2>&1 || rc=$?

# The edges instrumented (what cov: counts), the last status line
# (#RUNS ... cov: ft: corp: exec/s) and the totals.
sed -n 's/^INFO: Loaded [0-9]* modules *(\([0-9]*\) inline 8-bit counters).*/edges instrumented: \1/p' \
	"$work/log"
grep -E '^#[0-9]+' "$work/log" | tail -n 1 || true
grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' \
	"$work/log" || true
if [ "$rc" -ne 0 ] || ! grep -q '^Done [0-9]* runs' "$work/log"; then
	echo "FAIL: $(basename "$fuzzer") exited $rc; the end of $work/log:"
	tail -n 60 "$work/log"
	ls "$work/artifacts"
	echo "To keep a finding as a regression input, see README, Fuzzing."
	exit 1
fi
echo "corpus: $(find "$work/corpus" -type f | wc -l) inputs in $work/corpus"
