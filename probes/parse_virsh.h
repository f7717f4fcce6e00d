/* SPDX-License-Identifier: MIT */
/* What the libvirt probe reads beyond versions: `virsh domcapabilities`
 * (the host-model CPU guests get), QMP query-kvm answers, the domain XML's
 * type, the lines of a domain's QEMU log that say KVM did not start, and
 * virt-host-validate's verdicts.  libvirt's XML is scanned, not parsed:
 * only the few elements named here are looked at.  Part of the parsers
 * (parse.h's rules hold: bounded, untrusted input, unknown stays ""). */
#ifndef NR_PARSE_VIRSH_H
#define NR_PARSE_VIRSH_H

#include <stdbool.h>
#include <stddef.h>

#include "parse.h"

struct nr_host_model {
	enum nr_tri supported;   /* <mode name='host-model' supported='yes'> */
	char domain[16];         /* <domain>: "kvm", or "qemu" when it speaks for TCG */
	char model[64];          /* <model>EPYC-Rome</model> */
	char vendor[32];
	/* vmx/svm as guests get them: an explicit require or disable, else
	 * what QEMU's definition of the model has (svm in EPYC, Opteron_G2+,
	 * phenom, qemu64; vmx in none). */
	enum nr_tri vmx, svm;
};

/* Returns 0, or -EINVAL when there is no host-model mode. */
int nr_domcaps_host_model(const char *buf, size_t len, struct nr_host_model *out);

/* {"return":{"enabled":B,"present":B},...}: 0 with both filled (UNKNOWN
 * when absent), -EINVAL when it is not such an answer. */
int nr_qmp_query_kvm(const char *buf, size_t len, enum nr_tri *enabled, enum nr_tri *present);

/* <domain type='kvm'> of `virsh dumpxml`; "" when not found.  *custom is
 * set when the domain passes its own QEMU arguments (qemu:commandline,
 * qemu:override), which can change the accelerator. */
void nr_domxml_type(const char *buf, size_t len, char *out, size_t outlen, bool *custom);

#define NR_ACCEL_LINES_MAX 8

/* In a libvirt domain log (/var/log/libvirt/qemu/NAME.log) or QEMU's
 * stderr: the lines of the last start ("starting up" begins one) that say
 * KVM was not used or a CPU feature was refused: "falling back to tcg",
 * "failed to initialize kvm", "Could not access KVM kernel module",
 * "Back to tcg accelerator", "host doesn't support requested feature".
 * Fills at most NR_ACCEL_LINES_MAX (the last ones); returns how many were
 * found. */
size_t nr_qemu_log_accel(const char *buf, size_t len, char out[][256], size_t max);

struct nr_validate_item {
	char check[160];     /* "QEMU: Checking for hardware virtualization" */
	char result[8];      /* "FAIL", "WARN" */
	char detail[256];    /* the text in parentheses */
};

/* virt-host-validate's lines that are not PASS.  Returns how many were
 * stored (at most max). */
size_t nr_host_validate_parse(const char *buf, size_t len, struct nr_validate_item *out,
                              size_t max);

#endif
