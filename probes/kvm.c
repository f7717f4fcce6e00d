/* SPDX-License-Identifier: MIT */
/* KVM: every module parameter of kvm, kvm_intel, kvm_amd, kvm_hv, kvm_pr
 * and kvm_pvm (each its own artifact and fact), the loaded modules, and
 * whether /dev/kvm exists and opens read-write.  kvm_pvm (PVM, KVM on
 * page tables) gives a guest a working /dev/kvm without vmx or svm: one
 * reason a missing CPU flag never means "no KVM". */
#include "level/facts.h"
#include "parse.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kvm_modules[] = { "kvm", "kvm_intel", "kvm_amd", "kvm_hv", "kvm_pr",
	                                   "kvm_pvm" };
#define N_KVM_MODULES (sizeof(kvm_modules) / sizeof(kvm_modules[0]))
#define MAX_PARAMS 128

struct param_list {
	char names[MAX_PARAMS][64];
	size_t n;
};

static int add_param(void *ud, const char *name)
{
	struct param_list *pl = ud;

	if (pl->n < MAX_PARAMS && strlen(name) < sizeof(pl->names[0]))
		snprintf(pl->names[pl->n++], sizeof(pl->names[0]), "%s", name);
	return 0;
}

/* The parameters' paths and artifact names, for nr_probe_files. */
struct param_files {
	char paths[MAX_PARAMS][256];
	char artifacts[MAX_PARAMS][160];
	struct nr_probe_file_spec specs[MAX_PARAMS];
};

/* Returns how many parameters were stored, or -ETIMEDOUT.  They are small
 * text files: read in one batch (one request over SSH). */
static int kvm_collect_params(struct nr_probe_ctx *ctx, const char *module)
{
	struct param_list *pl = calloc(1, sizeof(*pl));
	struct param_files *pf = calloc(1, sizeof(*pf));
	char dir[128];
	size_t i;
	int rc = 0, stored = 0;

	if (!pl || !pf)
		goto out;
	snprintf(dir, sizeof(dir), "/sys/module/%s/parameters", module);
	if (nr_probe_list(ctx, dir, add_param, pl) < 0)
		goto out;   /* module not loaded: nothing to record */
	for (i = 0; i < pl->n; i++) {
		snprintf(pf->paths[i], sizeof(pf->paths[i]), "%s/%s", dir, pl->names[i]);
		snprintf(pf->artifacts[i], sizeof(pf->artifacts[i]), "param-%s.%s", module,
		         pl->names[i]);
		pf->specs[i].path = pf->paths[i];
		pf->specs[i].artifact = pf->artifacts[i];
	}
	rc = nr_probe_files(ctx, pf->specs, pl->n);
	for (i = 0; i < pl->n; i++)
		stored += pf->specs[i].rc == 0;
out:
	free(pl);
	free(pf);
	return rc == -ETIMEDOUT ? rc : stored;
}

static int kvm_collect(struct nr_probe_ctx *ctx)
{
	bool exists = false, chr = false, rw = false;
	char text[160];
	size_t i;
	int rc = 0, n, found = 0;

	for (i = 0; i < N_KVM_MODULES && rc >= 0; i++) {
		rc = kvm_collect_params(ctx, kvm_modules[i]);
		found += rc > 0;
	}
	if (rc < 0)
		return rc;
	rc = nr_probe_file(ctx, "proc-modules", "/proc/modules");
	if (rc == -ETIMEDOUT)
		return rc;
	found += rc == 0;
	if (nr_probe_path_info(ctx, "/dev/kvm", &exists, &chr, &rw) == 0) {
		n = snprintf(text, sizeof(text), "path: /dev/kvm\nexists: %s\nchar_device: %s\nopen_rw: %s\n",
		             exists ? "yes" : "no", chr ? "yes" : "no", rw ? "yes" : "no");
		found += nr_probe_text(ctx, "dev-kvm", text, (size_t)n) == 0;
	}
	/* A captured tree of another machine may hold none of it: say so
	 * rather than report an empty success. */
	if (!found)
		return nr_probe_skip(ctx, "no KVM module parameters, /proc/modules or /dev/kvm state here");
	return 0;
}

/* "kvm_intel 1234 0 - Live 0x..." lines: names of loaded KVM modules. */
static void kvm_parse_modules(const struct nr_artifacts *arts, json_object *facts)
{
	const char *buf = NULL, *p, *end;
	json_object *mods = nr_facts_get(facts, "kvm.modules");
	size_t len, i;

	buf = nr_artifacts_get(arts, "proc-modules", &len);
	if (!buf || !mods)
		return;
	for (p = buf, end = buf + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = strcspn(p, " \n");

		for (i = 0; i < N_KVM_MODULES; i++)
			if (n == strlen(kvm_modules[i]) && strncmp(p, kvm_modules[i], n) == 0) {
				json_object_array_add(mods, json_object_new_string(kvm_modules[i]));
				/* The vendor module names the implementation; plain
				 * "kvm" is the whole story only on s390. */
				if (i > 0 || !nr_facts_str(facts, "kvm.module"))
					nr_facts_set(facts, "kvm.module",
					             json_object_new_string(kvm_modules[i]));
			}
		p = nl ? nl + 1 : end;
	}
	if (nr_facts_str(facts, "kvm.module"))
		nr_facts_evidence(facts, "kvm.module", nr_artifacts_path(arts, "proc-modules"),
		                  nr_facts_str(facts, "kvm.module"));
}

/* Built-in KVM (no /proc/modules line) still has /sys/module/<m>/parameters:
 * name the vendor module whose parameters we captured, else plain kvm. */
static void kvm_parse_builtin(const struct nr_artifacts *arts, json_object *facts)
{
	const char *name, *found = NULL;
	char prefix[64];
	size_t i, j;

	if (nr_facts_str(facts, "kvm.module"))
		return;
	for (i = N_KVM_MODULES; i-- > 0 && !found;) {
		snprintf(prefix, sizeof(prefix), "param-%s.", kvm_modules[i]);
		for (j = 0; (name = nr_artifacts_name(arts, j)) != NULL && !found; j++)
			if (strncmp(name, prefix, strlen(prefix)) == 0) {
				found = kvm_modules[i];
				nr_facts_evidence(facts, "kvm.module", nr_artifacts_path(arts, name),
				                  "parameters present in /sys/module (built in)");
			}
	}
	if (found)
		nr_facts_set(facts, "kvm.module", json_object_new_string(found));
}

static void kvm_parse_params(const struct nr_artifacts *arts, json_object *facts)
{
	json_object *params = nr_facts_get(facts, "kvm.params");
	const char *name;
	size_t i;

	for (i = 0; (name = nr_artifacts_name(arts, i)) != NULL; i++) {
		char module[64], param[96], value[256];
		const char *dot, *buf;
		json_object *mod;
		size_t len;

		if (strncmp(name, "param-", 6) != 0 || !(dot = strchr(name + 6, '.')))
			continue;
		snprintf(module, sizeof(module), "%.*s", (int)(dot - name - 6), name + 6);
		snprintf(param, sizeof(param), "%s", dot + 1);
		buf = nr_artifacts_get(arts, name, &len);
		nr_probe_first_line(buf ? buf : "", len, value, sizeof(value));
		if (!json_object_object_get_ex(params, module, &mod)) {
			mod = json_object_new_object();
			json_object_object_add(params, module, mod);
		}
		json_object_object_add(mod, param, json_object_new_string(value));
	}
}

/* kvm.nested: the vendor module's "nested" (s390 has it on kvm itself). */
static void kvm_parse_nested(const struct nr_artifacts *arts, json_object *facts)
{
	const char *module = nr_facts_str(facts, "kvm.module");
	char artifact[96], value[32];
	const char *buf;
	size_t len;

	if (!module)
		return;
	snprintf(artifact, sizeof(artifact), "param-%s.nested", module);
	buf = nr_artifacts_get(arts, artifact, &len);
	if (!buf)
		return;
	nr_probe_first_line(buf, len, value, sizeof(value));
	nr_facts_set(facts, "kvm.nested", nr_json_tri(nr_modparam_bool(buf, len)));
	nr_facts_evidence(facts, "kvm.nested", nr_artifacts_path(arts, artifact), value);
}

static void kvm_parse_device(const struct nr_artifacts *arts, json_object *facts)
{
	const char *buf;
	size_t len;
	bool exists, rw;

	buf = nr_artifacts_get(arts, "dev-kvm", &len);
	if (!buf)
		return;
	exists = strstr(buf, "exists: yes") != NULL;
	rw = strstr(buf, "open_rw: yes") != NULL;
	nr_facts_set(facts, "kvm.device", json_object_new_boolean(exists));
	/* Not opening it as a non-root user may be a permission matter only,
	 * so "no" is a fact only when it does not exist at all. */
	if (!exists || rw)
		nr_facts_set(facts, "kvm.available", json_object_new_boolean(rw));
	nr_facts_evidence(facts, "kvm.available", nr_artifacts_path(arts, "dev-kvm"),
	                  !exists ? "/dev/kvm absent" : rw ? "/dev/kvm opened read-write"
	                                                 : "/dev/kvm present, not openable");
}

static void kvm_parse(const struct nr_artifacts *arts, json_object *facts)
{
	kvm_parse_modules(arts, facts);
	kvm_parse_builtin(arts, facts);
	kvm_parse_params(arts, facts);
	kvm_parse_nested(arts, facts);
	kvm_parse_device(arts, facts);
}

const struct nr_probe nr_probe_kvm = {
	.name = "kvm",
	.summary = "KVM modules, every module parameter, and whether /dev/kvm is usable",
	.arches = NR_ARCH_ANY,
	.collect = kvm_collect,
	.parse = kvm_parse,
};
