/* SPDX-License-Identifier: MIT */
/* The command layer's side of redaction, shared by `collect --redact` and
 * `nest-report redact`: the options, the config (redact.enabled,
 * redact.words), setting up the redactor, and the report line. */
#ifndef NR_REDACT_CLI_H
#define NR_REDACT_CLI_H

#include <stdbool.h>

#include "redact/redact.h"

#define NR_REDACT_WORDS_MAX 256

struct nr_redact_cli {
	int enable;                 /* -1: the config decides; 0: --no-redact; 1: on */
	const char *words[NR_REDACT_WORDS_MAX];
	size_t n_words;
	const char *words_file;     /* --redact-words FILE */
	const char *map_in;         /* --redact-map FILE: reuse its placeholders */
};

#define NR_OPT_REDACT 0x4201
#define NR_OPT_NO_REDACT 0x4202
#define NR_OPT_REDACT_WORD 0x4203
#define NR_OPT_REDACT_WORDS 0x4204
#define NR_OPT_REDACT_MAP 0x4205
#define NR_REDACT_LONGOPTS                                                    \
	{ "redact-word", required_argument, NULL, NR_OPT_REDACT_WORD },       \
	{ "redact-words", required_argument, NULL, NR_OPT_REDACT_WORDS },     \
	{ "redact-map", required_argument, NULL, NR_OPT_REDACT_MAP }
#define NR_REDACT_USAGE                                                                          \
	"      --redact-word WORD    also replace WORD (a customer, a project...) everywhere;\n"  \
	"                            repeatable\n"                                                \
	"      --redact-words FILE   the same for every line of FILE ('#' comments)\n"            \
	"      --redact-map FILE     reuse the placeholders of an earlier BUNDLE.redact-map.json,\n" \
	"                            so two redacted bundles of one setup can be diffed\n"

/* One of the options above (and --redact/--no-redact): 1 handled, 0 not
 * one of them, -1 usage error already printed. */
int nr_redact_cli_option(const char *cmd, int opt, const char *arg, struct nr_redact_cli *o);

/* Whether to redact: the options, else redact.enabled in the config. */
bool nr_redact_cli_wanted(const struct nr_redact_cli *o);

/* A redactor from the options and the config: the map reused, the words
 * added (redact.words, then --redact-words, then --redact-word).  NULL
 * after printing why; *exit_code says usage (2) or error (1). */
struct nr_redactor *nr_redact_cli_setup(const char *cmd, const struct nr_redact_cli *o,
                                        int *exit_code);

/* The user running us (and the one sudo came from): names on this machine
 * that the bundle may hold in paths and logs. */
void nr_redact_cli_learn_local_users(struct nr_redactor *r);

/* "Redacted: ... ; map (keep it private): PATH" on stdout. */
void nr_redact_cli_report(const struct nr_redactor *r, const char *map_path);

#endif
