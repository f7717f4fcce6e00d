/* SPDX-License-Identifier: MIT */
/* Kernel module parameter booleans: see parse.h. */
#include "parse.h"

static bool is_trailing_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

enum nr_tri nr_modparam_bool(const char *buf, size_t len)
{
	if (!buf)
		return NR_TRI_UNKNOWN;
	while (len > 0 && is_trailing_space(buf[len - 1]))
		len--;
	/* bool params print Y/N; int ones used as bools (kvm_amd's nested on
	 * older kernels, s390 kvm's nested) print 1/0.  Anything longer, such
	 * as "-1" (auto) or "20000", is not a boolean. */
	if (len != 1)
		return NR_TRI_UNKNOWN;
	switch (buf[0]) {
	case 'Y': case 'y': case '1':
		return NR_TRI_TRUE;
	case 'N': case 'n': case '0':
		return NR_TRI_FALSE;
	default:
		return NR_TRI_UNKNOWN;
	}
}
