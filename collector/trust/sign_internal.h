/* SPDX-License-Identifier: MIT */
/* What sign.c and sign_stream.c share: the ssh-keygen command line and
 * the temporary signature file beside the bundle. */
#ifndef NR_SIGN_INTERNAL_H
#define NR_SIGN_INTERNAL_H

#include "sign.h"

/* stdin to stdout: ssh-keygen never names (or clobbers) a file itself. */
#define NR_SIGN_ARGV(key) { "ssh-keygen", "-Y", "sign", "-f", (key)->path, "-n", NR_SIGN_NAMESPACE, NULL }

#define NR_SIGN_VERIFY_ARGV(allowed, principal, sig) { "ssh-keygen", "-Y", "verify", "-f", \
	(allowed), "-I", (principal), "-n", NR_SIGN_NAMESPACE, "-s", (sig), NULL }

/* Before ssh-keygen -Y verify: sig and allowed are regular files (not a
 * FIFO it would block on), and principal is identity, else who
 * allowed_signers says signed (ssh-keygen -Y find-principals).  0,
 * -EBADMSG (the key is not there), or another negative errno. */
int nr_sign_verify_prepare(const char *sig, const char *allowed, const char *identity,
                           char *principal, size_t plen, struct nr_error *err);

/* Create ".NAME.tmp-XXXXXX" beside sf->path; sets tmp_path and tmp_live.
 * Returns the fd or a negative errno. */
int nr_sign_tmp_open(struct nr_sig_file *sf, struct nr_error *err);
/* Check what ssh-keygen wrote to fd (an SSHSIG of our namespace, by key),
 * fsync it and rename it to sf->path. */
int nr_sign_tmp_commit(struct nr_sig_file *sf, int fd, const struct nr_sign_key *key,
                       struct nr_error *err);
/* Unlink the temporary file if it is still there. */
void nr_sign_tmp_drop(struct nr_sig_file *sf);

#endif
