#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs each cmocka unit test binary given as an argument; fails if any fails.
set -u
fail=0
for t in "$@"; do
	echo "== $(basename "$t")"
	if ! "$t"; then
		echo "FAILED: $t" >&2
		fail=1
	fi
done
exit $fail
