/* SPDX-License-Identifier: MIT */
/* The JSON Schema subset validator (collector/trust/jschema.c) and its ECMA ->
 * POSIX pattern translation (jschema_regex.c).  Agreement with
 * python3-jsonschema on real manifests is checked by
 * tests/integration/verify_schema_agree.sh; this tests each keyword. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trust/jschema.h"
#include "trust/jschema_regex.h"

/* Errors of doc against schema (both JSON text); -1 if the schema is refused. */
static long check(const char *schema, const char *doc, char *first, size_t firstlen)
{
	json_object *s = json_tokener_parse(schema), *d = json_tokener_parse(doc);
	json_object *errors = json_object_new_array();
	struct nr_error err = { 0 };
	struct nr_jschema *js;
	long n;

	assert_non_null(s);
	js = nr_jschema_new(s, &err);
	json_object_put(s);
	if (!js) {
		if (first)
			snprintf(first, firstlen, "%s", err.msg);
		json_object_put(d);
		json_object_put(errors);
		return -1;
	}
	n = (long)nr_jschema_validate(js, d, errors, 10);
	if (first)
		snprintf(first, firstlen, "%s", n ? json_object_get_string(json_object_array_get_idx(errors, 0)) : "");
	nr_jschema_free(js);
	json_object_put(d);
	json_object_put(errors);
	return n;
}

#define VALID(s, d) assert_int_equal(check(s, d, NULL, 0), 0)
#define INVALID(s, d) assert_true(check(s, d, NULL, 0) > 0)

static void test_type(void **state)
{
	(void)state;
	VALID("{\"type\": \"integer\"}", "3");
	VALID("{\"type\": \"integer\"}", "3.0");        /* JSON Schema: 3.0 is an integer */
	INVALID("{\"type\": \"integer\"}", "3.5");
	INVALID("{\"type\": \"integer\"}", "true");
	VALID("{\"type\": \"number\"}", "3.5");
	VALID("{\"type\": \"number\"}", "3");
	INVALID("{\"type\": \"string\"}", "null");
	VALID("{\"type\": [\"string\", \"null\"]}", "null");
	INVALID("{\"type\": [\"string\", \"null\"]}", "[]");
	VALID("{\"type\": \"object\"}", "{}");
	INVALID("{\"type\": \"array\"}", "{}");
	VALID("{\"type\": \"boolean\"}", "false");
	VALID("true", "{\"anything\": 1}");
	INVALID("false", "1");
}

static void test_enum_const(void **state)
{
	(void)state;
	VALID("{\"enum\": [\"a\", null, 1]}", "null");
	VALID("{\"enum\": [\"a\", null, 1]}", "1.0");
	INVALID("{\"enum\": [\"a\", null, 1]}", "\"b\"");
	INVALID("{\"enum\": [1]}", "true");
	VALID("{\"const\": {\"a\": [1, 2]}}", "{\"a\": [1, 2]}");
	INVALID("{\"const\": {\"a\": [1, 2]}}", "{\"a\": [2, 1]}");
	INVALID("{\"const\": \"x\"}", "\"y\"");
}

static void test_objects(void **state)
{
	const char *s = "{\"type\": \"object\", \"required\": [\"a\"], \"additionalProperties\": false,"
	                " \"properties\": {\"a\": {\"type\": \"string\"}, \"b\": {\"type\": \"null\"}}}";
	char first[300];

	(void)state;
	VALID(s, "{\"a\": \"x\"}");
	VALID(s, "{\"a\": \"x\", \"b\": null}");
	assert_int_equal(check(s, "{\"b\": null}", first, sizeof(first)), 1);
	assert_string_equal(first, "(root): required property 'a' is missing");
	assert_int_equal(check(s, "{\"a\": \"x\", \"c\": 1}", first, sizeof(first)), 1);
	assert_string_equal(first, "c: property not allowed");
	INVALID(s, "{\"a\": 1}");
	VALID("{\"additionalProperties\": {\"type\": \"string\"}}", "{\"x\": \"1\", \"y\": \"2\"}");
	INVALID("{\"additionalProperties\": {\"type\": \"string\"}}", "{\"x\": \"1\", \"y\": 2}");
	VALID("{\"required\": [\"a\"]}", "[1]");    /* applies to objects only */
}

static void test_arrays_strings_numbers(void **state)
{
	const char *s = "{\"type\": \"array\", \"minItems\": 1, \"maxItems\": 2, \"items\": {\"minimum\": 0, \"maximum\": 9}}";
	char first[300];

	(void)state;
	VALID(s, "[0, 9]");
	INVALID(s, "[]");
	INVALID(s, "[1, 2, 3]");
	assert_int_equal(check(s, "[1, -1]", first, sizeof(first)), 1);
	assert_string_equal(first, "1: -1 is less than the minimum 0");
	INVALID(s, "[10]");
	VALID("{\"exclusiveMinimum\": 0}", "0.5");
	INVALID("{\"exclusiveMinimum\": 0}", "0");
	VALID("{\"minLength\": 2, \"maxLength\": 2}", "\"\xc3\xbc\xc3\xbc\"");   /* 2 code points */
	INVALID("{\"minLength\": 3}", "\"\xc3\xbc\xc3\xbc\"");
	VALID("{\"minimum\": 5}", "\"abc\"");      /* numbers only */
}

static void test_refs_and_combinators(void **state)
{
	const char *s = "{\"$defs\": {\"n\": {\"type\": [\"string\", \"null\"]}, \"o\": {\"type\": \"object\", "
	                "\"required\": [\"k\"]}},"
	                " \"properties\": {\"a\": {\"$ref\": \"#/$defs/n\", \"description\": \"x\"},"
	                " \"m\": {\"oneOf\": [{\"type\": \"null\"}, {\"$ref\": \"#/$defs/o\"}]}}}";
	char first[300];

	(void)state;
	VALID(s, "{\"a\": null, \"m\": null}");
	VALID(s, "{\"a\": \"s\", \"m\": {\"k\": 1}}");
	INVALID(s, "{\"a\": 1}");
	assert_int_equal(check(s, "{\"m\": {}}", first, sizeof(first)), 1);
	assert_string_equal(first, "m: matches 0 of the 2 oneOf choices, not exactly one");
	INVALID("{\"oneOf\": [{\"type\": \"integer\"}, {\"minimum\": 0}]}", "1");   /* both match */
	VALID("{\"anyOf\": [{\"type\": \"integer\"}, {\"minimum\": 0}]}", "1");
	INVALID("{\"allOf\": [{\"type\": \"integer\"}, {\"minimum\": 2}]}", "1");
	INVALID("{\"not\": {\"type\": \"string\"}}", "\"x\"");
	VALID("{\"$defs\": {\"a~b\": {\"const\": 1}, \"c/d\": {\"const\": 2}}, \"anyOf\": "
	      "[{\"$ref\": \"#/$defs/a~0b\"}, {\"$ref\": \"#/$defs/c~1d\"}]}", "2");
}

static void test_refused_schemas(void **state)
{
	char msg[300];

	(void)state;
	assert_int_equal(check("{\"format\": \"date-time\"}", "1", msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "'format' is not supported"));
	assert_int_equal(check("{\"patternProperties\": {}}", "1", msg, sizeof(msg)), -1);
	assert_int_equal(check("{\"$ref\": \"#/$defs/none\"}", "1", msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "does not resolve"));
	assert_int_equal(check("{\"$ref\": \"other.json#/x\"}", "1", msg, sizeof(msg)), -1);
	assert_int_equal(check("{\"pattern\": \"(?<=a)b\"}", "1", msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "cannot be run as a POSIX regex"));
	assert_int_equal(check("{\"pattern\": \"a(?!b)\"}", "1", msg, sizeof(msg)), -1);
	assert_int_equal(check("{\"properties\": {\"a\": {\"typo\": 1}}}", "{}", msg, sizeof(msg)), -1);
}

static bool match(const char *pattern, const char *s)
{
	struct nr_jregex re;
	struct nr_error err = { 0 };
	bool m;

	if (nr_jregex_compile(&re, pattern, &err) < 0)
		fail_msg("pattern %s: %s", pattern, err.msg);
	m = nr_jregex_match(&re, s);
	nr_jregex_free(&re);
	return m;
}

static void test_patterns(void **state)
{
	static const char *member = "^(?!/)(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9._/+@-]+$";
	static const struct { const char *s; bool ok; } paths[] = {
		{ "levels/l0/kernel/uname-a", true }, { "summary.txt", true }, { "..hidden", true },
		{ "a/..b/c..", true }, { "a@b+c", true }, { "/etc/passwd", false }, { "../x", false },
		{ "a/../b", false }, { "a/..", false }, { "..", false }, { "a b", false }, { "", false },
		{ "a\n", false }, { "\xc3\xbc", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (match(member, paths[i].s) != paths[i].ok)
			fail_msg("member_path '%s': expected %s", paths[i].s, paths[i].ok ? "match" : "no match");
	assert_true(match("^[0-9a-f]{64}$", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	assert_false(match("^[0-9a-f]{64}$", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeF"));
	assert_true(match("b", "abc"));                 /* search, not full match */
	assert_true(match("^\\d+\\.\\d+", "7.2.9"));
	assert_false(match("^a.c$", "a\nc"));          /* ECMA '.' stops at line breaks */
	assert_true(match("^a.c$", "abc"));
	assert_true(match("^(?:ab)+$", "abab"));
	assert_true(match("^(?=a)[a-z]+$", "abc"));
	assert_false(match("^(?=a)[a-z]+$", "bc"));
	assert_true(match("^SHA256:[A-Za-z0-9+/]{43}$", "SHA256:tLmUe+MM/MEq4G4FwAMF8mxnAdb7C6FuqHPKlSKVnCs"));
	assert_true(match("^[a-z0-9]+(-[a-z0-9]+)*$", "nested-disabled-l0"));
	assert_false(match("^[a-z0-9]+(-[a-z0-9]+)*$", "nested--x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type),
		cmocka_unit_test(test_enum_const),
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_arrays_strings_numbers),
		cmocka_unit_test(test_refs_and_combinators),
		cmocka_unit_test(test_refused_schemas),
		cmocka_unit_test(test_patterns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
