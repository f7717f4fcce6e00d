/* SPDX-License-Identifier: MIT */
/* Deriving a level's virtualization role and hypervisor (and, on ppc64,
 * its virtualization capability) from the facts its probes parsed, the
 * way systemd-detect-virt and lscpu do.  Sources are tried strongest
 * first; the first that names a hypervisor, or proves bare metal, wins.
 * Every conclusion carries the evidence it came from; with none, the
 * role is "unknown" and the hypervisor null.  docs/detection.md has the
 * order and the answer for each real machine in the test fixtures.
 *
 *  1. s390 /proc/sysinfo: the innermost VMnn block, else the LPAR
 *  1a. Xen's control domain (control_d): the host, though everything
 *     below would call it Xen's guest
 *  1b. the x86 CPUID hypervisor signature as the cpuid probe read it
 *     (KVMKVMKVM, TCGTCGTCGTCG, ...), refined by the ACPI OEM ID
 *  2. the kernel's "Hypervisor detected: X" (x86 CPUID leaf), refined by
 *     the ACPI OEM ID (Firecracker runs on KVM)
 *  3. lscpu's "Hypervisor vendor" and "Virtualization type"
 *  4. Xen: /sys/hypervisor/type, /proc/xen (a guest domain)
 *  5. the device tree: hypervisor node, QEMU machines, PowerVM, PowerNV
 *  6. DMI identity (sys_vendor, product_name)
 *  7. ppc cpuinfo: "emulated by qemu", pSeries (PowerVM), PowerNV
 *  8. the ACPI OEM ID alone
 *  9. PCI devices only one hypervisor emulates
 * 10. the x86 CPUID hypervisor bit: set, a guest; clear, a host unless
 *     weaker evidence says otherwise (then unknown): an absent flag is
 *     never alone proof of bare metal against contrary evidence
 * 11. virtio PCI devices alone: a guest of an unnamed hypervisor
 *
 * Then the KVM-or-TCG verdict (virt.accel, and virt.accel_source naming
 * where it came from): the CPUID signature first (the hypervisor's own
 * word), then the kernel log; nr_facts_derive_accel_guest() later lets
 * the parent's view of the matched guest (QMP query-kvm, then its QEMU
 * argv) replace a verdict from the kernel log, or give one where there
 * was none.
 */
#include "facts.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct vendor_map {
	const char *needle;     /* case-insensitive substring */
	const char *hypervisor;
};

/* Names as the kernel ("Hypervisor detected: X") and lscpu ("Hypervisor
 * vendor: X") spell them. */
static const struct vendor_map vendors[] = {
	{ "KVM", "kvm" },          { "Microsoft", "hyperv" }, { "Hyper-V", "hyperv" },
	{ "VMware", "vmware" },    { "Xen", "xen" },          { "Oracle", "virtualbox" },
	{ "innotek", "virtualbox" }, { "VirtualBox", "virtualbox" }, { "pHyp", "powervm" },
	{ "Parallels", "parallels" }, { "bhyve", "bhyve" },   { "ACRN", "acrn" },
	{ "Firecracker", "firecracker" },
};

static const char *vendor_lookup(const char *s)
{
	size_t i;

	for (i = 0; s && i < sizeof(vendors) / sizeof(vendors[0]); i++)
		if (strcasestr(s, vendors[i].needle))
			return vendors[i].hypervisor;
	return NULL;
}

/* The artifact behind a fact: its first piece of evidence. */
static const char *evidence_artifact(json_object *facts, const char *fact)
{
	json_object *ev = nr_facts_get(facts, "evidence");
	json_object *src = NULL, *first;

	if (fact && json_object_object_get_ex(ev, fact, &src) &&
	    (first = json_object_array_get_idx(src, 0)) != NULL)
		return json_object_get_string(json_object_object_get(first, "artifact"));
	return NULL;
}

/* What that evidence said ("" when none). */
static const char *evidence_detail(json_object *facts, const char *fact)
{
	json_object *ev = nr_facts_get(facts, "evidence");
	json_object *src = NULL, *first;
	const char *d = NULL;

	if (json_object_object_get_ex(ev, fact, &src) &&
	    (first = json_object_array_get_idx(src, 0)) != NULL)
		d = json_object_get_string(json_object_object_get(first, "detail"));
	return d ? d : "";
}

/* Set role and hypervisor (hv may be NULL), pointing at the artifact of
 * the fact the conclusion came from. */
static int conclude(json_object *facts, const char *role, const char *hv, const char *fact,
                    const char *detail)
{
	const char *artifact = evidence_artifact(facts, fact);

	nr_facts_set(facts, "virt.role", json_object_new_string(role));
	nr_facts_evidence(facts, "virt.role", artifact, detail);
	if (hv) {
		nr_facts_set(facts, "virt.hypervisor", json_object_new_string(hv));
		nr_facts_evidence(facts, "virt.hypervisor", artifact, detail);
	}
	return 1;
}

static int str_is(const char *s, const char *lit)
{
	return s && strcmp(s, lit) == 0;
}

/* QEMU machine, but is it KVM or TCG?  TCG is claimed only on positive
 * evidence: an x86 kernel log from boot was captured and names no
 * hypervisor (under KVM, x86 kernels print "Hypervisor detected: KVM";
 * other architectures print nothing either way, so there it stays
 * "qemu", accelerator unknown). */
static const char *qemu_accel(json_object *facts)
{
	if (nr_facts_bool(facts, "kernel.dmesg_captured") == 1 &&
	    str_is(nr_facts_str(facts, "arch_family"), "x86") &&
	    !nr_facts_str(facts, "cpu.hypervisor_vendor"))
		return "qemu-tcg";
	return "qemu";
}

/* 1. s390: the innermost VMnn block names our hypervisor; with none, we
 * run directly in an LPAR (PR/SM is the hypervisor: lscpu says so too). */
static int from_s390(json_object *facts)
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
		return conclude(facts, "guest", "zvm", "virt.stack", cp);
	if (cp && strcasestr(cp, "KVM"))
		return conclude(facts, "guest", "kvm", "virt.stack", cp);
	if (str_is(cp, "LPAR"))
		return conclude(facts, "guest", "lpar", "virt.stack", "runs directly in an LPAR (PR/SM)");
	return conclude(facts, "guest", "unknown", "virt.stack", cp ? cp : "unnamed control program");
}

/* The ACPI OEM IDs of virtual firmware. */
static const char *acpi_lookup(const char *oem)
{
	static const struct vendor_map oems[] = {
		{ "FIRECK", "firecracker" }, { "CLOUDH", "cloud-hypervisor" }, { "VBOX", "virtualbox" },
		{ "VRTUAL", "hyperv" },      { "BOCHS", "qemu" },
	};
	size_t i;

	for (i = 0; oem && i < sizeof(oems) / sizeof(oems[0]); i++)
		if (strcmp(oem, oems[i].needle) == 0)
			return oems[i].hypervisor;
	return NULL;
}

/* KVM as such, or the VMM on it that only its ACPI tables name
 * (Firecracker, cloud-hypervisor). */
static int conclude_kvm(json_object *facts, const char *fact, const char *what)
{
	const char *vmm = acpi_lookup(nr_facts_str(facts, "kernel.acpi_oem"));
	char detail[160];

	if (str_is(vmm, "firecracker") || str_is(vmm, "cloud-hypervisor")) {
		snprintf(detail, sizeof(detail), "%s; ACPI OEM %s", what,
		         nr_facts_str(facts, "kernel.acpi_oem"));
		return conclude(facts, "guest", vmm, "kernel.acpi_oem", detail);
	}
	return conclude(facts, "guest", "kvm", fact, what);
}

/* 1a. Xen's control domain runs on Xen, yet for a nested report it is the
 * host: its kernel prints "Hypervisor detected: Xen PV", its CPUID (with
 * faulting) carries Xen's signature and lscpu says "Xen", all of which
 * would make it a guest. */
static int from_xen_dom0(json_object *facts)
{
	if (!str_is(nr_facts_str(facts, "xen.domain"), "dom0"))
		return 0;
	return conclude(facts, "host", "xen", "xen.domain",
	                "Xen control domain (dom0): control_d in /proc/xen/capabilities");
}

/* 1b. The CPUID hypervisor leaves, read by the cpuid probe. */
static int from_cpuid(json_object *facts)
{
	const char *hv = nr_facts_str(facts, "cpuid.hypervisor");
	const char *sig = nr_facts_str(facts, "cpuid.signature2");
	char detail[128];

	if (!hv)
		return 0;
	if (!sig || !vendor_lookup(sig))
		sig = nr_facts_str(facts, "cpuid.signature");
	snprintf(detail, sizeof(detail), "CPUID hypervisor signature \"%s\"", sig ? sig : "?");
	if (str_is(hv, "kvm"))
		return conclude_kvm(facts, "cpuid.hypervisor", detail);
	return conclude(facts, "guest", str_is(hv, "tcg") ? "qemu-tcg" : hv, "cpuid.hypervisor",
	                detail);
}

/* 2. "Hypervisor detected: KVM"; Firecracker and cloud-hypervisor are KVM
 * too, and only their ACPI tables tell them apart. */
static int from_kernel(json_object *facts)
{
	const char *s = nr_facts_str(facts, "kernel.hypervisor_detected");
	const char *hv = vendor_lookup(s);
	char detail[128];

	if (!s)
		return 0;
	snprintf(detail, sizeof(detail), "Hypervisor detected: %s", s);
	/* The kernel prints the line only when it found a hypervisor: one we
	 * do not name (Jailhouse...) is still one. */
	if (!hv)
		return conclude(facts, "guest", "unknown", "kernel.hypervisor_detected", detail);
	if (str_is(hv, "kvm"))
		return conclude_kvm(facts, "kernel.hypervisor_detected", detail);
	return conclude(facts, "guest", hv, "kernel.hypervisor_detected", detail);
}

/* 3. lscpu's vendor ("IBM", s390's PR/SM or z/VM, was decided above);
 * "Xen" with "Virtualization type: none" is lscpu's word for dom0, and a
 * type of full, para or container is a guest even of a vendor we do not
 * name. */
static int from_lscpu(json_object *facts)
{
	const char *s = nr_facts_str(facts, "cpu.hypervisor_vendor");
	const char *type = nr_facts_str(facts, "cpu.virt_type");
	const char *hv = vendor_lookup(s);
	char detail[160];

	snprintf(detail, sizeof(detail), "lscpu: Hypervisor vendor: %s, Virtualization type: %s",
	         s ? s : "-", type ? type : "-");
	if (str_is(hv, "xen") && str_is(type, "none"))
		return conclude(facts, "host", "xen", "cpu.hypervisor_vendor", detail);
	if (hv)
		return conclude(facts, "guest", hv, "cpu.hypervisor_vendor", detail);
	if (str_is(type, "full") || str_is(type, "para") || str_is(type, "container"))
		return conclude(facts, "guest", "unknown", "cpu.virt_type", detail);
	return 0;
}

/* 4. Xen: a guest domain (dom0 was decided first).  An older PV domU has
 * no /sys/hypervisor, and its cpuinfo no hypervisor bit: /proc/xen is
 * what tells. */
static int from_xen(json_object *facts)
{
	const char *dom = nr_facts_str(facts, "xen.domain");

	if (str_is(dom, "domU"))
		return conclude(facts, "guest", "xen", "xen.domain",
		                "Xen guest domain (domU): no control_d in /proc/xen/capabilities");
	if (str_is(dom, "unknown"))
		return conclude(facts, "unknown", "xen", "xen.domain",
		                "Xen domain, dom0 or domU unknown (/proc/xen/capabilities not readable)");
	return 0;
}

static int dt_compatible(json_object *facts, const char *want)
{
	json_object *arr = nr_facts_get(facts, "devicetree.compatible");
	size_t i;

	for (i = 0; json_object_is_type(arr, json_type_array) && i < json_object_array_length(arr); i++)
		if (str_is(json_object_get_string(json_object_array_get_idx(arr, i)), want))
			return 1;
	return 0;
}

/* 5. The device tree. */
static int from_devicetree(json_object *facts)
{
	/* QEMU's powernv machine also says "ibm,powernv": it comes first. */
	static const char *const qemu_boards[] = { "qemu,pseries", "linux,dummy-virt",
		                                   "riscv-virtio", "qemu,virt", "qemu,powernv" };
	const char *hvnode = nr_facts_str(facts, "devicetree.hypervisor");
	size_t i;

	if (hvnode && strstr(hvnode, "kvm"))
		return conclude(facts, "guest", "kvm", "devicetree.hypervisor", hvnode);
	if (hvnode && strstr(hvnode, "xen"))
		return conclude(facts, "guest", "xen", "devicetree.hypervisor", hvnode);
	for (i = 0; i < sizeof(qemu_boards) / sizeof(qemu_boards[0]); i++)
		if (dt_compatible(facts, qemu_boards[i]))
			return conclude(facts, "guest", "qemu", "devicetree.compatible", qemu_boards[i]);
	if (dt_compatible(facts, "ibm,powernv"))
		return conclude(facts, "host", NULL, "devicetree.compatible",
		                "ibm,powernv: bare metal (OPAL)");
	if (nr_facts_bool(facts, "devicetree.powervm_lpar") == 1)
		return conclude(facts, "guest", "powervm", "devicetree.powervm_lpar",
		                "ibm,partition-name: a PowerVM partition");
	return 0;
}

/* 6. DMI.  Only names that a virtual machine's firmware uses: "Microsoft"
 * or "Amazon EC2" alone are also real hardware (Surface, *.metal). */
static int from_dmi(json_object *facts)
{
	const char *v = nr_facts_str(facts, "firmware.sys_vendor");
	const char *p = nr_facts_str(facts, "firmware.product_name");
	const char *hv = NULL;
	char detail[192];

	if (!v && !p)
		return 0;
	if (v && strcasestr(v, "QEMU"))
		hv = qemu_accel(facts);
	else if (str_is(p, "KVM") || (v && strcasestr(v, "Red Hat") && p && strstr(p, "KVM")))
		hv = "kvm";
	else if ((v && strcasestr(v, "innotek")) || str_is(p, "VirtualBox"))
		hv = "virtualbox";
	else if (v && strcasestr(v, "VMware"))
		hv = "vmware";
	else if (str_is(v, "Xen"))
		hv = "xen";
	else if (v && strcasestr(v, "Microsoft") && str_is(p, "Virtual Machine"))
		hv = "hyperv";
	else if (v && strcasestr(v, "Parallels"))
		hv = "parallels";
	else if (str_is(v, "Amazon EC2") && p && !strstr(p, ".metal"))
		hv = "kvm";
	else if (str_is(v, "Google") && str_is(p, "Google Compute Engine"))
		hv = "kvm";
	if (!hv)
		return 0;
	snprintf(detail, sizeof(detail), "DMI: %s / %s", v ? v : "-", p ? p : "-");
	conclude(facts, "guest", hv, v ? "firmware.sys_vendor" : "firmware.product_name", detail);
	/* "TCG" rests on the kernel log as much as on DMI: cite it too. */
	if (str_is(hv, "qemu-tcg"))
		nr_facts_evidence(facts, "virt.hypervisor",
		                  evidence_artifact(facts, "kernel.dmesg_captured"),
		                  "boot log captured: no 'Hypervisor detected' line, and lscpu names "
		                  "no hypervisor vendor: not accelerated by KVM");
	return 1;
}

/* 7. ppc64's cpuinfo names the platform, and QEMU says it emulates it. */
static int from_ppc_cpuinfo(json_object *facts)
{
	const char *platform = nr_facts_str(facts, "cpu.platform");
	const char *machine = nr_facts_str(facts, "cpu.machine");
	char detail[192];

	if (machine && strstr(machine, "emulated by qemu")) {
		snprintf(detail, sizeof(detail), "cpuinfo machine: %s", machine);
		return conclude(facts, "guest", "qemu", "cpu.machine", detail);
	}
	if (str_is(platform, "pSeries"))
		return conclude(facts, "guest", "powervm", "cpu.platform",
		                "cpuinfo platform: pSeries, not emulated by qemu: a PowerVM LPAR");
	if (str_is(platform, "PowerNV"))
		return conclude(facts, "host", NULL, "cpu.platform",
		                "cpuinfo platform: PowerNV (bare metal, OPAL firmware)");
	return 0;
}

/* 8. The ACPI OEM ID without a hypervisor line (a kernel that does not
 * print one, or a TCG guest). */
static int from_acpi(json_object *facts)
{
	const char *oem = nr_facts_str(facts, "kernel.acpi_oem");
	const char *hv = acpi_lookup(oem);
	char detail[64];

	if (!hv)
		return 0;
	snprintf(detail, sizeof(detail), "ACPI OEM ID %s", oem);
	return conclude(facts, "guest", str_is(hv, "qemu") ? qemu_accel(facts) : hv,
	                "kernel.acpi_oem", detail);
}

/* 9 and 11.  virtio alone is weak: several VMMs, and rare real hardware. */
static int from_pci(json_object *facts, int virtio)
{
	const char *hv = nr_facts_str(facts, "pci.hypervisor");
	char detail[128];

	if (!hv || (strcmp(hv, "virtio") == 0) != virtio)
		return 0;
	if (virtio)
		return conclude(facts, "guest", "unknown", "pci.hypervisor",
		                "virtio PCI devices only: a guest of QEMU, Firecracker or another VMM");
	snprintf(detail, sizeof(detail), "%s: emulated only by a hypervisor",
	         evidence_detail(facts, "pci.hypervisor"));
	return conclude(facts, "guest", str_is(hv, "qemu") ? qemu_accel(facts) : hv,
	                "pci.hypervisor", detail);
}

/* Evidence too weak to name a guest that still forbids "host": virtio
 * devices (QEMU, Firecracker and cloud-hypervisor all give them; a few
 * real NICs too), the CPUID bit as the cpuid probe read it, DMI words of
 * virtual firmware that step 6 does not name.  The fact it came from, or
 * NULL. */
static const char *host_doubt(json_object *facts, char *detail, size_t len)
{
	static const char *const dmi_facts[] = { "firmware.sys_vendor", "firmware.product_name",
		                                 "firmware.bios_vendor" };
	static const char *const dmi_words[] = { "Bochs", "OpenStack", "oVirt", "RHEV", "Nutanix",
		                                 "BHYVE", "KubeVirt", "Standard PC (", "Virtual" };
	size_t i, j;

	if (str_is(nr_facts_str(facts, "pci.hypervisor"), "virtio")) {
		snprintf(detail, len, "virtio PCI devices");
		return "pci.hypervisor";
	}
	if (nr_facts_bool(facts, "cpuid.hypervisor_bit") == 1) {
		snprintf(detail, len, "CPUID leaf 1's hypervisor bit is set");
		return "cpuid.hypervisor_bit";
	}
	for (i = 0; i < sizeof(dmi_facts) / sizeof(dmi_facts[0]); i++) {
		const char *v = nr_facts_str(facts, dmi_facts[i]);

		for (j = 0; v && j < sizeof(dmi_words) / sizeof(dmi_words[0]); j++)
			if (strcasestr(v, dmi_words[j])) {
				snprintf(detail, len, "DMI says \"%s\"", v);
				return dmi_facts[i];
			}
	}
	return NULL;
}

/* 10. x86's CPUID hypervisor bit (cpuinfo's flags, else the cpuid probe's
 * read).  Set: a guest.  Clear: a host, unless anything points
 * elsewhere; then the answer is unknown, not a wrong "host". */
static int from_cpu_flag(json_object *facts)
{
	const char *fact = "cpu.hypervisor_flag", *where = "cpu flags", *doubt;
	int bit = nr_facts_bool(facts, fact);
	char why[160], detail[320];

	if (bit < 0 && (bit = nr_facts_bool(facts, "cpuid.hypervisor_bit")) >= 0) {
		fact = "cpuid.hypervisor_bit";
		where = "CPUID leaf 1";
	}
	if (bit == 1) {
		snprintf(detail, sizeof(detail), "%s: hypervisor bit set, vendor not identified", where);
		return conclude(facts, "guest", "unknown", fact, detail);
	}
	if (bit != 0)
		return 0;
	doubt = host_doubt(facts, why, sizeof(why));
	snprintf(detail, sizeof(detail), "%s: no hypervisor bit", where);
	if (!doubt)
		return conclude(facts, "host", NULL, fact, detail);
	snprintf(detail, sizeof(detail), "%s: no hypervisor bit, but %s: bare metal or a guest "
	         "hiding the bit, the evidence does not say which", where, why);
	conclude(facts, "unknown", NULL, fact, detail);
	nr_facts_evidence(facts, "virt.role", evidence_artifact(facts, doubt), why);
	return 1;
}

static void derive_virt(json_object *facts)
{
	if (from_s390(facts) || from_xen_dom0(facts) || from_cpuid(facts) || from_kernel(facts) ||
	    from_lscpu(facts) || from_xen(facts) ||
	    from_devicetree(facts) || from_dmi(facts) || from_ppc_cpuinfo(facts) ||
	    from_acpi(facts) || from_pci(facts, 0) || from_cpu_flag(facts) || from_pci(facts, 1))
		return;
	nr_facts_set(facts, "virt.role", json_object_new_string("unknown"));
	nr_facts_evidence(facts, "virt.role", NULL, "no evidence of a hypervisor or of bare metal");
}

/* ppc64 cpuinfo lists no virtualization flag: what counts is hypervisor
 * mode, which bare metal (PowerNV) has and which kvm_hv needs to load. */
static void derive_ppc_virt_ext(json_object *facts)
{
	json_object *mods = nr_facts_get(facts, "kvm.modules");
	const char *module = nr_facts_str(facts, "kvm.module");
	int hv_loaded = str_is(module, "kvm_hv");
	size_t i;

	if (!str_is(nr_facts_str(facts, "arch_family"), "ppc") || nr_facts_str(facts, "cpu.virt_ext"))
		return;
	for (i = 0; json_object_is_type(mods, json_type_array) && i < json_object_array_length(mods); i++)
		hv_loaded |= str_is(json_object_get_string(json_object_array_get_idx(mods, i)), "kvm_hv");
	if (hv_loaded) {
		nr_facts_set(facts, "cpu.virt_ext", json_object_new_string("hv"));
		nr_facts_evidence(facts, "cpu.virt_ext", evidence_artifact(facts, "kvm.module"),
		                  "kvm_hv loaded: hypervisor mode");
	} else if (str_is(nr_facts_str(facts, "cpu.platform"), "PowerNV")) {
		nr_facts_set(facts, "cpu.virt_ext", json_object_new_string("hv"));
		nr_facts_evidence(facts, "cpu.virt_ext", evidence_artifact(facts, "cpu.platform"),
		                  "platform PowerNV: bare metal, hypervisor mode");
	}
}

/* ---- KVM or TCG ---------------------------------------------------------- */

static void set_accel(json_object *facts, const char *accel, const char *source,
                      const char *artifact, const char *detail)
{
	nr_facts_set(facts, "virt.accel", json_object_new_string(accel));
	nr_facts_set(facts, "virt.accel_source", json_object_new_string(source));
	nr_facts_evidence(facts, "virt.accel", artifact, detail);
}

/* What this level's own evidence says: its CPUID signature, else its
 * kernel log ("Hypervisor detected: KVM"; a QEMU machine whose boot log
 * names no hypervisor is TCG, see qemu_accel()). */
static void derive_accel(json_object *facts)
{
	const char *hv = nr_facts_str(facts, "cpuid.hypervisor");
	const char *virt = nr_facts_str(facts, "virt.hypervisor");
	char detail[160];

	if (hv) {
		snprintf(detail, sizeof(detail), "CPUID hypervisor signature names %s", hv);
		set_accel(facts, str_is(hv, "kvm") ? "kvm" : str_is(hv, "tcg") ? "tcg" : "other",
		          "cpuid", evidence_artifact(facts, "cpuid.hypervisor"), detail);
		return;
	}
	if (str_is(vendor_lookup(nr_facts_str(facts, "kernel.hypervisor_detected")), "kvm")) {
		snprintf(detail, sizeof(detail), "kernel log: Hypervisor detected: %s",
		         nr_facts_str(facts, "kernel.hypervisor_detected"));
		set_accel(facts, "kvm", "dmesg", evidence_artifact(facts, "kernel.hypervisor_detected"),
		          detail);
	} else if (str_is(virt, "qemu-tcg")) {
		set_accel(facts, "tcg", "dmesg", evidence_artifact(facts, "kernel.dmesg_captured"),
		          "kernel log from boot names no hypervisor on a QEMU machine");
	}
}

void nr_facts_derive(json_object *facts)
{
	derive_ppc_virt_ext(facts);
	derive_virt(facts);
	derive_accel(facts);
}

/* The parent's libvirt domain of this name, when it answered query-kvm. */
static json_object *qmp_domain(json_object *parent, const char *name)
{
	json_object *doms = nr_facts_get(parent, "libvirt.domains");
	size_t i;

	for (i = 0; name && json_object_is_type(doms, json_type_array) &&
	            i < json_object_array_length(doms); i++) {
		json_object *d = json_object_array_get_idx(doms, i), *q;

		if (str_is(json_object_get_string(json_object_object_get(d, "name")), name) &&
		    json_object_object_get_ex(d, "qmp_kvm_enabled", &q) &&
		    json_object_is_type(q, json_type_boolean))
			return d;
	}
	return NULL;
}

void nr_facts_derive_accel_guest(json_object *facts, json_object *guest, json_object *parent)
{
	const char *source = nr_facts_str(facts, "virt.accel_source");
	const char *name = json_object_get_string(json_object_object_get(guest, "name"));
	json_object *accel = json_object_object_get(guest, "accel"), *dom;
	const char *first = json_object_is_type(accel, json_type_array)
	                            ? json_object_get_string(json_object_array_get_idx(accel, 0))
	                            : NULL;
	char detail[256];
	bool kvm;

	/* The level's own CPUID is the hypervisor's word: nothing beats it. */
	if (str_is(source, "cpuid"))
		return;
	if ((dom = qmp_domain(parent, name))) {
		kvm = json_object_get_boolean(json_object_object_get(dom, "qmp_kvm_enabled"));
		snprintf(detail, sizeof(detail), "the parent's QMP query-kvm for domain '%s': "
		         "enabled %s", name, kvm ? "true" : "false");
		set_accel(facts, kvm ? "kvm" : "tcg", "qmp", evidence_artifact(parent, "libvirt.domains"),
		          detail);
		return;
	}
	/* argv fills a gap only, and only when it leaves QEMU one choice:
	 * "-machine accel=kvm:tcg" may have fallen back. */
	if (source || !first || json_object_array_length(accel) != 1 ||
	    (!str_is(first, "kvm") && !str_is(first, "tcg")))
		return;
	snprintf(detail, sizeof(detail), "the parent's QEMU command line of this guest asks for %s%s",
	         first, json_object_get_boolean(json_object_object_get(guest, "accel_defaulted"))
	                        ? " (QEMU's default: no accelerator option)" : "");
	set_accel(facts, first, "argv", NULL, detail);
}
