/* SPDX-License-Identifier: MIT */
/* Whether a level is itself emulated by TCG on its host, and by which
 * guest entry of that host: the cause that explains a guest hypervisor
 * without /dev/kvm (rule l1-emulated-tcg, rule.h). */
#include "rule.h"
#include "level/facts.h"

#include <stdio.h>
#include <string.h>

static bool str_is(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

json_object *nr_mlevel_host(const struct nr_mlevels *ix, json_object *level)
{
	json_object *match = nr_mlevel_member(level, "match", json_type_object);
	json_object *host = nr_mlevels_find(ix, nr_mlevel_string(match, "guest_of"));

	/* Reached at 10.0.2.2 through its parent, it still runs on guest_of. */
	return host ? host : nr_mlevel_parent(ix, level);
}

/* The host's guests[] entry that discovery linked to the level. */
static json_object *linked_guest(json_object *host, const char *id)
{
	json_object *guests = nr_mlevel_guests(nr_mlevel_facts(host));
	size_t i, n = guests ? json_object_array_length(guests) : 0;

	for (i = 0; id && i < n; i++) {
		json_object *g = json_object_array_get_idx(guests, i);

		if (str_is(nr_mlevel_string(g, "level"), id))
			return g;
	}
	return NULL;
}

/* The host's libvirt domain of the guest's name: libvirt started it. */
static json_object *libvirt_domain(json_object *host, json_object *guest)
{
	json_object *lv = nr_mlevel_member(nr_mlevel_facts(host), "libvirt", json_type_object);
	json_object *doms = nr_mlevel_member(lv, "domains", json_type_array);
	const char *name = nr_mlevel_string(guest, "name");
	size_t i, n = doms ? json_object_array_length(doms) : 0;

	for (i = 0; name && i < n; i++) {
		json_object *d = json_object_array_get_idx(doms, i);

		if (str_is(nr_mlevel_string(d, "name"), name))
			return d;
	}
	return NULL;
}

bool nr_emulation_tcg(const struct nr_mlevels *ix, json_object *level, struct nr_emulation *e)
{
	json_object *facts = nr_mlevel_facts(level);
	const char *accel = nr_facts_str(facts, "virt.accel");
	const char *hv = nr_facts_str(facts, "virt.hypervisor");
	struct nr_emulation none;
	const char *first;

	if (!e)
		e = &none;
	memset(e, 0, sizeof(*e));
	e->host = nr_mlevel_host(ix, level);
	e->guest = linked_guest(e->host, nr_mlevel_id(level));
	e->domain = e->guest ? libvirt_domain(e->host, e->guest) : NULL;
	/* The level's own verdict (CPUID signature, QMP, its kernel log)
	 * comes first: KVM there means the argv's TCG was a fallback list. */
	if (str_is(accel, "kvm"))
		return false;
	if (str_is(accel, "tcg") || str_is(hv, "qemu-tcg")) {
		snprintf(e->how, sizeof(e->how), "%s",
		         str_is(hv, "qemu-tcg") ? "virt.hypervisor: qemu-tcg (QEMU's TCG CPUID signature)"
		                                : "virt.accel: tcg");
		return true;
	}
	first = nr_mlevel_guest_accel(e->guest, 0);
	if (str_is(first, "tcg") && !nr_mlevel_guest_accel(e->guest, 1)) {
		snprintf(e->how, sizeof(e->how), "its QEMU process on %s: accel tcg",
		         nr_mlevel_id(e->host) ? nr_mlevel_id(e->host) : "its host");
		return true;
	}
	return false;
}
