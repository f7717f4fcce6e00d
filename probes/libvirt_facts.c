/* SPDX-License-Identifier: MIT */
/* The libvirt probe's facts beyond its version (libvirt.c): the
 * host-model CPU of domcapabilities, virt-host-validate's warnings, and
 * per domain its type, whether it runs, QMP's query-kvm answer and the
 * lines of its log that say KVM was not used. */
#include "level/facts.h"
#include "parse_virsh.h"
#include "probes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DOMAINS 64
#define MAX_VALIDATE 32

void nr_libvirt_parse_host(const struct nr_artifacts *arts, json_object *facts)
{
	struct nr_validate_item *items = calloc(MAX_VALIDATE, sizeof(*items));
	struct nr_host_model hm;
	json_object *o, *list;
	const char *buf;
	char detail[160];
	size_t len, n, i;

	buf = nr_artifacts_get(arts, "domcapabilities.xml", &len);
	if (buf && nr_domcaps_host_model(buf, len, &hm) == 0) {
		o = json_object_new_object();
		json_object_object_add(o, "supported", nr_json_tri(hm.supported));
		json_object_object_add(o, "domain", nr_json_str_or_null(hm.domain));
		json_object_object_add(o, "model", nr_json_str_or_null(hm.model));
		json_object_object_add(o, "vendor", nr_json_str_or_null(hm.vendor));
		json_object_object_add(o, "vmx", nr_json_tri(hm.vmx));
		json_object_object_add(o, "svm", nr_json_tri(hm.svm));
		nr_facts_set(facts, "libvirt.host_model", o);
		snprintf(detail, sizeof(detail), "host-model %s (%s domains): vmx %s, svm %s",
		         hm.model[0] ? hm.model : "?", hm.domain[0] ? hm.domain : "?",
		         hm.vmx == NR_TRI_TRUE ? "yes" : hm.vmx == NR_TRI_FALSE ? "no" : "?",
		         hm.svm == NR_TRI_TRUE ? "yes" : hm.svm == NR_TRI_FALSE ? "no" : "?");
		nr_facts_evidence(facts, "libvirt.host_model", nr_artifacts_path(arts, "domcapabilities.xml"),
		                  detail);
	}
	buf = nr_artifacts_get(arts, "virt-host-validate", &len);
	if (buf && items) {
		n = nr_host_validate_parse(buf, len, items, MAX_VALIDATE);
		list = json_object_new_array();
		for (i = 0; i < n; i++) {
			o = json_object_new_object();
			json_object_object_add(o, "check", nr_json_str_or_null(items[i].check));
			json_object_object_add(o, "result", json_object_new_string(items[i].result));
			json_object_object_add(o, "detail", nr_json_str_or_null(items[i].detail));
			json_object_array_add(list, o);
		}
		nr_facts_set(facts, "libvirt.host_validate", list);
	}
	free(items);
}

size_t nr_libvirt_names(const char *buf, size_t len, char (*names)[256], size_t max)
{
	const char *p, *end;
	size_t n = 0;

	for (p = buf, end = buf ? buf + len : NULL; p && p < end && n < max;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t nlen = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (nlen > 0 && nlen < 256) {
			memcpy(names[n], p, nlen);
			names[n++][nlen] = '\0';
		}
		p = nl ? nl + 1 : end;
	}
	return n;
}

static size_t names_of(const struct nr_artifacts *arts, const char *artifact, char (*names)[256])
{
	size_t len = 0;
	const char *buf = nr_artifacts_get(arts, artifact, &len);

	return nr_libvirt_names(buf, len, names, MAX_DOMAINS);
}

/* An artifact of this probe named prefix + name + suffix, as the probe
 * stored it (made safe). */
static const char *domain_artifact(const struct nr_artifacts *arts, const char *prefix,
                                   const char *name, const char *suffix, size_t *len)
{
	char raw[320], safe[320];

	snprintf(raw, sizeof(raw), "%s%s%s", prefix, name, suffix);
	nr_probe_safe_name(safe, sizeof(safe), raw);
	return nr_artifacts_get(arts, safe, len);
}

static json_object *domain_json(const struct nr_artifacts *arts, const char *name, bool active,
                                json_object *facts)
{
	json_object *d = json_object_new_object(), *lines = json_object_new_array();
	char type[16] = "", accel[NR_ACCEL_LINES_MAX][256], qmp_art[320], safe[320], detail[320];
	enum nr_tri enabled = NR_TRI_UNKNOWN, present = NR_TRI_UNKNOWN;
	const char *buf;
	size_t len, n, i;
	bool custom = false;

	if ((buf = domain_artifact(arts, "domain-", name, ".xml", &len)))
		nr_domxml_type(buf, len, type, sizeof(type), &custom);
	snprintf(qmp_art, sizeof(qmp_art), "qmp-kvm-%s.json", name);
	nr_probe_safe_name(safe, sizeof(safe), qmp_art);
	if ((buf = nr_artifacts_get(arts, safe, &len)) &&
	    nr_qmp_query_kvm(buf, len, &enabled, &present) == 0) {
		snprintf(detail, sizeof(detail), "QMP query-kvm of '%s': enabled %s, present %s", name,
		         enabled == NR_TRI_TRUE ? "true" : "false",
		         present == NR_TRI_TRUE ? "true" : present == NR_TRI_FALSE ? "false" : "?");
		nr_facts_evidence(facts, "libvirt.domains", nr_artifacts_path(arts, safe), detail);
	}
	n = (buf = domain_artifact(arts, "log-", name, ".log", &len))
		    ? nr_qemu_log_accel(buf, len, accel, NR_ACCEL_LINES_MAX) : 0;
	for (i = 0; i < n && i < NR_ACCEL_LINES_MAX; i++)
		json_object_array_add(lines, json_object_new_string(accel[i]));
	json_object_object_add(d, "name", json_object_new_string(name));
	json_object_object_add(d, "active", json_object_new_boolean(active));
	json_object_object_add(d, "type", nr_json_str_or_null(type));
	json_object_object_add(d, "qmp_kvm_enabled", nr_json_tri(enabled));
	json_object_object_add(d, "qmp_kvm_present", nr_json_tri(present));
	json_object_object_add(d, "log_accel", lines);
	return d;
}

void nr_libvirt_parse_domains(const struct nr_artifacts *arts, json_object *facts)
{
	char (*names)[256] = calloc(MAX_DOMAINS, sizeof(*names));
	char (*running)[256] = calloc(MAX_DOMAINS, sizeof(*running));
	json_object *list;
	size_t n, nrun, i, k;
	size_t len;

	/* An empty list is "no domains" only when virsh said so. */
	if (!names || !running || !nr_artifacts_get(arts, "list-names", &len) ||
	    nr_artifacts_exit(arts, "list-names") != 0)
		goto out;
	n = names_of(arts, "list-names", names);
	nrun = names_of(arts, "list-running", running);
	list = json_object_new_array();
	for (i = 0; i < n; i++) {
		bool active = false;

		for (k = 0; k < nrun; k++)
			active = active || strcmp(names[i], running[k]) == 0;
		json_object_array_add(list, domain_json(arts, names[i], active, facts));
	}
	nr_facts_set(facts, "libvirt.domains", list);
out:
	free(names);
	free(running);
}
