#!/bin/sh
# lubench stress end to end: scenarios written here (not in the tree) run
# to `lost 0` on every layout at 1..8 threads with hot-plug, VFs and
# every fault kind, under ASan/UBSan and ThreadSanitizer, each kind
# injected; the trace of a run replays to exactly what each op gave,
# every fault line included; a model broken on purpose is caught, its
# trace reproduces the op; bad scenarios are refused as FILE:LINE before
# anything runs.  Never a timing.
#
# usage: stress_test.sh STRESS STRESS_TSAN REPLAY LIST
set -eu

[ $# -eq 4 ] || { echo "usage: $0 STRESS STRESS_TSAN REPLAY LIST" >&2; exit 2; }
S=$1
T=$2
R=$3
LAYOUTS=$("$4" variants)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# A scenario of every kind: 1..8 threads, hot-plug, VFs, every fault
# kind, jumps.
cat >"$tmp/heavy.conf" <<'CONF'
[stress]
threads = 8
ops = 1500
mix = preserve:40,unpreserve:20,find:20,finish:5,freeze:5,hotplug:12
own = 6
shared = 24
domains = 2
root-ports = 3
switch-ports = 3
functions = 4
vf = 10
spare = 20
faults = 20
fault-kinds = all
freeze-window = 8
check-every = 64
seed = 7
CONF
run "$S" "$tmp/heavy.conf" --out "$tmp/heavy"
check "heavy scenario: every layout, lost 0" \
	'[ "$rc" = 0 ] && grep -qx "lost 0" "$tmp/out"'
for v in $LAYOUTS; do
	check "heavy scenario: $v ran at 8 threads" \
		'grep -q "\"variant\":\"$v\".*\"threads\":8" "$tmp/heavy/results.jsonl"'
done
check "heavy scenario: faults, hot-plug and jumps happened" \
	'grep -q "\"faults\":[1-9]" "$tmp/heavy/results.jsonl" &&
	 grep -q "\"hotplug\":[1-9]" "$tmp/heavy/results.jsonl" &&
	 grep -q "\"jumps\":[1-9]" "$tmp/heavy/results.jsonl"'
# Each layout's rows summed: COLUMN's total for LAYOUT (results.csv).
total() {
	awk -F, -v v="$1" -v col="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["variant"] == v { s += $c[col] }
		END { print s + 0 }' "$tmp/heavy/results.csv"
}
KINDS="alloc_preserve alloc_grow alloc_freeze alloc_retrieve halfway
double_jump double_finish missing renumber"
for v in $LAYOUTS; do
	zero=
	for k in $KINDS; do
		[ "$(total "$v" "$k")" -gt 0 ] || zero="$zero $k"
	done
	check "heavy scenario: $v: every fault kind injected" '[ -z "$zero" ]'
	# Renumbered buses: other devices at the BDFs, unless the rules
	# keep bus numbers (the newest revision's, kho-blocks').
	rules=$(awk -F, -v v="$v" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["variant"] == v { print $c["rules"]; exit }' "$tmp/heavy/results.csv")
	if [ "$rules" = kho-blocks ]; then
		check "heavy scenario: $v keeps bus numbers: nothing aliased" \
			'[ "$(total "$v" aliased)" = 0 ]'
	else
		check "heavy scenario: $v ($rules rules): renumbering aliased entries" \
			'[ "$(total "$v" aliased)" -gt 0 ]'
	fi
done
check "heavy scenario: the kinds in meta.json and the table" \
	'[ "$(tr -d " \n" <"$tmp/heavy/meta.json" | grep -o "\"fault_kinds\":\[[^]]*\]")" = \
	   "\"fault_kinds\":[\"alloc-preserve\",\"alloc-grow\",\"alloc-freeze\",\"alloc-retrieve\",\"halfway\",\"double-jump\",\"double-finish\",\"missing\",\"renumber\"]" ] &&
	 grep -q "^layout  *threads alloc-preserve alloc-grow" "$tmp/out"'

run "$T" "$tmp/heavy.conf" --threads 4 --ops 800 --out "$tmp/tsan"
check "ThreadSanitizer: lost 0, no report" \
	'[ "$rc" = 0 ] && grep -qx "lost 0" "$tmp/out" &&
	 ! grep -q ThreadSanitizer "$tmp/err"'

# One thread: the trace replays to what each op gave, every fault kind
# in it (freezes and faults more often, so each kind comes up).
MANY="--faults 40 --mix preserve:40,unpreserve:15,find:15,finish:8,freeze:8,hotplug:10"
for v in $LAYOUTS; do
	# shellcheck disable=SC2086
	run "$S" "$tmp/heavy.conf" --variant "$v" --threads 1 --ops 3000 $MANY \
		--out "$tmp/one-$v" --trace "$tmp/$v.trace"
	check "$v: one thread, lost 0, trace written" \
		'[ "$rc" = 0 ] && [ -s "$tmp/$v.trace" ] && [ -s "$tmp/$v.trace.out" ]'
	missing=
	for l in '^fault alloc [1-3]$' '^fault alloc all$' '^jump halfway$' \
		 '^jump again$' '^finish .* again$' '^missing ' '^renumber '; do
		grep -q "$l" "$tmp/$v.trace" || missing="$missing '$l'"
	done
	check "$v: the trace has a line of every fault kind" '[ -z "$missing" ]'
	rc=0
	"$R" --variant "$v" "$tmp/$v.trace" >"$tmp/replayed" 2>"$tmp/err" || rc=$?
	grep -v '^  ' "$tmp/replayed" >"$tmp/replayed.ops" || true
	check "$v: replay of the trace gives what each op gave" \
		'[ "$rc" = 0 ] && cmp -s "$tmp/replayed.ops" "$tmp/$v.trace.out"'
done

# A model broken on purpose: caught, and its trace shows the table's answer.
run "$S" --variant v2 --threads 1 --ops 2000 --break-model-at 300 \
	--out "$tmp/broken"
check "broken model: exit 1 and a VIOLATION" \
	'[ "$rc" = 1 ] && grep -q "VIOLATION" "$tmp/out" && grep -qx "lost 1" "$tmp/out"'
vt=$tmp/broken/violation-v2-1.trace
line=$(grep -o 'violation-v2-1.trace:[0-9]*' "$tmp/out" | head -1)
line=${line##*:}
rc=0
"$R" --variant v2 "$vt" >"$tmp/replayed" 2>"$tmp/err" || rc=$?
grep -v '^  ' "$tmp/replayed" >"$tmp/replayed.ops" || true
check "broken model: replay reproduces every op to the violation" \
	'[ "$rc" = 0 ] && cmp -s "$tmp/replayed.ops" "$tmp/broken/violation-v2-1.out"'
want=$(sed -n "${line}p" "$vt")
check "broken model: the line named is the op that disagreed" \
	'[ -n "$want" ] && tail -n 1 "$tmp/replayed.ops" | grep -qF -- "$want ->"'

# Broken with every fault kind on: the violation's trace, renumberings,
# halfway blobs and all, still replays to the op that disagreed.
for v in $LAYOUTS; do
	# shellcheck disable=SC2086
	run "$S" "$tmp/heavy.conf" --variant "$v" --threads 1 --ops 3000 $MANY \
		--break-model-at 2500 --out "$tmp/broken-$v"
	check "broken model, every fault kind, $v: a VIOLATION" \
		'[ "$rc" = 1 ] && grep -q "VIOLATION" "$tmp/out"'
	vt=$tmp/broken-$v/violation-$v-1.trace
	line=$(grep -o "violation-$v-1.trace:[0-9]*" "$tmp/out" | head -1)
	line=${line##*:}
	rc=0
	"$R" --variant "$v" "$vt" >"$tmp/replayed" 2>"$tmp/err" || rc=$?
	grep -v '^  ' "$tmp/replayed" >"$tmp/replayed.ops" || true
	want=$(sed -n "${line:-0}p" "$vt" 2>/dev/null)
	check "broken model, every fault kind, $v: replay reproduces it to the line named" \
		'[ "$rc" = 0 ] && cmp -s "$tmp/replayed.ops" "$tmp/broken-$v/violation-$v-1.out" &&
		 grep -q "^renumber " "$vt" && [ -n "$want" ] &&
		 tail -n 1 "$tmp/replayed.ops" | grep -qF -- "$want ->"'
done

# Bad scenarios: refused at their line, nothing written.
bad() {
	printf '[stress]\n%s\n' "$1" >"$tmp/bad.conf"
	run "$S" "$tmp/bad.conf" --out "$tmp/badout"
	if [ "$rc" = 2 ] && grep -qF -- "$2" "$tmp/err" && [ ! -e "$tmp/badout" ]; then
		ok "refused: $1"
	else
		not_ok "refused: $1 (want '$2')"
	fi
}
bad 'thraeds = 4' 'bad.conf:2: unknown option "thraeds"'
bad 'threads = 0' 'bad.conf:2'
bad 'threads = 4,2' 'give them ascending'
bad 'threads = 99' 'bad.conf:2'
bad 'mix = preserve:40,explode:3' "unknown op 'explode'"
bad 'mix = find' 'OP:WEIGHT'
bad 'mix = find:0' 'every weight is 0'
bad 'own = 5000' 'bad.conf:2'
bad 'own = 300' 'endpoint functions'
bad 'vf = 101' 'bad.conf:2'
bad 'duration = 10x' 'a number with ms, s or m'
bad 'duration = 61m' 'bad.conf:2'
bad 'variant = nope' "unknown layout 'nope'"
bad 'fault-kinds = halfway,bogus' "bad.conf:2: --fault-kinds: unknown kind 'bogus'"
bad 'fault-kinds = ' 'bad.conf:2'
bad 'fault-kinds = missing,,renumber' 'bad.conf:2: --fault-kinds: empty item'
bad 'fault-kinds = Halfway' "unknown kind 'Halfway'"
bad 'root-ports = 31
switch-ports = 32' 'more than 256'
printf '[bnech]\nn = 4\n' >"$tmp/bad.conf"
run "$S" "$tmp/bad.conf" --out "$tmp/badout"
check "refused: an unknown section" '[ "$rc" = 2 ] && [ ! -e "$tmp/badout" ]'
printf '[bench]\nn = 4\n' >"$tmp/bad.conf"
run "$S" "$tmp/bad.conf" --out "$tmp/badout"
check "refused: no [stress] section" \
	'[ "$rc" = 2 ] && grep -q "no \[stress\] section" "$tmp/err"'
run "$S" --threads 3 --ops 10 --bogus --out "$tmp/badout"
check "refused: an unknown option" '[ "$rc" = 2 ] && [ ! -e "$tmp/badout" ]'

tap_done
