/* SPDX-License-Identifier: MIT */
/* `nest-report capture DIR`: run the probes over a recording transport and
 * keep the tree they leave.  See capture.h. */
#include "capture.h"
#include "parse.h"
#include "transport/replay.h"
#include "bundle/summary.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool nr_capture_keep(const char *path, const char *head, size_t len)
{
	char arg0[257];
	const char *p;

	if (strncmp(path, "/proc/", 6) != 0 || !isdigit((unsigned char)path[6]))
		return true;
	for (p = path + 6; isdigit((unsigned char)*p); p++)
		;
	if (strcmp(p, "/cmdline") != 0)
		return true;
	if (len >= sizeof(arg0))
		len = sizeof(arg0) - 1;
	memcpy(arg0, head, len);
	arg0[len] = '\0';
	return nr_qemu_is_binary(arg0);
}

/* The destination must not exist, or be an empty directory (rename(2)
 * replaces an empty directory). */
static int capture_check_dest(const char *dir, struct nr_error *err)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if (lstat(dir, &st) < 0)
		return errno == ENOENT ? 0 : nr_error_set(err, errno, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return nr_error_set(err, EEXIST, "%s exists and is not a directory", dir);
	d = opendir(dir);
	if (!d)
		return nr_error_set(err, errno, "cannot read %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			rc = nr_error_set(err, ENOTEMPTY, "%s is not empty; capture into a new directory",
			                  dir);
			break;
		}
	closedir(d);
	return rc;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Collect the level over the recording transport; the tree is written as
 * a side effect. */
static int capture_collect(const char *tmp, const struct nr_collect_opts *opts,
                           struct nr_capture_stats *st, struct nr_error *err)
{
	struct nr_collect_opts o = *opts;
	struct nr_transport *t;
	struct nr_level lv;
	char spool[4096];
	int rc;

	snprintf(spool, sizeof(spool), "%s/" NR_REPLAY_META_DIR, tmp);
	if (mkdir(spool, 0755) < 0)
		return nr_error_set(err, errno, "cannot create %s: %s", spool, strerror(errno));
	/* Spool files are unlinked at creation: nothing of them stays. */
	o.spool_dir = spool;
	t = nr_transport_local_new(err);
	if (t)
		t = nr_transport_record_new(t, tmp, opts->artifact_cap, nr_capture_keep, err);
	if (!t)
		return -(err->code ? err->code : ENOMEM);
	rc = nr_level_init(&lv, "l0", 0, NULL, t, err);
	if (rc < 0)
		return rc;
	rc = nr_level_collect(&lv, &o, err);
	if (rc == 0 && nr_interrupted)
		rc = nr_error_set(err, EINTR, "interrupted; nothing captured");
	if (rc == 0) {
		/* A recording that could not be written is reported, not fatal. */
		nr_transport_record_finish(lv.transport, st, NULL);
		nr_summary_level_line(lv.facts, st->summary, sizeof(st->summary));
	}
	nr_level_release(&lv);
	return rc;
}

int nr_capture_run(const char *dir, const struct nr_collect_opts *opts,
                   struct nr_capture_stats *st, struct nr_error *err)
{
	char *tmp = NULL;
	size_t n = strlen(dir);
	int rc;

	memset(st, 0, sizeof(*st));
	while (n > 1 && dir[n - 1] == '/')
		n--;
	rc = capture_check_dest(dir, err);
	if (rc < 0)
		return rc;
	if (asprintf(&tmp, "%.*s.tmp-XXXXXX", (int)n, dir) < 0) {
		tmp = NULL;
		return nr_error_set(err, ENOMEM, "out of memory");
	}
	if (!mkdtemp(tmp)) {
		rc = nr_error_set(err, errno, "cannot create a directory next to %s: %s", dir,
		                  strerror(errno));
		free(tmp);
		return rc;
	}
	rc = capture_collect(tmp, opts, st, err);
	if (rc == 0 && chmod(tmp, 0755) < 0)
		rc = nr_error_set(err, errno, "cannot chmod %s: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, dir) < 0)
		rc = nr_error_set(err, errno, "cannot rename %s to %s: %s", tmp, dir, strerror(errno));
	if (rc < 0)
		nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(tmp);
	return rc;
}
