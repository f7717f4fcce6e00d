/* SPDX-License-Identifier: MIT */
/* Subcommands, git-style.  Each takes (argc, argv) with argv[0] the
 * subcommand name and returns the process exit code:
 *   0 success, 1 could not run, 2 usage error, 130 interrupted.
 * Later commands add their own codes (verify: 3; upload: 4, 5). */
#ifndef NR_COMMANDS_H
#define NR_COMMANDS_H

#define NR_EXIT_OK 0
#define NR_EXIT_ERROR 1
#define NR_EXIT_USAGE 2
#define NR_EXIT_CHECK_FAILED 3  /* verify: a check failed */
#define NR_EXIT_REJECTED 4      /* upload: the server refused it */
#define NR_EXIT_GAVE_UP 5       /* upload: still failing after every retry */
#define NR_EXIT_INTERRUPTED 130

int nr_cmd_collect(int argc, char **argv);
int nr_cmd_probes(int argc, char **argv);
int nr_cmd_capture(int argc, char **argv);
int nr_cmd_rules(int argc, char **argv);
int nr_cmd_version(int argc, char **argv);
int nr_cmd_upload(int argc, char **argv);
int nr_cmd_sign(int argc, char **argv);
int nr_cmd_verify(int argc, char **argv);
int nr_cmd_show(int argc, char **argv);
int nr_cmd_diff(int argc, char **argv);
int nr_cmd_redact(int argc, char **argv);
int nr_cmd_index(int argc, char **argv);

/* Split "a,b,c" into a NULL-terminated list of probe names, checking each
 * against the probe table.  On error prints and returns NULL with *bad set. */
char **nr_cmd_probe_list(const char *cmd, const char *opt, const char *arg, int *bad);
void nr_cmd_list_free(char **list);

/* "64M", "2G", "1024": bytes (K/M/G/T suffixes, overflow refused); -1 if
 * not a size. */
int nr_cmd_parse_size(const char *s, unsigned long long *out);
/* Whole seconds in [1, max], refusing what strtol would wrap; -1 if not. */
int nr_cmd_parse_seconds(const char *s, long max, int *out);

#endif
