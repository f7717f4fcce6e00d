/* SPDX-License-Identifier: MIT */
/* nr_facts_derive (collector/level/detect.c) over the facts the real probes'
 * parse() functions fill: the 19 real machines (their cpuinfo, sysinfo and
 * PCI devices), s390 stacks, and written evidence for what the fixtures do
 * not have (Firecracker, TCG, Xen, PowerNV, DMI look-alikes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "level/facts.h"
#include "fixture.h"
#include "parse.h"
#include "probe_result.h"

/* ---- helpers ------------------------------------------------------------- */

struct level_facts {
	json_object *facts;
	struct nr_probe_result r[8];
	size_t n;
};

static void lf_init(struct level_facts *lf, enum nr_arch arch)
{
	memset(lf, 0, sizeof(*lf));
	lf->facts = nr_test_facts_new(NULL, arch);
}

/* One artifact of one probe, parsed at once. */
static void lf_add(struct level_facts *lf, const char *probe, const char *artifact,
                   const char *buf, size_t len)
{
	struct nr_probe_result *r = &lf->r[lf->n++];

	assert_true(lf->n <= sizeof(lf->r) / sizeof(lf->r[0]));
	nr_test_result_init(r, probe);
	nr_test_result_add(r, artifact, buf, len);
	nr_test_result_parse(r, lf->facts);
}

#define lf_add_str(lf, probe, artifact, s) lf_add((lf), (probe), (artifact), (s), strlen(s))

static void lf_release(struct level_facts *lf)
{
	for (size_t i = 0; i < lf->n; i++)
		nr_test_result_release(&lf->r[i]);
	json_object_put(lf->facts);
}

static const char *fact(struct level_facts *lf, const char *path)
{
	return nr_facts_str(lf->facts, path);
}

static void assert_str_or_null(const char *got, const char *want, const char *what)
{
	if (!want && got)
		fail_msg("%s: expected null, got '%s'", what, got);
	if (want && (!got || strcmp(got, want) != 0))
		fail_msg("%s: expected '%s', got '%s'", what, want, got ? got : "null");
}

/* virt.role, virt.hypervisor and cpu.virt_ext after derivation, and that
 * the role has evidence. */
static void expect(struct level_facts *lf, const char *role, const char *hv, const char *ext)
{
	json_object *ev;

	nr_facts_derive(lf->facts);
	assert_str_or_null(fact(lf, "virt.role"), role, "virt.role");
	assert_str_or_null(fact(lf, "virt.hypervisor"), hv, "virt.hypervisor");
	assert_str_or_null(fact(lf, "cpu.virt_ext"), ext, "cpu.virt_ext");
	assert_true(json_object_object_get_ex(nr_facts_get(lf->facts, "evidence"), "virt.role", &ev));
	assert_true(json_object_array_length(ev) >= 1);
}

static char *local(const char *rel, size_t *len)
{
	char *buf = nr_test_local_file(rel, len);

	assert_non_null(buf);
	return buf;
}

/* ---- the 19 real machines ------------------------------------------------ */

/* What each machine is, reviewed against its .lscpu (docs/detection.md):
 * where lscpu printed "Hypervisor vendor", "Virtualization type" or
 * "Virtualization", these agree with it; elsewhere lscpu had no evidence
 * and these say what ours is (PCI IDs, the ppc platform). */
static const struct real_machine {
	const char *name;
	enum nr_arch arch;
	const char *role, *hv, *ext;
	int depth;      /* length of virt.stack, -1 for null */
} machines[] = {
	{ "x86_64-64cpu", NR_ARCH_X86, "host", NULL, "vmx", -1 },
	{ "x86_64-64cpu-linux6.2", NR_ARCH_X86, "host", NULL, "vmx", -1 },
	{ "x86_64-dell_e4310", NR_ARCH_X86, "host", NULL, "vmx", -1 },
	{ "x86_64-epyc_7451", NR_ARCH_X86, "host", NULL, "svm", -1 },
	{ "vbox-win", NR_ARCH_X86, "guest", "virtualbox", "none", -1 },
	{ "s390-kvm", NR_ARCH_S390, "guest", "kvm", "none", 2 },
	{ "s390-zvm", NR_ARCH_S390, "guest", "zvm", "none", 2 },
	{ "s390-lpar", NR_ARCH_S390, "guest", "lpar", "none", 1 },
	{ "s390-lpar-drawer", NR_ARCH_S390, "guest", "lpar", "sie", 1 },
	{ "ppc64-POWER7", NR_ARCH_PPC, "guest", "powervm", NULL, -1 },
	{ "ppc-qemu", NR_ARCH_PPC, "guest", "qemu", NULL, -1 },
	{ "arm-A510-A710-A715-X3", NR_ARCH_ARM, "unknown", NULL, NULL, -1 },
	{ "armv7", NR_ARCH_ARM, "unknown", NULL, NULL, -1 },
	{ "rv64-linux", NR_ARCH_RISCV, "unknown", NULL, NULL, -1 },
	{ "rv64-milkvpioneer", NR_ARCH_RISCV, "unknown", NULL, NULL, -1 },
	{ "rv64-visionfive2", NR_ARCH_RISCV, "unknown", NULL, NULL, -1 },
	{ "loongarch-kvm_on_loongson_3c6000", NR_ARCH_LOONGARCH, "guest", "qemu", "none", -1 },
	{ "loongarch-loongson_3a5000_hv", NR_ARCH_LOONGARCH, "unknown", NULL, "lvz", -1 },
	{ "sparc64", NR_ARCH_SPARC, "unknown", NULL, NULL, -1 },
};

static void add_member(struct level_facts *lf, const char *machine, const char *member,
                       const char *probe, const char *artifact)
{
	size_t len = 0;
	char *buf = nr_test_fixture_read(machine, member, &len);

	if (buf)
		lf_add(lf, probe, artifact, buf, len);
	free(buf);
}

static void test_real_machines(void **state)
{
	(void)state;
	NR_TEST_NEED_SHARED();
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		const struct real_machine *m = &machines[i];
		struct level_facts lf;
		json_object *stack;

		print_message("  %s\n", m->name);
		lf_init(&lf, m->arch);
		add_member(&lf, m->name, "proc/cpuinfo", "cpu", "cpuinfo");
		add_member(&lf, m->name, "proc/sysinfo", "s390", "sysinfo");
		add_member(&lf, m->name, "proc/bus/pci/devices", "pci", "devices");
		expect(&lf, m->role, m->hv, m->ext);
		stack = nr_facts_get(lf.facts, "virt.stack");
		if (m->depth < 0)
			assert_null(stack);
		else
			assert_int_equal(json_object_array_length(stack), m->depth);
		lf_release(&lf);
	}
}

/* The real machines' names are those of fixture.c's list: none missed. */
static void test_real_machine_table_complete(void **state)
{
	size_t n = 0;

	(void)state;
	for (; nr_test_real_machines[n]; n++) {
		size_t i = 0;

		while (i < sizeof(machines) / sizeof(machines[0]) &&
		       strcmp(machines[i].name, nr_test_real_machines[n]) != 0)
			i++;
		if (i == sizeof(machines) / sizeof(machines[0]))
			fail_msg("%s is not in the detection table", nr_test_real_machines[n]);
	}
	assert_int_equal(n, sizeof(machines) / sizeof(machines[0]));
}

/* ---- s390 stacks --------------------------------------------------------- */

static void stack_entry(json_object *stack, size_t i, const char *kind, const char *cp)
{
	json_object *e = json_object_array_get_idx(stack, i);

	assert_non_null(e);
	assert_string_equal(json_object_get_string(json_object_object_get(e, "kind")), kind);
	assert_string_equal(json_object_get_string(json_object_object_get(e, "control_program")), cp);
}

/* A KVM guest inside z/VM inside an LPAR: depth 3, outermost first, and
 * our hypervisor is VM00's (the innermost), KVM, not z/VM. */
static void test_s390_kvm_in_zvm(void **state)
{
	struct level_facts lf;
	json_object *stack;
	size_t len;
	char *buf = local("sysinfo/s390-kvm-in-zvm.txt", &len);

	(void)state;
	lf_init(&lf, NR_ARCH_S390);
	lf_add(&lf, "s390", "sysinfo", buf, len);
	expect(&lf, "guest", "kvm", NULL);
	stack = nr_facts_get(lf.facts, "virt.stack");
	assert_int_equal(json_object_array_length(stack), 3);
	stack_entry(stack, 0, "lpar", "LPAR");
	stack_entry(stack, 1, "vm", "z/VM 7.3.0");
	stack_entry(stack, 2, "vm", "KVM/Linux");
	assert_int_equal(json_object_get_int(json_object_object_get(
	                         json_object_array_get_idx(stack, 2), "index")), 0);
	lf_release(&lf);
	free(buf);
}

static void test_s390_kvm_in_kvm(void **state)
{
	struct level_facts lf;
	size_t len;
	char *buf = local("sysinfo/s390-kvm-in-kvm.txt", &len);

	(void)state;
	lf_init(&lf, NR_ARCH_S390);
	lf_add(&lf, "s390", "sysinfo", buf, len);
	expect(&lf, "guest", "kvm", NULL);
	assert_int_equal(json_object_array_length(nr_facts_get(lf.facts, "virt.stack")), 3);
	lf_release(&lf);
	free(buf);
}

/* ---- x86 guests ---------------------------------------------------------- */

static const char dmesg_fc[] =
	"[    0.000000] Linux version 6.1.0 (gcc) #1 SMP\n"
	"[    0.000000] DMI not present or invalid.\n"
	"[    0.000000] Hypervisor detected: KVM\n"
	"[    0.001016] ACPI: RSDP 0x00000000000E0000 000024 (v02 FIRECK)\n";

/* The development machine: a Firecracker guest whose L0 hides svm, yet
 * /dev/kvm works (kvm_pvm).  virt_ext "none" must not mean "no KVM". */
static void test_firecracker_kvm_without_svm(void **state)
{
	static const char devkvm[] = "path: /dev/kvm\nexists: yes\nchar_device: yes\nopen_rw: yes\n";
	struct level_facts lf;
	size_t len;
	char *cpuinfo = local("local/cpuinfo-kvm-guest-amd.txt", &len);

	(void)state;
	lf_init(&lf, NR_ARCH_X86);
	lf_add(&lf, "cpu", "cpuinfo", cpuinfo, len);
	lf_add_str(&lf, "dmesg", "dmesg", dmesg_fc);
	lf_add_str(&lf, "kvm", "dev-kvm", devkvm);
	lf_add_str(&lf, "kvm", "param-kvm_pvm.pvm_native", "Y\n");
	expect(&lf, "guest", "firecracker", "none");
	assert_string_equal(fact(&lf, "kernel.acpi_oem"), "FIRECK");
	assert_int_equal(nr_facts_bool(lf.facts, "kvm.available"), 1);
	lf_release(&lf);
	free(cpuinfo);
}

static void test_kvm_guest_lscpu(void **state)
{
	struct level_facts lf;
	size_t len;
	char *ls = local("local/lscpu-kvm-guest-amd.txt", &len);

	(void)state;
	lf_init(&lf, NR_ARCH_X86);
	lf_add(&lf, "cpu", "lscpu", ls, len);
	expect(&lf, "guest", "kvm", NULL);
	lf_release(&lf);
	free(ls);
}

/* QEMU DMI: TCG only when an x86 boot log names no hypervisor; a log that
 * has wrapped (no boot line) proves nothing. */
static void test_qemu_tcg_or_unknown(void **state)
{
	struct level_facts lf;

	(void)state;
	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "dmi", "id-sys_vendor", "QEMU\n");
	lf_add_str(&lf, "dmesg", "dmesg", "[    0.000000] Linux version 6.1.0\n[    1.0] hello\n");
	expect(&lf, "guest", "qemu-tcg", NULL);
	lf_release(&lf);

	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "dmi", "id-sys_vendor", "QEMU\n");
	lf_add_str(&lf, "dmesg", "dmesg", "[99999.0] late message only\n");
	expect(&lf, "guest", "qemu", NULL);
	lf_release(&lf);

	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "dmi", "id-sys_vendor", "QEMU\n");
	lf_add_str(&lf, "dmesg", "dmesg",
	           "[    0.0] Linux version 6.1\n[    0.0] Hypervisor detected: KVM\n");
	expect(&lf, "guest", "kvm", NULL);
	lf_release(&lf);
}

/* DMI names that are also real hardware do not make a guest. */
static void test_dmi_lookalikes(void **state)
{
	struct level_facts lf;

	(void)state;
	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "dmi", "id-sys_vendor", "Microsoft Corporation\n");
	lf_add_str(&lf, "dmi", "id-product_name", "Surface Laptop 5\n");
	lf_add_str(&lf, "cpu", "cpuinfo", "vendor_id\t: GenuineIntel\nflags\t\t: fpu vmx sse2\n");
	expect(&lf, "host", NULL, "vmx");
	lf_release(&lf);

	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "dmi", "id-sys_vendor", "Microsoft Corporation\n");
	lf_add_str(&lf, "dmi", "id-product_name", "Virtual Machine\n");
	expect(&lf, "guest", "hyperv", NULL);
	lf_release(&lf);

	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "dmi", "id-sys_vendor", "Amazon EC2\n");
	lf_add_str(&lf, "dmi", "id-product_name", "m5.metal\n");
	lf_add_str(&lf, "cpu", "cpuinfo", "vendor_id\t: GenuineIntel\nflags\t\t: fpu vmx sse2\n");
	expect(&lf, "host", NULL, "vmx");
	lf_release(&lf);
}

static void test_xen(void **state)
{
	struct level_facts lf;

	(void)state;
	lf_init(&lf, NR_ARCH_X86);
	nr_test_result_init(&lf.r[lf.n], "xen");
	nr_test_result_add_str(&lf.r[lf.n], "sys-hypervisor-type", "xen\n");
	nr_test_result_add_str(&lf.r[lf.n], "capabilities", "control_d\n");
	nr_test_result_parse(&lf.r[lf.n++], lf.facts);
	expect(&lf, "host", "xen", NULL);
	lf_release(&lf);

	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "xen", "sys-hypervisor-type", "xen\n");
	expect(&lf, "unknown", "xen", NULL);
	lf_release(&lf);
}

static const char cpuinfo_no_hv_bit[] =
	"processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nfpu_exception\t: yes\n"
	"cpuid level\t: 11\nflags\t\t: fpu de tsc msr pae lm constant_tsc pni\n";

/* An older PV domU (RHEL 5's 2.6.18-xen): no /sys/hypervisor, no
 * hypervisor bit in cpuinfo, an empty /proc/xen/capabilities.  It was
 * called a bare-metal host; lscpu says "Xen, para". */
static void test_xen_pv_without_sysfs(void **state)
{
	struct level_facts lf;

	(void)state;
	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "cpu", "cpuinfo", cpuinfo_no_hv_bit);
	lf_add(&lf, "xen", "capabilities", "", 0);
	expect(&lf, "guest", "xen", "none");
	assert_string_equal(fact(&lf, "xen.domain"), "domU");
	lf_release(&lf);

	/* /proc/xen with xenfs not mounted: Xen, but which domain is unknown. */
	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "cpu", "cpuinfo", cpuinfo_no_hv_bit);
	lf_add_str(&lf, "xen", "proc-xen", "path: /proc/xen\nexists: yes\n");
	expect(&lf, "unknown", "xen", "none");
	lf_release(&lf);
}

/* A dom0 is the host of its Xen machine, though its kernel, its CPUID
 * flag and lscpu all say Xen guest. */
static void test_xen_dom0_before_guest_signs(void **state)
{
	struct level_facts lf;

	(void)state;
	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "cpu", "cpuinfo",
	           "vendor_id\t: GenuineIntel\nflags\t\t: fpu hypervisor lahf_lm\n");
	lf_add_str(&lf, "cpu", "lscpu", "Hypervisor vendor:   Xen\nVirtualization type: para\n");
	lf_add_str(&lf, "dmesg", "dmesg", "[    0.000000] Linux version 6.1.0\n"
	                                  "[    0.000000] Hypervisor detected: Xen PV\n");
	lf_add(&lf, "xen", "capabilities", "control_d", 9);
	expect(&lf, "host", "xen", "none");
	lf_release(&lf);

	/* lscpu's own word for dom0: vendor Xen, type none. */
	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "cpu", "lscpu", "Hypervisor vendor:   Xen\nVirtualization type: none\n");
	expect(&lf, "host", "xen", NULL);
	lf_release(&lf);
}

/* Names we do not know still mean a hypervisor when the source only
 * speaks of one. */
static void test_unnamed_hypervisors(void **state)
{
	struct level_facts lf;

	(void)state;
	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "cpu", "cpuinfo", cpuinfo_no_hv_bit);
	lf_add_str(&lf, "dmesg", "dmesg", "[    0.000000] Hypervisor detected: Jailhouse\n");
	expect(&lf, "guest", "unknown", "none");
	lf_release(&lf);

	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "cpu", "cpuinfo", cpuinfo_no_hv_bit);
	lf_add_str(&lf, "cpu", "lscpu", "Hypervisor vendor:   Unisys s-Par\n"
	                                "Virtualization type: full\n");
	expect(&lf, "guest", "unknown", "none");
	lf_release(&lf);
}

/* A clear hypervisor bit yields to any contrary sign: DMI of QEMU's
 * machine under a spoofed vendor, or virtio; alone it still says host. */
static void test_absent_flag_yields(void **state)
{
	struct level_facts lf;
	json_object *ev;

	(void)state;
	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "cpu", "cpuinfo", cpuinfo_no_hv_bit);
	lf_add_str(&lf, "dmi", "id-sys_vendor", "ASUS\n");
	lf_add_str(&lf, "dmi", "id-product_name", "Standard PC (Q35 + ICH9, 2009)\n");
	expect(&lf, "unknown", NULL, "none");
	/* Both sides of the doubt are cited. */
	assert_true(json_object_object_get_ex(nr_facts_get(lf.facts, "evidence"), "virt.role", &ev));
	assert_int_equal(json_object_array_length(ev), 2);
	assert_non_null(strstr(json_object_get_string(json_object_object_get(
	                               json_object_array_get_idx(ev, 1), "detail")), "Standard PC"));
	lf_release(&lf);

	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "cpu", "cpuinfo", cpuinfo_no_hv_bit);
	lf_add_str(&lf, "dmi", "id-sys_vendor", "Dell Inc.\n");
	lf_add_str(&lf, "dmi", "id-product_name", "PowerEdge R640\n");
	expect(&lf, "host", NULL, "none");
	lf_release(&lf);
}

/* ---- PCI ----------------------------------------------------------------- */

static const char pci_virtio[] =
	"0000\t80860d57\t0\t0\n0008\t1af41045\t0\t0\t\tvirtio-pci\n";

/* virtio alone is weak, too weak to name a guest on x86, where the CPU
 * flag decides first; but a clear flag beside it is no proof of bare
 * metal either (a guest started with hypervisor=off): unknown. */
static void test_pci_virtio(void **state)
{
	struct level_facts lf;

	(void)state;
	lf_init(&lf, NR_ARCH_X86);
	lf_add_str(&lf, "pci", "devices", pci_virtio);
	lf_add_str(&lf, "cpu", "cpuinfo", "vendor_id\t: GenuineIntel\nflags\t\t: fpu vmx sse2\n");
	expect(&lf, "unknown", NULL, "vmx");
	assert_string_equal(fact(&lf, "pci.hypervisor"), "virtio");
	lf_release(&lf);

	lf_init(&lf, NR_ARCH_ARM);
	lf_add_str(&lf, "pci", "devices", pci_virtio);
	expect(&lf, "guest", "unknown", NULL);
	lf_release(&lf);
}

static void test_pci_specific_wins(void **state)
{
	struct nr_pci pci;
	static const char xen_hvm[] = "0010\t12341111\t0\n0018\t58530001\t0\n0020\t1af41000\t0\n";
	static const char vmware[] = "0078\t15ad0740\t0\n0080\t15ad0405\t0\n";
	static const char hyperv_not_video[] = "0000\t14140001\t0\n";

	(void)state;
	assert_int_equal(nr_pci_parse(xen_hvm, sizeof(xen_hvm) - 1, &pci), 0);
	assert_string_equal(pci.hypervisor, "xen");
	assert_int_equal(pci.devices, 3);
	assert_int_equal(nr_pci_parse(vmware, sizeof(vmware) - 1, &pci), 0);
	assert_string_equal(pci.hypervisor, "vmware");
	assert_int_equal(pci.vendor, 0x15ad);
	assert_int_equal(nr_pci_parse(hyperv_not_video, sizeof(hyperv_not_video) - 1, &pci), 0);
	assert_string_equal(pci.hypervisor, "");
	assert_int_equal(nr_pci_parse("", 0, &pci), -EINVAL);
	assert_int_equal(nr_pci_parse("zz\tnothex!!\n\t\t\n", 15, &pci), -EINVAL);
}

/* ---- ppc ------------------------------------------------------------------ */

static void test_ppc_powernv_and_kvm_hv(void **state)
{
	struct level_facts lf;

	(void)state;
	lf_init(&lf, NR_ARCH_PPC);
	lf_add_str(&lf, "cpu", "cpuinfo", "processor\t: 0\ncpu\t\t: POWER9\ntimebase\t: 512000000\n"
	                                  "platform\t: PowerNV\nmachine\t\t: PowerNV 9006-22P\n");
	expect(&lf, "host", NULL, "hv");
	lf_release(&lf);

	/* A pSeries guest of QEMU, with nested HV: kvm_hv loaded. */
	lf_init(&lf, NR_ARCH_PPC);
	lf_add_str(&lf, "cpu", "cpuinfo", "processor\t: 0\ncpu\t\t: POWER9 (architected)\n"
	                                  "timebase\t: 512000000\nplatform\t: pSeries\n"
	                                  "model\t\t: IBM pSeries (emulated by qemu)\n"
	                                  "machine\t\t: CHRP IBM pSeries (emulated by qemu)\n");
	lf_add_str(&lf, "kvm", "proc-modules",
	           "kvm_hv 147456 0 - Live 0x0\nkvm 1024 1 kvm_hv, Live 0x0\n");
	expect(&lf, "guest", "qemu", "hv");
	lf_release(&lf);
}

static void test_devicetree(void **state)
{
	struct level_facts lf;
	static const char compat[] = "qemu,pseries\0";

	(void)state;
	lf_init(&lf, NR_ARCH_PPC);
	lf_add_str(&lf, "devicetree", "hypervisor-compatible", "linux,kvm");
	expect(&lf, "guest", "kvm", NULL);
	lf_release(&lf);

	lf_init(&lf, NR_ARCH_PPC);
	lf_add(&lf, "devicetree", "compatible", compat, sizeof(compat));
	expect(&lf, "guest", "qemu", NULL);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(
	                            nr_facts_get(lf.facts, "devicetree.compatible"), 0)),
	                    "qemu,pseries");
	lf_release(&lf);

	/* QEMU's powernv machine: "ibm,powernv" too, but emulated. */
	lf_init(&lf, NR_ARCH_PPC);
	lf_add(&lf, "devicetree", "compatible", "qemu,powernv\0ibm,powernv\0",
	       sizeof("qemu,powernv\0ibm,powernv\0"));
	expect(&lf, "guest", "qemu", NULL);
	lf_release(&lf);

	lf_init(&lf, NR_ARCH_PPC);
	lf_add_str(&lf, "devicetree", "ibm-partition-name", "LPAR1");
	expect(&lf, "guest", "powervm", NULL);
	lf_release(&lf);
}

/* ---- nothing, or junk ------------------------------------------------------ */

static void test_no_evidence(void **state)
{
	struct level_facts lf;

	(void)state;
	lf_init(&lf, NR_ARCH_UNKNOWN);
	expect(&lf, "unknown", NULL, NULL);
	lf_release(&lf);
}

static void test_junk_everywhere(void **state)
{
	static const char *const targets[][2] = {
		{ "cpu", "cpuinfo" }, { "cpu", "lscpu" }, { "dmesg", "dmesg" }, { "s390", "sysinfo" },
		{ "pci", "devices" }, { "devicetree", "compatible" }, { "devicetree", "model" },
		{ "xen", "sys-hypervisor-type" },
	};
	unsigned char junk[4096];
	uint32_t x = 2463534242u;

	(void)state;
	for (int round = 0; round < 20; round++) {
		struct level_facts lf;

		for (size_t i = 0; i < sizeof(junk); i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			junk[i] = round % 2 ? (unsigned char)"0123456789abcdef\t\n:( )"[x % 23]
			                    : (unsigned char)x;
		}
		lf_init(&lf, (enum nr_arch)(1u << (round % 8)));
		for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++)
			lf_add(&lf, targets[t][0], targets[t][1], (const char *)junk, sizeof(junk));
		nr_facts_derive(lf.facts);
		assert_non_null(fact(&lf, "virt.role"));
		assert_non_null(json_object_to_json_string(lf.facts));
		lf_release(&lf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_machines),
		cmocka_unit_test(test_real_machine_table_complete),
		cmocka_unit_test(test_s390_kvm_in_zvm),
		cmocka_unit_test(test_s390_kvm_in_kvm),
		cmocka_unit_test(test_firecracker_kvm_without_svm),
		cmocka_unit_test(test_kvm_guest_lscpu),
		cmocka_unit_test(test_qemu_tcg_or_unknown),
		cmocka_unit_test(test_dmi_lookalikes),
		cmocka_unit_test(test_xen),
		cmocka_unit_test(test_xen_pv_without_sysfs),
		cmocka_unit_test(test_xen_dom0_before_guest_signs),
		cmocka_unit_test(test_unnamed_hypervisors),
		cmocka_unit_test(test_absent_flag_yields),
		cmocka_unit_test(test_pci_virtio),
		cmocka_unit_test(test_pci_specific_wins),
		cmocka_unit_test(test_ppc_powernv_and_kvm_hv),
		cmocka_unit_test(test_devicetree),
		cmocka_unit_test(test_no_evidence),
		cmocka_unit_test(test_junk_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
