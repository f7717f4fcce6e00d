/* SPDX-License-Identifier: MIT */
#include "jschema.h"
#include "jschema_regex.h"
#include "util/file_open.h"
#include "util/strmap.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_FILE_MAX (4u * 1024 * 1024)
#define SCHEMA_DEPTH 64          /* subschema nesting, $ref hops included */
#define WHERE_MAX 512

struct nr_jschema {
	json_object *root;
	struct nr_strmap patterns;   /* pattern text -> struct nr_jregex * */
};

static const char *const annotations[] = {
	"$schema", "$id", "$defs", "title", "description", "$comment", "default", "examples", NULL,
};
static const char *const keywords[] = {
	"type", "enum", "const", "required", "properties", "additionalProperties", "items", "$ref",
	"pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems",
	"maxItems", "minLength", "maxLength", "oneOf", "anyOf", "allOf", "not", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* "#/$defs/level" (JSON pointer, ~0 ~1 escapes) inside root; NULL if none. */
static json_object *resolve_ref(json_object *root, const char *ref)
{
	json_object *cur = root;
	char tok[256];
	const char *p;
	size_t n;

	if (strncmp(ref, "#", 1) != 0)
		return NULL;
	for (p = ref + 1; *p == '/';) {
		p++;
		for (n = 0; *p && *p != '/' && n + 1 < sizeof(tok); p++) {
			if (p[0] == '~' && (p[1] == '0' || p[1] == '1')) {
				tok[n++] = p[1] == '0' ? '~' : '/';
				p++;
			} else {
				tok[n++] = *p;
			}
		}
		tok[n] = '\0';
		if (!json_object_is_type(cur, json_type_object) ||
		    !json_object_object_get_ex(cur, tok, &cur))
			return NULL;
	}
	return *p ? NULL : cur;
}

/* ---- loading: refuse what we would not enforce ------------------------ */

static int check_schema(struct nr_jschema *s, json_object *sch, int depth, struct nr_error *err);

static int check_each(struct nr_jschema *s, json_object *v, const char *kw, int depth,
                      struct nr_error *err)
{
	size_t i;
	int rc = 0;

	if (json_object_is_type(v, json_type_array)) {
		for (i = 0; i < json_object_array_length(v) && rc == 0; i++)
			rc = check_schema(s, json_object_array_get_idx(v, i), depth + 1, err);
		return rc;
	}
	if (json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, k, sub) {
			(void)k;
			if ((rc = check_schema(s, sub, depth + 1, err)) < 0)
				return rc;
		}
		return 0;
	}
	return nr_error_set(err, EINVAL, "schema keyword '%s' has the wrong type", kw);
}

static int add_pattern(struct nr_jschema *s, json_object *v, struct nr_error *err)
{
	const char *p = json_object_get_string(v);
	struct nr_jregex *re;
	int rc;

	if (!json_object_is_type(v, json_type_string))
		return nr_error_set(err, EINVAL, "schema keyword 'pattern' is not a string");
	if (nr_strmap_find(&s->patterns, p))
		return 0;
	re = calloc(1, sizeof(*re));
	if (!re)
		return nr_error_set(err, ENOMEM, "out of memory");
	if ((rc = nr_jregex_compile(re, p, err)) < 0) {
		free(re);
		return rc;
	}
	if (nr_strmap_put(&s->patterns, p, re) < 0) {
		nr_jregex_free(re);
		free(re);
		return nr_error_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int check_schema(struct nr_jschema *s, json_object *sch, int depth, struct nr_error *err)
{
	int rc = 0;

	if (depth > SCHEMA_DEPTH)
		return nr_error_set(err, ELOOP, "schema nested too deep");
	if (json_object_is_type(sch, json_type_boolean))
		return 0;
	if (!json_object_is_type(sch, json_type_object))
		return nr_error_set(err, EINVAL, "a subschema is neither an object nor a boolean");
	json_object_object_foreach(sch, kw, v) {
		if (in_list(annotations, kw)) {
			if (strcmp(kw, "$defs") == 0)
				rc = check_each(s, v, kw, depth, err);
		} else if (!in_list(keywords, kw)) {
			rc = nr_error_set(err, EINVAL, "schema keyword '%s' is not supported", kw);
		} else if (strcmp(kw, "properties") == 0 || strcmp(kw, "oneOf") == 0 ||
		           strcmp(kw, "anyOf") == 0 || strcmp(kw, "allOf") == 0) {
			rc = check_each(s, v, kw, depth, err);
		} else if (strcmp(kw, "additionalProperties") == 0 || strcmp(kw, "items") == 0 ||
		           strcmp(kw, "not") == 0) {
			rc = check_schema(s, v, depth + 1, err);
		} else if (strcmp(kw, "pattern") == 0) {
			rc = add_pattern(s, v, err);
		} else if (strcmp(kw, "$ref") == 0 &&
		           !resolve_ref(s->root, json_object_get_string(v))) {
			rc = nr_error_set(err, EINVAL, "schema $ref '%s' does not resolve",
			                  json_object_get_string(v));
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void free_pattern(void *p)
{
	nr_jregex_free(p);
	free(p);
}

struct nr_jschema *nr_jschema_new(json_object *schema, struct nr_error *err)
{
	struct nr_jschema *s = calloc(1, sizeof(*s));

	if (!s) {
		nr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	s->root = json_object_get(schema);
	if (check_schema(s, schema, 0, err) < 0) {
		nr_jschema_free(s);
		return NULL;
	}
	return s;
}

struct nr_jschema *nr_jschema_load(const char *path, struct nr_error *err)
{
	struct nr_jschema *s = NULL;
	json_object *doc = NULL;
	FILE *f = nr_file_fopen_regular(path, "schema", err);
	char *buf = malloc(SCHEMA_FILE_MAX + 1);
	size_t n = 0;

	if (!f || !buf) {
		if (f)
			nr_error_set(err, ENOMEM, "cannot read schema %s: out of memory", path);
		goto out;
	}
	n = fread(buf, 1, SCHEMA_FILE_MAX + 1, f);
	if (n > SCHEMA_FILE_MAX || ferror(f)) {
		nr_error_set(err, EFBIG, "cannot read schema %s: too big or unreadable", path);
		goto out;
	}
	buf[n] = '\0';
	doc = json_tokener_parse(buf);
	if (!doc) {
		nr_error_set(err, EINVAL, "schema %s is not JSON", path);
		goto out;
	}
	s = nr_jschema_new(doc, err);
	if (!s)
		nr_error_wrap(err, "schema %s", path);
out:
	json_object_put(doc);
	if (f)
		fclose(f);
	free(buf);
	return s;
}

const char *nr_jschema_id(const struct nr_jschema *s)
{
	json_object *id;

	return json_object_object_get_ex(s->root, "$id", &id) ? json_object_get_string(id) : NULL;
}

void nr_jschema_free(struct nr_jschema *s)
{
	if (!s)
		return;
	nr_strmap_release(&s->patterns, free_pattern);
	json_object_put(s->root);
	free(s);
}

/* ---- validation ------------------------------------------------------- */

struct vctx {
	struct nr_jschema *s;
	json_object *errors;     /* NULL: just count */
	size_t max, count;
	bool stop_at_first;      /* inside oneOf/anyOf/not: only "valid?" matters */
	char where[WHERE_MAX];
};

static void fail(struct vctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct vctx *c, const char *fmt, ...)
{
	char msg[768];
	int n;
	va_list ap;

	c->count++;
	if (!c->errors || json_object_array_length(c->errors) >= c->max)
		return;
	n = snprintf(msg, sizeof(msg), "%s: ", c->where[0] ? c->where : "(root)");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	/* It quotes the document: keep control characters out of messages. */
	for (n = 0; msg[n]; n++)
		if ((unsigned char)msg[n] < 0x20 || msg[n] == 0x7f)
			msg[n] = '?';
	json_object_array_add(c->errors, json_object_new_string(msg));
}

static bool is_number(json_object *v)
{
	return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

static bool is_integer(json_object *v)
{
	double d;

	if (json_object_is_type(v, json_type_int))
		return true;
	if (!json_object_is_type(v, json_type_double))
		return false;
	/* JSON Schema: 1.0 is an integer. */
	d = json_object_get_double(v);
	return isfinite(d) && floor(d) == d;
}

static const char *type_name(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "boolean";
	case json_type_int: return "integer";
	case json_type_double: return is_integer(v) ? "integer" : "number";
	case json_type_string: return "string";
	case json_type_array: return "array";
	case json_type_object: return "object";
	}
	return "?";
}

static bool has_type(json_object *v, const char *t)
{
	if (strcmp(t, "number") == 0)
		return is_number(v);
	if (strcmp(t, "integer") == 0)
		return is_integer(v);
	return strcmp(t, type_name(v)) == 0 ||
	       (strcmp(t, "number") == 0 && strcmp(type_name(v), "integer") == 0);
}

static bool jequal(json_object *a, json_object *b)
{
	size_t i, n;

	if (is_number(a) && is_number(b)) {
		if (json_object_is_type(a, json_type_int) && json_object_is_type(b, json_type_int))
			return json_object_get_int64(a) == json_object_get_int64(b);
		return json_object_get_double(a) == json_object_get_double(b);
	}
	if (json_object_get_type(a) != json_object_get_type(b))
		return false;
	switch (json_object_get_type(a)) {
	case json_type_null: return true;
	case json_type_boolean: return json_object_get_boolean(a) == json_object_get_boolean(b);
	case json_type_string:
		/* By length: a string may hold "\u0000" (C strings stop there). */
		return json_object_get_string_len(a) == json_object_get_string_len(b) &&
		       memcmp(json_object_get_string(a), json_object_get_string(b),
		              (size_t)json_object_get_string_len(a)) == 0;
	case json_type_array:
		n = json_object_array_length(a);
		if (n != json_object_array_length(b))
			return false;
		for (i = 0; i < n; i++)
			if (!jequal(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i)))
				return false;
		return true;
	case json_type_object:
		if (json_object_object_length(a) != json_object_object_length(b))
			return false;
		json_object_object_foreach(a, k, va) {
			json_object *vb;

			if (!json_object_object_get_ex(b, k, &vb) || !jequal(va, vb))
				return false;
		}
		return true;
	default:
		return false;
	}
}

static double num(json_object *v)
{
	return json_object_get_double(v);
}

/* Code points, as JSON Schema counts a string's length. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void validate(struct vctx *c, json_object *sch, json_object *v, int depth);

/* Push a path component onto c->where for the duration of one check. */
static size_t where_push(struct vctx *c, const char *key, size_t idx, bool is_idx)
{
	size_t old = strlen(c->where);

	if (old < WHERE_MAX - 1) {
		if (is_idx)
			snprintf(c->where + old, WHERE_MAX - old, "%s%zu", old ? "/" : "", idx);
		else
			snprintf(c->where + old, WHERE_MAX - old, "%s%s", old ? "/" : "", key);
	}
	return old;
}

static bool valid_alone(struct vctx *c, json_object *sch, json_object *v, int depth)
{
	struct vctx sub = { c->s, NULL, 0, 0, true, "" };

	validate(&sub, sch, v, depth);
	return sub.count == 0;
}

static void check_object(struct vctx *c, json_object *sch, json_object *v, int depth)
{
	json_object *props = json_object_object_get(sch, "properties"), *req, *addl, *sub;
	size_t i, old;

	if (json_object_object_get_ex(sch, "required", &req) && json_object_is_type(req, json_type_array))
		for (i = 0; i < json_object_array_length(req); i++) {
			const char *k = json_object_get_string(json_object_array_get_idx(req, i));

			if (!json_object_object_get_ex(v, k, NULL))
				fail(c, "required property '%s' is missing", k);
		}
	json_object_object_foreach(v, k, pv) {
		old = where_push(c, k, 0, false);
		if (props && json_object_object_get_ex(props, k, &sub))
			validate(c, sub, pv, depth + 1);
		else if (json_object_object_get_ex(sch, "additionalProperties", &addl)) {
			if (json_object_is_type(addl, json_type_boolean) && !json_object_get_boolean(addl))
				fail(c, "property not allowed");
			else
				validate(c, addl, pv, depth + 1);
		}
		c->where[old] = '\0';
		if (c->stop_at_first && c->count)
			return;
	}
}

static void check_array(struct vctx *c, json_object *sch, json_object *v, int depth)
{
	size_t i, n = json_object_array_length(v), old;
	json_object *items, *k;

	if (json_object_object_get_ex(sch, "minItems", &k) && (double)n < num(k))
		fail(c, "%zu items, fewer than %g", n, num(k));
	if (json_object_object_get_ex(sch, "maxItems", &k) && (double)n > num(k))
		fail(c, "%zu items, more than %g", n, num(k));
	if (!json_object_object_get_ex(sch, "items", &items))
		return;
	for (i = 0; i < n && !(c->stop_at_first && c->count); i++) {
		old = where_push(c, NULL, i, true);
		validate(c, items, json_object_array_get_idx(v, i), depth + 1);
		c->where[old] = '\0';
	}
}

static void check_string(struct vctx *c, json_object *sch, json_object *v)
{
	const char *s = json_object_get_string(v);
	json_object *k;
	struct nr_strmap_slot *slot;

	if (json_object_object_get_ex(sch, "minLength", &k) && (double)utf8_len(s) < num(k))
		fail(c, "shorter than %g characters", num(k));
	if (json_object_object_get_ex(sch, "maxLength", &k) && (double)utf8_len(s) > num(k))
		fail(c, "longer than %g characters", num(k));
	if (json_object_object_get_ex(sch, "pattern", &k)) {
		slot = nr_strmap_find(&c->s->patterns, json_object_get_string(k));
		/* A regex sees a C string, which ends at an embedded NUL: the rest
		 * ("summary.txt\u0000../../x") would pass unseen.  No pattern of
		 * ours admits a NUL, so such a string matches none. */
		if (slot && strlen(s) != (size_t)json_object_get_string_len(v))
			fail(c, "'%.80s\\u0000...' holds a NUL character, which '%s' does not allow", s,
			     json_object_get_string(k));
		else if (slot && !nr_jregex_match(slot->val, s))
			fail(c, "'%.80s' does not match '%s'", s, json_object_get_string(k));
	}
}

static void check_number(struct vctx *c, json_object *sch, json_object *v)
{
	double d = num(v);
	json_object *k;

	if (json_object_object_get_ex(sch, "minimum", &k) && d < num(k))
		fail(c, "%g is less than the minimum %g", d, num(k));
	if (json_object_object_get_ex(sch, "maximum", &k) && d > num(k))
		fail(c, "%g is more than the maximum %g", d, num(k));
	if (json_object_object_get_ex(sch, "exclusiveMinimum", &k) && d <= num(k))
		fail(c, "%g is not more than %g", d, num(k));
	if (json_object_object_get_ex(sch, "exclusiveMaximum", &k) && d >= num(k))
		fail(c, "%g is not less than %g", d, num(k));
}

static void check_type(struct vctx *c, json_object *t, json_object *v)
{
	size_t i;

	if (json_object_is_type(t, json_type_string)) {
		if (!has_type(v, json_object_get_string(t)))
			fail(c, "expected %s, got %s", json_object_get_string(t), type_name(v));
		return;
	}
	for (i = 0; i < json_object_array_length(t); i++)
		if (has_type(v, json_object_get_string(json_object_array_get_idx(t, i))))
			return;
	fail(c, "expected %s, got %s", json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN),
	     type_name(v));
}

static void check_combinators(struct vctx *c, json_object *sch, json_object *v, int depth)
{
	json_object *k;
	size_t i, n, good = 0;

	if (json_object_object_get_ex(sch, "oneOf", &k)) {
		n = json_object_array_length(k);
		for (i = 0; i < n; i++)
			good += valid_alone(c, json_object_array_get_idx(k, i), v, depth + 1);
		if (good != 1)
			fail(c, "matches %zu of the %zu oneOf choices, not exactly one", good, n);
	}
	if (json_object_object_get_ex(sch, "anyOf", &k)) {
		n = json_object_array_length(k);
		for (i = 0, good = 0; i < n && !good; i++)
			good = valid_alone(c, json_object_array_get_idx(k, i), v, depth + 1);
		if (!good)
			fail(c, "matches none of the anyOf choices");
	}
	if (json_object_object_get_ex(sch, "allOf", &k))
		for (i = 0; i < json_object_array_length(k); i++)
			validate(c, json_object_array_get_idx(k, i), v, depth + 1);
	if (json_object_object_get_ex(sch, "not", &k) && valid_alone(c, k, v, depth + 1))
		fail(c, "matches a schema it must not");
}

static void validate(struct vctx *c, json_object *sch, json_object *v, int depth)
{
	json_object *k;
	size_t i;
	bool found = false;

	if (depth > SCHEMA_DEPTH) {
		fail(c, "nested too deep to check");
		return;
	}
	if (json_object_is_type(sch, json_type_boolean)) {
		if (!json_object_get_boolean(sch))
			fail(c, "no value is allowed here");
		return;
	}
	if (json_object_object_get_ex(sch, "$ref", &k))
		validate(c, resolve_ref(c->s->root, json_object_get_string(k)), v, depth + 1);
	if (json_object_object_get_ex(sch, "type", &k))
		check_type(c, k, v);
	if (json_object_object_get_ex(sch, "const", &k) && !jequal(k, v))
		fail(c, "must be %s", json_object_to_json_string_ext(k, JSON_C_TO_STRING_PLAIN));
	if (json_object_object_get_ex(sch, "enum", &k)) {
		for (i = 0; i < json_object_array_length(k) && !found; i++)
			found = jequal(json_object_array_get_idx(k, i), v);
		if (!found)
			fail(c, "%.80s is not one of %.200s",
			     json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
			     json_object_to_json_string_ext(k, JSON_C_TO_STRING_PLAIN));
	}
	if (c->stop_at_first && c->count)
		return;
	if (json_object_is_type(v, json_type_object))
		check_object(c, sch, v, depth);
	else if (json_object_is_type(v, json_type_array))
		check_array(c, sch, v, depth);
	else if (json_object_is_type(v, json_type_string))
		check_string(c, sch, v);
	else if (is_number(v))
		check_number(c, sch, v);
	check_combinators(c, sch, v, depth);
}

size_t nr_jschema_validate(struct nr_jschema *s, json_object *doc, json_object *errors,
                           size_t max_errors)
{
	struct vctx c = { s, errors, max_errors, 0, false, "" };

	validate(&c, s->root, doc, 0);
	return c.count;
}
