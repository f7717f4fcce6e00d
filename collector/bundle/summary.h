/* SPDX-License-Identifier: MIT */
/* summary.txt: the human-readable first page of a bundle. */
#ifndef NR_SUMMARY_H
#define NR_SUMMARY_H

#include "manifest.h"

/* Render into a malloc'd string; NULL on allocation failure. */
char *nr_summary_render(const struct nr_run_info *run, struct nr_level *levels, size_t n_levels,
                        size_t *len);

/* One line describing a level's facts: "x86_64, kernel 6.1.0, guest of kvm,
 * QEMU 7.2.19, KVM usable (kvm_intel, nested on)".  Shared with the CLI. */
void nr_summary_level_line(json_object *facts, char *out, size_t outlen);

#endif
