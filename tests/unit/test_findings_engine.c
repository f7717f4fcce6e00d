/* SPDX-License-Identifier: MIT */
/* The findings engine itself: unknown facts never fire, what could not be
 * checked is reported once per level, the order is fixed, templates
 * render, hostile manifests are survived, and the rule table is sound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "level/facts.h"
#include "findings_case.h"
#include "probe_result.h"
#include "findings/rule.h"

static const char *const families[] = { "x86", "s390", "ppc", "arm", "riscv", "unknown" };

/* L0, L1 and L2 with every fact null and no probe entry, as a bundle from
 * a collector that learnt nothing would have them. */
static json_object *null_chain(const char *family)
{
	char spec[600];

	snprintf(spec, sizeof(spec),
	         "[{\"id\":\"l0\",\"facts\":{\"arch_family\":\"%s\"}},"
	         " {\"id\":\"l1\",\"depth\":1,\"parent\":\"l0\",\"facts\":{\"arch_family\":\"%s\"}},"
	         " {\"id\":\"l2\",\"depth\":2,\"parent\":\"l1\",\"facts\":{\"arch_family\":\"%s\"}}]",
	         family, family, family);
	return nr_test_levels_str(spec);
}

static void test_null_facts_never_fire(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		json_object *levels = null_chain(families[i]);
		json_object *findings = nr_findings_evaluate(levels);

		nr_test_check_findings(findings);
		for (j = 0; j < json_object_array_length(findings); j++) {
			json_object *f = json_object_array_get_idx(findings, j);
			const char *id = json_object_get_string(json_object_object_get(f, "id"));

			if (strcmp(id, NR_RULE_COULD_NOT_CHECK) != 0)
				fail_msg("%s: null facts fired %s: %s", families[i], id,
				         json_object_get_string(json_object_object_get(f, "message")));
		}
		/* x86 has rules for L0 and L1 that all wanted a fact: they say so. */
		if (strcmp(families[i], "x86") == 0) {
			assert_int_equal(nr_test_count(findings, NR_RULE_COULD_NOT_CHECK, "l0"), 1);
			assert_int_equal(nr_test_count(findings, NR_RULE_COULD_NOT_CHECK, "l1"), 1);
		}
		json_object_put(findings);
		json_object_put(levels);
	}
}

/* One rule at a time too: each must pass or be unknown on null facts. */
static void test_null_facts_each_rule(void **state)
{
	size_t g, k, i;

	(void)state;
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		json_object *levels = null_chain(families[i]);

		for (g = 0; nr_rule_groups[g]; g++)
			for (k = 0; k < nr_rule_groups[g]->n; k++) {
				const struct nr_rule *r = &nr_rule_groups[g]->rules[k];
				json_object *unknown = NULL, *f = nr_rule_evaluate(r, levels, &unknown);

				if (json_object_array_length(f) != 0)
					fail_msg("%s fired on null %s facts", r->id, families[i]);
				json_object_put(f);
				json_object_put(unknown);
			}
		json_object_put(levels);
	}
}

static void test_could_not_check_once_per_level(void **state)
{
	json_object *levels = nr_test_levels_str(
		"[{\"id\":\"l0\",\"facts\":{\"arch_family\":\"x86\",\"virt\":{\"role\":\"host\"},"
		"  \"cpu\":{\"vendor\":\"GenuineIntel\"},"
		"  \"kvm\":{\"module\":\"kvm_intel\",\"available\":true}}}]");
	json_object *findings = nr_findings_evaluate(levels), *f, *ev;
	const char *msg;
	size_t i, n;
	bool nested = false;

	(void)state;
	nr_test_check_findings(findings);
	assert_int_equal(nr_test_count(findings, NR_RULE_COULD_NOT_CHECK, NULL), 1);
	f = nr_test_find(findings, NR_RULE_COULD_NOT_CHECK, "l0");
	/* Last: after every finding of its level and severity. */
	assert_ptr_equal(f, json_object_array_get_idx(findings, json_object_array_length(findings) - 1));
	msg = json_object_get_string(json_object_object_get(f, "message"));
	assert_non_null(strstr(msg, "of the rules could not be checked on l0"));
	ev = json_object_object_get(f, "evidence");
	n = json_object_array_length(ev);
	for (i = 0; i < n; i++) {
		const char *v = json_object_get_string(
			json_object_object_get(json_object_array_get_idx(ev, i), "value"));

		/* Each missing fact once, naming its rules. */
		if (strncmp(v, "kvm.nested unknown: ", 20) == 0) {
			assert_false(nested);
			nested = true;
			assert_non_null(strstr(v, "nested-disabled-l0"));
		}
		if (strncmp(v, "kvm.params.kvm_intel.ept", 24) == 0)
			assert_non_null(strstr(v, "ept-disabled-l0"));
	}
	assert_true(nested);
	/* No rule claimed a verdict it could not reach. */
	assert_int_equal(nr_test_count(findings, "nested-disabled-l0", NULL), 0);
	assert_int_equal(nr_test_count(findings, "ept-disabled-l0", NULL), 0);
	json_object_put(findings);
	json_object_put(levels);
}

static void test_order_severity_then_level(void **state)
{
	json_object *levels = nr_test_levels_str(
		"[{\"id\":\"l0\",\"facts\":{\"arch_family\":\"x86\",\"virt\":{\"role\":\"host\"},"
		"  \"cpu\":{\"vendor\":\"GenuineIntel\",\"virt_ext\":\"vmx\"},"
		"  \"kernel\":{\"release\":\"4.18.0\"},"
		"  \"kvm\":{\"module\":\"kvm_intel\",\"available\":true,\"nested\":false,"
		"          \"params\":{\"kvm_intel\":{\"nested\":\"N\",\"ept\":\"N\",\"enable_shadow_vmcs\":\"Y\",\"enable_apicv\":\"Y\"}}}}},"
		" {\"id\":\"l1\",\"depth\":1,\"parent\":\"l0\",\"facts\":{\"arch_family\":\"x86\","
		"  \"cpu\":{\"vendor\":\"GenuineIntel\",\"virt_ext\":\"none\"},\"virt\":{\"role\":\"guest\",\"hypervisor\":\"kvm\"},"
		"  \"kvm\":{\"available\":false}}}]");
	json_object *findings = nr_findings_evaluate(levels);
	const char *expect[][2] = {
		{ "nested-disabled-l0", "l0" }, { "l1-no-virt-ext", "l1" }, { "l1-no-kvm-device", "l1" },
		{ "ept-disabled-l0", "l0" },
	};
	size_t i;

	(void)state;
	nr_test_check_findings(findings);
	/* fail before warn; within a severity l0 before l1, then table order. */
	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		json_object *f = json_object_array_get_idx(findings, i);

		assert_string_equal(json_object_get_string(json_object_object_get(f, "id")), expect[i][0]);
		assert_string_equal(json_object_get_string(json_object_object_get(f, "level")), expect[i][1]);
	}
	json_object_put(findings);
	json_object_put(levels);
}

/* The fixture's levels (tests/fixtures/findings/NAME.json), judged. */
static json_object *judge_fixture(const char *name, json_object **levels)
{
	char path[256];
	json_object *doc;

	snprintf(path, sizeof(path), "tests/fixtures/findings/%s.json", name);
	doc = json_object_from_file(path);
	assert_non_null(doc);
	*levels = nr_test_levels(json_object_object_get(doc, "levels"));
	json_object_put(doc);
	return nr_findings_evaluate(*levels);
}

/* The fail and warn findings, "id@level" in order, and each one's cause. */
static void assert_order(json_object *findings, const char *const *want, const char *const *cause,
                         size_t n)
{
	size_t i, k = 0;

	nr_test_check_findings(findings);
	for (i = 0; i < json_object_array_length(findings) && k < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i), *by;
		char got[128], got_cause[128] = "";

		if (nr_findings_severity(f) == NR_SEV_INFO)
			continue;
		snprintf(got, sizeof(got), "%s@%s", json_object_get_string(json_object_object_get(f, "id")),
		         json_object_get_string(json_object_object_get(f, "level")));
		if (json_object_object_get_ex(f, "explained_by", &by))
			snprintf(got_cause, sizeof(got_cause), "%s@%s",
			         json_object_get_string(json_object_object_get(by, "id")),
			         json_object_get_string(json_object_object_get(by, "level")));
		if (strcmp(got, want[k]) != 0 || strcmp(got_cause, cause[k]) != 0)
			fail_msg("finding %zu: expected %s (explained by '%s'), got %s (explained by '%s')",
			         k, want[k], cause[k], got, got_cause);
		k++;
	}
	assert_int_equal(k, n);
}

/* The real-libvirt stack's L1 under TCG: the cause first, on l1, and l0's
 * warning about the same guest right after it, explained by it; l0's other
 * TCG guest (l2, no guest hypervisor) stands on its own. */
static void test_order_causes_first(void **state)
{
	static const char *const want[] = {
		"l1-emulated-tcg@l1", "guest-accel-tcg@l0", "guest-accel-tcg@l0",
	};
	static const char *const cause[] = { "", "l1-emulated-tcg@l1", "" };
	json_object *levels, *findings = judge_fixture("tcg-l1-libvirt", &levels);
	char line[2600];

	(void)state;
	assert_order(findings, want, cause, 3);
	assert_int_equal(nr_test_count(findings, "l1-no-kvm-device", NULL), 0);
	assert_non_null(strstr(json_object_get_string(json_object_object_get(
		json_object_array_get_idx(findings, 1), "message")), "'nr-debian-l1'"));
	nr_findings_format_line(json_object_array_get_idx(findings, 1), line, sizeof(line));
	assert_non_null(strstr(line, "WARN l0: (follows from l1-emulated-tcg on l1) guest 'nr-debian-l1'"));
	json_object_put(findings);
	json_object_put(levels);
}

/* A chain across levels: no KVM on l0 explains l1's emulation, which
 * explains its missing /dev/kvm; the other L1s' FAILs come after. */
static void test_order_cause_chain(void **state)
{
	static const char *const want[] = {
		"kvm-unavailable-l0@l0", "l1-emulated-tcg@l1", "l1-no-kvm-device@l1b",
		"l1-no-kvm-device@l1c",
	};
	static const char *const cause[] = { "", "kvm-unavailable-l0@l0", "", "" };
	json_object *levels, *findings = judge_fixture("tcg-l1-bare-qemu", &levels);

	(void)state;
	assert_order(findings, want, cause, 4);
	json_object_put(findings);
	json_object_put(levels);
}

/* Twice the same input gives the same output, byte for byte. */
static void test_deterministic(void **state)
{
	json_object *levels = null_chain("x86");
	json_object *a = nr_findings_evaluate(levels), *b = nr_findings_evaluate(levels);

	(void)state;
	assert_string_equal(json_object_to_json_string(a), json_object_to_json_string(b));
	json_object_put(a);
	json_object_put(b);
	json_object_put(levels);
}

/* ---- templates ---- */

static enum nr_rule_verdict fire_vars(struct nr_rule_ctx *c)
{
	json_object *ev = json_object_new_array();

	nr_rule_ev_add(ev, NULL, "seen %d", 42);
	return nr_rule_fire(c, ev, "x", "X", "nothing", NULL, "{x}", "loop", NULL);
}

static void test_templates(void **state)
{
	static const struct nr_rule r = {
		.id = "test-template", .severity = NR_SEV_WARN, .scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_ANY, .title = "t", .inputs = "-",
		.message = "{level}: x={x} nothing={nothing} unknown={unknown} {unclosed",
		.hint = "{x}{x}", .source = "test", .check = fire_vars,
	};
	json_object *levels = nr_test_levels_str("[{\"id\":\"l7\",\"depth\":3}]");
	json_object *f = nr_rule_evaluate(&r, levels, NULL), *one, *ev;

	(void)state;
	assert_int_equal(json_object_array_length(f), 1);
	one = json_object_array_get_idx(f, 0);
	/* A NULL value renders "?"; an unknown name stays, for tests to see. */
	assert_string_equal(json_object_get_string(json_object_object_get(one, "message")),
	                    "l7: x=X nothing=? unknown={unknown} {unclosed");
	assert_string_equal(json_object_get_string(json_object_object_get(one, "hint")), "XX");
	assert_string_equal(json_object_get_string(json_object_object_get(one, "severity")), "warn");
	ev = json_object_array_get_idx(json_object_object_get(one, "evidence"), 0);
	assert_string_equal(json_object_get_string(json_object_object_get(ev, "value")), "seen 42");
	assert_null(json_object_object_get(ev, "artifact"));
	json_object_put(f);
	json_object_put(levels);
}

static void test_format_line(void **state)
{
	json_object *f = json_tokener_parse(
		"{\"id\":\"nested-disabled-l0\",\"severity\":\"fail\",\"level\":\"l0\","
		"\"message\":\"nested KVM is disabled\",\"evidence\":[],\"hint\":\"modprobe it\","
		"\"source\":\"s\"}");
	json_object *g = json_tokener_parse("{\"severity\":\"bogus\",\"level\":null,\"message\":\"m\",\"hint\":\"\"}");
	char line[256];

	(void)state;
	nr_findings_format_line(f, line, sizeof(line));
	assert_string_equal(line, "FAIL l0: nested KVM is disabled \xe2\x80\x94 hint: modprobe it");
	nr_findings_format_line(g, line, sizeof(line));
	assert_string_equal(line, "INFO run: m");
	nr_findings_format_line(f, line, 12);
	assert_int_equal(strlen(line), 11);
	json_object_put(f);
	json_object_put(g);
}

/* ---- hostile manifests ---- */

static void test_hostile_levels(void **state)
{
	static const char *const docs[] = {
		"null", "42", "\"levels\"", "{}", "[]", "[null, 1, \"x\", [], {}]",
		"[{\"id\":7,\"depth\":\"0\",\"status\":\"ok\"}]",
		"[{\"id\":\"l0\",\"depth\":0,\"status\":\"ok\",\"facts\":[]}]",
		"[{\"id\":\"l0\",\"depth\":0,\"status\":\"ok\",\"facts\":{\"arch_family\":\"x86\","
		"  \"kvm\":\"yes\",\"cpu\":7,\"virt\":{\"role\":\"guest\"},\"guests\":\"many\"},\"probes\":\"none\"}]",
		"[{\"id\":\"l0\",\"depth\":0,\"status\":\"ok\",\"facts\":{\"arch_family\":\"x86\","
		"  \"virt\":{\"role\":\"host\"},\"kvm\":{\"available\":true,\"module\":\"kvm_intel\",\"params\":{\"kvm_intel\":7}},"
		"  \"guests\":[7,{\"accel\":[1,null],\"argv\":[1,2,{}],\"pid\":-1},{\"accel\":\"kvm\",\"argv\":\"x\"},"
		"    {\"accel\":[\"kvm\"],\"argv\":[\"qemu-system-x86_64\",\"-cpu\"],\"virt_ext_exposed\":\"no\",\"level\":5}],"
		"  \"qemu\":{\"versions\":[1,{\"binary\":1,\"version\":\"4.0\"},{\"binary\":\"q\",\"version\":\"x\"}]},"
		"  \"evidence\":{\"kvm.nested\":\"here\"}},"
		"  \"probes\":[1,{\"name\":7},{\"name\":\"dmesg\",\"status\":5,\"artifacts\":[1,{\"name\":2}]},"
		"            {\"name\":\"cpu\",\"status\":\"skipped\",\"notes\":[7]}]}]",
		"[{\"id\":\"l1\",\"depth\":1,\"parent\":\"l1\",\"status\":\"partial\",\"facts\":{\"arch_family\":\"s390\"}},"
		" {\"id\":\"l2\",\"depth\":2,\"parent\":\"l2\",\"status\":\"nonsense\"},"
		" {\"id\":\"l3\",\"depth\":99999999999,\"status\":\"ok\"}]",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_object *levels = json_tokener_parse(docs[i]);
		json_object *f = nr_findings_evaluate(levels);

		if (!f)
			fail_msg("no findings array for %s", docs[i]);
		nr_test_check_findings(f);
		json_object_put(f);
		json_object_put(levels);
	}
}

/* ---- scope ---- */

static void test_scopes(void **state)
{
	json_object *levels = nr_test_levels_str(
		"[{\"id\":\"l0\",\"facts\":{\"virt\":{\"role\":\"host\"}}},"
		" {\"id\":\"l1\",\"depth\":1,\"parent\":\"l0\"},"
		" {\"id\":\"l2\",\"depth\":2,\"parent\":\"l1\"},"
		" {\"id\":\"l3\",\"depth\":3,\"parent\":\"l2\"},"
		" {\"id\":\"g\",\"facts\":{\"virt\":{\"role\":\"guest\",\"hypervisor\":\"kvm\"}}},"
		" {\"id\":\"lpar\",\"facts\":{\"virt\":{\"role\":\"guest\",\"hypervisor\":\"lpar\"}}},"
		" {\"id\":\"unk\"}]");
	const struct { const char *id; bool hv, host; } want[] = {
		{ "l0", false, true }, { "l1", true, false }, { "l2", true, false }, { "l3", false, false },
		{ "g", true, false }, { "lpar", false, true }, { "unk", false, true },
	};
	struct nr_mlevels ix;
	size_t i;

	(void)state;
	assert_int_equal(nr_mlevels_init(&ix, levels), 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		json_object *lv = nr_mlevels_find(&ix, want[i].id);

		assert_non_null(lv);
		assert_ptr_equal(lv, nr_mlevel_find(levels, want[i].id));
		if (nr_mlevel_is_guest_hv(&ix, lv) != want[i].hv || nr_mlevel_is_host(&ix, lv) != want[i].host)
			fail_msg("%s: guest hypervisor %d, host %d", want[i].id, nr_mlevel_is_guest_hv(&ix, lv),
			         nr_mlevel_is_host(&ix, lv));
	}
	nr_mlevels_release(&ix);
	json_object_put(levels);
}

/* ---- the table ---- */

static void test_rule_table(void **state)
{
	regex_t id_re;
	size_t g, k, n = 0;

	(void)state;
	assert_int_equal(regcomp(&id_re, "^[a-z0-9]+(-[a-z0-9]+)*$", REG_EXTENDED | REG_NOSUB), 0);
	for (g = 0; nr_rule_groups[g]; g++) {
		assert_true(nr_rule_groups[g]->n > 0);
		for (k = 0; k < nr_rule_groups[g]->n; k++) {
			const struct nr_rule *r = &nr_rule_groups[g]->rules[k];

			n++;
			if (regexec(&id_re, r->id, 0, NULL, 0) != 0)
				fail_msg("bad rule id '%s'", r->id);
			/* Ids are unique: the first with this id is this one. */
			assert_ptr_equal(nr_rule_find(r->id), r);
			assert_true(strcmp(r->id, NR_RULE_COULD_NOT_CHECK) != 0);
			assert_true(r->severity < NR_SEV_COUNT && r->scope < NR_SCOPE_COUNT);
			assert_non_null(r->check);
			assert_true(r->arches != 0);
			assert_true(r->title && *r->title && r->inputs && *r->inputs);
			assert_true(r->message && *r->message && r->hint && *r->hint && r->source && *r->source);
			/* Shown as markdown code spans in docs/findings.md. */
			assert_null(strchr(r->message, '`'));
			assert_null(strchr(r->hint, '`'));
			assert_null(strchr(r->title, '|'));
		}
	}
	assert_int_equal(n, nr_rule_count());
	assert_null(nr_rule_find("no-such-rule"));
	assert_null(nr_rule_find(NULL));
	regfree(&id_re);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_facts_never_fire),
		cmocka_unit_test(test_null_facts_each_rule),
		cmocka_unit_test(test_could_not_check_once_per_level),
		cmocka_unit_test(test_order_severity_then_level),
		cmocka_unit_test(test_order_causes_first),
		cmocka_unit_test(test_order_cause_chain),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_format_line),
		cmocka_unit_test(test_hostile_levels),
		cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_rule_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
