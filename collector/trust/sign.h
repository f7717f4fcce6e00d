/* SPDX-License-Identifier: MIT */
/* Detached SSH signatures of bundles (SSHSIG, namespace "nest-report"),
 * made and checked by delegating to ssh-keygen -Y, as git does: ssh-agent,
 * encrypted and hardware keys come for free, and a maintainer can check a
 * bundle with the stock tool alone:
 *   ssh-keygen -Y verify -f allowed_signers -I ID -n nest-report \
 *       -s BUNDLE.sig < BUNDLE
 *
 * Which key signs, first found: --sign-key FILE; sign_key in the config
 * (config.h); the first key in ssh-agent (ssh-add -L; ssh-keygen is given
 * the public key and the agent signs); ~/.ssh/id_ed25519, id_ecdsa,
 * id_ecdsa_sk, id_ed25519_sk, id_rsa. */
#ifndef NR_SIGN_H
#define NR_SIGN_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>

#include "util/error.h"
#include "sshsig.h"

#define NR_SIGN_NAMESPACE "nest-report"

struct nr_sign_key {
	char path[PATH_MAX];          /* what ssh-keygen -f gets */
	char type[32];                /* "ssh-ed25519"; "" when unknown */
	char fingerprint[NR_SSH_FPR_MAX];   /* "SHA256:..."; "" when unknown */
	char source[64];              /* "--sign-key", "ssh-agent", "~/.ssh/id_ed25519" ... */
	char tmp_pub[PATH_MAX];       /* an agent key's public half, removed by release */
};

/* Choose the key.  explicit: --sign-key (NULL if not given).  Returns 1
 * with *key filled, 0 when no key is available anywhere (err says where we
 * looked), or negative when the key asked for (option or config) is not
 * usable. */
int nr_sign_find_key(const char *explicit_key, struct nr_sign_key *key, struct nr_error *err);
void nr_sign_key_release(struct nr_sign_key *key);

/* The signature file being written, published for a signal handler that
 * must unlink a half-written one. */
struct nr_sig_file {
	char path[PATH_MAX];          /* BUNDLE.sig */
	char tmp_path[PATH_MAX];
	volatile sig_atomic_t tmp_live;
};

/* BUNDLE.sig; -ENAMETOOLONG. */
int nr_sign_sig_path(const char *bundle, char *out, size_t outlen);

/* Sign bundle into BUNDLE.sig: written to a temporary name beside it,
 * checked (an SSHSIG of our namespace, by key), synced and renamed into
 * place; removed on any failure.  The bundle itself is never touched. */
int nr_sign_bundle(const char *bundle, const struct nr_sign_key *key, struct nr_sig_file *sf,
                   struct nr_error *err);

/* Signing while the bundle is written (collect): start ssh-keygen -Y sign
 * before the first byte, with the signature going to a temporary file
 * beside bundle (the path planned); hand every byte of the bundle, in
 * order, to nr_sign_stream_write (the bundle writer's tee); finish with
 * the path the bundle took.  finish checks and renames the signature into
 * BUNDLE.sig as nr_sign_bundle does; abort (also after a failed start, or
 * a run that wrote no bundle) kills ssh-keygen and removes the temporary
 * file.  A failure to feed it is kept for finish: the bundle never waits on
 * a failed signer. */
struct nr_sign_stream;
int nr_sign_stream_start(const struct nr_sign_key *key, const char *bundle,
                         struct nr_sig_file *sf, struct nr_sign_stream **out,
                         struct nr_error *err);
void nr_sign_stream_write(void *stream, const void *buf, size_t len);
int nr_sign_stream_finish(struct nr_sign_stream *s, const char *bundle,
                          const struct nr_sign_key *key, struct nr_sig_file *sf,
                          struct nr_error *err);
void nr_sign_stream_abort(struct nr_sign_stream *s, struct nr_sig_file *sf);

/* Checking a signature while the bundle is read (verify): start
 * ssh-keygen -Y verify (principal: identity, else who allowed_signers
 * says signed; neither file may be a FIFO), feed it every byte of the
 * bundle in order with nr_sign_stream_write, then finish: 0 good, -EBADMSG
 * bad or not allowed (err says why), other negatives: could not check
 * (ssh-keygen missing, a file unreadable).  nr_sign_stream_abort(s, NULL)
 * drops it unfinished. */
int nr_sign_check_start(const char *sig, const char *allowed, const char *identity,
                        char *principal, size_t plen, struct nr_sign_stream **out,
                        struct nr_error *err);
int nr_sign_check_finish(struct nr_sign_stream *s, struct nr_error *err);

/* Read and parse a signature file (capped).  0, -EBADMSG, or -errno. */
int nr_sign_read_sig(const char *sig, struct nr_sshsig *out, struct nr_error *err);

#endif
