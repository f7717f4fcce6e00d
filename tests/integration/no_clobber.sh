#!/bin/sh
# SPDX-License-Identifier: MIT
# Two runs into the same directory must give two bundles.  The default name
# has a one-second timestamp, so quick successive runs get the same name;
# the second must not silently replace the first one's evidence.
. "$(dirname "$0")/../lib.sh"
mkdir -p "$T/out-dir"
for i in 1 2 3; do
	run_nr collect -o "$T/out-dir" --only kernel -q
	expect_rc 0 "run $i"
	echo "run $i: $(cat "$T/out")"
done
n=$(ls -A "$T/out-dir" | wc -l | tr -d ' ')
assert_eq "$n" 3 "bundles after 3 runs into one directory ($(ls -A "$T/out-dir" | tr '\n' ' '))"
exit 0
