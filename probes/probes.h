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
extern const struct nr_probe nr_probe_os;       /* os.c */
extern const struct nr_probe nr_probe_packages; /* packages.c */
extern const struct nr_probe nr_probe_modules;  /* modules.c */
extern const struct nr_probe nr_probe_security; /* security.c */
extern const struct nr_probe nr_probe_cpuid;    /* cpuid.c */
extern const struct nr_probe nr_probe_vmx_msr;  /* vmx_msr.c */

/* SELinux/AppArmor denials of QEMU and libvirt found in buf (the audit
 * log, or the kernel log: `from` names which) into facts.security,
 * de-duplicated by audit serial (security.c; the dmesg probe calls it
 * too). */
void nr_security_add_denials(const char *buf, size_t len, const char *from,
                             const char *artifact_path, json_object *facts);

/* The libvirt probe's host and domain facts (libvirt_facts.c). */
void nr_libvirt_parse_host(const struct nr_artifacts *arts, json_object *facts);
void nr_libvirt_parse_domains(const struct nr_artifacts *arts, json_object *facts);
/* `virsh list --name` output: one name a line, each under 256 bytes, at
 * most max, into names (libvirt_facts.c). */
size_t nr_libvirt_names(const char *buf, size_t len, char (*names)[256], size_t max);

/* A monotonic clock in microseconds, for the register probes' timing
 * notes (cpuid.c). */
int64_t nr_probe_clock_us(void);

/* End a register probe whose device read failed with rc, with a reason
 * that says what is missing (the module, root, dd) (cpuid.c). */
int nr_probe_regs_skip(struct nr_probe_ctx *ctx, const char *path, const char *module, int rc);

/* Shared by probes: the first line of a buffer, trimmed, into out. */
void nr_probe_first_line(const char *buf, size_t len, char *out, size_t outlen);

#endif
