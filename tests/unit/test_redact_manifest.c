/* SPDX-License-Identifier: MIT */
/* Unit tests for the manifest's redaction (collector/redact/manifest_walk.c):
 * every field the manifest schema constrains (an enum, a const, a pattern)
 * is one the walk keeps or re-paths, read from schemas/manifest.schema.json
 * itself, so a field added to the schema later cannot be broken silently;
 * and the walk redacts the rest, user words included, without touching
 * the structure. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact/collection.h"
#include "redact/redact.h"

#define SCHEMA "schemas/manifest.schema.json"

static json_object *defs;

static json_object *resolve(json_object *n)
{
	json_object *ref;
	const char *r;

	if (json_object_object_get_ex(n, "$ref", &ref) && (r = json_object_get_string(ref)) &&
	    strncmp(r, "#/$defs/", 8) == 0)
		return json_object_object_get(defs, r + 8);
	return n;
}

/* Every path under which the schema constrains a string. */
static void constrained(json_object *n, const char *path, int depth, json_object *out)
{
	static const char *const subs[] = { "oneOf", "anyOf", "allOf" };
	char sub[512];
	json_object *v;
	size_t i, j;

	if (!n || depth > 16)
		return;
	n = resolve(n);
	if ((json_object_object_get_ex(n, "enum", &v) || json_object_object_get_ex(n, "const", &v) ||
	     json_object_object_get_ex(n, "pattern", &v)) && path[0])
		json_object_array_add(out, json_object_new_string(path));
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (json_object_object_get_ex(n, subs[i], &v))
			for (j = 0; j < json_object_array_length(v); j++)
				constrained(json_object_array_get_idx(v, j), path, depth + 1, out);
	if (json_object_object_get_ex(n, "properties", &v)) {
		json_object_object_foreach(v, key, val) {
			snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "/" : "", key);
			constrained(val, sub, depth + 1, out);
		}
	}
	snprintf(sub, sizeof(sub), "%s%s*", path, path[0] ? "/" : "");
	if (json_object_object_get_ex(n, "items", &v))
		constrained(v, sub, depth + 1, out);
	if (json_object_object_get_ex(n, "additionalProperties", &v) &&
	    json_object_is_type(v, json_type_object))
		constrained(v, sub, depth + 1, out);
}

static void test_schema_fields_kept(void **state)
{
	json_object *schema = json_object_from_file(SCHEMA), *paths = json_object_new_array();
	size_t i, n;

	(void)state;
	if (!schema)
		fail_msg("cannot read %s (run from the source tree)", SCHEMA);
	defs = json_object_object_get(schema, "$defs");
	constrained(schema, "", 0, paths);
	n = json_object_array_length(paths);
	assert_true(n > 20);
	for (i = 0; i < n; i++) {
		const char *p = json_object_get_string(json_object_array_get_idx(paths, i));

		if (!nr_redact_field_kept(p))
			fail_msg("the schema constrains %s, which redaction would rewrite: keep it in "
			         "manifest_walk.c", p);
	}
	/* Free text is redacted. */
	assert_false(nr_redact_field_kept("levels/*/facts/hostname"));
	assert_false(nr_redact_field_kept("levels/*/errors/*"));
	assert_false(nr_redact_field_kept("argv/*"));
	assert_false(nr_redact_field_kept("host"));
	json_object_put(paths);
	json_object_put(schema);
}

static const char manifest[] =
	"{\"schema\":\"urn:nest-report:schema:manifest:1\",\"host\":\"myhost\","
	"\"argv\":[\"nest-report\",\"--level\",\"l1=alice@db1.corp.example.com\"],"
	"\"levels\":[{\"id\":\"l1\",\"status\":\"auth-failed\",\"target\":\"db1.corp.example.com\","
	"\"errors\":[\"auth failed for alice at db1.corp.example.com (10.1.2.3)\"],"
	"\"facts\":{\"hostname\":\"myhost\",\"arch_family\":\"x86\",\"evidence\":{\"cpu.x\":"
	"[{\"artifact\":\"levels/l1/libvirt/log-myhost.log\",\"detail\":\"on myhost\"}]}},"
	"\"probes\":[{\"name\":\"libvirt\",\"status\":\"ok\",\"artifacts\":[{\"name\":\"log-myhost.log\","
	"\"path\":\"levels/l1/libvirt/log-myhost.log\",\"sha256\":\"aa\"}]}]}],"
	"\"signer\":{\"identity\":\"alice@myhost\",\"key_type\":\"ssh-ed25519\",\"fingerprint\":\"SHA256:auth\"}}";

static void test_walk(void **state)
{
	struct nr_redactor *r = nr_redactor_new();
	json_object *m = json_tokener_parse(manifest);
	struct nr_error err = { 0 };
	const char *out;

	(void)state;
	assert_non_null(m);
	assert_int_equal(nr_redact_learn_manifest(r, m), 0);
	/* A word that is part of an enum value must not break it. */
	assert_int_equal(nr_redact_add_word(r, "auth", &err), 0);
	assert_int_equal(nr_redact_manifest_walk(r, m, NULL), 0);
	out = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	assert_null(strstr(out, "myhost"));
	assert_null(strstr(out, "alice"));
	assert_null(strstr(out, "db1"));
	assert_null(strstr(out, "example.com"));
	assert_null(strstr(out, "10.1.2.3"));
	assert_non_null(strstr(out, "\"status\":\"auth-failed\""));
	assert_non_null(strstr(out, "\"fingerprint\":\"SHA256:auth\""));
	assert_non_null(strstr(out, "\"id\":\"l1\""));
	assert_non_null(strstr(out, "\"arch_family\":\"x86\""));
	assert_non_null(strstr(out, "\"errors\":[\"word-1 failed for user-1 at host-2.domain-1.example (198.18.1.3)\"]"));
	assert_non_null(strstr(out, "\"identity\":\"user-1@host-1\""));
	/* An artifact's name follows its path. */
	assert_non_null(strstr(out, "\"name\":\"log-host-1.log\",\"path\":\"levels/l1/libvirt/log-host-1.log\""));
	json_object_put(m);
	nr_redactor_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_fields_kept),
		cmocka_unit_test(test_walk),
	};

	return cmocka_run_group_tests_name("redact_manifest", tests, NULL, NULL);
}
