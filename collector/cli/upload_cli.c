/* SPDX-License-Identifier: MIT */
/* Running an upload for a command: settle the settings (options, then the
 * environment, then the config file), read the token, find the signature,
 * read the manifest with the safe bundle reader, connect SSH the way remote
 * collection does, call the uploader, and report. */
#include "upload_cli.h"

#include "bundle/bundle_read.h"
#include "util/config.h"
#include "util/file_open.h"
#include "msg.h"
#include "transport/transport.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void nr_upload_cli_init(struct nr_upload_cli *c)
{
	memset(c, 0, sizeof(*c));
	c->retries = -1;
	c->ssh.interactive = isatty(STDIN_FILENO);
}

/* Form field names go into a Content-Disposition header: keep them to
 * characters that need no quoting anywhere. */
static int field_name_ok(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_-.[]:", *s))
			return 0;
	return 1;
}

int nr_upload_cli_field(struct nr_upload_cli *c, const char *cmd, const char *arg)
{
	const char *eq = strchr(arg, '='), *name = eq ? eq + 1 : arg;
	size_t rlen = eq ? (size_t)(eq - arg) : 0;

	if (!field_name_ok(name) || strlen(name) > 64) {
		nr_msg_usage(cmd, "--field wants [bundle=|signature=|manifest=]NAME with NAME made of "
		             "letters, digits and _-.[]:, not '%s'", arg);
		return -1;
	}
	if (!eq || (rlen == 6 && strncmp(arg, "bundle", 6) == 0)) {
		if (!name[0]) {
			nr_msg_usage(cmd, "--field: the bundle part cannot be left out");
			return -1;
		}
		c->fields.bundle = name;
	} else if (rlen == 9 && strncmp(arg, "signature", 9) == 0) {
		c->fields.signature = name;
	} else if (rlen == 8 && strncmp(arg, "manifest", 8) == 0) {
		c->fields.manifest = name;
	} else {
		nr_msg_usage(cmd, "--field: '%.*s' is not a part; use bundle=, signature= or manifest=",
		             (int)rlen, arg);
		return -1;
	}
	return 0;
}

int nr_upload_cli_header(struct nr_upload_cli *c, const char *cmd, const char *arg)
{
	const char *colon = strchr(arg, ':'), *p;

	for (p = arg; colon && p < colon; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			break;
	if (!colon || colon == arg || p != colon) {
		nr_msg_usage(cmd, "--header wants 'Name: value'");
		return -1;
	}
	for (p = colon + 1; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t') {
			nr_msg_usage(cmd, "--header: control characters are not allowed in a header");
			return -1;
		}
	/* argv is readable by every user (ps): a secret never goes there. */
	if ((size_t)(colon - arg) == 13 && strncasecmp(arg, "authorization", 13) == 0) {
		nr_msg_usage(cmd, "--header: pass the token with --token-file FILE or the "
		             "NEST_REPORT_TOKEN environment variable, never on the command line");
		return -1;
	}
	if (c->n_headers >= NR_UPLOAD_HEADERS_MAX) {
		nr_msg_usage(cmd, "--header: at most %d headers", NR_UPLOAD_HEADERS_MAX);
		return -1;
	}
	c->headers[c->n_headers++] = arg;
	return 0;
}

int nr_upload_cli_method(struct nr_upload_cli *c, const char *cmd, const char *arg)
{
	if (strcasecmp(arg, "put") != 0 && strcasecmp(arg, "post") != 0) {
		nr_msg_usage(cmd, "--method wants put or post, not '%s'", arg);
		return -1;
	}
	c->method = arg;
	return 0;
}

int nr_upload_cli_retries(struct nr_upload_cli *c, const char *cmd, const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (!arg[0] || *end || v < 0 || v > 100) {
		nr_msg_usage(cmd, "--retries wants a number from 0 to 100, not '%s'", arg);
		return -1;
	}
	c->retries = (int)v;
	return 0;
}

void nr_upload_cli_hide_url(int argc, char **argv, const char *opt, const char *url)
{
	static char hidden[2][400];
	size_t olen = strlen(opt);
	int i;

	nr_upload_url_redact(url, hidden[0], 320);
	if (!hidden[0][0])
		snprintf(hidden[0], sizeof(hidden[0]), "(url)");
	snprintf(hidden[1], sizeof(hidden[1]), "%.40s=%.320s", opt, hidden[0]);
	for (i = 1; i < argc; i++) {
		if (argv[i] == url || (i > 1 && strcmp(argv[i - 1], opt) == 0 && strcmp(argv[i], url) == 0))
			argv[i] = hidden[0];
		else if (strncmp(argv[i], opt, olen) == 0 && argv[i][olen] == '=')
			argv[i] = hidden[1];
	}
}

/* Test and CI knobs, documented in docs/ARCHITECTURE.md (Upload): small
 * timeouts make the stall and retry tests fast. */
static long env_num(const char *name)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return 0;
	n = strtol(v, &end, 10);
	return *end || n <= 0 || n > 86400000 ? 0 : n;
}

static void timing_from_env(struct nr_upload_timing *t)
{
	t->connect_timeout_s = (int)env_num("NR_UPLOAD_CONNECT_TIMEOUT_S");
	t->stall_timeout_s = (int)env_num("NR_UPLOAD_STALL_S");
	t->backoff_ms = env_num("NR_UPLOAD_BACKOFF_MS");
	t->backoff_max_ms = env_num("NR_UPLOAD_BACKOFF_MAX_MS");
	t->retry_after_max_s = (int)env_num("NR_UPLOAD_RETRY_AFTER_MAX_S");
}

static void warn_if_shared(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == 0 && (sb.st_mode & 0077))
		nr_msg_warn("token file %s can be read by other users; chmod 600 it", path);
}

/* The token: --token-file, else NEST_REPORT_TOKEN, else upload.token_file. */
static int settle_token(const struct nr_upload_cli *c, bool sftp, char **token,
                        struct nr_error *err)
{
	const char *env = getenv("NEST_REPORT_TOKEN"), *file = c->token_file;
	char cfgpath[PATH_MAX];

	*token = NULL;
	if (!file && (!env || !*env))
		file = nr_config_path("upload.token_file", cfgpath, sizeof(cfgpath));
	if (sftp) {
		if (c->token_file)
			nr_msg_warn("sftp:// authenticates with SSH keys; the token is not used");
		return 0;
	}
	if (file) {
		warn_if_shared(file);
		return nr_upload_token_read(file, token, err);
	}
	if (env && *env) {
		if (nr_upload_token_check(env, err) < 0)
			return nr_error_wrap(err, "NEST_REPORT_TOKEN");
		*token = strdup(env);
		if (!*token)
			return nr_error_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

/* libssh's messages name the user ("root@host:22"); ours name only the host. */
static void drop_user(char *msg, const char *label)
{
	const char *at = strchr(label, '@');
	size_t ulen = at ? (size_t)(at - label) + 1 : 0;
	char *p;

	while (ulen && (p = strstr(msg, label)) != NULL)
		memmove(p, p + ulen, strlen(p + ulen) + 1);
}

static int ssh_connect(void *ud, const struct nr_upload_ssh_target *t,
                       struct ssh_session_struct **out, enum nr_upload_status *st,
                       struct nr_error *err)
{
	const struct nr_upload_report *rep = ud;
	const struct nr_upload_cli *c = rep->cli;
	struct nr_ssh_opts o = c->ssh;
	enum nr_ssh_fail why = NR_SSH_UNREACHABLE;
	char label[300];
	int rc;

	*st = NR_UPLOAD_LOCAL_ERROR;
	memset(&o.target, 0, sizeof(o.target));
	if (strlen(t->user) >= sizeof(o.target.user) || strlen(t->host) >= sizeof(o.target.host))
		return nr_error_set(err, ENAMETOOLONG, "the sftp:// user or host is too long");
	strcpy(o.target.user, t->user);
	strcpy(o.target.host, t->host);
	o.target.port = t->port;
	o.via = NULL;
	o.sudo = false;
	rc = nr_ssh_session_connect(&o, -1, out, label, sizeof(label), &why, err);
	if (rc < 0) {
		*st = why == NR_SSH_UNREACHABLE ? NR_UPLOAD_GAVE_UP
		    : why == NR_SSH_AUTH_FAILED ? NR_UPLOAD_REJECTED : NR_UPLOAD_LOCAL_ERROR;
		drop_user(err->msg, label);
	}
	return rc;
}

/* Everything the uploader needs, from the options, environment and config. */
static int settle(const struct nr_upload_cli *c, struct nr_upload_opts *o, char **token,
                  char cacert[PATH_MAX], struct nr_error *err)
{
	const char *url = c->url ? c->url : nr_config_get("upload.url");
	const char *method = c->method ? c->method : nr_config_get("upload.method");
	struct nr_error e = { 0 };
	bool sftp;
	int fd = -1;

	if (!url || !*url)
		return nr_error_set(err, EINVAL, "no upload URL: pass one, or set upload.url in "
		                    "the config file");
	if (method && strcasecmp(method, "put") != 0 && strcasecmp(method, "post") != 0)
		return nr_error_set(err, EINVAL, "config: upload.method must be put or post, not '%s'",
		                    method);
	o->url = url;
	o->sig_url = c->sig_url;
	o->method = method && strcasecmp(method, "post") == 0 ? NR_UPLOAD_POST : NR_UPLOAD_PUT;
	/* Plain http only when typed by the user, never from a config file. */
	o->allow_http = c->url && strncasecmp(c->url, "http://", 7) == 0;
	o->headers = c->headers;
	o->cacert = c->cacert ? c->cacert : nr_config_path("upload.cacert", cacert, PATH_MAX);
	o->retries = c->retries >= 0 ? c->retries : NR_UPLOAD_DEFAULT_RETRIES;
	o->fields = c->fields;
	o->stop = &nr_interrupted;
	timing_from_env(&o->timing);
	if (c->ssh.connect_timeout_s > 0)
		o->timing.connect_timeout_s = c->ssh.connect_timeout_s;
	/* curl opens it by name: no FIFO for it to block on (file_open.h). */
	if (o->cacert && (fd = nr_file_open_regular(o->cacert, "the CA file", &e)) < 0)
		return nr_error_set(err, e.code, "cannot read the CA file %s: %s", o->cacert,
		                    e.code == EINVAL ? "not a regular file" : strerror(e.code));
	if (o->cacert)
		close(fd);
	sftp = strncasecmp(url, "sftp://", 7) == 0;
	return settle_token(c, sftp, token, err);
}

static int exit_code(int rc, const struct nr_upload_result *res, const struct nr_error *err)
{
	if (rc == 0)
		return NR_EXIT_OK;
	if (err->code == EINTR && nr_interrupted)
		return NR_EXIT_INTERRUPTED;
	switch (res->status) {
	case NR_UPLOAD_REJECTED: return NR_EXIT_REJECTED;
	case NR_UPLOAD_GAVE_UP: return NR_EXIT_GAVE_UP;
	default: return NR_EXIT_ERROR;
	}
}

static void report_failure(const struct nr_upload_result *res, const struct nr_error *err,
                           bool token)
{
	nr_msg_error("%s", err->msg);
	if (res->http_status == 401 || res->http_status == 403)
		nr_msg_info("hint: %s", token ? "check the token (--token-file, NEST_REPORT_TOKEN or "
		                                "upload.token_file)"
		                              : "the server wants credentials: pass a token with "
		                                "--token-file or NEST_REPORT_TOKEN");
}

/* A token is not sent to a URL that carries its own signature (upload.h):
 * say so, once, naming the parameter, so a 403 is not blamed on it. */
static void say_presigned(const struct nr_upload_opts *o, bool token)
{
	const char *bundle = nr_upload_url_signature(o->url);
	const char *sig = o->sig_url ? nr_upload_url_signature(o->sig_url) : bundle;

	if (!token || (!bundle && !sig) || strncasecmp(o->url, "sftp://", 7) == 0)
		return;
	if (bundle && sig)
		nr_msg_info("the upload URL%s carr%s its own signature (%s): the token is not sent",
		            o->sig_url ? "s" : "", o->sig_url ? "y" : "ies", bundle);
	else
		nr_msg_info("the %s URL carries its own signature (%s): the token goes only with the %s",
		            bundle ? "bundle's" : "signature's", bundle ? bundle : sig,
		            bundle ? "signature" : "bundle");
}

/* BUNDLE.sig when it exists and is to be sent; else NULL, saying so when
 * the bundle is unsigned. */
static const char *signature_of(const struct nr_upload_opts *o, const char *bundle, char *sig,
                                size_t len)
{
	bool post = o->method == NR_UPLOAD_POST && strncasecmp(o->url, "sftp://", 7) != 0;

	if (post && o->fields.signature && !o->fields.signature[0])
		return NULL;   /* --field signature= : the portal takes no signature part */
	if (snprintf(sig, len, "%s.sig", bundle) < (int)len && access(sig, F_OK) == 0)
		return sig;
	nr_msg_warn("%s has no signature beside it (%s.sig); uploading it unsigned", bundle, bundle);
	return NULL;
}

int nr_upload_cli_run(const struct nr_upload_cli *c, const char *bundle, json_object **json_out)
{
	struct nr_upload_opts o = { 0 };
	struct nr_upload_bundle b = { .path = bundle };
	struct nr_upload_report rep = { .cli = c, .bundle = bundle, .json = c->json };
	struct nr_upload_hooks hooks = { &rep, nr_upload_report_progress, nr_upload_report_retry,
	                                 ssh_connect };
	struct nr_upload_result res;
	struct nr_error err = { 0 };
	struct nr_bundle_reader *reader = NULL;
	char *token = NULL, sig[PATH_MAX], cacert[PATH_MAX];
	json_object *j;
	int rc, code;

	memset(&res, 0, sizeof(res));
	res.status = NR_UPLOAD_LOCAL_ERROR;
	rc = settle(c, &o, &token, cacert, &err);
	o.token = token;
	/* The manifest comes through the safe reader, which also proves this
	 * is a bundle before a byte of it leaves the machine. */
	if (rc == 0 && !(reader = nr_bundle_open(bundle, NULL, &err)))
		rc = nr_error_wrap(&err, "cannot upload %s", bundle);
	if (rc == 0 && o.method == NR_UPLOAD_POST)
		b.manifest = nr_bundle_manifest_text(reader, &b.manifest_len);
	if (rc == 0)
		b.sig_path = signature_of(&o, bundle, sig, sizeof(sig));
	rep.signed_ = b.sig_path != NULL;
	if (rc == 0)
		say_presigned(&o, token != NULL);
	if (rc == 0) {
		nr_upload_url_redact(o.url, rep.dest, sizeof(rep.dest));
		if (o.allow_http)
			nr_msg_warn("uploading over plain http:// to %s: anyone on the way can read and "
			            "change the bundle", rep.dest);
		rc = nr_upload_run(&o, &b, &hooks, &res, &err);
		nr_msg_progress_end();
	}
	code = exit_code(rc, &res, &err);
	if (rc < 0)
		report_failure(&res, &err, token != NULL);
	j = nr_upload_report_json(&rep, &res, code, rc < 0 ? err.msg : NULL);
	if (json_out)
		*json_out = j;
	else if (c->json)
		nr_msg_json(stdout, j);
	if (!json_out)
		json_object_put(j);
	if (rc == 0 && !c->json && !json_out)
		nr_upload_report_text(&rep, &res);
	nr_bundle_close(reader);
	nr_upload_token_free(token);
	return code;
}

int nr_upload_cli_after_collect(const char *url, const struct nr_ssh_opts *ssh, const char *bundle,
                                json_object **json_out)
{
	struct nr_upload_cli c;
	int code;

	nr_upload_cli_init(&c);
	c.url = url;
	c.ssh = *ssh;
	c.ssh.via = NULL;
	c.ssh.sudo = false;
	code = nr_upload_cli_run(&c, bundle, json_out);
	if (code != NR_EXIT_OK && code != NR_EXIT_INTERRUPTED)
		nr_msg_info("the bundle is kept in %s; send it later with 'nest-report upload %s "
		            "--to URL'", bundle, bundle);
	return code;
}
