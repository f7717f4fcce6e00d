/* SPDX-License-Identifier: MIT */
/* QEMU: the version of every system emulator installed, and the command
 * line of every running QEMU process (argv array in facts, a readable
 * rendering as an artifact).  Both go through the scrubber like all
 * artifacts: QEMU command lines are where secrets live. */
#include "level/facts.h"
#include "parse.h"
#include "probes.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BINARIES 16
#define MAX_PROCS 256
#define CMDLINE_CAP (1024 * 1024)

static const char *const bin_dirs[] = { "/usr/bin", "/usr/local/bin", "/usr/libexec",
	                                "/usr/libexec/qemu", "/bin" };

struct name_list {
	char (*names)[256];
	size_t n, cap;
	const char *dir;
};

static int collect_binary(void *ud, const char *name)
{
	struct name_list *l = ud;

	if (l->n < l->cap && nr_qemu_is_binary(name) && strstr(name, ".") == NULL)
		snprintf(l->names[l->n++], sizeof(l->names[0]), "%s/%s", l->dir, name);
	return 0;
}

static int collect_pid(void *ud, const char *name)
{
	struct name_list *l = ud;
	const char *p;

	for (p = name; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	if (l->n < l->cap)
		snprintf(l->names[l->n++], sizeof(l->names[0]), "%s", name);
	return 0;
}

/* `--version` of each binary, concurrently: loading QEMU's libraries is
 * the slowest thing here after x86info. */
static int qemu_collect_versions(struct nr_probe_ctx *ctx, struct name_list *l)
{
	struct nr_probe_cmd_spec specs[MAX_BINARIES];
	const char *argvs[MAX_BINARIES][3];
	char artifacts[MAX_BINARIES][300];
	size_t i, j, n = 0;

	for (i = 0; i < sizeof(bin_dirs) / sizeof(bin_dirs[0]); i++) {
		l->dir = bin_dirs[i];
		nr_probe_list(ctx, bin_dirs[i], collect_binary, l);
	}
	for (i = 0; i < l->n; i++) {
		const char *base = strrchr(l->names[i], '/') + 1;
		bool dup = false;

		/* /bin is /usr/bin on merged-/usr systems: one run per name. */
		for (j = 0; j < i; j++)
			dup = dup || strcmp(strrchr(l->names[j], '/') + 1, base) == 0;
		if (dup)
			continue;
		snprintf(artifacts[n], sizeof(artifacts[n]), "version-%s", base);
		argvs[n][0] = l->names[i];
		argvs[n][1] = "--version";
		argvs[n][2] = NULL;
		specs[n].artifact = artifacts[n];
		specs[n].argv = argvs[n];
		n++;
	}
	/* Said, so that a missing QEMU version has a reason in the bundle. */
	if (n == 0)
		nr_probe_note(ctx, "no QEMU system emulator (qemu-system-*, qemu-kvm) in /usr/bin, "
		              "/usr/local/bin, /usr/libexec, /usr/libexec/qemu or /bin");
	return nr_probe_cmds(ctx, specs, n);
}

/* One argument per line, quoted only where a shell would need it: the
 * form libvirt's logs use, which maintainers read every day. */
static char *render_cmdline(const char *buf, size_t len, size_t *out_len)
{
	/* Worst case per byte: a quote escaped as 4 bytes, or an empty argument
	 * costing quotes plus a 7-byte separator. */
	size_t cap = len * 14 + 64, n = 0, i;
	char *out = malloc(cap);
	const char *p = buf, *end = buf + len;

	if (!out)
		return NULL;
	while (p < end) {
		size_t alen = strnlen(p, (size_t)(end - p));
		bool plain = alen > 0;

		for (i = 0; i < alen; i++)
			plain = plain && (isalnum((unsigned char)p[i]) || strchr("-_=,.:/@+%", p[i]));
		if (n > 0)
			n += (size_t)snprintf(out + n, cap - n, " \\\n    ");
		if (plain) {
			memcpy(out + n, p, alen);
			n += alen;
		} else {
			out[n++] = '\'';
			for (i = 0; i < alen; i++) {
				if (p[i] == '\'') {
					memcpy(out + n, "'\\''", 4);
					n += 4;
				} else {
					out[n++] = p[i];
				}
			}
			out[n++] = '\'';
		}
		p += alen + 1;
	}
	out[n++] = '\n';
	*out_len = n;
	return out;
}

static int qemu_collect_process(struct nr_probe_ctx *ctx, const char *pid)
{
	char path[64], artifact[64];
	char *buf = NULL, *text = NULL;
	size_t len = 0, tlen = 0;
	int rc;

	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	rc = nr_probe_slurp(ctx, path, CMDLINE_CAP, &buf, &len);
	if (rc < 0 || len == 0 || !nr_qemu_is_binary(buf))
		goto out;
	snprintf(artifact, sizeof(artifact), "cmdline-%s", pid);
	rc = nr_probe_text(ctx, artifact, buf, len);
	text = render_cmdline(buf, len, &tlen);
	if (rc == 0 && text) {
		snprintf(artifact, sizeof(artifact), "cmdline-%s.txt", pid);
		rc = nr_probe_text(ctx, artifact, text, tlen);
	}
out:
	free(text);
	free(buf);
	return rc == -ETIMEDOUT ? rc : 0;
}

/* Which processes may be QEMU: the first 4 KiB of every command line,
 * scanned in one operation (one program over SSH, where reading each
 * costs a round trip and a program); argv[0] is at the start, so a QEMU
 * whose argv[0] names it shows the name there.  Only those are read in
 * full, and judged on what is read then. */
#define SCAN_CAP 4096

static int qemu_candidate(void *ud, size_t i, const char *data, size_t len)
{
	bool *hit = ud;

	if (memmem(data, len, "qemu-system", 11) || memmem(data, len, "qemu-kvm", 8))
		hit[i] = true;
	return 0;
}

static int qemu_collect_processes(struct nr_probe_ctx *ctx, struct name_list *l)
{
	size_t n = l->n ? l->n : 1, i;
	bool *hit = calloc(n, sizeof(*hit));
	const char **paths = calloc(n, sizeof(*paths));
	char (*bufs)[64] = calloc(n, sizeof(*bufs));
	int rc = 0;

	if (!hit || !paths || !bufs) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < l->n; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "/proc/%s/cmdline", l->names[i]);
		paths[i] = bufs[i];
	}
	rc = nr_probe_scan(ctx, paths, l->n, SCAN_CAP, qemu_candidate, hit);
	for (i = 0; i < l->n && rc == 0; i++)
		if (hit[i])
			rc = qemu_collect_process(ctx, l->names[i]);
out:
	free(hit);
	free(paths);
	free(bufs);
	return rc;
}

static int qemu_collect(struct nr_probe_ctx *ctx)
{
	struct name_list l = { NULL, 0, 0, NULL };
	int rc;

	l.cap = MAX_PROCS;
	l.names = calloc(l.cap, sizeof(*l.names));
	if (!l.names)
		return -ENOMEM;
	l.cap = MAX_BINARIES;
	rc = qemu_collect_versions(ctx, &l);
	l.n = 0;
	l.cap = MAX_PROCS;
	if (rc == 0 && nr_probe_list(ctx, "/proc", collect_pid, &l) < 0)
		rc = nr_probe_fail(ctx, EIO, "cannot list /proc");
	if (rc == 0)
		rc = qemu_collect_processes(ctx, &l);
	free(l.names);
	return rc;
}

static void qemu_parse_version(const struct nr_artifacts *arts, const char *name,
                               json_object *facts)
{
	char version[64];
	const char *buf;
	json_object *e;
	size_t len;

	buf = nr_artifacts_get(arts, name, &len);
	if (!buf || nr_version_extract(buf, len, "QEMU emulator version", version,
	                               sizeof(version)) < 0)
		return;
	e = json_object_new_object();
	json_object_object_add(e, "binary", json_object_new_string(name + strlen("version-")));
	json_object_object_add(e, "version", json_object_new_string(version));
	json_object_array_add(nr_facts_get(facts, "qemu.versions"), e);
}

static json_object *guest_json(const struct nr_qemu_guest *g, json_object *argv_arr, long pid)
{
	json_object *e = json_object_new_object(), *acc = json_object_new_array();
	json_object *fwd = json_object_new_array();
	int i;

	for (i = 0; i < g->accel_count; i++)
		json_object_array_add(acc, json_object_new_string(nr_accel_name(g->accel[i])));
	for (i = 0; i < g->hostfwd_count; i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "host_port", json_object_new_int(g->hostfwd[i].host_port));
		json_object_object_add(f, "guest_port", json_object_new_int(g->hostfwd[i].guest_port));
		json_object_array_add(fwd, f);
	}
	json_object_object_add(e, "source", json_object_new_string("process"));
	json_object_object_add(e, "pid", json_object_new_int64(pid));
	json_object_object_add(e, "binary", nr_json_str_or_null(g->binary));
	json_object_object_add(e, "name", nr_json_str_or_null(g->name));
	json_object_object_add(e, "accel", acc);
	json_object_object_add(e, "accel_defaulted", json_object_new_boolean(g->accel_defaulted));
	json_object_object_add(e, "cpu_model", nr_json_str_or_null(g->cpu_model));
	json_object_object_add(e, "virt_ext_exposed", nr_json_tri(g->virt_ext_exposed));
	json_object_object_add(e, "machine", nr_json_str_or_null(g->machine));
	json_object_object_add(e, "cap_nested_hv", nr_json_tri(g->cap_nested_hv));
	json_object_object_add(e, "hostfwd", fwd);
	json_object_object_add(e, "argv", argv_arr);
	return e;
}

#define MAX_ARGS 4096

static void qemu_parse_process(const struct nr_artifacts *arts, const char *name,
                               json_object *facts)
{
	const char **argv = NULL;
	struct nr_qemu_guest g;
	json_object *arr, *e;
	const char *buf, *p, *end;
	size_t len, argc = 0;

	buf = nr_artifacts_get(arts, name, &len);
	if (!buf || !(argv = calloc(MAX_ARGS, sizeof(*argv))))
		return;
	arr = json_object_new_array();
	for (p = buf, end = buf + len; p < end && argc < MAX_ARGS; argc++) {
		size_t alen = strnlen(p, (size_t)(end - p));

		argv[argc] = p;
		json_object_array_add(arr, json_object_new_string_len(p, (int)alen));
		p += alen + 1;
	}
	if (argc > 0 && nr_qemu_argv_parse(argv, argc, &g) == 0) {
		const char *vendor = nr_facts_str(facts, "cpu.vendor");   /* the cpu probe's */

		/* An svm-only model under KVM: this host's vendor settles it. */
		nr_qemu_guest_settle(&g, !vendor ? -1 : strcmp(vendor, "AuthenticAMD") == 0 ||
		                                          strcmp(vendor, "HygonGenuine") == 0);
		e = guest_json(&g, arr, strtol(name + strlen("cmdline-"), NULL, 10));
		json_object_array_add(nr_facts_get(facts, "guests"), e);
		nr_facts_evidence(facts, "guests", nr_artifacts_path(arts, name), g.name);
	} else {
		json_object_put(arr);
	}
	free(argv);
}

static void qemu_parse(const struct nr_artifacts *arts, json_object *facts)
{
	const char *name;
	size_t i;

	for (i = 0; (name = nr_artifacts_name(arts, i)) != NULL; i++) {
		if (strncmp(name, "version-", 8) == 0)
			qemu_parse_version(arts, name, facts);
		else if (strncmp(name, "cmdline-", 8) == 0 && !strchr(name, '.'))
			qemu_parse_process(arts, name, facts);
	}
}

const struct nr_probe nr_probe_qemu = {
	.name = "qemu",
	.summary = "QEMU versions and the command line of every running QEMU process",
	.arches = NR_ARCH_ANY,
	.collect = qemu_collect,
	.parse = qemu_parse,
};
