/* SPDX-License-Identifier: MIT */
/* Comparing software versions the way the findings need it: a kernel
 * release ("4.18.0-305.el8.x86_64", "5.10.0-18-amd64"), a QEMU version
 * ("4.1.92") or a libvirt version ("9.0.0") against a threshold ("5.3").
 *
 * Only the leading dotted number counts; whatever follows it (a
 * distribution suffix, "-rc1") is ignored, and missing components are 0,
 * so "4.19" == "4.19.0".  Distribution kernels backport fixes, which no
 * version number can show: callers word their findings accordingly.
 */
#ifndef NR_VERSION_CMP_H
#define NR_VERSION_CMP_H

/* Up to this many components are compared ("1.2.3.4"). */
#define NR_VERSION_PARTS 4

/* Parse the leading "N[.N]..." of s.  Returns the number of components
 * read (1..NR_VERSION_PARTS), or -EINVAL when s does not start with a
 * digit or a component is absurdly large (over 9 digits). */
int nr_version_parse(const char *s, unsigned long parts[NR_VERSION_PARTS]);

/* *cmp < 0, 0, > 0 as a is older than, the same as, newer than b.
 * Returns 0, or -EINVAL if either is not a version (cmp untouched). */
int nr_version_compare(const char *a, const char *b, int *cmp);

/* 1 when have is older than ref, 0 when not, -1 when have (or ref) is not
 * a version. */
int nr_version_older(const char *have, const char *ref);

/* 1 when a and b share major.minor ("6.1.0-18" and "6.1.0-20"), 0 when
 * not, -1 when either is not a version. */
int nr_version_same_series(const char *a, const char *b);

#endif
