/* SPDX-License-Identifier: MIT */
/* The manifest, redacted: every string value passes through the redactor,
 * except the few the manifest's structure is made of (schema-constrained
 * fields: ids, enums, hashes, the signer's key type and fingerprint), and
 * member paths, which follow the members' own new names.  Object keys are
 * structure (fact, module and parameter names) and are kept.  Denying the
 * structural fields, rather than allowing free-text ones, is deliberate: a
 * field added later is redacted until someone decides otherwise.
 *
 * The identities the manifest itself names (the collecting host, the
 * host that replayed a captured tree, SSH
 * targets, each level's node name, the signer, user@host in argv) are
 * learnt from it first. */
#include "collection.h"
#include "redact_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fields kept as they are.  '*' is any array index or object key. */
static const char *const kept[] = {
	"schema", "tool/*", "created", "options/*", "replay/time",
	"levels/*/id", "levels/*/parent", "levels/*/transport", "levels/*/status",
	"levels/*/match/by",
	"levels/*/facts/arch_family", "levels/*/facts/cpu/virt_ext", "levels/*/facts/virt/role",
	"levels/*/facts/virt/stack/*/kind", "levels/*/facts/pci/hypervisor",
	"levels/*/facts/xen/domain", "levels/*/facts/guests/*/source",
	"levels/*/facts/guests/*/accel/*", "levels/*/facts/guests/*/level",
	"levels/*/probes/*/name", "levels/*/probes/*/status",
	"levels/*/probes/*/artifacts/*/sha256",
	"levels/*/facts/virt/accel",
	"levels/*/facts/virt/accel_source",
	"levels/*/facts/libvirt/host_validate/*/result",
	"levels/*/facts/packages/manager",
	"levels/*/facts/packages/installed/*/kind",
	"levels/*/facts/modules/config/*/kind",
	"levels/*/facts/security/selinux",
	"levels/*/facts/security/apparmor",
	"levels/*/facts/security/denials/*/lsm",
	"levels/*/facts/security/denials/*/source",
	"levels/*/facts/security/denials_checked/*",
	"levels/*/facts/cpuid/hypervisor",
	"levels/*/facts/vmx/feature_control",
	"levels/*/facts/vmx/msrs/*",
	"levels/*/facts/vmx/flags/*",
	"dropins/loaded/*/name",
	"dropins/loaded/*/sha256",
	"case_id",
	"label",
	"signer/key_type", "signer/fingerprint",
	/* rebuilt after the walk */
	"findings", "files", "totals", "redaction",
};

/* Member paths: replaced by the member's new path (an artifact's name by
 * the last component of its new path, after the walk). */
static const char *const member_paths[] = {
	"levels/*/probes/*/artifacts/*/path",
	"levels/*/probes/*/artifacts/*/name",
	"levels/*/facts/evidence/*/*/artifact",
};

#define DEPTH_MAX 64

struct walk {
	struct nr_redactor *r;
	const struct nr_strmap *paths;
	const char *seg[DEPTH_MAX];
	int depth;
	int rc;
};

/* Whether the current path matches pattern, or lies under it. */
static bool under(const struct walk *w, const char *pattern)
{
	const char *p = pattern;
	int i;

	for (i = 0; i < w->depth; i++) {
		size_t n = strcspn(p, "/");

		if (!(n == 1 && *p == '*') && (strlen(w->seg[i]) != n || strncmp(w->seg[i], p, n) != 0))
			return false;
		p += n;
		if (*p == '\0')
			return true;
		p++;
	}
	return false;
}

static bool listed(const struct walk *w, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (under(w, list[i]))
			return true;
	return false;
}

bool nr_redact_field_kept(const char *path)
{
	struct walk w = { 0 };
	char buf[512], *save = NULL, *seg;

	snprintf(buf, sizeof(buf), "%s", path);
	for (seg = strtok_r(buf, "/", &save); seg && w.depth < DEPTH_MAX; seg = strtok_r(NULL, "/", &save))
		w.seg[w.depth++] = seg;
	return listed(&w, kept, sizeof(kept) / sizeof(kept[0])) ||
	       listed(&w, member_paths, sizeof(member_paths) / sizeof(member_paths[0]));
}

const char *nr_redact_new_path(const struct nr_strmap *paths, const char *orig)
{
	struct nr_strmap_slot *slot = paths ? nr_strmap_find(paths, orig) : NULL;

	return slot ? ((const struct nr_redact_member *)slot->val)->spool.path : NULL;
}

static void walk_string(struct walk *w, json_object *o)
{
	const char *s = json_object_get_string(o), *np;
	char *red;

	if (listed(w, member_paths, sizeof(member_paths) / sizeof(member_paths[0])) &&
	    (np = nr_redact_new_path(w->paths, s))) {
		json_object_set_string(o, np);
		return;
	}
	red = nr_redact_string(w->r, s, NULL);
	if (!red) {
		w->rc = -ENOMEM;
		return;
	}
	if (strcmp(red, s) != 0)
		json_object_set_string(o, red);
	free(red);
}

static void walk(struct walk *w, json_object *o)
{
	size_t i, n;

	if (w->rc < 0 || w->depth >= DEPTH_MAX ||
	    listed(w, kept, sizeof(kept) / sizeof(kept[0])))
		return;
	switch (json_object_get_type(o)) {
	case json_type_string:
		walk_string(w, o);
		break;
	case json_type_array:
		n = json_object_array_length(o);
		w->seg[w->depth++] = "*";
		for (i = 0; i < n; i++)
			walk(w, json_object_array_get_idx(o, i));
		w->depth--;
		break;
	case json_type_object: {
		json_object_object_foreach(o, key, val) {
			w->seg[w->depth++] = key;
			walk(w, val);
			w->depth--;
		}
		break;
	}
	default:
		break;
	}
}

int nr_redact_manifest_walk(struct nr_redactor *r, json_object *manifest,
                            const struct nr_strmap *paths)
{
	struct walk w = { r, paths, { NULL }, 0, 0 };
	json_object *arts;
	size_t i, j, k;

	walk(&w, manifest);
	/* An artifact's name is the last component of its path. */
	for (i = 0; w.rc == 0 && i < json_object_array_length(json_object_object_get(manifest, "levels")); i++) {
		json_object *probes = json_object_object_get(
			json_object_array_get_idx(json_object_object_get(manifest, "levels"), i), "probes");

		for (j = 0; j < json_object_array_length(probes); j++) {
			arts = json_object_object_get(json_object_array_get_idx(probes, j), "artifacts");
			for (k = 0; k < json_object_array_length(arts); k++) {
				json_object *a = json_object_array_get_idx(arts, k);
				const char *p = json_object_get_string(json_object_object_get(a, "path"));
				const char *slash = p ? strrchr(p, '/') : NULL;

				if (slash && json_object_object_get(a, "name"))
					json_object_set_string(json_object_object_get(a, "name"), slash + 1);
			}
		}
	}
	return w.rc;
}

/* ---- learning from the manifest ---------------------------------------------- */

static const char *str_at(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
	               ? json_object_get_string(v)
	               : NULL;
}

int nr_redact_learn_target(struct nr_redactor *r, const char *target)
{
	char buf[NR_REDACT_WORD_MAX + 1];
	const char *at, *host;
	size_t n;
	int rc = 0;

	if (!target || strlen(target) >= sizeof(buf))
		return 0;
	at = strrchr(target, '@');
	if (at) {
		snprintf(buf, sizeof(buf), "%.*s", (int)(at - target), target);
		rc = nr_redact_learn(r, NR_ID_USER, buf);
	}
	host = at ? at + 1 : target;
	/* [v6]:port, host:port */
	if (*host == '[') {
		n = strcspn(host + 1, "]");
		snprintf(buf, sizeof(buf), "%.*s", (int)n, host + 1);
	} else {
		n = strchr(host, ':') && strchr(host, ':') == strrchr(host, ':') ? strcspn(host, ":") : strlen(host);
		snprintf(buf, sizeof(buf), "%.*s", (int)n, host);
	}
	return rc < 0 ? rc : nr_redact_learn_name(r, buf);
}

/* user@host anywhere in a string (an argv element like l1=alice@db1,via=l0). */
static int learn_user_at_host(struct nr_redactor *r, const char *s)
{
	const char *at;
	int rc = 0;

	for (at = strchr(s, '@'); at && rc >= 0; at = strchr(at + 1, '@')) {
		const char *u = at, *h = at + 1;
		char buf[NR_REDACT_WORD_MAX + 1];

		while (u > s && (nr_is_alnum((unsigned char)u[-1]) || strchr("._-", u[-1])))
			u--;
		while (*h && (nr_is_alnum((unsigned char)*h) || strchr(".-[]:", *h)) && *h != ',')
			h++;
		if (u == at || h == at + 1 || (size_t)(h - u) >= sizeof(buf))
			continue;
		snprintf(buf, sizeof(buf), "%.*s", (int)(h - u), u);
		rc = nr_redact_learn_target(r, buf);
	}
	return rc;
}

int nr_redact_learn_manifest(struct nr_redactor *r, json_object *m)
{
	json_object *levels = json_object_object_get(m, "levels");
	json_object *argv = json_object_object_get(m, "argv");
	json_object *signer = json_object_object_get(m, "signer");
	size_t i;
	int rc;

	rc = nr_redact_learn_name(r, str_at(m, "host"));
	/* A replay's bundle names the machine that replayed it too. */
	if (rc >= 0)
		rc = nr_redact_learn_name(r, str_at(json_object_object_get(m, "replay"), "host"));
	for (i = 0; rc >= 0 && json_object_is_type(levels, json_type_array) &&
	            i < json_object_array_length(levels); i++) {
		json_object *lv = json_object_array_get_idx(levels, i);

		json_object *facts = json_object_object_get(lv, "facts");
		json_object *guests = json_object_object_get(facts, "guests");
		size_t g;

		rc = nr_redact_learn_name(r, str_at(facts, "hostname"));
		if (rc >= 0)
			rc = nr_redact_learn_name(r, str_at(lv, "target"));
		/* A guest is usually named after its host. */
		for (g = 0; rc >= 0 && json_object_is_type(guests, json_type_array) &&
		            g < json_object_array_length(guests); g++)
			rc = nr_redact_learn_name(r, str_at(json_object_array_get_idx(guests, g), "name"));
	}
	if (rc >= 0 && str_at(signer, "identity"))
		rc = learn_user_at_host(r, str_at(signer, "identity"));
	for (i = 0; rc >= 0 && json_object_is_type(argv, json_type_array) &&
	            i < json_object_array_length(argv); i++) {
		json_object *a = json_object_array_get_idx(argv, i);

		if (json_object_is_type(a, json_type_string))
			rc = learn_user_at_host(r, json_object_get_string(a));
	}
	return rc < 0 ? rc : 0;
}
