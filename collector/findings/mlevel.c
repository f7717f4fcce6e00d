/* SPDX-License-Identifier: MIT */
/* Reading manifest level objects for the findings: see mlevel.h. */
#include "mlevel.h"
#include "level/facts.h"

#include <stdio.h>
#include <string.h>

json_object *nr_mlevel_member(json_object *o, const char *key, json_type type)
{
	json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_is_type(v, type) ? v : NULL;
}

const char *nr_mlevel_string(json_object *o, const char *key)
{
	json_object *v = nr_mlevel_member(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

const char *nr_mlevel_id(json_object *level)
{
	return nr_mlevel_string(level, "id");
}

int nr_mlevel_depth(json_object *level)
{
	json_object *v = nr_mlevel_member(level, "depth", json_type_int);
	int64_t d = v ? json_object_get_int64(v) : -1;

	return d >= 0 && d < 1000 ? (int)d : -1;
}

json_object *nr_mlevel_facts(json_object *level)
{
	return nr_mlevel_member(level, "facts", json_type_object);
}

static size_t levels_len(json_object *levels)
{
	return json_object_is_type(levels, json_type_array) ? json_object_array_length(levels) : 0;
}

json_object *nr_mlevel_find(json_object *levels, const char *id)
{
	size_t i, n = levels_len(levels);

	for (i = 0; id && i < n; i++) {
		const char *lid = nr_mlevel_id(json_object_array_get_idx(levels, i));

		if (lid && strcmp(lid, id) == 0)
			return json_object_array_get_idx(levels, i);
	}
	return NULL;
}

int nr_mlevels_init(struct nr_mlevels *ix, json_object *levels)
{
	size_t i;
	int rc = 0;

	memset(ix, 0, sizeof(*ix));
	ix->n = levels_len(levels);
	ix->array = ix->n ? levels : NULL;
	for (i = 0; i < ix->n && rc >= 0; i++) {
		json_object *lv = json_object_array_get_idx(levels, i);
		const char *id = nr_mlevel_id(lv), *parent = nr_mlevel_string(lv, "parent");

		if (id)
			rc = nr_strmap_put(&ix->by_id, id, lv);
		if (rc >= 0 && parent)
			rc = nr_strmap_put(&ix->parents, parent, lv);
		ix->any_child |= nr_mlevel_depth(lv) > 0;
	}
	if (rc < 0)
		nr_mlevels_release(ix);
	return rc < 0 ? rc : 0;
}

void nr_mlevels_release(struct nr_mlevels *ix)
{
	nr_strmap_release(&ix->by_id, NULL);
	nr_strmap_release(&ix->parents, NULL);
	memset(ix, 0, sizeof(*ix));
}

json_object *nr_mlevels_at(const struct nr_mlevels *ix, size_t i)
{
	return i < ix->n ? json_object_array_get_idx(ix->array, i) : NULL;
}

json_object *nr_mlevels_find(const struct nr_mlevels *ix, const char *id)
{
	struct nr_strmap_slot *s = id ? nr_strmap_find(&ix->by_id, id) : NULL;

	return s ? s->val : NULL;
}

json_object *nr_mlevel_parent(const struct nr_mlevels *ix, json_object *level)
{
	return nr_mlevels_find(ix, nr_mlevel_string(level, "parent"));
}

bool nr_mlevel_has_child(const struct nr_mlevels *ix, const char *id)
{
	return id && nr_strmap_find(&ix->parents, id) != NULL;
}

bool nr_mlevel_any_child(const struct nr_mlevels *ix)
{
	return ix->any_child;
}

bool nr_mlevel_reached(json_object *level)
{
	const char *s = nr_mlevel_string(level, "status");

	return s && (strcmp(s, "ok") == 0 || strcmp(s, "partial") == 0);
}

bool nr_mlevel_is_guest_hv(const struct nr_mlevels *ix, json_object *level)
{
	json_object *facts = nr_mlevel_facts(level);
	const char *role;
	int depth = nr_mlevel_depth(level);

	if (depth == 1)
		return true;
	if (depth > 1)
		return nr_mlevel_has_child(ix, nr_mlevel_id(level));
	if (depth != 0)
		return false;
	role = nr_facts_str(facts, "virt.role");
	/* A firmware partition (an s390 or POWER LPAR) is where KVM hosts run:
	 * a host, never a guest needing its host (docs/detection.md). */
	return role && strcmp(role, "guest") == 0 && !nr_mlevel_firmware_hv(facts);
}

const char *nr_mlevel_firmware_hv(json_object *facts)
{
	const char *hv = nr_facts_str(facts, "virt.hypervisor");

	if (hv && strcmp(hv, "lpar") == 0)
		return "PR/SM";
	if (hv && strcmp(hv, "powervm") == 0)
		return "PowerVM";
	return NULL;
}

int nr_mlevel_sysinfo_depth(json_object *facts)
{
	json_object *stack = nr_mlevel_member(nr_mlevel_member(facts, "virt", json_type_object),
	                                      "stack", json_type_array);
	size_t i, n = stack ? json_object_array_length(stack) : 0;
	int vms = 0, seen = 0;

	for (i = 0; i < n && i < 64; i++) {
		const char *kind = nr_mlevel_string(json_object_array_get_idx(stack, i), "kind");

		seen |= kind && (strcmp(kind, "lpar") == 0 || strcmp(kind, "vm") == 0);
		vms += kind && strcmp(kind, "vm") == 0;
	}
	return seen ? vms : -1;
}

/* The topology's cap on levels (run/topology.h) bounds a real chain. */
#define NEST_WALK_MAX 64

int nr_mlevel_nest_depth(const struct nr_mlevels *ix, json_object *level)
{
	json_object *lv = level, *parent = NULL;
	const char *role;
	int up, own;

	for (up = 0; up < NEST_WALK_MAX; up++) {
		own = nr_mlevel_sysinfo_depth(nr_mlevel_facts(lv));
		if (own >= 0)
			return own + up;
		parent = nr_mlevel_parent(ix, lv);
		if (!parent || parent == lv)
			break;
		lv = parent;
	}
	if (parent)
		return nr_mlevel_depth(level);   /* a loop, or deeper than any topology */
	role = nr_facts_str(nr_mlevel_facts(lv), "virt.role");
	own = role && strcmp(role, "guest") == 0 && !nr_mlevel_firmware_hv(nr_mlevel_facts(lv));
	return own + up;
}

bool nr_mlevel_is_host(const struct nr_mlevels *ix, json_object *level)
{
	return nr_mlevel_depth(level) == 0 && !nr_mlevel_is_guest_hv(ix, level);
}

enum nr_arch nr_mlevel_arch(json_object *facts)
{
	const char *fam = nr_mlevel_string(facts, "arch_family");
	unsigned bit;

	for (bit = 1; fam && bit <= NR_ARCH_LAST; bit <<= 1)
		if (strcmp(fam, nr_arch_family_name((enum nr_arch)bit)) == 0)
			return (enum nr_arch)bit;
	return NR_ARCH_UNKNOWN;
}

json_object *nr_mlevel_probe(json_object *level, const char *name)
{
	json_object *probes = nr_mlevel_member(level, "probes", json_type_array);
	size_t i, n = probes ? json_object_array_length(probes) : 0;

	for (i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(probes, i);
		const char *pn = nr_mlevel_string(p, "name");

		if (pn && strcmp(pn, name) == 0)
			return p;
	}
	return NULL;
}

const char *nr_mlevel_probe_status(json_object *level, const char *name)
{
	return nr_mlevel_string(nr_mlevel_probe(level, name), "status");
}

static json_object *probe_artifact(json_object *level, const char *probe, const char *artifact,
                                   bool prefix)
{
	json_object *arts = nr_mlevel_member(nr_mlevel_probe(level, probe), "artifacts",
	                                     json_type_array);
	size_t i, n = arts ? json_object_array_length(arts) : 0;

	for (i = 0; i < n; i++) {
		json_object *a = json_object_array_get_idx(arts, i);
		const char *an = nr_mlevel_string(a, "name");

		if (an && (prefix ? strncmp(an, artifact, strlen(artifact)) == 0
		                  : strcmp(an, artifact) == 0))
			return a;
	}
	return NULL;
}

json_object *nr_mlevel_artifact(json_object *level, const char *probe, const char *artifact)
{
	return probe_artifact(level, probe, artifact, false);
}

const char *nr_mlevel_artifact_path(json_object *level, const char *probe, const char *artifact)
{
	return nr_mlevel_string(probe_artifact(level, probe, artifact, false), "path");
}

bool nr_mlevel_artifact_failed(json_object *artifact)
{
	json_object *code = nr_mlevel_member(artifact, "exit_code", json_type_int);

	return nr_mlevel_member(artifact, "command", json_type_array) && code &&
	       json_object_get_int64(code) != 0;
}

bool nr_mlevel_has_artifact_prefix(json_object *level, const char *probe, const char *prefix)
{
	return probe_artifact(level, probe, prefix, true) != NULL;
}

const char *nr_mlevel_kvm_param(json_object *facts, const char *module, const char *param)
{
	json_object *params = nr_mlevel_member(nr_mlevel_member(facts, "kvm", json_type_object),
	                                       "params", json_type_object);

	return nr_mlevel_string(nr_mlevel_member(params, module, json_type_object), param);
}

int nr_mlevel_kvm_present(json_object *facts)
{
	int avail = nr_facts_bool(facts, "kvm.available");

	if (avail == 1 || nr_facts_bool(facts, "kvm.device") == 1)
		return 1;
	return avail == 0 ? 0 : -1;
}

const char *nr_mlevel_virt_ext_kind(json_object *facts)
{
	const char *ext = nr_facts_str(facts, "cpu.virt_ext");
	const char *mod = nr_facts_str(facts, "kvm.module");
	int amd = nr_mlevel_is_amd(facts);

	if (ext && (strcmp(ext, "vmx") == 0 || strcmp(ext, "svm") == 0))
		return ext;
	if (mod && strcmp(mod, "kvm_intel") == 0)
		return "vmx";
	if (mod && strcmp(mod, "kvm_amd") == 0)
		return "svm";
	if (nr_mlevel_arch(facts) != NR_ARCH_X86 || amd < 0)
		return NULL;
	return amd ? "svm" : "vmx";
}

int nr_mlevel_is_amd(json_object *facts)
{
	const char *v = nr_facts_str(facts, "cpu.vendor");

	if (!v)
		return -1;
	return strcmp(v, "AuthenticAMD") == 0 || strcmp(v, "HygonGenuine") == 0;
}

const char *nr_mlevel_kvm_module_for(json_object *facts)
{
	const char *mod = nr_facts_str(facts, "kvm.module");
	const char *ext;

	if (mod && strcmp(mod, "kvm") != 0)
		return mod;
	switch (nr_mlevel_arch(facts)) {
	case NR_ARCH_X86:
		ext = nr_mlevel_virt_ext_kind(facts);
		return ext && strcmp(ext, "svm") == 0 ? "kvm_amd" : ext ? "kvm_intel" : "kvm_intel or kvm_amd";
	case NR_ARCH_PPC:
		/* kvm_hv needs the CPU's hypervisor mode: a bare-metal
		 * (PowerNV) host has it; a PowerVM LPAR or a KVM guest does
		 * not (bar POWER10's nested API), and loads kvm_pr. */
		return nr_mlevel_firmware_hv(facts) || nr_facts_bool(facts, "cpu.hypervisor_flag") == 1 ||
		               (nr_facts_str(facts, "virt.role") &&
		                strcmp(nr_facts_str(facts, "virt.role"), "guest") == 0)
		               ? "kvm_pr" : "kvm_hv";
	default:
		return "kvm";
	}
}

json_object *nr_mlevel_guests(json_object *facts)
{
	return nr_mlevel_member(facts, "guests", json_type_array);
}

void nr_mlevel_guest_label(json_object *guest, char *out, size_t outlen)
{
	const char *name = nr_mlevel_string(guest, "name");
	json_object *pid = nr_mlevel_member(guest, "pid", json_type_int);

	if (name && pid)
		snprintf(out, outlen, "'%s' (pid %lld)", name, (long long)json_object_get_int64(pid));
	else if (name)
		snprintf(out, outlen, "'%s'", name);
	else if (pid)
		snprintf(out, outlen, "pid %lld", (long long)json_object_get_int64(pid));
	else
		snprintf(out, outlen, "(unnamed)");
}

json_object *nr_mlevel_guest_child(const struct nr_mlevels *ix, json_object *guest)
{
	json_object *child = nr_mlevels_find(ix, nr_mlevel_string(guest, "level"));

	return nr_mlevel_reached(child) ? child : NULL;
}

bool nr_mlevel_guests_matched(json_object *facts)
{
	json_object *guests = nr_mlevel_guests(facts);
	size_t i, n = guests ? json_object_array_length(guests) : 0;

	for (i = 0; i < n; i++)
		if (nr_mlevel_string(json_object_array_get_idx(guests, i), "level"))
			return true;
	return false;
}

const char *nr_mlevel_guest_accel(json_object *guest, size_t i)
{
	json_object *acc = nr_mlevel_member(guest, "accel", json_type_array);
	json_object *a = acc && i < json_object_array_length(acc) ? json_object_array_get_idx(acc, i)
	                                                           : NULL;

	return json_object_is_type(a, json_type_string) ? json_object_get_string(a) : NULL;
}

const char *nr_mlevel_guest_artifact(json_object *level, json_object *guest)
{
	json_object *pid = nr_mlevel_member(guest, "pid", json_type_int);
	const char *path;
	char name[64];

	if (!pid)
		return NULL;
	snprintf(name, sizeof(name), "cmdline-%lld.txt", (long long)json_object_get_int64(pid));
	path = nr_mlevel_artifact_path(level, "qemu", name);
	if (!path) {
		name[strlen(name) - 4] = '\0';
		path = nr_mlevel_artifact_path(level, "qemu", name);
	}
	return path;
}
