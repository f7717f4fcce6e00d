/* SPDX-License-Identifier: MIT */
/* Test support: fixture readers, see fixture.h. */
#include "fixture.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REAL_MACHINES "fixtures/real-machines"

const char *const nr_test_real_machines[] = {
	"x86_64-64cpu", "x86_64-64cpu-linux6.2", "x86_64-dell_e4310", "x86_64-epyc_7451",
	"vbox-win", "s390-kvm", "s390-zvm", "s390-lpar", "s390-lpar-drawer",
	"ppc64-POWER7", "ppc-qemu", "arm-A510-A710-A715-X3", "armv7",
	"rv64-linux", "rv64-milkvpioneer", "rv64-visionfive2",
	"loongarch-kvm_on_loongson_3c6000", "loongarch-loongson_3a5000_hv", "sparc64",
	NULL,
};

static int is_dir(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *nr_test_shared_dir(void)
{
	const char *d = getenv("NR_SHARED_DIR");

	return (d && *d && is_dir(d)) ? d : NULL;
}

static char *shared_path(const char *relpath)
{
	const char *d = nr_test_shared_dir();
	char *p = NULL;

	if (!d || asprintf(&p, "%s/" REAL_MACHINES "/%s", d, relpath) < 0)
		return NULL;
	return p;
}

int nr_test_real_machines_present(void)
{
	char *p = shared_path("");
	int ok = is_dir(p);

	free(p);
	return ok;
}

/* Whole file, capped; NULL if missing, unreadable or over the cap. */
static char *read_path(const char *path, size_t *len)
{
	FILE *f = path ? fopen(path, "rb") : NULL;
	struct stat st;
	char *buf = NULL;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size <= (off_t)NR_TEST_FIXTURE_MAX)
		buf = malloc((size_t)st.st_size + 1);
	if (buf && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[st.st_size] = '\0';
	if (len)
		*len = (size_t)st.st_size;
	return buf;
}

char *nr_test_fixture_file(const char *relpath, size_t *len)
{
	char *p = shared_path(relpath);
	char *buf = read_path(p, len);

	free(p);
	return buf;
}

char *nr_test_local_file(const char *relpath, size_t *len)
{
	char *p = NULL;
	char *buf;

	if (asprintf(&p, "tests/fixtures/%s", relpath) < 0)
		return NULL;
	buf = read_path(p, len);
	free(p);
	return buf;
}

static int entry_is(struct archive_entry *e, const char *want)
{
	const char *name = archive_entry_pathname(e);

	if (!name)
		return 0;
	if (strncmp(name, "./", 2) == 0)
		name += 2;
	return strcmp(name, want) == 0;
}

/* Read the current entry's data, capped. */
static char *read_entry(struct archive *a, struct archive_entry *e, size_t *len)
{
	la_int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
	char *buf;
	la_ssize_t n;

	if (size < 0 || size > (la_int64_t)NR_TEST_FIXTURE_MAX)
		return NULL;
	buf = malloc((size_t)size + 1);
	if (!buf)
		return NULL;
	n = archive_read_data(a, buf, (size_t)size);
	if (n != (la_ssize_t)size) {
		free(buf);
		return NULL;
	}
	buf[size] = '\0';
	if (len)
		*len = (size_t)size;
	return buf;
}

char *nr_test_fixture_read(const char *machine, const char *member, size_t *len)
{
	char *name = NULL, *tarball = NULL, *want = NULL, *buf = NULL;
	struct archive *a = archive_read_new();
	struct archive_entry *e;

	if (!a || asprintf(&want, "%s/%s", machine, member) < 0 ||
	    asprintf(&name, "%s.tar.gz", machine) < 0)
		goto out;
	tarball = shared_path(name);
	if (!tarball)
		goto out;
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	if (archive_read_open_filename(a, tarball, 64 * 1024) != ARCHIVE_OK)
		goto out;
	while (!buf && archive_read_next_header(a, &e) == ARCHIVE_OK)
		if (archive_entry_filetype(e) == AE_IFREG && entry_is(e, want))
			buf = read_entry(a, e, len);
out:
	if (a)
		archive_read_free(a);
	free(name);
	free(tarball);
	free(want);
	return buf;
}

/* Pointers to the NUL-terminated strings of buf[0..len), skipping those
 * that start with skip_prefix (if not NUL). */
static char **split_nul(char *buf, size_t len, char skip_prefix, size_t *argc)
{
	size_t n = 0, cap = 16;
	char **argv = malloc(cap * sizeof(*argv));

	for (size_t i = 0; argv && i < len; i += strlen(buf + i) + 1) {
		if (skip_prefix && (buf[i] == skip_prefix || buf[i] == '\0'))
			continue;
		if (n + 1 >= cap) {
			char **grown = realloc(argv, (cap *= 2) * sizeof(*argv));

			if (!grown) {
				free(argv);
				return NULL;
			}
			argv = grown;
		}
		argv[n++] = buf + i;
	}
	if (!argv || n == 0) {
		free(argv);
		return NULL;
	}
	argv[n] = NULL;
	*argc = n;
	return argv;
}

char **nr_test_argv_from_cmdline(char *buf, size_t len, size_t *argc)
{
	/* /proc/PID/cmdline ends with a NUL; a buffer from fixture readers
	 * also has one past len, so the last string is terminated either way. */
	if (len > 0 && buf[len - 1] == '\0')
		len--;
	return split_nul(buf, len, '\0', argc);
}

char **nr_test_argv_from_lines(char *buf, size_t len, size_t *argc)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n')
			buf[i] = '\0';
	return split_nul(buf, len, '#', argc);
}
