/* SPDX-License-Identifier: MIT */
/* The manifest's level objects as the readers see them
 * (collector/findings/mlevel.c): every accessor on every element of a
 * fuzzed levels array, whatever its members' types. */
#include "fuzz.h"
#include "findings/mlevel.h"

#include <json-c/json.h>

static const char *const probes[] = { "cpu", "kvm", "qemu", "libvirt", "dmesg", "kernel", "" };

static void read_level(const struct nr_mlevels *levels, json_object *level)
{
	json_object *facts = nr_mlevel_facts(level), *guests;
	char label[200];
	size_t i, n;

	(void)nr_mlevel_id(level);
	(void)nr_mlevel_depth(level);
	(void)nr_mlevel_parent(levels, level);
	(void)nr_mlevel_has_child(levels, nr_mlevel_id(level) ? nr_mlevel_id(level) : "l0");
	(void)nr_mlevel_reached(level);
	(void)nr_mlevel_is_guest_hv(levels, level);
	(void)nr_mlevel_is_host(levels, level);
	(void)nr_mlevel_arch(facts);
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		(void)nr_mlevel_probe(level, probes[i]);
		(void)nr_mlevel_probe_status(level, probes[i]);
		(void)nr_mlevel_artifact_path(level, probes[i], "cpuinfo");
		(void)nr_mlevel_has_artifact_prefix(level, probes[i], "log-");
	}
	(void)nr_mlevel_kvm_param(facts, "kvm_intel", "nested");
	(void)nr_mlevel_kvm_present(facts);
	(void)nr_mlevel_virt_ext_kind(facts);
	(void)nr_mlevel_is_amd(facts);
	(void)nr_mlevel_kvm_module_for(facts);
	(void)nr_mlevel_guests_matched(facts);
	guests = nr_mlevel_guests(facts);
	n = guests ? json_object_array_length(guests) : 0;
	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(guests, i);

		nr_mlevel_guest_label(g, label, sizeof(label));
		NR_FUZZ_ASSERT(memchr(label, '\0', sizeof(label)), "label unterminated");
		(void)nr_mlevel_guest_child(levels, g);
		(void)nr_mlevel_guest_accel(g, 0);
		(void)nr_mlevel_guest_accel(g, 3);
		(void)nr_mlevel_guest_artifact(level, g);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_tokener *tok = json_tokener_new_ex(64);
	json_object *doc, *levels;
	struct nr_mlevels ix;
	json_object *probs;
	size_t i, n;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	doc = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	levels = json_object_is_type(doc, json_type_array) ? doc : nr_mlevel_member(doc, "levels", json_type_array);
	if (nr_mlevels_init(&ix, levels) == 0) {
		(void)nr_mlevel_any_child(&ix);
		(void)nr_mlevels_find(&ix, "l1");
		n = ix.n;
		for (i = 0; i < n && i < 512; i++)
			read_level(&ix, nr_mlevels_at(&ix, i));
	}
	nr_mlevels_release(&ix);
	/* What show warns about: every field absent or of the wrong type. */
	probs = NULL;
	(void)nr_mlevel_problems(doc, &probs, 8);
	json_object_put(probs);
	json_object_put(doc);
	return 0;
}
