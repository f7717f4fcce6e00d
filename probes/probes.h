/* SPDX-License-Identifier: MIT */
/* The built-in probes, one per family of diagnostics. */
#ifndef NR_PROBES_H
#define NR_PROBES_H

#include "probe.h"

extern const struct nr_probe nr_probe_kernel;   /* kernel.c */
extern const struct nr_probe nr_probe_cpu;      /* cpu.c */
extern const struct nr_probe nr_probe_dmesg;    /* dmesg.c */
extern const struct nr_probe nr_probe_kvm;      /* kvm.c */
extern const struct nr_probe nr_probe_dmi;      /* firmware.c */
extern const struct nr_probe nr_probe_x86info;  /* firmware.c */
extern const struct nr_probe nr_probe_s390;     /* s390.c */
extern const struct nr_probe nr_probe_qemu;     /* qemu.c */
extern const struct nr_probe nr_probe_libvirt;  /* libvirt.c */
extern const struct nr_probe nr_probe_pci;      /* pci.c */
extern const struct nr_probe nr_probe_devicetree; /* devicetree.c */
extern const struct nr_probe nr_probe_xen;      /* xen.c */

/* Shared by probes: the first line of a buffer, trimmed, into out. */
void nr_probe_first_line(const char *buf, size_t len, char *out, size_t outlen);

#endif
