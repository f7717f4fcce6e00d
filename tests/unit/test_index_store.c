/* SPDX-License-Identifier: MIT */
/* The index's storage layer on real SQLite files (collector/index/store*.c,
 * schema.c): creation and migration, a newer schema refused, values of
 * any bytes going through parameters intact, batched inserts of every
 * size, a new file another connection is writing, and what is not a
 * database.  The PostgreSQL backend runs the same code above it in
 * tests/integration/index_*.sh against a real server; here only its
 * placeholder renumbering and the URI redaction, which need none. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index/index.h"
#include "index/schema.h"
#include "index/store.h"

static char dir[] = "/tmp/nr-test-index-XXXXXX";

static const char *path_of(const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

struct rows {
	char text[8][1200];
	int n;
};

static int collect(void *arg, int ncols, const char *const *v)
{
	struct rows *r = arg;

	if (r->n < 8 && ncols > 0)
		snprintf(r->text[r->n++], sizeof(r->text[0]), "%s", v[0] ? v[0] : "(null)");
	return 0;
}

static void test_create_and_reopen(void **state)
{
	struct nr_index *ix;
	struct nr_error err = { 0 };
	struct stat sb;
	char v[16];

	(void)state;
	/* the directory is made, private */
	assert_int_equal(nr_index_open(path_of("sub/dir/index.sqlite"), &ix, &err), 0);
	assert_int_equal(ix->schema_from, 0);
	assert_int_equal(nr_store_get_text(ix->store, "SELECT value FROM nr_meta WHERE key = 'schema_version'", NULL,
	                                   0, v, sizeof(v), &err), 1);
	assert_int_equal(atoi(v), nr_index_schema_latest());
	nr_index_close(ix);
	assert_int_equal(stat(path_of("sub/dir/index.sqlite"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(path_of("sub/dir"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(nr_index_open(path_of("sub/dir/index.sqlite"), &ix, &err), 0);
	assert_int_equal(ix->schema_from, nr_index_schema_latest());
	nr_index_close(ix);
}

static void test_newer_schema_refused(void **state)
{
	struct nr_index *ix;
	struct nr_error err = { 0 };

	(void)state;
	assert_int_equal(nr_index_open(path_of("newer.sqlite"), &ix, &err), 0);
	assert_int_equal(nr_store_exec(ix->store, "UPDATE nr_meta SET value = '99' WHERE key = 'schema_version'",
	                               NULL, 0, NULL, NULL, &err), 0);
	nr_index_close(ix);
	assert_int_equal(nr_index_open(path_of("newer.sqlite"), &ix, &err), -EPROTO);
	assert_null(ix);
	assert_non_null(strstr(err.msg, "schema version 99, made by a newer nest-report"));
}

static void test_not_a_database(void **state)
{
	struct nr_index *ix;
	struct nr_error err = { 0 };
	FILE *f = fopen(path_of("notes.txt"), "w");

	(void)state;
	assert_non_null(f);
	fputs("these are my notes, not an index\n", f);
	fclose(f);
	assert_true(nr_index_open(path_of("notes.txt"), &ix, &err) < 0);
	assert_non_null(strstr(err.msg, "notes.txt"));
	assert_non_null(strstr(err.msg, "not a database"));
	assert_int_equal(nr_index_open(path_of("notes.txt/x.sqlite"), &ix, &err) < 0, 1);
}

/* Bytes no SQL text could hold go through parameters unchanged. */
static void test_values_are_parameters(void **state)
{
	static const char *const values[] = { "it's", "x'); DROP TABLE t; --", "?", "$1", "%s%n", "\\", "ünïcødé ✓",
	                                      "" };
	struct nr_store *s;
	struct nr_error err = { 0 };
	struct rows r = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(nr_store_open(path_of("values.sqlite"), &s, &err), 0);
	assert_int_equal(nr_store_exec(s, "CREATE TABLE t (v TEXT, n BIGINT)", NULL, 0, NULL, NULL, &err), 0);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		assert_int_equal(nr_store_exec(s, "INSERT INTO t (v, n) VALUES (?, ?)",
		                               (struct nr_sql_arg[]){ NR_SQL_T(values[i]), NR_SQL_I(i) }, 2, NULL, NULL,
		                               &err), 0);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		memset(&r, 0, sizeof(r));
		assert_int_equal(nr_store_exec(s, "SELECT v FROM t WHERE n = ?", (struct nr_sql_arg[]){ NR_SQL_I(i) }, 1,
		                               collect, &r, &err), 0);
		assert_int_equal(r.n, 1);
		assert_string_equal(r.text[0], values[i]);
	}
	/* NULL is NULL, and a wrong count of values is an error, not a guess */
	memset(&r, 0, sizeof(r));
	assert_int_equal(nr_store_exec(s, "SELECT ? IS NULL", (struct nr_sql_arg[]){ NR_SQL_T(NULL) }, 1, collect, &r,
	                               &err), 0);
	assert_string_equal(r.text[0], "1");
	assert_int_equal(nr_store_exec(s, "SELECT v FROM t WHERE n = ?", NULL, 0, NULL, NULL, &err), -EINVAL);
	nr_store_close(s);
}

static void test_insert_many(void **state)
{
	static const size_t sizes[] = { 1, 2, 63, 64, 65, 127, 200, 1000 };
	struct nr_store *s;
	struct nr_error err = { 0 };
	struct nr_sql_arg *args = calloc(2000, sizeof(*args));
	char (*text)[48] = calloc(1000, sizeof(*text));
	struct rows r;
	size_t k, i;

	(void)state;
	assert_int_equal(nr_store_open(path_of("many.sqlite"), &s, &err), 0);
	assert_int_equal(nr_store_exec(s, "CREATE TABLE t (batch BIGINT, v TEXT)", NULL, 0, NULL, NULL, &err), 0);
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (i = 0; i < sizes[k]; i++) {
			snprintf(text[i], sizeof(text[i]), "v%zu", i);
			args[i * 2] = NR_SQL_I(k);
			args[i * 2 + 1] = NR_SQL_T(text[i]);
		}
		assert_int_equal(nr_store_insert_many(s, "INSERT INTO t (batch, v) VALUES ", 2, args, sizes[k], &err), 0);
		memset(&r, 0, sizeof(r));
		assert_int_equal(nr_store_exec(s, "SELECT count(DISTINCT v) || '/' || count(*) FROM t WHERE batch = ?",
		                               (struct nr_sql_arg[]){ NR_SQL_I(k) }, 1, collect, &r, &err), 0);
		snprintf(text[999], sizeof(text[999]), "%zu/%zu", sizes[k], sizes[k]);
		assert_string_equal(r.text[0], text[999]);
	}
	assert_int_equal(nr_store_insert_many(s, "INSERT INTO t (batch, v) VALUES ", 2, args, 0, &err), 0);
	nr_store_close(s);
	free(args);
	free(text);
}

/* A failed statement inside a transaction leaves nothing of it. */
static void test_rollback(void **state)
{
	struct nr_store *s;
	struct nr_error err = { 0 };
	char n[16];

	(void)state;
	assert_int_equal(nr_store_open(path_of("tx.sqlite"), &s, &err), 0);
	assert_int_equal(nr_store_exec(s, "CREATE TABLE t (v TEXT NOT NULL)", NULL, 0, NULL, NULL, &err), 0);
	assert_int_equal(nr_store_begin(s, false, &err), 0);
	assert_int_equal(nr_store_exec(s, "INSERT INTO t (v) VALUES ('a')", NULL, 0, NULL, NULL, &err), 0);
	assert_true(nr_store_exec(s, "INSERT INTO t (v) VALUES (?)", (struct nr_sql_arg[]){ NR_SQL_T(NULL) }, 1, NULL,
	                          NULL, &err) < 0);
	assert_non_null(strstr(err.msg, "NOT NULL"));
	assert_non_null(strstr(err.msg, "a statement failed (INSERT INTO t (v) VALUES (?))"));
	nr_store_rollback(s);
	assert_int_equal(nr_store_get_text(s, "SELECT count(*) FROM t", NULL, 0, n, sizeof(n), &err), 1);
	assert_string_equal(n, "0");
	nr_store_close(s);
}

static void test_pg_placeholders(void **state)
{
	char out[256];
	int n;

	(void)state;
	assert_int_equal(nr_store_pg_placeholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)", out, sizeof(out), &n), 0);
	assert_string_equal(out, "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
	assert_int_equal(n, 3);
	/* a '?' in quoted text is text */
	assert_int_equal(nr_store_pg_placeholders("SELECT '?', \"a?\", 'it''s ?' FROM t WHERE x = ?", out, sizeof(out),
	                                          &n), 0);
	assert_string_equal(out, "SELECT '?', \"a?\", 'it''s ?' FROM t WHERE x = $1");
	assert_int_equal(n, 1);
	assert_int_equal(nr_store_pg_placeholders("? ? ?", out, 8, &n), -E2BIG);
}

static void test_redact(void **state)
{
	char out[256];

	(void)state;
	nr_store_redact("postgresql://alice:s3cr@t@db.example.org:5433/nr?sslmode=require&password=x", out, sizeof(out));
	assert_string_equal(out, "postgresql://db.example.org:5433/nr");
	nr_store_redact("postgres://db/nr", out, sizeof(out));
	assert_string_equal(out, "postgres://db/nr");
	nr_store_redact("postgresql:///nr?host=/run/postgresql&password=x", out, sizeof(out));
	assert_string_equal(out, "postgresql:///nr");
	nr_store_redact("/var/lib/nr/index.sqlite", out, sizeof(out));
	assert_string_equal(out, "/var/lib/nr/index.sqlite");
	assert_true(nr_store_is_pg("postgresql://x"));
	assert_false(nr_store_is_pg("postgresql.sqlite"));
}

static void *commit_later(void *db)
{
	const struct timespec wait = { 0, 300 * 1000 * 1000 };

	nanosleep(&wait, NULL);
	return (void *)(intptr_t)sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

/* Another connection holds a write lock on a new (rollback-journal) file
 * when we switch it to WAL: SQLite answers BUSY at once, without calling
 * the busy handler (its deadlock rule), as it did to one of two `index
 * add` starting together.  The open must wait for the lock, not fail. */
static void test_new_file_locked_by_another(void **state)
{
	struct nr_store *s = NULL;
	struct nr_error err = { 0 };
	sqlite3 *other;
	pthread_t t;
	void *rc;
	char mode[16];

	(void)state;
	assert_int_equal(sqlite3_open(path_of("locked.sqlite"), &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN; CREATE TABLE t (v TEXT)", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(pthread_create(&t, NULL, commit_later, other), 0);
	if (nr_store_open(path_of("locked.sqlite"), &s, &err) != 0)
		fail_msg("open while another connection writes: %s", err.msg);
	assert_int_equal(pthread_join(t, &rc), 0);
	assert_int_equal((intptr_t)rc, SQLITE_OK);
	assert_int_equal(nr_store_get_text(s, "PRAGMA journal_mode", NULL, 0, mode, sizeof(mode), &err), 1);
	assert_string_equal(mode, "wal");
	nr_store_close(s);
	sqlite3_close(other);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_reopen),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_not_a_database),
		cmocka_unit_test(test_values_are_parameters),
		cmocka_unit_test(test_insert_many),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_new_file_locked_by_another),
		cmocka_unit_test(test_pg_placeholders),
		cmocka_unit_test(test_redact),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
