/* SPDX-License-Identifier: MIT */
/* nr_checklist_level: the kernel document's checklist per level, on the
 * findings fixtures (tests/fixtures/findings/) and on specs made here:
 * what is present points at its artifact, what is missing says the probe's
 * reason, what cannot apply says why, and the rows follow the level's
 * architecture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "findings/checklist.h"
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

/* The item with this key; fails when the level has no such row. */
static const struct nr_cl_item *item(const struct nr_cl_item *items, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(items[i].key, key) == 0)
			return &items[i];
	fail_msg("no checklist row '%s'", key);
	return NULL;
}

static bool has_row(const struct nr_cl_item *items, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(items[i].key, key) == 0)
			return true;
	return false;
}

static void expect(const struct nr_cl_item *it, enum nr_cl_state st, const char *contains)
{
	if (it->state != st)
		fail_msg("%s: %s, expected %s (%s)", it->key, nr_cl_state_name(it->state), nr_cl_state_name(st),
		         it->detail);
	if (contains && !strstr(it->detail, contains))
		fail_msg("%s: '%s' does not say '%s'", it->key, it->detail, contains);
}

static size_t run(json_object *levels, size_t idx, struct nr_cl_item items[NR_CL_MAX])
{
	size_t n = nr_checklist_level(levels, json_object_array_get_idx(levels, idx), items);
	size_t i;

	assert_true(n > 0 && n <= NR_CL_MAX);
	for (i = 0; i < n; i++) {
		assert_non_null(items[i].what);
		assert_true(items[i].detail[0] != '\0');
	}
	return n;
}

/* A non-root x86 host: what is missing says the probe's reason. */
static void test_x86_missing(void **state)
{
	json_object *levels = fixture("evidence-missing.json");
	struct nr_cl_item it[NR_CL_MAX];
	size_t n;

	(void)state;
	n = run(levels, 0, it);
	expect(item(it, n, "dmesg"), NR_CL_MISSING, "needs root (kernel.dmesg_restrict=1)");
	expect(item(it, n, "cpuinfo"), NR_CL_PRESENT, NULL);
	assert_string_equal(item(it, n, "cpuinfo")->artifact, "levels/l0/cpu/cpuinfo");
	expect(item(it, n, "lscpu"), NR_CL_MISSING, "lscpu not installed");
	expect(item(it, n, "dmidecode"), NR_CL_MISSING, "dmidecode needs root");
	expect(item(it, n, "x86info"), NR_CL_MISSING, "x86info not installed");
	assert_false(has_row(it, n, "sysinfo"));
	/* Nothing runs on a host with no level above: not asked for. */
	expect(item(it, n, "qemu-cmdlines"), NR_CL_NA, "no guest runs here");
	expect(item(it, n, "accel"), NR_CL_NA, "bare metal");
	json_object_put(levels);
}

/* s390: sysinfo instead of x86info and dmidecode. */
static void test_s390_rows(void **state)
{
	json_object *levels = fixture("evidence-s390.json");
	struct nr_cl_item it[NR_CL_MAX];
	size_t n;

	(void)state;
	n = run(levels, 0, it);
	expect(item(it, n, "sysinfo"), NR_CL_MISSING, "probe 's390' failed: cannot read /proc/sysinfo");
	expect(item(it, n, "cpuinfo"), NR_CL_MISSING, "cannot read /proc/cpuinfo");
	assert_false(has_row(it, n, "x86info"));
	assert_false(has_row(it, n, "dmidecode"));
	/* l0 runs l1, yet no command line: missing, not n/a. */
	expect(item(it, n, "qemu-cmdlines"), NR_CL_MISSING, "although a level runs on this one");
	/* l1 is a KVM guest by its own detection. */
	n = run(levels, 1, it);
	expect(item(it, n, "accel"), NR_CL_PRESENT, "KVM: this level detects hypervisor kvm");
	json_object_put(levels);
}

/* L1 matched to its QEMU process on L0: KVM from L0's command line. */
static void test_accel_from_parent(void **state)
{
	json_object *levels = fixture("x86-l0-l1-matched.json");
	struct nr_cl_item it[NR_CL_MAX];
	char why[320];
	size_t n;

	(void)state;
	n = run(levels, 0, it);
	expect(item(it, n, "qemu-cmdlines"), NR_CL_PRESENT, "2 guests: 'l1vm' (pid 301)");
	assert_string_equal(item(it, n, "qemu-cmdlines")->artifact, "levels/l0/qemu/cmdline-301.txt");
	n = run(levels, 1, it);
	expect(item(it, n, "accel"), NR_CL_PRESENT, "KVM: l0's guest 'l1vm' (pid 301) runs with accel kvm");
	assert_string_equal(nr_checklist_accel(levels, json_object_array_get_idx(levels, 1), why, sizeof(why)),
	                    "KVM");
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
	struct nr_cl_item it[NR_CL_MAX];
	char why[320];
	size_t n;

	(void)state;
	n = run(levels, 1, it);
	expect(item(it, n, "accel"), NR_CL_PRESENT, "TCG: l0's guest 'l1vm' (pid 7) runs with accel tcg");
	assert_string_equal(nr_checklist_accel(levels, json_object_array_get_idx(levels, 1), why, sizeof(why)),
	                    "TCG");
	/* A leaf with no QEMU and no libvirt: neither is asked of it. */
	expect(item(it, n, "qemu-cmdlines"), NR_CL_NA, NULL);
	json_object_put(levels);
}

/* Levels not reached: every row missing, with the level's error. */
static void test_unreachable(void **state)
{
	json_object *levels = fixture("evidence-unreachable.json");
	struct nr_cl_item it[NR_CL_MAX];
	size_t n, i;

	(void)state;
	n = run(levels, 1, it);
	for (i = 0; i < n; i++)
		expect(&it[i], NR_CL_MISSING, "level not collected: auth-failed: l1 (192.0.2.10): authentication failed");
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
	struct nr_cl_item it[NR_CL_MAX];
	char why[320];
	size_t n, i;

	(void)state;
	assert_non_null(levels);
	for (i = 0; i < 2; i++) {
		n = run(levels, i, it);
		expect(item(it, n, "cpuinfo"), NR_CL_MISSING, NULL);
		assert_null(nr_checklist_accel(levels, json_object_array_get_idx(levels, i), why, sizeof(why)));
	}
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
