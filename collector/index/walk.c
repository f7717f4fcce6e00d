/* SPDX-License-Identifier: MIT */
/* The bundle files of a directory tree (index.h: nr_index_walk).  An
 * intake directory is written by others: symlinks are not followed (nftw
 * FTW_PHYS), names starting with '.' are skipped (collect's and upload's
 * temporary files, .NAME.tmp-XXXXXX and .NAME.part, are not bundles yet),
 * only regular files are taken, and the walk stops at WALK_FILES_MAX
 * files. */
#include "index.h"
#include "util/grow.h"

#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define WALK_FILES_MAX 10000000
#define WALK_FDS 32

static const char *const suffixes[] = { ".tar", ".tar.zst", ".tar.gz", ".tar.xz" };

/* nftw has no argument for its callback. */
static struct {
	char **paths;
	size_t n, cap;
	int err;
} w;

static int bundle_name(const char *base)
{
	size_t len = strlen(base), i, s;

	if (base[0] == '.')
		return 0;
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		s = strlen(suffixes[i]);
		if (len > s && strcmp(base + len - s, suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	const char *base = path + ftw->base;
	char **grown;

	if (type == FTW_D && ftw->level > 0 && base[0] == '.')
		return FTW_SKIP_SUBTREE;
	/* FTW_F is any non-directory: FIFOs, sockets and devices too */
	if (type != FTW_F || !S_ISREG(sb->st_mode) || !bundle_name(base))
		return FTW_CONTINUE;
	if (w.n + 1 >= WALK_FILES_MAX) {
		w.err = E2BIG;
		return FTW_STOP;
	}
	/* the list ends in NULL: room for n + 1 */
	if (!(grown = nr_grow(w.paths, &w.cap, w.n + 1, sizeof(*grown)))) {
		w.err = ENOMEM;
		return FTW_STOP;
	}
	w.paths = grown;
	if (!(w.paths[w.n] = strdup(path))) {
		w.err = ENOMEM;
		return FTW_STOP;
	}
	w.paths[++w.n] = NULL;
	return FTW_CONTINUE;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int nr_index_walk(const char *dir, char ***paths, size_t *n, struct nr_error *err)
{
	int rc;

	memset(&w, 0, sizeof(w));
	rc = nftw(dir, visit, WALK_FDS, FTW_PHYS | FTW_ACTIONRETVAL);
	if (rc < 0 || w.err) {
		int code = w.err ? w.err : errno;

		nr_index_paths_free(w.paths);
		memset(&w, 0, sizeof(w));
		return code == E2BIG ? nr_error_set(err, E2BIG, "%s holds more than %d bundles", dir, WALK_FILES_MAX)
		                     : nr_error_set(err, code, "cannot read %s: %s", dir, strerror(code));
	}
	if (!w.paths && !(w.paths = calloc(1, sizeof(*w.paths))))
		return nr_error_set(err, ENOMEM, "out of memory");
	qsort(w.paths, w.n, sizeof(*w.paths), cmp_path);
	*paths = w.paths;
	*n = w.n;
	memset(&w, 0, sizeof(w));
	return 0;
}

void nr_index_paths_free(char **paths)
{
	size_t i;

	for (i = 0; paths && paths[i]; i++)
		free(paths[i]);
	free(paths);
}
