#!/bin/sh
# Print the options a workload file gives one stage, one per line,
# ready for `xargs` or a `while read` loop: "--key" then "value".
# Values with several words are joined by commas.
#
# usage: scripts/host/workload.sh WORKLOAD SECTION
# Exit: 0, 1 when the section is absent, 2 for a malformed file.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 WORKLOAD SECTION" >&2
	exit 2
fi
if [ ! -r "$1" ]; then
	echo "$1: cannot read the workload" >&2
	exit 2
fi

awk -v want="$2" -v file="$1" '
function fail(msg) {
	printf "%s:%d: %s\n", file, NR, msg > "/dev/stderr"
	bad = 1
	exit 2
}
{ sub(/#.*/, "") }
/^[ \t]*$/ { next }
/^[ \t]*\[/ {
	if ($0 !~ /^[ \t]*\[[a-z][a-z0-9-]*\][ \t]*$/)
		fail("malformed section header")
	section = $0
	gsub(/[][ \t]/, "", section)
	if (section == want)
		found = 1
	next
}
{
	if (section == "")
		fail("option outside a section")
	eq = index($0, "=")
	if (!eq)
		fail("expected key = value")
	key = substr($0, 1, eq - 1)
	val = substr($0, eq + 1)
	gsub(/^[ \t]+|[ \t]+$/, "", key)
	gsub(/^[ \t]+|[ \t]+$/, "", val)
	if (key !~ /^[a-z][a-z0-9-]*$/)
		fail("bad key \"" key "\"")
	if (val == "")
		fail("no value for \"" key "\"")
	if (val !~ /^[A-Za-z0-9_.,:+ \t-]+$/)
		fail("unexpected character in the value of \"" key "\"")
	if (section != want)
		next
	gsub(/[ \t]+/, ",", val)
	print "--" key
	print val
}
END {
	if (bad)
		exit 2
	exit found ? 0 : 1
}' "$1"
