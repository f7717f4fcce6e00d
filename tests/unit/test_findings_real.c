/* SPDX-License-Identifier: MIT */
/* The findings on the 19 real machines: their facts come from the real
 * probes' parse() over each machine's captured /proc (cpuinfo, sysinfo,
 * PCI devices) and its lscpu output, then nr_facts_derive(), as a replay
 * of the tree would make them.  These trees have no /dev, so whether
 * /dev/kvm works is unknown: no rule may conclude anything from that, and
 * the rules that needed it say so in could-not-check.  Each machine is then
 * judged again with /dev/kvm known to be absent, as the level nest-report
 * ran on, and (x86, s390-kvm) as the L1 of a KVM host.  Only fail and warn
 * findings are compared: the info ones depend on the probes a replay runs.
 * Skips when $NR_SHARED_DIR is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "level/facts.h"
#include "findings_case.h"
#include "fixture.h"
#include "probe_result.h"
#include "findings/rule.h"

/* Fail and warn ids, space-separated in the engine's order ("" for none):
 * as replayed; with /dev/kvm absent; as an L1 with /dev/kvm absent (NULL:
 * not tried).  unchecked: a rule that must be in the replayed level's
 * could-not-check (NULL: none required). */
static const struct real_machine {
	const char *name;
	enum nr_arch arch;
	const char *as_is, *no_kvm, *l1_no_kvm, *unchecked;
} machines[] = {
	/* Hosts with VT-x or AMD-V: without /dev/kvm only the module is missing. */
	{ "x86_64-64cpu", NR_ARCH_X86, "", "kvm-unavailable-l0", "l1-no-kvm-device", "kvm-unavailable-l0" },
	{ "x86_64-64cpu-linux6.2", NR_ARCH_X86, "", "kvm-unavailable-l0", "l1-no-kvm-device", "kvm-unavailable-l0" },
	{ "x86_64-dell_e4310", NR_ARCH_X86, "", "kvm-unavailable-l0", "l1-no-kvm-device", "kvm-unavailable-l0" },
	{ "x86_64-epyc_7451", NR_ARCH_X86, "", "kvm-unavailable-l0", "l1-no-kvm-device", "kvm-unavailable-l0" },
	/* A VirtualBox guest without VT-x. */
	{ "vbox-win", NR_ARCH_X86, "", "l1-no-virt-ext l1-no-kvm-device",
	  "l1-no-virt-ext l1-no-kvm-device", "l1-no-virt-ext" },
	/* KVM and z/VM guests whose hypervisor gives them no SIE. */
	{ "s390-kvm", NR_ARCH_S390, "", "s390-l1-no-sie l1-no-kvm-device",
	  "s390-l1-no-sie l1-no-kvm-device", "s390-l1-no-sie" },
	{ "s390-zvm", NR_ARCH_S390, "", "s390-l1-no-sie l1-no-kvm-device", NULL, "s390-l1-no-sie" },
	/* LPARs are where s390 KVM hosts run: bare metal for the rules. */
	{ "s390-lpar", NR_ARCH_S390, "", "kvm-unavailable-l0", NULL, "kvm-unavailable-l0" },
	{ "s390-lpar-drawer", NR_ARCH_S390, "", "kvm-unavailable-l0", NULL, "kvm-unavailable-l0" },
	/* A PowerVM LPAR is a firmware partition, a host as an s390 LPAR is
	 * (docs/detection.md, "Firmware hypervisors"). */
	{ "ppc64-POWER7", NR_ARCH_PPC, "", "kvm-unavailable-l0", NULL, "kvm-unavailable-l0" },
	/* A guest of QEMU: a guest hypervisor if anything. */
	{ "ppc-qemu", NR_ARCH_PPC, "", "l1-no-kvm-device", NULL, "l1-no-kvm-device" },
	{ "arm-A510-A710-A715-X3", NR_ARCH_ARM, "", "kvm-unavailable-l0", NULL, "kvm-unavailable-l0" },
	{ "armv7", NR_ARCH_ARM, "", "kvm-unavailable-l0", NULL, "kvm-unavailable-l0" },
	/* No rule covers nesting on these yet: never a word. */
	{ "rv64-linux", NR_ARCH_RISCV, "", "", NULL, NULL },
	{ "rv64-milkvpioneer", NR_ARCH_RISCV, "", "", NULL, NULL },
	{ "rv64-visionfive2", NR_ARCH_RISCV, "", "", NULL, NULL },
	{ "loongarch-kvm_on_loongson_3c6000", NR_ARCH_LOONGARCH, "", "", NULL, NULL },
	{ "loongarch-loongson_3a5000_hv", NR_ARCH_LOONGARCH, "", "", NULL, NULL },
	{ "sparc64", NR_ARCH_SPARC, "", "", NULL, NULL },
};

struct parsed {
	struct nr_probe_result r[4];
	size_t n;
};

static void add(struct parsed *p, json_object *facts, const char *probe, const char *artifact,
                char *buf, size_t len)
{
	struct nr_probe_result *r = &p->r[p->n++];

	nr_test_result_init(r, probe);
	nr_test_result_add(r, artifact, buf, len);
	nr_test_result_parse(r, facts);
	free(buf);
}

/* The machine's facts, as its replay would derive them; no_kvm adds what
 * the kvm probe reports where /dev/kvm does not exist. */
static json_object *machine_facts(const struct real_machine *m, bool no_kvm)
{
	json_object *facts = nr_test_facts_new(NULL, m->arch);
	static const struct { const char *member, *probe, *artifact; } members[] = {
		{ "proc/cpuinfo", "cpu", "cpuinfo" },
		{ "proc/sysinfo", "s390", "sysinfo" },
		{ "proc/bus/pci/devices", "pci", "devices" },
	};
	struct parsed p = { .n = 0 };
	char lscpu[160], *buf;
	size_t i, len = 0;

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		if ((buf = nr_test_fixture_read(m->name, members[i].member, &len)) != NULL)
			add(&p, facts, members[i].probe, members[i].artifact, buf, len);
	snprintf(lscpu, sizeof(lscpu), "%s.lscpu", m->name);
	if ((buf = nr_test_fixture_file(lscpu, &len)) != NULL)
		add(&p, facts, "cpu", "lscpu", buf, len);
	nr_facts_derive(facts);
	if (no_kvm) {
		nr_facts_set(facts, "kvm.available", json_object_new_boolean(0));
		nr_facts_set(facts, "kvm.device", json_object_new_boolean(0));
	}
	for (i = 0; i < p.n; i++)
		nr_test_result_release(&p.r[i]);
	return facts;
}

/* The fail and warn ids on `level`, space-separated, in order. */
static void serious(json_object *findings, const char *level, char *out, size_t outlen)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < json_object_array_length(findings); i++) {
		json_object *f = json_object_array_get_idx(findings, i);

		if (nr_findings_severity(f) == NR_SEV_INFO ||
		    strcmp(json_object_get_string(json_object_object_get(f, "level")), level) != 0)
			continue;
		len += (size_t)snprintf(out + len, outlen - len, "%s%s", len ? " " : "",
		                        json_object_get_string(json_object_object_get(f, "id")));
	}
}

static json_object *judge(const struct real_machine *m, json_object *levels, const char *level,
                          const char *want)
{
	json_object *findings = nr_findings_evaluate(levels);
	char got[512];

	nr_test_check_findings(findings);
	serious(findings, level, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("%s as %s: expected [%s], got [%s]", m->name, level, want, got);
	return findings;
}

/* The could-not-check finding of level names the rule. */
static void assert_unchecked(const struct real_machine *m, json_object *findings, const char *rule)
{
	json_object *f = nr_test_find(findings, NR_RULE_COULD_NOT_CHECK, "l0");
	const char *ev = f ? json_object_to_json_string(json_object_object_get(f, "evidence")) : "";

	if (!strstr(ev, rule))
		fail_msg("%s: %s is not among the rules that could not check: %s", m->name, rule, ev);
}

static json_object *one_level(const struct real_machine *m, bool no_kvm)
{
	json_object *levels = json_object_new_array();

	json_object_array_add(levels, nr_test_level_wrap("l0", 0, NULL, machine_facts(m, no_kvm)));
	return levels;
}

static void test_real_machines_as_replayed(void **state)
{
	(void)state;
	NR_TEST_NEED_SHARED();
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		const struct real_machine *m = &machines[i];
		json_object *levels = one_level(m, false);
		json_object *findings;

		print_message("  %s\n", m->name);
		findings = judge(m, levels, "l0", m->as_is);
		if (m->unchecked)
			assert_unchecked(m, findings, m->unchecked);
		json_object_put(findings);
		json_object_put(levels);
	}
}

static void test_real_machines_without_kvm(void **state)
{
	(void)state;
	NR_TEST_NEED_SHARED();
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		const struct real_machine *m = &machines[i];
		json_object *levels = one_level(m, true);

		print_message("  %s\n", m->name);
		json_object_put(judge(m, levels, "l0", m->no_kvm));
		json_object_put(levels);
	}
}

/* Under a KVM host of the same architecture with nested on. */
static void test_real_machines_as_l1(void **state)
{
	(void)state;
	NR_TEST_NEED_SHARED();
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		const struct real_machine *m = &machines[i];
		json_object *levels;
		char spec[300];

		if (!m->l1_no_kvm)
			continue;
		print_message("  %s\n", m->name);
		snprintf(spec, sizeof(spec),
		         "[{\"id\":\"l0\",\"facts\":{\"arch_family\":\"%s\",\"virt\":{\"role\":\"host\"},"
		         "\"kvm\":{\"available\":true,\"module\":\"kvm\",\"nested\":true}}}]",
		         nr_arch_family_name(m->arch));
		levels = nr_test_levels_str(spec);
		json_object_array_add(levels, nr_test_level_wrap("l1", 1, "l0", machine_facts(m, true)));
		json_object_put(judge(m, levels, "l1", m->l1_no_kvm));
		json_object_put(judge(m, levels, "l0", ""));
		json_object_put(levels);
	}
}

static void test_table_complete(void **state)
{
	size_t n = 0, i;

	(void)state;
	for (; nr_test_real_machines[n]; n++) {
		for (i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
			if (strcmp(machines[i].name, nr_test_real_machines[n]) == 0)
				break;
		if (i == sizeof(machines) / sizeof(machines[0]))
			fail_msg("%s has no expected findings here", nr_test_real_machines[n]);
	}
	assert_int_equal(n, sizeof(machines) / sizeof(machines[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_machines_as_replayed),
		cmocka_unit_test(test_real_machines_without_kvm),
		cmocka_unit_test(test_real_machines_as_l1),
		cmocka_unit_test(test_table_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
