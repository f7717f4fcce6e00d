/* SPDX-License-Identifier: MIT */
/* The distribution: /etc/os-release, else /usr/lib/os-release (the
 * fallback os-release(5) prescribes).  A maintainer's first question after
 * "which kernel" is "which distribution and release", because the same
 * QEMU version carries different backports on each. */
#include "level/facts.h"
#include "parse_osrel.h"
#include "probes.h"

#include <errno.h>

static int os_collect(struct nr_probe_ctx *ctx)
{
	int rc = nr_probe_file(ctx, "os-release", "/etc/os-release");

	if (rc == -ENOENT)
		rc = nr_probe_file(ctx, "os-release", "/usr/lib/os-release");
	if (rc == -ENOENT)
		return nr_probe_skip(ctx, "no /etc/os-release or /usr/lib/os-release");
	return rc;
}

static void os_parse(const struct nr_artifacts *arts, json_object *facts)
{
	struct nr_os_release os;
	const char *buf, *path;
	size_t len;

	buf = nr_artifacts_get(arts, "os-release", &len);
	if (!buf || nr_os_release_parse(buf, len, &os) < 0)
		return;
	path = nr_artifacts_path(arts, "os-release");
	nr_facts_set(facts, "os.id", nr_json_str_or_null(os.id));
	nr_facts_set(facts, "os.id_like", nr_json_str_or_null(os.id_like));
	nr_facts_set(facts, "os.version_id", nr_json_str_or_null(os.version_id));
	nr_facts_set(facts, "os.pretty_name", nr_json_str_or_null(os.pretty_name));
	if (os.pretty_name[0] || os.id[0])
		nr_facts_evidence(facts, "os.id", path, os.pretty_name[0] ? os.pretty_name : os.id);
}

const struct nr_probe nr_probe_os = {
	.name = "os",
	.summary = "the distribution and its release (/etc/os-release)",
	.arches = NR_ARCH_ANY,
	.collect = os_collect,
	.parse = os_parse,
};
