/* SPDX-License-Identifier: MIT */
/* Register reads as text: see regs_text.h. */
#include "regs_text.h"
#include "util/hex.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int nr_regs_text_format(char *out, size_t outlen, int device_rc, const uint64_t *offsets,
                        size_t n, size_t width, const unsigned char *data, const int *errs)
{
	size_t used = 0, i, k;
	int w;

	w = snprintf(out, outlen, "device %d\n", device_rc);
	for (i = 0; w >= 0 && (size_t)w < outlen - used && device_rc == 0 && i < n; i++) {
		used += (size_t)w;
		if (errs[i] < 0) {
			w = snprintf(out + used, outlen - used, "%" PRIu64 " %d\n", offsets[i], errs[i]);
			continue;
		}
		w = snprintf(out + used, outlen - used, "%" PRIu64 " ", offsets[i]);
		if (w < 0 || (size_t)w + 2 * width + 1 >= outlen - used)
			return -ENOSPC;
		for (k = 0; k < width; k++)
			snprintf(out + used + (size_t)w + 2 * k, 3, "%02x", data[i * width + k]);
		w += (int)(2 * width);
		out[used + (size_t)w++] = '\n';
		out[used + (size_t)w] = '\0';
	}
	return w >= 0 && (size_t)w < outlen - used ? 0 : -ENOSPC;
}

/* A decimal number of at most 20 digits that fits 64 bits. */
static bool parse_u64(const char *p, size_t len, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (len == 0 || len > 20)
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9' || *v > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return false;
		*v = *v * 10 + (uint64_t)(p[i] - '0');
	}
	return true;
}

/* "-N" as a negative errno in 1..4095, else -EIO. */
static int parse_errno(const char *p, size_t len)
{
	uint64_t v;

	if (len < 2 || p[0] != '-' || !parse_u64(p + 1, len - 1, &v) || v == 0 || v > 4095)
		return -EIO;
	return -(int)v;
}

static void fill(const char *val, size_t vlen, size_t width, unsigned char *data, int *err)
{
	size_t k;

	if (vlen && val[0] == '-') {
		*err = parse_errno(val, vlen);
		return;
	}
	if (vlen != 2 * width) {
		*err = -EBADMSG;
		return;
	}
	for (k = 0; k < width; k++) {
		int hi = nr_hex_digit(val[2 * k]), lo = nr_hex_digit(val[2 * k + 1]);

		if (hi < 0 || lo < 0) {
			*err = -EBADMSG;
			return;
		}
		data[k] = (unsigned char)(hi << 4 | lo);
	}
	*err = 0;
}

int nr_regs_text_parse(const char *text, size_t len, const uint64_t *offsets, size_t n,
                       size_t width, unsigned char *data, int *errs)
{
	const char *p = text, *end = text + len;
	int device = 0;
	size_t i;

	for (i = 0; i < n; i++)
		errs[i] = -ENODATA;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *sp;
		size_t llen = nl ? (size_t)(nl - p) : (size_t)(end - p);
		uint64_t off;

		sp = memchr(p, ' ', llen);
		if (sp && sp - p == 6 && memcmp(p, "device", 6) == 0) {
			int v = (size_t)(p + llen - sp - 1) == 1 && sp[1] == '0'
			                ? 0 : parse_errno(sp + 1, (size_t)(p + llen - sp - 1));

			device = v;
		} else if (sp && parse_u64(p, (size_t)(sp - p), &off)) {
			for (i = 0; i < n; i++)
				if (offsets[i] == off && errs[i] == -ENODATA)
					fill(sp + 1, (size_t)(p + llen - sp - 1), width,
					     data + i * width, &errs[i]);
		}
		p = nl ? nl + 1 : end;
	}
	return device;
}
