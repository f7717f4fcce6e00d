/* SPDX-License-Identifier: MIT */
/* Signing a bundle while it is written: ssh-keygen -Y sign reads the
 * bundle's bytes from a pipe as the writer produces them, so collect never
 * reads its bundle back.  SSHSIG hashes exactly what it reads on stdin, so
 * the signature is the one `ssh-keygen -Y verify ... < BUNDLE` checks. */
#include "sign.h"
#include "sign_internal.h"
#include "util/spawn_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct nr_sign_stream {
	struct nr_spawn_child child;
	struct nr_spawn_io io;
	int out;                /* the temporary signature file */
	int feed_rc;            /* the first failure to feed it, or 0 */
};

int nr_sign_stream_start(const struct nr_sign_key *key, const char *bundle,
                         struct nr_sig_file *sf, struct nr_sign_stream **out,
                         struct nr_error *err)
{
	const char *argv[] = NR_SIGN_ARGV(key);
	struct nr_sign_stream *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s)
		return nr_error_set(err, ENOMEM, "out of memory");
	nr_spawn_io_init(&s->io);
	s->child.pid = -1;
	s->child.in = s->child.err = -1;
	s->out = -1;
	rc = nr_sign_sig_path(bundle, sf->path, sizeof(sf->path)) < 0
		     ? nr_error_set(err, ENAMETOOLONG, "signature path too long")
		     : nr_sign_tmp_open(sf, err);
	if (rc < 0)
		goto out;
	s->out = s->io.out_fd = rc;
	rc = nr_spawn_start(argv, &s->io, &s->child, err);
out:
	if (rc < 0) {
		nr_sign_stream_abort(s, sf);
		return rc;
	}
	*out = s;
	return 0;
}

void nr_sign_stream_write(void *stream, const void *buf, size_t len)
{
	struct nr_sign_stream *s = stream;

	/* After a failure the rest is dropped: the signature is lost, never
	 * the bundle.  finish() says why. */
	if (s && s->feed_rc == 0)
		s->feed_rc = nr_spawn_feed(&s->child, &s->io, buf, len);
}

int nr_sign_stream_finish(struct nr_sign_stream *s, const char *bundle,
                          const struct nr_sign_key *key, struct nr_sig_file *sf,
                          struct nr_error *err)
{
	char why[256];
	int rc;

	/* The bundle may have taken another name ("-2") than planned. */
	if (nr_sign_sig_path(bundle, sf->path, sizeof(sf->path)) < 0) {
		rc = nr_error_set(err, ENAMETOOLONG, "signature path too long");
		goto out;
	}
	rc = nr_spawn_wait(&s->child, &s->io, err);
	if (rc > 0 || (rc == 0 && s->feed_rc == -EPIPE))
		rc = nr_error_set(err, EIO, "ssh-keygen -Y sign failed: %s",
		                  nr_spawn_reason(&s->io, why, sizeof(why)));
	else if (rc == 0 && s->feed_rc < 0)
		rc = nr_error_set(err, -s->feed_rc, "cannot feed ssh-keygen -Y sign: %s",
		                  strerror(-s->feed_rc));
	if (rc == 0)
		rc = nr_sign_tmp_commit(sf, s->out, key, err);
out:
	nr_sign_stream_abort(s, sf);
	return rc;
}

void nr_sign_stream_abort(struct nr_sign_stream *s, struct nr_sig_file *sf)
{
	if (!s)
		return;
	nr_spawn_kill(&s->child);
	if (s->out >= 0)
		close(s->out);
	if (sf)
		nr_sign_tmp_drop(sf);
	free(s);
}

int nr_sign_check_start(const char *sig, const char *allowed, const char *identity,
                        char *principal, size_t plen, struct nr_sign_stream **out,
                        struct nr_error *err)
{
	const char *argv[] = NR_SIGN_VERIFY_ARGV(allowed, principal, sig);
	struct nr_sign_stream *s = NULL;
	int rc;

	*out = NULL;
	rc = nr_sign_verify_prepare(sig, allowed, identity, principal, plen, err);
	if (rc != 0)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return nr_error_set(err, ENOMEM, "out of memory");
	nr_spawn_io_init(&s->io);
	s->child.pid = -1;
	s->child.in = s->child.err = -1;
	/* Its verdict is its exit status; what it says on stdout is not needed. */
	s->out = s->io.out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	rc = s->out < 0 ? nr_error_set(err, errno, "/dev/null: %s", strerror(errno))
	                : nr_spawn_start(argv, &s->io, &s->child, err);
	if (rc < 0) {
		nr_sign_stream_abort(s, NULL);
		return rc;
	}
	*out = s;
	return 0;
}

int nr_sign_check_finish(struct nr_sign_stream *s, struct nr_error *err)
{
	char why[256];
	int rc = nr_spawn_wait(&s->child, &s->io, err);

	/* It stops reading when it has failed: its exit status says how. */
	if (rc > 0)
		rc = nr_error_set(err, EBADMSG, "%s", nr_spawn_reason(&s->io, why, sizeof(why)));
	else if (rc == 0 && s->feed_rc < 0)
		rc = nr_error_set(err, -s->feed_rc, "cannot feed ssh-keygen -Y verify: %s",
		                  strerror(-s->feed_rc));
	nr_sign_stream_abort(s, NULL);
	return rc;
}
