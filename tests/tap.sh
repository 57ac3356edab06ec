# Sourced by the shell tests: TAP lines, the closing plan and count, and
# the checks every test of bad input makes.  Expects $tmp (a scratch
# directory); on a failure, shows what the last command left in $tmp/out
# and $tmp/err.

pass=0
fail=0
echo "TAP version 13"

# ok DESC, not_ok DESC: one result line.  not_ok shows what the last
# command left in $tmp/out and $tmp/err.
ok() {
	pass=$((pass + 1))
	echo "ok $((pass + fail)) $1"
}

not_ok() {
	fail=$((fail + 1))
	echo "not ok $((pass + fail)) $1"
	sed 's/^/#   /' "$tmp/out" "$tmp/err" 2>/dev/null | head -5
	return 0
}

# check DESC EXPR: EXPR is evaluated in the caller's context.
check() {
	if eval "$2"; then
		ok "$1"
	else
		not_ok "$1"
	fi
}

# run CMD...: CMD's stdout in $tmp/out, stderr in $tmp/err, its exit
# status in $rc; never longer than 120 s.
run() {
	rc=0
	timeout 120 "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# refused DESC RC LINE: the last run() exited RC and printed LINE, whole,
# on stderr: a refusal names what is wrong.
refused() {
	_want_rc=$2
	_want_line=$3
	check "$1: exit $2" '[ "$rc" = "$_want_rc" ]'
	check "$1: says why" 'grep -qxF -- "$_want_line" "$tmp/err"'
}

# absent DESC PATH...: nothing was left at any PATH.
absent() {
	_desc=$1
	shift
	_left=""
	for _p in "$@"; do
		[ ! -e "$_p" ] || _left="$_left $_p"
	done
	check "$_desc: nothing left behind" '[ -z "$_left" ]'
}

# fake_qemu: a qemu-system-x86_64 in $tmp/bin (put it first on PATH)
# that fails and records each call in $tmp/qemu-called, for the tests
# that a refusal comes before any boot.
fake_qemu() {
	mkdir -p "$tmp/bin"
	cat >"$tmp/bin/qemu-system-x86_64" <<EOS
#!/bin/sh
echo "\$*" >>"$tmp/qemu-called"
exit 1
EOS
	chmod +x "$tmp/bin/qemu-system-x86_64"
}

# json_value FILE ROW KEY: the raw text of KEY's value in row ROW (1-based)
# of a JSON-lines file the suite wrote (compact, one object per line): a
# string with its quotes, a number, true, false or null.  For exact
# comparisons in tests; the suite's own scripts never read JSON.
json_value() {
	sed -n "${2}p" "$1" |
		sed -n "s/.*[{,]\"$3\":\\(\"[^\"]*\"\\|\\[[^]]*\\]\\|[^,}]*\\)[,}].*/\\1/p"
}

# The plan and the plain closing line ctest and CI read; exit status 1 on
# a failure.
tap_done() {
	echo "1..$((pass + fail))"
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}
