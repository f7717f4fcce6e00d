/* SPDX-License-Identifier: MIT */
/* nr_checklist_level and nr_checklist_accel (bundle/checklist.h), as the
 * HTML view uses them, on the findings fixtures (tests/fixtures/findings/)
 * and on specs made here: what is there points at its artifact, what is
 * missing says the probe's reason, what cannot apply says why, and KVM or
 * TCG says from what. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "bundle/checklist.h"
#include "findings/mlevel.h"
#include "findings_case.h"

static json_object *fixture(const char *name)
{
	char path[256];
	json_object *doc, *levels;

	snprintf(path, sizeof(path), "tests/fixtures/findings/%s", name);
	doc = json_object_from_file(path);
	if (!doc)
		fail_msg("%s does not parse", path);
	levels = nr_test_levels(json_object_object_get(doc, "levels"));
	json_object_put(doc);
	return levels;
}

/* The item `key` of level idx's checklist (the list is kept in *cl, to
 * put); fails when the level has no such row. */
static json_object *item(json_object *levels, size_t idx, const char *key, json_object **cl)
{
	json_object *items;
	size_t i;

	json_object_put(*cl);
	*cl = nr_checklist_level(levels, json_object_array_get_idx(levels, idx));
	items = json_object_object_get(*cl, "items");
	assert_non_null(items);
	for (i = 0; i < json_object_array_length(items); i++) {
		json_object *it = json_object_array_get_idx(items, i);

		if (strcmp(nr_mlevel_string(it, "item"), key) == 0)
			return it;
	}
	fail_msg("no checklist row '%s'", key);
	return NULL;
}

/* state, and a value or reason saying `contains`; every item not ok says
 * why. */
static void expect(json_object *it, const char *st, const char *contains)
{
	const char *state = nr_mlevel_string(it, "state"), *value = nr_mlevel_string(it, "value");
	const char *reason = nr_mlevel_string(it, "reason"), *said = value ? value : reason;

	if (strcmp(state, st) != 0)
		fail_msg("%s: %s, expected %s (%s)", nr_mlevel_string(it, "item"), state, st,
		         said ? said : "no reason");
	if (strcmp(st, "ok") != 0 && !reason)
		fail_msg("%s: %s without a reason", nr_mlevel_string(it, "item"), st);
	if (contains && (!said || !strstr(said, contains)))
		fail_msg("%s: '%s' does not say '%s'", nr_mlevel_string(it, "item"), said ? said : "",
		         contains);
}

static const char *first_artifact(json_object *it)
{
	return json_object_get_string(json_object_array_get_idx(json_object_object_get(it, "artifacts"), 0));
}

/* A non-root x86 host: what is missing says the probe's reason. */
static void test_x86_missing(void **state)
{
	json_object *levels = fixture("evidence-missing.json"), *cl = NULL;

	(void)state;
	expect(item(levels, 0, "dmesg", &cl), "missing", "needs root (kernel.dmesg_restrict=1)");
	/* (The fixture records no size: the item points at it all the same.) */
	assert_string_equal(first_artifact(item(levels, 0, "cpuinfo", &cl)), "levels/l0/cpu/cpuinfo");
	expect(item(levels, 0, "lscpu", &cl), "missing", "lscpu");
	expect(item(levels, 0, "dmidecode", &cl), "missing", "root");
	expect(item(levels, 0, "x86info", &cl), "missing", "x86info");
	expect(item(levels, 0, "sysinfo", &cl), "n/a", "s390x only");
	/* Nothing runs a bare-metal host: neither a command line nor an accel. */
	expect(item(levels, 0, "cmdline", &cl), "n/a", "the host (L0)");
	expect(item(levels, 0, "accel", &cl), "n/a", "bare metal");
	json_object_put(cl);
	json_object_put(levels);
}

/* s390: sysinfo instead of x86info and dmidecode. */
static void test_s390_rows(void **state)
{
	json_object *levels = fixture("evidence-s390.json"), *cl = NULL;

	(void)state;
	expect(item(levels, 0, "sysinfo", &cl), "missing", "cannot read /proc/sysinfo");
	expect(item(levels, 0, "cpuinfo", &cl), "missing", "cannot read /proc/cpuinfo");
	expect(item(levels, 0, "x86info", &cl), "n/a", "x86 only");
	expect(item(levels, 0, "dmidecode", &cl), "n/a", "x86 only");
	/* l1 is a KVM guest by its own detection. */
	expect(item(levels, 1, "accel", &cl), "ok", "KVM: this level detects hypervisor kvm");
	json_object_put(cl);
	json_object_put(levels);
}

/* L1 matched to its QEMU process on L0: KVM from L0's command line, and
 * that command line is the one that runs L1. */
static void test_accel_from_parent(void **state)
{
	json_object *levels = fixture("x86-l0-l1-matched.json"), *cl = NULL;
	char why[320];

	(void)state;
	expect(item(levels, 1, "cmdline", &cl), "ok", "guest 'l1vm' (pid 301) of l0");
	assert_string_equal(first_artifact(item(levels, 1, "cmdline", &cl)), "levels/l0/qemu/cmdline-301.txt");
	expect(item(levels, 1, "accel", &cl), "ok", "KVM: l0's guest 'l1vm' (pid 301) runs with accel kvm");
	assert_string_equal(nr_checklist_accel(levels, json_object_array_get_idx(levels, 1), why, sizeof(why)),
	                    "KVM");
	json_object_put(cl);
	json_object_put(levels);
}

static void test_tcg_guest(void **state)
{
	json_object *levels = nr_test_levels_str(
		"[{\"id\":\"l0\",\"facts\":{\"arch_family\":\"x86\",\"virt\":{\"role\":\"host\"}},"
		"  \"guests\":[{\"pid\":7,\"argv\":[\"qemu-system-x86_64\",\"-name\",\"l1vm\",\"-accel\",\"tcg\"],"
		"              \"level\":\"l1\"}]},"
		" {\"id\":\"l1\",\"depth\":1,\"parent\":\"l0\",\"facts\":{\"arch_family\":\"x86\","
		"  \"virt\":{\"role\":\"guest\",\"hypervisor\":\"qemu-tcg\"}}}]");
	json_object *cl = NULL;
	char why[320];

	(void)state;
	expect(item(levels, 1, "accel", &cl), "ok", "TCG: l0's guest 'l1vm' (pid 7) runs with accel tcg");
	assert_string_equal(nr_checklist_accel(levels, json_object_array_get_idx(levels, 1), why, sizeof(why)),
	                    "TCG");
	json_object_put(cl);
	json_object_put(levels);
}

/* Levels not reached: every row missing, with the level's error. */
static void test_unreachable(void **state)
{
	json_object *levels = fixture("evidence-unreachable.json"), *cl = NULL, *items;
	size_t i;

	(void)state;
	item(levels, 1, "kernel", &cl);
	items = json_object_object_get(cl, "items");
	for (i = 0; i < json_object_array_length(items); i++)
		expect(json_object_array_get_idx(items, i), "missing",
		       "authentication failed");
	json_object_put(cl);
	json_object_put(levels);
}

/* Anything malformed is unknown, never a crash. */
static void test_hostile_level(void **state)
{
	json_object *levels = json_tokener_parse(
		"[{\"id\":7,\"facts\":[],\"probes\":{\"x\":1},\"status\":\"ok\"},"
		" {\"id\":\"l1\",\"parent\":\"l1\",\"depth\":\"deep\",\"facts\":{\"guests\":\"no\","
		"  \"kvm\":{\"params\":[1]},\"qemu\":{\"versions\":[{\"version\":1}]}},\"status\":\"ok\","
		"  \"probes\":[{\"name\":\"cpu\",\"status\":\"ok\",\"artifacts\":[{\"name\":\"cpuinfo\",\"path\":5}]},7]}]");
	json_object *cl = NULL;
	char why[320];
	size_t i;

	(void)state;
	assert_non_null(levels);
	for (i = 0; i < 2; i++) {
		assert_string_not_equal(nr_mlevel_string(item(levels, i, "cpuinfo", &cl), "state"), "ok");
		assert_null(nr_checklist_accel(levels, json_object_array_get_idx(levels, i), why, sizeof(why)));
	}
	json_object_put(cl);
	json_object_put(levels);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_missing),
		cmocka_unit_test(test_s390_rows),
		cmocka_unit_test(test_accel_from_parent),
		cmocka_unit_test(test_tcg_guest),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_hostile_level),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
