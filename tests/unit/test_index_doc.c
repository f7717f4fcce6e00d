/* SPDX-License-Identifier: MIT */
/* What the index makes of a manifest (collector/index/doc.c) and the
 * similarity features (features.c).  Manifests here skip verify's schema
 * check on purpose: the describer must survive anything, mistyped or
 * absent, and refuse whole what is over its caps.  Real manifests come
 * from the shared real machines when present. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/doc.h"
#include "index/features.h"

static json_object *parse(const char *text)
{
	json_object *o = json_tokener_parse(text);

	assert_non_null(o);
	return o;
}

/* The value of the first row with key on level, or NULL. */
static const char *row(const struct nr_index_doc *d, const char *level, const char *key)
{
	size_t i;

	for (i = 0; i < d->nrows; i++)
		if (strcmp(d->rows[i].level, level) == 0 && strcmp(d->rows[i].key, key) == 0)
			return d->rows[i].value;
	return NULL;
}

static size_t rows_with(const struct nr_index_doc *d, const char *key)
{
	size_t i, n = 0;

	for (i = 0; i < d->nrows; i++)
		n += strcmp(d->rows[i].key, key) == 0;
	return n;
}

static int build(const char *text, json_object *flags, struct nr_index_doc *d, struct nr_error *err)
{
	json_object *m = parse(text);
	int rc = nr_index_doc_build(m, flags, d, err);

	json_object_put(m);
	return rc;
}

static void test_rows(void **state)
{
	struct nr_index_doc d;
	struct nr_error err = { 0 };
	json_object *flags = parse("{\"l0\": [\"vmx\", \"sse2\"]}");

	(void)state;
	assert_int_equal(build("{\"created\": \"2025-02-03T04:05:06Z\", \"host\": \"maint\", \"tool\": {\"version\": \"0.1.0\"},"
	                       " \"levels\": [{\"id\": \"l0\", \"depth\": 0, \"status\": \"ok\", \"transport\": \"local\","
	                       "  \"facts\": {\"kernel\": {\"release\": \"6.8.0-31-generic\", \"acpi_oem\": null},"
	                       "   \"cpu\": {\"count\": 16, \"hypervisor_flag\": false},"
	                       "   \"qemu\": {\"versions\": [{\"binary\": \"a\", \"version\": \"8.2.2\"}, {\"binary\": \"b\", \"version\": \"9.0\"}]},"
	                       "   \"guests\": [{\"pid\": 7, \"argv\": [\"qemu\", \"-m\"], \"accel\": [\"kvm\", \"tcg\"], \"name\": \"g\"}],"
	                       "   \"evidence\": {\"kernel.release\": [{\"artifact\": \"x\"}]}}}]}",
	                       flags, &d, &err), 0);
	assert_string_equal(d.created, "2025-02-03T04:05:06Z");
	assert_string_equal(d.host, "maint");
	assert_string_equal(d.levels, "l0");
	assert_string_equal(d.shape, "0");
	assert_string_equal(row(&d, "l0", "kernel.release"), "6.8.0-31-generic");
	assert_string_equal(row(&d, "l0", "level.depth"), "0");
	assert_string_equal(row(&d, "l0", "level.transport"), "local");
	assert_string_equal(row(&d, "l0", "cpu.count"), "16");
	assert_string_equal(row(&d, "l0", "cpu.hypervisor_flag"), "false");
	assert_null(row(&d, "l0", "kernel.acpi_oem"));       /* unknown is not stored */
	assert_null(row(&d, "l0", "guests.pid"));            /* instance details */
	assert_null(row(&d, "l0", "guests.argv"));
	assert_null(row(&d, "l0", "evidence.kernel.release"));
	assert_string_equal(row(&d, "l0", "guests.name"), "g");
	assert_int_equal(rows_with(&d, "qemu.versions.version"), 2);
	assert_int_equal(rows_with(&d, "guests.accel"), 2);
	/* a word set is one row, its words sorted between spaces */
	assert_int_equal(rows_with(&d, "cpu.flags"), 1);
	assert_string_equal(row(&d, "l0", "cpu.flags"), "");
	for (size_t i = 0; i < d.nrows; i++)
		if (strcmp(d.rows[i].key, "cpu.flags") == 0)
			assert_string_equal(d.rows[i].words, " vmx sse2 ");
		else
			assert_null(d.rows[i].words);
	for (size_t i = 0; i < d.nrows; i++)
		if (strcmp(d.rows[i].key, "kernel.release") == 0)
			assert_string_equal(d.rows[i].vkey, "000000006.000000008.000000000.000000000");
		else if (strcmp(d.rows[i].key, "cpu.hypervisor_flag") == 0)
			assert_string_equal(d.rows[i].vkey, "");
	assert_non_null(d.findings);
	assert_true(d.features.n > 5);
	/* what stats counts: each version's series, each finding */
	assert_string_equal(d.series, " l0|kernel.release|000000006.000000008 l0|qemu.versions.version|000000008.000000002"
	                              " l0|qemu.versions.version|000000009.000000000");
	assert_int_equal(strncmp(d.hits, " l0|", 4), 0);
	nr_index_doc_release(&d);
	json_object_put(flags);
}

/* Anything of the wrong type is unknown, never a crash. */
static void test_mistyped(void **state)
{
	static const char *const docs[] = {
		"{}",
		"{\"levels\": \"l0\"}",
		"{\"levels\": [1, null, [], \"x\"]}",
		"{\"levels\": [{\"id\": \"l0\", \"depth\": \"0\", \"facts\": []}]}",
		"{\"levels\": [{\"id\": \"l0\", \"depth\": -5, \"status\": 3, \"facts\": {\"kernel\": 1, \"kvm\": {\"params\": [[[]]]}}}]}",
		"{\"created\": 5, \"host\": [], \"tool\": \"x\", \"signer\": 1, \"levels\": [{\"id\": \"l0\", \"facts\": {\"cpu\": {\"count\": 1e308, \"model\": 1.5}}}]}",
		"{\"created\": \"2025-13-45T99:99:99Z\", \"levels\": [{\"id\": \"l0\", \"depth\": 9223372036854775807}]}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct nr_index_doc d;
		struct nr_error err = { 0 };
		int rc = build(docs[i], NULL, &d, &err);

		/* levels without an id are refused; the rest is described */
		assert_true(rc == 0 || (rc == -EBADMSG && strstr(err.msg, "no usable id")));
		assert_string_equal(d.created, "");
		nr_index_doc_release(&d);
	}
}

static void test_caps(void **state)
{
	struct nr_index_doc d;
	struct nr_error err = { 0 };
	char *text = malloc(1 << 20), *p;
	int i;

	(void)state;
	/* 65 levels */
	p = text + sprintf(text, "{\"levels\": [");
	for (i = 0; i < 65; i++)
		p += sprintf(p, "%s{\"id\": \"l%d\", \"depth\": 1}", i ? "," : "", i);
	strcpy(p, "]}");
	assert_int_equal(build(text, NULL, &d, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "65 levels"));
	nr_index_doc_release(&d);
	/* over NR_INDEX_ROWS_PER_LEVEL facts */
	p = text + sprintf(text, "{\"levels\": [{\"id\": \"l0\", \"facts\": {\"kvm\": {\"params\": {\"m\": {");
	for (i = 0; i <= NR_INDEX_ROWS_PER_LEVEL; i++)
		p += sprintf(p, "%s\"p%d\": \"Y\"", i ? "," : "", i);
	strcpy(p, "}}}}}]}");
	assert_int_equal(build(text, NULL, &d, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "more than 4096 facts"));
	nr_index_doc_release(&d);
	/* a duplicate id, a bad id, a long name, deep nesting */
	assert_int_equal(build("{\"levels\": [{\"id\": \"l0\"}, {\"id\": \"l0\"}]}", NULL, &d, &err), -EBADMSG);
	nr_index_doc_release(&d);
	assert_int_equal(build("{\"levels\": [{\"id\": \"l 0\"}]}", NULL, &d, &err), -EBADMSG);
	nr_index_doc_release(&d);
	assert_int_equal(build("{\"levels\": [{\"id\": \"l|0\"}]}", NULL, &d, &err), -EBADMSG);
	nr_index_doc_release(&d);
	snprintf(text, 1 << 20, "{\"levels\": [{\"id\": \"l0\", \"facts\": {\"%0200d\": 1}}]}", 0);
	assert_int_equal(build(text, NULL, &d, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "longer than 128 bytes"));
	nr_index_doc_release(&d);
	assert_int_equal(build("{\"levels\": [{\"id\": \"l0\", \"facts\": {\"a\": {\"b\": {\"c\": {\"d\": {\"e\": {\"f\": "
	                       "{\"g\": {\"h\": {\"i\": {\"j\": 1}}}}}}}}}}}]}", NULL, &d, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "nested more than"));
	nr_index_doc_release(&d);
	free(text);
}

/* Strings are stored as cleaned text, cut on a character boundary. */
static void test_strings(void **state)
{
	struct nr_index_doc d;
	struct nr_error err = { 0 };
	char *text = malloc(8192), *long_value = malloc(3000);
	const char *v;

	(void)state;
	memset(long_value, 0, 3000);
	for (int i = 0; i < 1023; i++)
		long_value[i] = 'a';
	strcat(long_value, "\xc3\xa9\xc3\xa9");   /* an "é" straddles byte 1024 */
	snprintf(text, 8192, "{\"levels\": [{\"id\": \"l0\", \"facts\": {\"a\": \"x\\u0000y\", \"b\": \"\\u0007bell\","
	         " \"c\": \"\\ud800\", \"d\": \"%s\", \"e\": \"\"}}]}", long_value);
	assert_int_equal(build(text, NULL, &d, &err), 0);
	assert_string_equal(row(&d, "l0", "a"), "x?y");
	assert_string_equal(row(&d, "l0", "b"), "?bell");
	assert_string_equal(row(&d, "l0", "c"), "\xef\xbf\xbd");   /* json-c: U+FFFD */
	v = row(&d, "l0", "d");
	assert_int_equal(strlen(v), 1023);                        /* not half an "é" */
	assert_null(row(&d, "l0", "e"));                          /* empty: nothing */
	nr_index_doc_release(&d);
	free(text);
	free(long_value);
}

/* Flags from a stranger's cpuinfo: capped, cleaned, one word each. */
static void test_words(void **state)
{
	struct nr_index_doc d;
	struct nr_error err = { 0 };
	json_object *flags = json_object_new_object(), *arr = json_object_new_array();
	char *m = strdup("{\"levels\": [{\"id\": \"l0\"}]}");
	int i;

	(void)state;
	json_object_array_add(arr, json_object_new_string("ok"));
	json_object_array_add(arr, json_object_new_string("two words"));
	json_object_array_add(arr, json_object_new_int(5));
	json_object_array_add(arr, json_object_new_string("\x01" "bell"));
	json_object_object_add(flags, "l0", arr);
	assert_int_equal(build(m, flags, &d, &err), 0);
	assert_string_equal(d.rows[d.nrows - 1].words, " ok two_words ?bell ");
	nr_index_doc_release(&d);
	for (i = 0; i < NR_INDEX_WORDS_MAX; i++)
		json_object_array_add(arr, json_object_new_string("f"));
	assert_int_equal(build(m, flags, &d, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "more than 4096 cpu.flags"));
	nr_index_doc_release(&d);
	json_object_put(flags);
	free(m);
}

static void test_vkey(void **state)
{
	char k[NR_INDEX_VKEY_LEN], series[16];

	(void)state;
	assert_int_equal(nr_index_vkey("5.10.0-18-amd64", k), 0);
	assert_string_equal(k, "000000005.000000010.000000000.000000000");
	nr_index_vkey_series(k, series, sizeof(series));
	assert_string_equal(series, "5.10");
	assert_int_equal(nr_index_vkey("1.2.3.4.5", k), 0);
	assert_string_equal(k, "000000001.000000002.000000003.000000004");
	assert_int_equal(nr_index_vkey("v6.1", k), -1);
	assert_int_equal(nr_index_vkey("", k), -1);
	assert_int_equal(nr_index_vkey("1234567890", k), -1);     /* over 9 digits */
}

/* ---- features ----------------------------------------------------------- */

static struct nr_features features(const char *const *facts)
{
	struct nr_features f = { 0 };

	for (; *facts; facts += 2) {
		char vkey[NR_INDEX_VKEY_LEN] = "";

		nr_index_vkey(facts[1], vkey);
		assert_int_equal(nr_features_add_fact(&f, 0, facts[0], facts[1], vkey), 0);
	}
	nr_features_finish(&f);
	return f;
}

static void test_features_score(void **state)
{
	static const char *const a[] = { "kernel.release", "6.1.0-18-amd64", "cpu.model", "Xeon", "kvm.nested", "true", NULL };
	static const char *const b[] = { "kernel.release", "6.1.0-21-amd64", "cpu.model", "Xeon", "kvm.nested", "true", NULL };
	static const char *const c[] = { "kernel.release", "6.8.0", "cpu.model", "EPYC", "kvm.nested", "false", NULL };
	struct nr_features fa = features(a), fb = features(b), fc = features(c);
	struct nr_similarity s;

	(void)state;
	nr_features_compare(&fa, &fa, &s);
	assert_int_equal(s.score, 1000);
	assert_int_equal(s.group[NR_FG_FINDINGS], -1);
	/* a and b share the series (40), cpu (40) and kvm (40); the releases
	 * (60 each) differ: 120 / (120 + 120) */
	nr_features_compare(&fa, &fb, &s);
	assert_int_equal(s.score, 500);
	assert_int_equal(s.group[NR_FG_VERSIONS], 40 * 1000 / 160);
	assert_int_equal(s.group[NR_FG_CPU], 1000);
	assert_int_equal(s.group[NR_FG_PARAMETERS], 1000);
	nr_features_compare(&fa, &fc, &s);
	assert_int_equal(s.score, 0);
	/* symmetric */
	nr_features_compare(&fb, &fa, &s);
	assert_int_equal(s.score, 500);
	nr_features_release(&fa);
	nr_features_release(&fb);
	nr_features_release(&fc);
}

static void test_features_cmdline_and_findings(void **state)
{
	struct nr_features x = { 0 }, y = { 0 };
	struct nr_similarity s;

	(void)state;
	/* the root device and image name say which machine, not which setup */
	assert_int_equal(nr_features_add_fact(&x, 0, "kernel.cmdline", "BOOT_IMAGE=/a root=UUID=1 kvm.nested=1", ""), 0);
	assert_int_equal(nr_features_add_fact(&y, 0, "kernel.cmdline", "BOOT_IMAGE=/b root=UUID=2  kvm.nested=1 ", ""), 0);
	assert_int_equal(nr_features_add_finding(&x, 0, NR_RULE_COULD_NOT_CHECK), 0);
	assert_int_equal(x.n, 1);
	nr_features_finish(&x);
	nr_features_finish(&y);
	nr_features_compare(&x, &y, &s);
	assert_int_equal(s.score, 1000);
	/* findings are replaced as a class */
	assert_int_equal(nr_features_add_finding(&x, 0, "nested-disabled-l0"), 0);
	nr_features_finish(&x);
	assert_int_equal(x.n, 2);
	nr_features_drop_class(&x, NR_FC_FINDING);
	assert_int_equal(x.n, 1);
	/* a fact that is not a setup has no feature */
	assert_int_equal(nr_features_add_fact(&y, 0, "hostname", "h1", ""), 0);
	assert_int_equal(y.n, 1);
	nr_features_release(&x);
	nr_features_release(&y);
}

/* The flags' sketch: equal sets agree everywhere, disjoint ones nowhere,
 * and the share that agrees follows the sets' overlap. */
static void test_features_flag_sketch(void **state)
{
	static const char *const words[] = { "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic",
	                                     "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "clflush", "mmx",
	                                     "fxsr", "sse", "sse2", "ht", "syscall", "nx", "lm", "vmx", "svm",
	                                     "avx", "avx2", "aes", "xsave", "rdrand", "hypervisor", "lahf_lm",
	                                     "abm", "bmi1", "bmi2", "erms", "invpcid" };
	char all[512] = " ", most[512] = " ", other[128] = " ";
	struct nr_features fa = { 0 }, fb = { 0 }, fc = { 0 };
	struct nr_similarity s;
	size_t i, n = sizeof(words) / sizeof(words[0]);

	(void)state;
	for (i = 0; i < n; i++) {
		strcat(all, words[i]);
		strcat(all, " ");
		if (i % 10) {   /* 36 of the 40 */
			strcat(most, words[i]);
			strcat(most, " ");
		}
	}
	strcat(other, "a b c d e f ");
	assert_int_equal(nr_features_add_fact(&fa, 0, "cpu.flags", all, ""), 0);
	assert_int_equal(nr_features_add_fact(&fb, 0, "cpu.flags", most, ""), 0);
	assert_int_equal(nr_features_add_fact(&fc, 0, "cpu.flags", other, ""), 0);
	nr_features_finish(&fa);
	nr_features_finish(&fb);
	nr_features_finish(&fc);
	nr_features_compare(&fa, &fa, &s);
	assert_int_equal(s.score, 1000);
	nr_features_compare(&fa, &fc, &s);
	assert_int_equal(s.score, 0);
	/* Jaccard 0.9: a sketch of 16 lands within a few values of it */
	nr_features_compare(&fa, &fb, &s);
	assert_true(s.group[NR_FG_CPU] >= 500 && s.group[NR_FG_CPU] < 1000);
	nr_features_release(&fa);
	nr_features_release(&fb);
	nr_features_release(&fc);
}

static void test_features_codec(void **state)
{
	static const char *const a[] = { "arch", "x86_64", "cpu.flags", " vmx svm ", "kvm.module", "kvm", NULL };
	struct nr_features f = features(a), g = { 0 };
	char *hex = nr_features_encode(&f);

	(void)state;
	assert_int_equal(f.n, 2 + 16);   /* a word set is a sketch of 16 */
	assert_int_equal(strlen(hex), f.n * 8);
	assert_int_equal(nr_features_decode(hex, &g), 0);
	assert_int_equal(g.n, f.n);
	assert_memory_equal(g.codes, f.codes, f.n * sizeof(*f.codes));
	assert_int_equal(nr_features_decode("", &g), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(nr_features_decode("0000000", &g), -EBADMSG);           /* not 8 digits */
	assert_int_equal(nr_features_decode("0000000g", &g), -EBADMSG);          /* not hex */
	assert_int_equal(nr_features_decode("0000000F", &g), -EBADMSG);          /* upper case is not ours */
	assert_int_equal(nr_features_decode("0000000f", &g), -EBADMSG);          /* class 15 */
	assert_int_equal(nr_features_decode("0000001100000010", &g), -EBADMSG);  /* not sorted */
	assert_int_equal(nr_features_decode("0000001000000010", &g), -EBADMSG);  /* twice */
	free(hex);
	nr_features_release(&f);
	nr_features_release(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_mistyped),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_vkey),
		cmocka_unit_test(test_features_score),
		cmocka_unit_test(test_features_cmdline_and_findings),
		cmocka_unit_test(test_features_flag_sketch),
		cmocka_unit_test(test_features_codec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
