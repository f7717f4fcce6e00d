/* SPDX-License-Identifier: MIT */
/* Register reads: the text form every transport shares (regs_text.c), the
 * local transport's in-process CPUID against the kernel's /dev/cpu/0/cpuid,
 * and the cpuid and vmx-msr parsers and probes on CPUID captured from this
 * machine (a Firecracker guest on KVM) and on written forms: a KVM guest
 * offering Hyper-V's interface, a TCG guest, bare metal, and VMX MSRs of
 * real Intel CPUs as published (tests/fixtures/README.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "level/facts.h"
#include "parse_cpuid.h"
#include "parse_vmx.h"
#include "probe_result.h"
#include "transport/regs_text.h"
#include "transport/transport.h"

static char *local(const char *rel, size_t *len)
{
	char *buf = nr_test_local_file(rel, len);

	assert_non_null(buf);
	return buf;
}

/* ---- the shared text form ------------------------------------------------ */

static void test_regs_text_roundtrip(void **state)
{
	const uint64_t off[3] = { 0x480, 0x481, 0x40000000ull | (1ull << 32) };
	unsigned char data[24] = { 0x12, 0, 0, 0, 0, 0x04, 0xda, 0 }, back[24];
	int errs[3] = { 0, -EIO, 0 }, got[3];
	char text[512];

	(void)state;
	memset(data + 16, 0xab, 8);
	assert_int_equal(nr_regs_text_format(text, sizeof(text), 0, off, 3, 8, data, errs), 0);
	assert_string_equal(text, "device 0\n1152 120000000004da00\n1153 -5\n"
	                          "5368709120 abababababababab\n");
	assert_int_equal(nr_regs_text_parse(text, strlen(text), off, 3, 8, back, got), 0);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], -EIO);
	assert_int_equal(got[2], 0);
	assert_memory_equal(back, data, 8);
	assert_memory_equal(back + 16, data + 16, 8);
	/* a device failure is the whole answer */
	assert_int_equal(nr_regs_text_format(text, sizeof(text), -ENOENT, off, 3, 8, data, errs), 0);
	assert_string_equal(text, "device -2\n");
	assert_int_equal(nr_regs_text_parse(text, strlen(text), off, 3, 8, back, got), -ENOENT);
	/* no room */
	assert_int_equal(nr_regs_text_format(text, 20, 0, off, 3, 8, data, errs), -ENOSPC);
}

static void test_regs_text_hostile(void **state)
{
	static const char junk[] =
		"device 99999\n1152 12\n1153 zz00000000000000\n1154 -0\n1155 -99999\n"
		"99999999999999999999999 00\n1156 0011223344556677 extra\n1157 0011223344556677\n"
		"1157 ffffffffffffffff\n\x01\xff\n";
	const uint64_t off[8] = { 1152, 1153, 1154, 1155, 1156, 1157, 1158, 1159 };
	unsigned char data[64];
	int errs[8];

	(void)state;
	assert_int_equal(nr_regs_text_parse(junk, sizeof(junk) - 1, off, 8, 8, data, errs), -EIO);
	assert_int_equal(errs[0], -EBADMSG);   /* too short */
	assert_int_equal(errs[1], -EBADMSG);   /* not hex */
	assert_int_equal(errs[2], -EIO);       /* errno 0 is no errno */
	assert_int_equal(errs[3], -EIO);       /* out of range */
	assert_int_equal(errs[4], -EBADMSG);   /* trailing junk */
	assert_int_equal(errs[5], 0);          /* the first line for an offset counts */
	assert_int_equal(data[5 * 8], 0x00);
	assert_int_equal(data[5 * 8 + 7], 0x77);
	assert_int_equal(errs[6], -ENODATA);   /* not there */
	assert_int_equal(nr_regs_text_parse("", 0, off, 8, 8, data, errs), 0);
	assert_int_equal(errs[0], -ENODATA);
}

/* ---- the local transport: in-process CPUID --------------------------------- */

static void test_local_cpuid_matches_kernel(void **state)
{
	const uint64_t leaves[2] = { 0, 0x40000000 };
	unsigned char mine[32], kernel[16];
	struct nr_error err = { 0 };
	struct nr_transport *t = nr_transport_local_new(&err);
	int errs[2], fd;
	size_t i;

	(void)state;
	assert_non_null(t);
	assert_non_null(t->ops->read_regs);
	assert_int_equal(t->ops->read_regs(t, "/dev/cpu/0/cpuid", leaves, 2, 16, 0, mine, errs, &err), 0);
	assert_int_equal(errs[0], 0);
	/* an x86 vendor string in leaf 0 */
	assert_true(memcmp(mine + 4, "Genu", 4) == 0 || memcmp(mine + 4, "Auth", 4) == 0 ||
	            memcmp(mine + 4, "Hygo", 4) == 0 || memcmp(mine + 4, "Cent", 4) == 0);
	/* the same answer as the kernel's driver, where it is there to ask */
	fd = open("/dev/cpu/0/cpuid", O_RDONLY);
	if (fd < 0) {
		print_message("/dev/cpu/0/cpuid not readable here: in-process answer not compared\n");
	} else {
		for (i = 0; i < 2; i++) {
			assert_int_equal(pread(fd, kernel, 16, (off_t)leaves[i]), 16);
			assert_memory_equal(kernel, mine + i * 16, 16);
		}
		close(fd);
	}
	/* argument checks */
	assert_int_equal(t->ops->read_regs(t, "/dev/cpu/0/cpuid", leaves, 2, 17, 0, mine, errs, &err),
	                 -EINVAL);
	/* a device that is not there */
	assert_int_equal(t->ops->read_regs(t, "/nonexistent/msr", leaves, 1, 8, 0, mine, errs, &err),
	                 -ENOENT);
	nr_transport_close(t);
}

/* ---- CPUID --------------------------------------------------------------- */

static void decode_file(const char *rel, struct nr_cpuid *c)
{
	struct nr_cpuid_leaf l[16];
	size_t len, n;
	char *buf = local(rel, &len);

	n = nr_cpuid_text_parse(buf, len, l, 16);
	assert_true(n > 0);
	assert_int_equal(nr_cpuid_decode(l, n, c), 0);
	free(buf);
}

static void test_cpuid_captured(void **state)
{
	struct nr_cpuid c;

	(void)state;
	decode_file("cpuid/firecracker-amd-epyc.txt", &c);
	assert_string_equal(c.vendor, "AuthenticAMD");
	assert_int_equal(c.hypervisor_bit, NR_TRI_TRUE);
	assert_int_equal(c.vmx, NR_TRI_FALSE);
	assert_int_equal(c.svm, NR_TRI_FALSE);        /* L0 hides svm from this guest */
	assert_string_equal(c.signature, "KVMKVMKVM");
	assert_string_equal(c.signature2, "");
	assert_string_equal(c.hypervisor, "kvm");
	assert_false(c.has_svm_leaf);
}

static void test_cpuid_written(void **state)
{
	struct nr_cpuid c;

	(void)state;
	decode_file("cpuid/kvm-hyperv-intel.txt", &c);
	assert_string_equal(c.vendor, "GenuineIntel");
	assert_int_equal(c.vmx, NR_TRI_TRUE);
	assert_string_equal(c.signature, "Microsoft Hv");
	assert_string_equal(c.signature2, "KVMKVMKVM");
	assert_string_equal(c.hypervisor, "kvm");     /* the interface behind Hyper-V's */
	decode_file("cpuid/tcg-qemu72-guest.txt", &c);
	assert_string_equal(c.hypervisor, "tcg");
	assert_int_equal(c.svm, NR_TRI_TRUE);
	assert_true(c.has_svm_leaf);
	assert_true(c.svm_features[NR_SVM_NPT] == false);
	decode_file("cpuid/bare-metal-intel.txt", &c);
	assert_int_equal(c.hypervisor_bit, NR_TRI_FALSE);
	assert_string_equal(c.signature, "");         /* junk there is not read */
	assert_string_equal(c.hypervisor, "");
	assert_int_equal(c.vmx, NR_TRI_TRUE);
}

static void test_cpuid_hostile(void **state)
{
	static const char text[] = "0x40000000 0x0: 0x1 0x2 0x3\n0x0 0x0: 0x1 0x2 0x3 0x4 0x5\n"
	                           "0xzz 0x0: 0x1 0x2 0x3 0x4\n0x123456789 0x0: 0x1 0x2 0x3 0x4\n";
	struct nr_cpuid_leaf l[4] = { { 0 } };
	struct nr_cpuid c;
	/* unprintable signature bytes are no signature */
	struct nr_cpuid_leaf odd[2] = { { 0, 0, 1, 0x756e6547, 0x6c65746e, 0x49656e69 },
		                        { 0x40000000, 0, 0x40000001, 0x01020304, 0x41414141, 0x41414141 } };

	(void)state;
	assert_int_equal(nr_cpuid_text_parse(text, sizeof(text) - 1, l, 4), 0);
	assert_int_equal(nr_cpuid_decode(l, 0, &c), -EINVAL);
	assert_int_equal(c.hypervisor_bit, NR_TRI_UNKNOWN);
	assert_int_equal(nr_cpuid_decode(odd, 2, &c), 0);
	assert_int_equal(c.hypervisor_bit, NR_TRI_UNKNOWN);   /* leaf 1 not read */
	assert_string_equal(c.signature, "");
}

/* ---- VMX MSRs -------------------------------------------------------------- */

static void vmx_file(const char *rel, struct nr_vmx *v, size_t want)
{
	size_t len;
	char *buf = local(rel, &len);

	assert_int_equal(nr_vmx_text_parse(buf, len, v), want);
	free(buf);
}

static void test_vmx_haswell(void **state)
{
	struct nr_vmx v;

	(void)state;
	vmx_file("vmx/haswell-fedora-testbed.txt", &v, 14);
	/* rdmsr 0x48B = 7cff00000000 and 0x485 = 300481e5 in shared/reference/004 */
	assert_int_equal(v.features[NR_VMX_SHADOW_VMCS], NR_TRI_TRUE);
	assert_int_equal(v.features[NR_VMX_EPT], NR_TRI_TRUE);
	assert_int_equal(v.features[NR_VMX_VPID], NR_TRI_TRUE);
	assert_int_equal(v.features[NR_VMX_UNRESTRICTED_GUEST], NR_TRI_TRUE);
	assert_int_equal(v.features[NR_VMX_VMFUNC], NR_TRI_TRUE);
	assert_int_equal(v.features[NR_VMX_EPTP_SWITCHING], NR_TRI_TRUE);
	/* Haswell has no APICv (the test bed's enable_apicv is N) */
	assert_int_equal(v.features[NR_VMX_APIC_REGISTER_VIRT], NR_TRI_FALSE);
	assert_int_equal(v.features[NR_VMX_VIRTUAL_INTR_DELIVERY], NR_TRI_FALSE);
	assert_int_equal(v.features[NR_VMX_POSTED_INTERRUPTS], NR_TRI_FALSE);
	assert_int_equal(v.features[NR_VMX_PML], NR_TRI_FALSE);
	assert_int_equal(v.features[NR_VMX_EPT_AD], NR_TRI_TRUE);      /* new in Haswell */
	assert_int_equal(v.features[NR_VMX_EPT_1G_PAGES], NR_TRI_TRUE);
	assert_int_equal(v.features[NR_VMX_EPT_5LEVEL], NR_TRI_FALSE);
	assert_int_equal(v.features[NR_VMX_VMWRITE_ANY_FIELD], NR_TRI_TRUE);
	assert_int_equal(v.features[NR_VMX_TRUE_CONTROLS], NR_TRI_TRUE);
	assert_string_equal(nr_vmx_feature_control(&v), "enabled");
}

static void test_vmx_no_shadow(void **state)
{
	struct nr_vmx v;

	(void)state;
	vmx_file("vmx/ivybridge-no-shadow.txt", &v, 6);     /* VMFUNC unreadable */
	assert_int_equal(v.features[NR_VMX_EPT], NR_TRI_TRUE);
	assert_int_equal(v.features[NR_VMX_UNRESTRICTED_GUEST], NR_TRI_TRUE);
	/* the control is not allowed: no shadow VMCS, whatever MISC says */
	assert_int_equal(v.features[NR_VMX_SHADOW_VMCS], NR_TRI_FALSE);
	assert_int_equal(v.features[NR_VMX_VMFUNC], NR_TRI_FALSE);
	assert_int_equal(v.features[NR_VMX_EPTP_SWITCHING], NR_TRI_FALSE);
	assert_int_equal(v.features[NR_VMX_VMWRITE_ANY_FIELD], NR_TRI_UNKNOWN);  /* MISC not read */
	assert_int_equal(v.features[NR_VMX_EPT_AD], NR_TRI_UNKNOWN);             /* nor the EPT caps */
	assert_int_equal(v.features[NR_VMX_TRUE_CONTROLS], NR_TRI_TRUE);
	vmx_file("vmx/bios-disabled.txt", &v, 2);
	assert_string_equal(nr_vmx_feature_control(&v), "disabled");
	/* no secondary controls read: unknown, not "absent" */
	assert_int_equal(v.features[NR_VMX_EPT], NR_TRI_UNKNOWN);
	assert_int_equal(v.features[NR_VMX_SHADOW_VMCS], NR_TRI_UNKNOWN);
}

/* QEMU's TCG answers every unknown MSR with 0, as the msr driver of a TCG
 * guest reads them (captured in the e2e guest): no VMX, not VMX without
 * features. */
static void test_vmx_tcg_zeros(void **state)
{
	json_object *facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	struct nr_probe_result r;
	struct nr_vmx v;
	size_t len;
	char *buf = local("vmx/tcg-qemu72-guest.txt", &len);

	(void)state;
	assert_int_equal(nr_vmx_text_parse(buf, len, &v), 19);
	assert_false(nr_vmx_basic_valid(&v));
	nr_test_result_init(&r, "vmx-msr");
	nr_test_result_add(&r, "msr", buf, len);
	nr_test_result_parse(&r, facts);
	assert_null(nr_facts_get(facts, "vmx.features"));
	assert_string_equal(nr_facts_str(facts, "vmx.feature_control"), "unlocked");
	nr_test_result_release(&r);
	json_object_put(facts);
	free(buf);
}

static void test_vmx_hostile(void **state)
{
	static const char text[] = "0x480 IA32_VMX_BASIC = 0x1 extra\n0x482 X = 0x12345678901234567\n"
	                           "0x999 X = 0x1\n0x48b X 0x1\nnot a line\n0x48b X = 0x0000400000000000\n";
	struct nr_vmx v;

	(void)state;
	assert_int_equal(nr_vmx_text_parse(text, sizeof(text) - 1, &v), 1);
	/* 0x48B alone: the primary controls (0x482) were not read */
	assert_int_equal(v.features[NR_VMX_SHADOW_VMCS], NR_TRI_UNKNOWN);
	assert_null(nr_vmx_feature_control(&v));
	assert_int_equal(nr_vmx_text_parse("", 0, &v), 0);
}

/* ---- cpuinfo's "vmx flags" ------------------------------------------------------ */

/* A Haswell i5-4210U (Linux 5.16): VMX with EPT and unrestricted guest,
 * but no APICv: neither the synthetic "apicv" nor its three parts. */
static void test_vmx_flags_haswell(void **state)
{
	struct nr_vmx_flags f;
	size_t len;
	char *buf = local("vmx/cpuinfo-haswell-i5-4210U.txt", &len);

	(void)state;
	assert_true(nr_vmx_flags_parse(buf, len, &f));
	assert_int_equal(f.n, 15);
	assert_string_equal(f.word[0], "vnmi");
	assert_true(nr_vmx_flags_has(&f, "unrestricted_guest"));
	assert_true(nr_vmx_flags_has(&f, "ept"));
	assert_false(nr_vmx_flags_has(&f, "apicv"));
	assert_false(nr_vmx_flags_has(&f, "vapic_reg"));
	assert_false(nr_vmx_flags_has(&f, "posted_intr"));
	/* "flags" itself names vmx and ept too: only the vmx flags line counts. */
	assert_false(nr_vmx_flags_has(&f, "vmx"));
	free(buf);
}

/* util-linux's dumps: an i7-1165G7 on Linux 6.2 lists apicv; a Westmere
 * laptop's older kernel prints no vmx flags line at all (unknown). */
static void test_vmx_flags_real(void **state)
{
	struct nr_vmx_flags f;
	size_t len;
	char *buf;

	(void)state;
	NR_TEST_NEED_SHARED();
	buf = nr_test_fixture_read("x86_64-64cpu-linux6.2", "proc/cpuinfo", &len);
	assert_non_null(buf);
	assert_true(nr_vmx_flags_parse(buf, len, &f));
	assert_true(nr_vmx_flags_has(&f, "apicv"));
	assert_true(nr_vmx_flags_has(&f, "vapic_reg") && nr_vmx_flags_has(&f, "vid") &&
	            nr_vmx_flags_has(&f, "posted_intr"));
	free(buf);
	buf = nr_test_fixture_read("x86_64-dell_e4310", "proc/cpuinfo", &len);
	assert_non_null(buf);
	assert_false(nr_vmx_flags_parse(buf, len, &f));
	assert_int_equal(f.n, 0);
	free(buf);
}

static void test_vmx_flags_hostile(void **state)
{
	static const char text[] = "flags : vmx\nvmx flags:\tept  APICV a-b \xff " /* junk skipped */
	                           "vid_0123456789_0123456789_0123456789 posted_intr\n"
	                           "vmx flags : apicv\n";
	struct nr_vmx_flags f;
	char many[64 * 4 + 16] = "vmx flags:";
	size_t i;

	(void)state;
	assert_true(nr_vmx_flags_parse(text, sizeof(text) - 1, &f));
	assert_int_equal(f.n, 2);
	assert_string_equal(f.word[0], "ept");
	assert_string_equal(f.word[1], "posted_intr");
	assert_false(nr_vmx_flags_has(&f, "apicv"));   /* the first line wins */
	assert_false(nr_vmx_flags_parse("vmx flag: ept\n", 14, &f));
	for (i = 0; i < 70; i++)
		strcat(many, " ab");
	assert_true(nr_vmx_flags_parse(many, strlen(many), &f));
	assert_int_equal(f.n, NR_VMX_FLAGS_MAX);
}

/* ---- the probes' parse() ------------------------------------------------------ */

static void test_probe_cpuid_facts(void **state)
{
	json_object *facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	struct nr_probe_result r;
	size_t len;
	char *buf = local("cpuid/kvm-hyperv-intel.txt", &len);

	(void)state;
	nr_test_result_init(&r, "cpuid");
	nr_test_result_add(&r, "cpuid", buf, len);
	nr_test_result_parse(&r, facts);
	assert_string_equal(nr_facts_str(facts, "cpuid.hypervisor"), "kvm");
	assert_string_equal(nr_facts_str(facts, "cpuid.signature"), "Microsoft Hv");
	assert_int_equal(nr_facts_bool(facts, "cpuid.vmx"), 1);
	assert_null(nr_facts_get(facts, "cpuid.svm_features"));
	assert_true(json_object_object_get_ex(nr_facts_get(facts, "evidence"), "cpuid.hypervisor", NULL));
	nr_test_result_release(&r);
	json_object_put(facts);
	free(buf);
}

static void test_probe_vmx_facts(void **state)
{
	json_object *facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	struct nr_probe_result r;
	size_t len;
	char *buf = local("vmx/haswell-fedora-testbed.txt", &len);

	(void)state;
	nr_test_result_init(&r, "vmx-msr");
	nr_test_result_add(&r, "msr", buf, len);
	nr_test_result_parse(&r, facts);
	assert_int_equal(nr_facts_bool(facts, "vmx.features.shadow_vmcs"), 1);
	assert_int_equal(nr_facts_bool(facts, "vmx.features.apic_register_virtualization"), 0);
	assert_string_equal(nr_facts_str(facts, "vmx.msrs.IA32_VMX_PROCBASED_CTLS2"),
	                    "0x00007cff00000000");
	assert_string_equal(nr_facts_str(facts, "vmx.feature_control"), "enabled");
	nr_test_result_release(&r);
	json_object_put(facts);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regs_text_roundtrip),
		cmocka_unit_test(test_regs_text_hostile),
		cmocka_unit_test(test_local_cpuid_matches_kernel),
		cmocka_unit_test(test_cpuid_captured),
		cmocka_unit_test(test_cpuid_written),
		cmocka_unit_test(test_cpuid_hostile),
		cmocka_unit_test(test_vmx_haswell),
		cmocka_unit_test(test_vmx_no_shadow),
		cmocka_unit_test(test_vmx_tcg_zeros),
		cmocka_unit_test(test_vmx_hostile),
		cmocka_unit_test(test_vmx_flags_haswell),
		cmocka_unit_test(test_vmx_flags_real),
		cmocka_unit_test(test_vmx_flags_hostile),
		cmocka_unit_test(test_probe_cpuid_facts),
		cmocka_unit_test(test_probe_vmx_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
