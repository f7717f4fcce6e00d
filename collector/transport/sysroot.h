/* SPDX-License-Identifier: MIT */
/* Opening paths inside a captured tree without ever leaving it.
 *
 * A replayed tree is untrusted: a symlink proc/cpuinfo -> /etc/shadow or
 * -> ../../outside must never make us read the analyst's own files.  Paths
 * are resolved as if the tree were "/" (the semantics of openat2's
 * RESOLVE_IN_ROOT): absolute symlinks and ".." stay inside the tree.
 * Captured /sys trees are full of absolute and relative links that are
 * fine to follow that way.
 *
 * openat2(2) does this in the kernel.  Where it is missing (Linux < 5.6, or
 * a seccomp filter answering ENOSYS) a walk in user space, one component at
 * a time with O_NOFOLLOW, gives the same answer: it keeps its own stack of
 * directory fds, so ".." never reaches above the root, and it reads each
 * symlink itself and resolves the target from the root or the current
 * directory.
 *
 * Nothing but a regular file is ever opened for reading: the target is
 * first opened O_PATH (no side effect: a FIFO cannot block, a device node
 * cannot act) and checked, then reopened through /proc/self/fd.
 */
#ifndef NR_SYSROOT_H
#define NR_SYSROOT_H

enum nr_sysroot_how {
	NR_SYSROOT_AUTO,     /* openat2, falling back to the walk */
	NR_SYSROOT_OPENAT2,  /* openat2 only (-ENOSYS where missing) */
	NR_SYSROOT_WALK,     /* the user-space walk only */
};

/* An O_PATH fd (close it) for path, taken inside the tree rootfd whether it
 * is absolute or not.  Returns 0 or a negative errno (-ENOENT, -ELOOP,
 * -ENOTDIR, -ENAMETOOLONG ...). */
int nr_sysroot_resolve(int rootfd, const char *path, enum nr_sysroot_how how, int *fd);

/* A read-only fd of a regular file.  -EISDIR for a directory, -EINVAL for
 * anything else that is not a regular file (FIFO, device, socket). */
int nr_sysroot_open_file(int rootfd, const char *path, enum nr_sysroot_how how, int *fd);

/* A read-only O_DIRECTORY fd (for fdopendir).  -ENOTDIR when not one. */
int nr_sysroot_open_dir(int rootfd, const char *path, enum nr_sysroot_how how, int *fd);

#endif
