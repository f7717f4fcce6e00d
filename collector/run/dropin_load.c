/* SPDX-License-Identifier: MIT */
/* Loading drop-in probes: see dropin_load.h. */
#include "dropin_load.h"
#include "trust/jschema.h"
#include "trust/schemas.h"
#include "util/sha256.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct loader {
	struct nr_dropins *d;
	struct nr_jschema *schema;    /* NULL: schema_err says why */
	struct nr_error schema_err;
};

static int refuse(struct nr_dropins *d, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct nr_dropins *d, const char *file, const char *fmt, ...)
{
	json_object *e = json_object_new_object();
	char msg[NR_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* one line, whatever a file name or a schema message holds */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	json_object_object_add(e, "file", json_object_new_string(file));
	json_object_object_add(e, "error", json_object_new_string(msg));
	json_object_array_add(d->refused, e);
	return 0;
}

/* Owned by root or by us, writable by no one else. */
static const char *unsafe(const struct stat *st, bool dir)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return dir ? "the directory belongs to another user" : "it belongs to another user";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return dir ? "the directory is writable by group or others"
		           : "it is writable by group or others";
	return NULL;
}

static int read_capped(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t n;

	*len = 0;
	while (*len < cap && (n = read(fd, buf + *len, cap - *len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		*len += (size_t)n;
	}
	return 0;
}

static const struct nr_dropin *loaded_named(const struct nr_dropins *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->items[i]->probe.name, name) == 0)
			return d->items[i];
	return NULL;
}

/* Validate the document and add the drop-in, or refuse it. */
static int load_doc(struct loader *l, json_object *doc, const char *file, const char *sha)
{
	json_object *errors = json_object_new_array();
	struct nr_error err = { 0 };
	const struct nr_dropin *other;
	struct nr_dropin *p = NULL;
	const char *name;
	int rc = 0;

	if (!l->schema) {
		refuse(l->d, file, "cannot be checked: %s", l->schema_err.msg);
		goto out;
	}
	if (nr_jschema_validate(l->schema, doc, errors, 1) > 0) {
		refuse(l->d, file, "%s", json_object_get_string(json_object_array_get_idx(errors, 0)));
		goto out;
	}
	name = json_object_get_string(json_object_object_get(doc, "name"));
	if (nr_probe_name_reserved(name)) {
		refuse(l->d, file, "name: '%s' is a built-in probe's name", name);
		goto out;
	}
	if ((other = loaded_named(l->d, name))) {
		refuse(l->d, file, "name: '%s' is already defined by %s", name, other->file);
		goto out;
	}
	if (l->d->n >= NR_DROPIN_MAX) {
		refuse(l->d, file, "more than %d drop-in probes", NR_DROPIN_MAX);
		goto out;
	}
	if (!(p = nr_dropin_new(doc, file, sha, &err))) {
		if (err.code == ENOMEM)
			rc = -ENOMEM;
		else
			refuse(l->d, file, "%s", err.msg);
		goto out;
	}
	l->d->items[l->d->n] = p;
	l->d->probes[l->d->n++] = &p->probe;
out:
	json_object_put(errors);
	return rc;
}

static int load_file(struct loader *l, int dirfd, const char *dir, const char *name)
{
	char path[PATH_MAX], *buf = NULL, hex[NR_SHA256_HEX];
	unsigned char digest[NR_SHA256_LEN];
	struct json_tokener *tok = NULL;
	json_object *doc = NULL;
	struct nr_sha256 sh;
	struct stat st;
	const char *why;
	size_t len;
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		refuse(l->d, path, "cannot open: %s", strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		refuse(l->d, path, "not a regular file");
		goto out;
	}
	if ((why = unsafe(&st, false))) {
		refuse(l->d, path, "not trusted: %s", why);
		goto out;
	}
	if (st.st_size > NR_DROPIN_FILE_MAX || !(buf = malloc(NR_DROPIN_FILE_MAX + 1)) ||
	    read_capped(fd, buf, NR_DROPIN_FILE_MAX + 1, &len) < 0 || len > NR_DROPIN_FILE_MAX) {
		if (!buf && st.st_size <= NR_DROPIN_FILE_MAX)
			rc = -ENOMEM;
		else
			refuse(l->d, path, "cannot be read, or is over %d KiB", NR_DROPIN_FILE_MAX / 1024);
		goto out;
	}
	nr_sha256_init(&sh);
	nr_sha256_update(&sh, buf, len);
	nr_sha256_final(&sh, digest);
	nr_sha256_hex(digest, hex);
	tok = json_tokener_new_ex(16);
	if (!tok) {
		rc = -ENOMEM;
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	doc = json_tokener_parse_ex(tok, buf, (int)len);
	if (!doc || json_tokener_get_parse_end(tok) != len) {
		enum json_tokener_error je = json_tokener_get_error(tok);

		refuse(l->d, path, "not a JSON document (%s at byte %zu)",
		       doc ? "data after the document"
		       : je == json_tokener_continue ? "it ends too early"
		                                     : json_tokener_error_desc(je),
		       json_tokener_get_parse_end(tok));
		goto out;
	}
	rc = load_doc(l, doc, path, hex);
out:
	json_object_put(doc);
	if (tok)
		json_tokener_free(tok);
	free(buf);
	close(fd);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_json_name(const char *n)
{
	size_t len = strlen(n);

	return n[0] != '.' && len > 5 && strcmp(n + len - 5, ".json") == 0;
}

static int load_dir(struct loader *l, const char *dir, bool must_exist)
{
	char *names[256];
	size_t n = 0, i;
	struct dirent *de;
	struct stat st;
	const char *why;
	DIR *dp = NULL;
	int fd, rc = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (must_exist || errno != ENOENT)
			refuse(l->d, dir, "cannot read the directory: %s", strerror(errno));
		return 0;
	}
	why = fstat(fd, &st) < 0 ? strerror(errno) : unsafe(&st, true);
	if (why) {
		refuse(l->d, dir, "not trusted: %s", why);
		close(fd);
		return 0;
	}
	if (!(dp = fdopendir(fd))) {
		close(fd);
		return -ENOMEM;
	}
	while ((de = readdir(dp)) != NULL && n < sizeof(names) / sizeof(names[0]))
		if (is_json_name(de->d_name) && !(names[n++] = strdup(de->d_name))) {
			n--;
			rc = -ENOMEM;
			break;
		}
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = load_file(l, dirfd(dp), dir, names[i]);
		free(names[i]);
	}
	closedir(dp);
	return rc;
}

/* $XDG_CONFIG_HOME/nest-report/probes.d, else ~/.config/...; "" if none. */
static void user_dir(char *out, size_t outlen)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	out[0] = '\0';
	if (xdg && xdg[0] == '/')
		snprintf(out, outlen, "%s/nest-report/probes.d", xdg);
	else if (home && home[0] == '/')
		snprintf(out, outlen, "%s/.config/nest-report/probes.d", home);
}

int nr_dropins_load(struct nr_dropins *d, const char *const *dirs, size_t n_dirs,
                    struct nr_error *err)
{
	struct loader l = { d, NULL, { 0 } };
	char user[PATH_MAX];
	size_t i;
	int rc;

	memset(d, 0, sizeof(*d));
	d->refused = json_object_new_array();
	if (!d->refused)
		return nr_error_set(err, ENOMEM, "out of memory");
	l.schema = nr_schemas_load_id(NR_DROPIN_SCHEMA, &l.schema_err);
	user_dir(user, sizeof(user));
	rc = load_dir(&l, "/etc/nest-report/probes.d", false);
	if (rc == 0 && user[0])
		rc = load_dir(&l, user, false);
	for (i = 0; rc == 0 && i < n_dirs; i++)
		rc = load_dir(&l, dirs[i], true);
	nr_jschema_free(l.schema);
	if (rc < 0)
		return nr_error_set(err, -rc, "out of memory");
	return 0;
}

json_object *nr_dropins_manifest(const struct nr_dropins *d)
{
	json_object *o = json_object_new_object(), *loaded = json_object_new_array();
	size_t i;

	for (i = 0; i < d->n; i++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "name", json_object_new_string(d->items[i]->probe.name));
		json_object_object_add(e, "file", json_object_new_string(d->items[i]->file));
		json_object_object_add(e, "sha256", json_object_new_string(d->items[i]->sha256));
		json_object_array_add(loaded, e);
	}
	json_object_object_add(o, "loaded", loaded);
	json_object_object_add(o, "refused", json_object_get(d->refused));
	return o;
}

void nr_dropins_release(struct nr_dropins *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		nr_dropin_free(d->items[i]);
	json_object_put(d->refused);
	memset(d, 0, sizeof(*d));
}
