/* libvirt: versions, the domain list, each domain's XML (read-only
 * connection, so no --security-info secrets) and the per-domain QEMU logs,
 * which hold the exact command line libvirt generated. */
#include "level/facts.h"
#include "parse.h"
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

/* `virsh list --all --name` prints one name per line; the XML of each
 * domain is fetched concurrently. */
static int libvirt_collect_domains(struct nr_probe_ctx *ctx)
{
	static const char *const names_argv[] = { "virsh", "-r", "list", "--all", "--name", NULL };
	struct nr_probe_cmd_spec *specs = NULL;
	char (*names)[256] = NULL, (*artifacts)[300] = NULL;
	const char *(*argvs)[6] = NULL;
	const char *out, *p, *end;
	size_t len, n = 0;
	int rc, exit_code = -1;

	rc = nr_probe_cmd(ctx, "list-names", names_argv, &exit_code);
	if (rc < 0 || exit_code != 0)
		return rc;
	specs = calloc(MAX_DOMAINS, sizeof(*specs));
	names = calloc(MAX_DOMAINS, sizeof(*names));
	artifacts = calloc(MAX_DOMAINS, sizeof(*artifacts));
	argvs = calloc(MAX_DOMAINS, sizeof(*argvs));
	if (!specs || !names || !artifacts || !argvs) {
		rc = -ENOMEM;
		goto out;
	}
	out = nr_probe_output(ctx, "list-names", &len);
	for (p = out, end = out ? out + len : NULL; p && p < end && n < MAX_DOMAINS;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t nlen = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (nlen > 0 && nlen < sizeof(names[0])) {
			memcpy(names[n], p, nlen);
			names[n][nlen] = '\0';
			snprintf(artifacts[n], sizeof(artifacts[n]), "domain-%s.xml", names[n]);
			/* --domain: a name starting with '-' stays a name. */
			argvs[n][0] = "virsh";
			argvs[n][1] = "-r";
			argvs[n][2] = "dumpxml";
			argvs[n][3] = "--domain";
			argvs[n][4] = names[n];
			argvs[n][5] = NULL;
			specs[n].artifact = artifacts[n];
			specs[n].argv = argvs[n];
			n++;
		}
		p = nl ? nl + 1 : end;
	}
	rc = nr_probe_cmds(ctx, specs, n);
out:
	free(specs);
	free(names);
	free(artifacts);
	free(argvs);
	return rc;
}

static int libvirt_collect(struct nr_probe_ctx *ctx)
{
	static const char *const daemon_argv[] = { "libvirtd", "--version", NULL };
	static const char *const version_argv[] = { "virsh", "-r", "version", NULL };
	static const char *const list_argv[] = { "virsh", "-r", "list", "--all", NULL };
	struct nr_probe_cmd_spec specs[2];
	bool has_virsh = nr_probe_has(ctx, "virsh");
	bool has_daemon = nr_probe_has(ctx, "libvirtd");
	size_t n = 0;
	int rc, exit_code = -1;
	bool unreachable = false;

	if (!has_virsh && !has_daemon)
		return nr_probe_skip(ctx, "libvirt not installed (no virsh, no libvirtd)");
	if (has_daemon)
		specs[n++] = (struct nr_probe_cmd_spec){ "libvirtd-version", daemon_argv, 0, -1 };
	if (has_virsh)
		specs[n++] = (struct nr_probe_cmd_spec){ "virsh-version", version_argv, 0, -1 };
	rc = nr_probe_cmds(ctx, specs, n);
	if (rc == 0 && has_virsh) {
		exit_code = specs[n - 1].exit_code;
		unreachable = specs[n - 1].rc == 0 && exit_code != 0;
		if (specs[n - 1].rc == 0 && exit_code == 0)
			rc = nr_probe_cmd(ctx, "list-all", list_argv, NULL);
		if (rc == 0 && exit_code == 0)
			rc = libvirt_collect_domains(ctx);
	}
	if (rc != -ETIMEDOUT)
		rc = libvirt_collect_logs(ctx);
	/* The logs were still read; the domains' XML was not: a failure, said
	 * (virsh's stderr is in the virsh-version artifact). */
	if (rc == 0 && unreachable)
		return nr_probe_fail(ctx, ECONNREFUSED, "virsh cannot connect to libvirtd (virsh -r "
		                     "version exited %d): no domain XML", exit_code);
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

const struct nr_probe nr_probe_libvirt = {
	.name = "libvirt",
	.summary = "libvirt versions, domains (read-only XML) and per-domain QEMU logs",
	.arches = NR_ARCH_ANY,
	.collect = libvirt_collect,
	.parse = libvirt_parse,
};
