/* SPDX-License-Identifier: MIT */
/* nr_qemu_argv_parse on captured /proc/PID/cmdline files, the Fedora
 * nested-VMX test bed's L1/L2 command lines, a libvirt 9 argv, and on
 * hand-written argv for each option form and each kind of bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "parse.h"

#define ARGV(...) ((const char *const[]){ __VA_ARGS__ })
#define ARGC(...) (sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))
#define PARSE(g, ...) nr_qemu_argv_parse(ARGV(__VA_ARGS__), ARGC(__VA_ARGS__), (g))

static void assert_accel(const struct nr_qemu_guest *g, int n, enum nr_accel a0, enum nr_accel a1)
{
	assert_int_equal(g->accel_count, n);
	assert_int_equal(g->accel[0], a0);
	if (n > 1)
		assert_int_equal(g->accel[1], a1);
}

/* Parse a tests/fixtures/qemu file: .cmdline is NUL-separated, .args is
 * one argument per line. */
static void parse_fixture(const char *name, struct nr_qemu_guest *g)
{
	char path[128];
	size_t len = 0, argc = 0;
	char *buf, **argv;

	snprintf(path, sizeof(path), "qemu/%s", name);
	buf = nr_test_local_file(path, &len);
	assert_non_null(buf);
	argv = strstr(name, ".cmdline") ? nr_test_argv_from_cmdline(buf, len, &argc)
	                                : nr_test_argv_from_lines(buf, len, &argc);
	assert_non_null(argv);
	assert_int_equal(nr_qemu_argv_parse((const char *const *)argv, argc, g), 0);
	free(argv);
	free(buf);
}

/* ---- captured from QEMU 7.2 processes on this machine ------------------ */

static void test_captured_q35_skylake(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	parse_fixture("q35_kvm_tcg_skylake.cmdline", &g);
	assert_string_equal(g.binary, "qemu-system-x86_64");
	assert_accel(&g, 2, NR_ACCEL_KVM, NR_ACCEL_TCG);
	assert_false(g.accel_defaulted);
	assert_string_equal(g.machine, "q35");
	assert_string_equal(g.cpu_model, "Skylake-Server");
	assert_int_equal(g.virt_ext_exposed, NR_TRI_TRUE);
	assert_int_equal(g.vmx_exposed, NR_TRI_TRUE);
	assert_int_equal(g.svm_exposed, NR_TRI_FALSE);
	assert_string_equal(g.name, "l1");
	assert_int_equal(g.hostfwd_count, 1);
	assert_int_equal(g.hostfwd[0].host_port, 2222);
	assert_int_equal(g.hostfwd[0].guest_port, 22);
	assert_int_equal(g.cap_nested_hv, NR_TRI_UNKNOWN);
}

static void test_captured_epyc_two_accels(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	parse_fixture("accel_kvm_tcg_epyc.cmdline", &g);
	assert_accel(&g, 2, NR_ACCEL_KVM, NR_ACCEL_TCG);
	assert_string_equal(g.cpu_model, "EPYC");
	assert_int_equal(g.virt_ext_exposed, NR_TRI_TRUE);
	assert_int_equal(g.svm_exposed, NR_TRI_TRUE);
	assert_int_equal(g.vmx_exposed, NR_TRI_FALSE);
	assert_string_equal(g.name, "l1-amd");
	assert_string_equal(g.machine, "");
	assert_int_equal(g.hostfwd_count, 2);
	assert_int_equal(g.hostfwd[0].host_port, 10022);
	assert_int_equal(g.hostfwd[0].guest_port, 22);
	assert_int_equal(g.hostfwd[1].host_port, 5353);
	assert_int_equal(g.hostfwd[1].guest_port, 53);
}

/* qemu64 has svm in its definition: whether the guest sees it depends on
 * the host (AMD or TCG: yes; Intel under KVM: masked).  This one runs
 * under TCG (QEMU's default), which emulates svm: exposed (issue 21). */
static void test_captured_default_qemu64(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	parse_fixture("default_qemu64.cmdline", &g);
	assert_accel(&g, 1, NR_ACCEL_TCG, 0);
	assert_true(g.accel_defaulted);
	assert_string_equal(g.cpu_model, "qemu64");
	assert_int_equal(g.vmx_exposed, NR_TRI_FALSE);
	assert_int_equal(g.svm_exposed, NR_TRI_TRUE);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_TRUE);
	assert_string_equal(g.name, "plain");
	assert_int_equal(g.hostfwd_count, 0);
}

/* ---- the Fedora test bed (reference 004) and libvirt ------------------- */

/* "-machine accel=kvm" without a type, then "-machine pc-i440fx-1.4,...". */
static void test_fedora_l1(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	parse_fixture("fedora19-nvmx-l1.args", &g);
	assert_accel(&g, 1, NR_ACCEL_KVM, 0);
	assert_false(g.accel_defaulted);
	assert_string_equal(g.machine, "pc-i440fx-1.4");
	assert_string_equal(g.cpu_model, "Haswell");
	assert_int_equal(g.virt_ext_exposed, NR_TRI_TRUE);
	assert_string_equal(g.name, "regular-guest");
	assert_int_equal(g.hostfwd_count, 0);
}

/* No -cpu at all: the default model cannot be judged from argv. */
static void test_fedora_l2(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	parse_fixture("fedora19-nvmx-l2.args", &g);
	assert_accel(&g, 1, NR_ACCEL_KVM, 0);
	assert_string_equal(g.cpu_model, "");
	assert_int_equal(g.virt_ext_exposed, NR_TRI_UNKNOWN);
	assert_string_equal(g.name, "nested-guest");
}

static void test_libvirt9_host_passthrough(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	parse_fixture("libvirt9-l1-host-passthrough.args", &g);
	assert_accel(&g, 1, NR_ACCEL_KVM, 0);
	assert_string_equal(g.machine, "pc-q35-7.2");
	assert_string_equal(g.cpu_model, "host");
	assert_int_equal(g.virt_ext_exposed, NR_TRI_TRUE);
	assert_string_equal(g.name, "l1");
	assert_int_equal(g.hostfwd_count, 0); /* a JSON tap netdev */
}

/* ---- accelerators ------------------------------------------------------- */

static void test_accel_forms(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-accel", "kvm"), 0);
	assert_accel(&g, 1, NR_ACCEL_KVM, 0);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-accel", "kvm", "-accel", "tcg"), 0);
	assert_accel(&g, 2, NR_ACCEL_KVM, NR_ACCEL_TCG);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-machine", "q35,accel=kvm:tcg"), 0);
	assert_accel(&g, 2, NR_ACCEL_KVM, NR_ACCEL_TCG);
	assert_string_equal(g.machine, "q35");
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-enable-kvm"), 0);
	assert_accel(&g, 1, NR_ACCEL_KVM, 0);
	assert_false(g.accel_defaulted);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "--accel", "tcg,thread=multi"), 0);
	assert_accel(&g, 1, NR_ACCEL_TCG, 0);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-accel", "accel=kvm"), 0);
	assert_accel(&g, 1, NR_ACCEL_KVM, 0);
	assert_int_equal(PARSE(&g, "qemu-system-aarch64", "-accel", "hvf"), 0);
	assert_accel(&g, 1, NR_ACCEL_OTHER, 0);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-M", "xenfv,accel=xen"), 0);
	assert_accel(&g, 1, NR_ACCEL_OTHER, 0);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-no-kvm"), 0);
	assert_accel(&g, 1, NR_ACCEL_TCG, 0);
}

static void test_accel_defaults(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-m", "512"), 0);
	assert_accel(&g, 1, NR_ACCEL_TCG, 0);
	assert_true(g.accel_defaulted);
	assert_int_equal(PARSE(&g, "/usr/libexec/qemu-kvm", "-m", "512"), 0);
	assert_string_equal(g.binary, "qemu-kvm");
	assert_accel(&g, 1, NR_ACCEL_KVM, 0);
	assert_true(g.accel_defaulted);
	assert_int_equal(PARSE(&g, "/usr/bin/qemu-system-x86_64"), 0);
	assert_accel(&g, 1, NR_ACCEL_TCG, 0);
}

/* -accel beats -machine accel=; the last -machine accel= counts;
 * duplicates go; at most NR_QEMU_MAX_ACCEL are kept. */
static void test_accel_precedence(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-machine", "accel=tcg", "-accel", "kvm"), 0);
	assert_accel(&g, 1, NR_ACCEL_KVM, 0);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-machine", "accel=tcg", "-machine",
	                       "pc,accel=kvm"), 0);
	assert_accel(&g, 1, NR_ACCEL_KVM, 0);
	assert_string_equal(g.machine, "pc");
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-enable-kvm", "-accel", "kvm"), 0);
	assert_accel(&g, 1, NR_ACCEL_KVM, 0);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-machine", "accel=kvm:tcg:xen:hvf:whpx:nvmm"), 0);
	assert_int_equal(g.accel_count, 3); /* kvm, tcg, other (deduplicated) */
	assert_int_equal(g.accel[2], NR_ACCEL_OTHER);
}

/* ---- CPU models and flags ------------------------------------------------ */

struct cpu_case {
	const char *cpu;
	enum nr_tri virt, vmx, svm;
};

static void test_cpu_forms(void **state)
{
	static const struct cpu_case cases[] = {
		{ "host", NR_TRI_TRUE, NR_TRI_TRUE, NR_TRI_TRUE },
		{ "max", NR_TRI_TRUE, NR_TRI_TRUE, NR_TRI_TRUE },
		{ "Skylake-Server,vmx=on", NR_TRI_TRUE, NR_TRI_TRUE, NR_TRI_FALSE },
		{ "Haswell-noTSX-IBRS,vmx=on", NR_TRI_TRUE, NR_TRI_TRUE, NR_TRI_FALSE },
		{ "host,-vmx", NR_TRI_FALSE, NR_TRI_FALSE, NR_TRI_TRUE },
		{ "host,vmx=off", NR_TRI_FALSE, NR_TRI_FALSE, NR_TRI_TRUE },
		{ "EPYC,+svm", NR_TRI_TRUE, NR_TRI_FALSE, NR_TRI_TRUE },
		{ "EPYC", NR_TRI_UNKNOWN, NR_TRI_FALSE, NR_TRI_TRUE },
		{ "EPYC-Rome,svm=off", NR_TRI_FALSE, NR_TRI_FALSE, NR_TRI_FALSE },
		{ "qemu64", NR_TRI_UNKNOWN, NR_TRI_FALSE, NR_TRI_TRUE },
		{ "qemu64,-svm", NR_TRI_FALSE, NR_TRI_FALSE, NR_TRI_FALSE },
		{ "kvm64", NR_TRI_FALSE, NR_TRI_FALSE, NR_TRI_FALSE },
		{ "Skylake-Server", NR_TRI_FALSE, NR_TRI_FALSE, NR_TRI_FALSE },
		{ "Skylake-Server,vmx", NR_TRI_TRUE, NR_TRI_TRUE, NR_TRI_FALSE },
		/* QEMU applies "-feat" after "+feat", and both after feat=on. */
		{ "Haswell,+vmx,-vmx", NR_TRI_FALSE, NR_TRI_FALSE, NR_TRI_FALSE },
		{ "Haswell,-vmx,vmx=on", NR_TRI_FALSE, NR_TRI_FALSE, NR_TRI_FALSE },
		{ "Haswell,vmx=off,vmx=on", NR_TRI_TRUE, NR_TRI_TRUE, NR_TRI_FALSE },
		{ "Haswell,vmx=maybe", NR_TRI_FALSE, NR_TRI_FALSE, NR_TRI_FALSE },
		{ "Opteron_G1", NR_TRI_FALSE, NR_TRI_FALSE, NR_TRI_FALSE },
		{ "Opteron_G3", NR_TRI_UNKNOWN, NR_TRI_FALSE, NR_TRI_TRUE },
	};
	struct nr_qemu_guest g;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("  -cpu %s\n", cases[i].cpu);
		assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-accel", "kvm", "-cpu", cases[i].cpu), 0);
		assert_int_equal(g.virt_ext_exposed, cases[i].virt);
		assert_int_equal(g.vmx_exposed, cases[i].vmx);
		assert_int_equal(g.svm_exposed, cases[i].svm);
	}
}

/* A later -cpu replaces an earlier one, flags included. */
static void test_cpu_last_wins(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-cpu", "host,-vmx", "-cpu", "Haswell"), 0);
	assert_string_equal(g.cpu_model, "Haswell");
	assert_int_equal(g.virt_ext_exposed, NR_TRI_FALSE);
	assert_int_equal(g.vmx_exposed, NR_TRI_FALSE);
}

/* Off x86 a named model says nothing; -cpu host passes sie (s390). */
static void test_cpu_other_arches(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	assert_int_equal(PARSE(&g, "qemu-system-s390x", "-machine", "s390-ccw-virtio", "-accel", "kvm",
	                       "-cpu", "host"), 0);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_TRUE);
	assert_int_equal(PARSE(&g, "qemu-system-s390x", "-cpu", "z14"), 0);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_UNKNOWN);
	assert_int_equal(PARSE(&g, "qemu-system-aarch64", "-cpu", "cortex-a57"), 0);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_UNKNOWN);
	assert_int_equal(PARSE(&g, "qemu-kvm", "-machine", "s390-ccw-virtio", "-cpu", "z15"), 0);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_UNKNOWN);
	assert_int_equal(PARSE(&g, "qemu-kvm", "-machine", "pc-q35-rhel9.2.0", "-cpu", "Icelake-Server"), 0);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_FALSE);
}

/* Every x86 model QEMU 7.2 knows, against what QEMU itself reported
 * (query-cpu-model-expansion, captured in tests/fixtures/qemu). */
static void test_cpu_model_table(void **state)
{
	size_t len = 0;
	char *buf = nr_test_local_file("qemu/x86-cpu-models-qemu-7.2.txt", &len);
	char *save = NULL, *line;
	int checked = 0;

	(void)state;
	assert_non_null(buf);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char model[64];
		int vmx, svm;
		struct nr_qemu_guest g;

		if (line[0] == '#' || sscanf(line, "%63s %d %d", model, &vmx, &svm) != 3)
			continue;
		if (strcmp(model, "host") == 0 || strcmp(model, "max") == 0)
			continue; /* their features are the host's, tested above */
		assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-cpu", model), 0);
		if (g.vmx_exposed != (vmx ? NR_TRI_TRUE : NR_TRI_FALSE) ||
		    g.svm_exposed != (svm ? NR_TRI_TRUE : NR_TRI_FALSE))
			fail_msg("model %s: parser vmx=%d svm=%d, QEMU vmx=%d svm=%d", model,
			         g.vmx_exposed, g.svm_exposed, vmx, svm);
		checked++;
	}
	assert_true(checked > 100);
	free(buf);
}

/* QEMU's named models, versions and alias suffixes, and models QEMU added
 * after 7.2; only a name the table does not know is unknown (issue 21). */
static void test_cpu_model_names(void **state)
{
	static const struct { const char *model; enum nr_qemu_vendor vendor; bool svm; } known[] = {
		{ "qemu64", NR_QEMU_VENDOR_AMD, true }, { "qemu64-v1", NR_QEMU_VENDOR_AMD, true },
		{ "kvm64", NR_QEMU_VENDOR_INTEL, false }, { "Skylake-Client-noTSX-IBRS", NR_QEMU_VENDOR_INTEL, false },
		{ "Cascadelake-Server-v5", NR_QEMU_VENDOR_INTEL, false }, { "SapphireRapids-v2", NR_QEMU_VENDOR_INTEL, false },
		{ "GraniteRapids", NR_QEMU_VENDOR_INTEL, false }, { "SierraForest-v1", NR_QEMU_VENDOR_INTEL, false },
		{ "Icelake-Client-noTSX", NR_QEMU_VENDOR_INTEL, false }, { "EPYC-IBPB", NR_QEMU_VENDOR_AMD, true },
		{ "EPYC-Genoa", NR_QEMU_VENDOR_AMD, true }, { "EPYC-Turin-v1", NR_QEMU_VENDOR_AMD, true },
		{ "Opteron_G1", NR_QEMU_VENDOR_AMD, false }, { "Opteron_G5-v1", NR_QEMU_VENDOR_AMD, true },
		{ "Dhyana-v2", NR_QEMU_VENDOR_AMD, true }, { "n270", NR_QEMU_VENDOR_INTEL, false },
	};
	static const char *const unknown[] = { "Foobar", "Skylake", "EPYC-", "-v2", "qemu64-v", "" };
	struct nr_qemu_guest g;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct nr_qemu_model *m = nr_qemu_x86_model(known[i].model);

		if (!m || m->vendor != known[i].vendor || m->svm != known[i].svm || m->vmx)
			fail_msg("model %s: %s", known[i].model, m ? "wrong entry" : "not known");
	}
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		if (nr_qemu_x86_model(unknown[i]))
			fail_msg("model '%s' should not be known", unknown[i]);
	/* Unknown: no guess, either way. */
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-accel", "kvm", "-cpu", "Foobar"), 0);
	assert_int_equal(g.vmx_exposed, NR_TRI_UNKNOWN);
	assert_int_equal(g.svm_exposed, NR_TRI_UNKNOWN);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_UNKNOWN);
	/* ... but its explicit flags still count. */
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-cpu", "Foobar,+vmx"), 0);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_TRUE);
}

/* "virt ext exposed: unknown" for a qemu64 guest under TCG was wrong: TCG
 * emulates svm.  Under KVM the host's vendor settles it. */
static void test_svm_model_exposure(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64"), 0);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_TRUE);
	/* No -cpu: QEMU's default qemu64; no -accel: TCG, QEMU's default. */
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-m", "512"), 0);
	assert_int_equal(g.svm_exposed, NR_TRI_TRUE);
	assert_int_equal(g.vmx_exposed, NR_TRI_FALSE);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_TRUE);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64,svm=off"), 0);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_FALSE);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-accel", "tcg", "-cpu", "Haswell"), 0);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_FALSE);
	/* KVM, or a fallback list: the host decides. */
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-accel", "kvm", "-cpu", "EPYC-Rome"), 0);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_UNKNOWN);
	nr_qemu_guest_settle(&g, -1);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_UNKNOWN);
	nr_qemu_guest_settle(&g, 1);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_TRUE);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-machine", "accel=kvm:tcg", "-cpu", "qemu64"), 0);
	nr_qemu_guest_settle(&g, 0);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_FALSE);
	/* Settling never overrides what argv said. */
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-accel", "kvm", "-cpu", "Haswell,vmx=on"), 0);
	nr_qemu_guest_settle(&g, 1);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_TRUE);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-accel", "kvm", "-cpu", "Haswell"), 0);
	nr_qemu_guest_settle(&g, 1);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_FALSE);
}

/* ---- machine, name, port forwards --------------------------------------- */

static void test_cap_nested_hv(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	assert_int_equal(PARSE(&g, "qemu-system-ppc64", "-machine", "pseries,cap-nested-hv=on"), 0);
	assert_string_equal(g.machine, "pseries");
	assert_int_equal(g.cap_nested_hv, NR_TRI_TRUE);
	assert_int_equal(PARSE(&g, "qemu-system-ppc64", "-M", "pseries-4.1,cap-nested-hv=true"), 0);
	assert_string_equal(g.machine, "pseries-4.1");
	assert_int_equal(g.cap_nested_hv, NR_TRI_TRUE);
	assert_int_equal(PARSE(&g, "qemu-system-ppc64", "-machine", "type=pseries,cap-nested-hv=off"), 0);
	assert_string_equal(g.machine, "pseries");
	assert_int_equal(g.cap_nested_hv, NR_TRI_FALSE);
	assert_int_equal(PARSE(&g, "qemu-system-ppc64", "-machine", "pseries"), 0);
	assert_int_equal(g.cap_nested_hv, NR_TRI_UNKNOWN);
	assert_int_equal(PARSE(&g, "qemu-system-ppc64", "-machine", "help"), 0);
	assert_string_equal(g.machine, "");
}

static void test_name_forms(void **state)
{
	struct nr_qemu_guest g;
	char big[400];

	(void)state;
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-name", "guest=l1,debug-threads=on"), 0);
	assert_string_equal(g.name, "l1");
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-name", "l2,process=qemu-l2"), 0);
	assert_string_equal(g.name, "l2");
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-name", "debug-threads=on,guest=a,,b"), 0);
	assert_string_equal(g.name, "a,b");
	memset(big, 'n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-name", big), 0);
	assert_int_equal(strlen(g.name), sizeof(g.name) - 1);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64"), 0);
	assert_string_equal(g.name, "");
}

static void test_hostfwd_forms(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-netdev",
	                       "user,id=n0,hostfwd=tcp:127.0.0.1:2222-:22"), 0);
	assert_int_equal(g.hostfwd_count, 1);
	assert_int_equal(g.hostfwd[0].host_port, 2222);
	assert_int_equal(g.hostfwd[0].guest_port, 22);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-nic", "user,hostfwd=::8080-10.0.2.15:80",
	                       "-net", "user,hostfwd=udp:[::1]:5353-:53"), 0);
	assert_int_equal(g.hostfwd_count, 2);
	assert_int_equal(g.hostfwd[0].host_port, 8080);
	assert_int_equal(g.hostfwd[0].guest_port, 80);
	assert_int_equal(g.hostfwd[1].host_port, 5353);
	/* Not user networking, bad ports, no dash: nothing. */
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-netdev", "tap,id=t0,hostfwd=tcp::1-:2",
	                       "-netdev", "user,hostfwd=tcp::70000-:22,hostfwd=tcp::abc-:22",
	                       "-netdev", "user,hostfwd=tcp::22", "-netdev", "user,hostfwd=-",
	                       "-netdev", "user,hostfwd="), 0);
	assert_int_equal(g.hostfwd_count, 0);
	/* Port 0 on either side (found by fuzz_qemu_argv): no port to match. */
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-netdev", "user,hostfwd=tcp:0:0-21:222",
	                       "-netdev", "user,hostfwd=tcp::2222-:0"), 0);
	assert_int_equal(g.hostfwd_count, 0);
}

static void test_hostfwd_cap(void **state)
{
	char opt[1024];
	size_t n;
	struct nr_qemu_guest g;

	(void)state;
	n = (size_t)snprintf(opt, sizeof(opt), "user,id=n0");
	for (int i = 0; i < 12; i++)
		n += (size_t)snprintf(opt + n, sizeof(opt) - n, ",hostfwd=tcp::%d-:%d", 1000 + i, 22 + i);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-netdev", opt), 0);
	assert_int_equal(g.hostfwd_count, NR_QEMU_MAX_FWD);
	assert_int_equal(g.hostfwd[NR_QEMU_MAX_FWD - 1].host_port, 1000 + NR_QEMU_MAX_FWD - 1);
}

/* ---- binaries, names, bad input ----------------------------------------- */

static void test_is_binary(void **state)
{
	(void)state;
	assert_true(nr_qemu_is_binary("qemu-system-x86_64"));
	assert_true(nr_qemu_is_binary("/usr/bin/qemu-system-aarch64"));
	assert_true(nr_qemu_is_binary("/usr/libexec/qemu-kvm"));
	assert_true(nr_qemu_is_binary("qemu-kvm"));
	assert_true(nr_qemu_is_binary("qemu-system"));
	assert_true(nr_qemu_is_binary("/usr/bin/qemu-system-ppc64.bin"));
	assert_false(nr_qemu_is_binary("qemu-system-"));
	assert_false(nr_qemu_is_binary("qemu-img"));
	assert_false(nr_qemu_is_binary("qemu-x86_64"));
	assert_false(nr_qemu_is_binary("/usr/bin/qemu-system/"));
	assert_false(nr_qemu_is_binary("bash"));
	assert_false(nr_qemu_is_binary(""));
	assert_false(nr_qemu_is_binary(NULL));
}

static void test_accel_name(void **state)
{
	(void)state;
	assert_string_equal(nr_accel_name(NR_ACCEL_KVM), "kvm");
	assert_string_equal(nr_accel_name(NR_ACCEL_TCG), "tcg");
	assert_string_equal(nr_accel_name(NR_ACCEL_OTHER), "other");
	assert_string_equal(nr_accel_name(NR_ACCEL_UNKNOWN), "unknown");
	assert_string_equal(nr_accel_name((enum nr_accel)42), "unknown");
}

static void test_not_qemu(void **state)
{
	struct nr_qemu_guest g;
	const char *const none[] = { NULL };

	(void)state;
	assert_int_equal(PARSE(&g, "/bin/bash", "-c", "qemu-system-x86_64 -accel kvm"), -EINVAL);
	assert_int_equal(g.accel_count, 0);
	assert_int_equal(g.virt_ext_exposed, NR_TRI_UNKNOWN);
	assert_int_equal(nr_qemu_argv_parse(NULL, 3, &g), -EINVAL);
	assert_int_equal(nr_qemu_argv_parse(none, 0, &g), -EINVAL);
	assert_int_equal(nr_qemu_argv_parse(none, 1, &g), -EINVAL);
}

/* An option at the end with its value missing, NULL and empty elements,
 * a value that looks like an option, empty option values. */
static void test_ragged_argv(void **state)
{
	struct nr_qemu_guest g;

	(void)state;
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-accel", "kvm", "-cpu"), 0);
	assert_string_equal(g.cpu_model, "");
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", NULL, "", "-", "--", "-cpu", NULL), 0);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-append", "-cpu host", "-kernel", "-enable-kvm"), 0);
	assert_string_equal(g.cpu_model, "");
	assert_true(g.accel_defaulted);
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-cpu", "", "-machine", "", "-name", "",
	                       "-accel", "", "-netdev", "", "-machine", ",,,accel=,"), 0);
	assert_true(g.accel_defaulted); /* "accel=" empty: none given */
	assert_int_equal(PARSE(&g, "qemu-system-x86_64", "-cpu", ",,,vmx", "-name", ",,"), 0);
	assert_string_equal(g.name, ","); /* ",," is QEMU's escaped comma */
}

/* Random bytes in every argument: no crash, bounded, printable fields. */
static void test_junk_argv(void **state)
{
	static const char *const opts[] = { "-accel", "-machine", "-cpu", "-name", "-netdev",
	                                   "-nic", "-M", "-enable-kvm", "-append" };
	char pool[16][300];
	const char *argv[33];
	uint32_t x = 362436069u;
	struct nr_qemu_guest g;

	(void)state;
	for (int round = 0; round < 300; round++) {
		argv[0] = "qemu-system-x86_64";
		for (int i = 0; i < 16; i++) {
			size_t len = 0;

			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			len = x % (sizeof(pool[i]) - 1);
			for (size_t j = 0; j < len; j++) {
				x ^= x << 13, x ^= x >> 17, x ^= x << 5;
				pool[i][j] = x % 3 == 0 ? ",=:-+"[(x >> 8) % 5] : (char)((x & 0xff) | 1);
			}
			pool[i][len] = '\0';
			argv[1 + 2 * i] = opts[x % (sizeof(opts) / sizeof(opts[0]))];
			argv[2 + 2 * i] = pool[i];
		}
		assert_int_equal(nr_qemu_argv_parse(argv, 33, &g), 0);
		assert_true(g.accel_count >= 1 && g.accel_count <= NR_QEMU_MAX_ACCEL);
		assert_true(g.hostfwd_count >= 0 && g.hostfwd_count <= NR_QEMU_MAX_FWD);
		assert_true(strlen(g.name) < sizeof(g.name));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured_q35_skylake),
		cmocka_unit_test(test_captured_epyc_two_accels),
		cmocka_unit_test(test_captured_default_qemu64),
		cmocka_unit_test(test_fedora_l1),
		cmocka_unit_test(test_fedora_l2),
		cmocka_unit_test(test_libvirt9_host_passthrough),
		cmocka_unit_test(test_accel_forms),
		cmocka_unit_test(test_accel_defaults),
		cmocka_unit_test(test_accel_precedence),
		cmocka_unit_test(test_cpu_forms),
		cmocka_unit_test(test_cpu_last_wins),
		cmocka_unit_test(test_cpu_other_arches),
		cmocka_unit_test(test_cpu_model_table),
		cmocka_unit_test(test_cpu_model_names),
		cmocka_unit_test(test_svm_model_exposure),
		cmocka_unit_test(test_cap_nested_hv),
		cmocka_unit_test(test_name_forms),
		cmocka_unit_test(test_hostfwd_forms),
		cmocka_unit_test(test_hostfwd_cap),
		cmocka_unit_test(test_is_binary),
		cmocka_unit_test(test_accel_name),
		cmocka_unit_test(test_not_qemu),
		cmocka_unit_test(test_ragged_argv),
		cmocka_unit_test(test_junk_argv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
