/* SPDX-License-Identifier: MIT */
/* libvirt: versions, the domain list, each domain's XML (read-only
 * connection, so no --security-info secrets) and the per-domain QEMU logs,
 * which hold the exact command line libvirt generated; the host's
 * capabilities, domcapabilities (is vmx/svm in the host-model CPU guests
 * get?), nodeinfo and virt-host-validate; and, as root, QMP query-kvm of
 * running domains, the definitive "KVM or TCG" of a guest.
 *
 * The virsh calls run concurrently, in rounds that depend on each other:
 * versions (is libvirtd there?), then the lists and host calls, then one
 * dumpxml per domain, then query-kvm.  qemu-monitor-command marks a domain
 * tainted (custom-monitor) in its log and status, so it is asked only
 * where the answer is not already certain: a domain of type 'kvm' is
 * started with -accel kvm and no fallback, so it runs on KVM or not at
 * all, unless its XML passes QEMU arguments of its own (qemu:commandline,
 * qemu:override).  libvirt 9.0 refuses domcapabilities on a read-only
 * connection; as root it is asked on a read-write one. */
#include "level/facts.h"
#include "parse.h"
#include "parse_virsh.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DOMAINS 64
#define LOG_DIR "/var/log/libvirt/qemu"

struct log_list {
	char names[MAX_DOMAINS][256];
	size_t n;
};

static int add_log(void *ud, const char *name)
{
	struct log_list *l = ud;
	size_t len = strlen(name);

	if (l->n < MAX_DOMAINS && len > 4 && len < 256 && strcmp(name + len - 4, ".log") == 0)
		snprintf(l->names[l->n++], sizeof(l->names[0]), "%s", name);
	return 0;
}

static int libvirt_collect_logs(struct nr_probe_ctx *ctx)
{
	struct log_list *l = calloc(1, sizeof(*l));
	char path[512], artifact[300];
	size_t i, unreadable = 0;
	int rc = 0;

	if (!l)
		return -ENOMEM;
	if (nr_probe_list(ctx, LOG_DIR, add_log, l) < 0) {
		nr_probe_note(ctx, "%s not readable%s", LOG_DIR,
		              nr_probe_is_root(ctx) == 1 ? "" : " (not root)");
		goto out;
	}
	for (i = 0; i < l->n && rc != -ETIMEDOUT; i++) {
		snprintf(path, sizeof(path), "%s/%s", LOG_DIR, l->names[i]);
		snprintf(artifact, sizeof(artifact), "log-%s", l->names[i]);
		rc = nr_probe_file(ctx, artifact, path);
		unreadable += rc < 0 && rc != -ETIMEDOUT;
	}
	if (unreadable)
		nr_probe_note(ctx, "%zu of %zu domain logs unreadable", unreadable, l->n);
out:
	free(l);
	return rc == -ETIMEDOUT ? rc : 0;
}

struct cmd_batch {
	struct nr_probe_cmd_spec specs[MAX_DOMAINS];
	char artifacts[MAX_DOMAINS][300];
	const char *argvs[MAX_DOMAINS][8];
	size_t n;
};

/* Queue argv (at most 7 words; name may be NULL) as artifact. */
static void batch_add(struct cmd_batch *b, const char *artifact, const char *const *argv,
                      const char *name)
{
	size_t i;

	if (b->n >= MAX_DOMAINS)
		return;
	snprintf(b->artifacts[b->n], sizeof(b->artifacts[0]), "%s", artifact);
	for (i = 0; argv[i] && i < 6; i++)
		b->argvs[b->n][i] = argv[i];
	if (name)
		b->argvs[b->n][i++] = name;
	b->argvs[b->n][i] = NULL;
	b->specs[b->n] = (struct nr_probe_cmd_spec){ b->artifacts[b->n], b->argvs[b->n], 0, -1 };
	b->n++;
}

/* One name per line of an artifact this probe stored, into names. */
static size_t read_names(struct nr_probe_ctx *ctx, const char *artifact, char (*names)[256])
{
	size_t len = 0;
	const char *out = nr_probe_output(ctx, artifact, &len);

	return nr_libvirt_names(out, len, names, MAX_DOMAINS);
}

static bool name_in(char (*names)[256], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* The lists and the host's capabilities, concurrently. */
static int libvirt_collect_host(struct nr_probe_ctx *ctx, bool root, struct cmd_batch *b)
{
	static const char *const list_argv[] = { "virsh", "-r", "list", "--all", NULL };
	static const char *const names_argv[] = { "virsh", "-r", "list", "--all", "--name", NULL };
	static const char *const running_argv[] = { "virsh", "-r", "list", "--name", NULL };
	static const char *const caps_argv[] = { "virsh", "-r", "capabilities", NULL };
	static const char *const domcaps_ro[] = { "virsh", "-r", "domcapabilities", NULL };
	static const char *const domcaps_rw[] = { "virsh", "domcapabilities", NULL };
	static const char *const nodeinfo_argv[] = { "virsh", "-r", "nodeinfo", NULL };

	b->n = 0;
	batch_add(b, "list-all", list_argv, NULL);
	batch_add(b, "list-names", names_argv, NULL);
	batch_add(b, "list-running", running_argv, NULL);
	batch_add(b, "capabilities.xml", caps_argv, NULL);
	batch_add(b, "domcapabilities.xml", root ? domcaps_rw : domcaps_ro, NULL);
	batch_add(b, "nodeinfo", nodeinfo_argv, NULL);
	return nr_probe_cmds(ctx, b->specs, b->n);
}

/* Whether query-kvm can tell more than the domain's XML (see the top). */
static bool qmp_worth_asking(struct nr_probe_ctx *ctx, const char *xml_artifact)
{
	const char *xml;
	char type[16];
	size_t len;
	bool custom;

	xml = nr_probe_output(ctx, xml_artifact, &len);
	nr_domxml_type(xml, len, type, sizeof(type), &custom);
	return strcmp(type, "kvm") != 0 || custom;
}

/* One dumpxml per domain, then query-kvm of the running ones (as root). */
static int libvirt_collect_domains(struct nr_probe_ctx *ctx, bool root, struct cmd_batch *b)
{
	/* --domain: a name starting with '-' stays a name. */
	static const char *const xml_argv[] = { "virsh", "-r", "dumpxml", "--domain", NULL };
	static const char *const qmp_argv[] = { "virsh", "qemu-monitor-command", "--domain", NULL };
	char (*names)[256] = calloc(MAX_DOMAINS, sizeof(*names));
	char (*running)[256] = calloc(MAX_DOMAINS, sizeof(*running));
	char (*xml)[300] = calloc(MAX_DOMAINS, sizeof(*xml));
	char artifact[300], safe[300];
	size_t n, nrun, i, asked = 0;
	int rc = -ENOMEM;

	if (!names || !running || !xml)
		goto out;
	n = read_names(ctx, "list-names", names);
	nrun = read_names(ctx, "list-running", running);
	b->n = 0;
	for (i = 0; i < n; i++) {
		snprintf(xml[i], sizeof(xml[i]), "domain-%s.xml", names[i]);
		batch_add(b, xml[i], xml_argv, names[i]);
	}
	rc = nr_probe_cmds(ctx, b->specs, b->n);
	if (rc < 0 || !root)
		goto out;
	b->n = 0;
	for (i = 0; i < n; i++) {
		/* the artifact's stored name, as new_artifact made it safe */
		nr_probe_safe_name(safe, sizeof(safe), xml[i]);
		if (!name_in(running, nrun, names[i]) || !qmp_worth_asking(ctx, safe))
			continue;
		snprintf(artifact, sizeof(artifact), "qmp-kvm-%s.json", names[i]);
		batch_add(b, artifact, qmp_argv, names[i]);
		b->argvs[b->n - 1][4] = "{\"execute\":\"query-kvm\"}";
		b->argvs[b->n - 1][5] = NULL;
		asked++;
	}
	if (nrun > asked)
		nr_probe_note(ctx, "query-kvm asked of %zu of %zu running domains; the others are of "
		              "type 'kvm' (KVM or nothing) and were not marked tainted", asked, nrun);
	rc = nr_probe_cmds(ctx, b->specs, b->n);
out:
	free(names);
	free(running);
	free(xml);
	return rc;
}

static int libvirt_collect(struct nr_probe_ctx *ctx)
{
	static const char *const daemon_argv[] = { "libvirtd", "--version", NULL };
	static const char *const version_argv[] = { "virsh", "-r", "version", NULL };
	static const char *const validate_argv[] = { "virt-host-validate", "qemu", NULL };
	struct cmd_batch *b = calloc(1, sizeof(*b));
	bool has_virsh = nr_probe_has(ctx, "virsh");
	bool has_daemon = nr_probe_has(ctx, "libvirtd");
	bool root = nr_probe_is_root(ctx) == 1;
	int rc = 0, exit_code = -1;
	bool unreachable = false;

	if (!b)
		return -ENOMEM;
	if (!has_virsh && !has_daemon) {
		free(b);
		return nr_probe_skip(ctx, "libvirt not installed (no virsh, no libvirtd)");
	}
	/* virt-host-validate needs no daemon: it runs with the versions. */
	if (has_daemon)
		batch_add(b, "libvirtd-version", daemon_argv, NULL);
	if (nr_probe_has(ctx, "virt-host-validate"))
		batch_add(b, "virt-host-validate", validate_argv, NULL);
	if (has_virsh)
		batch_add(b, "virsh-version", version_argv, NULL);
	rc = nr_probe_cmds(ctx, b->specs, b->n);
	if (rc == 0 && has_virsh) {
		exit_code = b->specs[b->n - 1].exit_code;
		unreachable = b->specs[b->n - 1].rc == 0 && exit_code != 0;
		if (b->specs[b->n - 1].rc == 0 && exit_code == 0)
			rc = libvirt_collect_host(ctx, root, b);
		if (rc == 0 && exit_code == 0)
			rc = libvirt_collect_domains(ctx, root, b);
	}
	if (rc != -ETIMEDOUT)
		rc = libvirt_collect_logs(ctx);
	free(b);
	/* The logs were still read; the domains' XML and capabilities were
	 * not: a failure, said (virsh's stderr is in the virsh-version
	 * artifact). */
	if (rc == 0 && unreachable)
		return nr_probe_fail(ctx, ECONNREFUSED, "virsh cannot connect to libvirtd (virsh -r "
		                     "version exited %d): no domain XML or capabilities", exit_code);
	return rc;
}

static void libvirt_parse(const struct nr_artifacts *arts, json_object *facts)
{
	char version[64];
	const char *buf, *tag;
	size_t len;

	buf = nr_artifacts_get(arts, "virsh-version", &len);
	if (buf && nr_version_extract(buf, len, "Using library: libvirt", version,
	                              sizeof(version)) == 0) {
		nr_facts_set(facts, "libvirt.version", json_object_new_string(version));
		nr_facts_evidence(facts, "libvirt.version", nr_artifacts_path(arts, "virsh-version"),
		                  version);
		return;
	}
	/* "libvirtd (libvirt) 9.0.0", or with the daemon's full path first as
	 * Debian 12 prints it: "/usr/sbin/libvirtd (libvirt) 9.0.0". */
	buf = nr_artifacts_get(arts, "libvirtd-version", &len);
	tag = buf ? memmem(buf, len, "(libvirt)", 9) : NULL;
	if (tag && nr_version_extract(tag, len - (size_t)(tag - buf), "(libvirt)", version,
	                              sizeof(version)) == 0) {
		nr_facts_set(facts, "libvirt.version", json_object_new_string(version));
		nr_facts_evidence(facts, "libvirt.version",
		                  nr_artifacts_path(arts, "libvirtd-version"), version);
	}
}

static void libvirt_parse_all(const struct nr_artifacts *arts, json_object *facts)
{
	libvirt_parse(arts, facts);
	nr_libvirt_parse_host(arts, facts);
	nr_libvirt_parse_domains(arts, facts);
}

const struct nr_probe nr_probe_libvirt = {
	.name = "libvirt",
	.summary = "libvirt versions, domains (read-only XML), per-domain QEMU logs, host "
	           "capabilities and domcapabilities, virt-host-validate, QMP query-kvm (root)",
	.arches = NR_ARCH_ANY,
	.collect = libvirt_collect,
	.parse = libvirt_parse_all,
};
