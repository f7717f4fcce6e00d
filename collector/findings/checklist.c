/* SPDX-License-Identifier: MIT */
/* The kernel document's per-level checklist: see checklist.h. */
#include "checklist.h"
#include "mlevel.h"
#include "level/facts.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Whether the document asks for an item on this level: always, or only
 * when the level has it to give (libvirt is not everywhere). */
enum need { REQUIRED, OPTIONAL };

struct cl_ctx {
	json_object *levels, *level, *facts;
	bool reached;
};

const char *nr_cl_state_name(enum nr_cl_state s)
{
	return s == NR_CL_PRESENT ? "present" : s == NR_CL_MISSING ? "missing" : "n/a";
}

static void set(struct nr_cl_item *it, enum nr_cl_state st, const char *artifact, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void set(struct nr_cl_item *it, enum nr_cl_state st, const char *artifact, const char *fmt, ...)
{
	va_list ap;

	it->state = st;
	it->artifact = artifact;
	va_start(ap, fmt);
	vsnprintf(it->detail, sizeof(it->detail), fmt, ap);
	va_end(ap);
}

/* Why a probe left nothing: "probe 'dmi' skipped: needs root". */
static void probe_why(json_object *level, const char *probe, char *out, size_t outlen)
{
	json_object *p = nr_mlevel_probe(level, probe);
	json_object *notes = nr_mlevel_member(p, "notes", json_type_array);
	const char *status = nr_mlevel_string(p, "status"), *why = nr_mlevel_string(p, "error");

	if (!p || !status) {
		snprintf(out, outlen, "probe '%s' did not run", probe);
		return;
	}
	if (!why && notes && json_object_array_length(notes) > 0)
		why = json_object_get_string(json_object_array_get_idx(notes, 0));
	snprintf(out, outlen, "probe '%s' %s%s%s", probe, status, why ? ": " : "", why ? why : "");
}

/* An item that is one artifact of one probe. */
static void artifact_item(const struct cl_ctx *c, struct nr_cl_item *it, const char *probe,
                          const char *artifact, enum need need)
{
	const char *path = nr_mlevel_artifact_path(c->level, probe, artifact);
	const char *status = nr_mlevel_probe_status(c->level, probe);
	char why[280];

	if (path) {
		set(it, NR_CL_PRESENT, path, "%s", path);
		return;
	}
	probe_why(c->level, probe, why, sizeof(why));
	set(it, (status && strcmp(status, "unsupported") == 0) || need == OPTIONAL ? NR_CL_NA : NR_CL_MISSING,
	    NULL, "%s", why);
}

/* The first evidence artifact recorded for a fact. */
static const char *evidence(json_object *facts, const char *key)
{
	json_object *ev = nr_mlevel_member(nr_mlevel_member(facts, "evidence", json_type_object), key,
	                                   json_type_array);

	return ev && json_object_array_length(ev) > 0
	               ? nr_mlevel_string(json_object_array_get_idx(ev, 0), "artifact") : NULL;
}

static void kernel_item(const struct cl_ctx *c, struct nr_cl_item *it)
{
	const char *rel = nr_facts_str(c->facts, "kernel.release");
	const char *path = nr_mlevel_artifact_path(c->level, "kernel", "uname-a");
	char why[280];

	if (!path)
		path = nr_mlevel_artifact_path(c->level, "kernel", "proc-version");
	if (rel || path) {
		set(it, NR_CL_PRESENT, path, "%s", rel ? rel : "see the artifact");
		return;
	}
	probe_why(c->level, "kernel", why, sizeof(why));
	set(it, NR_CL_MISSING, NULL, "%s", why);
}

static void qemu_item(const struct cl_ctx *c, struct nr_cl_item *it)
{
	json_object *vs = nr_mlevel_member(nr_mlevel_member(c->facts, "qemu", json_type_object), "versions",
	                                   json_type_array);
	json_object *v0 = vs && json_object_array_length(vs) > 0 ? json_object_array_get_idx(vs, 0) : NULL;
	const char *bin = nr_mlevel_string(v0, "binary"), *ver = nr_mlevel_string(v0, "version");
	const char *status = nr_mlevel_probe_status(c->level, "qemu");
	char name[96], why[280];

	if (v0 && ver) {
		snprintf(name, sizeof(name), "version-%s", bin ? bin : "");
		set(it, NR_CL_PRESENT, nr_mlevel_artifact_path(c->level, "qemu", name), "%s %s%s",
		    bin ? bin : "QEMU", ver, json_object_array_length(vs) > 1 ? " (and more binaries)" : "");
		return;
	}
	if (status && strcmp(status, "ok") == 0) {
		set(it, NR_CL_NA, NULL, "no QEMU binary on this level");
		return;
	}
	probe_why(c->level, "qemu", why, sizeof(why));
	set(it, NR_CL_MISSING, NULL, "%s", why);
}

static void libvirt_item(const struct cl_ctx *c, struct nr_cl_item *it)
{
	const char *ver = nr_facts_str(c->facts, "libvirt.version");
	const char *status = nr_mlevel_probe_status(c->level, "libvirt");
	char why[280];

	if (ver) {
		set(it, NR_CL_PRESENT, evidence(c->facts, "libvirt.version"), "%s", ver);
		return;
	}
	probe_why(c->level, "libvirt", why, sizeof(why));
	/* Not installed is an answer (QEMU used directly); a failure is not. */
	set(it, status && (strcmp(status, "skipped") == 0 || strcmp(status, "ok") == 0) ? NR_CL_NA
	                                                                                : NR_CL_MISSING,
	    NULL, "%s", why);
}

/* The QEMU command lines of the guests this level runs: asked for from
 * the level that runs L1 and the one that runs L2. */
static void cmdline_item(const struct cl_ctx *c, struct nr_cl_item *it)
{
	json_object *guests = nr_mlevel_guests(c->facts);
	size_t n = guests ? json_object_array_length(guests) : 0;
	struct nr_mlevels ix;
	bool has_child = nr_mlevels_init(&ix, c->levels) == 0 &&
	                 nr_mlevel_has_child(&ix, nr_mlevel_id(c->level));
	char label[200], why[280];

	nr_mlevels_release(&ix);

	if (n > 0) {
		nr_mlevel_guest_label(json_object_array_get_idx(guests, 0), label, sizeof(label));
		set(it, NR_CL_PRESENT, nr_mlevel_guest_artifact(c->level, json_object_array_get_idx(guests, 0)),
		    "%zu guest%s: %s%s", n, n == 1 ? "" : "s", label, n > 1 ? ", ..." : "");
		return;
	}
	if (nr_mlevel_has_artifact_prefix(c->level, "libvirt", "log-")) {
		set(it, NR_CL_PRESENT, NULL, "in the libvirt domain logs");
		return;
	}
	probe_why(c->level, "qemu", why, sizeof(why));
	if (has_child)
		set(it, NR_CL_MISSING, NULL, "no QEMU process and no libvirt log, although a level runs on "
		    "this one (%s)", why);
	else
		set(it, NR_CL_NA, NULL, "no guest runs here");
}

static void kvm_item(const struct cl_ctx *c, struct nr_cl_item *it)
{
	json_object *params = nr_mlevel_member(nr_mlevel_member(c->facts, "kvm", json_type_object), "params",
	                                       json_type_object);
	const char *mod = nr_facts_str(c->facts, "kvm.module"), *nested = NULL;
	char why[280];

	if (params && json_object_object_length(params) > 0) {
		if (mod)
			nested = nr_mlevel_kvm_param(c->facts, mod, "nested");
		set(it, NR_CL_PRESENT, evidence(c->facts, "kvm.module"), "%d module%s%s%s%s%s",
		    json_object_object_length(params), json_object_object_length(params) == 1 ? "" : "s",
		    mod ? ", " : "", mod ? mod : "", nested ? " nested=" : "", nested ? nested : "");
		return;
	}
	probe_why(c->level, "kvm", why, sizeof(why));
	set(it, NR_CL_NA, NULL, "%s", why);
}

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

static void accel_item(const struct cl_ctx *c, struct nr_cl_item *it)
{
	const char *role = nr_facts_str(c->facts, "virt.role");
	const char *acc;
	char why[280];

	acc = nr_checklist_accel(c->levels, c->level, why, sizeof(why));
	if (acc)
		set(it, NR_CL_PRESENT, NULL, "%s: %s", acc, why);
	else if (((role && strcmp(role, "host") == 0) || nr_mlevel_firmware_hv(c->facts)) &&
	         nr_mlevel_depth(c->level) == 0)
		set(it, NR_CL_NA, NULL, "%s", why);
	else
		set(it, NR_CL_MISSING, NULL, "%s", why);
}

static bool wants(const struct cl_ctx *c, enum nr_arch arch, const char *probe)
{
	enum nr_arch a = nr_mlevel_arch(c->facts);
	const char *status = nr_mlevel_probe_status(c->level, probe);

	if (a != NR_ARCH_UNKNOWN)
		return a == arch;
	return !(status && strcmp(status, "unsupported") == 0);
}

size_t nr_checklist_level(json_object *levels, json_object *level, struct nr_cl_item out[NR_CL_MAX])
{
	struct cl_ctx c = { levels, level, nr_mlevel_facts(level), nr_mlevel_reached(level) };
	json_object *errs = nr_mlevel_member(level, "errors", json_type_array);
	const char *status = nr_mlevel_string(level, "status");
	size_t n = 0, i;

	memset(out, 0, sizeof(*out) * NR_CL_MAX);
#define ITEM(k, w) (out[n].key = (k), out[n].what = (w), &out[n++])
	kernel_item(&c, ITEM("kernel", "Kernel version"));
	qemu_item(&c, ITEM("qemu-version", "QEMU version"));
	libvirt_item(&c, ITEM("libvirt-version", "libvirt version"));
	cmdline_item(&c, ITEM("qemu-cmdlines", "QEMU command lines of its guests"));
	artifact_item(&c, ITEM("cpuinfo", "/proc/cpuinfo"), "cpu", "cpuinfo", REQUIRED);
	artifact_item(&c, ITEM("lscpu", "lscpu"), "cpu", "lscpu", REQUIRED);
	artifact_item(&c, ITEM("dmesg", "Full dmesg"), "dmesg", "dmesg", REQUIRED);
	if (wants(&c, NR_ARCH_X86, "x86info"))
		artifact_item(&c, ITEM("x86info", "x86info -a"), "x86info", "x86info-a", REQUIRED);
	if (wants(&c, NR_ARCH_X86, "dmi"))
		artifact_item(&c, ITEM("dmidecode", "dmidecode"), "dmi", "dmidecode", REQUIRED);
	if (wants(&c, NR_ARCH_S390, "s390"))
		artifact_item(&c, ITEM("sysinfo", "/proc/sysinfo"), "s390", "sysinfo", REQUIRED);
	kvm_item(&c, ITEM("kvm-params", "KVM module parameters"));
	accel_item(&c, ITEM("accel", "KVM or TCG (how this level is run)"));
#undef ITEM
	/* A level never reached has nothing: say why once per item. */
	for (i = 0; !c.reached && i < n; i++)
		set(&out[i], NR_CL_MISSING, NULL, "level not collected: %s%s%s", status ? status : "unknown",
		    errs && json_object_array_length(errs) > 0 ? ": " : "",
		    errs && json_object_array_length(errs) > 0
		            ? json_object_get_string(json_object_array_get_idx(errs, 0)) : "");
	return n;
}
