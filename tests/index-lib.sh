# SPDX-License-Identifier: MIT
# Shared by tests/integration/index_*.sh and bench/index.sh (after
# tests/lib.sh): bundles made by the tool from real captured machines, and
# a throw-away PostgreSQL server.

SYNTH="$TESTS_DIR/index/synth.py"

# index_bundle NAME TREE OUTDIR: `collect --sysroot TREE` into OUTDIR/NAME.tar.zst.
index_bundle() {
	"$NR_BIN" collect --sysroot "$2" -o "$3/$1.tar.zst" -q --no-sign --timeout 20 >"$T/collect.out" 2>&1 ||
		{ show "$T/collect.out"; fail "collect --sysroot $2 failed"; }
}

# index_fixture_bundles OUTDIR: the repository's replay trees, collected.
index_fixture_bundles() {
	mkdir -p "$1"
	index_bundle intel-before "$SRC_DIR/tests/fixtures/sysroots/intel-host-before" "$1"
	index_bundle intel-after "$SRC_DIR/tests/fixtures/sysroots/intel-host-after" "$1"
	index_bundle firecracker "$SRC_DIR/tests/fixtures/captured/x86_64-firecracker-pvm" "$1"
}

# index_real_bundles OUTDIR [MACHINE...]: the shared real machines (all 19
# by default), collected; returns 1 (and makes nothing) when they are absent.
index_real_bundles() {
	_out=$1
	shift
	_rm=${NR_SHARED_DIR:-}/fixtures/real-machines
	[ -n "${NR_SHARED_DIR:-}" ] && [ -d "$_rm" ] || return 1
	[ $# -gt 0 ] || set -- $(cd "$_rm" && ls *.tar.gz | sed 's/\.tar\.gz$//')
	mkdir -p "$_out" "$T/real-trees"
	for _m in "$@"; do
		tar -xzf "$_rm/$_m.tar.gz" -C "$T/real-trees" || fail "$_m: cannot unpack"
		index_bundle "$_m" "$T/real-trees/$_m" "$_out"
		rm -rf "${T:?}/real-trees/$_m"
	done
}

# ---- PostgreSQL -----------------------------------------------------------

# pg_start: initdb and start a server that listens only on a Unix socket
# in $T/pg (postgres refuses to run as root: as root, it runs as the
# postgres user, or nobody).  Sets PG_URI (database "postgres") and
# PG_BIN; the server is stopped by its pid at exit, whatever happens.
# Skips the test when PostgreSQL is not installed.
pg_start() {
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] ||
		skip "needs PostgreSQL's initdb and pg_ctl (Debian: postgresql)"
	PG_DIR="$T/pg"
	_as=""
	if [ "$(id -u)" -eq 0 ]; then
		_user=postgres
		id -u "$_user" >/dev/null 2>&1 || _user=nobody
		_as="setpriv --reuid=$(id -u "$_user") --regid=$(id -g "$_user") --clear-groups --"
		chmod 711 "$T"
	fi
	mkdir -p "$PG_DIR"
	[ -z "$_as" ] || chown "$_user" "$PG_DIR"
	at_exit pg_stop
	# HOME and the locale are the server's: keep the test's environment out.
	$_as env -i PATH=/usr/bin:/bin HOME="$PG_DIR" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres \
		--locale=C -E UTF8 --no-sync >"$T/initdb.log" 2>&1 || { show "$T/initdb.log"; fail "initdb failed"; }
	mkdir -p "$PG_DIR/sock"
	[ -z "$_as" ] || chown "$_user" "$PG_DIR/sock"
	# fsync=off: a throw-away server for tests (bench/index.sh keeps it on).
	$_as env -i PATH=/usr/bin:/bin HOME="$PG_DIR" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
		-o "-k $PG_DIR/sock -c listen_addresses= ${PG_OPTIONS:--c fsync=off}" start >"$T/pg_ctl.log" 2>&1 ||
		{ show "$T/pg_ctl.log"; show "$PG_DIR/log"; fail "pg_ctl start failed"; }
	PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
	PG_URI="postgresql:///postgres?host=$PG_DIR/sock&user=postgres"
}

# pg_createdb NAME: a database of its own; echoes its URI.
pg_createdb() {
	"$PG_BIN/psql" -q -X -h "$PG_DIR/sock" -U postgres -d postgres -c "CREATE DATABASE \"$1\"" >/dev/null ||
		fail "cannot create database $1"
	echo "postgresql:///$1?host=$PG_DIR/sock&user=postgres"
}

# pg_sql URI SQL: run SQL (our own text, for tests) and print the rows.
pg_sql() {
	"$PG_BIN/psql" -q -X -A -t -d "$1" -c "$2"
}

pg_stop() {
	[ -n "${PG_PID:-}" ] || { [ -f "${PG_DIR:-/nonexistent}/data/postmaster.pid" ] &&
		PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid"); }
	[ -n "${PG_PID:-}" ] || return 0
	kill -INT "$PG_PID" 2>/dev/null || return 0   # SIGINT: postgres's fast shutdown
	_i=0
	while kill -0 "$PG_PID" 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$PG_PID" 2>/dev/null || :
	PG_PID=
}

# ---- running the index ----------------------------------------------------

# ix DB COMMAND ARGS...: `nest-report index COMMAND --db DB ARGS` under
# run_nr (watchdog, sanitizer reports); RC, $T/out and $T/err.
ix() {
	_db=$1
	_sub=$2
	shift 2
	run_nr index "$_sub" --db "$_db" "$@"
}

# ix_ok DB ARGS...: ix, which must exit 0.
ix_ok() {
	ix "$@"
	[ "$RC" -eq 0 ] || { show "$T/out"; show "$T/err"; fail "index $2 on $1: exit $RC"; }
}
