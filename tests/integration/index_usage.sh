#!/bin/sh
# SPDX-License-Identifier: MIT
# nest-report index: usage errors exit 2 with one "nest-report: " line and
# a hint, touching no database; --help of index and of each of its
# commands exits 0; a database that cannot be used is exit 1 with one line
# naming it, and a PostgreSQL password never appears in a message.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/index-lib.sh"
need_cmd sqlite3

DB="$T/db/index.sqlite"

usage_error() { # WHAT ARGS...
	_what=$1
	shift
	run_nr index "$@"
	expect_rc 2 "$_what (index $*)"
	[ ! -s "$T/out" ] || { show "$T/out"; fail "$_what: usage error printed on stdout"; }
	assert_eq "$(line_count "$T/err")" 2 "$_what: lines on stderr ($(cat "$T/err"))"
	case $(sed -n 1p "$T/err") in "nest-report: "?*) ;; *) show "$T/err"; fail "$_what: first line" ;; esac
	case $(sed -n 2p "$T/err") in *"hint: see 'nest-report index"*--help*) ;; *) show "$T/err"; fail "$_what: hint" ;; esac
	[ ! -e "$T/db" ] || fail "$_what: a database was created"
}

usage_error "no command"
usage_error "unknown command" frobnicate --db "$DB"
usage_error "add without a bundle" add --db "$DB"
usage_error "query with an operand" query extra --db "$DB"
usage_error "similar without a bundle" similar --db "$DB"
usage_error "similar with two" similar a b --db "$DB"
usage_error "an option of another command" add x.tar.zst --limit 3 --db "$DB"
usage_error "--all on query" query --all --db "$DB"
usage_error "unknown option" query --frobnicate --db "$DB"
usage_error "missing value" query --db
usage_error "--fact without operator" query --fact kvm.module --db "$DB"
usage_error "--fact without value" query --fact kvm.module= --db "$DB"
usage_error "--fact comparing a non-version" query --fact 'kernel.release>=new' --db "$DB"
usage_error "--fact comparing a word set" query --fact 'cpu.flags>=1' --db "$DB"
usage_error "--finding of no rule" query --finding no-such-rule --db "$DB"
usage_error "--level not an id" query --level L1 --db "$DB"
usage_error "--since not a date" query --since 2025-13 --db "$DB"
usage_error "--until not a date" stats --until yesterday --db "$DB"
usage_error "--by not a period" stats --by week --db "$DB"
usage_error "--limit not a count" query --limit -1 --db "$DB"
usage_error "--limit 0 on similar" similar x --limit 0 --db "$DB"
run_nr index query --fact 'kernel.release>=new' --db "$DB"
grep -q "compares versions, and 'new' is not one" "$T/err" || { show "$T/err"; fail "the version message"; }

for args in "--help" "add --help" "query --help" "similar --help" "stats --help" "refresh --help"; do
	# shellcheck disable=SC2086
	run_nr index $args
	expect_rc 0 "index $args"
	grep -q "^usage: nest-report index" "$T/out" || { show "$T/out"; fail "index $args: no usage on stdout"; }
	[ ! -s "$T/err" ] || { show "$T/err"; fail "index $args: stderr"; }
done
run_nr --help
grep -q "^  index " "$T/out" || fail "nest-report --help does not list index"

# Not a database: one line naming it, exit 1, the file untouched.
echo "my notes" >"$T/notes.txt"
cp "$T/notes.txt" "$T/notes.orig"
ix "$T/notes.txt" query
expect_rc 1 "a text file as the index"
assert_eq "$(line_count "$T/err")" 1 "lines for a text file"
grep -q "notes.txt.*not a database" "$T/err" || { show "$T/err"; fail "not-a-database message"; }
cmp -s "$T/notes.txt" "$T/notes.orig" || fail "the text file was changed"

# A newer schema: refused, never written.
ix_ok "$T/newer.sqlite" query
sqlite3 "$T/newer.sqlite" "UPDATE nr_meta SET value = '999' WHERE key = 'schema_version'" || fail "sqlite3"
ix "$T/newer.sqlite" add "$T/notes.txt"
expect_rc 1 "a newer index"
grep -q "schema version 999, made by a newer nest-report" "$T/err" || { show "$T/err"; fail "newer schema message"; }

# PostgreSQL that is not there: one line, the password nowhere.
mkdir -p "$T/nosock"
ix "postgresql://alice:s3cret-pw@127.0.0.1:1/nr?password=s3cret-pw&connect_timeout=2" query
expect_rc 1 "an unreachable PostgreSQL"
assert_eq "$(line_count "$T/err")" 1 "lines for an unreachable server"
grep -q "^nest-report: error: postgresql://127.0.0.1:1/nr: cannot connect" "$T/err" ||
	{ show "$T/err"; fail "unreachable message"; }
! grep -q "s3cret" "$T/err" "$T/out" || fail "the password was printed"
ix "postgresql:///nr?host=$T/nosock&password=s3cret-pw" query
expect_rc 1 "a socket directory without a server"
! grep -q "s3cret" "$T/err" "$T/out" || fail "the password was printed"
exit 0
