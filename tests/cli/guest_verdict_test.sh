#!/bin/sh
# lubench-guest-verdict on made-up consoles: every way a guest run ends
# gets its status and reason, the host's lubench-run line (through the one
# writer) and RUN_DIR/status; bad arguments are refused.  No QEMU.
#
# usage: tests/cli/guest_verdict_test.sh LUBENCH_GUEST_VERDICT
set -eu

[ $# -eq 1 ] || { echo "usage: $0 LUBENCH_GUEST_VERDICT" >&2; exit 2; }
v=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# case_ NAME QEMU_RC WANT_RC REASON: the console is $tmp/console (never
# a pipe into case_: that would run it in a subshell).
n=0
case_() {
	n=$((n + 1))
	d=$tmp/run$n
	mkdir -p "$d"
	cp "$tmp/console" "$d/console.log"
	[ -z "${qerr:-}" ] || printf '\n%s\n' "$qerr" >"$d/qemu.err"
	: >"$d/results.txt"
	run "$v" --run-dir "$d" --results "$d/results.txt" --qemu-rc "$2" \
		--wall-ms 12345 --timeout 300 --job-timeout 295 --accel tcg \
		--clock real --cpu max --mem 2G --smp 2
	want_rc=$3 want_reason=$4
	refused "$1" "$3" "guest-run: $4"
	check "$1: status file" \
		'[ "$(sed -n "s/^reason=//p" "$d/status")" = "$want_reason" ] &&
		 grep -qx "rc=$want_rc" "$d/status"'
	check "$1: the lubench-run line" \
		'[ "$(json_value "$d/results.txt" 1 schema)" = "\"lubench-guest\"" ] &&
		 [ "$(json_value "$d/results.txt" 1 type)" = "\"lubench-run\"" ] &&
		 [ "$(json_value "$d/results.txt" 1 exit)" = "$want_rc" ] &&
		 [ "$(json_value "$d/results.txt" 1 wall_ms)" = 12345 ]'
}

printf '[host 1.0 ms] LUBENCH-BOOT stage=1 uptime=1\n[host 2.0 ms] hello\n[host 3.0 ms] LUBENCH-EXIT 3\n' >"$tmp/console"
case_ "the job's status" 0 3 "job exited with status 3"
check "boots are counted" 'grep -qx "boots=1" "$d/status"'

printf '[host 1.0 ms] LUBENCH-BOOT stage=1 uptime=1\n[host 2.0 ms] working\n[host 9.0 ms] LUBENCH-TIMEOUT after 295 s\nTerminated\n[host 9.1 ms] LUBENCH-EXIT 124\n' >"$tmp/console"
case_ "killed in the guest" 0 124 \
	"guest timed out after 12.3 s: the job was killed in the guest after its 295 s limit (last console line: working)"

printf '[host 1.0 ms] booting\n[host 2.0 ms] Kernel panic - not syncing: Attempted to kill init!\n' >"$tmp/console"
case_ "a kernel panic" 0 126 "kernel panic: Kernel panic - not syncing: Attempted to kill init!"

printf '[host 1.0 ms] still booting\n' >"$tmp/console"
case_ "killed on the host" 124 124 \
	"guest timed out after 300 s (last console line: still booting)"

qerr="qemu-system-x86_64: -smp 9999: Invalid SMP CPUs 9999"
: >"$tmp/console"
case_ "QEMU refused to start" 1 125 \
	"qemu failed to start (qemu-system-x86_64: -smp 9999: Invalid SMP CPUs 9999)"
qerr=""

printf '[host 1.0 ms] half way\n' >"$tmp/console"
case_ "QEMU died" 1 125 "qemu died with status 1 (no message); last console line: half way"

printf '[host 1.0 ms] LUBENCH-BOOT stage=1 uptime=1\n[host 2.0 ms] the end\n' >"$tmp/console"
case_ "no status" 0 127 \
	"guest stopped without reporting a status (last console line: the end)"

run "$v" --run-dir "$tmp" --results "$tmp/r" --qemu-rc 999 --wall-ms 1 \
	--timeout 1 --job-timeout 1 --accel tcg --clock real --cpu max \
	--mem 2G --smp 2
refused "a QEMU status above 255" 2 "lubench-guest-verdict: --qemu-rc: 999 is out of range (0..255)"
absent "a QEMU status above 255" "$tmp/r"

tap_done
