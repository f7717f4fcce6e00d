/* SPDX-License-Identifier: MIT */
/* Choosing a backend, and the calls every caller of the store makes
 * through the vtable. */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool nr_store_is_pg(const char *db)
{
	return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
}

void nr_store_redact(const char *db, char *out, size_t outlen)
{
	const char *rest, *at, *end;
	size_t scheme;

	if (!nr_store_is_pg(db)) {
		snprintf(out, outlen, "%s", db);
		return;
	}
	rest = strstr(db, "://") + 3;
	scheme = (size_t)(rest - db);
	end = rest + strcspn(rest, "?#");
	/* userinfo ends at the last '@' before the path: a password may hold '@'. */
	at = NULL;
	for (const char *p = rest; p < end && *p != '/'; p++)
		if (*p == '@')
			at = p;
	if (at)
		rest = at + 1;
	snprintf(out, outlen, "%.*s%.*s", (int)scheme, db, (int)(end - rest), rest);
}

int nr_store_open(const char *db, struct nr_store **out, struct nr_error *err)
{
	*out = NULL;
	if (!db || !*db)
		return nr_error_set(err, EINVAL, "no index database named");
	if (nr_store_is_pg(db))
		return nr_store_pg_open(db, out, err);
	return nr_store_sqlite_open(db, out, err);
}

void nr_store_close(struct nr_store *s)
{
	if (!s)
		return;
	nr_store_rollback(s);
	s->ops->close(s);
}

int nr_store_exec(struct nr_store *s, const char *sql, const struct nr_sql_arg *args, size_t nargs,
                  nr_store_row_fn row, void *arg, struct nr_error *err)
{
	return s->ops->exec(s, sql, args, nargs, row, arg, err);
}

int nr_store_begin(struct nr_store *s, bool schema, struct nr_error *err)
{
	int rc = s->ops->begin(s, schema, err);

	s->in_tx = rc == 0;
	return rc;
}

int nr_store_commit(struct nr_store *s, struct nr_error *err)
{
	int rc = s->ops->exec(s, "COMMIT", NULL, 0, NULL, NULL, err);

	if (rc < 0)
		nr_store_rollback(s);
	s->in_tx = false;
	return rc;
}

void nr_store_rollback(struct nr_store *s)
{
	if (s->in_tx)
		s->ops->exec(s, "ROLLBACK", NULL, 0, NULL, NULL, NULL);
	s->in_tx = false;
}

struct one_text {
	char *out;
	size_t outlen;
	int found;
};

static int take_text(void *arg, int ncols, const char *const *vals)
{
	struct one_text *o = arg;

	if (ncols > 0 && vals[0]) {
		snprintf(o->out, o->outlen, "%s", vals[0]);
		o->found = 1;
	}
	return 1;   /* the first row is enough */
}

int nr_store_get_text(struct nr_store *s, const char *sql, const struct nr_sql_arg *args,
                      size_t nargs, char *out, size_t outlen, struct nr_error *err)
{
	struct one_text o = { out, outlen, 0 };
	int rc = nr_store_exec(s, sql, args, nargs, take_text, &o, err);

	return rc < 0 ? rc : o.found;
}

/* Rows go in batches of BATCH_MAX, the remainder in powers of two, so one
 * table needs only a handful of distinct statements (each prepared once
 * per connection) and a PostgreSQL round trip carries many rows. */
#define BATCH_MAX 64
#define ROW_SQL_MAX 256

int nr_store_insert_many(struct nr_store *s, const char *head, int ncols, const struct nr_sql_arg *args,
                         size_t nrows, struct nr_error *err)
{
	char row[ROW_SQL_MAX], *sql = NULL;
	size_t done = 0, k, i, len;
	int rc = 0, j;

	if (ncols < 1 || ncols * 2 + 2 >= ROW_SQL_MAX)
		return nr_error_set(err, EINVAL, "internal: %d columns", ncols);
	strcpy(row, "(?");
	for (j = 1; j < ncols; j++)
		strcat(row, ", ?");
	strcat(row, ")");
	sql = malloc(strlen(head) + BATCH_MAX * (strlen(row) + 2) + 1);
	if (!sql)
		return nr_error_set(err, ENOMEM, "out of memory");
	while (rc == 0 && done < nrows) {
		for (k = BATCH_MAX; k > nrows - done; k /= 2)
			;
		len = (size_t)sprintf(sql, "%s", head);
		for (i = 0; i < k; i++)
			len += (size_t)sprintf(sql + len, "%s%s", i ? ", " : "", row);
		rc = nr_store_exec(s, sql, args + done * (size_t)ncols, k * (size_t)ncols, NULL, NULL, err);
		done += k;
	}
	free(sql);
	return rc;
}
