/* SPDX-License-Identifier: MIT */
/* Redaction options and setup for the commands (redact_cli.h). */
#include "redact_cli.h"
#include "commands.h"
#include "msg.h"
#include "util/config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int nr_redact_cli_option(const char *cmd, int opt, const char *arg, struct nr_redact_cli *o)
{
	switch (opt) {
	case NR_OPT_REDACT:
		o->enable = 1;
		return 1;
	case NR_OPT_NO_REDACT:
		o->enable = 0;
		return 1;
	case NR_OPT_REDACT_WORD:
		if (o->n_words >= NR_REDACT_WORDS_MAX) {
			nr_msg_usage(cmd, "at most %d --redact-word; put the rest in a file for "
			             "--redact-words", NR_REDACT_WORDS_MAX);
			return -1;
		}
		o->words[o->n_words++] = arg;
		break;
	case NR_OPT_REDACT_WORDS:
		o->words_file = arg;
		break;
	case NR_OPT_REDACT_MAP:
		o->map_in = arg;
		break;
	default:
		return 0;
	}
	/* Asking for words or a map is asking for redaction. */
	if (o->enable != 0)
		o->enable = 1;
	return 1;
}


bool nr_redact_cli_wanted(const struct nr_redact_cli *o)
{
	return o->enable > 0 || (o->enable < 0 && nr_config_bool("redact.enabled", 0));
}

struct nr_redactor *nr_redact_cli_setup(const char *cmd, const struct nr_redact_cli *o,
                                        int *exit_code)
{
	struct nr_redactor *r = nr_redactor_new();
	struct nr_error err = { 0 };
	char cfg[PATH_MAX];
	const char *cfg_words = nr_config_path("redact.words", cfg, sizeof(cfg));
	size_t i;
	int rc = 0;

	*exit_code = NR_EXIT_ERROR;
	if (!r) {
		nr_msg_error("out of memory");
		return NULL;
	}
	if (o->map_in)
		rc = nr_redact_map_load(r, o->map_in, &err);
	if (rc == 0 && cfg_words && (rc = nr_redact_add_words_file(r, cfg_words, &err)) < 0)
		nr_error_wrap(&err, "config redact.words");
	if (rc == 0 && o->words_file)
		rc = nr_redact_add_words_file(r, o->words_file, &err);
	for (i = 0; i < o->n_words && rc == 0; i++)
		rc = nr_redact_add_word(r, o->words[i], &err);
	if (rc < 0) {
		/* A word that cannot be used is the user's to fix. */
		if (err.code == EINVAL) {
			nr_msg_usage(cmd, "%s", err.msg);
			*exit_code = NR_EXIT_USAGE;
		} else {
			nr_msg_error("%s", err.msg);
		}
		nr_redactor_free(r);
		return NULL;
	}
	return r;
}

void nr_redact_cli_learn_local_users(struct nr_redactor *r)
{
	struct passwd *pw = getpwuid(getuid());

	if (pw)
		nr_redact_learn(r, NR_ID_USER, pw->pw_name);
	nr_redact_learn(r, NR_ID_USER, getenv("SUDO_USER"));
	nr_redact_learn(r, NR_ID_USER, getenv("USER"));
	nr_redact_learn(r, NR_ID_USER, getenv("LOGNAME"));
}

void nr_redact_cli_report(const struct nr_redactor *r, const char *map_path)
{
	size_t ids = 0;
	int k;

	for (k = 0; k < NR_ID_KINDS; k++)
		ids += nr_redact_ident_count(r, (enum nr_ident_kind)k);
	printf("Redacted: %zu identit%s, %zu replacement%s; the map is %s (keep it private: "
	       "never attach or upload it)\n",
	       ids, ids == 1 ? "y" : "ies", nr_redact_replacements(r),
	       nr_redact_replacements(r) == 1 ? "" : "s", map_path);
	if (nr_redact_overflowed(r))
		printf("Redaction map full: %zu values got a generic placeholder\n",
		       nr_redact_overflowed(r));
}
