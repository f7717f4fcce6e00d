/* SPDX-License-Identifier: MIT */
/* Distribution package lists: `dpkg-query -W` and `rpm -qa --qf` in the
 * formats the packages probe asks for (probes/packages.c).  Part of the
 * parsers (parse.h's rules hold). */
#ifndef NR_PARSE_PKG_H
#define NR_PARSE_PKG_H

#include <stddef.h>

enum nr_pkg_kind {
	NR_PKG_OTHER,      /* matched a pattern, but not one of ours (kernel-headers) */
	NR_PKG_KERNEL,
	NR_PKG_QEMU,
	NR_PKG_LIBVIRT,
	NR_PKG_FIRMWARE,   /* seabios, ovmf/edk2, qemu-efi, ipxe */
};

struct nr_pkg {
	char name[96];
	char version[128];  /* dpkg's verbatim; rpm's "[EPOCH:]VERSION-RELEASE" */
	char arch[24];
	enum nr_pkg_kind kind;
};

/* The formats (one package a line, fields separated by tabs):
 *   dpkg-query -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n'
 *   rpm -qa --qf '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n'
 * dpkg lines whose status is not installed ("un", "rc"...) are dropped;
 * rpm's "(none)" epoch is no epoch.  Lines of any other shape ("package
 * X is not installed", junk) are skipped.  At most max packages are kept;
 * *n receives how many.  Returns 0, or -EINVAL when no line was a
 * package. */
int nr_pkg_parse_dpkg(const char *buf, size_t len, struct nr_pkg *out, size_t max, size_t *n);
int nr_pkg_parse_rpm(const char *buf, size_t len, struct nr_pkg *out, size_t max, size_t *n);

/* "kernel", "qemu", "libvirt", "firmware", "other". */
const char *nr_pkg_kind_name(enum nr_pkg_kind k);

/* The package of the running kernel (uname -r = release): Debian's
 * linux-image-RELEASE; rpm's kernel-core/kernel whose VERSION-RELEASE.ARCH
 * is the release (Fedora, RHEL), or kernel-FLAVOR whose VERSION-RELEASE
 * less its rebuild counter, then -FLAVOR, is (SUSE: 5.14.21-150500.55.39.1
 * is 5.14.21-150500.55.39-default).  Index into pkgs, or -1. */
int nr_pkg_running_kernel(const struct nr_pkg *pkgs, size_t n, const char *release);

#endif
