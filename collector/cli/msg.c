/* SPDX-License-Identifier: MIT */
#include "msg.h"
#include "util/safe_text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum nr_verbosity verbosity = NR_NORMAL;
static int progress_shown;   /* a progress line is on stderr, unfinished */

void nr_msg_set_verbosity(enum nr_verbosity v)
{
	verbosity = v;
}

enum nr_verbosity nr_msg_verbosity(void)
{
	return verbosity;
}

int nr_msg_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	return (!nc || !*nc) && isatty(fileno(f));
}

const char *nr_msg_sgr(FILE *f, const char *code)
{
	return nr_msg_color(f) ? code : "";
}

/* Messages quote what came from outside (a remote level's stderr, a
 * bundle's names, a server's answer): the formatted text is escaped as a
 * whole (util/safe_text.h).  Our own words hold no control character, so
 * only a stranger's are changed. */
static void put_formatted(FILE *f, const char *fmt, va_list ap)
{
	char small[1024], out[1024], *text = small;
	size_t len, used;
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		text = malloc((size_t)n + 1);
		if (!text) {
			text = small;
			n = (int)sizeof(small) - 1;
		} else {
			vsnprintf(text, (size_t)n + 1, fmt, ap);
		}
	}
	for (len = (size_t)n; len > 0; len -= used) {
		used = nr_text_escape(text + (size_t)n - len, len, 0, out, sizeof(out));
		fputs(out, f);
	}
	if (text != small)
		free(text);
}

static void vprint(const char *tag, const char *color, const char *fmt, va_list ap)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
	fprintf(stderr, "nest-report: ");
	if (tag)
		fprintf(stderr, "%s%s%s", nr_msg_sgr(stderr, color), tag, nr_msg_sgr(stderr, "\033[0m"));
	put_formatted(stderr, fmt, ap);
	fputc('\n', stderr);
}

void nr_msg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("error: ", "\033[1;31m", fmt, ap);
	va_end(ap);
}

void nr_msg_warn(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < NR_NORMAL)
		return;
	va_start(ap, fmt);
	vprint("warning: ", "\033[1;33m", fmt, ap);
	va_end(ap);
}

void nr_msg_info(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < NR_NORMAL)
		return;
	va_start(ap, fmt);
	vprint(NULL, NULL, fmt, ap);
	va_end(ap);
}

void nr_msg_debug(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < NR_VERBOSE)
		return;
	va_start(ap, fmt);
	vprint(NULL, NULL, fmt, ap);
	va_end(ap);
}

void nr_msg_line(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_formatted(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

int nr_msg_json(FILE *f, json_object *o)
{
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
	char *safe = text ? nr_text_json(text) : NULL;

	if (!safe)
		return -ENOMEM;
	fputs(safe, f);
	fputc('\n', f);
	free(safe);
	return 0;
}

void nr_msg_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(NULL, NULL, fmt, ap);
	va_end(ap);
	fprintf(stderr, "hint: see 'nest-report %s%s--help'\n", cmd ? cmd : "", cmd ? " " : "");
}

void nr_msg_human_size(unsigned long long n, char *out, size_t outlen)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, outlen, "%llu B", n);
	else
		snprintf(out, outlen, "%.1f %s", v, units[u]);
}

int nr_msg_progress_on(void)
{
	return verbosity >= NR_NORMAL && isatty(STDERR_FILENO);
}

void nr_msg_progress(const char *fmt, ...)
{
	va_list ap;

	if (!nr_msg_progress_on())
		return;
	fputs("\r", stderr);
	va_start(ap, fmt);
	put_formatted(stderr, fmt, ap);
	va_end(ap);
	fputs("\033[K", stderr);
	fflush(stderr);
	progress_shown = 1;
}

void nr_msg_progress_end(void)
{
	if (progress_shown)
		fputc('\n', stderr);
	progress_shown = 0;
}
