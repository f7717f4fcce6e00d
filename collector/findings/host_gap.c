/* SPDX-License-Identifier: MIT */
/* Hosts nest-report cannot be run on: see host_gap.h. */
#include "host_gap.h"
#include "rule.h"
#include "level/facts.h"

#include <stdio.h>
#include <string.h>

/* Public clouds by their DMI identity (the names systemd-detect-virt and
 * cloud-init's ds-identify match).  type says where the instance type is:
 * NULL when the DMI product name is it. */
struct cloud {
	const char *sys_vendor, *product;   /* product NULL: any */
	const char *name;
	const char *type;
};

static const struct cloud clouds[] = {
	{ "Amazon EC2", NULL, "an Amazon EC2 instance (Nitro)", NULL },
	{ "Google", "Google Compute Engine", "a Google Compute Engine instance",
	  "the machine type from the metadata server (curl -H 'Metadata-Flavor: Google' "
	  "http://metadata.google.internal/computeMetadata/v1/instance/machine-type) and whether "
	  "the instance has nested virtualization enabled (gcloud compute instances describe NAME "
	  "--format='value(advancedMachineFeatures.enableNestedVirtualization)')" },
	{ "Alibaba Cloud", NULL, "an Alibaba Cloud ECS instance",
	  "the instance type from the metadata server (curl "
	  "http://100.100.100.200/latest/meta-data/instance/instance-type)" },
};

/* Hypervisors whose host is not a Linux KVM host nest-report could
 * collect, with what to add instead. */
struct closed {
	const char *hv;
	const char *why;
	const char *fix;
};

static const struct closed closed[] = {
	{ "virtualbox", "VirtualBox is not KVM, and its host usually runs Windows or macOS, where "
	  "nest-report does not run",
	  "add the VirtualBox version and the host's OS (VBoxManage --version on the host; in this "
	  "guest, dmidecode -t 11 shows vboxVer_ and vboxRev_) and whether nested VT-x/AMD-V is on "
	  "for this VM (VBoxManage showvminfo VMNAME --machinereadable | grep nested-hw-virt)" },
	{ "hyperv", "Hyper-V runs on Windows (or is Azure's), where nest-report does not run",
	  "add the Hyper-V host build (the 'Hyper-V: Host Build' line of this level's dmesg), "
	  "whether the VM exposes virtualization extensions (on the host: Get-VMProcessor -VMName "
	  "VMNAME | Format-List ExposeVirtualizationExtensions) and, on Azure, the VM size (the "
	  "instance metadata service's compute/vmSize)" },
	{ "vmware", "VMware ESXi, Workstation and Fusion are not KVM, and ESXi is not Linux: "
	  "nest-report does not collect them",
	  "add the VMware product and version (ESXi: vmware -vl; Workstation and Fusion: About) "
	  "and whether 'Expose hardware assisted virtualization to the guest OS' (vhv.enable) is "
	  "set for this VM" },
	{ "parallels", "Parallels Desktop runs on macOS, where nest-report does not run",
	  "add the Parallels Desktop version (prlctl --version) and whether nested virtualization "
	  "is on for this VM (prlctl list -i VMNAME)" },
	{ "firecracker", "a Firecracker microVM's host belongs to the platform that runs it (a "
	  "serverless or cloud service), with no shell for its users",
	  "add the platform, and the Firecracker version if its operator tells it; this level's "
	  "kernel log (the ACPI OEM ID FIRECK) is what shows Firecracker" },
};

/* The control program of VM00, the hypervisor this level runs on
 * ("z/VM 6.1.0"), or NULL. */
static const char *vm00_program(json_object *facts)
{
	json_object *stack = nr_mlevel_member(nr_mlevel_member(facts, "virt", json_type_object),
	                                      "stack", json_type_array);
	size_t n = stack ? json_object_array_length(stack) : 0;

	return n ? nr_mlevel_string(json_object_array_get_idx(stack, n - 1), "control_program")
	         : NULL;
}

static bool zvm_gap(json_object *facts, const char *id, char *why, size_t whylen, char *fix,
                    size_t fixlen, json_object *ev)
{
	const char *cp = vm00_program(facts);

	snprintf(why, whylen, "z/VM's control program is not Linux, and nest-report does not "
	         "run there");
	snprintf(fix, fixlen, "the z/VM level is already in %s's /proc/sysinfo (%s, with the LPAR "
	         "it runs in); add the output of vmcp query cplevel from %s (modprobe vmcp first) "
	         "and the z/VM service level from its administrator", id,
	         cp ? cp : "its VM00 Control Program line", id);
	if (cp)
		nr_rule_ev_fact(ev, facts, "virt.stack", "sysinfo VM00 Control Program: %s", cp);
	return true;
}

static bool cloud_gap(json_object *facts, char *why, size_t whylen, char *fix, size_t fixlen,
                      json_object *ev)
{
	const char *vendor = nr_facts_str(facts, "firmware.sys_vendor");
	const char *product = nr_facts_str(facts, "firmware.product_name");
	size_t i;

	for (i = 0; vendor && i < sizeof(clouds) / sizeof(clouds[0]); i++) {
		const struct cloud *k = &clouds[i];

		if (strcmp(vendor, k->sys_vendor) != 0 || (k->product && !(product &&
		                                                           strcmp(product, k->product) == 0)))
			continue;
		snprintf(why, whylen, "it is %s, and a public cloud's hosts are its provider's", k->name);
		if (k->type)
			snprintf(fix, fixlen, "add %s; with the region, it fixes the host CPU and what "
			         "the provider lets its guests nest", k->type);
		else
			snprintf(fix, fixlen, "add the instance type, %s (DMI product name), and the "
			         "region: they fix the host CPU and what the provider lets its guests nest",
			         product ? product : "unknown here");
		nr_rule_ev_fact(ev, facts, "firmware.sys_vendor", "DMI: %s / %s", vendor,
		                product ? product : "-");
		return true;
	}
	return false;
}

bool nr_host_gap(json_object *facts, const char *id, char *why, size_t whylen, char *fix,
                 size_t fixlen, json_object *ev)
{
	const char *hv = nr_facts_str(facts, "virt.hypervisor");
	size_t i;

	why[0] = fix[0] = '\0';
	if (hv && strcmp(hv, "zvm") == 0)
		return zvm_gap(facts, id, why, whylen, fix, fixlen, ev);
	for (i = 0; hv && i < sizeof(closed) / sizeof(closed[0]); i++)
		if (strcmp(hv, closed[i].hv) == 0) {
			snprintf(why, whylen, "%s", closed[i].why);
			snprintf(fix, fixlen, "%s", closed[i].fix);
			return true;
		}
	/* KVM clouds: the hypervisor is KVM, the machine is not yours. */
	return cloud_gap(facts, why, whylen, fix, fixlen, ev);
}
