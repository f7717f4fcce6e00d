/* SPDX-License-Identifier: MIT */
/* The one place that prints (curl's tool_msgs.c is the model).  Library
 * code returns errors; commands report them through these.  Messages go to
 * stderr prefixed "nest-report: ", lowercase, one line. */
#ifndef NR_MSG_H
#define NR_MSG_H

#include <json-c/json.h>
#include <stdio.h>

enum nr_verbosity { NR_QUIET = 0, NR_NORMAL = 1, NR_VERBOSE = 2 };

void nr_msg_set_verbosity(enum nr_verbosity v);
enum nr_verbosity nr_msg_verbosity(void);

void nr_msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nr_msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nr_msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nr_msg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line of output on f (the command's report on stdout), formatted and
 * escaped as messages are, then a newline: for lines that quote text from
 * outside and carry no colour of our own. */
void nr_msg_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* o as pretty JSON and a newline on f, with what a terminal would obey
 * written as \u escapes (nr_text_json): the `--json` output of every
 * command.  0, or -ENOMEM (nothing printed). */
int nr_msg_json(FILE *f, json_object *o);

/* Usage error: the message, then a hint line; the caller exits 2. */
void nr_msg_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Colour only on a TTY, and never when NO_COLOR is set. */
int nr_msg_color(FILE *f);
const char *nr_msg_sgr(FILE *f, const char *code);   /* "" when no colour */

/* "1.2 MiB" */
void nr_msg_human_size(unsigned long long n, char *out, size_t outlen);

/* A progress line on stderr, redrawn in place ("\r", cleared to the end of
 * the line); only on a TTY and not with -q, else nothing.  Messages printed
 * meanwhile clear it first.  nr_msg_progress_end() leaves the last one on
 * screen and moves to the next line. */
int nr_msg_progress_on(void);
void nr_msg_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nr_msg_progress_end(void);

#endif
