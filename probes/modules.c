/* SPDX-License-Identifier: MIT */
/* How the KVM modules are configured, beside how they are now: modinfo
 * of each KVM module (its file, build and parameters with their types and
 * descriptions), every modprobe.d file (the persistent settings:
 * "options kvm-intel nested=y", blacklist and install lines), and the
 * module options on the kernel command line.  The live values are the kvm
 * probe's (/sys/module/.../parameters, /proc/modules): one source each, so
 * the persistent setting and the live value stand side by side in the
 * facts, and a finding can say "set, but the module was not reloaded".
 *
 * modprobe.d is read as kmod reads it: *.conf files of /etc, /run,
 * /usr/local/lib, /usr/lib and /lib, a name in an earlier directory
 * masking the same name in a later one, all files in name order, the
 * kernel command line last (kmod appends its options after the files', and
 * the last assignment of a parameter wins). */
#include "level/facts.h"
#include "parse_modconf.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONF_FILES 64
#define MAX_DIRECTIVES 256

static const struct conf_dir {
	const char *key;
	const char *dir;
} conf_dirs[] = {
	{ "etc", "/etc/modprobe.d" },        { "run", "/run/modprobe.d" },
	{ "usrlocal", "/usr/local/lib/modprobe.d" }, { "usrlib", "/usr/lib/modprobe.d" },
	{ "lib", "/lib/modprobe.d" },
};
#define N_CONF_DIRS (sizeof(conf_dirs) / sizeof(conf_dirs[0]))

/* ---- collect ------------------------------------------------------------ */

struct conf_list {
	char names[MAX_CONF_FILES][128];
	size_t n;
};

static int add_conf(void *ud, const char *name)
{
	struct conf_list *l = ud;
	size_t len = strlen(name);

	if (l->n < MAX_CONF_FILES && len > 5 && len < sizeof(l->names[0]) &&
	    strcmp(name + len - 5, ".conf") == 0)
		snprintf(l->names[l->n++], sizeof(l->names[0]), "%s", name);
	return 0;
}

static int modules_collect_conf(struct nr_probe_ctx *ctx, size_t *stored)
{
	struct conf_list *l = malloc(sizeof(*l));
	char path[512], artifact[160];
	size_t d, i;
	int rc = 0;

	if (!l)
		return -ENOMEM;
	for (d = 0; d < N_CONF_DIRS && rc != -ETIMEDOUT; d++) {
		l->n = 0;
		if (nr_probe_list(ctx, conf_dirs[d].dir, add_conf, l) < 0)
			continue;   /* no such directory: nothing configured there */
		for (i = 0; i < l->n && rc != -ETIMEDOUT; i++) {
			snprintf(path, sizeof(path), "%s/%s", conf_dirs[d].dir, l->names[i]);
			snprintf(artifact, sizeof(artifact), "conf-%s-%s", conf_dirs[d].key, l->names[i]);
			rc = nr_probe_file(ctx, artifact, path);
			*stored += rc == 0;
		}
	}
	free(l);
	return rc == -ETIMEDOUT ? rc : 0;
}

static int modules_collect(struct nr_probe_ctx *ctx)
{
	static const char *const x86[] = { "kvm", "kvm_intel", "kvm_amd", NULL };
	static const char *const ppc[] = { "kvm", "kvm_hv", "kvm_pr", NULL };
	static const char *const other[] = { "kvm", NULL };
	const char *const *mods = nr_probe_arch(ctx) == NR_ARCH_X86   ? x86
	                          : nr_probe_arch(ctx) == NR_ARCH_PPC ? ppc
	                                                              : other;
	struct nr_probe_cmd_spec specs[3];
	const char *argvs[3][3];
	char artifacts[3][32];
	size_t n = 0, stored = 0, i;
	int rc = 0;

	if (nr_probe_has(ctx, "modinfo")) {
		for (n = 0; mods[n]; n++) {
			snprintf(artifacts[n], sizeof(artifacts[n]), "modinfo-%s", mods[n]);
			argvs[n][0] = "modinfo";
			argvs[n][1] = mods[n];
			argvs[n][2] = NULL;
			specs[n] = (struct nr_probe_cmd_spec){ artifacts[n], argvs[n], 0, -1,
			                                       "no such module on this kernel" };
		}
		rc = nr_probe_cmds(ctx, specs, n);
		for (i = 0; i < n; i++)
			stored += specs[i].rc == 0 && specs[i].exit_code == 0;
	} else {
		nr_probe_note(ctx, "modinfo not installed (kmod): module files and parameter types unknown");
	}
	if (rc == 0)
		rc = modules_collect_conf(ctx, &stored);
	if (rc < 0)
		return rc;
	if (stored == 0)
		return nr_probe_skip(ctx, "no modinfo answer and no modprobe.d file here");
	return 0;
}

/* ---- parse -------------------------------------------------------------- */

struct conf_file {
	const char *artifact;
	const char *file;    /* the name inside its directory */
	size_t dir;          /* index into conf_dirs */
};

static int conf_cmp(const void *a, const void *b)
{
	const struct conf_file *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	return c ? c : (x->dir > y->dir) - (x->dir < y->dir);
}

/* The files kmod would read, in its order; returns how many. */
static size_t conf_files(const struct nr_artifacts *arts, struct conf_file *out, size_t max)
{
	const char *name;
	size_t i, d, n = 0, k = 0;

	for (i = 0; (name = nr_artifacts_name(arts, i)) != NULL && n < max; i++)
		for (d = 0; d < N_CONF_DIRS; d++) {
			size_t kl = strlen(conf_dirs[d].key);

			if (strncmp(name, "conf-", 5) == 0 && strncmp(name + 5, conf_dirs[d].key, kl) == 0 &&
			    name[5 + kl] == '-') {
				out[n++] = (struct conf_file){ name, name + 6 + kl, d };
				break;
			}
		}
	qsort(out, n, sizeof(*out), conf_cmp);
	/* A name in an earlier directory masks the same name later. */
	for (i = 0; i < n; i++)
		if (k == 0 || strcmp(out[k - 1].file, out[i].file) != 0)
			out[k++] = out[i];
	return k;
}

static const char *kind_name(enum nr_modconf_kind k)
{
	return k == NR_MODCONF_OPTION ? "options" : k == NR_MODCONF_BLACKLIST ? "blacklist" : "install";
}

static void add_directive(json_object *facts, const struct nr_modconf *d, const char *source,
                          const char *artifact_path)
{
	json_object *list = nr_facts_get(facts, "modules.config"), *e, *mod;
	json_object *persistent = nr_facts_get(facts, "modules.persistent");
	char detail[300];

	if (!list || !persistent)
		return;
	e = json_object_new_object();
	json_object_object_add(e, "module", json_object_new_string(d->module));
	json_object_object_add(e, "kind", json_object_new_string(kind_name(d->kind)));
	json_object_object_add(e, "param", nr_json_str_or_null(d->param));
	json_object_object_add(e, "value", nr_json_str_or_null(d->value));
	json_object_object_add(e, "source", json_object_new_string(source));
	json_object_object_add(e, "line", d->line > 0 ? json_object_new_int(d->line) : NULL);
	json_object_array_add(list, e);
	if (d->kind != NR_MODCONF_OPTION)
		return;
	if (!json_object_object_get_ex(persistent, d->module, &mod)) {
		mod = json_object_new_object();
		json_object_object_add(persistent, d->module, mod);
	}
	/* The last assignment wins, as it does when the module loads. */
	json_object_object_add(mod, d->param, json_object_new_string(d->value));
	if (d->line > 0)
		snprintf(detail, sizeof(detail), "%s line %d: options %s %s=%s", source, d->line,
		         d->module, d->param, d->value);
	else
		snprintf(detail, sizeof(detail), "kernel command line: %s.%s=%s", d->module, d->param,
		         d->value);
	nr_facts_evidence(facts, "modules.persistent", artifact_path, detail);
}

static void modules_parse_conf(const struct nr_artifacts *arts, json_object *facts)
{
	struct conf_file files[MAX_CONF_FILES * N_CONF_DIRS];
	struct nr_modconf *d = calloc(MAX_DIRECTIVES, sizeof(*d));
	const char *buf, *cmdline = nr_facts_str(facts, "kernel.cmdline");
	char source[512];
	size_t n, i, k, nd, len;

	n = conf_files(arts, files, sizeof(files) / sizeof(files[0]));
	/* Null stays null unless something was read: an empty list means
	 * "read, and nothing set", which is a different answer. */
	if (!d || (n == 0 && !cmdline))
		goto out;
	nr_facts_set(facts, "modules.config", json_object_new_array());
	nr_facts_set(facts, "modules.persistent", json_object_new_object());
	for (i = 0; i < n; i++) {
		buf = nr_artifacts_get(arts, files[i].artifact, &len);
		nd = buf ? nr_modconf_parse(buf, len, "kvm", d, MAX_DIRECTIVES) : 0;
		snprintf(source, sizeof(source), "%s/%s", conf_dirs[files[i].dir].dir, files[i].file);
		for (k = 0; k < nd; k++)
			add_directive(facts, &d[k], source, nr_artifacts_path(arts, files[i].artifact));
	}
	/* kernel.cmdline was parsed already: the kernel probe comes first. */
	nd = cmdline ? nr_modconf_cmdline(cmdline, strlen(cmdline), "kvm", d, MAX_DIRECTIVES) : 0;
	for (k = 0; k < nd; k++)
		add_directive(facts, &d[k], "/proc/cmdline", NULL);
out:
	free(d);
}

static void modules_parse_info(const struct nr_artifacts *arts, json_object *facts)
{
	struct nr_modinfo *mi = malloc(sizeof(*mi));
	json_object *info = NULL, *m, *params, *p;
	const char *name, *buf;
	size_t i, k, len;

	for (i = 0; mi && (name = nr_artifacts_name(arts, i)) != NULL; i++) {
		if (strncmp(name, "modinfo-", 8) != 0 || !(buf = nr_artifacts_get(arts, name, &len)) ||
		    nr_modinfo_parse(buf, len, mi) < 0)
			continue;
		if (!info) {
			info = json_object_new_object();
			nr_facts_set(facts, "modules.info", info);
		}
		m = json_object_new_object();
		params = json_object_new_object();
		json_object_object_add(m, "filename", nr_json_str_or_null(mi->filename));
		json_object_object_add(m, "vermagic", nr_json_str_or_null(mi->vermagic));
		for (k = 0; k < mi->n_params; k++) {
			p = json_object_new_object();
			json_object_object_add(p, "type", nr_json_str_or_null(mi->params[k].type));
			json_object_object_add(p, "description",
			                       nr_json_str_or_null(mi->params[k].description));
			json_object_object_add(params, mi->params[k].name, p);
		}
		json_object_object_add(m, "params", params);
		/* Keyed by the artifact's module, which is what we asked for. */
		json_object_object_add(info, name + 8, m);
	}
	free(mi);
}

static void modules_parse(const struct nr_artifacts *arts, json_object *facts)
{
	modules_parse_conf(arts, facts);
	modules_parse_info(arts, facts);
}

const struct nr_probe nr_probe_modules = {
	.name = "modules",
	.summary = "KVM module files and parameter types (modinfo), and their persistent "
	           "settings (modprobe.d, kernel command line)",
	.arches = NR_ARCH_ANY,
	.collect = modules_collect,
	.parse = modules_parse,
};
