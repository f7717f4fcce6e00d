/* SPDX-License-Identifier: MIT */
/* The parsers behind the os, packages, modules and security probes, on
 * real captured output (Debian 12's os-release, dpkg-query, modprobe.d and
 * the modinfo of Debian 12's kvm modules) and on the Fedora/RHEL/SUSE and
 * audit forms written from their published formats
 * (tests/fixtures/README.md says which is which); then each probe's
 * parse() on those artifacts, so the facts are what a bundle would say. */
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
#include "parse_mac.h"
#include "parse_modconf.h"
#include "parse_osrel.h"
#include "parse_pkg.h"
#include "probe_result.h"

static char *local(const char *rel, size_t *len)
{
	char *buf = nr_test_local_file(rel, len);

	assert_non_null(buf);
	return buf;
}

/* ---- os-release ----------------------------------------------------------- */

static void test_osrel_real(void **state)
{
	struct nr_os_release os;
	size_t len;
	char *buf = local("os-release/debian12", &len);

	(void)state;
	assert_int_equal(nr_os_release_parse(buf, len, &os), 0);
	assert_string_equal(os.id, "debian");
	assert_string_equal(os.version_id, "12");
	assert_string_equal(os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
	assert_string_equal(os.id_like, "");
	free(buf);
	buf = local("os-release/rhel9", &len);
	assert_int_equal(nr_os_release_parse(buf, len, &os), 0);
	assert_string_equal(os.id, "rhel");
	assert_string_equal(os.id_like, "fedora");
	assert_string_equal(os.version_id, "9.3");
	assert_string_equal(os.pretty_name, "Red Hat Enterprise Linux 9.3 (Plow)");
	free(buf);
	buf = local("os-release/fedora39", &len);
	assert_int_equal(nr_os_release_parse(buf, len, &os), 0);
	assert_string_equal(os.id, "fedora");
	assert_string_equal(os.version_id, "39");
	free(buf);
}

static void test_osrel_quoting(void **state)
{
	static const char text[] =
		"# comment\nID='single quoted'\nPRETTY_NAME=\"a \\\"b\\\" \\$c \\\\d\"\n"
		"VERSION_ID=\"unterminated\n  ID_LIKE = spaced  \nID=last\n";
	struct nr_os_release os;

	(void)state;
	assert_int_equal(nr_os_release_parse(text, sizeof(text) - 1, &os), 0);
	assert_string_equal(os.id, "last");            /* the last assignment wins */
	assert_string_equal(os.pretty_name, "a \"b\" $c \\d");
	assert_string_equal(os.version_id, "unterminated");
	assert_string_equal(os.id_like, "spaced");
	assert_int_equal(nr_os_release_parse("junk\n\x01\xff", 7, &os), -22);
	assert_string_equal(os.id, "");
}

/* ---- packages ------------------------------------------------------------- */

static const struct nr_pkg *find_pkg(const struct nr_pkg *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].name, name) == 0)
			return &p[i];
	return NULL;
}

static void test_pkg_dpkg_real(void **state)
{
	struct nr_pkg p[64];
	size_t len, n;
	char *buf = local("packages/dpkg-query-debian12-dev.txt", &len);
	const struct nr_pkg *q;

	(void)state;
	assert_int_equal(nr_pkg_parse_dpkg(buf, len, p, 64, &n), 0);
	/* 38 lines, of which the "un" (known, not installed) are dropped. */
	assert_int_equal(n, 13);
	q = find_pkg(p, n, "qemu-system-x86");
	assert_non_null(q);
	assert_string_equal(q->version, "1:7.2+dfsg-7+deb12u18+b3");
	assert_string_equal(q->arch, "amd64");
	assert_int_equal(q->kind, NR_PKG_QEMU);
	assert_int_equal(find_pkg(p, n, "seabios")->kind, NR_PKG_FIRMWARE);
	assert_int_equal(find_pkg(p, n, "ipxe-qemu")->kind, NR_PKG_FIRMWARE);
	assert_int_equal(find_pkg(p, n, "libvirt0")->kind, NR_PKG_LIBVIRT);
	assert_null(find_pkg(p, n, "qemu-kvm"));     /* "un" */
	/* This machine runs a kernel no package owns. */
	assert_int_equal(nr_pkg_running_kernel(p, n, "6.18.44-fc-v1252"), -1);
	free(buf);
}

static void test_pkg_dpkg_host(void **state)
{
	struct nr_pkg p[16];
	size_t len, n;
	char *buf = local("packages/dpkg-query-debian12-host.txt", &len);
	int k;

	(void)state;
	assert_int_equal(nr_pkg_parse_dpkg(buf, len, p, 16, &n), 0);
	assert_int_equal(n, 6);                      /* "rc" and "un" dropped */
	k = nr_pkg_running_kernel(p, n, "6.1.0-18-amd64");
	assert_true(k >= 0);
	assert_string_equal(p[k].name, "linux-image-6.1.0-18-amd64");
	assert_string_equal(p[k].version, "6.1.76-1");
	assert_int_equal(nr_pkg_running_kernel(p, n, "6.1.0-13-amd64"), -1); /* removed */
	assert_int_equal(nr_pkg_running_kernel(p, n, "18-amd64"), -1);       /* not a suffix match */
	assert_int_equal(find_pkg(p, n, "ovmf")->kind, NR_PKG_FIRMWARE);
	free(buf);
}

static void test_pkg_rpm(void **state)
{
	struct nr_pkg p[32];
	size_t len, n;
	char *buf = local("packages/rpm-qa-rhel9.txt", &len);
	int k;

	(void)state;
	assert_int_equal(nr_pkg_parse_rpm(buf, len, p, 32, &n), 0);
	assert_int_equal(n, 16);
	assert_string_equal(find_pkg(p, n, "qemu-kvm")->version, "17:8.0.0-16.el9_3");
	assert_string_equal(find_pkg(p, n, "libvirt-daemon-kvm")->version, "9.5.0-7.el9_3");
	assert_int_equal(find_pkg(p, n, "kernel-headers")->kind, NR_PKG_OTHER);
	assert_int_equal(find_pkg(p, n, "kernel-tools")->kind, NR_PKG_OTHER);
	assert_int_equal(find_pkg(p, n, "edk2-ovmf")->kind, NR_PKG_FIRMWARE);
	assert_int_equal(find_pkg(p, n, "seabios-bin")->kind, NR_PKG_FIRMWARE);
	k = nr_pkg_running_kernel(p, n, "5.14.0-362.8.1.el9_3.x86_64");
	assert_true(k >= 0);
	assert_string_equal(p[k].name, "kernel-core");     /* preferred over "kernel" */
	assert_string_equal(p[k].version, "5.14.0-362.8.1.el9_3");
	k = nr_pkg_running_kernel(p, n, "5.14.0-284.11.1.el9_2.x86_64");
	assert_string_equal(p[k].version, "5.14.0-284.11.1.el9_2");
	free(buf);

	buf = local("packages/rpm-qa-fedora39.txt", &len);
	assert_int_equal(nr_pkg_parse_rpm(buf, len, p, 32, &n), 0);
	assert_int_equal(n, 7);                      /* "package ... is not installed" skipped */
	assert_string_equal(find_pkg(p, n, "qemu-system-x86-core")->version, "2:8.1.1-1.fc39");
	free(buf);

	buf = local("packages/rpm-qa-sles15.txt", &len);
	assert_int_equal(nr_pkg_parse_rpm(buf, len, p, 32, &n), 0);
	k = nr_pkg_running_kernel(p, n, "5.14.21-150500.55.39-default");
	assert_true(k >= 0);
	assert_string_equal(p[k].version, "5.14.21-150500.55.39.1");
	assert_int_equal(find_pkg(p, n, "qemu-ovmf-x86_64")->kind, NR_PKG_FIRMWARE);
	assert_int_equal(find_pkg(p, n, "qemu-seabios")->kind, NR_PKG_FIRMWARE);
	assert_int_equal(find_pkg(p, n, "qemu-x86")->kind, NR_PKG_QEMU);
	free(buf);
}

static void test_pkg_junk(void **state)
{
	static const char junk[] = "ii \tname with space\t1\tamd64\n"
	                           "ii \t\t1\tamd64\nii \tok\t\tamd64\n\t\t\t\t\n"
	                           "a\tb\tc\td\te\tf\n";
	static const char three[] = "a\t(none)\t1\t1\tx\nb\t(none)\t1\t1\tx\nc\t(none)\t1\t1\tx\n";
	struct nr_pkg p[2];
	size_t n;

	(void)state;
	assert_int_equal(nr_pkg_parse_dpkg(junk, sizeof(junk) - 1, p, 2, &n), -22);
	assert_int_equal(n, 0);
	assert_int_equal(nr_pkg_parse_rpm("", 0, p, 2, &n), -22);
	/* max is honoured */
	assert_int_equal(nr_pkg_parse_rpm(three, sizeof(three) - 1, p, 2, &n), 0);
	assert_int_equal(n, 2);
}

/* ---- modprobe.d, kernel command line, modinfo ---------------------------- */

static void test_modconf_real(void **state)
{
	struct nr_modconf d[8];
	size_t len;
	char *buf = local("modules/modprobe-aliases.conf-debian12", &len);

	(void)state;
	/* Debian's own files set nothing for kvm ... */
	assert_int_equal(nr_modconf_parse(buf, len, "kvm", d, 8), 0);
	/* ... but options for other modules are read when asked. */
	assert_int_equal(nr_modconf_parse(buf, len, "snd_pcsp", d, 8), 1);
	assert_string_equal(d[0].module, "snd_pcsp");
	assert_string_equal(d[0].param, "index");
	assert_string_equal(d[0].value, "-2");
	free(buf);
	buf = local("modules/modprobe-kvm.conf-fedora39", &len);
	assert_int_equal(nr_modconf_parse(buf, len, "kvm", d, 8), 0);   /* commented out */
	free(buf);
	buf = local("modules/modprobe-kvm_intel.conf-kdoc", &len);
	assert_int_equal(nr_modconf_parse(buf, len, "kvm", d, 8), 1);
	assert_string_equal(d[0].module, "kvm_intel");
	assert_string_equal(d[0].param, "nested");
	assert_string_equal(d[0].value, "y");
	assert_int_equal(d[0].line, 1);
	free(buf);
}

static void test_modconf_forms(void **state)
{
	struct nr_modconf d[16];
	size_t len, n;
	char *buf = local("modules/modprobe-written-mixed.conf", &len);

	(void)state;
	n = nr_modconf_parse(buf, len, "kvm", d, 16);
	assert_int_equal(n, 7);
	assert_string_equal(d[0].param, "nested");
	assert_string_equal(d[0].value, "0");
	assert_int_equal(d[0].line, 2);
	assert_string_equal(d[2].param, "ept");          /* continued line */
	assert_string_equal(d[2].value, "Y");
	assert_int_equal(d[2].line, 2);
	assert_string_equal(d[3].module, "kvm_amd");
	assert_string_equal(d[3].value, "1");            /* quotes dropped */
	assert_int_equal(d[4].kind, NR_MODCONF_BLACKLIST);
	assert_string_equal(d[4].module, "kvm_amd");
	assert_int_equal(d[5].kind, NR_MODCONF_INSTALL);
	assert_string_equal(d[5].value, "/bin/false");
	assert_string_equal(d[6].value, "1");
	assert_int_equal(d[6].line, 8);
	/* max is honoured */
	assert_int_equal(nr_modconf_parse(buf, len, "kvm", d, 2), 2);
	free(buf);
}

static void test_modconf_cmdline(void **state)
{
	/* This machine's real command line has no kvm option ... */
	static const char real[] =
		"console=ttyS0 quiet reboot=k panic=1 nomodule nested_pvm=1 rdinit=/process_api -- "
		"--firecracker-init\n";
	static const char line[] = "BOOT_IMAGE=/vmlinuz ro kvm-intel.nested=1 kvm.ignore_msrs "
	                           "quiet kvm_amd.nested=\"0\" kvmfoo=1 -- kvm_intel.ept=0\n";
	struct nr_modconf d[8];

	(void)state;
	assert_int_equal(nr_modconf_cmdline(real, sizeof(real) - 1, "kvm", d, 8), 0);
	assert_int_equal(nr_modconf_cmdline(line, sizeof(line) - 1, "kvm", d, 8), 3);
	assert_string_equal(d[0].module, "kvm_intel");
	assert_string_equal(d[0].param, "nested");
	assert_string_equal(d[0].value, "1");
	assert_int_equal(d[0].line, 0);
	assert_string_equal(d[1].module, "kvm");
	assert_string_equal(d[1].param, "ignore_msrs");
	assert_string_equal(d[1].value, "1");            /* a bare flag sets a bool */
	assert_string_equal(d[2].module, "kvm_amd");
	assert_string_equal(d[2].value, "0");
}

static void test_modconf_bool(void **state)
{
	(void)state;
	assert_int_equal(nr_modconf_bool("y"), NR_TRI_TRUE);
	assert_int_equal(nr_modconf_bool("Y"), NR_TRI_TRUE);
	assert_int_equal(nr_modconf_bool("yes"), NR_TRI_TRUE);
	assert_int_equal(nr_modconf_bool("1"), NR_TRI_TRUE);
	assert_int_equal(nr_modconf_bool("on"), NR_TRI_TRUE);
	assert_int_equal(nr_modconf_bool("2"), NR_TRI_TRUE);   /* an int used as a flag */
	assert_int_equal(nr_modconf_bool("N"), NR_TRI_FALSE);
	assert_int_equal(nr_modconf_bool("0"), NR_TRI_FALSE);
	assert_int_equal(nr_modconf_bool("off"), NR_TRI_FALSE);
	assert_int_equal(nr_modconf_bool("00"), NR_TRI_FALSE);
	assert_int_equal(nr_modconf_bool(""), NR_TRI_UNKNOWN);
	assert_int_equal(nr_modconf_bool(NULL), NR_TRI_UNKNOWN);
	assert_int_equal(nr_modconf_bool("auto"), NR_TRI_UNKNOWN);
	assert_int_equal(nr_modconf_bool("1x"), NR_TRI_UNKNOWN);
	assert_int_equal(nr_modconf_bool("o"), NR_TRI_UNKNOWN);
}

static const struct nr_modinfo_param *find_param(const struct nr_modinfo *m, const char *name)
{
	for (size_t i = 0; i < m->n_params; i++)
		if (strcmp(m->params[i].name, name) == 0)
			return &m->params[i];
	return NULL;
}

static void test_modinfo_real(void **state)
{
	static const char odd[] = "filename:       /lib/modules/x/kvm-amd.ko.xz\n"
	                          "parm:           x\nparm:           :bool\n";
	struct nr_modinfo *m = malloc(sizeof(*m));
	size_t len;
	char *buf = local("modules/modinfo-kvm_intel-debian12.txt", &len);

	(void)state;
	assert_int_equal(nr_modinfo_parse(buf, len, m), 0);
	assert_string_equal(m->name, "kvm_intel");
	assert_string_equal(m->filename, "/lib/modules/6.1.0-52-amd64/kernel/arch/x86/kvm/kvm-intel.ko");
	assert_string_equal(m->vermagic, "6.1.0-52-amd64 SMP preempt mod_unload modversions");
	assert_int_equal(m->n_params, 25);
	assert_string_equal(find_param(m, "nested")->type, "bool");
	assert_string_equal(find_param(m, "enable_shadow_vmcs")->type, "bool");
	assert_string_equal(find_param(m, "ple_gap")->type, "uint");
	assert_string_equal(find_param(m, "nested")->description, "");
	free(buf);
	buf = local("modules/modinfo-kvm_amd-debian12.txt", &len);
	assert_int_equal(nr_modinfo_parse(buf, len, m), 0);
	assert_string_equal(find_param(m, "nested")->type, "int");
	free(buf);
	/* Descriptions, with parentheses of their own. */
	buf = local("modules/modinfo-vhost-debian12.txt", &len);
	assert_int_equal(nr_modinfo_parse(buf, len, m), 0);
	assert_string_equal(find_param(m, "max_mem_regions")->type, "ushort");
	assert_string_equal(find_param(m, "max_mem_regions")->description,
	                    "Maximum number of memory regions in memory map. (default: 64)");
	free(buf);
	buf = local("modules/modinfo-kvm_hv-notfound.err", &len);
	assert_int_equal(nr_modinfo_parse(buf, len, m), -22);
	free(buf);
	assert_int_equal(nr_modinfo_parse(odd, sizeof(odd) - 1, m), 0);
	assert_string_equal(m->name, "kvm_amd");         /* from the file name */
	assert_int_equal(m->n_params, 0);                /* "x" has no colon, ":bool" no name */
	free(m);
}

/* ---- SELinux / AppArmor denials ------------------------------------------ */

static void test_mac_ausearch(void **state)
{
	struct nr_mac_denial d[8];
	size_t len, n;
	char *buf = local("security/ausearch-avc-rhel9.txt", &len);

	(void)state;
	n = nr_mac_denials_parse(buf, len, d, 8);
	assert_int_equal(n, 4);                          /* "granted" is not a denial */
	assert_string_equal(d[0].lsm, "selinux");
	assert_string_equal(d[0].stamp, "1699953165.123:1234");
	assert_string_equal(d[0].comm, "qemu-kvm");
	assert_string_equal(d[0].what, "read tclass=file");
	assert_string_equal(d[0].target, "fedora.qcow2");
	assert_string_equal(d[0].subject, "system_u:system_r:svirt_t:s0:c152,c612");
	assert_true(nr_mac_denial_is_virt(&d[0]));
	assert_string_equal(d[1].comm, "CPU 0/KVM");      /* hex-encoded by audit */
	assert_string_equal(d[1].target, "/dev/vhost-net");
	assert_true(nr_mac_denial_is_virt(&d[1]));
	assert_string_equal(d[2].comm, "sshd");
	assert_false(nr_mac_denial_is_virt(&d[2]));
	assert_string_equal(d[3].subject, "system_u:system_r:virtqemud_t:s0"); /* USER_AVC */
	assert_true(nr_mac_denial_is_virt(&d[3]));
	assert_int_equal(nr_mac_denials_parse(buf, len, d, 1), 4);  /* counts past max */
	free(buf);
}

static void test_mac_apparmor(void **state)
{
	struct nr_mac_denial d[8];
	size_t len, n;
	char *buf = local("security/dmesg-avc-apparmor.txt", &len);

	(void)state;
	n = nr_mac_denials_parse(buf, len, d, 8);
	assert_int_equal(n, 3);                          /* STATUS lines are not denials */
	assert_string_equal(d[0].lsm, "apparmor");
	assert_string_equal(d[0].comm, "qemu-system-x86");
	assert_string_equal(d[0].what, "open r");
	assert_string_equal(d[0].target, "/home/user/disk.img");
	assert_string_equal(d[0].subject, "libvirt-6b3d9c2e-1f4a-4b7e-9d1a-2f5c8e7a9b10");
	assert_true(nr_mac_denial_is_virt(&d[0]));
	assert_false(nr_mac_denial_is_virt(&d[1]));      /* cupsd */
	assert_string_equal(d[2].lsm, "selinux");
	free(buf);
}

/* ---- the probes' parse() --------------------------------------------------- */

static void test_probe_packages_facts(void **state)
{
	json_object *facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	struct nr_probe_result r;
	size_t len;
	char *buf = local("packages/rpm-qa-rhel9.txt", &len);

	(void)state;
	nr_facts_set(facts, "kernel.release", json_object_new_string("5.14.0-362.8.1.el9_3.x86_64"));
	nr_test_result_init(&r, "packages");
	nr_test_result_add(&r, "rpm-qa", buf, len);
	nr_test_result_parse(&r, facts);
	assert_string_equal(nr_facts_str(facts, "packages.manager"), "rpm");
	assert_string_equal(nr_facts_str(facts, "packages.kernel.name"), "kernel-core");
	assert_string_equal(nr_facts_str(facts, "packages.kernel.version"), "5.14.0-362.8.1.el9_3");
	/* kernel-headers and kernel-tools are not listed */
	assert_int_equal(json_object_array_length(nr_facts_get(facts, "packages.installed")), 14);
	nr_test_result_release(&r);
	json_object_put(facts);
	free(buf);
}

static void test_probe_modules_facts(void **state)
{
	json_object *facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	struct nr_probe_result r;
	size_t len, len2;
	char *mixed = local("modules/modprobe-written-mixed.conf", &len);
	char *kdoc = local("modules/modprobe-kvm_intel.conf-kdoc", &len2);
	char *info;

	(void)state;
	nr_facts_set(facts, "kernel.cmdline", json_object_new_string("ro kvm_amd.nested=0"));
	nr_test_result_init(&r, "modules");
	/* z-mixed.conf sorts after kvm.conf: its nested=1 wins over the
	 * other's y, and /lib's copy of kvm.conf is masked by /etc's. */
	nr_test_result_add(&r, "conf-etc-z-mixed.conf", mixed, len);
	nr_test_result_add(&r, "conf-lib-kvm.conf", "options kvm_intel nested=N\n", 27);
	nr_test_result_add(&r, "conf-etc-kvm.conf", kdoc, len2);
	info = local("modules/modinfo-kvm_intel-debian12.txt", &len);
	nr_test_result_add(&r, "modinfo-kvm_intel", info, len);
	nr_test_result_parse(&r, facts);
	assert_string_equal(nr_facts_str(facts, "modules.persistent.kvm_intel.nested"), "1");
	assert_string_equal(nr_facts_str(facts, "modules.persistent.kvm_intel.ept"), "Y");
	/* the command line comes last and wins */
	assert_string_equal(nr_facts_str(facts, "modules.persistent.kvm_amd.nested"), "0");
	assert_string_equal(nr_facts_str(facts, "modules.info.kvm_intel.params.nested.type"), "bool");
	assert_string_equal(nr_facts_str(facts, "modules.info.kvm_intel.filename"),
	                    "/lib/modules/6.1.0-52-amd64/kernel/arch/x86/kvm/kvm-intel.ko");
	/* kvm.conf (etc) then z-mixed.conf, then the command line: 1 + 7 + 1 */
	assert_int_equal(json_object_array_length(nr_facts_get(facts, "modules.config")), 9);
	assert_string_equal(json_object_get_string(json_object_object_get(
		json_object_array_get_idx(nr_facts_get(facts, "modules.config"), 0), "source")),
		"/etc/modprobe.d/kvm.conf");
	nr_test_result_release(&r);
	json_object_put(facts);
	free(mixed);
	free(kdoc);
	free(info);
}

static void test_probe_modules_nothing_read(void **state)
{
	json_object *facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	struct nr_probe_result r;

	(void)state;
	nr_test_result_init(&r, "modules");
	nr_test_result_add_str(&r, "modinfo-kvm_hv", "");
	nr_test_result_parse(&r, facts);
	/* nothing read: unknown, not "nothing configured" */
	assert_true(json_object_is_type(nr_facts_get(facts, "modules"), json_type_object));
	assert_null(nr_facts_get(facts, "modules.persistent"));
	assert_null(nr_facts_get(facts, "modules.info"));
	nr_test_result_release(&r);
	json_object_put(facts);
}

static void test_probe_security_facts(void **state)
{
	json_object *facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	struct nr_probe_result dm, sec;
	size_t len, len2;
	char *kern = local("security/dmesg-avc-apparmor.txt", &len);
	char *audit = local("security/ausearch-avc-rhel9.txt", &len2);

	(void)state;
	nr_test_result_init(&dm, "dmesg");
	nr_test_result_add(&dm, "dmesg", kern, len);
	nr_test_result_parse(&dm, facts);
	nr_test_result_init(&sec, "security");
	nr_test_result_add_str(&sec, "lsm", "lockdown,capability,landlock,yama,apparmor\n");
	nr_test_result_add_str(&sec, "apparmor-enabled", "Y\n");
	nr_test_result_add_str(&sec, "getenforce", "Disabled\n");
	nr_test_result_add(&sec, "ausearch-avc", audit, len2);
	nr_test_result_parse(&sec, facts);
	assert_string_equal(nr_facts_str(facts, "security.selinux"), "disabled");
	assert_string_equal(nr_facts_str(facts, "security.apparmor"), "enabled");
	/* kernel log: AppArmor qemu + SELinux 1234; audit log: 1234 again
	 * (the same record), CPU 0/KVM, virtqemud; sshd is not ours. */
	assert_int_equal(json_object_get_int(nr_facts_get(facts, "security.denials_total")), 4);
	assert_int_equal(json_object_array_length(nr_facts_get(facts, "security.denials")), 4);
	assert_int_equal(json_object_array_length(nr_facts_get(facts, "security.denials_checked")), 2);
	nr_test_result_release(&dm);
	nr_test_result_release(&sec);
	json_object_put(facts);
	free(kern);
	free(audit);
}

static void test_probe_security_modes(void **state)
{
	json_object *facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	struct nr_probe_result r;

	(void)state;
	nr_test_result_init(&r, "security");
	nr_test_result_add_str(&r, "lsm", "lockdown,capability,yama,selinux,bpf\n");
	nr_test_result_add_str(&r, "selinux-enforce", "1");
	nr_test_result_add_str(&r, "apparmor-enabled", "Y\n");   /* built in, not active */
	nr_test_result_parse(&r, facts);
	assert_string_equal(nr_facts_str(facts, "security.selinux"), "enforcing");
	assert_string_equal(nr_facts_str(facts, "security.apparmor"), "disabled");
	/* no denial source read: unknown */
	assert_null(nr_facts_get(facts, "security.denials_total"));
	nr_test_result_release(&r);
	json_object_put(facts);
}

static void test_probe_os_facts(void **state)
{
	json_object *facts = nr_test_facts_new("x86_64", NR_ARCH_X86);
	struct nr_probe_result r;
	size_t len;
	char *buf = local("os-release/debian12", &len);

	(void)state;
	nr_test_result_init(&r, "os");
	nr_test_result_add(&r, "os-release", buf, len);
	nr_test_result_parse(&r, facts);
	assert_string_equal(nr_facts_str(facts, "os.id"), "debian");
	assert_string_equal(nr_facts_str(facts, "os.version_id"), "12");
	assert_null(nr_facts_get(facts, "os.id_like"));
	nr_test_result_release(&r);
	json_object_put(facts);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_osrel_real),
		cmocka_unit_test(test_osrel_quoting),
		cmocka_unit_test(test_pkg_dpkg_real),
		cmocka_unit_test(test_pkg_dpkg_host),
		cmocka_unit_test(test_pkg_rpm),
		cmocka_unit_test(test_pkg_junk),
		cmocka_unit_test(test_modconf_real),
		cmocka_unit_test(test_modconf_forms),
		cmocka_unit_test(test_modconf_cmdline),
		cmocka_unit_test(test_modconf_bool),
		cmocka_unit_test(test_modinfo_real),
		cmocka_unit_test(test_mac_ausearch),
		cmocka_unit_test(test_mac_apparmor),
		cmocka_unit_test(test_probe_packages_facts),
		cmocka_unit_test(test_probe_modules_facts),
		cmocka_unit_test(test_probe_modules_nothing_read),
		cmocka_unit_test(test_probe_security_facts),
		cmocka_unit_test(test_probe_security_modes),
		cmocka_unit_test(test_probe_os_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
