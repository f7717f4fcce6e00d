/* SPDX-License-Identifier: MIT */
/* The KVM-or-TCG verdict (collector/level/detect.c): the CPUID signature
 * first, then the parent's QMP query-kvm, then its QEMU argv, then the
 * level's kernel log, each cited in virt.accel_source; and the CPUID
 * signature naming the hypervisor ahead of the kernel log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "level/facts.h"
#include "probe_result.h"

struct lv {
	json_object *facts;
	struct nr_probe_result r[4];
	size_t n;
};

static void lv_add(struct lv *l, const char *probe, const char *artifact, const char *buf,
                   size_t len)
{
	struct nr_probe_result *r = &l->r[l->n++];

	nr_test_result_init(r, probe);
	nr_test_result_add(r, artifact, buf, len);
	nr_test_result_parse(r, l->facts);
}

static void lv_add_file(struct lv *l, const char *probe, const char *artifact, const char *rel)
{
	size_t len;
	char *buf = nr_test_local_file(rel, &len);

	assert_non_null(buf);
	lv_add(l, probe, artifact, buf, len);
	free(buf);
}

static void lv_init(struct lv *l)
{
	memset(l, 0, sizeof(*l));
	l->facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
}

static void lv_release(struct lv *l)
{
	for (size_t i = 0; i < l->n; i++)
		nr_test_result_release(&l->r[i]);
	json_object_put(l->facts);
}

static void expect(struct lv *l, const char *hv, const char *accel, const char *source)
{
	const char *got;

	got = nr_facts_str(l->facts, "virt.hypervisor");
	if (hv ? !got || strcmp(got, hv) : got != NULL)
		fail_msg("virt.hypervisor: expected %s, got %s", hv ? hv : "null", got ? got : "null");
	got = nr_facts_str(l->facts, "virt.accel");
	if (accel ? !got || strcmp(got, accel) : got != NULL)
		fail_msg("virt.accel: expected %s, got %s", accel ? accel : "null", got ? got : "null");
	got = nr_facts_str(l->facts, "virt.accel_source");
	if (source ? !got || strcmp(got, source) : got != NULL)
		fail_msg("virt.accel_source: expected %s, got %s", source ? source : "null",
		         got ? got : "null");
	if (accel)
		assert_true(json_object_object_get_ex(nr_facts_get(l->facts, "evidence"), "virt.accel",
		                                      NULL));
}

static void test_cpuid_kvm_behind_hyperv(void **state)
{
	struct lv l;

	(void)state;
	lv_init(&l);
	lv_add_file(&l, "cpuid", "cpuid", "cpuid/kvm-hyperv-intel.txt");
	nr_facts_derive(l.facts);
	expect(&l, "kvm", "kvm", "cpuid");
	assert_string_equal(nr_facts_str(l.facts, "virt.role"), "guest");
	lv_release(&l);
}

static void test_cpuid_tcg_beats_kernel_log(void **state)
{
	static const char dmesg[] = "[    0.000000] Linux version 6.1.0\n"
	                            "[    0.000000] Hypervisor detected: KVM\n";
	struct lv l;

	(void)state;
	lv_init(&l);
	lv_add(&l, "dmesg", "dmesg", dmesg, sizeof(dmesg) - 1);
	lv_add_file(&l, "cpuid", "cpuid", "cpuid/tcg-qemu72-guest.txt");
	nr_facts_derive(l.facts);
	expect(&l, "qemu-tcg", "tcg", "cpuid");
	lv_release(&l);
}

/* This machine: CPUID says KVM, its ACPI tables say Firecracker. */
static void test_cpuid_firecracker(void **state)
{
	static const char dmesg[] = "[    0.000000] ACPI: RSDP 0x00000000000E0000 000024 (v02 FIRECK)\n";
	struct lv l;

	(void)state;
	lv_init(&l);
	lv_add(&l, "dmesg", "dmesg", dmesg, sizeof(dmesg) - 1);
	lv_add_file(&l, "cpuid", "cpuid", "cpuid/firecracker-amd-epyc.txt");
	nr_facts_derive(l.facts);
	expect(&l, "firecracker", "kvm", "cpuid");
	lv_release(&l);
}

static void test_bare_metal_no_accel(void **state)
{
	struct lv l;

	(void)state;
	lv_init(&l);
	lv_add_file(&l, "cpuid", "cpuid", "cpuid/bare-metal-intel.txt");
	nr_facts_derive(l.facts);
	expect(&l, NULL, NULL, NULL);
	lv_release(&l);
}

static void test_kernel_log_then_qmp(void **state)
{
	static const char dmesg[] = "[    0.000000] Linux version 6.1.0\n"
	                            "[    0.000000] Hypervisor detected: KVM\n";
	json_object *parent = json_object_new_object(), *doms = json_object_new_array();
	json_object *dom = json_object_new_object(), *guest = json_object_new_object();
	struct lv l;

	(void)state;
	lv_init(&l);
	lv_add(&l, "dmesg", "dmesg", dmesg, sizeof(dmesg) - 1);
	nr_facts_derive(l.facts);
	expect(&l, "kvm", "kvm", "dmesg");
	/* QMP outranks the kernel log */
	json_object_object_add(dom, "name", json_object_new_string("l1vm"));
	json_object_object_add(dom, "qmp_kvm_enabled", json_object_new_boolean(0));
	json_object_array_add(doms, dom);
	nr_facts_set(parent, "libvirt.domains", doms);
	json_object_object_add(guest, "name", json_object_new_string("l1vm"));
	nr_facts_derive_accel_guest(l.facts, guest, parent);
	expect(&l, "kvm", "tcg", "qmp");
	json_object_put(parent);
	json_object_put(guest);
	lv_release(&l);
}

static void test_cpuid_not_overridden(void **state)
{
	json_object *parent = json_object_new_object(), *doms = json_object_new_array();
	json_object *dom = json_object_new_object(), *guest = json_object_new_object();
	struct lv l;

	(void)state;
	lv_init(&l);
	lv_add_file(&l, "cpuid", "cpuid", "cpuid/kvm-hyperv-intel.txt");
	nr_facts_derive(l.facts);
	json_object_object_add(dom, "name", json_object_new_string("g"));
	json_object_object_add(dom, "qmp_kvm_enabled", json_object_new_boolean(0));
	json_object_array_add(doms, dom);
	nr_facts_set(parent, "libvirt.domains", doms);
	json_object_object_add(guest, "name", json_object_new_string("g"));
	nr_facts_derive_accel_guest(l.facts, guest, parent);
	expect(&l, "kvm", "kvm", "cpuid");
	json_object_put(parent);
	json_object_put(guest);
	lv_release(&l);
}

static json_object *argv_guest(const char *a0, const char *a1)
{
	json_object *g = json_object_new_object(), *accel = json_object_new_array();

	json_object_array_add(accel, json_object_new_string(a0));
	if (a1)
		json_object_array_add(accel, json_object_new_string(a1));
	json_object_object_add(g, "name", json_object_new_string("nr-e2e-l1"));
	json_object_object_add(g, "accel", accel);
	json_object_object_add(g, "accel_defaulted", json_object_new_boolean(0));
	return g;
}

static void test_argv_fills_a_gap_only(void **state)
{
	json_object *parent = json_object_new_object(), *g;
	struct lv l;

	(void)state;
	lv_init(&l);
	nr_facts_derive(l.facts);
	expect(&l, NULL, NULL, NULL);
	/* "-machine accel=kvm:tcg": which one ran is not told by argv */
	g = argv_guest("kvm", "tcg");
	nr_facts_derive_accel_guest(l.facts, g, parent);
	expect(&l, NULL, NULL, NULL);
	json_object_put(g);
	g = argv_guest("tcg", NULL);
	nr_facts_derive_accel_guest(l.facts, g, parent);
	expect(&l, NULL, "tcg", "argv");
	json_object_put(g);
	json_object_put(parent);
	lv_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid_kvm_behind_hyperv),
		cmocka_unit_test(test_cpuid_tcg_beats_kernel_log),
		cmocka_unit_test(test_cpuid_firecracker),
		cmocka_unit_test(test_bare_metal_no_accel),
		cmocka_unit_test(test_kernel_log_then_qmp),
		cmocka_unit_test(test_cpuid_not_overridden),
		cmocka_unit_test(test_argv_fills_a_gap_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
