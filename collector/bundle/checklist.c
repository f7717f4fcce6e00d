/* SPDX-License-Identifier: MIT */
/* The kernel document's checklist per level, from the manifest alone (see
 * checklist.h).  Each item says ok, partial, missing or n/a, and why, in the
 * bundle's own words wherever it recorded them. */
#include "checklist.h"
#include "findings/mlevel.h"
#include "level/facts.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct cl {
	json_object *levels;   /* the manifest's levels[] */
	json_object *level;    /* the one being checked */
	json_object *facts;    /* its facts, or NULL */
	const char *id;
};

static json_object *item_new(json_object *items, const char *id, const char *title)
{
	json_object *it = json_object_new_object();

	json_object_object_add(it, "item", json_object_new_string(id));
	json_object_object_add(it, "title", json_object_new_string(title));
	json_object_object_add(it, "state", json_object_new_string("missing"));
	json_object_object_add(it, "value", NULL);
	json_object_object_add(it, "artifacts", json_object_new_array());
	json_object_object_add(it, "reason", NULL);
	json_object_array_add(items, it);
	return it;
}

/* state, and the reason (NULL fmt: none recorded). */
__attribute__((format(printf, 3, 4)))
static void item_set(json_object *it, const char *state, const char *fmt, ...)
{
	char reason[600];
	va_list ap;

	json_object_object_add(it, "state", json_object_new_string(state));
	if (!fmt) {
		json_object_object_add(it, "reason", NULL);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	json_object_object_add(it, "reason", json_object_new_string(reason));
}

static const char *item_state(json_object *it)
{
	return nr_mlevel_string(it, "state");
}

static void item_artifact(json_object *it, const char *path)
{
	if (path)
		json_object_array_add(json_object_object_get(it, "artifacts"), json_object_new_string(path));
}

/* The first line of s, at most 200 bytes, into buf. */
static const char *first_line(const char *s, char *buf, size_t len)
{
	size_t n = s ? strcspn(s, "\n") : 0;

	if (n > 200)
		n = 200;
	snprintf(buf, len, "%.*s", (int)n, s ? s : "");
	return buf;
}

/* Why a probe did not store what it should have: its status and error,
 * else its first note, else a command it looked for and did not find.
 * NULL when the bundle recorded nothing. */
static const char *probe_reason(json_object *level, const char *probe, char *buf, size_t len)
{
	json_object *p = nr_mlevel_probe(level, probe);
	json_object *notes = nr_mlevel_member(p, "notes", json_type_array);
	json_object *cmds = nr_mlevel_member(p, "commands", json_type_array);
	const char *st = nr_mlevel_string(p, "status"), *err = nr_mlevel_string(p, "error");
	size_t i;

	if (!p) {
		snprintf(buf, len, "the bundle has no '%s' probe", probe);
		return buf;
	}
	if (st && strcmp(st, "ok") != 0) {
		snprintf(buf, len, "probe '%s' %s%s%s", probe, st, err ? ": " : "", err ? err : "");
		return buf;
	}
	if (notes && json_object_array_length(notes) > 0 &&
	    json_object_get_string(json_object_array_get_idx(notes, 0))) {
		snprintf(buf, len, "probe '%s': %s", probe,
		         json_object_get_string(json_object_array_get_idx(notes, 0)));
		return buf;
	}
	for (i = 0; cmds && i < json_object_array_length(cmds); i++) {
		json_object *c = json_object_array_get_idx(cmds, i);

		if (nr_mlevel_string(c, "name") && !nr_mlevel_string(c, "path")) {
			snprintf(buf, len, "%s is not installed", nr_mlevel_string(c, "name"));
			return buf;
		}
	}
	return NULL;
}

/* One stored output: ok; partial when cut at the cap or when its command
 * was killed (timed out); missing when its command failed, printed
 * nothing, or is not there (with the probe's reason); n/a when the probe
 * does not apply to this architecture. */
static void check_artifact(struct cl *c, json_object *it, const char *probe, const char *name)
{
	json_object *a = nr_mlevel_artifact(c->level, probe, name);
	json_object *exit_code = nr_mlevel_member(a, "exit_code", json_type_int);
	json_object *size = nr_mlevel_member(a, "size", json_type_int);
	json_object *cmd = nr_mlevel_member(a, "command", json_type_array);
	json_object *trunc = nr_mlevel_member(a, "truncated", json_type_boolean);
	const char *what = cmd ? json_object_get_string(json_object_array_get_idx(cmd, 0)) : NULL;
	const char *subject = what ? what : nr_mlevel_string(a, "source") ? nr_mlevel_string(a, "source") : name;
	char why[600], err[256];
	int code;

	if (!a) {
		const char *st = nr_mlevel_probe_status(c->level, probe);
		const char *r = probe_reason(c->level, probe, why, sizeof(why));

		if (r)
			item_set(it, st && strcmp(st, "unsupported") == 0 ? "n/a" : "missing", "%s", r);
		else
			item_set(it, "missing", NULL);
		return;
	}
	item_artifact(it, nr_mlevel_string(a, "path"));
	code = exit_code ? json_object_get_int(exit_code) : 0;
	first_line(nr_mlevel_string(a, "stderr"), err, sizeof(err));
	/* What a failed command printed is not what was asked for (dmidecode
	 * without a DMI table prints a header and exits 1). */
	if (code != 0)
		item_set(it, "missing", "%s exited %d%s%s", subject, code, err[0] ? ": " : "", err);
	else if (!size || json_object_get_int64(size) == 0)
		item_set(it, "missing", "%s %s nothing%s%s", subject, what ? "printed" : "held",
		         err[0] ? ": " : "", err);
	else if (trunc && json_object_get_boolean(trunc))
		item_set(it, "partial", "cut at the artifact size cap (--max-artifact-size)");
	else if (cmd && !exit_code)   /* killed: what it printed before that */
		item_set(it, "partial", "%s did not finish (%s)", subject,
		         probe_reason(c->level, probe, why, sizeof(why)) ? why : "killed");
	else
		item_set(it, "ok", NULL);
}

/* A version fact: ok with its value; else why its artifacts gave none. */
static void check_version(struct cl *c, json_object *it, const char *fact, const char *probe,
                          const char *const *arts)
{
	const char *v = nr_facts_str(c->facts, fact);
	size_t i;

	if (v) {
		json_object_object_add(it, "value", json_object_new_string(v));
		for (i = 0; arts[i]; i++)
			item_artifact(it, nr_mlevel_artifact_path(c->level, probe, arts[i]));
		item_set(it, "ok", NULL);
		return;
	}
	for (i = 0; arts[i] && !nr_mlevel_artifact(c->level, probe, arts[i]); i++)
		;
	check_artifact(c, it, probe, arts[i] ? arts[i] : arts[0]);
	if (strcmp(item_state(it), "ok") == 0)
		item_set(it, "missing", "no version found in %s",
		         nr_mlevel_artifact_path(c->level, probe, arts[i]));
}

static void item_kernel(struct cl *c, json_object *it)
{
	static const char *const arts[] = { "uname-a", "proc-version", NULL };

	check_version(c, it, "kernel.release", "kernel", arts);
}

/* Where libvirt is not installed (every command the probe looked for is
 * absent), its version does not apply. */
static void item_libvirt(struct cl *c, json_object *it)
{
	static const char *const arts[] = { "virsh-version", "libvirtd-version", NULL };
	json_object *cmds = nr_mlevel_member(nr_mlevel_probe(c->level, "libvirt"), "commands",
	                                     json_type_array);
	size_t i, absent = 0, len = 0, n = cmds ? json_object_array_length(cmds) : 0;
	char names[200] = "";

	check_version(c, it, "libvirt.version", "libvirt", arts);
	for (i = 0; i < n; i++) {
		json_object *cmd = json_object_array_get_idx(cmds, i);
		const char *name = nr_mlevel_string(cmd, "name");

		if (nr_mlevel_string(cmd, "path"))
			continue;
		absent++;
		if (name && len < sizeof(names))
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", len ? ", " : "", name);
	}
	if (strcmp(item_state(it), "ok") != 0 && n > 0 && absent == n)
		item_set(it, "n/a", "libvirt is not installed on %s (not found: %s)", c->id, names);
}

/* Every version-BINARY the qemu probe stored; none while the probe ran:
 * no QEMU system emulator is installed. */
static void item_qemu(struct cl *c, json_object *it)
{
	json_object *vs = nr_mlevel_member(nr_mlevel_member(c->facts, "qemu", json_type_object),
	                                   "versions", json_type_array);
	const char *st = nr_mlevel_probe_status(c->level, "qemu");
	char value[512] = "", why[600];
	size_t i, len = 0;

	for (i = 0; vs && i < json_object_array_length(vs) && len < sizeof(value); i++) {
		json_object *v = json_object_array_get_idx(vs, i);

		len += (size_t)snprintf(value + len, sizeof(value) - len, "%s%s %s", i ? ", " : "",
		                        nr_mlevel_string(v, "binary") ? nr_mlevel_string(v, "binary") : "?",
		                        nr_mlevel_string(v, "version") ? nr_mlevel_string(v, "version") : "?");
	}
	if (value[0]) {
		json_object_object_add(it, "value", json_object_new_string(value));
		item_set(it, "ok", NULL);
	} else if (st && strcmp(st, "ok") == 0 && !nr_mlevel_has_artifact_prefix(c->level, "qemu", "version-")) {
		item_set(it, "n/a", "%s", probe_reason(c->level, "qemu", why, sizeof(why))
		         ? why : "no QEMU system emulator is installed (the qemu probe found none)");
	} else if (nr_mlevel_has_artifact_prefix(c->level, "qemu", "version-")) {
		item_set(it, "missing", "no QEMU version found in the version-* outputs");
	} else if (probe_reason(c->level, "qemu", why, sizeof(why))) {
		item_set(it, "missing", "%s", why);
	} else {
		item_set(it, "missing", NULL);
	}
}

/* The libvirt log of domain `name` on `host`: the artifact whose source is
 * /var/log/libvirt/qemu/NAME.log. */
static const char *libvirt_log(json_object *host, const char *name)
{
	json_object *arts = nr_mlevel_member(nr_mlevel_probe(host, "libvirt"), "artifacts",
	                                     json_type_array);
	size_t i, n = arts ? json_object_array_length(arts) : 0;
	char want[512];

	if (!name)
		return NULL;
	snprintf(want, sizeof(want), "/var/log/libvirt/qemu/%s.log", name);
	for (i = 0; i < n; i++) {
		json_object *a = json_object_array_get_idx(arts, i);
		const char *src = nr_mlevel_string(a, "source");

		if (src && strcmp(src, want) == 0)
			return nr_mlevel_string(a, "path");
	}
	return NULL;
}

/* The QEMU command line that runs this level: found on whichever level
 * holds the guest linked to it (its parent, or its host when reached
 * through QEMU's user-mode address), from the process or libvirt's log. */
static void item_cmdline(struct cl *c, json_object *it)
{
	size_t i, j, n = json_object_array_length(c->levels);
	const char *role = nr_facts_str(c->facts, "virt.role"), *hv;
	json_object *match = nr_mlevel_member(c->level, "match", json_type_object);
	char why[600], label[200];

	for (i = 0; i < n; i++) {
		json_object *host = json_object_array_get_idx(c->levels, i);
		json_object *guests = nr_mlevel_guests(nr_mlevel_facts(host));

		for (j = 0; guests && j < json_object_array_length(guests); j++) {
			json_object *g = json_object_array_get_idx(guests, j);
			const char *linked = nr_mlevel_string(g, "level"), *proc, *log;

			if (!linked || strcmp(linked, c->id) != 0)
				continue;
			proc = nr_mlevel_guest_artifact(host, g);
			log = libvirt_log(host, nr_mlevel_string(g, "name"));
			nr_mlevel_guest_label(g, label, sizeof(label));
			if (!proc && !log) {
				item_set(it, "missing", "guest %s of %s runs %s, but its command line is not "
				         "stored (%s)", label, nr_mlevel_id(host) ? nr_mlevel_id(host) : "?", c->id,
				         probe_reason(host, "qemu", why, sizeof(why)) ? why : "no reason recorded");
				return;
			}
			item_artifact(it, proc);
			item_artifact(it, log);
			snprintf(why, sizeof(why), "guest %s of %s", label, nr_mlevel_id(host) ? nr_mlevel_id(host) : "?");
			json_object_object_add(it, "value", json_object_new_string(why));
			item_set(it, "ok", NULL);
			return;
		}
	}
	if (nr_mlevel_depth(c->level) > 0) {
		item_set(it, "missing", "%s is not linked to a QEMU guest of a collected level%s%s", c->id,
		         nr_mlevel_string(match, "detail") ? ": " : "",
		         nr_mlevel_string(match, "detail") ? nr_mlevel_string(match, "detail") : "");
	} else if (nr_mlevel_firmware_hv(c->facts)) {
		/* A firmware partition is a host (docs/detection.md). */
		item_set(it, "n/a", "%s is the host (L0), in an LPAR of %s: no QEMU runs it", c->id,
		         nr_mlevel_firmware_hv(c->facts));
	} else if (role && strcmp(role, "guest") == 0) {
		hv = nr_facts_str(c->facts, "virt.hypervisor");
		item_set(it, "missing", "%s is itself a guest (of %s) whose host was not collected", c->id,
		         hv ? hv : "an unidentified hypervisor");
	} else if (role && strcmp(role, "host") == 0) {
		item_set(it, "n/a", "%s is the host (L0): no QEMU runs it", c->id);
	} else {
		item_set(it, "n/a", "no collected level runs %s", c->id);
	}
}

static void item_cpuinfo(struct cl *c, json_object *it)
{
	check_artifact(c, it, "cpu", "cpuinfo");
}

static void item_lscpu(struct cl *c, json_object *it)
{
	check_artifact(c, it, "cpu", "lscpu");
}

/* "Full" dmesg: from boot, which the dmesg parser records. */
static void item_dmesg(struct cl *c, json_object *it)
{
	check_artifact(c, it, "dmesg", "dmesg");
	if (strcmp(item_state(it), "ok") == 0 && nr_facts_bool(c->facts, "kernel.dmesg_captured") == 0)
		item_set(it, "partial", "the kernel's ring buffer no longer holds the messages from boot");
}

static void item_kvm(struct cl *c, json_object *it)
{
	json_object *params = nr_mlevel_member(nr_mlevel_member(c->facts, "kvm", json_type_object),
	                                       "params", json_type_object);
	const char *st = nr_mlevel_probe_status(c->level, "kvm");
	char value[400] = "", why[600];
	size_t len = 0, count = 0;

	if (params) {
		json_object_object_foreach(params, mod, vals) {
			if (json_object_is_type(vals, json_type_object) && len < sizeof(value)) {
				len += (size_t)snprintf(value + len, sizeof(value) - len, "%s%s", len ? ", " : "", mod);
				count += (size_t)json_object_object_length(vals);
			}
		}
	}
	if (count > 0) {
		snprintf(why, sizeof(why), "%zu parameters of %s", count, value);
		json_object_object_add(it, "value", json_object_new_string(why));
		item_set(it, "ok", NULL);
	} else if (st && strcmp(st, "ok") == 0 && !nr_facts_str(c->facts, "kvm.module")) {
		item_set(it, "n/a", "no KVM module is loaded on %s (no /sys/module/kvm*)", c->id);
	} else if (probe_reason(c->level, "kvm", why, sizeof(why))) {
		item_set(it, st && strcmp(st, "unsupported") == 0 ? "n/a" : "missing", "%s", why);
	} else {
		item_set(it, "missing", NULL);
	}
}

/* Arch-specific outputs: n/a on the other architectures. */
static void check_arch_artifact(struct cl *c, json_object *it, enum nr_arch arch,
                                const char *probe, const char *name, const char *arch_name)
{
	enum nr_arch a = nr_mlevel_arch(c->facts);

	if (a != NR_ARCH_UNKNOWN && a != arch)
		item_set(it, "n/a", "%s only", arch_name);
	else
		check_artifact(c, it, probe, name);
}

static void item_x86info(struct cl *c, json_object *it)
{
	check_arch_artifact(c, it, NR_ARCH_X86, "x86info", "x86info-a", "x86");
}

static void item_dmidecode(struct cl *c, json_object *it)
{
	check_arch_artifact(c, it, NR_ARCH_X86, "dmi", "dmidecode", "x86");
}

static void item_sysinfo(struct cl *c, json_object *it)
{
	check_arch_artifact(c, it, NR_ARCH_S390, "s390", "sysinfo", "s390x");
}

/* "Ensure you are actually running KVM on KVM": KVM or TCG, and from
 * what; n/a on a bare-metal L0, which nothing runs. */
static void item_accel(struct cl *c, json_object *it)
{
	const char *role = nr_facts_str(c->facts, "virt.role");
	const char *acc;
	char why[400], value[440];

	acc = nr_checklist_accel(c->levels, c->level, why, sizeof(why));
	if (acc) {
		snprintf(value, sizeof(value), "%s: %s", acc, why);
		json_object_object_add(it, "value", json_object_new_string(value));
		item_set(it, "ok", NULL);
	} else if (((role && strcmp(role, "host") == 0) || nr_mlevel_firmware_hv(c->facts)) &&
	           nr_mlevel_depth(c->level) == 0) {
		item_set(it, "n/a", "%s", why);
	} else {
		item_set(it, "missing", "%s", why);
	}
}

static const struct {
	const char *id, *title;
	void (*check)(struct cl *c, json_object *it);
} items[] = {
	{ "kernel", "kernel version", item_kernel },
	{ "libvirt", "libvirt version", item_libvirt },
	{ "qemu", "QEMU version", item_qemu },
	{ "cmdline", "QEMU command line", item_cmdline },
	{ "cpuinfo", "/proc/cpuinfo", item_cpuinfo },
	{ "lscpu", "lscpu", item_lscpu },
	{ "dmesg", "full dmesg", item_dmesg },
	{ "kvm-params", "KVM module parameters", item_kvm },
	{ "x86info", "x86info -a", item_x86info },
	{ "dmidecode", "dmidecode", item_dmidecode },
	{ "sysinfo", "/proc/sysinfo", item_sysinfo },
	{ "accel", "KVM or TCG", item_accel },
};

json_object *nr_checklist_level(json_object *levels, json_object *lv)
{
	struct cl c = { levels, lv, nr_mlevel_facts(lv), nr_mlevel_id(lv) };
	json_object *o = json_object_new_object(), *list = json_object_new_array(), *errs;
	const char *status = nr_mlevel_string(lv, "status"), *err = NULL;
	size_t i;

	if (!c.id)
		c.id = "?";
	errs = nr_mlevel_member(lv, "errors", json_type_array);
	if (errs && json_object_array_length(errs) > 0)
		err = json_object_get_string(json_object_array_get_idx(errs, 0));
	json_object_object_add(o, "level", json_object_new_string(c.id));
	json_object_object_add(o, "items", list);
	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		json_object *it = item_new(list, items[i].id, items[i].title);

		if (!nr_mlevel_reached(lv))
			item_set(it, "missing", "%s was not collected (%s%s%s)", c.id,
			         status ? status : "no status", err ? ": " : "", err ? err : "");
		else
			items[i].check(&c, it);
		/* A partial level lost its connection: what it lacks, it lacks for that. */
		if (status && strcmp(status, "partial") == 0 && strcmp(item_state(it), "missing") == 0 &&
		    !nr_mlevel_string(it, "reason"))
			item_set(it, "missing", "the connection to %s was lost during collection", c.id);
	}
	return o;
}

json_object *nr_checklist_build(json_object *levels)
{
	json_object *out = json_object_new_array();
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; json_object_is_type(levels, json_type_array) && i < json_object_array_length(levels); i++) {
		json_object *lv = json_object_array_get_idx(levels, i);

		if (json_object_is_type(lv, json_type_object))
			json_object_array_add(out, nr_checklist_level(levels, lv));
	}
	return out;
}
