/* SPDX-License-Identifier: MIT */
/* The kernel document's checklist, derived from manifest levels alone
 * (bundle/checklist.h): every item is ok, or says why not in the bundle's
 * own words; nothing is guessed, and a hostile manifest is survived.  The
 * real three-level libvirt stack (tests/fixtures/checklist/, the manifest
 * of a run of tests/integration/libvirt_real.sh) is checked item by item. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/checklist.h"
#include "findings_case.h"

#define REAL_STACK "tests/fixtures/checklist/libvirt-real-manifest.json"

static json_object *item(json_object *checklist, const char *level, const char *id)
{
	size_t i, j;

	for (i = 0; i < json_object_array_length(checklist); i++) {
		json_object *c = json_object_array_get_idx(checklist, i);
		json_object *items = json_object_object_get(c, "items");

		if (strcmp(json_object_get_string(json_object_object_get(c, "level")), level) != 0)
			continue;
		for (j = 0; j < json_object_array_length(items); j++) {
			json_object *it = json_object_array_get_idx(items, j);

			if (strcmp(json_object_get_string(json_object_object_get(it, "item")), id) == 0)
				return it;
		}
	}
	fail_msg("no item %s of level %s", id, level);
	return NULL;
}

static const char *field(json_object *checklist, const char *level, const char *id, const char *key)
{
	return json_object_get_string(json_object_object_get(item(checklist, level, id), key));
}

/* state and, when needle is not NULL, a reason containing it. */
static void expect(json_object *checklist, const char *level, const char *id, const char *state,
                   const char *needle)
{
	const char *st = field(checklist, level, id, "state");
	const char *why = field(checklist, level, id, "reason");

	if (strcmp(st, state) != 0)
		fail_msg("%s %s: state %s (%s), expected %s", level, id, st, why ? why : "no reason", state);
	if (needle && (!why || !strstr(why, needle)))
		fail_msg("%s %s: reason '%s' lacks '%s'", level, id, why ? why : "(null)", needle);
	if (strcmp(state, "ok") != 0 && !why)
		fail_msg("%s %s: %s without a reason", level, id, state);
}

static json_object *build(const char *levels_json)
{
	json_object *levels = nr_test_levels_str(levels_json);
	json_object *cl = nr_checklist_build(levels);

	assert_non_null(cl);
	json_object_put(levels);
	return cl;
}

/* What a failed command, a killed one, an empty file, a wrapped kernel log
 * and a probe left out each look like. */
static void test_reasons_from_the_bundle(void **state)
{
	json_object *cl;

	(void)state;
	cl = build("[{\"id\":\"l0\",\"facts\":{\"arch_family\":\"x86\",\"virt\":{\"role\":\"host\"},"
	           "  \"kernel\":{\"release\":\"6.1.0\",\"dmesg_captured\":false},"
	           "  \"kvm\":{\"module\":\"kvm_intel\",\"params\":{\"kvm_intel\":{\"nested\":\"Y\"}}}},"
	           " \"probes\":["
	           "  {\"name\":\"kernel\",\"artifacts\":[{\"name\":\"uname-a\",\"exit_code\":0,\"size\":60,\"command\":[\"/usr/bin/uname\",\"-a\"]}]},"
	           "  {\"name\":\"cpu\",\"artifacts\":[{\"name\":\"cpuinfo\",\"size\":0,\"source\":\"/proc/cpuinfo\"},"
	           "                                   {\"name\":\"lscpu\",\"size\":900,\"command\":[\"/usr/bin/lscpu\"],\"exit_code\":null}],"
	           "   \"status\":\"timeout\",\"error\":\"timed out after 30 s\"},"
	           "  {\"name\":\"dmesg\",\"artifacts\":[{\"name\":\"dmesg\",\"size\":5000,\"exit_code\":0,\"command\":[\"/usr/bin/dmesg\"]}]},"
	           "  {\"name\":\"dmi\",\"artifacts\":[{\"name\":\"dmidecode\",\"size\":51,\"exit_code\":1,\"command\":[\"/usr/sbin/dmidecode\"],"
	           "     \"stderr\":\"/dev/mem: No such file or directory\\n\"}]},"
	           "  {\"name\":\"x86info\",\"status\":\"skipped\",\"error\":\"not selected by --only\"},"
	           "  {\"name\":\"s390\",\"status\":\"unsupported\",\"error\":\"does not apply to this architecture\"},"
	           "  {\"name\":\"libvirt\",\"status\":\"skipped\",\"error\":\"libvirt not installed (no virsh, no libvirtd)\","
	           "   \"commands\":[{\"name\":\"virsh\",\"path\":null},{\"name\":\"libvirtd\",\"path\":null}]},"
	           "  {\"name\":\"qemu\",\"notes\":[\"no QEMU system emulator (qemu-system-*, qemu-kvm) in /usr/bin\"]},"
	           "  {\"name\":\"kvm\"}]}]");
	expect(cl, "l0", "kernel", "ok", NULL);
	assert_string_equal(field(cl, "l0", "kernel", "value"), "6.1.0");
	expect(cl, "l0", "cpuinfo", "missing", "/proc/cpuinfo held nothing");
	expect(cl, "l0", "lscpu", "partial", "/usr/bin/lscpu did not finish (probe 'cpu' timeout: timed out after 30 s)");
	expect(cl, "l0", "dmesg", "partial", "no longer holds the messages from boot");
	expect(cl, "l0", "dmidecode", "missing", "/usr/sbin/dmidecode exited 1: /dev/mem: No such file or directory");
	expect(cl, "l0", "x86info", "missing", "probe 'x86info' skipped: not selected by --only");
	expect(cl, "l0", "sysinfo", "n/a", "s390x only");
	expect(cl, "l0", "libvirt", "n/a", "libvirt is not installed on l0");
	expect(cl, "l0", "qemu", "n/a", "no QEMU system emulator");
	expect(cl, "l0", "kvm-params", "ok", NULL);
	assert_string_equal(field(cl, "l0", "kvm-params", "value"), "1 parameters of kvm_intel");
	expect(cl, "l0", "cmdline", "n/a", "l0 is the host (L0): no QEMU runs it");
	json_object_put(cl);
}

/* A level that was not reached lacks everything, for that reason; one
 * that was reached but not linked to its guest says why not; a level that
 * is itself a guest of an uncollected host says so. */
static void test_unreached_and_unlinked(void **state)
{
	json_object *cl;

	(void)state;
	cl = build("[{\"id\":\"l0\",\"facts\":{\"arch_family\":\"x86\",\"virt\":{\"role\":\"guest\",\"hypervisor\":\"kvm\"}}},"
	           " {\"id\":\"l1\",\"depth\":1,\"parent\":\"l0\",\"facts\":{\"arch_family\":\"x86\"},"
	           "  \"match\":{\"guest_pid\":null,\"guest_name\":null,\"by\":null,"
	           "            \"detail\":\"unmatched: no guest on l0 matched (by hostfwd port 22 or by name)\"}},"
	           " {\"id\":\"l2\",\"depth\":2,\"parent\":\"l1\",\"status\":\"unreachable\","
	           "  \"errors\":[\"connect to 10.0.0.9:22: timed out\"]}]");
	expect(cl, "l0", "cmdline", "missing", "l0 is itself a guest (of kvm) whose host was not collected");
	expect(cl, "l1", "cmdline", "missing", "unmatched: no guest on l0 matched");
	expect(cl, "l1", "kernel", "missing", "the bundle has no 'kernel' probe");
	expect(cl, "l2", "kernel", "missing", "l2 was not collected (unreachable: connect to 10.0.0.9:22: timed out)");
	expect(cl, "l2", "dmidecode", "missing", "l2 was not collected");
	json_object_put(cl);
}

/* The guest linked to a level gives its command line: from the process,
 * from libvirt's log of the domain, on whichever level runs it. */
static void test_cmdline_from_the_host(void **state)
{
	json_object *cl;

	(void)state;
	cl = build("[{\"id\":\"l0\",\"facts\":{\"arch_family\":\"x86\",\"virt\":{\"role\":\"host\"}},"
	           "  \"guests\":[{\"pid\":42,\"argv\":[\"qemu-system-x86_64\",\"-name\",\"guest=vm1\",\"-accel\",\"kvm\"],\"level\":\"l1\"},"
	           "             {\"pid\":43,\"argv\":[\"qemu-system-x86_64\",\"-name\",\"guest=vm2\"],\"level\":\"l2\"}],"
	           "  \"probes\":[{\"name\":\"libvirt\",\"artifacts\":[{\"name\":\"log-vm1.log\",\"source\":\"/var/log/libvirt/qemu/vm1.log\"}]}]},"
	           " {\"id\":\"l1\",\"depth\":1,\"parent\":\"l0\",\"facts\":{\"arch_family\":\"x86\"}},"
	           " {\"id\":\"l2\",\"depth\":2,\"parent\":\"l1\",\"facts\":{\"arch_family\":\"x86\"}}]");
	expect(cl, "l1", "cmdline", "ok", NULL);
	assert_string_equal(field(cl, "l1", "cmdline", "value"), "guest 'vm1' (pid 42) of l0");
	assert_string_equal(json_object_to_json_string_ext(json_object_object_get(item(cl, "l1", "cmdline"), "artifacts"),
	                                                   JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	                    "[\"levels/l0/qemu/cmdline-42.txt\",\"levels/l0/libvirt/log-vm1.log\"]");
	expect(cl, "l2", "cmdline", "ok", NULL);
	assert_string_equal(field(cl, "l2", "cmdline", "value"), "guest 'vm2' (pid 43) of l0");
	json_object_put(cl);
}

/* Anything where an object should be: no crash, every item still there. */
static void test_hostile_manifest(void **state)
{
	static const char *const hostile[] = {
		"[]",
		"[1, \"x\", null, []]",
		"[{\"id\":7,\"status\":\"ok\",\"facts\":[],\"probes\":\"x\",\"match\":5}]",
		"[{\"id\":\"l0\",\"status\":\"ok\",\"facts\":{\"kvm\":{\"params\":[1]},\"qemu\":{\"versions\":{}},"
		"  \"guests\":[1,{\"level\":3},{\"level\":\"l0\",\"pid\":\"x\"}]},"
		"  \"probes\":[1,{\"name\":\"cpu\",\"artifacts\":[7,{\"name\":\"cpuinfo\",\"exit_code\":\"x\",\"command\":{}}]},"
		"            {\"name\":\"libvirt\",\"commands\":[1,{}],\"notes\":[null]}]}]",
	};
	json_object *cl;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		json_object *levels = json_tokener_parse(hostile[i]);

		cl = nr_checklist_build(levels);
		assert_non_null(cl);
		json_object_put(cl);
		json_object_put(levels);
	}
	cl = nr_checklist_build(NULL);
	assert_non_null(cl);
	assert_int_equal(json_object_array_length(cl), 0);
	json_object_put(cl);
}

/* The real stack: l0 runs libvirtd and both guests, l1 is the Debian guest
 * (sudo), l2 the busybox guest reached through l1 at 10.0.2.2. */
static void test_real_libvirt_stack(void **state)
{
	json_object *m = json_object_from_file(REAL_STACK), *cl;
	static const char *const levels[] = { "l0", "l1", "l2" };
	static const char *const everywhere[] = { "kernel", "cpuinfo", "dmesg" };
	size_t i, j;

	(void)state;
	if (!m)
		fail_msg("cannot read %s", REAL_STACK);
	cl = nr_checklist_build(json_object_object_get(m, "levels"));
	assert_int_equal(json_object_array_length(cl), 3);
	for (i = 0; i < 3; i++)
		for (j = 0; j < sizeof(everywhere) / sizeof(everywhere[0]); j++)
			expect(cl, levels[i], everywhere[j], "ok", NULL);
	expect(cl, "l0", "libvirt", "ok", NULL);
	assert_string_equal(field(cl, "l0", "libvirt", "value"), "9.0.0");
	expect(cl, "l0", "qemu", "ok", NULL);
	expect(cl, "l1", "cmdline", "ok", NULL);
	assert_non_null(strstr(field(cl, "l1", "cmdline", "value"), "nr-debian-l1"));
	expect(cl, "l2", "cmdline", "ok", NULL);
	assert_non_null(strstr(field(cl, "l2", "cmdline", "value"), "nr-busybox-l2"));
	expect(cl, "l1", "lscpu", "ok", NULL);
	expect(cl, "l1", "dmidecode", "ok", NULL);
	expect(cl, "l1", "x86info", "ok", NULL);
	expect(cl, "l1", "kvm-params", "ok", NULL);
	expect(cl, "l1", "libvirt", "n/a", "not installed");
	expect(cl, "l1", "qemu", "n/a", "no QEMU system emulator");
	expect(cl, "l2", "lscpu", "missing", "lscpu not installed");
	expect(cl, "l2", "kvm-params", "n/a", "no KVM module is loaded on l2");
	/* Nothing missing without a reason, on any level. */
	for (i = 0; i < 3; i++) {
		json_object *items = json_object_object_get(json_object_array_get_idx(cl, i), "items");

		for (j = 0; j < json_object_array_length(items); j++) {
			json_object *it = json_object_array_get_idx(items, j);

			if (strcmp(json_object_get_string(json_object_object_get(it, "state")), "ok") != 0 &&
			    !json_object_get_string(json_object_object_get(it, "reason")))
				fail_msg("%s %s: no reason", levels[i],
				         json_object_get_string(json_object_object_get(it, "item")));
		}
	}
	json_object_put(cl);
	json_object_put(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reasons_from_the_bundle),
		cmocka_unit_test(test_unreached_and_unlinked),
		cmocka_unit_test(test_cmdline_from_the_host),
		cmocka_unit_test(test_hostile_manifest),
		cmocka_unit_test(test_real_libvirt_stack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
