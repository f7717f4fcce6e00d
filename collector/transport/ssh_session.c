/* SPDX-License-Identifier: MIT */
/* Opening an SSH session as OpenSSH users expect: ~/.ssh/config (aliases,
 * Port, User, IdentityFile, ProxyCommand, UserKnownHostsFile), known_hosts
 * checking with accept-new as an opt-in, and authentication by agent, then
 * keys, then (only on a TTY) keyboard-interactive or password. */
#include "ssh_internal.h"
#include "util/file_open.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t prompt_lock = PTHREAD_MUTEX_INITIALIZER;

/* libssh opens these by name: a FIFO there would block it forever, so
 * each must be a regular file (util/file_open.h).  A missing config or
 * known_hosts is fine (libssh does without, or creates it). */
static int user_file_ok(const char *path, const char *what, bool may_be_missing,
                        struct nr_error *err)
{
	int fd;

	if (!path)
		return 0;
	fd = nr_file_open_regular(path, what, err);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return may_be_missing && err && err->code == ENOENT ? 0 : fd;
}

static int set_options(ssh_session s, const struct nr_ssh_opts *o, int fd, struct nr_error *err)
{
	long timeout = o->connect_timeout_s > 0 ? o->connect_timeout_s : 10;
	int no = 0;

	if (user_file_ok(o->config_file, "ssh config", true, err) < 0 ||
	    user_file_ok(o->known_hosts, "known_hosts", true, err) < 0 ||
	    user_file_ok(o->identity, "identity", true, err) < 0)
		return -EINVAL;

	if (ssh_options_set(s, SSH_OPTIONS_HOST, o->target.host) < 0)
		return nr_error_set(err, EINVAL, "bad host '%s'", o->target.host);
	/* The config is read before our explicit values so that a user@ or
	 * :port on the command line wins over it, as with ssh(1). */
	if (ssh_options_parse_config(s, o->config_file) < 0)
		return nr_error_set(err, EINVAL, "cannot parse ssh config %s",
		                    o->config_file ? o->config_file : "~/.ssh/config");
	ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
	if (o->target.user[0])
		ssh_options_set(s, SSH_OPTIONS_USER, o->target.user);
	if (o->target.port > 0)
		ssh_options_set(s, SSH_OPTIONS_PORT, &o->target.port);
	if (o->known_hosts)
		ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, o->known_hosts);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
	if (fd >= 0)
		ssh_options_set(s, SSH_OPTIONS_FD, &fd);
	return 0;
}

static void make_label(ssh_session s, char *label, size_t labellen)
{
	char *user = NULL, *host = NULL;
	unsigned int port = 22;

	ssh_options_get(s, SSH_OPTIONS_USER, &user);
	ssh_options_get(s, SSH_OPTIONS_HOST, &host);
	ssh_options_get_port(s, &port);
	snprintf(label, labellen, "%s@%s:%u", user ? user : "?", host ? host : "?", port);
	ssh_string_free_char(user);
	ssh_string_free_char(host);
}

static int check_host_key(ssh_session s, const char *label, const struct nr_ssh_opts *o,
                          enum nr_ssh_fail *why, struct nr_error *err)
{
	enum ssh_known_hosts_e state = ssh_session_is_known_server(s);

	*why = NR_SSH_HOSTKEY_REJECTED;
	switch (state) {
	case SSH_KNOWN_HOSTS_OK:
		return 0;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		return nr_error_set(err, EPERM,
		                    "host key of %s has changed (possible man-in-the-middle); refusing. "
		                    "If the change is expected: ssh-keygen -R %s", label,
		                    o->target.host);
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		if (!o->accept_new_host_keys)
			return nr_error_set(err, EPERM,
			                    "host key of %s is not known; refusing. Connect once with ssh "
			                    "to check it, or pass --accept-new-host-keys", label);
		if (ssh_session_update_known_hosts(s) != SSH_OK)
			return nr_error_set(err, EIO, "cannot record the host key of %s: %s", label,
			                    ssh_get_error(s));
		return 0;
	default:
		return nr_error_set(err, EIO, "cannot check the host key of %s: %s", label,
		                    ssh_get_error(s));
	}
}

static int auth_identity(ssh_session s, const char *path)
{
	ssh_key key = NULL;
	int rc;

	if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) != SSH_OK)
		return SSH_AUTH_DENIED;
	rc = ssh_userauth_publickey(s, NULL, key);
	ssh_key_free(key);
	return rc;
}

/* Keyboard-interactive, answering each prompt from the terminal. */
static int auth_kbdint(ssh_session s)
{
	int rc = ssh_userauth_kbdint(s, NULL, NULL);

	while (rc == SSH_AUTH_INFO) {
		int n = ssh_userauth_kbdint_getnprompts(s), i;

		for (i = 0; i < n; i++) {
			char echo = 0, answer[256];
			const char *prompt = ssh_userauth_kbdint_getprompt(s, (unsigned)i, &echo);

			if (ssh_getpass(prompt, answer, sizeof(answer), echo, 0) < 0)
				return SSH_AUTH_DENIED;
			ssh_userauth_kbdint_setanswer(s, (unsigned)i, answer);
			memset(answer, 0, sizeof(answer));
		}
		rc = ssh_userauth_kbdint(s, NULL, NULL);
	}
	return rc;
}

static int auth_interactive(ssh_session s, const char *label, int methods)
{
	char prompt[400], pw[256];
	int rc = SSH_AUTH_DENIED;

	pthread_mutex_lock(&prompt_lock);
	if (methods & SSH_AUTH_METHOD_INTERACTIVE)
		rc = auth_kbdint(s);
	if (rc != SSH_AUTH_SUCCESS && (methods & SSH_AUTH_METHOD_PASSWORD)) {
		snprintf(prompt, sizeof(prompt), "%s's password: ", label);
		if (ssh_getpass(prompt, pw, sizeof(pw), 0, 0) == 0)
			rc = ssh_userauth_password(s, NULL, pw);
		memset(pw, 0, sizeof(pw));
	}
	pthread_mutex_unlock(&prompt_lock);
	return rc;
}

/* Authentication, every automatic step within the connect deadline (a
 * server that stalls in it costs --connect-timeout, not that per step);
 * a person answering a prompt is not hurried. */
static int authenticate(ssh_session s, const char *label, const struct nr_ssh_opts *o,
                        int64_t deadline_ms, enum nr_ssh_fail *why, struct nr_error *err)
{
	long timeout = o->connect_timeout_s > 0 ? o->connect_timeout_s : 10, zero = 0;
	int rc, methods;

	*why = NR_SSH_AUTH_FAILED;
	nr_ssh_budget(s, deadline_ms);
	rc = ssh_userauth_none(s, NULL);
	if (rc == SSH_AUTH_SUCCESS)
		return 0;
	methods = ssh_userauth_list(s, NULL);
	if ((methods & SSH_AUTH_METHOD_PUBLICKEY) && o->identity && nr_time_now_ms() < deadline_ms) {
		nr_ssh_budget(s, deadline_ms);
		rc = auth_identity(s, o->identity);
	}
	if (rc != SSH_AUTH_SUCCESS && (methods & SSH_AUTH_METHOD_PUBLICKEY) && getenv("SSH_AUTH_SOCK") &&
	    nr_time_now_ms() < deadline_ms) {
		nr_ssh_budget(s, deadline_ms);
		rc = ssh_userauth_agent(s, NULL);
	}
	if (rc != SSH_AUTH_SUCCESS && (methods & SSH_AUTH_METHOD_PUBLICKEY) && !o->identity &&
	    nr_time_now_ms() < deadline_ms) {
		nr_ssh_budget(s, deadline_ms);
		rc = ssh_userauth_publickey_auto(s, NULL, NULL);
	}
	if (rc != SSH_AUTH_SUCCESS && o->interactive) {
		ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
		ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &zero);
		rc = auth_interactive(s, label, methods);
	}
	if (rc != SSH_AUTH_SUCCESS && nr_time_now_ms() >= deadline_ms)
		return nr_error_set(err, ETIMEDOUT, "authentication to %s did not finish within %ld s "
		                    "(--connect-timeout)", label, timeout);
	if (rc == SSH_AUTH_SUCCESS)
		return 0;
	return nr_error_set(err, EACCES, "authentication to %s failed (tried %s%spublic keys%s); "
	                    "check the key, or pass --identity FILE", label,
	                    o->identity ? o->identity : "", o->identity ? ", " : "agent, ",
	                    o->interactive ? ", password" : "");
}

int nr_ssh_session_connect(const struct nr_ssh_opts *o, int fd, struct ssh_session_struct **out,
                           char *label, size_t labellen, enum nr_ssh_fail *why,
                           struct nr_error *err)
{
	ssh_session s = ssh_new();
	long timeout = o->connect_timeout_s > 0 ? o->connect_timeout_s : 10, zero = 0;
	int64_t deadline_ms = nr_time_now_ms() + (int64_t)timeout * 1000;
	int rc;

	*why = NR_SSH_UNREACHABLE;
	*out = NULL;
	if (!s)
		return nr_error_set(err, ENOMEM, "out of memory");
	rc = set_options(s, o, fd, err);
	if (rc == 0) {
		make_label(s, label, labellen);
		if (ssh_connect(s) != SSH_OK)
			rc = nr_error_set(err, EHOSTUNREACH, "cannot connect to %s: %s", label,
			                  ssh_get_error(s));
	}
	if (rc == 0)
		rc = check_host_key(s, label, o, why, err);
	if (rc == 0)
		rc = authenticate(s, label, o, deadline_ms, why, err);
	if (rc < 0) {
		ssh_disconnect(s);
		ssh_free(s);
		return rc;
	}
	/* Later blocking calls (SFTP) get the plain timeout again; the SSH
	 * transport sets its own per call (nr_ssh_budget). */
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &zero);
	*out = s;
	return 0;
}

int nr_ssh_session_open(struct ssh_tr *tr, const struct nr_ssh_opts *o, int fd,
                        enum nr_ssh_fail *why, struct nr_error *err)
{
	return nr_ssh_session_connect(o, fd, &tr->session, tr->label, sizeof(tr->label), why, err);
}
