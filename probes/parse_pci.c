/* SPDX-License-Identifier: MIT */
/* /proc/bus/pci/devices parser: see parse.h.
 *
 * Each line is "BBDF\tVVVVDDDD\tIRQ\t..." (bus+devfn, then vendor and
 * device as eight hex digits).  Some vendors' devices exist only inside a
 * hypervisor; the same IDs are what systemd-detect-virt and lscpu look for.
 */
#include "parse.h"
#include "parse_text.h"
#include "util/hex.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ANY_DEVICE 0x10000u

/* Most specific first: a Xen HVM guest also shows QEMU's VGA, and nearly
 * every KVM guest shows virtio devices. */
static const struct {
	unsigned vendor, device;
	const char *hypervisor;
} virt_ids[] = {
	{ 0x80ee, ANY_DEVICE, "virtualbox" }, /* InnoTek: VirtualBox graphics, guest service */
	{ 0x15ad, ANY_DEVICE, "vmware" },     /* VMware: SVGA, vmxnet, PVSCSI ... */
	{ 0x1414, 0x5353, "hyperv" },         /* Microsoft Hyper-V synthetic video */
	{ 0x5853, ANY_DEVICE, "xen" },        /* XenSource platform device (HVM) */
	{ 0x1b36, ANY_DEVICE, "qemu" },       /* Red Hat's QEMU IDs: pcie-root-port, pvpanic ... */
	{ 0x1234, 0x1111, "qemu" },           /* QEMU/Bochs standard VGA */
	{ 0x1af4, ANY_DEVICE, "virtio" },     /* virtio: QEMU, Firecracker, cloud-hypervisor ... */
};
#define N_VIRT_IDS (sizeof(virt_ids) / sizeof(virt_ids[0]))

/* "VVVVDDDD" -> vendor, device; false if not exactly eight hex digits. */
static bool parse_ids(struct nr_span s, unsigned *vendor, unsigned *device)
{
	unsigned v = 0;
	size_t i;

	if (s.len != 8)
		return false;
	for (i = 0; i < 8; i++) {
		int d = nr_hex_digit(s.p[i]);

		if (d < 0)
			return false;
		v = v << 4 | (unsigned)d;
	}
	*vendor = v >> 16;
	*device = v & 0xffff;
	return true;
}

int nr_pci_parse(const char *buf, size_t len, struct nr_pci *out)
{
	struct nr_span line, tok;
	size_t pos = 0, best = N_VIRT_IDS, i;

	memset(out, 0, sizeof(*out));
	while (nr_text_next_line(buf, len, &pos, &line)) {
		size_t tpos = 0;
		unsigned vendor, device;

		/* The second tab-separated field holds the IDs. */
		if (!nr_span_next_token(line, "\t", &tpos, &tok) ||
		    !nr_span_next_token(line, "\t", &tpos, &tok) || !parse_ids(tok, &vendor, &device))
			continue;
		out->devices++;
		for (i = 0; i < best; i++)
			if (virt_ids[i].vendor == vendor &&
			    (virt_ids[i].device == ANY_DEVICE || virt_ids[i].device == device)) {
				best = i;
				out->vendor = vendor;
				out->device = device;
			}
	}
	if (best < N_VIRT_IDS)
		snprintf(out->hypervisor, sizeof(out->hypervisor), "%s", virt_ids[best].hypervisor);
	return out->devices > 0 ? 0 : -EINVAL;
}
