# Sourced by the shell tests: TAP lines and the closing count.
# Expects $tmp (a scratch directory); on a failure, shows what the
# last command left in $tmp/out and $tmp/err.

pass=0
fail=0

# check DESC EXPR: EXPR is evaluated in the caller's context.
check() {
	if eval "$2"; then
		pass=$((pass + 1))
		echo "ok $((pass + fail)) $1"
	else
		fail=$((fail + 1))
		echo "not ok $((pass + fail)) $1"
		sed 's/^/#   /' "$tmp/out" "$tmp/err" 2>/dev/null | head -5
	fi
}

# The plain closing line ctest and CI read; exit status 1 on a failure.
tap_done() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}
