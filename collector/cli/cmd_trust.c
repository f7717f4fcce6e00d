/* SPDX-License-Identifier: MIT */
#include "cmd_trust.h"
#include "util/config.h"
#include "msg.h"

#include <errno.h>
#include <stdlib.h>

int nr_cmd_limit_option(const char *cmd, int opt, const char *arg, struct nr_bundle_limits *lim)
{
	unsigned long long v;

	if (opt != NR_OPT_MAX_MEMBER && opt != NR_OPT_MAX_TOTAL)
		return 0;
	if (nr_cmd_parse_size(arg, &v) < 0) {
		nr_msg_usage(cmd, "%s wants a size like 2G, not '%s'",
		             opt == NR_OPT_MAX_MEMBER ? "--max-member-size" : "--max-total-size", arg);
		return -1;
	}
	if (opt == NR_OPT_MAX_MEMBER)
		lim->member_max = v;
	else
		lim->total_max = v;
	return 1;
}

const char *nr_cmd_allowed_signers(const char *opt, char *buf, size_t buflen)
{
	return opt ? opt : nr_config_path("verify.allowed_signers", buf, buflen);
}

void nr_cmd_put_safe(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

void nr_cmd_write_safe(FILE *f, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}
