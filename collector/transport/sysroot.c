/* SPDX-License-Identifier: MIT */
/* Path resolution confined to a tree: see sysroot.h. */
#include "sysroot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WALK_MAX_DEPTH 128   /* directories deep */
#define WALK_MAX_LINKS 40    /* symlinks followed, as the kernel's MAXSYMLINKS */
#define WALK_REM_MAX (2 * PATH_MAX)
#define OPENAT2_RETRIES 8

/* Set once openat2 answered ENOSYS: every later call walks directly. */
static atomic_int openat2_missing;

static int resolve_openat2(int rootfd, const char *path, int *fd)
{
	struct open_how how;
	int i, r = -1;

	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	/* EAGAIN: a rename raced the resolution; the kernel asks us to retry. */
	for (i = 0; i < OPENAT2_RETRIES; i++) {
		r = (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));
		if (r >= 0 || errno != EAGAIN)
			break;
	}
	if (r < 0)
		return -errno;
	*fd = r;
	return 0;
}

/* The state of one walk: the directory fds from the root down (stack[0] is
 * the root, not ours to close) and the path still to resolve. */
struct walk {
	int stack[WALK_MAX_DEPTH + 1];
	int depth;
	bool top_is_dir;
	int links;
	char *rem;
	size_t pos;
	char *link;
};

static void walk_pop_to(struct walk *w, int depth)
{
	while (w->depth > depth)
		close(w->stack[w->depth--]);
	w->top_is_dir = true;
}

/* Replace the consumed component by the link's target: rem becomes
 * "<target>/<rest>", resolved from the root when the target is absolute. */
static int walk_follow(struct walk *w, int fd)
{
	ssize_t n = readlinkat(fd, "", w->link, PATH_MAX - 1);
	size_t rest;

	if (n < 0)
		return -errno;
	if (n == 0)
		return -ENOENT;
	if (++w->links > WALK_MAX_LINKS)
		return -ELOOP;
	w->link[n] = '\0';
	rest = strlen(w->rem + w->pos);
	if ((size_t)n + 1 + rest + 1 > WALK_REM_MAX)
		return -ENAMETOOLONG;
	memmove(w->rem + n + 1, w->rem + w->pos, rest + 1);
	memcpy(w->rem, w->link, (size_t)n);
	w->rem[n] = '/';
	w->pos = 0;
	if (w->link[0] == '/')
		walk_pop_to(w, 0);
	return 0;
}

/* One component: returns 0 to go on, or a negative errno. */
static int walk_step(struct walk *w, const char *name)
{
	struct stat st;
	int fd, rc;

	if (!w->top_is_dir)
		return -ENOTDIR;
	if (strcmp(name, ".") == 0)
		return 0;
	if (strcmp(name, "..") == 0) {
		/* At the root, ".." is the root: the tree is all there is. */
		walk_pop_to(w, w->depth > 0 ? w->depth - 1 : 0);
		return 0;
	}
	fd = openat(w->stack[w->depth], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
	} else if (S_ISLNK(st.st_mode)) {
		rc = walk_follow(w, fd);
	} else if (w->depth == WALK_MAX_DEPTH) {
		rc = -ENAMETOOLONG;
	} else {
		w->stack[++w->depth] = fd;
		w->top_is_dir = S_ISDIR(st.st_mode);
		return 0;
	}
	close(fd);
	return rc;
}

static int resolve_walk(int rootfd, const char *path, int *fd)
{
	struct walk w = { .depth = 0, .top_is_dir = true };
	char name[NAME_MAX + 1];
	int rc = 0;

	w.stack[0] = rootfd;
	w.rem = malloc(WALK_REM_MAX);
	w.link = malloc(PATH_MAX);
	if (!w.rem || !w.link) {
		rc = -ENOMEM;
		goto out;
	}
	if (strlen(path) >= WALK_REM_MAX) {
		rc = -ENAMETOOLONG;
		goto out;
	}
	strcpy(w.rem, path);
	while (rc == 0) {
		size_t n;

		w.pos += strspn(w.rem + w.pos, "/");
		if (!w.rem[w.pos])
			break;
		n = strcspn(w.rem + w.pos, "/");
		if (n > NAME_MAX) {
			rc = -ENAMETOOLONG;
			break;
		}
		memcpy(name, w.rem + w.pos, n);
		name[n] = '\0';
		w.pos += n;
		rc = walk_step(&w, name);
	}
	if (rc == 0 && w.depth > 0) {
		*fd = w.stack[w.depth--];
	} else if (rc == 0) {
		*fd = openat(rootfd, ".", O_PATH | O_CLOEXEC);
		rc = *fd < 0 ? -errno : 0;
	}
out:
	walk_pop_to(&w, 0);
	free(w.rem);
	free(w.link);
	return rc;
}

int nr_sysroot_resolve(int rootfd, const char *path, enum nr_sysroot_how how, int *fd)
{
	int rc;

	*fd = -1;
	if (how == NR_SYSROOT_WALK || (how == NR_SYSROOT_AUTO && atomic_load(&openat2_missing)))
		return resolve_walk(rootfd, path, fd);
	rc = resolve_openat2(rootfd, path, fd);
	if (rc == -ENOSYS && how == NR_SYSROOT_AUTO) {
		atomic_store(&openat2_missing, 1);
		rc = resolve_walk(rootfd, path, fd);
	}
	return rc;
}

/* Resolve, check the type, then reopen for reading through /proc/self/fd:
 * the reopen names the very inode we checked, so nothing can be swapped in
 * between, and nothing that is not of the wanted type is ever opened. */
static int open_checked(int rootfd, const char *path, enum nr_sysroot_how how, bool want_dir,
                        int *fd)
{
	char proc[64];
	struct stat st;
	int pfd = -1, rc;

	*fd = -1;
	rc = nr_sysroot_resolve(rootfd, path, how, &pfd);
	if (rc < 0)
		goto out;
	if (fstat(pfd, &st) < 0) {
		rc = -errno;
	} else if (want_dir && !S_ISDIR(st.st_mode)) {
		rc = -ENOTDIR;
	} else if (!want_dir && S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
	} else if (!want_dir && !S_ISREG(st.st_mode)) {
		rc = -EINVAL;
	} else if (want_dir) {
		*fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		rc = *fd < 0 ? -errno : 0;
	} else {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
		*fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		rc = *fd < 0 ? -errno : 0;
	}
out:
	if (pfd >= 0)
		close(pfd);
	return rc;
}

int nr_sysroot_open_file(int rootfd, const char *path, enum nr_sysroot_how how, int *fd)
{
	return open_checked(rootfd, path, how, false, fd);
}

int nr_sysroot_open_dir(int rootfd, const char *path, enum nr_sysroot_how how, int *fd)
{
	return open_checked(rootfd, path, how, true, fd);
}
