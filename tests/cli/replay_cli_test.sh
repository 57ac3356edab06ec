#!/bin/sh
# End-to-end tests of `lubench replay` and `lubench inspect`: outputs
# against hand-written expectations, exit codes, and bad input refused
# with its reason before anything runs.
#
# usage: replay_cli_test.sh REPLAY INSPECT LIST TRACEDIR
#   LIST  lubench-list: the layouts come from the registry
set -eu

if [ $# -ne 4 ]; then
	echo "usage: $0 REPLAY INSPECT LIST TRACEDIR" >&2
	exit 2
fi
R=$1
I=$2
LAYOUTS=$("$3" variants)
D=$4
[ -n "$LAYOUTS" ] || { echo "$0: no layouts from $3 variants" >&2; exit 2; }
# shellcheck disable=SC2086 # one name a line
VARIANTS="all $(echo $LAYOUTS)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

# The golden output of TRACE for a layout: TRACE.RULES.out where the rules
# it brings (`lubench list rules`) make it differ from v2's, else TRACE.out.
"$3" rules >"$tmp/rules0"
golden() {
	if [ "$2" != all ]; then
		gr=$(awk -v v="$2" '{ for (i = 2; i <= NF; i++) if ($i == v) print $1 }' \
			"$tmp/rules0")
		if [ -f "$D/$1.$gr.out" ]; then
			echo "$D/$1.$gr.out"
			return
		fi
	fi
	echo "$D/$1.out"
}

# expect_rc WANT DESC CMD...: run CMD (stdout to $tmp/out, stderr to
# $tmp/err) and check its exit status.
expect_rc() {
	want=$1
	desc=$2
	shift 2
	rc=0
	timeout 120 "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc, want $want)"
	fi
}

# expect_err TEXT DESC: the last command's stderr has exactly this line.
expect_err() {
	if grep -qxF -- "$1" "$tmp/err"; then
		ok "$2"
	else
		not_ok "$2 (stderr lacks '$1')"
	fi
}

expect_no_stdout() {
	if [ -s "$tmp/out" ]; then
		not_ok "$1 (ops ran)"
	else
		ok "$1"
	fi
}

# Golden traces, every variant and all of them in lockstep.
for t in rules domains; do
	for v in $VARIANTS; do
		expect_rc 0 "$t --variant $v" "$R" --variant "$v" "$D/$t.trace"
		if cmp -s "$tmp/out" "$(golden "$t" "$v")"; then
			ok "$t --variant $v output"
			else
			not_ok "$t --variant $v output"
			diff "$(golden "$t" "$v")" "$tmp/out" | head -5 | sed 's/^/#   /'
		fi
	done
done

# Bridges, paths, freeze, jump and finish under each revision's rules:
# every layout that follows them, alone and all in lockstep, gives the
# hand-written output; a layout of other rules is refused.
"$3" rules >"$tmp/rules"
while read -r rules members; do
	if [ -z "$members" ]; then
		expect_rc 2 "bridges --rules $rules: no layout" "$R" \
			--rules "$rules" "$D/bridges.trace"
		expect_err "no layout follows $rules's rules" \
			"bridges --rules $rules: says no layout follows"
		continue
	fi
	for v in all $members; do
		expect_rc 0 "bridges --rules $rules --variant $v" "$R" \
			--rules "$rules" --variant "$v" "$D/bridges.trace"
		if cmp -s "$tmp/out" "$D/bridges.$rules.out"; then
			ok "bridges --rules $rules --variant $v output"
		else
			not_ok "bridges --rules $rules --variant $v output"
			diff "$D/bridges.$rules.out" "$tmp/out" | head -5 |
				sed 's/^/#   /'
		fi
	done
	for v in $LAYOUTS; do
		case " $members " in *" $v "*) continue ;; esac
		expect_rc 2 "bridges --rules $rules --variant $v refused" "$R" \
			--rules "$rules" --variant "$v" "$D/bridges.trace"
		expect_no_stdout "bridges --rules $rules --variant $v: nothing ran"
	done
done <"$tmp/rules"
# A jump whose retrieve fails: the old table stays, no longer frozen.
printf 'rules v6\ncapacity 4\npreserve 0000:01:00.0\nfreeze\nfault alloc 1\njump\nunpreserve 0000:01:00.0\n' \
	>"$tmp/nojump.trace"
for v in $("$3" rules | awk '$1 == "v6" { $1 = ""; print }'); do
	expect_rc 0 "refused jump, $v" "$R" --variant "$v" "$tmp/nojump.trace"
	if tail -n 2 "$tmp/out" | tr '\n' ';' |
	   grep -qx 'jump -> refused: out of memory;unpreserve 0000:01:00.0 -> ok;'; then
		ok "refused jump, $v: the table is kept, not frozen"
	else
		not_ok "refused jump, $v: the table is kept, not frozen"
	fi
done
printf 'rules v6\ncapacity 4\nfind 0000:00:01.0\n' >"$tmp/r6.trace"
expect_rc 2 "--rules against the trace's rules" "$R" --rules v2 "$tmp/r6.trace"
expect_err "$tmp/r6.trace:1: rules v6, but --rules v2" \
	"--rules against the trace's: both named"
expect_rc 2 "--rules unknown" "$R" --rules v9 "$D/bridges.trace"
expect_err "--rules v9: unknown (v2, v6, kho-blocks)" "--rules unknown: named"

# The handover: save in one layout, inspect, load in the next "kernel".
for v in $LAYOUTS; do
	b="$tmp/$v.blob"
	expect_rc 0 "$v: save" "$R" --variant "$v" --save "$b" \
		"$D/handover-1.trace"
	expect_rc 0 "$v: inspect" "$I" "$b"
	if grep -qx "entries:      3" "$tmp/out" &&
	   grep -qx "layout:       $v" "$tmp/out"; then
		ok "$v: inspect shows the layout and 3 entries"
	else
		not_ok "$v: inspect shows the layout and 3 entries"
	fi
	for args in "--variant $v" "" "--variant all"; do
		# shellcheck disable=SC2086 # $args is a list of words
		expect_rc 0 "$v: load ($args)" "$R" $args --load "$b" \
			"$D/handover-2.trace"
		if cmp -s "$tmp/out" "$(golden handover-2 "$v")"; then
			ok "$v: load ($args) output"
		else
			not_ok "$v: load ($args) output"
		fi
	done
done

# A blob refused by the layout that did not write it, and the reason.
other=v2
expect_rc 2 "compatible mismatch" "$R" --variant "$other" \
	--load "$tmp/hashed.blob" "$D/handover-2.trace"
expect_err "$tmp/hashed.blob: compatible mismatch: blob is lubench,pci-ser-hashed-v1, variant v2 expects lubench,pci-ser-v2" \
	"compatible mismatch names both"
expect_no_stdout "compatible mismatch: nothing ran"

printf 'capacity 5\nfind 0000:00:02.0\n' >"$tmp/cap5.trace"
expect_rc 2 "capacity differs from the blob's" "$R" --load \
	"$tmp/linear.blob" "$tmp/cap5.trace"
expect_err "$tmp/cap5.trace: capacity 5 does not match the blob's 4" \
	"capacity mismatch reason"
expect_no_stdout "capacity mismatch: nothing ran"

# Corrupted and truncated blobs: inspect and replay refuse them.
cp "$tmp/hashed.blob" "$tmp/bad.blob"
printf '\377' | dd of="$tmp/bad.blob" bs=1 seek=120 conv=notrunc 2>/dev/null
expect_rc 2 "inspect: corrupted byte" "$I" "$tmp/bad.blob"
expect_err "$tmp/bad.blob: invalid blob: checksum mismatch" \
	"inspect names the checksum"
expect_rc 2 "replay: corrupted blob" "$R" --load "$tmp/bad.blob" \
	"$D/handover-2.trace"
expect_no_stdout "corrupted blob: nothing ran"
head -c 50 "$tmp/hashed.blob" >"$tmp/short.blob"
expect_rc 2 "inspect: truncated" "$I" "$tmp/short.blob"
expect_err "$tmp/short.blob: invalid blob: truncated" "inspect says truncated"
printf 'not a blob at all' >"$tmp/junk.blob"
expect_rc 2 "inspect: junk" "$I" "$tmp/junk.blob"
expect_err "$tmp/junk.blob: invalid blob: bad magic" "inspect says bad magic"
expect_rc 2 "inspect: missing file" "$I" "$tmp/nonexistent.blob"

# Malformed traces are refused before any op runs.
printf 'capacity 4\npreserve 0000:00:01.0\nfind 0000:00:01.8\n' \
	>"$tmp/badfn.trace"
expect_rc 2 "bad function" "$R" "$tmp/badfn.trace"
expect_err "$tmp/badfn.trace:3: function number above 7: '0000:00:01.8'" \
	"bad function reason"
expect_no_stdout "bad trace: nothing ran"
printf 'preserve 0000:00:01.0\n' >"$tmp/nocap.trace"
expect_rc 2 "no capacity" "$R" "$tmp/nocap.trace"
expect_err "$tmp/nocap.trace:1: no capacity line before the first op" \
	"no capacity reason"
expect_rc 2 "unknown variant" "$R" --variant nosuch "$D/rules.trace"
expect_rc 2 "--save needs one variant" "$R" --save "$tmp/x.blob" \
	"$D/rules.trace"
expect_rc 2 "missing trace" "$R" "$tmp/nonexistent.trace"

# Inputs that are no blob or trace file: refused by name, bounded.
mkdir "$tmp/adir"
expect_rc 2 "inspect: a directory" "$I" "$tmp/adir"
expect_err "$tmp/adir: is a directory" "inspect says it is a directory"
expect_rc 2 "inspect: /dev/zero" "$I" /dev/zero
expect_err "/dev/zero: not a regular file" "inspect says /dev/zero is no file"
truncate -s 300M "$tmp/huge.blob"
expect_rc 2 "inspect: a 300 MiB file" "$I" "$tmp/huge.blob"
expect_err "$tmp/huge.blob: larger than the limit of 257 MiB" \
	"inspect names the size limit"
expect_rc 2 "replay --load: a 300 MiB file" "$R" --load "$tmp/huge.blob" \
	"$D/handover-2.trace"
expect_err "$tmp/huge.blob: larger than the limit of 257 MiB" \
	"replay --load names the size limit"
rm -f "$tmp/huge.blob"
expect_rc 2 "replay: a directory as the trace" "$R" "$tmp/adir"
expect_err "$tmp/adir: is a directory" "replay says it is a directory"
expect_rc 2 "replay: /dev/zero as the trace" "$R" /dev/zero
expect_err "/dev/zero:1: NUL byte in the line" "replay stops at the first NUL"
head -c 2000000 /dev/zero | tr '\0' 'a' >"$tmp/long.trace"
expect_rc 2 "replay: a 2 MB line" "$R" "$tmp/long.trace"
expect_err "$tmp/long.trace:1: line longer than the limit of 1 MiB" \
	"replay names the line limit"

# --save to a place that cannot be written: refused before any op runs,
# nothing left behind.
expect_rc 2 "--save into a missing directory" "$R" --variant linear \
	--save "$tmp/nodir/x.blob" "$D/rules.trace"
expect_err "--save $tmp/nodir/x.blob: cannot write there: No such file or directory" \
	"--save names the path"
expect_no_stdout "--save into a missing directory: no op ran"
expect_rc 2 "--save onto a directory" "$R" --variant linear \
	--save "$tmp/adir" "$D/rules.trace"
expect_err "--save $tmp/adir: is a directory" "--save onto a directory says so"
expect_no_stdout "--save onto a directory: no op ran"
if [ -z "$(ls -A "$tmp/adir")" ]; then
	ok "--save onto a directory: nothing left in it"
else
	not_ok "--save onto a directory: nothing left in it"
fi
# A disagreement is not saved either: the blob would be of a wrong table.
expect_rc 0 "--save: a good save" "$R" --variant cursor --save \
	"$tmp/adir/good.blob" "$D/rules.trace"
if [ "$(ls -A "$tmp/adir")" = good.blob ]; then
	ok "--save: only the blob, no temporary file"
else
	not_ok "--save: only the blob, no temporary file ($(ls -A "$tmp/adir"))"
fi

# vf belongs to preserve only; a control character is named, not ''.
printf 'capacity 4\nfind 0000:00:01.0 vf\n' >"$tmp/vffind.trace"
expect_rc 2 "vf on find" "$R" "$tmp/vffind.trace"
expect_err "$tmp/vffind.trace:2: 'vf' only applies to preserve, not find" \
	"vf on find reason"
printf 'capacity 4\nunpreserve 0000:00:01.0 vf\n' >"$tmp/vfun.trace"
expect_rc 2 "vf on unpreserve" "$R" "$tmp/vfun.trace"
expect_err "$tmp/vfun.trace:2: 'vf' only applies to preserve, not unpreserve" \
	"vf on unpreserve reason"
printf 'capacity 4\n\033 0000:00:01.0\n' >"$tmp/ctrl.trace"
expect_rc 2 "a control character as the op" "$R" "$tmp/ctrl.trace"
expect_err "$tmp/ctrl.trace:2: unknown op '\x1b'" "the control character is named"
expect_no_stdout "bad op: nothing ran"

# A long random trace: every layout must agree on every op.
awk -v seed=7 'BEGIN {
	srand(seed); print "capacity 2500"
	for (i = 0; i < 30000; i++) {
		r = rand(); d = int(rand() * 3000)
		dev = sprintf("%x:%02x:%02x.%x", (d % 4) * 65536 + (d % 3),
			      int(d / 32) % 256, int(d / 8) % 32, d % 8)
		vf = (d % 17 == 0) ? " vf" : ""
		if (r < 0.5) print "preserve " dev vf
		else if (r < 0.7) print "unpreserve " dev
		else print "find " dev
	}
}' >"$tmp/random.trace"
expect_rc 0 "random trace, all variants agree" "$R" --variant all \
	"$tmp/random.trace"

tap_done
