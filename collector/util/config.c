/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "config_internal.h"
#include "file_open.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define CONFIG_KEYS_MAX 256

struct setting {
	char *key, *value;
	int file;          /* which file set it: 0 the user's, 1 the system's */
	size_t line;
};

static struct {
	int loaded;
	struct setting items[CONFIG_KEYS_MAX];
	size_t n;
	char warnings[NR_CONFIG_WARNINGS_MAX + 1][NR_CONFIG_WARNING_LEN];
	size_t n_warnings, dropped;
} cfg;

static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;

static void warn(const char *path, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(const char *path, size_t line, const char *fmt, ...)
{
	char *w;
	int n;
	va_list ap;

	if (cfg.n_warnings >= NR_CONFIG_WARNINGS_MAX) {
		cfg.dropped++;
		return;
	}
	w = cfg.warnings[cfg.n_warnings++];
	n = line ? snprintf(w, NR_CONFIG_WARNING_LEN, "%s:%zu: ", path, line)
	         : snprintf(w, NR_CONFIG_WARNING_LEN, "%s: ", path);
	if (n < 0 || n >= NR_CONFIG_WARNING_LEN)
		return;
	va_start(ap, fmt);
	vsnprintf(w + n, NR_CONFIG_WARNING_LEN - (size_t)n, fmt, ap);
	va_end(ap);
}

static struct setting *find(const char *key)
{
	size_t i;

	for (i = 0; i < cfg.n; i++)
		if (strcmp(cfg.items[i].key, key) == 0)
			return &cfg.items[i];
	return NULL;
}

/* Earlier files win; within a file the later line does (git), with a
 * warning, since every key of ours holds one value. */
static void store(const char *path, int file, size_t line, const char *key, const char *value)
{
	struct setting *s = find(key);
	char *v;

	if (s && s->file != file)
		return;
	if (s) {
		warn(path, line, "%s is set again (line %zu set it too); this line wins", key, s->line);
		if (!(v = strdup(value)))
			return;
		free(s->value);
		s->value = v;
		s->line = line;
		return;
	}
	if (cfg.n >= CONFIG_KEYS_MAX)
		return;
	s = &cfg.items[cfg.n];
	s->key = strdup(key);
	s->value = strdup(value);
	s->file = file;
	s->line = line;
	if (s->key && s->value) {
		cfg.n++;
		return;
	}
	free(s->key);
	free(s->value);
}

/* One parsed line, in the section the file is in ("" before any header;
 * NULL inside one that was warned about, whose keys are then skipped). */
static void apply(const char *path, int file, size_t lineno, struct nr_cfg_line *l,
                  const char **section, char *section_buf)
{
	char key[3 * NR_CFG_NAME_MAX], why[400], hint[200];

	switch (l->kind) {
	case NR_CFG_BLANK:
		return;
	case NR_CFG_BAD:
		warn(path, lineno, "%s; the line is ignored", l->why);
		return;
	case NR_CFG_SECTION:
		*section = NULL;
		if (l->subsection)
			warn(path, lineno, "[%s \"...\"]: nest-report's sections have no subsections, "
			     "its keys are ignored", l->section);
		else if (!nr_cfg_section_known(l->section)) {
			nr_cfg_suggest(l->section, NULL, hint, sizeof(hint));
			warn(path, lineno, "unknown section [%s], its keys are ignored; %s", l->section,
			     hint);
		} else
			*section = strcpy(section_buf, l->section);
		return;
	case NR_CFG_PAIR:
		break;
	}
	if (!*section)
		return;
	if ((*section)[0] && strchr(l->key, '.')) {
		warn(path, lineno, "'%s' inside [%s], ignored: a key in a section has no '.'", l->key,
		     *section);
		return;
	}
	if (!(*section)[0] && !strchr(l->key, '.')) {
		nr_cfg_suggest(NULL, l->key, hint, sizeof(hint));
		warn(path, lineno, "'%s' is in no section, ignored: write section.key, or put it "
		     "under [section]; %s", l->key, hint);
		return;
	}
	snprintf(key, sizeof(key), "%s%s%s", *section, (*section)[0] ? "." : "", l->key);
	if (nr_cfg_check(key, l->has_value, l->value, sizeof(l->value), why, sizeof(why)) < 0)
		warn(path, lineno, "%s", why);
	else
		store(path, file, lineno, key, l->value);
}

/* One file, read whole (capped), then line by line. */
static void load_file(const char *path, int file)
{
	static struct nr_cfg_line l;
	char section_buf[NR_CFG_NAME_MAX] = "", *buf = NULL, *line, *end;
	const char *section = section_buf;
	size_t len = 0, lineno = 0, n;
	struct nr_error e = { 0 };
	/* A FIFO or device named as a config file must not block or be read. */
	FILE *f = nr_file_fopen_regular(path, NULL, &e);

	if (!f) {
		/* e.msg names the file itself; warn() names it already. */
		if (e.code != ENOENT)
			warn(path, 0, "cannot read it: %s",
			     strncmp(e.msg, path, strlen(path)) == 0 ? e.msg + strlen(path) + 1 : e.msg);
		return;
	}
	buf = malloc(NR_CONFIG_FILE_MAX + 1);
	if (buf)
		len = fread(buf, 1, NR_CONFIG_FILE_MAX + 1, f);
	if (!buf || ferror(f)) {
		warn(path, 0, "cannot read it: %s", buf ? strerror(errno) : "out of memory");
		goto out;
	}
	if (len > NR_CONFIG_FILE_MAX) {
		warn(path, 0, "bigger than %d bytes; the rest is ignored", NR_CONFIG_FILE_MAX);
		len = NR_CONFIG_FILE_MAX;
	}
	buf[len] = '\0';
	for (line = buf; line < buf + len; line = end + 1) {
		end = memchr(line, '\n', (size_t)(buf + len - line));
		if (!end)
			end = buf + len;
		*end = '\0';
		lineno++;
		n = (size_t)(end - line);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (strlen(line) != n)
			warn(path, lineno, "a NUL byte in the line; ignored");
		else if (n >= NR_CFG_LINE_MAX)
			warn(path, lineno, "longer than %d bytes; ignored", NR_CFG_LINE_MAX - 1);
		else {
			nr_cfg_parse_line(line, &l);
			apply(path, file, lineno, &l, &section, section_buf);
		}
	}
out:
	free(buf);
	fclose(f);
}

static void load(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char path[PATH_MAX];

	if (cfg.loaded)
		return;
	cfg.loaded = 1;
	/* XDG: a relative $XDG_CONFIG_HOME is invalid and must be ignored. */
	if (xdg && xdg[0] == '/')
		snprintf(path, sizeof(path), "%s/nest-report/config", xdg);
	else if (home && *home)
		snprintf(path, sizeof(path), "%s/.config/nest-report/config", home);
	else
		path[0] = '\0';
	if (path[0])
		load_file(path, 0);
	/* As GIT_CONFIG_NOSYSTEM: tests must not depend on this machine's /etc. */
	if (!getenv("NR_CONFIG_NOSYSTEM"))
		load_file("/etc/nest-report.conf", 1);
	if (cfg.dropped)
		snprintf(cfg.warnings[cfg.n_warnings++], NR_CONFIG_WARNING_LEN,
		         "%zu more problems in the configuration files not shown", cfg.dropped);
}

const char *nr_config_get(const char *key)
{
	const struct setting *s;
	const char *v;

	pthread_mutex_lock(&cfg_lock);
	load();
	s = find(key);
	v = s && s->value[0] ? s->value : NULL;
	pthread_mutex_unlock(&cfg_lock);
	return v;
}

const char *nr_config_path(const char *key, char *out, size_t outlen)
{
	const char *v = nr_config_get(key), *home = getenv("HOME");
	int n;

	if (!v)
		return NULL;
	if (strncmp(v, "~/", 2) == 0 && home)
		n = snprintf(out, outlen, "%s/%s", home, v + 2);
	else
		n = snprintf(out, outlen, "%s", v);
	return n > 0 && (size_t)n < outlen ? out : NULL;
}

int nr_config_bool(const char *key, int def)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	const char *v = nr_config_get(key);
	size_t i;

	if (!v)
		return def;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
	return 0;   /* the loader only keeps booleans it knows */
}

size_t nr_config_warning_count(void)
{
	size_t n;

	pthread_mutex_lock(&cfg_lock);
	load();
	n = cfg.n_warnings;
	pthread_mutex_unlock(&cfg_lock);
	return n;
}

const char *nr_config_warning(size_t i)
{
	return i < nr_config_warning_count() ? cfg.warnings[i] : NULL;
}

void nr_config_reset(void)
{
	size_t i;

	pthread_mutex_lock(&cfg_lock);
	for (i = 0; i < cfg.n; i++) {
		free(cfg.items[i].key);
		free(cfg.items[i].value);
	}
	memset(&cfg, 0, sizeof(cfg));
	pthread_mutex_unlock(&cfg_lock);
}
