/* SPDX-License-Identifier: MIT */
/* Which manifest fields a reader needs are absent or of the wrong type:
 * see nr_mlevel_problems in mlevel.h. */
#include "mlevel.h"

#include <stdbool.h>
#include <stdio.h>

enum {
	T_STR = 1 << json_type_string,
	T_INT = 1 << json_type_int,
	T_OBJ = 1 << json_type_object,
	T_ARR = 1 << json_type_array,
	T_NULL = 1 << json_type_null,
};

struct field {
	const char *key;
	unsigned types;
};

/* What show, diff and the findings read (schemas/manifest.schema.json has
 * the whole contract; verify checks all of it). */
static const struct field top_fields[] = {
	{ "tool", T_OBJ }, { "created", T_STR }, { "host", T_STR }, { "argv", T_ARR },
	{ "levels", T_ARR }, { NULL, 0 },
};
static const struct field level_fields[] = {
	{ "id", T_STR }, { "depth", T_INT }, { "parent", T_STR | T_NULL },
	{ "transport", T_STR }, { "target", T_STR | T_NULL }, { "status", T_STR },
	{ "errors", T_ARR }, { "facts", T_OBJ }, { "probes", T_ARR }, { NULL, 0 },
};
static const struct field probe_fields[] = {
	{ "name", T_STR }, { "status", T_STR }, { "error", T_STR | T_NULL },
	{ "artifacts", T_ARR }, { NULL, 0 },
};

struct report {
	json_object *lines;
	size_t n, max;
};

static const char *type_name(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a number";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	default: return "a string";
	}
}

static const char *wanted_name(unsigned types)
{
	if (types & T_OBJ)
		return "an object";
	if (types & T_ARR)
		return "an array";
	if (types & T_INT)
		return "an integer";
	return types & T_NULL ? "a string or null" : "a string";
}

static void say(struct report *r, const char *where, const char *key, const char *what)
{
	char line[300];

	if (r->n++ >= r->max)
		return;
	snprintf(line, sizeof(line), "%s%s%s %s", where, *where ? "." : "", key, what);
	json_object_array_add(r->lines, json_object_new_string(line));
}

/* Each field of o: absent, or there with a type a reader cannot use. */
static void check_fields(struct report *r, json_object *o, const char *where,
                         const struct field *f)
{
	char what[80];
	json_object *v;

	for (; f->key; f++) {
		if (!json_object_object_get_ex(o, f->key, &v)) {
			say(r, where, f->key, "is missing");
			continue;
		}
		if (f->types & (1u << json_object_get_type(v)))
			continue;
		snprintf(what, sizeof(what), "is %s, not %s", type_name(v), wanted_name(f->types));
		say(r, where, f->key, what);
	}
}

/* o must be an object; says so under where when it is not. */
static bool is_object(struct report *r, json_object *o, const char *where)
{
	char what[80];

	if (json_object_is_type(o, json_type_object))
		return true;
	snprintf(what, sizeof(what), "is %s, not an object", type_name(o));
	say(r, "", where, what);
	return false;
}

size_t nr_mlevel_problems(json_object *manifest, json_object **problems, size_t max)
{
	struct report r = { json_object_new_array(), 0, max };
	json_object *levels, *probes;
	char where[64], pwhere[96];
	size_t i, j;

	*problems = r.lines;
	if (!r.lines || !is_object(&r, manifest, "manifest"))
		return r.n;
	check_fields(&r, manifest, "", top_fields);
	if (json_object_is_type(json_object_object_get(manifest, "levels"), json_type_array) &&
	    json_object_array_length(json_object_object_get(manifest, "levels")) == 0)
		say(&r, "", "levels", "is empty");
	levels = nr_mlevel_member(manifest, "levels", json_type_array);
	for (i = 0; levels && i < json_object_array_length(levels); i++) {
		json_object *lv = json_object_array_get_idx(levels, i);

		snprintf(where, sizeof(where), "levels[%zu]", i);
		if (!is_object(&r, lv, where))
			continue;
		check_fields(&r, lv, where, level_fields);
		probes = nr_mlevel_member(lv, "probes", json_type_array);
		for (j = 0; probes && j < json_object_array_length(probes); j++) {
			snprintf(pwhere, sizeof(pwhere), "%s.probes[%zu]", where, j);
			if (is_object(&r, json_object_array_get_idx(probes, j), pwhere))
				check_fields(&r, json_object_array_get_idx(probes, j), pwhere, probe_fields);
		}
	}
	return r.n;
}
