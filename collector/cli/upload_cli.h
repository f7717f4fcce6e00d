/* SPDX-License-Identifier: MIT */
/* The command layer's side of uploading, shared by `nest-report upload` and
 * `nest-report collect --upload`: settings from the options, then the
 * environment, then the config file (upload.url, upload.method,
 * upload.token_file, upload.cacert); the token; the signature beside the bundle; the
 * manifest for POST (read with the safe bundle reader); the SSH connector
 * for sftp:// (the same session setup as remote collection); and reporting
 * progress, retries and the result.
 *
 * Exit codes: 0 uploaded, 1 local error, 4 rejected, 5 gave up after
 * retries, 130 interrupted. */
#ifndef NR_UPLOAD_CLI_H
#define NR_UPLOAD_CLI_H

#include <json-c/json.h>
#include <stdbool.h>

#include "commands.h"
#include "transport/transport_ssh.h"
#include "upload.h"

#define NR_UPLOAD_DEFAULT_RETRIES 5
#define NR_UPLOAD_HEADERS_MAX 32

struct nr_upload_cli {
	const char *url;             /* NULL: the config's upload.url */
	const char *sig_url;         /* --sig-to: PUT the signature here */
	const char *method;          /* "put" | "post"; NULL: upload.method, else put */
	const char *token_file;      /* NULL: NEST_REPORT_TOKEN, else upload.token_file */
	const char *cacert;          /* NULL: upload.cacert, else the system's CAs */
	int retries;                 /* -1: NR_UPLOAD_DEFAULT_RETRIES */
	struct nr_upload_fields fields;
	const char *headers[NR_UPLOAD_HEADERS_MAX + 1];
	size_t n_headers;
	struct nr_ssh_opts ssh;      /* sftp:// (target filled from the URL) */
	bool json;                   /* print the result as JSON on stdout */
};

void nr_upload_cli_init(struct nr_upload_cli *c);

/* Option values; each returns 0, or -1 after printing a usage error for cmd. */
int nr_upload_cli_field(struct nr_upload_cli *c, const char *cmd, const char *arg);
int nr_upload_cli_header(struct nr_upload_cli *c, const char *cmd, const char *arg);
int nr_upload_cli_method(struct nr_upload_cli *c, const char *cmd, const char *arg);
int nr_upload_cli_retries(struct nr_upload_cli *c, const char *cmd, const char *arg);

/* Upload bundle (and bundle.sig when it exists), reporting as it goes.
 * The result goes to stdout: text, or JSON when c->json; with json_out
 * non-NULL the JSON object is handed over there instead (collect embeds it
 * in its own report).  Returns the exit code. */
int nr_upload_cli_run(const struct nr_upload_cli *c, const char *bundle, json_object **json_out);

/* collect --upload URL: upload the bundle just written (and its signature)
 * with collect's SSH options; on failure say where the bundle is kept.
 * json_out as for nr_upload_cli_run.  Returns the exit code. */
int nr_upload_cli_after_collect(const char *url, const struct nr_ssh_opts *ssh, const char *bundle,
                                json_object **json_out);

/* Replace the upload URL in argv by "scheme://host[:port]" (the separate
 * argument after opt, or "opt=URL"), so that whatever records argv (the
 * manifest) never keeps a presigned query, a user or a password. */
void nr_upload_cli_hide_url(int argc, char **argv, const char *opt, const char *url);

/* ---- reporting (upload_report.c) ---------------------------------------- */

struct nr_upload_report {
	const struct nr_upload_cli *cli;
	const char *bundle;
	char dest[300];              /* scheme://host[:port] */
	bool signed_;
	bool json;
	const char *what;            /* the transfer the progress line shows */
	double t0, last_draw;        /* monotonic seconds */
	uint64_t last_done;
	uint64_t drawn;              /* bytes the line last showed */
};

void nr_upload_report_progress(void *ud, const char *what, uint64_t done, uint64_t total);
void nr_upload_report_retry(void *ud, const struct nr_upload_retry *r);
/* The result as JSON (schemas/upload-result.schema.json). */
json_object *nr_upload_report_json(const struct nr_upload_report *rep,
                                   const struct nr_upload_result *res, int exit_code,
                                   const char *error);
/* The success lines on stdout. */
void nr_upload_report_text(const struct nr_upload_report *rep, const struct nr_upload_result *res);

#endif
