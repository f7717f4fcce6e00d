/* SPDX-License-Identifier: MIT */
/* The facts object: layout, dotted-path access and evidence. */
#include "facts.h"
#include "level.h"
#include "transport/memsink.h"
#include "parse.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Any string may come from a machine's bytes; JSON text must be UTF-8. */
static json_object *json_str_utf8(const char *s)
{
	json_object *o;
	char *copy;

	if (nr_utf8_clean_p(s, strlen(s)) || !(copy = strdup(s)))
		return json_object_new_string(s);
	nr_utf8_clean(copy);
	o = json_object_new_string(copy);
	free(copy);
	return o;
}

json_object *nr_json_str_or_null(const char *s)
{
	return s && *s ? json_str_utf8(s) : NULL;
}

json_object *nr_json_tri(int tri)
{
	return tri < 0 ? NULL : json_object_new_boolean(tri > 0);
}

/* Walk to the object holding the last component; create objects on the
 * way when create is set.  *leaf receives the last component. */
static json_object *facts_walk(json_object *facts, const char *path, int create,
                               char *leaf, size_t leaflen)
{
	json_object *cur = facts;
	const char *p = path;

	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char part[64];
		json_object *next;

		if (n >= sizeof(part) || n >= leaflen)
			return NULL;
		memcpy(part, p, n);
		part[n] = '\0';
		if (!dot) {
			memcpy(leaf, part, n + 1);
			return cur;
		}
		if (!json_object_object_get_ex(cur, part, &next) ||
		    !json_object_is_type(next, json_type_object)) {
			if (!create)
				return NULL;
			next = json_object_new_object();
			json_object_object_add(cur, part, next);
		}
		cur = next;
		p = dot + 1;
	}
}

void nr_facts_set(json_object *facts, const char *path, json_object *value)
{
	char leaf[64];
	json_object *parent = facts_walk(facts, path, 1, leaf, sizeof(leaf));

	if (parent)
		json_object_object_add(parent, leaf, value);
	else
		json_object_put(value);
}

json_object *nr_facts_get(json_object *facts, const char *path)
{
	char leaf[64];
	json_object *parent = facts_walk(facts, path, 0, leaf, sizeof(leaf));
	json_object *v = NULL;

	if (parent)
		json_object_object_get_ex(parent, leaf, &v);
	return v;
}

const char *nr_facts_str(json_object *facts, const char *path)
{
	json_object *v = nr_facts_get(facts, path);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

int nr_facts_bool(json_object *facts, const char *path)
{
	json_object *v = nr_facts_get(facts, path);

	if (!json_object_is_type(v, json_type_boolean))
		return -1;
	return json_object_get_boolean(v) ? 1 : 0;
}

void nr_facts_evidence(json_object *facts, const char *fact, const char *artifact_path,
                       const char *detail)
{
	json_object *ev = nr_facts_get(facts, "evidence");
	json_object *list, *e;

	if (!ev) {
		ev = json_object_new_object();
		json_object_object_add(facts, "evidence", ev);
	}
	if (!json_object_object_get_ex(ev, fact, &list)) {
		list = json_object_new_array();
		json_object_object_add(ev, fact, list);
	}
	e = json_object_new_object();
	json_object_object_add(e, "artifact", nr_json_str_or_null(artifact_path));
	json_object_object_add(e, "detail", json_str_utf8(detail ? detail : ""));
	json_object_array_add(list, e);
}

/* Every key a consumer may rely on exists, null until known. */
void nr_facts_begin(json_object *facts, const char *arch_name, enum nr_arch arch)
{
	static const char *const nulls[] = {
		"kernel.release", "kernel.version", "kernel.cmdline", "kernel.hypervisor_detected",
		"kernel.dmesg_captured", "kernel.acpi_oem",
		"cpu.vendor", "cpu.model", "cpu.count", "cpu.virt_ext", "cpu.hypervisor_flag",
		"cpu.platform", "cpu.machine", "cpu.hypervisor_vendor", "cpu.virt_type",
		"firmware.sys_vendor", "firmware.product_name", "firmware.bios_vendor",
		"virt.role", "virt.hypervisor", "virt.stack", "virt.accel", "virt.accel_source",
		"pci.devices", "pci.hypervisor",
		"devicetree.compatible", "devicetree.model", "devicetree.hypervisor",
		"devicetree.powervm_lpar", "xen.domain",
		"kvm.available", "kvm.device", "kvm.module", "kvm.nested",
		"libvirt.version", "libvirt.host_model", "libvirt.host_validate", "libvirt.domains",
		/* issue 11: distribution, packages, module configuration, MAC */
		"os.id", "os.id_like", "os.version_id", "os.pretty_name",
		"packages.manager", "packages.kernel", "packages.installed",
		"modules.config", "modules.persistent", "modules.info",
		"security.selinux", "security.apparmor", "security.lsm", "security.denials",
		"security.denials_checked", "security.denials_total",
		"cpuid.vendor", "cpuid.hypervisor_bit", "cpuid.vmx", "cpuid.svm", "cpuid.signature",
		"cpuid.signature2", "cpuid.hypervisor", "cpuid.svm_features",
		"vmx.feature_control", "vmx.features", "vmx.msrs",
		"vmx.flags",
	};
	size_t i;

	nr_facts_set(facts, "arch", nr_json_str_or_null(arch_name));
	nr_facts_set(facts, "arch_family", json_object_new_string(nr_arch_family_name(arch)));
	nr_facts_set(facts, "hostname", NULL);
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		nr_facts_set(facts, nulls[i], NULL);
	nr_facts_set(facts, "kvm.params", json_object_new_object());
	nr_facts_set(facts, "kvm.modules", json_object_new_array());
	nr_facts_set(facts, "qemu.versions", json_object_new_array());
	nr_facts_set(facts, "guests", json_object_new_array());
	nr_facts_set(facts, "evidence", json_object_new_object());
}

enum nr_arch nr_facts_arch_from_cpuinfo(struct nr_transport *t, int64_t deadline_ms,
                                        char *machine, size_t machine_len)
{
	struct nr_mem_sink m;
	struct nr_cpuinfo ci;
	bool truncated;
	int rc;

	machine[0] = '\0';
	/* The first 256 KiB tell the shape. */
	if (nr_mem_sink_init(&m, 256 * 1024) < 0)
		return NR_ARCH_UNKNOWN;
	rc = t->ops->read_file(t, "/proc/cpuinfo", deadline_ms, &m.base, &truncated, NULL);
	if (rc == 0)
		rc = nr_cpuinfo_parse(m.buf, m.len, &ci);
	nr_mem_sink_release(&m);
	if (rc < 0)
		return NR_ARCH_UNKNOWN;
	snprintf(machine, machine_len, "%s", ci.machine_name);
	return nr_arch_from_family_name(ci.arch_hint);
}

/* ---- the artifacts view parse() gets ---- */

static struct nr_artifact *view_find(const struct nr_artifacts *arts, const char *name)
{
	size_t i;

	for (i = 0; i < arts->result->n_arts; i++)
		if (strcmp(arts->result->arts[i].name, name) == 0)
			return &arts->result->arts[i];
	return NULL;
}

const char *nr_artifacts_get(const struct nr_artifacts *arts, const char *artifact, size_t *len)
{
	struct nr_artifact *a = view_find(arts, artifact);

	*len = 0;
	if (!a)
		return NULL;
	if (!a->cached)
		a->cached = nr_artifact_read(a, NR_PARSE_CAP, &a->cached_len);
	*len = a->cached_len;
	return a->cached;
}

int nr_artifacts_lines(const struct nr_artifacts *arts, const char *artifact, nr_line_fn fn,
                       void *ud)
{
	struct nr_artifact *a = view_find(arts, artifact);
	uint64_t end, off = 0, line_off = 0;
	size_t have = 0, len, adv;
	char *buf, *p, *nl;
	bool eof = false;
	ssize_t n;
	int stop = 0;

	if (!a || a->fd < 0)
		return -ENOENT;
	buf = malloc(NR_SCAN_WINDOW);
	if (!buf)
		return -ENOMEM;
	end = a->size < NR_PARSE_CAP ? a->size : NR_PARSE_CAP;
	while (!stop && !eof) {
		/* After the lines are out, at most NR_SCAN_LINE_MAX is left:
		 * there is always room to read more. */
		len = NR_SCAN_WINDOW - have < end - off ? NR_SCAN_WINDOW - have : (size_t)(end - off);
		n = len ? pread(a->fd, buf + have, len, (off_t)off) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		eof = n <= 0;
		if (n > 0) {
			off += (uint64_t)n;
			have += (size_t)n;
		}
		for (p = buf; !stop && have > 0; p += adv, have -= adv, line_off += adv) {
			nl = memchr(p, '\n', have <= NR_SCAN_LINE_MAX ? have : NR_SCAN_LINE_MAX + 1);
			if (nl)
				adv = (len = (size_t)(nl - p)) + 1;
			else if (have > NR_SCAN_LINE_MAX || eof)
				adv = len = have < NR_SCAN_LINE_MAX ? have : NR_SCAN_LINE_MAX;
			else
				break;
			stop = fn(ud, p, len, line_off);
		}
		memmove(buf, p, have);
	}
	free(buf);
	return 0;
}

int nr_artifacts_exit(const struct nr_artifacts *arts, const char *artifact)
{
	struct nr_artifact *a = view_find(arts, artifact);

	return a && a->has_exit ? a->exit_code : -1;
}

const char *nr_artifacts_path(const struct nr_artifacts *arts, const char *artifact)
{
	struct nr_artifact *a = view_find(arts, artifact);

	return a ? a->path : NULL;
}

const char *nr_artifacts_name(const struct nr_artifacts *arts, size_t i)
{
	return i < arts->result->n_arts ? arts->result->arts[i].name : NULL;
}
