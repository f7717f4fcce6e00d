/* SPDX-License-Identifier: MIT */
/* A local file as a request body, read by curl through callbacks as the
 * transfer goes: never loaded whole, and seekable, so that curl can rewind
 * when it must send the body again. */
#include "upload_internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int64_t nr_upload_file_size(int fd)
{
	struct stat sb;

	if (fstat(fd, &sb) < 0)
		return -errno;
	if (!S_ISREG(sb.st_mode))
		return -EINVAL;
	return (int64_t)sb.st_size;
}

int nr_upload_source_open(struct nr_upload_source *s, const char *path,
                          struct nr_upload_read_fail *fail, struct nr_attempt_out *out)
{
	s->path = path;
	s->fail = fail;
	/* O_NONBLOCK: a FIFO named here cannot block the open; the size
	 * check refuses anything but a regular file. */
	s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	s->size = s->fd < 0 ? -errno : nr_upload_file_size(s->fd);
	if (s->size < 0) {
		nr_upload_attempt_fail(out, NR_ATTEMPT_LOCAL, (int)-s->size, "cannot read %s: %s",
		                       path, s->size == -EINVAL ? "not a regular file"
		                                                : strerror((int)-s->size));
		return -1;
	}
	/* Read-ahead for one long sequential read. */
	posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

void nr_upload_source_close(struct nr_upload_source *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

size_t nr_upload_source_read(char *buf, size_t size, size_t n, void *ud)
{
	struct nr_upload_source *s = ud;
	ssize_t got;

	do
		got = read(s->fd, buf, size * n);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		s->fail->code = errno;
		s->fail->path = s->path;
		return CURL_READFUNC_ABORT;
	}
	return (size_t)got;
}

int nr_upload_source_seek(void *ud, curl_off_t offset, int origin)
{
	struct nr_upload_source *s = ud;

	return lseek(s->fd, (off_t)offset, origin) < 0 ? CURL_SEEKFUNC_FAIL : CURL_SEEKFUNC_OK;
}
