/* SPDX-License-Identifier: MIT */
/* Opening user-named files safely: see file_open.h. */
#include "file_open.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *nr_file_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFSOCK: return "a socket";
	case S_IFCHR: case S_IFBLK: return "a device";
	default: return "not a plain file";
	}
}

int nr_file_open_regular(const char *path, const char *what, struct nr_error *err)
{
	const char *sep = what && *what ? " " : "";
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), rc = 0;

	if (fd < 0)
		return nr_error_set(err, errno, "cannot open %s%s%s: %s", what ? what : "", sep, path,
		                    strerror(errno));
	if (fstat(fd, &sb) < 0)
		rc = nr_error_set(err, errno, "cannot open %s%s%s: %s", what ? what : "", sep, path,
		                  strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		rc = nr_error_set(err, EINVAL, "%s%s%s is %s, not a regular file", what ? what : "", sep,
		                  path, nr_file_kind(sb.st_mode));
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

FILE *nr_file_fopen_regular(const char *path, const char *what, struct nr_error *err)
{
	int fd = nr_file_open_regular(path, what, err);
	FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;

	if (fd >= 0 && !f) {
		nr_error_set(err, errno, "cannot open %s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}
