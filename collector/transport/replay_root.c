/* SPDX-License-Identifier: MIT */
/* What --sysroot accepts: a tree made by `nest-report capture` (it holds
 * .nest-report/) or a copy of /proc and /sys (it holds proc/ or sys/ as
 * plain directories).  Unlike sos's --sysroot, which points at a live root
 * (a container's view of the host), ours replays recorded data: a live
 * root, whose proc is procfs, would be "replayed" with nothing installed
 * and every tool missing, so it is refused, as is anything else. */
#include "replay.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* name is a directory in the tree, itself (not a symlink to one). */
static int is_dir(int rootfd, const char *name)
{
	struct stat sb;

	return fstatat(rootfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode);
}

/* name is a directory of the tree with a live kernel filesystem on it. */
static int is_live(int rootfd, const char *name, long magic)
{
	int fd = openat(rootfd, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
	struct statfs fs;
	int live;

	if (fd < 0)
		return 0;
	live = fstatfs(fd, &fs) == 0 && (long)fs.f_type == magic;
	close(fd);
	return live;
}

int nr_replay_root_check(int rootfd, const char *root, struct nr_error *err)
{
	if (is_live(rootfd, "proc", PROC_SUPER_MAGIC) || is_live(rootfd, "sys", SYSFS_MAGIC))
		return nr_error_set(err, EINVAL, "%s is a live system, not a capture: --sysroot replays a "
		                    "tree made by 'nest-report capture DIR' (unlike sos's --sysroot); "
		                    "to collect this machine, leave --sysroot out", root);
	if (is_dir(rootfd, NR_REPLAY_META_DIR) || is_dir(rootfd, "proc") || is_dir(rootfd, "sys"))
		return 0;
	return nr_error_set(err, EINVAL, "%s is neither a capture (no %s/) nor a copy of /proc and "
	                    "/sys: --sysroot replays a tree made by 'nest-report capture DIR'", root,
	                    NR_REPLAY_META_DIR);
}
