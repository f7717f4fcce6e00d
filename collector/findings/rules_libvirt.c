/* SPDX-License-Identifier: MIT */
/* libvirt itself: what a level's libvirt could not give the report.  The
 * kernel document asks for the libvirt version and the libvirt-generated
 * QEMU command lines of every level; the domains' XML is how a maintainer
 * reads them.  When virsh cannot reach libvirtd, all of that is gone while
 * the probe's other outputs (the daemon's version, the domain logs) are
 * still there: the report must say so, not leave a gap. */
#include "rule.h"

#include <stdio.h>
#include <string.h>

/* virsh's own words: the last "error: " line of its stderr (the first is
 * only "failed to connect to the hypervisor"), at most 200 bytes. */
static void virsh_error(const char *stderr_text, int code, char *out, size_t outlen)
{
	const char *p, *line = NULL;
	size_t n;

	for (p = stderr_text; p && (p = strstr(p, "error: ")); p += 7)
		line = p + 7;
	if (!line) {
		snprintf(out, outlen, "virsh -r version exited %d", code);
		return;
	}
	n = strcspn(line, "\n");
	snprintf(out, outlen, "%.*s", (int)(n > 200 ? 200 : n), line);
}

static enum nr_rule_verdict check_daemon(struct nr_rule_ctx *c)
{
	json_object *a = nr_mlevel_artifact(c->level, "libvirt", "virsh-version");
	json_object *exit_code = nr_mlevel_member(a, "exit_code", json_type_int);
	char error[256];
	json_object *ev;
	int code;

	/* No virsh run (not installed, probe left out) or no exit code (timed
	 * out: the probe's status says it): nothing to judge. */
	if (!exit_code || (code = json_object_get_int(exit_code)) == 0)
		return NR_RULE_PASS;
	virsh_error(nr_mlevel_string(a, "stderr"), code, error, sizeof(error));
	ev = json_object_new_array();
	nr_rule_ev_artifact(ev, c->level, "libvirt", "virsh-version", "virsh -r version exited %d: %s",
	                    code, error);
	return nr_rule_fire(c, ev, "error", error,
	                    "logs", nr_mlevel_has_artifact_prefix(c->level, "libvirt", "log-")
	                            ? "; the domain logs in /var/log/libvirt/qemu were still read"
	                            : "", NULL);
}

#define SRC_GENERIC NR_SRC_KDOC "`Reporting bugs from nested setups`, `Information to collect (generic)`"

static const struct nr_rule rules[] = {
	{
		.id = "libvirt-daemon-unreachable",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_ANY,
		.title = "virsh could not reach libvirtd: the domains' XML and capabilities are missing",
		.inputs = "the libvirt probe's virsh-version artifact (exit code, stderr)",
		.message = "virsh on {level} could not reach libvirtd ({error}): the guests' domain XML "
		           "and libvirt's capabilities are missing from the report{logs}",
		.hint = "start libvirtd on {level} (systemctl start libvirtd, or the virtqemud socket "
		        "where libvirt runs modular daemons), or set LIBVIRT_DEFAULT_URI to the URI "
		        "its guests use, then re-run nest-report",
		.source = SRC_GENERIC,
		.check = check_daemon,
	},
};

const struct nr_rule_group nr_rules_libvirt = NR_RULE_GROUP("libvirt", rules);
