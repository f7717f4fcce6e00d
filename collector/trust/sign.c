/* SPDX-License-Identifier: MIT */
#include "sign.h"
#include "sign_internal.h"
#include "util/config.h"
#include "util/file_open.h"
#include "util/spawn_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_FILE_MAX (64 * 1024)

static const char *const default_ids[] = {
	"id_ed25519", "id_ecdsa", "id_ecdsa_sk", "id_ed25519_sk", "id_rsa", NULL,
};

/* A small regular file (a FIFO or device is refused before it can block)
 * in a NUL-terminated malloc'd buffer; NULL with err filled. */
static char *read_small(const char *path, size_t cap, size_t *len, struct nr_error *err)
{
	int fd = nr_file_open_regular(path, NULL, err);
	char *buf = fd >= 0 ? malloc(cap + 1) : NULL;
	ssize_t n = 0;
	size_t got = 0;

	if (fd >= 0 && !buf)
		nr_error_set(err, ENOMEM, "out of memory");
	while (buf && got < cap && (n = read(fd, buf + got, cap - got)) > 0)
		got += (size_t)n;
	if (buf && n < 0) {
		nr_error_set(err, errno, "cannot read %s: %s", path, strerror(errno));
		free(buf);
		buf = NULL;
	}
	if (fd >= 0)
		close(fd);
	if (buf) {
		buf[got] = '\0';
		*len = got;
	}
	return buf;
}

/* Type and fingerprint of the key at path: from path itself (a public
 * key, or an OpenSSH private key, whose public half is in clear), else
 * from path.pub.  Unknown is fine: signing does not need it. */
static void key_identity(struct nr_sign_key *key)
{
	char pub[PATH_MAX + 8];
	size_t len;
	char *text = read_small(key->path, KEY_FILE_MAX, &len, NULL);

	if (text && (nr_ssh_pubkey_parse(text, key->type, sizeof(key->type), key->fingerprint, NULL) == 0 ||
	             nr_ssh_privkey_parse(text, len, key->type, sizeof(key->type), key->fingerprint, NULL) == 0)) {
		free(text);
		return;
	}
	free(text);
	snprintf(pub, sizeof(pub), "%s.pub", key->path);
	text = read_small(pub, KEY_FILE_MAX, &len, NULL);
	if (!text || nr_ssh_pubkey_parse(text, key->type, sizeof(key->type), key->fingerprint, NULL) < 0)
		key->type[0] = key->fingerprint[0] = '\0';
	free(text);
}

static int use_file(struct nr_sign_key *key, const char *path, const char *source,
                    struct nr_error *err)
{
	struct nr_error e = { 0 };
	int fd = nr_file_open_regular(path, NULL, &e);

	/* ssh-keygen opens it by name: no FIFO for it to block on. */
	if (fd < 0)
		return nr_error_set(err, e.code, "signing key %s (%s): %s", path, source,
		                    e.code == EINVAL ? "not a regular file" : strerror(e.code));
	close(fd);
	snprintf(key->path, sizeof(key->path), "%s", path);
	snprintf(key->source, sizeof(key->source), "%s", source);
	key_identity(key);
	return 1;
}

/* The agent's first key, written to a temporary .pub file for -f. */
static int agent_key(struct nr_sign_key *key)
{
	const char *argv[] = { "ssh-add", "-L", NULL };
	const char *tmpdir = getenv("TMPDIR");
	struct nr_spawn_io io;
	char *line, *nl;
	int fd, rc = 0;

	if (!getenv("SSH_AUTH_SOCK"))
		return 0;
	nr_spawn_io_init(&io);
	if (nr_spawn_run(argv, &io, NULL) != 0)
		goto out;
	for (line = io.out; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (nr_ssh_pubkey_parse(line, key->type, sizeof(key->type), key->fingerprint, NULL) == 0)
			break;
	}
	if (!line || !*line)
		goto out;
	snprintf(key->tmp_pub, sizeof(key->tmp_pub), "%s/nest-report-agent-XXXXXX.pub",
	         tmpdir && *tmpdir ? tmpdir : "/tmp");
	fd = mkostemps(key->tmp_pub, 4, O_CLOEXEC);
	if (fd < 0) {
		key->tmp_pub[0] = '\0';
		goto out;
	}
	if (dprintf(fd, "%s\n", line) > 0) {
		snprintf(key->path, sizeof(key->path), "%s", key->tmp_pub);
		snprintf(key->source, sizeof(key->source), "ssh-agent");
		rc = 1;
	}
	close(fd);
out:
	free(io.out);
	if (rc == 0)
		nr_sign_key_release(key);
	return rc;
}

int nr_sign_find_key(const char *explicit_key, struct nr_sign_key *key, struct nr_error *err)
{
	const char *home = getenv("HOME");
	char path[PATH_MAX], src[64];
	size_t i;

	memset(key, 0, sizeof(*key));
	if (explicit_key)
		return use_file(key, explicit_key, "--sign-key", err);
	if (nr_config_path("sign.key", path, sizeof(path)))
		return use_file(key, path, "config sign.key", err);
	if (agent_key(key))
		return 1;
	for (i = 0; home && default_ids[i]; i++) {
		snprintf(path, sizeof(path), "%s/.ssh/%s", home, default_ids[i]);
		snprintf(src, sizeof(src), "~/.ssh/%s", default_ids[i]);
		if (access(path, R_OK) == 0)
			return use_file(key, path, src, err);
	}
	nr_error_set(err, ENOENT, "no SSH key found (--sign-key, sign.key in the config, "
	             "ssh-agent, ~/.ssh/id_ed25519 ...)");
	return 0;
}

void nr_sign_key_release(struct nr_sign_key *key)
{
	if (key && key->tmp_pub[0]) {
		unlink(key->tmp_pub);
		key->tmp_pub[0] = '\0';
	}
}

int nr_sign_sig_path(const char *bundle, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s.sig", bundle);

	return n > 0 && (size_t)n < outlen ? 0 : -ENAMETOOLONG;
}

int nr_sign_read_sig(const char *sig, struct nr_sshsig *out, struct nr_error *err)
{
	size_t len;
	char *text = read_small(sig, NR_SSHSIG_FILE_MAX, &len, err);
	int rc;

	if (!text)
		return -(err && err->code ? err->code : EIO);
	rc = nr_sshsig_parse(text, len, out, err);
	if (rc < 0)
		nr_error_wrap(err, "%s", sig);
	free(text);
	return rc;
}

int nr_sign_tmp_open(struct nr_sig_file *sf, struct nr_error *err)
{
	const char *slash = strrchr(sf->path, '/');
	int dirlen = slash ? (int)(slash - sf->path) + 1 : 0, fd;

	if (snprintf(sf->tmp_path, sizeof(sf->tmp_path), "%.*s.%s.tmp-XXXXXX", dirlen, sf->path,
	             sf->path + dirlen) >= (int)sizeof(sf->tmp_path))
		return nr_error_set(err, ENAMETOOLONG, "signature path too long");
	fd = mkostemp(sf->tmp_path, O_CLOEXEC);
	if (fd < 0)
		return nr_error_set(err, errno, "cannot create %s: %s", sf->tmp_path, strerror(errno));
	sf->tmp_live = 1;
	return fd;
}

/* What ssh-keygen wrote must be a signature by the key we meant. */
static int check_written(const struct nr_sig_file *sf, const struct nr_sign_key *key,
                         struct nr_error *err)
{
	struct nr_sshsig sig;
	int rc = nr_sign_read_sig(sf->tmp_path, &sig, err);

	if (rc < 0)
		return nr_error_wrap(err, "ssh-keygen wrote no valid signature");
	if (strcmp(sig.namespace_, NR_SIGN_NAMESPACE) != 0)
		return nr_error_set(err, EBADMSG, "ssh-keygen signed with namespace '%s'", sig.namespace_);
	if (key->fingerprint[0] && strcmp(sig.fingerprint, key->fingerprint) != 0)
		return nr_error_set(err, EBADMSG, "ssh-keygen signed with %s, not %s", sig.fingerprint,
		                    key->fingerprint);
	return 0;
}

int nr_sign_tmp_commit(struct nr_sig_file *sf, int fd, const struct nr_sign_key *key,
                       struct nr_error *err)
{
	int rc = check_written(sf, key, err);

	if (rc == 0 && fsync(fd) < 0)
		rc = nr_error_set(err, errno, "cannot write %s: %s", sf->tmp_path, strerror(errno));
	if (rc == 0 && rename(sf->tmp_path, sf->path) < 0)
		rc = nr_error_set(err, errno, "cannot rename into %s: %s", sf->path, strerror(errno));
	if (rc == 0)
		sf->tmp_live = 0;
	return rc;
}

void nr_sign_tmp_drop(struct nr_sig_file *sf)
{
	if (sf->tmp_live) {
		unlink(sf->tmp_path);
		sf->tmp_live = 0;
	}
}

int nr_sign_bundle(const char *bundle, const struct nr_sign_key *key, struct nr_sig_file *sf,
                   struct nr_error *err)
{
	const char *argv[] = NR_SIGN_ARGV(key);
	struct nr_spawn_io io;
	char why[256];
	int in = -1, out = -1, rc;

	nr_spawn_io_init(&io);
	if (nr_sign_sig_path(bundle, sf->path, sizeof(sf->path)) < 0)
		return nr_error_set(err, ENAMETOOLONG, "signature path too long");
	in = nr_file_open_regular(bundle, NULL, err);
	if (in < 0)
		return in;
	out = rc = nr_sign_tmp_open(sf, err);
	if (rc < 0)
		goto out;
	io.in_fd = in;
	io.out_fd = out;
	rc = nr_spawn_run(argv, &io, err);
	if (rc > 0)
		rc = nr_error_set(err, EIO, "ssh-keygen -Y sign failed: %s",
		                  nr_spawn_reason(&io, why, sizeof(why)));
	if (rc == 0)
		rc = nr_sign_tmp_commit(sf, out, key, err);
out:
	if (out >= 0)
		close(out);
	close(in);
	nr_sign_tmp_drop(sf);
	free(io.out);
	return rc;
}

/* ssh-keygen -Y find-principals: who allowed_signers says the key is. */
static int find_principal(const char *sig, const char *allowed, char *principal, size_t plen,
                          struct nr_error *err)
{
	const char *argv[] = { "ssh-keygen", "-Y", "find-principals", "-s", sig, "-f", allowed, NULL };
	struct nr_spawn_io io;
	int rc;

	nr_spawn_io_init(&io);
	rc = nr_spawn_run(argv, &io, err);
	if (rc == 0 && io.out_len > 0) {
		snprintf(principal, plen, "%.*s", (int)strcspn(io.out, "\n"), io.out);
	} else if (rc >= 0) {
		rc = nr_error_set(err, EBADMSG, "the signing key is not in %s", allowed);
	}
	free(io.out);
	return rc;
}

int nr_sign_verify_prepare(const char *sig, const char *allowed, const char *identity,
                           char *principal, size_t plen, struct nr_error *err)
{
	int fd;

	/* ssh-keygen opens allowed_signers and the signature by name: check
	 * first that neither is a FIFO it would block on. */
	fd = nr_file_open_regular(allowed, NULL, err);
	if (fd < 0)
		return fd;
	close(fd);
	fd = nr_file_open_regular(sig, NULL, err);
	if (fd < 0)
		return fd;
	close(fd);
	if (identity) {
		snprintf(principal, plen, "%s", identity);
		return 0;
	}
	return find_principal(sig, allowed, principal, plen, err);
}
