/* SPDX-License-Identifier: MIT */
/* Finding, checking and loading drop-in probes (schemas/probe.schema.json)
 * for a run: /etc/nest-report/probes.d, then the user's
 * $XDG_CONFIG_HOME/nest-report/probes.d (else ~/.config/...), then each
 * --probe-dir, *.json files in name order.
 *
 * A drop-in runs commands as the user running nest-report (root, as a
 * rule), so a file is taken only when it and its directory are owned by
 * root or by that user and writable by no one else (as sshd's StrictModes
 * and sudoers do).  A file is refused, with one line naming it and the
 * field, when it is not such a file, over 64 KiB, not strict JSON, not
 * valid against the schema, or names a built-in probe or a drop-in
 * already loaded; the run goes on without it. */
#ifndef NR_DROPIN_LOAD_H
#define NR_DROPIN_LOAD_H

#include <json-c/json.h>
#include <stddef.h>

#include "dropin.h"
#include "util/error.h"

#define NR_DROPIN_FILE_MAX (64 * 1024)
#define NR_DROPIN_MAX 64          /* drop-ins per run */
#define NR_DROPIN_SCHEMA "urn:nest-report:schema:probe:1"

struct nr_dropins {
	struct nr_dropin *items[NR_DROPIN_MAX];
	const struct nr_probe *probes[NR_DROPIN_MAX];   /* for nr_probe_set_extra */
	size_t n;
	json_object *refused;     /* [{file, error}] */
};

/* Load every drop-in of the default directories and of dirs (n_dirs
 * --probe-dir values; a missing default directory is nothing, a missing
 * --probe-dir is a refusal).  Refusals are data (d->refused); a negative
 * errno only when memory ran out. */
int nr_dropins_load(struct nr_dropins *d, const char *const *dirs, size_t n_dirs,
                    struct nr_error *err);

/* {"loaded": [{name, file, sha256}], "refused": [{file, error}]} for the
 * manifest (new reference). */
json_object *nr_dropins_manifest(const struct nr_dropins *d);

void nr_dropins_release(struct nr_dropins *d);

#endif
