/* SPDX-License-Identifier: MIT */
/* KVM or TCG: how a level is run by the level below it (checklist.h),
 * for the checklist's "accel" item and the HTML view's level tree. */
#include "checklist.h"
#include "findings/mlevel.h"
#include "level/facts.h"

#include <stdio.h>
#include <string.h>

/* The guest of the parent level that was matched to `level`. */
static json_object *running_guest(json_object *levels, json_object *level)
{
	struct nr_mlevels ix;
	json_object *parent = nr_mlevels_init(&ix, levels) == 0 ? nr_mlevel_parent(&ix, level) : NULL;
	json_object *guests = nr_mlevel_guests(nr_mlevel_facts(parent));
	const char *id = nr_mlevel_id(level);
	size_t i, n = guests ? json_object_array_length(guests) : 0;

	/* parent is a borrowed element of levels: it outlives the index. */
	nr_mlevels_release(&ix);

	for (i = 0; id && i < n; i++) {
		const char *gl = nr_mlevel_string(json_object_array_get_idx(guests, i), "level");

		if (gl && strcmp(gl, id) == 0)
			return json_object_array_get_idx(guests, i);
	}
	return NULL;
}

const char *nr_checklist_accel(json_object *levels, json_object *level, char *why, size_t whylen)
{
	json_object *g = running_guest(levels, level), *facts = nr_mlevel_facts(level);
	const char *acc = nr_mlevel_guest_accel(g, 0), *hv = nr_facts_str(facts, "virt.hypervisor");
	const char *role = nr_facts_str(facts, "virt.role");
	char label[200];

	if (acc) {
		nr_mlevel_guest_label(g, label, sizeof(label));
		snprintf(why, whylen, "%s's guest %s runs with accel %s",
		         nr_mlevel_string(level, "parent") ? nr_mlevel_string(level, "parent") : "?", label, acc);
		return strcmp(acc, "kvm") == 0 ? "KVM" : strcmp(acc, "tcg") == 0 ? "TCG" : acc;
	}
	if (hv && (strcmp(hv, "kvm") == 0 || strcmp(hv, "firecracker") == 0 ||
	           strcmp(hv, "cloud-hypervisor") == 0)) {
		snprintf(why, whylen, "this level detects hypervisor %s, which runs on KVM", hv);
		return "KVM";
	}
	if (hv && strcmp(hv, "qemu-tcg") == 0) {
		snprintf(why, whylen, "this level detects QEMU without a KVM signature (TCG)");
		return "TCG";
	}
	if (nr_mlevel_firmware_hv(facts))
		snprintf(why, whylen, "a host in an LPAR of %s: firmware below it, no KVM or TCG",
		         nr_mlevel_firmware_hv(facts));
	else if (role && strcmp(role, "host") == 0)
		snprintf(why, whylen, "bare metal: no hypervisor below it");
	else
		snprintf(why, whylen, "no evidence: %s%s", hv ? "hypervisor " : "hypervisor unknown",
		         hv ? hv : "");
	return NULL;
}
