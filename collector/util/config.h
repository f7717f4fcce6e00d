/* Settings from configuration files: "key = value" lines, '#' comments,
 * blank lines ignored.  Read from, in order of precedence:
 *   $XDG_CONFIG_HOME/nest-report/config (~/.config/nest-report/config)
 *   /etc/nest-report.conf
 * so a user's setting overrides the system's.  Keys are SECTION.NAME, as in
 * git's config: sign.key, sign.signer_id, sign.enabled, verify.allowed_signers,
 * upload.url, upload.method, upload.token_file, upload.cacert, redact.enabled,
 * redact.words.
 * Command-line options override both.
 *
 * Values are raw strings; nr_config_path() expands a leading "~/".  The
 * files are read once, on first use; a malformed line is skipped and
 * reported by nr_config_check(). */
#ifndef NR_CONFIG_H
#define NR_CONFIG_H

#include <stddef.h>

#include "error.h"

#define NR_CONFIG_FILE_MAX (256 * 1024)

/* The value of key, or NULL when no file sets it.  Valid until
 * nr_config_reset(). */
const char *nr_config_get(const char *key);

/* The value of key as a path, "~/" expanded, into out; NULL if unset or
 * too long. */
const char *nr_config_path(const char *key, char *out, size_t outlen);

/* The first problem met while reading the files (unreadable, too big, a
 * line that is not key=value): 0, or negative with err filled. */
int nr_config_check(struct nr_error *err);

/* Forget what was read (tests; a later call reads the files again). */
void nr_config_reset(void);

#endif
