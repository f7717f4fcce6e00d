/* SPDX-License-Identifier: MIT */
#include "topology.h"
#include "probe.h"
#include "transport/transport_ssh.h"
#include "util/file_open.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOPOLOGY_FILE_CAP (1024 * 1024)

static bool valid_id(const char *id)
{
	size_t i, n = strlen(id);

	if (n == 0 || n >= NR_TOPO_ID_MAX || !((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= '0' && id[0] <= '9')))
		return false;
	for (i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-' ||
		      id[i] == '_'))
			return false;
	return true;
}

static void free_list(char **list)
{
	size_t i;

	for (i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}

/* "a:b:c" (flags) or a JSON array of strings -> checked probe names. */
static int probe_list_add(char ***list, const char *name, struct nr_error *err)
{
	size_t n = 0;
	char **grown;

	if (!nr_probe_find(name))
		return nr_error_set(err, EINVAL, "unknown probe '%s' (see 'nest-report probes')", name);
	while (*list && (*list)[n])
		n++;
	grown = realloc(*list, (n + 2) * sizeof(**list));
	if (!grown)
		return nr_error_set(err, ENOMEM, "out of memory");
	*list = grown;
	grown[n] = strdup(name);
	grown[n + 1] = NULL;
	return grown[n] ? 0 : nr_error_set(err, ENOMEM, "out of memory");
}

static int probe_list_parse(char ***list, const char *text, struct nr_error *err)
{
	char *copy = strdup(text), *tok, *save = NULL;
	int rc = 0;

	if (!copy)
		return nr_error_set(err, ENOMEM, "out of memory");
	for (tok = strtok_r(copy, ":", &save); tok && rc == 0; tok = strtok_r(NULL, ":", &save))
		rc = probe_list_add(list, tok, err);
	free(copy);
	return rc;
}

static struct nr_topo_level *new_level(struct nr_topology *t, const char *id, struct nr_error *err)
{
	struct nr_topo_level *lv;
	size_t i;

	if (t->n >= NR_TOPO_MAX_LEVELS) {
		nr_error_set(err, E2BIG, "too many levels (at most %d)", NR_TOPO_MAX_LEVELS);
		return NULL;
	}
	if (!valid_id(id) || strcmp(id, "l0") == 0) {
		nr_error_set(err, EINVAL, "bad level id '%s': use [a-z0-9_-], not l0 (this machine)", id);
		return NULL;
	}
	for (i = 0; i < t->n; i++)
		if (strcmp(t->levels[i].id, id) == 0) {
			nr_error_set(err, EEXIST, "level '%s' given twice", id);
			return NULL;
		}
	lv = &t->levels[t->n++];
	memset(lv, 0, sizeof(*lv));
	snprintf(lv->id, sizeof(lv->id), "%s", id);
	snprintf(lv->via, sizeof(lv->via), "l0");
	return lv;
}

static int set_target(struct nr_topo_level *lv, const char *target, struct nr_error *err)
{
	struct nr_ssh_target parsed;
	const char *at = strrchr(target, '@');

	/* user:password@host would put a password in argv and the manifest. */
	if (at && memchr(target, ':', (size_t)(at - target)))
		return nr_error_set(err, EINVAL, "level %s: no passwords in targets; use keys or the "
		                    "password prompt", lv->id);
	if (strlen(target) >= sizeof(lv->target) || nr_ssh_target_parse(target, &parsed) < 0)
		return nr_error_set(err, EINVAL, "level %s: bad target '%s' (want [user@]host[:port])",
		                    lv->id, target);
	snprintf(lv->target, sizeof(lv->target), "%s", target);
	return 0;
}

static int set_via(struct nr_topo_level *lv, const char *via, struct nr_error *err)
{
	if (!valid_id(via))
		return nr_error_set(err, EINVAL, "level %s: bad via '%s'", lv->id, via);
	snprintf(lv->via, sizeof(lv->via), "%s", via);
	return 0;
}

int nr_topology_add_spec(struct nr_topology *t, const char *spec, struct nr_error *err)
{
	char *copy = strdup(spec), *eq, *tok, *save = NULL;
	struct nr_topo_level *lv;
	int rc = 0;

	if (!copy)
		return nr_error_set(err, ENOMEM, "out of memory");
	eq = strchr(copy, '=');
	if (!eq) {
		rc = nr_error_set(err, EINVAL, "--level wants ID=[user@]host[:port][,via=ID][,sudo], "
		                  "not '%s'", spec);
		goto out;
	}
	*eq = '\0';
	lv = new_level(t, copy, err);
	tok = lv ? strtok_r(eq + 1, ",", &save) : NULL;
	rc = !lv ? -EINVAL : !tok ? nr_error_set(err, EINVAL, "level %s: no target", copy)
	                          : set_target(lv, tok, err);
	while (rc == 0 && (tok = strtok_r(NULL, ",", &save)) != NULL) {
		if (strncmp(tok, "via=", 4) == 0)
			rc = set_via(lv, tok + 4, err);
		else if (strcmp(tok, "sudo") == 0)
			lv->sudo = true;
		else if (strncmp(tok, "only=", 5) == 0)
			rc = probe_list_parse(&lv->only, tok + 5, err);
		else if (strncmp(tok, "skip=", 5) == 0)
			rc = probe_list_parse(&lv->skip, tok + 5, err);
		else
			rc = nr_error_set(err, EINVAL, "level %s: unknown key '%s' (via=, sudo, only=, "
			                  "skip=)", lv->id, tok);
	}
out:
	free(copy);
	return rc;
}

static int json_probe_list(char ***list, json_object *arr, const char *id, struct nr_error *err)
{
	size_t i;
	int rc = 0;

	if (!json_object_is_type(arr, json_type_array))
		return nr_error_set(err, EINVAL, "level %s: only/skip must be arrays of probe names", id);
	for (i = 0; i < json_object_array_length(arr) && rc == 0; i++) {
		json_object *e = json_object_array_get_idx(arr, i);

		rc = json_object_is_type(e, json_type_string)
			     ? probe_list_add(list, json_object_get_string(e), err)
			     : nr_error_set(err, EINVAL, "level %s: probe names are strings", id);
	}
	return rc;
}

static int json_level(struct nr_topology *t, json_object *o, struct nr_error *err)
{
	json_object *id, *target, *v;
	struct nr_topo_level *lv;
	int rc = 0;

	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "id", &id) ||
	    !json_object_object_get_ex(o, "target", &target) ||
	    !json_object_is_type(id, json_type_string) || !json_object_is_type(target, json_type_string))
		return nr_error_set(err, EINVAL, "each level needs string \"id\" and \"target\"");
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (strcmp(key, "id") && strcmp(key, "target") && strcmp(key, "via") &&
		    strcmp(key, "sudo") && strcmp(key, "only") && strcmp(key, "skip"))
			return nr_error_set(err, EINVAL, "level %s: unknown key \"%s\"",
			                    json_object_get_string(id), key);
	}
	lv = new_level(t, json_object_get_string(id), err);
	if (!lv)
		return -EINVAL;
	rc = set_target(lv, json_object_get_string(target), err);
	if (rc == 0 && json_object_object_get_ex(o, "via", &v))
		rc = json_object_is_type(v, json_type_string) ? set_via(lv, json_object_get_string(v), err)
		                                              : nr_error_set(err, EINVAL, "via is a string");
	if (rc == 0 && json_object_object_get_ex(o, "sudo", &v)) {
		if (!json_object_is_type(v, json_type_boolean))
			rc = nr_error_set(err, EINVAL, "level %s: sudo is true or false", lv->id);
		else
			lv->sudo = json_object_get_boolean(v);
	}
	if (rc == 0 && json_object_object_get_ex(o, "only", &v))
		rc = json_probe_list(&lv->only, v, lv->id, err);
	if (rc == 0 && json_object_object_get_ex(o, "skip", &v))
		rc = json_probe_list(&lv->skip, v, lv->id, err);
	return rc;
}

static bool only_space(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return false;
	return true;
}

int nr_topology_load(struct nr_topology *t, const char *path, struct nr_error *err)
{
	char *buf = malloc(TOPOLOGY_FILE_CAP + 1);
	json_tokener *tok = json_tokener_new_ex(32);
	json_object *root = NULL, *levels;
	FILE *f = nr_file_fopen_regular(path, "topology", err);
	size_t n = 0, i;
	int rc = 0;

	if (!f) {
		rc = -(err && err->code ? err->code : EIO);
		goto out;
	}
	if (!buf || !tok) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	n = fread(buf, 1, TOPOLOGY_FILE_CAP + 1, f);
	if (n > TOPOLOGY_FILE_CAP) {
		rc = nr_error_set(err, EFBIG, "topology %s is over 1 MiB", path);
		goto out;
	}
	root = json_tokener_parse_ex(tok, buf, (int)n);
	if (!root || !only_space(buf + json_tokener_get_parse_end(tok), n - json_tokener_get_parse_end(tok)) ||
	    !json_object_is_type(root, json_type_object)) {
		rc = nr_error_set(err, EINVAL, "topology %s: want one JSON object with a \"levels\" "
		                  "array", path);
		goto out;
	}
	json_object_object_foreach(root, key, val) {
		(void)val;
		if (strcmp(key, "levels") != 0) {
			rc = nr_error_set(err, EINVAL, "topology %s: unknown key \"%s\" (only \"levels\")",
			                  path, key);
			goto out;
		}
	}
	if (!json_object_object_get_ex(root, "levels", &levels) ||
	    !json_object_is_type(levels, json_type_array)) {
		rc = nr_error_set(err, EINVAL, "topology %s: want a \"levels\" array", path);
		goto out;
	}
	for (i = 0; i < json_object_array_length(levels) && rc == 0; i++)
		rc = json_level(t, json_object_array_get_idx(levels, i), err);
	if (rc < 0)
		nr_error_wrap(err, "topology %s", path);
out:
	if (f)
		fclose(f);
	json_object_put(root);
	if (tok)
		json_tokener_free(tok);
	free(buf);
	return rc;
}

static int sorted_index(const struct nr_topo_level *sorted, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(sorted[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Order parents first (a stable topological sort), which also rejects
 * cycles and unknown parents. */
int nr_topology_check(struct nr_topology *t, struct nr_error *err)
{
	struct nr_topo_level sorted[NR_TOPO_MAX_LEVELS];
	bool placed[NR_TOPO_MAX_LEVELS] = { false };
	size_t done = 0, i, pass;

	for (pass = 0; pass <= t->n && done < t->n; pass++) {
		for (i = 0; i < t->n; i++) {
			int parent = -1;

			if (placed[i])
				continue;
			if (strcmp(t->levels[i].via, "l0") != 0) {
				parent = sorted_index(sorted, done, t->levels[i].via);
				if (parent < 0)
					continue;   /* its parent is not placed yet */
			}
			t->levels[i].depth = parent < 0 ? 1 : sorted[parent].depth + 1;
			sorted[done++] = t->levels[i];
			placed[i] = true;
		}
	}
	if (done < t->n) {
		for (i = 0; i < t->n && placed[i]; i++)
			;
		return nr_error_set(err, EINVAL, "level %s: via '%s' is not a level (or forms a cycle)",
		                    t->levels[i].id, t->levels[i].via);
	}
	memcpy(t->levels, sorted, t->n * sizeof(sorted[0]));
	return 0;
}

void nr_topology_release(struct nr_topology *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free_list(t->levels[i].only);
		free_list(t->levels[i].skip);
	}
	t->n = 0;
}
