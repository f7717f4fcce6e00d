/* SPDX-License-Identifier: MIT */
#include "bundle_extract.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXTRACT_CHUNK 65536

/* Open (creating) every directory of path below root; returns the fd of
 * the last one and points *leaf at the file name. */
static int open_parent(int root, const char *path, const char **leaf, struct nr_error *err)
{
	char comp[NR_BUNDLE_PATH_MAX + 1];
	const char *p = path, *slash;
	int fd = dup(root), next;

	if (fd < 0)
		return nr_error_set(err, errno, "dup: %s", strerror(errno));
	while ((slash = strchr(p, '/'))) {
		memcpy(comp, p, (size_t)(slash - p));
		comp[slash - p] = '\0';
		if (mkdirat(fd, comp, 0700) < 0 && errno != EEXIST) {
			nr_error_set(err, errno, "cannot create directory for %s: %s", path, strerror(errno));
			close(fd);
			return -err->code;
		}
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			nr_error_set(err, errno, "cannot open directory for %s: %s%s", path, strerror(errno),
			             errno == ELOOP || errno == ENOTDIR ? " (not a plain directory)" : "");
			close(fd);
			return -err->code;
		}
		close(fd);
		fd = next;
		p = slash + 1;
	}
	*leaf = p;
	return fd;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write one file from the manifest text (src NULL) or the current member. */
static int extract_one(struct nr_bundle_reader *r, int root, const char *path, const char *text,
                       size_t text_len, char *buf, struct nr_error *err)
{
	const char *leaf;
	int dfd = open_parent(root, path, &leaf, err), fd = -1, rc = 0;
	ssize_t n;

	if (dfd < 0)
		return dfd;
	fd = openat(dfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = nr_error_set(err, errno, "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	if (text) {
		rc = write_all(fd, text, text_len);
	} else {
		while ((n = nr_bundle_read(r, buf, EXTRACT_CHUNK, err)) > 0 &&
		       (rc = write_all(fd, buf, (size_t)n)) == 0)
			;
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
	}
	if (rc < 0)
		rc = nr_error_set(err, -rc, "cannot write %s: %s", path, strerror(-rc));
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && fd >= 0)
		unlinkat(dfd, leaf, 0);
	close(dfd);
	return rc;
}

int nr_bundle_extract(struct nr_bundle_reader *r, const char *dir, nr_extract_want_fn want,
                      void *ud, size_t *written, struct nr_error *err)
{
	struct nr_bundle_member m;
	const char *text;
	char *buf = malloc(EXTRACT_CHUNK);
	size_t len;
	int root = -1, rc;

	*written = 0;
	if (!buf)
		return nr_error_set(err, ENOMEM, "out of memory");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		rc = nr_error_set(err, errno, "cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	/* The one path we resolve is the user's own: DIR itself. */
	root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		rc = nr_error_set(err, errno, "cannot open %s: %s", dir, strerror(errno));
		goto out;
	}
	rc = 0;
	text = nr_bundle_manifest_text(r, &len);
	if (!want || want("manifest.json", ud)) {
		rc = extract_one(r, root, "manifest.json", text, len, buf, err);
		*written += rc == 0;
	}
	while (rc == 0 && (rc = nr_bundle_next(r, &m, err)) > 0) {
		rc = 0;
		if (want && !want(m.path, ud))
			continue;
		rc = extract_one(r, root, m.path, NULL, 0, buf, err);
		*written += rc == 0;
	}
out:
	if (root >= 0)
		close(root);
	free(buf);
	return rc;
}
