#!/bin/sh
# One test's verdict from a KTAP file written by a guest run, so ctest
# counts every guest test on its own.
#
# usage: tests/guest/ktap_result.sh KTAP_FILE TEST_NAME
# Exit: 0 ok, 1 not ok / missing / no KTAP, 4 skipped (with the reason).
set -eu

[ $# -eq 2 ] || { echo "usage: $0 KTAP_FILE TEST_NAME" >&2; exit 2; }
ktap=$1
name=$2

if [ ! -f "$ktap" ]; then
	echo "no KTAP at $ktap: the guest run (ctest guest_dev or guest_fuzz) did not get that far"
	exit 1
fi
if grep -q '^1\.\.0 # SKIP' "$ktap"; then
	sed -n 's/^1\.\.0 # SKIP /SKIP: /p' "$ktap"
	exit 4
fi
line=$(grep -E "^(not )?ok [0-9]+ $name( #.*)?\$" "$ktap" | tail -n 1 || true)
case "$line" in
'')
	echo "$name: not in the guest's KTAP (crashed before it, or not run)"
	tail -n 5 "$ktap"
	exit 1
	;;
"not ok"*)
	echo "$line"
	# The harness's lines for this test, for the reader.
	grep -F "$name" "$ktap" | head -n 20
	exit 1
	;;
*"# SKIP"*)
	echo "$line"
	exit 4
	;;
*)
	echo "$line"
	;;
esac
