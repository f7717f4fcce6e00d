/* SPDX-License-Identifier: MIT */
/* Bearer tokens.  A token comes from a file or the environment, never from
 * argv (which every user can read in ps).  It must be one line of
 * printable ASCII: anything else could smuggle a second header in.
 * Messages name the file, never its content. */
#include "upload.h"
#include "upload_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOKEN_MAX 4096

static int token_ok(const char *t, size_t len)
{
	size_t i;

	if (len == 0 || len > TOKEN_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
			return 0;
	return 1;
}

int nr_upload_token_check(const char *token, struct nr_error *err)
{
	if (!token_ok(token, strlen(token)))
		return nr_error_set(err, EINVAL, "the token must be one line of printable ASCII "
		                    "without spaces, at most %d bytes", TOKEN_MAX);
	return 0;
}

int nr_upload_token_read(const char *path, char **out, struct nr_error *err)
{
	char *buf = calloc(1, TOKEN_MAX + 2);
	size_t len = 0;
	ssize_t got = 1;
	int fd, rc = 0;

	*out = NULL;
	if (!buf)
		return nr_error_set(err, ENOMEM, "out of memory");
	/* O_NONBLOCK and a regular file only: a FIFO cannot hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		rc = nr_error_set(err, errno, "cannot read token file %s: %s", path, strerror(errno));
	else if (nr_upload_file_size(fd) < 0)
		rc = nr_error_set(err, EINVAL, "cannot read token file %s: not a regular file", path);
	while (rc == 0 && got > 0 && len < TOKEN_MAX + 1) {
		got = read(fd, buf + len, TOKEN_MAX + 1 - len);
		if (got < 0 && errno != EINTR)
			rc = nr_error_set(err, errno, "cannot read token file %s: %s", path,
			                  strerror(errno));
		else if (got > 0)
			len += (size_t)got;
	}
	if (fd >= 0)
		close(fd);
	/* The first line, without trailing whitespace (editors add a newline). */
	if (rc == 0) {
		char *nl = memchr(buf, '\n', len);

		if (nl)
			len = (size_t)(nl - buf);
		while (len > 0 && (buf[len - 1] == '\r' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
			len--;
		buf[len] = '\0';
		if (!token_ok(buf, len))
			rc = nr_error_set(err, EINVAL, "token file %s: the token must be one line of "
			                  "printable ASCII without spaces, at most %d bytes", path,
			                  TOKEN_MAX);
	}
	if (rc < 0) {
		nr_upload_token_free(buf);
		return rc;
	}
	*out = buf;
	return 0;
}

void nr_upload_token_free(char *token)
{
	if (token) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
}
