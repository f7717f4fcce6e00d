/* SPDX-License-Identifier: MIT */
/* The layout of a captured tree, shared by the capture (transport_record.c,
 * which writes it) and the replay (transport_replay.c, which reads it).
 * docs/detection.md documents it for people making fixtures by hand.
 *
 *   DIR/<path>                          the files the probes read (/proc/cpuinfo
 *                                       -> DIR/proc/cpuinfo), scrubbed
 *   DIR/.nest-report/meta               "key: value" lines: format, tool, root
 *   DIR/.nest-report/commands/<probe>/<artifact>.out   stdout, scrubbed
 *   DIR/.nest-report/commands/<probe>/<artifact>.err   stderr (first bytes)
 *   DIR/.nest-report/commands/<probe>/<artifact>.exit  "0", "signal 9", "timeout"
 *   DIR/.nest-report/which/<cmd>        where the command was found (one line);
 *                                       absent: not installed
 *   DIR/.nest-report/paths/<path>.info  path_info (e.g. /dev/kvm): lines
 *                                       "exists: yes" ... "open_rw: no"
 *   DIR/.nest-report/lists/<dir>.list   a directory listing, one name a line
 *                                       (/proc -> lists/proc.list)
 *   DIR/.nest-report/regs/<path>.regs   register reads of a device (read_regs:
 *                                       /dev/cpu/0/msr -> regs/dev/cpu/0/msr.regs),
 *                                       "device RC" then "OFFSET HEX|-ERRNO" lines
 *                                       (regs_text.h)
 *
 * The command key "<probe>/<artifact>" is what probe_ctx.c passes to run();
 * the architecture check uses "detect/uname-m".  A tree without
 * .nest-report (a plain copy of /proc and /sys, like util-linux's dumps)
 * replays too: no command is installed and root is unknown.
 */
#ifndef NR_REPLAY_H
#define NR_REPLAY_H

#include <stddef.h>

#include "util/error.h"

#define NR_REPLAY_META_DIR ".nest-report"
#define NR_REPLAY_META NR_REPLAY_META_DIR "/meta"
#define NR_REPLAY_COMMANDS NR_REPLAY_META_DIR "/commands"
#define NR_REPLAY_WHICH NR_REPLAY_META_DIR "/which"
#define NR_REPLAY_PATHS NR_REPLAY_META_DIR "/paths"
#define NR_REPLAY_LISTS NR_REPLAY_META_DIR "/lists"
#define NR_REPLAY_REGS NR_REPLAY_META_DIR "/regs"
#define NR_REPLAY_FORMAT "1"

/* Caps on the metadata read back (the recorded outputs themselves are
 * capped by the artifact sink like any other artifact). */
#define NR_REPLAY_SMALL_MAX 4096             /* meta, which, .exit, .info */
#define NR_REPLAY_LIST_MAX (4u * 1024 * 1024) /* a recorded listing */

/* A command key is "<probe>/<artifact>": [a-z0-9-]+ "/" an artifact name
 * (no '/', not starting with '.').  True when key is one. */
int nr_replay_key_ok(const char *key);

/* A command name for which/ (no '/', not starting with '.', not empty). */
int nr_replay_cmd_ok(const char *cmd);

/* Whether the tree open at rootfd is one --sysroot replays: a capture or a
 * copy of /proc and /sys; a live root (its proc is procfs, or its sys
 * sysfs) and anything else are refused (-EINVAL, err naming root and what
 * to do).  replay_root.c. */
int nr_replay_root_check(int rootfd, const char *root, struct nr_error *err);

/* "<prefix>/<path without its leading slashes><suffix>" into out: where the
 * metadata about path lives (lists/, paths/).  0, or -ENAMETOOLONG. */
int nr_replay_meta_path(char *out, size_t outlen, const char *prefix, const char *path,
                        const char *suffix);

#endif
