/* SPDX-License-Identifier: MIT */
/* The index's tables, created and migrated by the tool itself.
 *
 * nr_meta.schema_version says which migrations a database has had; each
 * migration is a list of statements run in one transaction that also
 * takes the store's schema lock, so two processes opening a new database
 * at once do not both create it.  A database whose version is newer than
 * this binary knows is refused, never written to: an older nest-report
 * cannot know what a newer one stores.
 *
 * @ID@, @TEXT@ and @CLUSTERED@ stand for the dialect's identity column,
 * text type and clustered-table clause (store.h); the statements are
 * otherwise the same for both backends. */
#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQL_MAX 2048

/* Version 1.  bundles.hits and .series are what stats counts (doc.h).
 * bundles.time is what --since/--until and stats count by:
 * the manifest's created when it is a valid UTC time, else when the
 * bundle was indexed.  facts.vkey is the value as a sortable version key
 * (doc.h) when it reads as one.  The covering indexes let a filter answer
 * from the index alone.  Facts are keyed by (bundle, seq), and in SQLite
 * stored in that order (WITHOUT ROWID): a bundle's rows are appended
 * together and read back together (refresh) with no index of their own.
 * Word sets (doc.h) have a table of their own, which a filter on them
 * reads from end to end: a few rows per bundle, no seek per row.
 * The big tables (facts, words, findings) have no foreign key: their rows are
 * only ever written in their bundle's transaction, and PostgreSQL checks
 * a foreign key with a trigger per row, which cost more than the insert. */
static const char *const v1[] = {
	"CREATE TABLE nr_bundles ("
	" @ID@,"
	" sha256 @TEXT@ NOT NULL UNIQUE,"
	" path @TEXT@ NOT NULL,"
	" size BIGINT NOT NULL,"
	" time @TEXT@ NOT NULL,"
	" created @TEXT@,"
	" indexed @TEXT@ NOT NULL,"
	" host @TEXT@,"
	" tool_version @TEXT@,"
	" schema_id @TEXT@,"
	" signature @TEXT@ NOT NULL,"
	" signer_key @TEXT@,"
	" signer_principal @TEXT@,"
	" signer_id @TEXT@,"
	" levels @TEXT@ NOT NULL,"
	" shape @TEXT@ NOT NULL,"
	" rules @TEXT@ NOT NULL,"
	" n_fail BIGINT NOT NULL,"
	" n_warn BIGINT NOT NULL,"
	" n_info BIGINT NOT NULL,"
	" hits @TEXT@ NOT NULL,"
	" series @TEXT@ NOT NULL)",
	"CREATE INDEX nr_bundles_time ON nr_bundles (time)",
	"CREATE INDEX nr_bundles_rules ON nr_bundles (rules)",
	"CREATE TABLE nr_facts ("
	" bundle BIGINT NOT NULL,"
	" seq BIGINT NOT NULL,"
	" level @TEXT@ NOT NULL,"
	" key @TEXT@ NOT NULL,"
	" value @TEXT@ NOT NULL,"
	" vkey @TEXT@,"
	" PRIMARY KEY (bundle, seq))@CLUSTERED@",
	"CREATE INDEX nr_facts_value ON nr_facts (key, value, level, bundle)",
	"CREATE INDEX nr_facts_vkey ON nr_facts (key, vkey, level, bundle) WHERE vkey IS NOT NULL",
	"CREATE TABLE nr_words ("
	" bundle BIGINT NOT NULL,"
	" level @TEXT@ NOT NULL,"
	" key @TEXT@ NOT NULL,"
	" words @TEXT@ NOT NULL,"
	" PRIMARY KEY (bundle, level, key))@CLUSTERED@",
	"CREATE TABLE nr_findings ("
	" bundle BIGINT NOT NULL,"
	" level @TEXT@ NOT NULL,"
	" rule @TEXT@ NOT NULL,"
	" severity @TEXT@ NOT NULL)",
	"CREATE INDEX nr_findings_rule ON nr_findings (rule, level, bundle)",
	"CREATE INDEX nr_findings_bundle ON nr_findings (bundle)",
	"CREATE TABLE nr_features ("
	" bundle BIGINT PRIMARY KEY REFERENCES nr_bundles (id) ON DELETE CASCADE,"
	" codes @TEXT@ NOT NULL)",
	"CREATE TABLE nr_manifests ("
	" bundle BIGINT PRIMARY KEY REFERENCES nr_bundles (id) ON DELETE CASCADE,"
	" manifest @TEXT@ NOT NULL)",
	NULL,
};

static const char *const *const migrations[] = { v1 };
#define LATEST ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* sql with @ID@ and @TEXT@ replaced by the dialect's constants. */
static int substitute(const struct nr_store_dialect *d, const char *sql, char *out, size_t outlen)
{
	size_t o = 0, n;
	const char *rep;

	while (*sql) {
		rep = NULL;
		if (strncmp(sql, "@ID@", 4) == 0)
			rep = d->id_column, n = 4;
		else if (strncmp(sql, "@TEXT@", 6) == 0)
			rep = d->text, n = 6;
		else if (strncmp(sql, "@CLUSTERED@", 11) == 0)
			rep = d->clustered, n = 11;
		if (rep) {
			if (o + strlen(rep) >= outlen)
				return -E2BIG;
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
			sql += n;
			continue;
		}
		if (o + 1 >= outlen)
			return -E2BIG;
		out[o++] = *sql++;
	}
	out[o] = '\0';
	return 0;
}

static int run_ddl(struct nr_store *s, const char *sql, struct nr_error *err)
{
	char buf[SQL_MAX];

	if (substitute(s->dialect, sql, buf, sizeof(buf)) < 0)
		return nr_error_set(err, E2BIG, "internal: a schema statement is too long");
	return nr_store_exec(s, buf, NULL, 0, NULL, NULL, err);
}

/* The version recorded in nr_meta: 0 when there is none yet. */
static int read_version(struct nr_store *s, int *version, struct nr_error *err)
{
	char buf[32];
	char *end;
	long v;
	int rc = nr_store_get_text(s, "SELECT value FROM nr_meta WHERE key = 'schema_version'", NULL, 0,
	                           buf, sizeof(buf), err);

	if (rc <= 0) {
		*version = 0;
		return rc;
	}
	v = strtol(buf, &end, 10);
	if (*end || v < 1 || v > 1000000)
		return nr_error_set(err, EBADMSG, "%s: not a nest-report index (schema_version '%.32s')",
		                    s->name, buf);
	*version = (int)v;
	return 0;
}

static int too_new(struct nr_store *s, int version, struct nr_error *err)
{
	return nr_error_set(err, EPROTO, "%s: the index has schema version %d, made by a newer "
	                    "nest-report; this one knows up to %d", s->name, version, LATEST);
}

int nr_index_schema_latest(void)
{
	return LATEST;
}

int nr_index_schema_migrate(struct nr_store *s, int *from, struct nr_error *err)
{
	struct nr_error probe = { 0 };
	char v[16];
	int version = 0, rc, i, j;

	/* The usual case, a current database, costs one read and no lock. */
	if (read_version(s, &version, &probe) == 0 && version == LATEST) {
		*from = version;
		return 0;
	}
	if ((rc = nr_store_begin(s, true, err)) < 0)
		return rc;
	rc = run_ddl(s, "CREATE TABLE IF NOT EXISTS nr_meta (key @TEXT@ PRIMARY KEY, value @TEXT@ NOT NULL)", err);
	if (rc == 0)
		rc = read_version(s, &version, err);
	if (rc == 0 && version > LATEST)
		rc = too_new(s, version, err);
	*from = version;
	for (i = version; rc == 0 && i < LATEST; i++)
		for (j = 0; rc == 0 && migrations[i][j]; j++)
			rc = run_ddl(s, migrations[i][j], err);
	if (rc == 0 && version < LATEST) {
		snprintf(v, sizeof(v), "%d", LATEST);
		rc = nr_store_exec(s, "INSERT INTO nr_meta (key, value) VALUES ('schema_version', ?) "
		                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		                   (struct nr_sql_arg[]){ NR_SQL_T(v) }, 1, NULL, NULL, err);
	}
	if (rc < 0) {
		nr_store_rollback(s);
		return rc;
	}
	return nr_store_commit(s, err);
}
