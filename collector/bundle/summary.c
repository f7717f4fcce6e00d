/* SPDX-License-Identifier: MIT */
#include "summary.h"
#include "level/facts.h"
#include "findings/findings.h"
#include "findings/mlevel.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable string capped at 1 MiB: a summary is a page, not a log. */
struct text {
	char *buf;
	size_t len, cap;
	int oom;
};

#define SUMMARY_CAP (1024 * 1024)

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->oom = 1;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		if (t->cap * 2 > SUMMARY_CAP) {
			t->oom = 1;
			return;
		}
		char *nb = realloc(t->buf, t->cap * 2);
		if (!nb) {
			t->oom = 1;
			return;
		}
		t->buf = nb;
		t->cap *= 2;
	}
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

void nr_summary_level_line(json_object *facts, char *out, size_t outlen)
{
	json_object *qv = nr_facts_get(facts, "qemu.versions");
	const char *qemu = NULL, *role = nr_facts_str(facts, "virt.role");
	const char *hv = nr_facts_str(facts, "virt.hypervisor");
	int avail = nr_facts_bool(facts, "kvm.available");
	int nested = nr_facts_bool(facts, "kvm.nested"), depth;
	char virt[80];

	if (json_object_is_type(qv, json_type_array) && json_object_array_length(qv) > 0)
		qemu = json_object_get_string(
			json_object_object_get(json_object_array_get_idx(qv, 0), "version"));
	depth = nr_mlevel_sysinfo_depth(facts);
	/* A firmware partition is a host (docs/detection.md); sysinfo tells
	 * an s390 guest's depth outright. */
	if (nr_mlevel_firmware_hv(facts))
		snprintf(virt, sizeof(virt), "host, in an LPAR of %s", nr_mlevel_firmware_hv(facts));
	else if (role && strcmp(role, "guest") == 0 && depth > 0)
		snprintf(virt, sizeof(virt), "guest of %s, L%d by /proc/sysinfo", or_dash(hv), depth);
	else if (role && strcmp(role, "guest") == 0)
		snprintf(virt, sizeof(virt), "guest of %s", or_dash(hv));
	else
		snprintf(virt, sizeof(virt), "%s", role ? role : "role unknown");
	snprintf(out, outlen, "%s, kernel %s, %s, QEMU %s, libvirt %s, KVM %s (%s), nested %s",
	         or_dash(nr_facts_str(facts, "arch")), or_dash(nr_facts_str(facts, "kernel.release")),
	         virt, or_dash(qemu), or_dash(nr_facts_str(facts, "libvirt.version")),
	         avail == 1 ? "usable" : avail == 0 ? "unavailable" : "unknown",
	         or_dash(nr_facts_str(facts, "kvm.module")),
	         nested == 1 ? "on" : nested == 0 ? "off" : "unknown");
}

/* Guests seen on a level; the ones no reached level matched are marked, so
 * the reporter sees what else could have been collected. */
static void summary_guests(struct text *t, json_object *facts, int indent)
{
	json_object *guests = nr_facts_get(facts, "guests");
	size_t i, n = json_object_is_type(guests, json_type_array) ? json_object_array_length(guests) : 0;

	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(guests, i), *acc;
		const char *vx, *reached;

		acc = json_object_object_get(g, "accel");
		vx = json_object_get_string(json_object_object_get(g, "virt_ext_exposed"));
		reached = json_object_get_string(json_object_object_get(g, "level"));
		text_add(t, "%*s%s guest %s (pid %s): accel %s, cpu %s, virt ext exposed %s%s%s\n",
		         indent, "", reached ? "+" : "*",
		         or_dash(json_object_get_string(json_object_object_get(g, "name"))),
		         or_dash(json_object_get_string(json_object_object_get(g, "pid"))),
		         json_object_array_length(acc) > 0 ? json_object_to_json_string_ext(acc, JSON_C_TO_STRING_PLAIN) : "-",
		         or_dash(json_object_get_string(json_object_object_get(g, "cpu_model"))),
		         vx ? vx : "unknown", reached ? "; reached as " : "; seen, not reached",
		         reached ? reached : "");
	}
}

static void summary_level(struct text *t, struct nr_level *lv)
{
	int indent = lv->depth * 2 + 4;
	char line[512];
	size_t i;

	nr_summary_level_line(lv->facts, line, sizeof(line));
	text_add(t, "%*s%s [%s%s%s] %s: %s\n", lv->depth * 2, "", lv->id, lv->kind,
	         lv->target ? " " : "", lv->target ? lv->target : "", lv->status,
	         lv->n_results ? line : "not collected");
	for (i = 0; i < json_object_array_length(lv->errors); i++)
		text_add(t, "%*serror: %s\n", indent, "",
		         json_object_get_string(json_object_array_get_idx(lv->errors, i)));
	if (lv->match && json_object_object_get(lv->match, "by"))
		text_add(t, "%*sis guest %s (pid %s) of %s: %s\n", indent, "",
		         or_dash(json_object_get_string(json_object_object_get(lv->match, "guest_name"))),
		         or_dash(json_object_get_string(json_object_object_get(lv->match, "guest_pid"))),
		         /* its parent's, or its host's when reached at 10.0.2.2 */
		         or_dash(json_object_get_string(json_object_object_get(lv->match, "guest_of"))),
		         json_object_get_string(json_object_object_get(lv->match, "detail")));
	else if (lv->match)
		text_add(t, "%*s%s\n", indent, "",
		         json_object_get_string(json_object_object_get(lv->match, "detail")));
	summary_guests(t, lv->facts, indent);
	for (i = 0; i < lv->n_results; i++) {
		struct nr_probe_result *r = &lv->results[i];

		if (r->status == NR_PROBE_OK)
			continue;
		text_add(t, "%*s%-11s %-9s %s\n", indent, "", nr_probe_status_name(r->status),
		         r->probe->name, or_dash(r->error));
	}
}

/* virt-host-validate style: one line per finding, fail first. */
static void summary_findings(struct text *t, json_object *findings)
{
	size_t i, n = json_object_is_type(findings, json_type_array) ? json_object_array_length(findings) : 0;
	unsigned counts[NR_SEV_COUNT];
	char line[2600];

	nr_findings_count(findings, counts);
	if (n == 0) {
		text_add(t, "\nFindings: none\n");
		return;
	}
	text_add(t, "\nFindings: %u fail, %u warn, %u info (docs/findings.md explains each id)\n",
	         counts[NR_SEV_FAIL], counts[NR_SEV_WARN], counts[NR_SEV_INFO]);
	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);

		nr_findings_format_line(f, line, sizeof(line));
		text_add(t, "%s [%s]\n", line, or_dash(json_object_get_string(json_object_object_get(f, "id"))));
	}
}

char *nr_summary_render(const struct nr_run_info *run, struct nr_level *levels, size_t n_levels,
                        size_t *len)
{
	struct text t = { malloc(4096), 0, 4096, 0 };
	unsigned counts[NR_PROBE_STATUS_COUNT];
	size_t i, scrubbed, artifacts;
	char when[32];

	if (!t.buf)
		return NULL;
	nr_time_format_utc(run->created, when, sizeof(when));
	nr_manifest_totals(levels, n_levels, counts, &scrubbed, &artifacts);
	text_add(&t, "nest-report %s bundle from %s, created %s\n", NR_VERSION, run->host, when);
	if (run->replay_host)
		text_add(&t, "Replayed on %s from a captured tree of %s (kernel %s): the facts are "
		         "the captured machine's\n", run->replay_host, run->host,
		         or_dash(n_levels ? nr_facts_str(levels[0].facts, "kernel.release") : NULL));
	if (run->case_id || run->label)
		text_add(&t, "Case: %s%s%s%s\n", run->case_id ? run->case_id : "none",
		         run->label ? " (label: " : "", run->label ? run->label : "", run->label ? ")" : "");
	text_add(&t, "\n");
	text_add(&t, "Levels (+ guest reached as a level, * guest seen but not reached):\n");
	for (i = 0; i < n_levels; i++)
		summary_level(&t, &levels[i]);
	summary_findings(&t, run->findings);
	text_add(&t, "\nProbes: %u ok, %u failed, %u timeout, %u skipped, %u unsupported\n",
	         counts[NR_PROBE_OK], counts[NR_PROBE_FAILED], counts[NR_PROBE_TIMEOUT],
	         counts[NR_PROBE_SKIPPED], counts[NR_PROBE_UNSUPPORTED]);
	text_add(&t, "Artifacts: %zu; secret values scrubbed: %zu\n", artifacts, scrubbed);
	for (i = 0; i < n_levels; i++)
		if (levels[i].is_root == 0) {
			text_add(&t, "Level %s was collected without root: re-run with sudo for "
			             "dmesg, dmidecode and x86info.\n", levels[i].id);
		}
	if (t.oom) {
		free(t.buf);
		return NULL;
	}
	*len = t.len;
	return t.buf;
}
