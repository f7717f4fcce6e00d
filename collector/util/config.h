/* SPDX-License-Identifier: MIT */
/* Settings from configuration files, in git's config syntax:
 *
 *   # comment                         ; comment too
 *   [sign]
 *           key = ~/.ssh/work
 *           enabled = no
 *   upload.url = https://uploads.example.org/incoming/   (section.key works too,
 *                                                         above any [section])
 *
 * Read from, in order of precedence:
 *   $XDG_CONFIG_HOME/nest-report/config (~/.config/nest-report/config)
 *   /etc/nest-report.conf
 * (not when NR_CONFIG_NOSYSTEM is set, as git's GIT_CONFIG_NOSYSTEM)
 * so a user's setting overrides the system's; within one file the later
 * line wins, as in git.  Command-line options override both.  The keys are
 * the table in config_keys.c: sign.key, sign.signer_id, sign.enabled,
 * verify.allowed_signers, upload.url, upload.method, upload.token_file,
 * upload.cacert, redact.enabled, redact.words, index.db.  Section and key
 * names are case-insensitive.
 *
 * Every line that is not used as written (a syntax error, an unknown
 * section or key, a value of the wrong kind, a key set twice in a file) is
 * ignored and gives one warning, "FILE:LINE: ...", naming the closest known
 * keys to a misspelt one.  The library prints nothing: the command layer
 * prints the warnings (nr_config_warning).  The files are read once, on
 * first use. */
#ifndef NR_CONFIG_H
#define NR_CONFIG_H

#include <stddef.h>

#define NR_CONFIG_FILE_MAX (256 * 1024)
#define NR_CONFIG_WARNINGS_MAX 32
#define NR_CONFIG_WARNING_LEN 512

/* The value of key, or NULL when no file sets it (or sets it empty).
 * Valid until nr_config_reset(). */
const char *nr_config_get(const char *key);

/* The value of key as a path, "~/" expanded, into out; NULL if unset or
 * too long. */
const char *nr_config_path(const char *key, char *out, size_t outlen);

/* A boolean key (true/yes/on/1, false/no/off/0, any case): 1 or 0, or def
 * when unset. */
int nr_config_bool(const char *key, int def);

/* The warnings met reading the files (reading them if not yet done): how
 * many, and each by index ("FILE:LINE: ..."; NULL past the end).  After
 * NR_CONFIG_WARNINGS_MAX, one last warning says how many more there were. */
size_t nr_config_warning_count(void);
const char *nr_config_warning(size_t i);

/* Forget what was read (tests; a later call reads the files again). */
void nr_config_reset(void);

#endif
