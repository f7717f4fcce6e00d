/* SPDX-License-Identifier: MIT */
/* Package list parsers: see parse_pkg.h. */
#include "parse_pkg.h"
#include "parse_text.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const char *nr_pkg_kind_name(enum nr_pkg_kind k)
{
	static const char *const names[] = { "other", "kernel", "qemu", "libvirt", "firmware" };

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "other";
}

static bool starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The names Debian, Fedora/RHEL and SUSE give these packages.  Firmware
 * first: SUSE's qemu-seabios and qemu-ovmf-x86_64 start with "qemu". */
static enum nr_pkg_kind classify(const char *name)
{
	static const char *const firmware[] = { "seabios", "sgabios", "ovmf", "edk2", "qemu-efi",
		                                "ipxe", "qemu-seabios", "qemu-ovmf", "qemu-ipxe",
		                                "qemu-sgabios", "qemu-uefi" };
	size_t i;

	for (i = 0; i < sizeof(firmware) / sizeof(firmware[0]); i++)
		if (starts(name, firmware[i]))
			return NR_PKG_FIRMWARE;
	if (starts(name, "linux-image-"))
		return NR_PKG_KERNEL;
	if (strcmp(name, "kernel") == 0 ||
	    (starts(name, "kernel-") && !ends(name, "-devel") && !ends(name, "-headers") &&
	     !strstr(name, "-tools") && !ends(name, "-doc") && !strstr(name, "-macros") &&
	     !strstr(name, "-abi-")))
		return NR_PKG_KERNEL;
	if (starts(name, "qemu"))
		return NR_PKG_QEMU;
	if (starts(name, "libvirt"))
		return NR_PKG_LIBVIRT;
	return NR_PKG_OTHER;
}

/* Split line at tabs into at most max fields; returns how many. */
static size_t fields(struct nr_span line, struct nr_span *f, size_t max)
{
	size_t n = 0, start = 0, i;

	for (i = 0; i <= line.len && n < max; i++)
		if (i == line.len || line.p[i] == '\t') {
			f[n++] = nr_span_trim((struct nr_span){ line.p + start, i - start });
			start = i + 1;
		}
	return n;
}

/* A package name as both managers allow it: [A-Za-z0-9+._-], not empty. */
static bool name_ok(struct nr_span s)
{
	size_t i;

	if (s.len == 0 || s.len >= sizeof(((struct nr_pkg *)0)->name))
		return false;
	for (i = 0; i < s.len; i++) {
		char c = s.p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static void add(struct nr_pkg *out, size_t max, size_t *n, struct nr_span name,
                const char *version, struct nr_span arch)
{
	struct nr_pkg *p;

	if (*n >= max)
		return;
	p = &out[(*n)++];
	nr_span_copy(name, p->name, sizeof(p->name));
	snprintf(p->version, sizeof(p->version), "%s", version);
	nr_span_copy(arch, p->arch, sizeof(p->arch));
	p->kind = classify(p->name);
}

int nr_pkg_parse_dpkg(const char *buf, size_t len, struct nr_pkg *out, size_t max, size_t *n)
{
	struct nr_span line, f[4];
	char version[128];
	size_t pos = 0;
	int seen = 0;

	*n = 0;
	while (nr_text_next_line(buf, len, &pos, &line)) {
		/* Status: desired, then current; current 'i' (installed), 'W'
		 * and 't' (installed, triggers pending) count. */
		if (fields(line, f, 4) != 4 || f[0].len < 2 || !strchr("itW", f[0].p[1]) ||
		    f[0].p[1] == '\0' || !name_ok(f[1]) || f[2].len == 0)
			continue;
		seen = 1;
		nr_span_copy(f[2], version, sizeof(version));
		add(out, max, n, f[1], version, f[3]);
	}
	return seen ? 0 : -EINVAL;
}

int nr_pkg_parse_rpm(const char *buf, size_t len, struct nr_pkg *out, size_t max, size_t *n)
{
	struct nr_span line, f[5];
	char epoch[12], ver[56], rel[56], version[128];
	size_t pos = 0;
	int seen = 0;

	*n = 0;
	while (nr_text_next_line(buf, len, &pos, &line)) {
		if (fields(line, f, 5) != 5 || !name_ok(f[0]) || f[2].len == 0 || f[3].len == 0)
			continue;
		seen = 1;
		nr_span_copy(f[1], epoch, sizeof(epoch));
		nr_span_copy(f[2], ver, sizeof(ver));
		nr_span_copy(f[3], rel, sizeof(rel));
		if (epoch[0] && strcmp(epoch, "(none)") != 0 && strcmp(epoch, "0") != 0)
			snprintf(version, sizeof(version), "%s:%s-%s", epoch, ver, rel);
		else
			snprintf(version, sizeof(version), "%s-%s", ver, rel);
		add(out, max, n, f[0], version, f[4]);
	}
	return seen ? 0 : -EINVAL;
}

/* The version without its epoch. */
static const char *no_epoch(const char *v)
{
	const char *colon = strchr(v, ':');

	return colon ? colon + 1 : v;
}

static bool rpm_kernel_is(const struct nr_pkg *p, const char *release)
{
	const char *v = no_epoch(p->version), *dot;
	char want[200];

	snprintf(want, sizeof(want), "%s.%s", v, p->arch);
	if (strcmp(want, release) == 0)
		return true;
	/* SUSE: drop the rebuild counter (".1") and add "-FLAVOR". */
	dot = strrchr(v, '.');
	if (!dot || !starts(p->name, "kernel-") || dot[1] < '0' || dot[1] > '9')
		return false;
	snprintf(want, sizeof(want), "%.*s-%s", (int)(dot - v), v, p->name + 7);
	return strcmp(want, release) == 0;
}

int nr_pkg_running_kernel(const struct nr_pkg *pkgs, size_t n, const char *release)
{
	static const char *const preferred[] = { "kernel-core", "kernel", NULL };
	int best = -1, best_rank = 3;
	size_t i, k;

	for (i = 0; release && *release && i < n; i++) {
		const struct nr_pkg *p = &pkgs[i];
		int rank = 2;

		if (p->kind != NR_PKG_KERNEL)
			continue;
		if (starts(p->name, "linux-image-")) {
			/* linux-image-6.1.0-18-amd64, Ubuntu's linux-image-unsigned-6.5.0-14-generic */
			const char *rest = p->name + strlen("linux-image-");

			if (starts(rest, "unsigned-") && strcmp(rest + 9, release) == 0)
				rest += 9;
			if (strcmp(rest, release) != 0)
				continue;
		} else if (!rpm_kernel_is(p, release)) {
			continue;
		}
		for (k = 0; preferred[k]; k++)
			if (strcmp(p->name, preferred[k]) == 0)
				rank = (int)k;
		if (rank < best_rank) {
			best = (int)i;
			best_rank = rank;
		}
	}
	return best;
}
