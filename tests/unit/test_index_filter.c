/* SPDX-License-Identifier: MIT */
/* The index's filters (collector/index/filter.c): what --fact, --finding,
 * --level and --since/--until accept, and the SQL they become, which must
 * carry every value as a parameter and none in its text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "index/filter.h"

static const struct nr_store_dialect dialect = { "id INTEGER PRIMARY KEY", "TEXT", "instr" };

static void test_fact_operators(void **state)
{
	static const struct {
		const char *expr, *key, *value;
		enum nr_fact_op op;
	} ok[] = {
		{ "kvm.module=kvm_amd", "kvm.module", "kvm_amd", NR_OP_EQ },
		{ "kvm.module==kvm_amd", "kvm.module", "kvm_amd", NR_OP_EQ },
		{ "kvm.module!=kvm_intel", "kvm.module", "kvm_intel", NR_OP_NE },
		{ "cpu.model~EPYC", "cpu.model", "EPYC", NR_OP_CONTAINS },
		{ "kernel.release>=6.8", "kernel.release", "6.8", NR_OP_GE },
		{ "kernel.release<=6.8.0-31-generic", "kernel.release", "6.8.0-31-generic", NR_OP_LE },
		{ "kernel.release>6", "kernel.release", "6", NR_OP_GT },
		{ "cpu.count<64", "cpu.count", "64", NR_OP_LT },
		{ "kvm.params.kvm_amd.nested=1", "kvm.params.kvm_amd.nested", "1", NR_OP_EQ },
		/* the value is everything after the operator, '=' and spaces included */
		{ "kernel.cmdline~a=b c", "kernel.cmdline", "a=b c", NR_OP_CONTAINS },
		{ "hostname=x'); DROP TABLE nr_bundles; --", "hostname", "x'); DROP TABLE nr_bundles; --", NR_OP_EQ },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct nr_index_filter f = { 0 };
		struct nr_error err = { 0 };

		assert_int_equal(nr_index_filter_fact(&f, ok[i].expr, &err), 0);
		assert_int_equal(f.nfacts, 1);
		assert_string_equal(f.facts[0].key, ok[i].key);
		assert_string_equal(f.facts[0].value, ok[i].value);
		assert_int_equal(f.facts[0].op, ok[i].op);
	}
}

static void test_fact_version_key(void **state)
{
	struct nr_index_filter f = { 0 };
	struct nr_error err = { 0 };

	(void)state;
	assert_int_equal(nr_index_filter_fact(&f, "kernel.release>=6.8", &err), 0);
	assert_string_equal(f.facts[0].vkey, "000000006.000000008.000000000.000000000");
	/* a suffix does not count, as in version_cmp.h */
	assert_int_equal(nr_index_filter_fact(&f, "kernel.release<6.10.0-rc1", &err), 0);
	assert_string_equal(f.facts[1].vkey, "000000006.000000010.000000000.000000000");
	/* byte order is version order: 6.10 sorts after 6.8 */
	assert_true(strcmp(f.facts[1].vkey, f.facts[0].vkey) > 0);
}

static void test_fact_refused(void **state)
{
	static const char *const bad[] = {
		"kvm.module",              /* no operator */
		"=kvm_amd",                /* no key */
		"kvm.module=",             /* no value */
		"kernel release=6.8",      /* a space in the key */
		"kernel.release>=new",     /* not a version */
		"kernel.release<x6",
		"cpu.flags=\x01",          /* not printable */
		"cpu.flags=\xff\xfe",      /* not UTF-8 */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nr_index_filter f = { 0 };
		struct nr_error err = { 0 };

		assert_int_equal(nr_index_filter_fact(&f, bad[i], &err), -EINVAL);
		assert_true(err.msg[0] != '\0');
		assert_int_equal(f.nfacts, 0);
	}
}

/* cpu.flags is a word set: a member, not a value. */
static void test_word_set(void **state)
{
	struct nr_index_filter f = { 0 };
	struct nr_error err = { 0 };
	struct nr_sqlbuf b = { 0 };

	(void)state;
	assert_int_equal(nr_index_filter_fact(&f, "cpu.flags=vmx", &err), 0);
	assert_string_equal(f.facts[0].needle, " vmx ");
	assert_string_equal(f.facts[0].value, "vmx");
	assert_int_equal(nr_index_filter_fact(&f, "cpu.flags~avx512", &err), 0);
	assert_string_equal(f.facts[1].needle, "avx512");
	assert_int_equal(nr_index_filter_fact(&f, "cpu.flags!=svm", &err), 0);
	assert_int_equal(nr_index_filter_fact(&f, "cpu.flags>=1", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "set of words"));
	assert_int_equal(nr_index_filter_fact(&f, "cpu.flags=vmx svm", &err), -EINVAL);
	nr_index_filter_sql(&f, &dialect, &b);
	assert_non_null(strstr(b.sql, "instr(words, ?) > 0"));
	assert_null(strstr(b.sql, "value = ?"));
	nr_sqlbuf_release(&b);
}

static void test_fact_caps(void **state)
{
	struct nr_index_filter f = { 0 };
	struct nr_error err = { 0 };
	char big[NR_INDEX_VALUE_MAX + 16];
	int i;

	(void)state;
	memset(big, 'v', sizeof(big));
	memcpy(big, "hostname=", 9);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(nr_index_filter_fact(&f, big, &err), -EINVAL);
	for (i = 0; i < NR_INDEX_FILTERS_MAX; i++)
		assert_int_equal(nr_index_filter_fact(&f, "arch=x86_64", &err), 0);
	assert_int_equal(nr_index_filter_fact(&f, "arch=x86_64", &err), -EINVAL);
}

static void test_finding_and_level(void **state)
{
	struct nr_index_filter f = { 0 };
	struct nr_error err = { 0 };

	(void)state;
	assert_int_equal(nr_index_filter_finding(&f, "nested-disabled-l0", &err), 0);
	assert_int_equal(nr_index_filter_finding(&f, "could-not-check", &err), 0);
	assert_int_equal(nr_index_filter_finding(&f, "no-such-rule", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "nest-report rules"));
	assert_int_equal(f.nfindings, 2);
	assert_int_equal(nr_index_filter_level(&f, "l1", &err), 0);
	assert_string_equal(f.level, "l1");
	assert_int_equal(nr_index_filter_level(&f, "guest_2-b", &err), 0);
	assert_int_equal(nr_index_filter_level(&f, "L1", &err), -EINVAL);
	assert_int_equal(nr_index_filter_level(&f, "-l1", &err), -EINVAL);
	assert_int_equal(nr_index_filter_level(&f, "", &err), -EINVAL);
	assert_int_equal(nr_index_filter_level(&f, "l1;", &err), -EINVAL);
}

static void test_dates(void **state)
{
	struct nr_index_filter f = { 0 };
	struct nr_error err = { 0 };

	(void)state;
	assert_int_equal(nr_index_filter_date(&f, "2025-01", 0, &err), 0);
	assert_string_equal(f.since, "2025-01-01T00:00:00Z");
	assert_int_equal(nr_index_filter_date(&f, "2025-01", 1, &err), 0);
	assert_string_equal(f.until, "2025-02-01T00:00:00Z");
	assert_int_equal(nr_index_filter_date(&f, "2024-12", 1, &err), 0);
	assert_string_equal(f.until, "2025-01-01T00:00:00Z");
	assert_int_equal(nr_index_filter_date(&f, "2024-02-29", 1, &err), 0);
	assert_string_equal(f.until, "2024-03-01T00:00:00Z");
	assert_int_equal(nr_index_filter_date(&f, "2024-02-29", 0, &err), 0);
	assert_string_equal(f.since, "2024-02-29T00:00:00Z");
	assert_string_equal(f.since_arg, "2024-02-29");
	assert_int_equal(nr_index_filter_date(&f, "2025-02-29", 0, &err), -EINVAL);
	assert_int_equal(nr_index_filter_date(&f, "2025-13", 0, &err), -EINVAL);
	assert_int_equal(nr_index_filter_date(&f, "2025-1-1", 0, &err), -EINVAL);
	assert_int_equal(nr_index_filter_date(&f, "yesterday", 0, &err), -EINVAL);
	assert_int_equal(nr_index_filter_date(&f, "2025-01-01T00:00", 0, &err), -EINVAL);
}

/* Every user value reaches the SQL as a parameter, none in the text. */
static void test_sql_is_parameterised(void **state)
{
	static const char *const facts[] = { "hostname=x'); DROP TABLE nr_bundles; --", "cpu.model~Robert\"); --",
	                                     "kvm.module!=k' OR '1'='1", "kernel.release>=6.8" };
	struct nr_index_filter f = { 0 };
	struct nr_error err = { 0 };
	struct nr_sqlbuf b = { 0 };
	size_t i, marks = 0;
	const char *p;

	(void)state;
	for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		assert_int_equal(nr_index_filter_fact(&f, facts[i], &err), 0);
	assert_int_equal(nr_index_filter_finding(&f, "nested-disabled-l0", &err), 0);
	assert_int_equal(nr_index_filter_level(&f, "l1", &err), 0);
	assert_int_equal(nr_index_filter_date(&f, "2025-01", 0, &err), 0);
	nr_index_filter_sql(&f, &dialect, &b);
	assert_false(b.oom);
	for (i = 0; i < b.nargs; i++)
		if (b.args[i].type == NR_SQL_TEXT && strcmp(b.args[i].text, "level.depth") != 0)
			assert_null(strstr(b.sql, b.args[i].text));
	for (p = b.sql; *p; p++)
		marks += *p == '?';
	assert_int_equal(marks, b.nargs);
	/* the one quote in the text is our own constant */
	assert_null(strstr(b.sql, "DROP"));
	assert_null(strstr(b.sql, "Robert"));
	assert_non_null(strstr(b.sql, "instr(value, ?) > 0"));
	assert_non_null(strstr(b.sql, "vkey >= ?"));
	assert_non_null(strstr(b.sql, "NOT IN"));
	nr_sqlbuf_release(&b);
}

static void test_filter_json(void **state)
{
	struct nr_index_filter f = { 0 };
	struct nr_error err = { 0 };
	json_object *o;

	(void)state;
	assert_int_equal(nr_index_filter_fact(&f, "kernel.release==6.8", &err), 0);
	assert_int_equal(nr_index_filter_date(&f, "2025-03", 1, &err), 0);
	o = nr_index_filter_json(&f);
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	                    "{\"level\":null,\"facts\":[\"kernel.release=6.8\"],\"findings\":[],\"since\":null,"
	                    "\"until\":\"2025-03\"}");
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fact_operators),
		cmocka_unit_test(test_fact_version_key),
		cmocka_unit_test(test_fact_refused),
		cmocka_unit_test(test_word_set),
		cmocka_unit_test(test_fact_caps),
		cmocka_unit_test(test_finding_and_level),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_sql_is_parameterised),
		cmocka_unit_test(test_filter_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
