#!/bin/sh
# `lubench soak` without a guest: every malformed option is refused with
# exit 2 and its reason before anything is written or booted (a fake QEMU
# records any boot), and lubench-soak-report on recorded guest runs
# (tests/data/soak-fixture: 3 jumps, the 2nd faulted; soak-fixture-
# duration: stopped by --duration after 2 of 5) and on copies broken on
# purpose: a stress that lost, a dirty kernel log, a faulted handover
# accepted, a jump missing, a hot-plugged device kept across a restored
# jump but not missing after it each fail the verdict (kept and missing
# both 1 passes); a malformed line is refused with exit 2.
#
# usage: tests/cli/soak_test.sh SOURCE_DIR BUILD_DIR LUBENCH_SOAK_REPORT
set -eu

[ $# -eq 3 ] || { echo "usage: $0 SOURCE_DIR BUILD_DIR LUBENCH_SOAK_REPORT" >&2; exit 2; }
top=$1
build=$2
report=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$top/tests/tap.sh"

# --- the options, before any boot ------------------------------------------

fake_qemu
runs_before=$(ls -d "$build"/runs/soak-* 2>/dev/null | wc -l)
soak() {
	run env PATH="$tmp/bin:$PATH" LUBENCH_BUILD="$build" \
		sh "$top/scripts/host/soak.sh" --out "$tmp/never" "$@"
}
soak --jumps 0
refused "--jumps 0" 2 "soak: --jumps: 0 is out of range (1..1000)"
soak --jumps 3x
refused "--jumps 3x" 2 "soak: --jumps: '3x' is not a number"
soak --duration 10
refused "--duration 10" 2 "soak: --duration: '10' is not a number with ms, s, m or h (at most 24h)"
soak --duration 25h
refused "--duration 25h" 2 "soak: --duration: 25 is out of range (1..24)"
soak --duration 0s
refused "--duration 0s" 2 "soak: --duration: 0 is out of range (1..86400)"
soak --variant none
refused "--variant none" 2 "soak: --variant: none hands no table over; a soak needs layouts"
soak --threads 17
refused "--threads 17" 2 "soak: --threads: 17 is out of range (1..16)"
soak --ops 0
refused "--ops 0" 2 "soak: --ops: 0 is out of range (1..1000000)"
soak --hotplug 1001
refused "--hotplug 1001" 2 "soak: --hotplug: 1001 is out of range (0..1000)"
soak --fail-alloc 1000001
refused "--fail-alloc 1000001" 2 "soak: --fail-alloc: 1000001 is out of range (0..1000000)"
soak --fail-alloc x
refused "--fail-alloc x" 2 "soak: --fail-alloc: 'x' is not a number"
soak --fault-every 0
refused "--fault-every 0" 2 "soak: --fault-every: 0 is out of range (1..1000)"
soak --faults nofault
check "--faults nofault: exit 2" '[ "$rc" = 2 ]'
check "--faults nofault: says why" 'grep -q "^soak: --faults: no fault .nofault." "$tmp/err"'
soak --clock icount --smp 2
refused "icount with 2 vCPUs" 2 "soak: --clock icount runs one vCPU (--smp 1), not 2"
soak --devices 8
refused "--devices 8" 2 "soak: --devices: 8 is out of range (16..65536)"
soak --jumps=3
refused "--jumps=3" 2 "soak: unknown option '--jumps=3'"
soak "$tmp/nope.conf"
refused "a workload that is not there" 2 "$tmp/nope.conf: cannot read the workload: No such file or directory"

# --- a workload's [soak] section, before any boot ----------------------------

wlfile() {
	f=$tmp/$1.conf
	shift
	printf '%s\n' "$@" >"$f"
}
wlfile a "[soak]" "jumps = 3" "devcies = 64"
soak "$tmp/a.conf"
refused "an unknown key" 2 "$tmp/a.conf:3: unknown option \"devcies\""
wlfile b "# a soak" "[soak]" "jumps = 0"
soak "$tmp/b.conf"
refused "a value out of range" 2 "$tmp/b.conf:3: --jumps: 0 is out of range (1..1000)"
wlfile h "[soak]" "hotplug = -1"
soak "$tmp/h.conf"
refused "a negative hot-plug count" 2 "$tmp/h.conf:2: --hotplug: '-1' is not a number"
wlfile c "[soak]" "duration = 10"
soak "$tmp/c.conf"
refused "a duration with no unit" 2 "$tmp/c.conf:2: --duration: '10' is not a number with ms, s, m or h (at most 24h)"
wlfile d "[soak]" "variant = v2 none"
soak "$tmp/d.conf"
refused "variant none" 2 "$tmp/d.conf:2: --variant: none hands no table over; a soak needs layouts"
wlfile e "[soak]" "jumps = 2" "jumps = 3"
soak "$tmp/e.conf"
check "a duplicate key: exit 2" '[ "$rc" = 2 ] && grep -q "^$tmp/e.conf:3: " "$tmp/err"'
wlfile f "[soak]" "clock = icount" "smp = 2"
soak "$tmp/f.conf"
refused "what the keys refuse together" 2 "$tmp/f.conf:1: [soak]: --clock icount runs one vCPU (--smp 1), not 2"
wlfile g "[cycle]" "reps = 1"
soak "$tmp/g.conf"
refused "another stage's section" 2 "$tmp/g.conf:1: unknown section \"cycle\" (this command reads [soak])"
wlfile h "# nothing"
soak "$tmp/h.conf"
check "no section: exit 2" '[ "$rc" = 2 ] && grep -q "^$tmp/h.conf" "$tmp/err"'
# The command line overrides the file, and the two are checked together.
wlfile i "[soak]" "clock = icount" "smp = 1"
soak "$tmp/i.conf" --smp 2
refused "--smp over the file's smp" 2 "soak: --clock icount runs one vCPU (--smp 1), not 2"
wlfile j "[soak]" "threads = 16"
soak --devices 16 "$tmp/j.conf" --threads 17
refused "--threads over the file's" 2 "soak: --threads: 17 is out of range (1..16)"
soak "$tmp/j.conf" extra
refused "a stray argument after the workload" 2 "soak: unknown option 'extra'"
check "no refusal booted QEMU" '[ ! -e "$tmp/qemu-called" ]'
absent "the refusals" "$tmp/never"
runs_after=$(ls -d "$build"/runs/soak-* 2>/dev/null | wc -l)
check "no refusal made a guest run" '[ "$runs_before" = "$runs_after" ]'

# An accepted workload: its keys with the command line's over them reach
# the guest run (the fake QEMU fails to start, so the soak skips), and
# the result directory keeps a copy of the workload.
wlfile ok "[soak]" "jumps = 2" "devices = 32" "threads = 3" "ops = 50" "seed = 7"
run env PATH="$tmp/bin:$PATH" LUBENCH_BUILD="$build" \
	sh "$top/scripts/host/soak.sh" "$tmp/ok.conf" --ops 60 --out "$tmp/okout"
guestrun=$(sed -n 's/.*; guest run \(.*\) (up to .*/\1/p' "$tmp/err")
check "a workload: booted (and skipped, the QEMU is fake)" '[ "$rc" = 4 ] && [ -e "$tmp/qemu-called" ]'
check "a workload: its keys, --ops over its ops" \
	'grep -q "^soak: up to 2 jumps: .* at N=32, 3 threads x 60 ops between jumps" "$tmp/err"'
check "a workload: its seed in the guest's cycle.conf" \
	'[ -n "$guestrun" ] && grep -qx "SOAK_SEED=7" "$guestrun/cycle.conf"'
check "a workload: the command in cycle.meta, its faults listed once" \
	'[ -n "$guestrun" ] && grep -q "^command=.* --faults [a-z,-]* --fault-every " "$guestrun/cycle.meta"'
check "a workload: a copy in the result directory" 'cmp -s "$tmp/ok.conf" "$tmp/okout/workload.conf"'
[ -z "$guestrun" ] || case "$guestrun" in "$build"/runs/soak-*) rm -rf "$guestrun" ;; esac

# --- the report ----------------------------------------------------------------

n=0
copy() {
	n=$((n + 1))
	run=$tmp/run$n
	out=$tmp/out$n
	cp -r "$top/tests/data/$1" "$run"
}
total() {
	grep '"row":"total"' "$out/results.jsonl"
}

copy soak-fixture
run "$report" "$run" "$out"
check "fixture: passes" '[ "$rc" = 0 ] && grep -q "^verdict: pass" "$tmp/out"'
check "fixture: 3 jump rows" '[ "$(grep -c "\"row\":\"jump\"" "$out/results.jsonl")" = 3 ]'
check "fixture: the totals" 'total | grep -q "\"jumps\":3,\"planned\":3,\"stopped\":\"jumps\",\"ops\":3000,\"refused\":1323,\"faults_injected\":1,\"handovers_refused\":1,\"lost\":0,\"hotplug_events\":0,\"hotplug_unplug_preserved\":0,\"sriov_switches\":0,\"dmesg_dirty\":0,\"verdict\":\"pass\""'
check "fixture: CSV has the rows" '[ "$(grep -c . "$out/results.csv")" = 5 ]'
check "fixture: meta.json" 'grep -q "\"schema\": \"lubench-soak-meta\"" "$out/meta.json"'

copy soak-fixture-duration
run "$report" "$run" "$out"
check "duration: passes after 2 of 5" '[ "$rc" = 0 ] && total | grep -q "\"jumps\":2,\"planned\":5,\"stopped\":\"duration\""'

copy soak-fixture
sed -i '/"lubench-soak-stress"/{/"cycle":3,/s/"lost":0,"why":""/"lost":1,"why":"thread 1 saw it"/}' "$run/results.txt"
run "$report" "$run" "$out"
check "a stress that lost: fails" '[ "$rc" = 1 ] && total | grep -q "\"lost\":1,"'
check "a stress that lost: says why" 'grep -q "FAIL: the stress lost: thread 1 saw it" "$tmp/out"'

copy soak-fixture
sed -i '/"where":"after-restore"/{/"cycle":1,/s/"clean":true,"matches":0,"first":""/"clean":false,"matches":1,"first":"WARNING: CPU: 0 PID: 1 at x"/}' "$run/results.txt"
run "$report" "$run" "$out"
check "a dirty log: fails" '[ "$rc" = 1 ] && total | grep -q "\"dmesg_dirty\":1,"'
check "a dirty log: names the line" 'grep -q "WARNING: CPU: 0 PID: 1 at x" "$tmp/out"'

copy soak-fixture
sed -i '/"lubench-soak-stress"/{/"cycle":1,/s/"lost":0,/"kept_plugged":1,"lost":0,/}' "$run/results.txt"
sed -i '/"lubench-cycle-restore"/{/"cycle":1,/s/"unretrieved":0,/"unretrieved":1,"missing":1,/}' "$run/results.txt"
run "$report" "$run" "$out"
check "a kept hot-plugged device missing after the jump: passes" '[ "$rc" = 0 ] && total | grep -q "\"kept_plugged\":1,\"missing\":1}"'
check "a kept hot-plugged device: its line" 'grep -qx "devices hot-plugged and kept preserved across a jump: 1; found missing in the next kernel (never marked, counted by finish): 1" "$tmp/out"'

copy soak-fixture
sed -i '/"lubench-soak-stress"/{/"cycle":1,/s/"lost":0,/"kept_plugged":1,"lost":0,/}' "$run/results.txt"
run "$report" "$run" "$out"
check "a kept hot-plugged device not missing after the jump: fails" '[ "$rc" = 1 ] && grep -q "FAIL: 1 hot-plugged devices kept across the jump, 0 missing in the next kernel" "$tmp/out"'

copy soak-fixture
sed -i '/"lubench-cycle-restore"/{/"cycle":2,/s/"refused":true/"refused":false/}' "$run/results.txt"
run "$report" "$run" "$out"
check "a faulted handover accepted: fails" '[ "$rc" = 1 ] && grep -q "a faulted handover was accepted" "$tmp/out"'

copy soak-fixture
sed -i '/"cycle":3,/d' "$run/results.txt"
run "$report" "$run" "$out"
check "a jump missing: fails" '[ "$rc" = 1 ] && total | grep -q "\"jumps\":2,\"planned\":3,\"stopped\":\"failure\""'

copy soak-fixture
sed -i '/"lubench-soak-stress"/{/"cycle":2,/s/"ops":1000,/"ops":-1,/}' "$run/results.txt"
run "$report" "$run" "$out"
check "a malformed line: exit 2" '[ "$rc" = 2 ]'
check "a malformed line: FILE:LINE" 'grep -q "results.txt:[0-9]*: " "$tmp/err"'

copy soak-fixture
sed -i '/"lubench-dmesg"/{/"cycle":2,/s/"cycle":2,/"cycle":9,/}' "$run/results.txt"
run "$report" "$run" "$out"
check "a jump not in the plan: exit 2" '[ "$rc" = 2 ] && grep -q "is not a jump of the plan (1..3)" "$tmp/err"'

copy soak-fixture
sed -i '/"lubench-soak-clock"/{/"stage":2,/s/"stage":2,/"stage":0,/}' "$run/results.txt"
run "$report" "$run" "$out"
check "the soak's clock at stage 0: exit 2, FILE:LINE and why" \
	'[ "$rc" = 2 ] && grep -qF "results.txt:8: \"stage\": 0 is not a jump of the plan or the one after it (1..4)" "$tmp/err"'

copy soak-fixture
sed -i '/"lubench-run"/s/"clock":"real"/"clock":"wall"/' "$run/results.txt"
run "$report" "$run" "$out"
check "a run on an unknown clock: exit 2" \
	'[ "$rc" = 2 ] && grep -qF "results.txt:20: \"clock\": \"wall\" is not real or icount" "$tmp/err"'

copy soak-fixture
grep '"lubench-run"' "$run/results.txt" >"$tmp/run-line"
cat "$tmp/run-line" >>"$run/results.txt"
run "$report" "$run" "$out"
check "a second lubench-run line: exit 2" \
	'[ "$rc" = 2 ] && grep -qF "results.txt:21: a second lubench-run line" "$tmp/err"'

# cycle.meta has cycle.sh's reader (bench/lib/cycle_meta.c).
copy soak-fixture
echo "threads=2" >>"$run/cycle.meta"
run "$report" "$run" "$out"
check "a cycle.meta key given twice: exit 2, FILE:LINE and why" \
	'[ "$rc" = 2 ] && grep -qF "cycle.meta:$(wc -l <"$run/cycle.meta"): threads given twice" "$tmp/err"'
copy soak-fixture
echo "no equals sign" >>"$run/cycle.meta"
run "$report" "$run" "$out"
check "a cycle.meta line without KEY=: exit 2 and why" \
	'[ "$rc" = 2 ] && grep -qF "want KEY=VALUE with KEY in [a-z_]" "$tmp/err"'

tap_done
