/* SPDX-License-Identifier: MIT */
#include "cmd_trust.h"
#include "util/config.h"
#include "findings/mlevel.h"
#include "msg.h"
#include "util/safe_text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	/* A config that could not be read (a FIFO, too big) was said once at
	 * start-up, with every other config warning (main.c). */
	return opt ? opt : nr_config_path("verify.allowed_signers", buf, buflen);
}

/* A stranger's manifest may lack what we read, or have it as another
 * type: each such field is shown as unknown, and said (the first few; the
 * rest are counted). */
#define SHAPE_SHOWN 5

void nr_cmd_warn_shape(const char *bundle, json_object *manifest)
{
	json_object *lines = NULL;
	size_t n = nr_mlevel_problems(manifest, &lines, SHAPE_SHOWN), i;

	for (i = 0; lines && i < json_object_array_length(lines); i++)
		nr_msg_warn("%s%smanifest: %s: taken as unknown", bundle ? bundle : "", bundle ? ": " : "",
		            json_object_get_string(json_object_array_get_idx(lines, i)));
	if (n > SHAPE_SHOWN)
		nr_msg_warn("%s%smanifest: %zu more fields absent or of the wrong type ('nest-report "
		            "verify' checks it against the schema)", bundle ? bundle : "",
		            bundle ? ": " : "", n - SHAPE_SHOWN);
	json_object_put(lines);
}

/* Escape in pieces through a stack buffer: no allocation, any length. */
static void put_escaped(FILE *f, const char *s, size_t len, unsigned flags)
{
	char out[1024];
	size_t used;

	while (len > 0) {
		used = nr_text_escape(s, len, flags, out, sizeof(out));
		fputs(out, f);
		s += used;
		len -= used;
	}
}

void nr_cmd_put_safe(FILE *f, const char *s)
{
	if (s)
		put_escaped(f, s, strlen(s), 0);
}

void nr_cmd_write_safe(FILE *f, const char *buf, size_t len)
{
	put_escaped(f, buf, len, NR_TEXT_KEEP_LINES);
}
