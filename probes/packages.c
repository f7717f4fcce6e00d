/* SPDX-License-Identifier: MIT */
/* Distribution packages of the virtualization stack: the running kernel,
 * QEMU, libvirt and their firmware (SeaBIOS, OVMF/edk2, qemu-efi, iPXE),
 * with the package manager's exact versions.  Upstream version numbers
 * (qemu.versions, libvirt.version) do not say which distribution patches
 * are in; the package version does, and it is what a maintainer matches
 * against a distribution's changelog.
 *
 * dpkg-query and rpm are both asked when both are installed (Debian ships
 * rpm, Fedora ships dpkg): the one that knows more of these packages is
 * the level's manager. */
#include "level/facts.h"
#include "parse_pkg.h"
#include "probes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PKGS 256

/* The formats say \t and \n as two characters each: dpkg-query and rpm
 * expand them, and an argument with a real newline cannot travel over SSH
 * (a request is one line). */
static const char *const dpkg_argv[] = {
	"dpkg-query", "-W", "-f=${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\n",
	"linux-image-*", "qemu*", "libvirt*", "seabios", "sgabios", "ovmf", "qemu-efi*", "ipxe*",
	NULL,
};

static const char *const rpm_argv[] = {
	"rpm", "-qa", "--qf", "%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n",
	"kernel", "kernel-core", "kernel-default", "kernel-uek*", "kernel-rt*", "kernel-64k*",
	"qemu*", "libvirt*", "seabios*", "sgabios*", "edk2*", "ovmf*", "ipxe*", NULL,
};

static int packages_collect(struct nr_probe_ctx *ctx)
{
	struct nr_probe_cmd_spec specs[2];
	size_t n = 0;
	int rc;

	if (nr_probe_has(ctx, "dpkg-query"))
		specs[n++] = (struct nr_probe_cmd_spec){ "dpkg-query", dpkg_argv, 0, -1,
		                                         "none of the packages asked for is installed" };
	if (nr_probe_has(ctx, "rpm"))
		specs[n++] = (struct nr_probe_cmd_spec){ "rpm-qa", rpm_argv, 0, -1 };
	if (n == 0)
		return nr_probe_skip(ctx, "no package manager (dpkg-query or rpm) found");
	/* dpkg-query exits 1 when a pattern matches nothing, which is
	 * normal here: the output is still the answer. */
	rc = nr_probe_cmds(ctx, specs, n);
	return rc;
}

/* How many of the packages are of our kinds. */
static size_t relevant(const struct nr_pkg *p, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += p[i].kind != NR_PKG_OTHER;
	return k;
}

static json_object *pkg_json(const struct nr_pkg *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", nr_json_str_or_null(p->name));
	json_object_object_add(o, "version", nr_json_str_or_null(p->version));
	json_object_object_add(o, "arch", nr_json_str_or_null(p->arch));
	json_object_object_add(o, "kind", json_object_new_string(nr_pkg_kind_name(p->kind)));
	return o;
}

static void packages_parse(const struct nr_artifacts *arts, json_object *facts)
{
	struct nr_pkg *dpkg = calloc(MAX_PKGS, sizeof(*dpkg)), *rpm = calloc(MAX_PKGS, sizeof(*rpm));
	json_object *list, *k;
	size_t nd = 0, nr = 0, n, i;
	const char *buf, *artifact;
	struct nr_pkg *use;
	size_t len;
	int running;

	if (!dpkg || !rpm)
		goto out;
	if ((buf = nr_artifacts_get(arts, "dpkg-query", &len)))
		nr_pkg_parse_dpkg(buf, len, dpkg, MAX_PKGS, &nd);
	if ((buf = nr_artifacts_get(arts, "rpm-qa", &len)))
		nr_pkg_parse_rpm(buf, len, rpm, MAX_PKGS, &nr);
	if (relevant(dpkg, nd) == 0 && relevant(rpm, nr) == 0)
		goto out;
	use = relevant(dpkg, nd) >= relevant(rpm, nr) ? dpkg : rpm;
	n = use == dpkg ? nd : nr;
	artifact = use == dpkg ? "dpkg-query" : "rpm-qa";
	nr_facts_set(facts, "packages.manager", json_object_new_string(use == dpkg ? "dpkg" : "rpm"));
	nr_facts_evidence(facts, "packages.manager", nr_artifacts_path(arts, artifact),
	                  use == dpkg ? "dpkg-query -W" : "rpm -qa");
	list = json_object_new_array();
	nr_facts_set(facts, "packages.installed", list);
	for (i = 0; i < n; i++)
		if (use[i].kind != NR_PKG_OTHER)
			json_object_array_add(list, pkg_json(&use[i]));
	/* kernel.release was parsed already: the kernel probe comes first in
	 * the table. */
	running = nr_pkg_running_kernel(use, n, nr_facts_str(facts, "kernel.release"));
	if (running >= 0) {
		k = json_object_new_object();
		json_object_object_add(k, "name", json_object_new_string(use[running].name));
		json_object_object_add(k, "version", json_object_new_string(use[running].version));
		nr_facts_set(facts, "packages.kernel", k);
		nr_facts_evidence(facts, "packages.kernel", nr_artifacts_path(arts, artifact),
		                  use[running].name);
	}
out:
	free(dpkg);
	free(rpm);
}

const struct nr_probe nr_probe_packages = {
	.name = "packages",
	.summary = "package versions of the kernel, QEMU, libvirt and firmware (dpkg-query, rpm)",
	.arches = NR_ARCH_ANY,
	.collect = packages_collect,
	.parse = packages_parse,
};
