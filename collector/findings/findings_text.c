/* SPDX-License-Identifier: MIT */
/* Findings and rules as text: severity and scope names, counts, and the
 * virt-host-validate style line of summary.txt, `collect` and `show`. */
#include "rule.h"

#include <stdio.h>
#include <string.h>

const char *nr_severity_name(enum nr_severity s)
{
	static const char *const names[] = { "fail", "warn", "info" };

	return (unsigned)s < NR_SEV_COUNT ? names[s] : "info";
}

enum nr_severity nr_findings_severity(json_object *finding)
{
	const char *s = nr_mlevel_string(finding, "severity");
	int i;

	for (i = 0; s && i < NR_SEV_COUNT; i++)
		if (strcmp(s, nr_severity_name((enum nr_severity)i)) == 0)
			return (enum nr_severity)i;
	return NR_SEV_INFO;
}

const char *nr_rule_scope_text(enum nr_rule_scope s)
{
	static const char *const names[] = {
		"L0 (the host)", "L1 (a guest hypervisor)", "every level reached",
		"every level and its parent", "every level, reached or not",
	};

	return (unsigned)s < NR_SCOPE_COUNT ? names[s] : "?";
}

void nr_findings_count(json_object *findings, unsigned counts[NR_SEV_COUNT])
{
	size_t i, n = json_object_is_type(findings, json_type_array) ? json_object_array_length(findings) : 0;

	memset(counts, 0, sizeof(unsigned) * NR_SEV_COUNT);
	for (i = 0; i < n; i++)
		counts[nr_findings_severity(json_object_array_get_idx(findings, i))]++;
}

void nr_findings_format_line(json_object *finding, char *out, size_t outlen)
{
	static const char *const tags[] = { "FAIL", "WARN", "INFO" };
	const char *level = nr_mlevel_string(finding, "level");
	const char *message = nr_mlevel_string(finding, "message");
	const char *hint = nr_mlevel_string(finding, "hint");
	json_object *cause = nr_mlevel_member(finding, "explained_by", json_type_object);
	const char *cid = nr_mlevel_string(cause, "id"), *clevel = nr_mlevel_string(cause, "level");
	char because[160] = "";

	/* Said first: the reader goes to the cause, listed just above. */
	if (cid && clevel)
		snprintf(because, sizeof(because), "(follows from %s on %s) ", cid, clevel);
	snprintf(out, outlen, "%s %s: %s%s%s%s", tags[nr_findings_severity(finding)],
	         level ? level : "run", because, message ? message : "?",
	         hint && *hint ? " \u2014 hint: " : "", hint ? hint : "");
}
