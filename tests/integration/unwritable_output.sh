#!/bin/sh
# SPDX-License-Identifier: MIT
# An output location that cannot be written is refused up front: exit 1, one
# clear error line naming the place, and nothing left behind (no bundle, no
# temporary or spool file).  Root can write anywhere, so the unwritable
# directory case runs as uid 65534.
. "$(dirname "$0")/../lib.sh"

# A directory that does not exist (as whoever we are).
run_nr collect -o /nonexistent/dir/x.tar.zst --only kernel
expect_rc 1 "-o /nonexistent/dir/x.tar.zst"
assert_eq "$(line_count "$T/err")" 1 "stderr lines for a missing output directory ($(cat "$T/err"))"
grep -q '^nest-report: error: .*/nonexistent/dir' "$T/err" || { show "$T/err"; fail "the error does not name /nonexistent/dir"; }
[ ! -e /nonexistent ] || fail "/nonexistent was created"

# -o naming a directory that does not exist, with a trailing slash.
run_nr collect -o "$T/missing/" --only kernel
expect_rc 1 "-o MISSING_DIR/"
[ ! -e "$T/missing" ] || fail "$T/missing was created"

need_nobody
mkdir -p "$T/ro"
chown 65534:65534 "$T/ro"
chmod 0500 "$T/ro"
as_nobody test -w "$T/ro" && fail "setup: uid 65534 can write $T/ro"
for o in "$T/ro" "$T/ro/named.tar.zst"; do
	RC=0
	(cd "$T" && as_nobody "$NR_BIN" collect -o "$o" --only kernel) >"$T/out" 2>"$T/err" || RC=$?
	no_sanitizer_report "$T/err" "collect -o $o as uid 65534"
	expect_rc 1 "-o $o, not writable by uid 65534"
	assert_eq "$(line_count "$T/err")" 1 "stderr lines for an unwritable output ($(cat "$T/err"))"
	grep -q "^nest-report: error: .*$T/ro.*Permission denied" "$T/err" ||
		{ show "$T/err"; fail "the error does not name $T/ro and say permission denied"; }
	[ ! -s "$T/out" ] || { show "$T/out"; fail "-o $o: something printed on stdout though nothing was written"; }
	chmod 0700 "$T/ro"
	assert_empty_dir "$T/ro" "-o $o (unwritable)"
	chmod 0500 "$T/ro"
done
exit 0
