#include "config.h"
#include "file_open.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_KEYS_MAX 256

struct setting {
	char *key, *value;
};

static struct {
	int loaded;
	struct setting items[CONFIG_KEYS_MAX];
	size_t n;
	struct nr_error problem;
} cfg;

static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int known(const char *key)
{
	size_t i;

	for (i = 0; i < cfg.n; i++)
		if (strcmp(cfg.items[i].key, key) == 0)
			return 1;
	return 0;
}

/* One file; earlier files win, so a key already set is left alone. */
static void load_file(const char *path)
{
	struct nr_error e = { 0 };
	FILE *f = nr_file_fopen_regular(path, NULL, &e);
	char line[4096], *eq, *key;
	size_t lineno = 0, total = 0;

	if (!f) {
		if (e.code != ENOENT && !cfg.problem.code)
			cfg.problem = e;
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		total += strlen(line);
		if (total > NR_CONFIG_FILE_MAX) {
			if (!cfg.problem.code)
				nr_error_set(&cfg.problem, EFBIG, "%s: bigger than %d bytes, rest ignored",
				             path, NR_CONFIG_FILE_MAX);
			break;
		}
		key = trim(line);
		if (!*key || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (!eq || eq == key) {
			if (!cfg.problem.code)
				nr_error_set(&cfg.problem, EINVAL, "%s:%zu: expected key = value", path, lineno);
			continue;
		}
		*eq = '\0';
		key = trim(key);
		if (known(key) || cfg.n >= CONFIG_KEYS_MAX)
			continue;
		cfg.items[cfg.n].key = strdup(key);
		cfg.items[cfg.n].value = strdup(trim(eq + 1));
		if (cfg.items[cfg.n].key && cfg.items[cfg.n].value)
			cfg.n++;
		else {
			free(cfg.items[cfg.n].key);
			free(cfg.items[cfg.n].value);
		}
	}
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
		load_file(path);
	load_file("/etc/nest-report.conf");
}

const char *nr_config_get(const char *key)
{
	const char *v = NULL;
	size_t i;

	pthread_mutex_lock(&cfg_lock);
	load();
	for (i = 0; i < cfg.n && !v; i++)
		if (strcmp(cfg.items[i].key, key) == 0)
			v = cfg.items[i].value;
	pthread_mutex_unlock(&cfg_lock);
	return v && *v ? v : NULL;
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

int nr_config_check(struct nr_error *err)
{
	int rc = 0;

	pthread_mutex_lock(&cfg_lock);
	load();
	if (cfg.problem.code) {
		if (err)
			*err = cfg.problem;
		rc = -cfg.problem.code;
	}
	pthread_mutex_unlock(&cfg_lock);
	return rc;
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
