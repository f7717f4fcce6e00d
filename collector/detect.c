/* Deriving a level's virtualization role and hypervisor from the facts
 * its probes parsed, the way systemd-detect-virt and lscpu do: CPUID as the
 * kernel reported it, lscpu's hypervisor vendor, DMI identity, s390
 * sysinfo, and the CPU's hypervisor bit.  Every conclusion carries the
 * evidence it came from; with no evidence the answer stays null. */
#include "facts.h"

#include <string.h>
#include <strings.h>

struct vendor_map {
	const char *needle;     /* case-insensitive substring */
	const char *hypervisor;
};

/* Names as the kernel ("Hypervisor detected: X"), lscpu ("Hypervisor
 * vendor: X") and DMI sys_vendor/product_name spell them. */
static const struct vendor_map vendors[] = {
	{ "KVM", "kvm" },          { "Microsoft", "hyperv" }, { "Hyper-V", "hyperv" },
	{ "VMware", "vmware" },    { "Xen", "xen" },          { "Oracle", "virtualbox" },
	{ "innotek", "virtualbox" }, { "VirtualBox", "virtualbox" }, { "pHyp", "powervm" },
	{ "Parallels", "parallels" }, { "bhyve", "bhyve" },   { "ACRN", "acrn" },
	{ "Firecracker", "firecracker" }, { "Amazon EC2", "kvm" }, { "Google", "kvm" },
};

static const char *vendor_lookup(const char *s)
{
	size_t i;

	for (i = 0; s && i < sizeof(vendors) / sizeof(vendors[0]); i++)
		if (strcasestr(s, vendors[i].needle))
			return vendors[i].hypervisor;
	return NULL;
}

static void conclude(json_object *facts, const char *role, const char *hv, const char *fact,
                     const char *detail)
{
	json_object *ev = nr_facts_get(facts, "evidence");
	json_object *src = NULL, *first;
	const char *artifact = NULL;

	/* Point at the artifact behind the fact we concluded from. */
	if (fact && json_object_object_get_ex(ev, fact, &src) &&
	    (first = json_object_array_get_idx(src, 0)) != NULL)
		artifact = json_object_get_string(json_object_object_get(first, "artifact"));
	nr_facts_set(facts, "virt.role", json_object_new_string(role));
	nr_facts_evidence(facts, "virt.role", artifact, detail);
	if (hv) {
		nr_facts_set(facts, "virt.hypervisor", json_object_new_string(hv));
		nr_facts_evidence(facts, "virt.hypervisor", artifact, detail);
	}
}

/* s390: the innermost VMnn block names our hypervisor; with none, we run
 * directly in an LPAR. */
static int derive_s390(json_object *facts)
{
	json_object *stack = nr_facts_get(facts, "virt.stack");
	json_object *inner;
	const char *cp;
	size_t n;

	if (!json_object_is_type(stack, json_type_array) || !(n = json_object_array_length(stack)))
		return 0;
	inner = json_object_array_get_idx(stack, n - 1);
	cp = json_object_get_string(json_object_object_get(inner, "control_program"));
	if (cp && strcasestr(cp, "z/VM"))
		conclude(facts, "guest", "zvm", "virt.stack", cp);
	else if (cp && strcasestr(cp, "KVM"))
		conclude(facts, "guest", "kvm", "virt.stack", cp);
	else if (cp && strcmp(cp, "LPAR") == 0)
		conclude(facts, "guest", "lpar", "virt.stack", "runs directly in an LPAR");
	else
		conclude(facts, "guest", "unknown", "virt.stack", cp ? cp : "unnamed control program");
	return 1;
}

/* QEMU machine, but is it KVM or TCG?  TCG is claimed only on positive
 * evidence: the kernel log was captured and names no hypervisor. */
static const char *qemu_accel(json_object *facts)
{
	const char *detected = nr_facts_str(facts, "kernel.hypervisor_detected");

	if (detected)
		return vendor_lookup(detected);
	if (nr_facts_bool(facts, "kernel.dmesg_captured") == 1 &&
	    !nr_facts_str(facts, "cpu.hypervisor_vendor"))
		return "qemu-tcg";
	return "qemu";
}

static void derive_virt(json_object *facts)
{
	const char *s, *hv;

	if (derive_s390(facts))
		return;
	s = nr_facts_str(facts, "kernel.hypervisor_detected");
	if (s && (hv = vendor_lookup(s))) {
		conclude(facts, "guest", hv, "kernel.hypervisor_detected", s);
		return;
	}
	s = nr_facts_str(facts, "cpu.hypervisor_vendor");
	if (s && (hv = vendor_lookup(s))) {
		conclude(facts, "guest", hv, NULL, "lscpu: Hypervisor vendor");
		return;
	}
	s = nr_facts_str(facts, "firmware.sys_vendor");
	if (s && strcasestr(s, "QEMU")) {
		conclude(facts, "guest", qemu_accel(facts), NULL, "DMI sys_vendor: QEMU");
		return;
	}
	if (s && (hv = vendor_lookup(s))) {
		conclude(facts, "guest", hv, NULL, "DMI sys_vendor");
		return;
	}
	switch (nr_facts_bool(facts, "cpu.hypervisor_flag")) {
	case 1:
		conclude(facts, "guest", "unknown", "cpu.hypervisor_flag",
		         "cpu flags: hypervisor bit set, vendor not identified");
		return;
	case 0:
		conclude(facts, "host", NULL, "cpu.hypervisor_flag", "cpu flags: no hypervisor bit");
		return;
	}
	nr_facts_set(facts, "virt.role", json_object_new_string("unknown"));
}

void nr_facts_derive(json_object *facts)
{
	derive_virt(facts);
}
