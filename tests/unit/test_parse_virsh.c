/* SPDX-License-Identifier: MIT */
/* The libvirt probe's new parsers and facts, on the output of a real
 * libvirt 9.0 (Debian 12) on this machine: domcapabilities for KVM (its
 * host-model EPYC-Rome with svm disabled, since L0 hides it) and for TCG,
 * QMP query-kvm of a running TCG domain, the XML and logs of a domain of
 * type 'kvm' that could not open /dev/kvm and of one that was queried,
 * virt-host-validate, and QEMU's own "falling back to tcg". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "level/facts.h"
#include "parse_virsh.h"
#include "probe_result.h"

static char *local(const char *rel, size_t *len)
{
	char *buf = nr_test_local_file(rel, len);

	assert_non_null(buf);
	return buf;
}

static void test_domcaps_real(void **state)
{
	struct nr_host_model hm;
	size_t len;
	char *buf = local("libvirt/domcapabilities-kvm-amd-nosvm.xml", &len);

	(void)state;
	assert_int_equal(nr_domcaps_host_model(buf, len, &hm), 0);
	assert_string_equal(hm.domain, "kvm");
	assert_int_equal(hm.supported, NR_TRI_TRUE);
	assert_string_equal(hm.model, "EPYC-Rome");
	assert_string_equal(hm.vendor, "AMD");
	assert_int_equal(hm.svm, NR_TRI_FALSE);     /* <feature policy='disable' name='svm'/> */
	assert_int_equal(hm.vmx, NR_TRI_FALSE);
	free(buf);
	buf = local("libvirt/domcapabilities-qemu-tcg.xml", &len);
	assert_int_equal(nr_domcaps_host_model(buf, len, &hm), 0);
	assert_string_equal(hm.domain, "qemu");
	assert_string_equal(hm.model, "EPYC");
	assert_int_equal(hm.svm, NR_TRI_TRUE);      /* not named: EPYC's definition has it */
	free(buf);
}

static void test_domcaps_forms(void **state)
{
	static const char intel[] =
		"<domainCapabilities><domain>kvm</domain><cpu>"
		"<mode name=\"host-model\" supported=\"yes\"><model fallback=\"forbid\">Skylake-Client-IBRS</model>"
		"<vendor>Intel</vendor><feature policy=\"require\" name=\"vmx\"/></mode></cpu>"
		"</domainCapabilities>";
	static const char no[] = "<domainCapabilities><cpu><mode name='host-model' supported='no'/>"
	                         "</cpu></domainCapabilities>";
	struct nr_host_model hm;

	(void)state;
	assert_int_equal(nr_domcaps_host_model(intel, sizeof(intel) - 1, &hm), 0);
	assert_int_equal(hm.vmx, NR_TRI_TRUE);
	assert_int_equal(hm.svm, NR_TRI_FALSE);     /* no Intel model has svm */
	assert_int_equal(nr_domcaps_host_model(no, sizeof(no) - 1, &hm), 0);
	assert_int_equal(hm.supported, NR_TRI_FALSE);
	assert_int_equal(hm.vmx, NR_TRI_UNKNOWN);
	/* virsh's error text, or a truncated document */
	assert_int_equal(nr_domcaps_host_model("error: failed to get emulator capabilities\n", 43, &hm),
	                 -22);
	assert_int_equal(nr_domcaps_host_model(intel, 60, &hm), -22);
	assert_int_equal(nr_domcaps_host_model(intel, 110, &hm), 0);   /* cut inside the mode */
	assert_int_equal(hm.vmx, NR_TRI_UNKNOWN);
}

static void test_qmp_real(void **state)
{
	enum nr_tri enabled, present;
	size_t len;
	char *buf = local("libvirt/qmp-qemu.json", &len);

	(void)state;
	assert_int_equal(nr_qmp_query_kvm(buf, len, &enabled, &present), 0);
	assert_int_equal(enabled, NR_TRI_FALSE);
	assert_int_equal(present, NR_TRI_TRUE);
	free(buf);
	assert_int_equal(nr_qmp_query_kvm("{\"return\":{\"enabled\":true,\"present\":true}}", 42,
	                                  &enabled, &present), 0);
	assert_int_equal(enabled, NR_TRI_TRUE);
	assert_int_equal(nr_qmp_query_kvm("error: Requested operation is not valid: domain is not running",
	                                  62, &enabled, &present), -22);
	assert_int_equal(nr_qmp_query_kvm("{\"return\":{\"enabled\":\"yes\"}}", 28, &enabled, &present), -22);
	assert_int_equal(nr_qmp_query_kvm("[[[[[[[[[[[[[[[[[[[[", 20, &enabled, &present), -22);
}

static void test_domxml_real(void **state)
{
	char type[16];
	bool custom;
	size_t len;
	char *buf = local("libvirt/dumpxml-kvm.xml", &len);

	(void)state;
	nr_domxml_type(buf, len, type, sizeof(type), &custom);
	assert_string_equal(type, "kvm");
	assert_false(custom);
	free(buf);
	buf = local("libvirt/dumpxml-qemu.xml", &len);
	nr_domxml_type(buf, len, type, sizeof(type), &custom);
	assert_string_equal(type, "qemu");
	free(buf);
	nr_domxml_type("<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
	               "<qemu:commandline><qemu:arg value='-accel'/></qemu:commandline></domain>",
	               147, type, sizeof(type), &custom);
	assert_true(custom);
	nr_domxml_type(NULL, 0, type, sizeof(type), &custom);
	assert_string_equal(type, "");
}

static void test_log_accel_real(void **state)
{
	char lines[NR_ACCEL_LINES_MAX][256];
	size_t len;
	char *buf = local("libvirt/log-kvm-denied.log", &len);

	(void)state;
	assert_int_equal(nr_qemu_log_accel(buf, len, lines, NR_ACCEL_LINES_MAX), 2);
	assert_string_equal(lines[0], "Could not access KVM kernel module: Permission denied");
	assert_non_null(strstr(lines[1], "-accel kvm: failed to initialize kvm: Permission denied"));
	free(buf);
	/* the taint line of a query is not about the accelerator */
	buf = local("libvirt/log-qemu-tainted.log", &len);
	assert_int_equal(nr_qemu_log_accel(buf, len, lines, NR_ACCEL_LINES_MAX), 0);
	free(buf);
	buf = local("libvirt/qemu-stderr-fallback.txt", &len);
	assert_int_equal(nr_qemu_log_accel(buf, len, lines, NR_ACCEL_LINES_MAX), 3);
	assert_string_equal(lines[2], "qemu-system-x86_64: falling back to tcg");
	free(buf);
}

static void test_log_accel_last_start(void **state)
{
	static const char log[] =
		"2023-01-01 10:00:00.000+0000: starting up libvirt version: 9.0.0\n"
		"qemu-system-x86_64: falling back to tcg\n"
		"2023-01-02 10:00:00.000+0000: starting up libvirt version: 9.0.0\n"
		"char device redirected to /dev/pts/1 (label charserial0)\n";
	char lines[2][256];
	char many[4096] = "";
	size_t i;

	(void)state;
	/* an old start's fallback is history */
	assert_int_equal(nr_qemu_log_accel(log, sizeof(log) - 1, lines, 2), 0);
	for (i = 0; i < 20; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "kvm: line %zu\n", i);
	assert_int_equal(nr_qemu_log_accel(many, strlen(many), lines, 2), 20);
	assert_string_equal(lines[0], "kvm: line 18");   /* the last ones are kept */
	assert_string_equal(lines[1], "kvm: line 19");
}

static void test_validate_real(void **state)
{
	struct nr_validate_item it[16];
	size_t len;
	char *buf = local("libvirt/virt-host-validate.txt", &len);

	(void)state;
	assert_int_equal(nr_host_validate_parse(buf, len, it, 16), 4);
	assert_string_equal(it[0].check, "QEMU: Checking for hardware virtualization");
	assert_string_equal(it[0].result, "FAIL");
	assert_non_null(strstr(it[0].detail, "HW virtualization CPU features not found"));
	assert_string_equal(it[1].result, "WARN");
	assert_int_equal(nr_host_validate_parse(buf, len, it, 1), 1);
	free(buf);
}

static void test_probe_libvirt_facts(void **state)
{
	json_object *facts = nr_test_facts_new("x86_64", NR_ARCH_X86), *doms, *d;
	static const char *const files[][2] = {
		{ "list-names", "libvirt/list-names.txt" },
		{ "list-running", "libvirt/list-running.txt" },
		{ "domain-nr-qemu.xml", "libvirt/dumpxml-qemu.xml" },
		{ "domain-nr-kvm.xml", "libvirt/dumpxml-kvm.xml" },
		{ "qmp-kvm-nr-qemu.json", "libvirt/qmp-qemu.json" },
		{ "log-nr-kvm.log", "libvirt/log-kvm-denied.log" },
		{ "domcapabilities.xml", "libvirt/domcapabilities-kvm-amd-nosvm.xml" },
		{ "virt-host-validate", "libvirt/virt-host-validate.txt" },
	};
	struct nr_probe_result r;
	size_t i, len;

	(void)state;
	nr_test_result_init(&r, "libvirt");
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *buf = local(files[i][1], &len);

		nr_test_result_add(&r, files[i][0], buf, len);
		/* the lists are what virsh printed, exit 0 */
		r.arts[r.n_arts - 1].has_exit = strncmp(files[i][0], "list-", 5) == 0;
		r.arts[r.n_arts - 1].exit_code = 0;
		free(buf);
	}
	nr_test_result_parse(&r, facts);
	assert_int_equal(nr_facts_bool(facts, "libvirt.host_model.svm"), 0);
	assert_string_equal(nr_facts_str(facts, "libvirt.host_model.model"), "EPYC-Rome");
	assert_int_equal(json_object_array_length(nr_facts_get(facts, "libvirt.host_validate")), 4);
	doms = nr_facts_get(facts, "libvirt.domains");
	assert_int_equal(json_object_array_length(doms), 2);
	d = json_object_array_get_idx(doms, 0);
	assert_string_equal(json_object_get_string(json_object_object_get(d, "name")), "nr-qemu");
	assert_true(json_object_get_boolean(json_object_object_get(d, "active")));
	assert_string_equal(json_object_get_string(json_object_object_get(d, "type")), "qemu");
	assert_false(json_object_get_boolean(json_object_object_get(d, "qmp_kvm_enabled")));
	d = json_object_array_get_idx(doms, 1);
	assert_false(json_object_get_boolean(json_object_object_get(d, "active")));
	assert_null(json_object_object_get(d, "qmp_kvm_enabled"));
	assert_int_equal(json_object_array_length(json_object_object_get(d, "log_accel")), 2);
	nr_test_result_release(&r);
	json_object_put(facts);
}

/* A list whose command failed (or was not recorded) is no list. */
static void test_probe_libvirt_list_failed(void **state)
{
	json_object *facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	struct nr_probe_result r;

	(void)state;
	nr_test_result_init(&r, "libvirt");
	nr_test_result_add_str(&r, "list-names", "");
	nr_test_result_parse(&r, facts);
	assert_null(nr_facts_get(facts, "libvirt.domains"));
	r.arts[0].has_exit = true;
	r.arts[0].exit_code = 1;
	nr_test_result_parse(&r, facts);
	assert_null(nr_facts_get(facts, "libvirt.domains"));
	r.arts[0].exit_code = 0;
	nr_test_result_parse(&r, facts);
	assert_int_equal(json_object_array_length(nr_facts_get(facts, "libvirt.domains")), 0);
	nr_test_result_release(&r);
	json_object_put(facts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domcaps_real),
		cmocka_unit_test(test_domcaps_forms),
		cmocka_unit_test(test_qmp_real),
		cmocka_unit_test(test_domxml_real),
		cmocka_unit_test(test_log_accel_real),
		cmocka_unit_test(test_log_accel_last_start),
		cmocka_unit_test(test_validate_real),
		cmocka_unit_test(test_probe_libvirt_facts),
		cmocka_unit_test(test_probe_libvirt_list_failed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
