/* SPDX-License-Identifier: MIT */
/* Drop-in probes, the probe side: see dropin.h.  A drop-in's collect()
 * goes through the same nr_probe_* calls as the built-in probes, so it
 * runs over every transport, is scrubbed and capped the same way, and is
 * recorded by `capture` under its own name. */
#include "dropin.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int dropin_collect(struct nr_probe_ctx *ctx)
{
	const struct nr_dropin *d = nr_probe_data(ctx);
	struct nr_probe_cmd_spec specs[NR_DROPIN_MAX_CMDS];
	size_t i, stored = 0;
	int rc = 0;

	if (d->root && nr_probe_is_root(ctx) != 1)
		return nr_probe_skip(ctx, "needs root (drop-in %s); re-run with sudo", d->file);
	for (i = 0; i < d->n_cmds; i++)
		specs[i] = (struct nr_probe_cmd_spec){ d->cmds[i].artifact,
			                               (const char *const *)d->cmds[i].argv, 0, -1 };
	if (d->n_cmds)
		rc = nr_probe_cmds(ctx, specs, d->n_cmds);
	for (i = 0; i < d->n_cmds; i++) {
		stored += specs[i].rc == 0;
		if (specs[i].rc == -ENOENT)
			nr_probe_note(ctx, "%s: not installed", d->cmds[i].argv[0]);
	}
	for (i = 0; i < d->n_files && rc != -ETIMEDOUT && rc != -EINTR; i++) {
		int frc = nr_probe_file(ctx, d->files[i].artifact, d->files[i].path);

		stored += frc == 0;
		if (frc == -ETIMEDOUT || frc == -EINTR)
			rc = frc;
		else if (frc < 0)
			nr_probe_note(ctx, "%s: %s", d->files[i].path, strerror(-frc));
	}
	if (rc < 0)
		return rc;
	if (stored == 0)
		return nr_probe_skip(ctx, "none of its commands is installed and none of its files "
		                     "is readable here");
	return 0;
}

static const char *const arch_names[] = { "x86", "s390", "ppc", "arm", "riscv", "loongarch",
	                                  "sparc", "mips", "ia64", "alpha" };

static char *dup_checked(json_object *s, const char *where, struct nr_error *err)
{
	const char *v = json_object_get_string(s);
	char *copy;

	/* A JSON string may hold "\u0000": C would cut it there. */
	if (!v || strlen(v) != (size_t)json_object_get_string_len(s)) {
		nr_error_set(err, EINVAL, "%s: holds a NUL character", where);
		return NULL;
	}
	copy = strdup(v);
	if (!copy)
		nr_error_set(err, ENOMEM, "out of memory");
	return copy;
}

/* "ipmitool-mc-info" from argv; "etc_site_bmc.conf" from a path. */
static char *default_artifact(const char *const *argv, const char *path)
{
	char raw[256] = "", safe[128];
	size_t i, used = 0;

	if (path) {
		snprintf(raw, sizeof(raw), "%s", path + strspn(path, "/"));
	} else {
		const char *base = strrchr(argv[0], '/');

		used = (size_t)snprintf(raw, sizeof(raw), "%s", base ? base + 1 : argv[0]);
		for (i = 1; argv[i] && used < sizeof(raw); i++)
			used += (size_t)snprintf(raw + used, sizeof(raw) - used, "-%s", argv[i]);
	}
	for (i = 0; raw[i]; i++)
		if (raw[i] == '/')
			raw[i] = '_';
	nr_probe_safe_name(safe, sizeof(safe), raw);
	return strdup(safe);
}

static bool artifact_taken(const struct nr_dropin *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_cmds; i++)
		if (d->cmds[i].artifact && strcmp(d->cmds[i].artifact, name) == 0)
			return true;
	for (i = 0; i < d->n_files; i++)
		if (d->files[i].artifact && strcmp(d->files[i].artifact, name) == 0)
			return true;
	return false;
}

/* The artifact name of entry e (given or made), unique in the probe. */
static char *artifact_of(const struct nr_dropin *d, json_object *e, const char *const *argv,
                         const char *path, const char *where, struct nr_error *err)
{
	json_object *a;
	char *name, field[96];

	snprintf(field, sizeof(field), "%s/artifact", where);
	name = json_object_object_get_ex(e, "artifact", &a) ? dup_checked(a, field, err)
	                                                    : default_artifact(argv, path);
	if (name && artifact_taken(d, name)) {
		nr_error_set(err, EINVAL, "%s: artifact name '%s' is used twice in this probe", field, name);
		free(name);
		return NULL;
	}
	if (!name && !err->code)
		nr_error_set(err, ENOMEM, "out of memory");
	return name;
}

static int build_cmds(struct nr_dropin *d, json_object *list, struct nr_error *err)
{
	size_t i, k, n = list ? json_object_array_length(list) : 0;
	char where[64], field[96];

	for (i = 0; i < n && i < NR_DROPIN_MAX_CMDS; i++) {
		json_object *e = json_object_array_get_idx(list, i);
		json_object *argv = json_object_object_get(e, "argv");
		struct nr_dropin_cmd *c = &d->cmds[d->n_cmds++];

		snprintf(where, sizeof(where), "commands/%zu", i);
		for (k = 0; k < json_object_array_length(argv) && k < NR_DROPIN_MAX_ARGS; k++) {
			snprintf(field, sizeof(field), "%s/argv/%zu", where, k);
			if (!(c->argv[k] = dup_checked(json_object_array_get_idx(argv, k), field, err)))
				return -EINVAL;
		}
		if (!(c->artifact = artifact_of(d, e, (const char *const *)c->argv, NULL, where, err)))
			return -EINVAL;
	}
	return 0;
}

static int build_files(struct nr_dropin *d, json_object *list, struct nr_error *err)
{
	size_t i, n = list ? json_object_array_length(list) : 0;
	char where[64], field[96];

	for (i = 0; i < n && i < NR_DROPIN_MAX_FILES; i++) {
		json_object *e = json_object_array_get_idx(list, i);
		struct nr_dropin_file *f = &d->files[d->n_files++];

		snprintf(where, sizeof(where), "files/%zu", i);
		snprintf(field, sizeof(field), "%s/path", where);
		if (!(f->path = dup_checked(json_object_object_get(e, "path"), field, err)) ||
		    !(f->artifact = artifact_of(d, e, NULL, f->path, where, err)))
			return -EINVAL;
	}
	return 0;
}

struct nr_dropin *nr_dropin_new(json_object *doc, const char *file, const char *sha256,
                                struct nr_error *err)
{
	struct nr_dropin *d = calloc(1, sizeof(*d));
	json_object *v, *arches;
	size_t i, k;

	if (!d) {
		nr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	d->probe.collect = dropin_collect;
	d->probe.data = d;
	d->probe.arches = NR_ARCH_ANY;
	d->file = strdup(file);
	d->sha256 = strdup(sha256);
	d->probe.origin = d->file;
	if (!d->file || !d->sha256) {
		nr_error_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	if (!(d->probe.name = dup_checked(json_object_object_get(doc, "name"), "name", err)) ||
	    !(d->probe.summary = dup_checked(json_object_object_get(doc, "summary"), "summary", err)))
		goto fail;
	if (json_object_object_get_ex(doc, "arches", &arches)) {
		d->probe.arches = 0;
		for (i = 0; i < json_object_array_length(arches); i++)
			for (k = 0; k < sizeof(arch_names) / sizeof(arch_names[0]); k++)
				if (strcmp(json_object_get_string(json_object_array_get_idx(arches, i)),
				           arch_names[k]) == 0)
					d->probe.arches |= 1u << k;
	}
	if (json_object_object_get_ex(doc, "timeout", &v))
		d->probe.timeout_s = json_object_get_int(v);
	d->root = json_object_object_get_ex(doc, "root", &v) && json_object_get_boolean(v);
	if (build_cmds(d, json_object_object_get(doc, "commands"), err) < 0 ||
	    build_files(d, json_object_object_get(doc, "files"), err) < 0)
		goto fail;
	return d;
fail:
	nr_dropin_free(d);
	return NULL;
}

void nr_dropin_free(struct nr_dropin *d)
{
	size_t i, k;

	if (!d)
		return;
	for (i = 0; i < d->n_cmds; i++) {
		free(d->cmds[i].artifact);
		for (k = 0; d->cmds[i].argv[k]; k++)
			free(d->cmds[i].argv[k]);
	}
	for (i = 0; i < d->n_files; i++) {
		free(d->files[i].artifact);
		free(d->files[i].path);
	}
	free((char *)d->probe.name);
	free((char *)d->probe.summary);
	free(d->file);
	free(d->sha256);
	free(d);
}
