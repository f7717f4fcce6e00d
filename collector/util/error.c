/* SPDX-License-Identifier: MIT */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int nr_error_set(struct nr_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (code <= 0)
		code = EIO;
	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

int nr_error_wrap(struct nr_error *err, const char *fmt, ...)
{
	char prefix[NR_ERROR_MSG_MAX];
	char old[NR_ERROR_MSG_MAX];
	va_list ap;

	if (!err)
		return -EIO;
	if (err->code <= 0)
		err->code = EIO;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Truncation is fine: the head of a message names the subject. */
	strcpy(err->msg, prefix);
	strncat(err->msg, ": ", sizeof(err->msg) - strlen(err->msg) - 1);
	strncat(err->msg, old, sizeof(err->msg) - strlen(err->msg) - 1);
	return -err->code;
}

void nr_error_clear(struct nr_error *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
