/* SPDX-License-Identifier: MIT */
#include "schemas.h"
#include "util/datadir.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCHEMA_SUFFIX ".schema.json"

static int is_schema_dir(const char *dir)
{
	char p[PATH_MAX];
	struct stat sb;

	return snprintf(p, sizeof(p), "%s/manifest" SCHEMA_SUFFIX, dir) < (int)sizeof(p) &&
	       stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* An uninstalled build runs as <tree>/nest-report or <tree>/build/nest-report (build-san too),
 * next to <tree>/collector and <tree>/schemas. */
static int source_tree_dir(char *out, size_t outlen)
{
	static const char *const ups[] = { "", "/.." };
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat sb;
	char *slash;
	size_t i;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	for (i = 0; i < 2; i++) {
		snprintf(probe, sizeof(probe), "%s%s/collector", exe, ups[i]);
		if (stat(probe, &sb) < 0 || !S_ISDIR(sb.st_mode))
			continue;
		snprintf(probe, sizeof(probe), "%s%s/schemas", exe, ups[i]);
		if (is_schema_dir(probe) && strlen(probe) < outlen) {
			strcpy(out, probe);
			return 0;
		}
	}
	return -1;
}

int nr_schemas_dir(char *out, size_t outlen, struct nr_error *err)
{
	const char *env = getenv("NR_SCHEMA_DIR");
	char cand[2][4096], tried[2 * 4096 + 64] = "";
	size_t n, i;

	if (env && *env && is_schema_dir(env) && strlen(env) < outlen) {
		strcpy(out, env);
		return 0;
	}
	if (source_tree_dir(out, outlen) == 0)
		return 0;
	n = nr_datadir_candidates(cand, 2);
	for (i = 0; i < n; i++) {
		char dir[4096 + 16];

		snprintf(dir, sizeof(dir), "%s/schemas", cand[i]);
		if (is_schema_dir(dir) && strlen(dir) < outlen) {
			strcpy(out, dir);
			return 0;
		}
		snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s", i ? ", " : "", dir);
	}
	return nr_error_set(err, ENOENT, "no schemas directory (looked in %s%s); reinstall "
	                    "nest-report or set NR_SCHEMA_DIR", env && *env ? "$NR_SCHEMA_DIR, " : "",
	                    tried);
}

static int declares(const char *path, const char *id)
{
	json_object *doc = json_object_from_file(path), *v;
	int yes = doc && json_object_object_get_ex(doc, "$id", &v) &&
	          strcmp(json_object_get_string(v), id) == 0;

	json_object_put(doc);
	return yes;
}

struct nr_jschema *nr_schemas_load_id(const char *id, struct nr_error *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	struct nr_jschema *s = NULL;
	struct dirent *de;
	size_t n;
	DIR *d;

	if (nr_schemas_dir(dir, sizeof(dir), err) < 0)
		return NULL;
	d = opendir(dir);
	if (!d) {
		nr_error_set(err, errno, "cannot read %s: %s", dir, strerror(errno));
		return NULL;
	}
	while (!s && (de = readdir(d))) {
		n = strlen(de->d_name);
		if (n <= strlen(SCHEMA_SUFFIX) ||
		    strcmp(de->d_name + n - strlen(SCHEMA_SUFFIX), SCHEMA_SUFFIX) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (declares(path, id) && !(s = nr_jschema_load(path, err)))
			break;
	}
	closedir(d);
	if (!s && err && !err->code)
		nr_error_set(err, ENOENT, "no schema in %s declares '%s'", dir, id);
	return s;
}

/* ---- a cache, for many bundles in one run ------------------------------ */

#define CACHE_IDS 8

struct nr_schema_cache {
	char *id[CACHE_IDS];
	struct nr_jschema *schema[CACHE_IDS];
};

struct nr_schema_cache *nr_schema_cache_new(void)
{
	return calloc(1, sizeof(struct nr_schema_cache));
}

struct nr_jschema *nr_schema_cache_get(struct nr_schema_cache *c, const char *id, struct nr_error *err)
{
	struct nr_jschema *s;
	int i;

	for (i = 0; i < CACHE_IDS && c->id[i]; i++)
		if (strcmp(c->id[i], id) == 0)
			return c->schema[i];
	s = nr_schemas_load_id(id, err);
	if (!s || i == CACHE_IDS)
		return s;   /* full: the caller frees it (nr_schema_cache_owns) */
	if (!(c->id[i] = strdup(id)))
		return s;
	c->schema[i] = s;
	return s;
}

int nr_schema_cache_owns(const struct nr_schema_cache *c, const struct nr_jschema *s)
{
	int i;

	for (i = 0; c && i < CACHE_IDS; i++)
		if (c->schema[i] == s)
			return 1;
	return 0;
}

void nr_schema_cache_free(struct nr_schema_cache *c)
{
	int i;

	for (i = 0; c && i < CACHE_IDS; i++) {
		free(c->id[i]);
		nr_jschema_free(c->schema[i]);
	}
	free(c);
}
