#!/bin/sh
# Every shell script of the tree parses (sh -n, the shell that runs them):
# a script only the long main job reaches must not wait for it to find a
# syntax error.  usage: scripts_syntax_test.sh SOURCE_DIR
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/tap.sh"

# The check itself can fail: a broken script is refused.
printf 'true\n && {\n\techo x\n}\n' >"$tmp/broken.sh"
if sh -n "$tmp/broken.sh" 2>/dev/null; then
	not_ok "sh -n refuses a script with a syntax error"
else
	ok "sh -n refuses a script with a syntax error"
fi

n=0
for f in "$src/lubench" "$src/.ci/run" $(find "$src/scripts" "$src/tests" \
	-name '*.sh' -type f | sort); do
	n=$((n + 1))
	rel=${f#"$src"/}
	if sh -n "$f" >"$tmp/out" 2>"$tmp/err"; then
		ok "$rel parses"
	else
		not_ok "$rel parses"
	fi
done
check "found the scripts ($n)" '[ "$n" -ge 20 ]'
tap_done
