/* SPDX-License-Identifier: MIT */
/* The index's storage interface: one small vtable with two backends,
 * SQLite (store_sqlite.c, the embedded default) and PostgreSQL
 * (store_pg.c, for a portal that outgrows one machine).
 *
 * SQL is written once, in the subset both speak (ON CONFLICT, RETURNING,
 * partial indexes, substr), with '?' placeholders; the PostgreSQL backend
 * renumbers them to $1, $2 ...  Values only ever travel as parameters:
 * statement text is made of constants, never of input.  What differs
 * (the DDL of an identity column, text collation, a substring test, how
 * to take the schema lock) is in struct nr_store_dialect.
 *
 * Every value comes back as text (NULL for SQL NULL), so both backends
 * hand the layers above the same bytes, and their results can be compared
 * byte for byte.  Library code: nothing is printed.
 */
#ifndef NR_INDEX_STORE_H
#define NR_INDEX_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum nr_sql_type { NR_SQL_NULL, NR_SQL_TEXT, NR_SQL_INT };

struct nr_sql_arg {
	enum nr_sql_type type;
	const char *text;          /* NR_SQL_TEXT: NUL-terminated, valid UTF-8 */
	int64_t i;                 /* NR_SQL_INT */
};

/* A text value (NULL: SQL NULL) and an integer value. */
static inline struct nr_sql_arg nr_sql_text(const char *s)
{
	return (struct nr_sql_arg){ s ? NR_SQL_TEXT : NR_SQL_NULL, s, 0 };
}

static inline struct nr_sql_arg nr_sql_int(int64_t n)
{
	return (struct nr_sql_arg){ NR_SQL_INT, NULL, n };
}

#define NR_SQL_T(s) nr_sql_text(s)
#define NR_SQL_I(n) nr_sql_int((int64_t)(n))

/* One result row: ncols values as text, NULL for SQL NULL; valid only
 * during the call.  Return 0 to go on, anything else to stop (it is then
 * what exec returns). */
typedef int (*nr_store_row_fn)(void *arg, int ncols, const char *const *vals);

struct nr_store;

/* What the two SQL dialects say differently.  Each field is a constant. */
struct nr_store_dialect {
	const char *id_column;     /* an auto-assigned 64-bit primary key */
	const char *text;          /* the text type, with a byte-order collation */
	const char *contains;      /* "(x, ?) > 0": x contains the parameter */
	const char *clustered;     /* after CREATE TABLE (...): store rows in primary key order */
};

struct nr_store_ops {
	const char *name;          /* "sqlite", "postgresql" */
	/* Run one statement with its parameters; each result row goes to row
	 * (may be NULL).  0, a row callback's stop value, or negative. */
	int (*exec)(struct nr_store *s, const char *sql, const struct nr_sql_arg *args, size_t nargs,
	            nr_store_row_fn row, void *arg, struct nr_error *err);
	/* Begin a transaction that will write; schema: also take the lock
	 * that serialises schema migrations between processes. */
	int (*begin)(struct nr_store *s, bool schema, struct nr_error *err);
	/* After many rows were added: bring the planner's statistics up to
	 * date (a fresh table has none, and its plans are guesses). */
	void (*tune)(struct nr_store *s);
	void (*close)(struct nr_store *s);
};

struct nr_store {
	const struct nr_store_ops *ops;
	const struct nr_store_dialect *dialect;
	char name[256];            /* for messages: a path, or postgresql://host:port/db */
	bool in_tx;
};

/* Open the store that db names: "postgresql://..." or "postgres://..." is
 * a PostgreSQL connection URI (libpq: a password belongs in ~/.pgpass or
 * PGPASSFILE, not in the URI, which other users can read in ps); anything
 * else is an SQLite file, created with its directory when missing. */
int nr_store_open(const char *db, struct nr_store **out, struct nr_error *err);
void nr_store_close(struct nr_store *s);

/* True when db names a PostgreSQL database. */
bool nr_store_is_pg(const char *db);

/* db as it may be printed: scheme://host[:port]/dbname, without the user,
 * password or query (which may carry a password). */
void nr_store_redact(const char *db, char *out, size_t outlen);

int nr_store_exec(struct nr_store *s, const char *sql, const struct nr_sql_arg *args, size_t nargs,
                  nr_store_row_fn row, void *arg, struct nr_error *err);
/* Begin a transaction that writes (schema: one that migrates the schema,
 * serialised between processes). */
int nr_store_begin(struct nr_store *s, bool schema, struct nr_error *err);
int nr_store_commit(struct nr_store *s, struct nr_error *err);
/* Roll back when a transaction is open; never fails the caller. */
void nr_store_rollback(struct nr_store *s);

/* A single text value (first column of the first row) into out; 1 found,
 * 0 no row (or NULL), negative on error. */
int nr_store_get_text(struct nr_store *s, const char *sql, const struct nr_sql_arg *args,
                      size_t nargs, char *out, size_t outlen, struct nr_error *err);

/* Insert nrows rows of ncols values each (args row after row) with
 * statements "<head>(?, ...), (?, ...) ...": head is "INSERT INTO t (a,
 * b) VALUES ".  0 or negative. */
int nr_store_insert_many(struct nr_store *s, const char *head, int ncols, const struct nr_sql_arg *args,
                         size_t nrows, struct nr_error *err);

/* Backends (store_sqlite.c, store_pg.c). */
int nr_store_sqlite_open(const char *path, struct nr_store **out, struct nr_error *err);
int nr_store_pg_open(const char *uri, struct nr_store **out, struct nr_error *err);

/* The PostgreSQL backend's placeholder renumbering ("?" -> "$n", outside
 * quoted text), exposed for its unit test.  0, or -E2BIG when out is too
 * small. */
int nr_store_pg_placeholders(const char *sql, char *out, size_t outlen, int *nparams);

#endif
