/* SPDX-License-Identifier: MIT */
/* The local transport's register reads (transport.h, read_regs): the
 * CPUID instruction in-process for /dev/cpu/N/cpuid, pread(2) on the
 * device for the rest (/dev/cpu/N/msr: the kernel's msr driver runs
 * RDMSR on CPU N and answers EIO for a register that does not exist).
 *
 * In-process CPUID needs no root and no cpuid module, and takes well
 * under a millisecond for every leaf we read, where x86info -a takes a
 * second.  It runs on whichever CPU this thread is on, not CPU N: the
 * leaves the probes read (vendor, features, hypervisor leaves) are the
 * same on every CPU of a machine. */
#include "local_regs.h"
#include "regs_text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define HAVE_CPUID 1
#endif

static int is_cpuid_device(const char *path)
{
	unsigned cpu;
	char tail[8];

	return sscanf(path, "/dev/cpu/%u/%7s", &cpu, tail) == 2 && strcmp(tail, "cpuid") == 0;
}

#ifdef HAVE_CPUID
static void cpuid_in_process(uint64_t offset, unsigned char out[16])
{
	unsigned regs[4];

	__cpuid_count((unsigned)offset, (unsigned)(offset >> 32), regs[0], regs[1], regs[2], regs[3]);
	memcpy(out, regs, sizeof(regs));   /* eax ebx ecx edx, as the device returns them */
}
#endif

int nr_local_read_regs(struct nr_transport *t, const char *path, const uint64_t *offsets,
                       size_t n, size_t width, int64_t deadline_ms, unsigned char *data,
                       int *errs, struct nr_error *err)
{
	size_t i;
	int fd = -1, rc = 0;

	(void)t;
	(void)deadline_ms;   /* a register read does not block */
	if (width == 0 || width > NR_REGS_MAX_WIDTH || n > NR_REGS_MAX)
		return nr_error_set(err, EINVAL, "%s: %zu reads of %zu bytes asked", path, n, width);
#ifdef HAVE_CPUID
	if (is_cpuid_device(path) && width == 16) {
		for (i = 0; i < n; i++) {
			cpuid_in_process(offsets[i], data + i * width);
			errs[i] = 0;
		}
		return 0;
	}
#endif
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		nr_error_set(err, -rc, "cannot open %s: %s", path, strerror(-rc));
		goto out;
	}
	for (i = 0; i < n; i++) {
		ssize_t got = pread(fd, data + i * width, width, (off_t)offsets[i]);

		errs[i] = got == (ssize_t)width ? 0 : got < 0 ? -errno : -EIO;
	}
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
