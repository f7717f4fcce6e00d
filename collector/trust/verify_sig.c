/* SPDX-License-Identifier: MIT */
/* verify's signature check, made over the bytes the bundle reader reads:
 * ssh-keygen -Y verify is started before the first byte and fed each block
 * as the reader takes it (and what the reader leaves, at the end), so a
 * signed bundle is read once, not once for the signature and once for
 * the archive. */
#include "sign.h"
#include "verify.h"
#include "verify_internal.h"
#include "util/file_open.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DRAIN_CHUNK 65536

int nr_verify_sig_begin(const char *bundle, const char *allowed, const char *identity,
                        struct nr_verify_result *res, struct nr_sign_stream **check,
                        struct nr_error *err)
{
	struct nr_check *c = &res->checks[NR_CHECK_SIGNATURE];
	char sig[PATH_MAX];
	struct nr_error e = { 0 };
	struct stat sb;
	int rc;

	*check = NULL;
	if (nr_sign_sig_path(bundle, sig, sizeof(sig)) < 0)
		return nr_error_set(err, ENAMETOOLONG, "bundle path too long");
	if (stat(sig, &sb) < 0) {
		nr_check_set(c, allowed ? NR_CHECK_FAIL : NR_CHECK_SKIP, "unsigned: no %s", sig);
		return 0;
	}
	/* A FIFO or device here is refused without blocking (file_open.h). */
	if (nr_sign_read_sig(sig, &res->sig, &e) < 0) {
		nr_check_set(c, NR_CHECK_FAIL, "%s", e.msg);
		return 0;
	}
	res->has_sig = true;
	if (!allowed) {
		nr_check_set(c, NR_CHECK_SKIP, "signature present, not checked: pass --allowed-signers "
		             "(signed by %s key %s)", nr_ssh_key_kind(res->sig.key_type),
		             res->sig.fingerprint);
		return 0;
	}
	rc = nr_sign_check_start(sig, allowed, identity, res->principal, sizeof(res->principal),
	                         check, &e);
	return rc < 0 ? nr_verify_sig_verdict(rc, res, &e, err) : 0;
}

int nr_verify_sig_verdict(int rc, struct nr_verify_result *res, const struct nr_error *e,
                          struct nr_error *err)
{
	struct nr_check *c = &res->checks[NR_CHECK_SIGNATURE];

	if (rc == 0)
		nr_check_set(c, NR_CHECK_PASS, "good signature by %s (%s key %s)", res->principal,
		             nr_ssh_key_kind(res->sig.key_type), res->sig.fingerprint);
	else if (rc == -EBADMSG)
		nr_check_set(c, NR_CHECK_FAIL, "bad signature (%s key %s): %s",
		             nr_ssh_key_kind(res->sig.key_type), res->sig.fingerprint, e->msg);
	else
		return nr_error_set(err, e->code ? e->code : -rc, "cannot check the signature: %s",
		                    e->msg);
	return 0;
}

int nr_verify_sig_end(struct nr_sign_stream *check, struct nr_verify_result *res,
                      struct nr_error *err)
{
	struct nr_error e = { 0 };

	return nr_verify_sig_verdict(nr_sign_check_finish(check, &e), res, &e, err);
}

int nr_verify_drain(int fd, void (*tee)(void *ud, const void *buf, size_t len), void *ud,
                    struct nr_error *err)
{
	char buf[DRAIN_CHUNK];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nr_error_set(err, errno, "cannot read the bundle: %s", strerror(errno));
		tee(ud, buf, (size_t)n);
	}
	return 0;
}

int nr_verify_signature(const char *bundle, const char *allowed, const char *identity,
                        struct nr_verify_result *res, struct nr_error *err)
{
	struct nr_sign_stream *check = NULL;
	int fd, rc;

	rc = nr_verify_sig_begin(bundle, allowed, identity, res, &check, err);
	if (rc < 0 || !check)
		return rc;
	fd = rc = nr_file_open_regular(bundle, NULL, err);
	if (rc >= 0)
		rc = nr_verify_drain(fd, nr_sign_stream_write, check, err);
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		return nr_verify_sig_end(check, res, err);
	nr_sign_stream_abort(check, NULL);
	return rc;
}
