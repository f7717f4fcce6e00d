/* SPDX-License-Identifier: MIT */
/* Mandatory access control: whether SELinux is enforcing and AppArmor
 * enabled, the active LSMs, and the denials of QEMU and libvirt since
 * boot.  A guest that cannot open its disk, its vhost device or
 * /dev/kvm because of a label or a profile fails in ways that look like
 * virtualization bugs ("could not open /dev/kvm: Permission denied");
 * the denial in the audit log is the proof.
 *
 * Denials come from the audit log (ausearch, root only, when auditd
 * keeps one) and from the kernel log, where the kernel writes them when
 * no audit daemon runs: the dmesg probe's parse() adds those, and both go
 * through nr_security_add_denials(), de-duplicated by audit serial. */
#include "level/facts.h"
#include "parse_mac.h"
#include "parse_text.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DENIALS_KEPT 32
#define MAX_DENIALS_PARSED 1024
#define AUDIT_LOG "/var/log/audit/audit.log"

static const char *const ausearch_argv[] = { "ausearch", "-m", "AVC,USER_AVC", "-ts", "boot",
	                                     NULL };

static int security_collect(struct nr_probe_ctx *ctx)
{
	static const char *const getenforce_argv[] = { "getenforce", NULL };
	static const struct { const char *artifact, *path; } files[] = {
		{ "lsm", "/sys/kernel/security/lsm" },
		{ "selinux-enforce", "/sys/fs/selinux/enforce" },
		{ "apparmor-enabled", "/sys/module/apparmor/parameters/enabled" },
		{ "apparmor-profiles", "/sys/kernel/security/apparmor/profiles" },
	};
	struct nr_probe_cmd_spec specs[2];
	bool exists = false, chr, rw;
	size_t n = 0, i, stored = 0;
	int rc = 0;

	for (i = 0; i < sizeof(files) / sizeof(files[0]) && rc != -ETIMEDOUT; i++) {
		rc = nr_probe_file(ctx, files[i].artifact, files[i].path);
		stored += rc == 0;
	}
	if (rc == -ETIMEDOUT)
		return rc;
	if (nr_probe_has(ctx, "getenforce"))
		specs[n++] = (struct nr_probe_cmd_spec){ "getenforce", getenforce_argv, 0, -1 };
	/* ausearch reads the audit log, which only root may; exit 1 with no
	 * output means "no matches" once the log is known to exist. */
	if (nr_probe_is_root(ctx) != 1)
		nr_probe_note(ctx, "audit log not searched: needs root");
	else if (nr_probe_path_info(ctx, AUDIT_LOG, &exists, &chr, &rw) == 0 && exists &&
	         nr_probe_has(ctx, "ausearch"))
		specs[n++] = (struct nr_probe_cmd_spec){ "ausearch-avc", ausearch_argv, 0, -1,
		                                         "no denial since boot" };
	else
		nr_probe_note(ctx, "no audit log (%s) or no ausearch: denials from the kernel log only",
		              AUDIT_LOG);
	rc = nr_probe_cmds(ctx, specs, n);
	for (i = 0; i < n; i++)
		stored += specs[i].rc == 0;
	if (rc < 0)
		return rc;
	if (stored == 0)
		return nr_probe_skip(ctx, "no LSM interface (securityfs, selinuxfs, AppArmor) here");
	return 0;
}

static json_object *denial_json(const struct nr_mac_denial *d, const char *from)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "lsm", json_object_new_string(d->lsm));
	json_object_object_add(o, "comm", nr_json_str_or_null(d->comm));
	json_object_object_add(o, "what", nr_json_str_or_null(d->what));
	json_object_object_add(o, "target", nr_json_str_or_null(d->target));
	json_object_object_add(o, "subject", nr_json_str_or_null(d->subject));
	json_object_object_add(o, "stamp", nr_json_str_or_null(d->stamp));
	json_object_object_add(o, "source", json_object_new_string(from));
	return o;
}

static bool seen_stamp(json_object *list, const char *stamp)
{
	size_t i;

	for (i = 0; stamp[0] && i < json_object_array_length(list); i++) {
		const char *s = json_object_get_string(
			json_object_object_get(json_object_array_get_idx(list, i), "stamp"));

		if (s && strcmp(s, stamp) == 0)
			return true;
	}
	return false;
}

void nr_security_add_denials(const char *buf, size_t len, const char *from,
                             const char *artifact_path, json_object *facts)
{
	struct nr_mac_denial *d = calloc(MAX_DENIALS_PARSED, sizeof(*d));
	json_object *list = nr_facts_get(facts, "security.denials");
	json_object *checked = nr_facts_get(facts, "security.denials_checked");
	size_t n, i, added = 0, total;
	char detail[128];

	if (!d)
		return;
	if (!json_object_is_type(list, json_type_array)) {
		list = json_object_new_array();
		nr_facts_set(facts, "security.denials", list);
		checked = json_object_new_array();
		nr_facts_set(facts, "security.denials_checked", checked);
		nr_facts_set(facts, "security.denials_total", json_object_new_int(0));
	}
	json_object_array_add(checked, json_object_new_string(from));
	n = nr_mac_denials_parse(buf, len, d, MAX_DENIALS_PARSED);
	total = (size_t)json_object_get_int(nr_facts_get(facts, "security.denials_total"));
	for (i = 0; i < n && i < MAX_DENIALS_PARSED; i++) {
		if (!nr_mac_denial_is_virt(&d[i]) || seen_stamp(list, d[i].stamp))
			continue;
		added++;
		if (json_object_array_length(list) < MAX_DENIALS_KEPT)
			json_object_array_add(list, denial_json(&d[i], from));
	}
	total += added;
	nr_facts_set(facts, "security.denials_total", json_object_new_int((int)total));
	snprintf(detail, sizeof(detail), "%zu denial%s of QEMU or libvirt in the %s", added,
	         added == 1 ? "" : "s", from);
	nr_facts_evidence(facts, "security.denials", artifact_path, detail);
	free(d);
}

static void security_parse_modes(const struct nr_artifacts *arts, json_object *facts)
{
	char value[64], lsm[256] = "";
	const char *buf, *mode = NULL, *from = NULL;
	size_t len;
	bool have_lsm = false;

	if ((buf = nr_artifacts_get(arts, "lsm", &len))) {
		nr_probe_first_line(buf, len, lsm, sizeof(lsm));
		have_lsm = true;
		nr_facts_set(facts, "security.lsm", nr_json_str_or_null(lsm));
	}
	if ((buf = nr_artifacts_get(arts, "getenforce", &len))) {
		nr_probe_first_line(buf, len, value, sizeof(value));
		mode = strcasecmp(value, "Enforcing") == 0    ? "enforcing"
		       : strcasecmp(value, "Permissive") == 0 ? "permissive"
		       : strcasecmp(value, "Disabled") == 0   ? "disabled"
		                                              : NULL;
		from = "getenforce";
	}
	if (!mode && (buf = nr_artifacts_get(arts, "selinux-enforce", &len))) {
		nr_probe_first_line(buf, len, value, sizeof(value));
		mode = strcmp(value, "1") == 0 ? "enforcing" : strcmp(value, "0") == 0 ? "permissive" : NULL;
		from = "selinux-enforce";
	}
	if (!mode && have_lsm && !strstr(lsm, "selinux")) {
		mode = "disabled";
		from = "lsm";
	}
	if (mode) {
		nr_facts_set(facts, "security.selinux", json_object_new_string(mode));
		nr_facts_evidence(facts, "security.selinux", nr_artifacts_path(arts, from), mode);
	}
	/* AppArmor's module parameter says Y when built in, even when
	 * another LSM was chosen at boot: the active list decides first. */
	mode = NULL;
	if (have_lsm && !strstr(lsm, "apparmor")) {
		mode = "disabled";
		from = "lsm";
		snprintf(value, sizeof(value), "%.63s", lsm);
	} else if ((buf = nr_artifacts_get(arts, "apparmor-enabled", &len))) {
		nr_probe_first_line(buf, len, value, sizeof(value));
		mode = value[0] == 'Y' ? "enabled" : value[0] == 'N' ? "disabled" : NULL;
		from = "apparmor-enabled";
	}
	if (mode) {
		nr_facts_set(facts, "security.apparmor", json_object_new_string(mode));
		nr_facts_evidence(facts, "security.apparmor", nr_artifacts_path(arts, from), value);
	}
}

static void security_parse(const struct nr_artifacts *arts, json_object *facts)
{
	const char *buf;
	size_t len;

	security_parse_modes(arts, facts);
	if ((buf = nr_artifacts_get(arts, "ausearch-avc", &len)))
		nr_security_add_denials(buf, len, "audit log", nr_artifacts_path(arts, "ausearch-avc"),
		                        facts);
}

const struct nr_probe nr_probe_security = {
	.name = "security",
	.summary = "SELinux and AppArmor state, and their denials of QEMU and libvirt since boot",
	.arches = NR_ARCH_ANY,
	.collect = security_collect,
	.parse = security_parse,
};
