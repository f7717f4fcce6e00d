/* SPDX-License-Identifier: MIT */
/* Showing an upload: the progress line (TTY only), one warning per retry,
 * and the result as text or JSON (schemas/upload-result.schema.json). */
#include "upload_cli.h"

#include "msg.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define BAR_CELLS 20

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void eta_text(double s, char *out, size_t outlen)
{
	unsigned v;

	if (s < 0 || s > 359999) {
		snprintf(out, outlen, "--:--");
		return;
	}
	v = (unsigned)(s + 0.5) % 360000;
	if (v >= 3600)
		snprintf(out, outlen, "%u:%02u:%02u", v / 3600 % 100, v / 60 % 60, v % 60);
	else
		snprintf(out, outlen, "%u:%02u", v / 60 % 60, v % 60);
}

void nr_upload_report_progress(void *ud, const char *what, uint64_t done, uint64_t total)
{
	struct nr_upload_report *rep = ud;
	char d[32], t[32], r[32], eta[32], bar[BAR_CELLS + 1];
	double now, elapsed, rate;
	int cells, pct;

	if (!nr_msg_progress_on() || total == 0)
		return;
	now = mono_s();
	/* A new transfer, or the same one started again after a retry. */
	if (what != rep->what || done < rep->last_done || rep->t0 == 0) {
		rep->what = what;
		rep->t0 = now;
		rep->last_draw = 0;
		rep->drawn = UINT64_MAX;
	}
	rep->last_done = done;
	if (done > total)
		done = total;
	/* At most five redraws a second, and the end once (curl keeps calling
	 * while it waits for the server's answer). */
	if ((done < total && now - rep->last_draw < 0.2) || (done == total && rep->drawn == total))
		return;
	rep->last_draw = now;
	rep->drawn = done;
	elapsed = now - rep->t0;
	rate = elapsed > 0.05 ? (double)done / elapsed : 0;
	pct = (int)(done * 100 / total);
	cells = (int)(done * BAR_CELLS / total);
	memset(bar, '#', (size_t)cells);
	memset(bar + cells, '.', (size_t)(BAR_CELLS - cells));
	bar[BAR_CELLS] = '\0';
	nr_msg_human_size(done, d, sizeof(d));
	nr_msg_human_size(total, t, sizeof(t));
	if (rate > 0)
		nr_msg_human_size((unsigned long long)rate, r, sizeof(r));
	else
		snprintf(r, sizeof(r), "-- B");
	eta_text(done == total ? 0 : rate > 0 ? (double)(total - done) / rate : -1, eta, sizeof(eta));
	nr_msg_progress("%-9s [%s] %3d%%  %s / %s  %s/s  ETA %s", what, bar, pct, d, t, r, eta);
}

void nr_upload_report_retry(void *ud, const struct nr_upload_retry *r)
{
	struct nr_upload_report *rep = ud;

	rep->t0 = 0;
	nr_msg_warn("uploading the %s to %s: %s; retry %u of %u in %.1f s", r->what, rep->dest,
	            r->reason, r->attempt, r->max_attempts - 1, (double)r->delay_ms / 1000.0);
}

static const char *status_name(enum nr_upload_status s)
{
	switch (s) {
	case NR_UPLOAD_OK: return "uploaded";
	case NR_UPLOAD_REJECTED: return "rejected";
	case NR_UPLOAD_GAVE_UP: return "gave-up";
	default: return "error";
	}
}

static json_object *str_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}

json_object *nr_upload_report_json(const struct nr_upload_report *rep,
                                   const struct nr_upload_result *res, int exit_code,
                                   const char *error)
{
	json_object *o = json_object_new_object(), *server = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(exit_code == 0));
	json_object_object_add(o, "status", json_object_new_string(
	                               exit_code == NR_EXIT_INTERRUPTED ? "interrupted"
	                                                                : status_name(res->status)));
	json_object_object_add(o, "exit_code", json_object_new_int(exit_code));
	json_object_object_add(o, "bundle", json_object_new_string(rep->bundle));
	json_object_object_add(o, "signed", json_object_new_boolean(rep->signed_));
	json_object_object_add(o, "destination", str_or_null(res->dest));
	json_object_object_add(o, "method", str_or_null(res->method));
	json_object_object_add(o, "attempts", json_object_new_int((int)res->attempts));
	json_object_object_add(o, "files", json_object_new_int((int)res->files));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)res->bytes));
	json_object_object_add(o, "seconds", json_object_new_double(res->seconds));
	json_object_object_add(o, "http_status", res->http_status
	                               ? json_object_new_int((int)res->http_status) : NULL);
	json_object_object_add(server, "id", str_or_null(res->server_id));
	json_object_object_add(server, "url", str_or_null(res->server_url));
	json_object_object_add(o, "server", server);
	json_object_object_add(o, "error", str_or_null(error));
	json_object_object_add(o, "server_error",
	                       exit_code != 0 ? str_or_null(res->server_text) : NULL);
	return o;
}

void nr_upload_report_text(const struct nr_upload_report *rep, const struct nr_upload_result *res)
{
	char size[32], how[64];

	if (nr_msg_verbosity() == NR_QUIET) {
		nr_msg_line(stdout, "%s", res->server_url[0] ? res->server_url
		                          : res->server_id[0] ? res->server_id : res->dest);
		return;
	}
	nr_msg_human_size(res->bytes, size, sizeof(size));
	if (res->http_status)
		snprintf(how, sizeof(how), "%s, HTTP %ld", res->method, res->http_status);
	else
		snprintf(how, sizeof(how), "%s", res->method);
	for (char *p = how; *p && *p != ','; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	printf("Uploaded %s%s to %s (%s, %s in %.1f s)\n", rep->bundle,
	       rep->signed_ ? " and its signature" : " (unsigned)", res->dest, how, size,
	       res->seconds);
	/* The server's words: escaped. */
	if (res->server_id[0])
		nr_msg_line(stdout, "Server id: %s", res->server_id);
	if (res->server_url[0])
		nr_msg_line(stdout, "Server URL: %s", res->server_url);
}
