#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every tests/integration/*.sh with NR_BIN (the binary under test),
# NR_HELPERS and NR_SHARED_DIR set by the Makefile.  A script exits 0 on
# pass, 77 on skip (with its reason on stderr), anything else on failure.
# NR_TESTS="name1 name2" (make check-integration T="...") runs only those.
set -u
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0 skip=0
for t in "$here"/integration/*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	if [ -n "${NR_TESTS:-}" ]; then
		case " $NR_TESTS " in *" $name "*) ;; *) continue ;; esac
	fi
	out=$(mktemp)
	if sh "$t" >"$out" 2>&1; then
		rc=0
	else
		rc=$?
	fi
	case $rc in
	0) pass=$((pass + 1)); echo "ok   $name" ;;
	77) skip=$((skip + 1)); echo "skip $name: $(tail -n 1 "$out")" ;;
	*) fail=$((fail + 1)); echo "FAIL $name (exit $rc)"; sed 's/^/     | /' "$out" ;;
	esac
	rm -f "$out"
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
