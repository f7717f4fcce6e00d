/* SPDX-License-Identifier: MIT */
/* Kernel identity: `uname -a`, /proc/version and the boot command line;
 * and the machine's name: uname's node name, else (a captured tree with no
 * uname, a util-linux dump) /proc/sys/kernel/hostname, else /etc/hostname.
 * A replay names the captured machine by it, never the one replaying. */
#include "level/facts.h"
#include "probes.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void nr_probe_first_line(const char *buf, size_t len, char *out, size_t outlen)
{
	size_t n = 0;

	while (len > 0 && (*buf == ' ' || *buf == '\t')) {
		buf++;
		len--;
	}
	while (n < len && buf[n] != '\n' && buf[n] != '\0' && n + 1 < outlen)
		n++;
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r'))
		n--;
	memcpy(out, buf, n);
	out[n] = '\0';
}

static int kernel_collect(struct nr_probe_ctx *ctx)
{
	static const char *const uname_argv[] = { "uname", "-a", NULL };
	struct nr_probe_file_spec files[] = { { "proc-version", "/proc/version", 0 },
	                                      { "proc-cmdline", "/proc/cmdline", 0 },
	                                      { "proc-hostname", "/proc/sys/kernel/hostname", 0 },
	                                      { "etc-hostname", "/etc/hostname", 0 } };
	int rc;

	rc = nr_probe_cmd(ctx, "uname-a", uname_argv, NULL);
	if (rc == -ETIMEDOUT)
		return rc;
	nr_probe_files(ctx, files, sizeof(files) / sizeof(files[0]));
	if (rc < 0 && files[0].rc < 0)
		return nr_probe_fail(ctx, ENOENT, "neither uname nor /proc/version is available");
	return 0;
}

/* A host name fit to name a machine and a bundle file: 1 to 64 bytes (the
 * kernel's limit) of letters, digits, '.', '_' and '-', not starting with
 * '-' or '.'.  Anything else from a captured tree is no name. */
static bool hostname_ok(const char *h)
{
	size_t i, n = strlen(h);

	if (n == 0 || n > 64 || h[0] == '-' || h[0] == '.')
		return false;
	for (i = 0; i < n; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') ||
		      (h[i] >= '0' && h[i] <= '9') || h[i] == '.' || h[i] == '_' || h[i] == '-'))
			return false;
	return true;
}

/* The first line of a hostname file that is neither empty nor a comment
 * (hostname(5)), trimmed. */
static void hostname_file(const char *buf, size_t len, char *out, size_t outlen)
{
	size_t pos = 0;

	out[0] = '\0';
	while (pos < len && !out[0]) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;

		nr_probe_first_line(buf + pos, end - pos, out, outlen);
		if (out[0] == '#')
			out[0] = '\0';
		pos = end + 1;
	}
}

/* The node name: uname's, else the captured files' (the first that holds
 * a valid name), with where it came from. */
static void kernel_hostname(const struct nr_artifacts *arts, json_object *facts,
                            const char *uname_host)
{
	static const char *const files[] = { "proc-hostname", "etc-hostname" };
	char host[128];
	const char *buf;
	size_t len, i;

	if (uname_host[0] && hostname_ok(uname_host)) {
		nr_facts_set(facts, "hostname", json_object_new_string(uname_host));
		nr_facts_evidence(facts, "hostname", nr_artifacts_path(arts, "uname-a"), "uname -n");
		return;
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		buf = nr_artifacts_get(arts, files[i], &len);
		if (!buf)
			continue;
		hostname_file(buf, len, host, sizeof(host));
		if (!hostname_ok(host))
			continue;
		nr_facts_set(facts, "hostname", json_object_new_string(host));
		nr_facts_evidence(facts, "hostname", nr_artifacts_path(arts, files[i]),
		                  i == 0 ? "/proc/sys/kernel/hostname" : "/etc/hostname");
		return;
	}
}

static void kernel_parse(const struct nr_artifacts *arts, json_object *facts)
{
	/* The command line can be 2048 bytes (x86) or 4096 (arm64, s390). */
	char line[4096], release[128] = "", host[128] = "";
	const char *buf;
	size_t len;

	buf = nr_artifacts_get(arts, "uname-a", &len);
	if (buf) {
		/* "Linux HOST RELEASE #..." */
		nr_probe_first_line(buf, len, line, sizeof(line));
		if (sscanf(line, "%*s %127s %127s", host, release) == 2)
			nr_facts_set(facts, "kernel.release", nr_json_str_or_null(release));
		else
			host[0] = '\0';
	}
	kernel_hostname(arts, facts, host);
	buf = nr_artifacts_get(arts, "proc-version", &len);
	if (buf) {
		nr_probe_first_line(buf, len, line, sizeof(line));
		nr_facts_set(facts, "kernel.version", nr_json_str_or_null(line));
		/* "Linux version RELEASE (...": a fallback when uname is absent. */
		if (!release[0] && sscanf(line, "Linux version %127s", release) == 1)
			nr_facts_set(facts, "kernel.release", nr_json_str_or_null(release));
	}
	buf = nr_artifacts_get(arts, "proc-cmdline", &len);
	if (buf) {
		nr_probe_first_line(buf, len, line, sizeof(line));
		nr_facts_set(facts, "kernel.cmdline", nr_json_str_or_null(line));
	}
}

const struct nr_probe nr_probe_kernel = {
	.name = "kernel",
	.summary = "kernel release and build (uname -a, /proc/version, /proc/cmdline) and the host "
	           "name (/proc/sys/kernel/hostname, /etc/hostname)",
	.arches = NR_ARCH_ANY,
	.collect = kernel_collect,
	.parse = kernel_parse,
};
