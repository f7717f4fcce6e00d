/* SPDX-License-Identifier: MIT */
/* Kernel identity: `uname -a`, /proc/version and the boot command line. */
#include "level/facts.h"
#include "probes.h"

#include <errno.h>
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
	                                      { "proc-cmdline", "/proc/cmdline", 0 } };
	int rc;

	rc = nr_probe_cmd(ctx, "uname-a", uname_argv, NULL);
	if (rc == -ETIMEDOUT)
		return rc;
	nr_probe_files(ctx, files, 2);
	if (rc < 0 && files[0].rc < 0)
		return nr_probe_fail(ctx, ENOENT, "neither uname nor /proc/version is available");
	return 0;
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
		if (sscanf(line, "%*s %127s %127s", host, release) == 2) {
			nr_facts_set(facts, "kernel.release", nr_json_str_or_null(release));
			nr_facts_set(facts, "hostname", nr_json_str_or_null(host));
		}
	}
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
	.summary = "kernel release and build (uname -a, /proc/version, /proc/cmdline)",
	.arches = NR_ARCH_ANY,
	.collect = kernel_collect,
	.parse = kernel_parse,
};
