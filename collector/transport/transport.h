/* SPDX-License-Identifier: MIT */
/* The transport interface: how a level is reached.
 *
 * A small vtable in the spirit of curl's connection filters.  Probes never
 * see which implementation they run over; they go through probe.h, which
 * goes through this.  Implementations: local (transport_local.c), and later
 * ssh and replay.
 *
 * Every operation but close takes an absolute deadline (monotonic
 * milliseconds, see nr_time_now_ms) and must return -ETIMEDOUT once it has
 * passed, killing whatever it started: over SSH even a lookup or the root
 * check can wait on a stuck remote, and --timeout must still hold.  Output
 * goes to a sink; a sink that is full returns
 * NR_SINK_FULL, and the transport then stops producing (for a command: kills
 * it) and reports the output as truncated.
 */
#ifndef NR_TRANSPORT_H
#define NR_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "util/error.h"

#define NR_SINK_FULL 1

struct nr_sink {
	/* Returns 0, NR_SINK_FULL (stop sending), or a negative errno. */
	int (*write)(struct nr_sink *sink, const void *data, size_t len);
	/* Bytes it will take at most (0: unknown), so that a remote transport
	 * can stop the producer at the far end instead of shipping what would
	 * be dropped. */
	uint64_t limit;
};

struct nr_run_result {
	int exit_code;     /* -1 when killed by a signal or never reaped */
	int term_signal;   /* 0 unless killed by a signal */
	bool timed_out;
	bool truncated;    /* stdout sink said NR_SINK_FULL; the command was stopped */
};

struct nr_path_info {
	bool exists;
	bool is_char_device;
	bool readable;
	bool writable;
	bool opened_rw;    /* an O_RDWR open succeeded (the real test of "usable") */
};

typedef int (*nr_list_fn)(void *ud, const char *name);
/* What a scan found of file i (data is not NUL-terminated); non-zero stops. */
typedef int (*nr_scan_fn)(void *ud, size_t i, const char *data, size_t len);

struct nr_transport;

struct nr_transport_ops {
	const char *kind;  /* "local", "ssh", "replay": recorded in the manifest */
	/* Run argv (argv[0] already resolved by which).  stdout goes to out,
	 * stderr to err_out (either may be NULL to discard).  key names the
	 * output ("<probe>/<artifact>") for transports that replay recordings. */
	int (*run)(struct nr_transport *t, const char *key, const char *const *argv,
	           int64_t deadline_ms, struct nr_sink *out, struct nr_sink *err_out,
	           struct nr_run_result *res, struct nr_error *err);
	/* Copy a regular file; refuses devices, FIFOs and directories. */
	int (*read_file)(struct nr_transport *t, const char *path, int64_t deadline_ms,
	                 struct nr_sink *out, bool *truncated, struct nr_error *err);
	/* Call fn for each entry name of dir (not "." or ".."); fn returning
	 * non-zero stops the walk and is returned. */
	int (*list)(struct nr_transport *t, const char *dir, int64_t deadline_ms, nr_list_fn fn,
	            void *ud, struct nr_error *err);
	/* Find cmd in the level's PATH plus the sbin directories; 0 and the path
	 * in out, or -ENOENT. */
	int (*which)(struct nr_transport *t, const char *cmd, int64_t deadline_ms, char *out,
	             size_t outlen);
	int (*path_info)(struct nr_transport *t, const char *path, int64_t deadline_ms,
	                 struct nr_path_info *info, struct nr_error *err);
	/* 1 when commands run as root, 0 when not, negative errno when unknown
	 * (including when the deadline passed). */
	int (*is_root)(struct nr_transport *t, int64_t deadline_ms);
	/* Positioned reads of a register device: Linux's /dev/cpu/N/msr (8
	 * bytes at the MSR's index) and /dev/cpu/N/cpuid (16 bytes, eax ebx ecx
	 * edx, at leaf | subleaf << 32).  width (at most 16) bytes at each of
	 * n (at most 64) offsets into data + i * width; errs[i] is 0 or that
	 * register's negative errno (-EIO: no such register).  Returns 0 when
	 * the device was read, whatever errs say; -ENOENT when it does not
	 * exist (the msr or cpuid module is not loaded); -EACCES or -EPERM
	 * without the privilege; -ENOSYS when the level has no means (no dd
	 * with iflag=skip_bytes remotely); -ENODATA when a replayed tree holds
	 * no recording.  The local transport answers /dev/cpu/N/cpuid with the
	 * CPUID instruction in-process, which needs neither root nor the
	 * module.  NULL in a transport that cannot: callers see -ENOSYS. */
	int (*read_regs)(struct nr_transport *t, const char *path, const uint64_t *offsets,
	                 size_t n, size_t width, int64_t deadline_ms, unsigned char *data, int *errs,
	                 struct nr_error *err);
	void (*close)(struct nr_transport *t);
	/* Optional (NULL: read_file one by one): read n small text files, each
	 * into its own sink, as one operation (over SSH one request, read
	 * with the shell's own `read`: no program started, NUL bytes not
	 * kept).  Per file, results[i] is what read_file would return and
	 * truncated[i] its flag; -EFBIG: larger than NR_SMALL_FILE_MAX, read
	 * it with read_file (what arrived in its sink is to be dropped).
	 * Returns 0, or what stopped the whole operation (-ETIMEDOUT...). */
	int (*read_small)(struct nr_transport *t, const char *const *paths, size_t n,
	                  int64_t deadline_ms, struct nr_sink *const *outs, bool *truncated,
	                  int *results, struct nr_error *err);
	/* Optional (NULL: read_file on each): the first cap bytes of each of n
	 * files in one operation, to find the few worth reading (which
	 * processes are QEMU).  Not evidence: over SSH a file's bytes can pose
	 * as another's, so fn may see a file more than once or bytes that are
	 * not its own; what a scan finds must be read again.  Files that
	 * cannot be read are left out. */
	int (*scan)(struct nr_transport *t, const char *const *paths, size_t n, size_t cap,
	            int64_t deadline_ms, nr_scan_fn fn, void *ud, struct nr_error *err);
};
#define NR_SMALL_FILE_MAX 4096

struct nr_transport {
	const struct nr_transport_ops *ops;
	/* Set (to a positive errno) when a remote transport lost its connection
	 * mid-collection: later operations fail fast and the level is marked
	 * partial, keeping what arrived. */
	volatile int lost;
	/* Why the transport stopped working (lost, or a remote shell that
	 * would not start, e.g. sudo -n refusing): one line for the level's
	 * errors, "" while all is well.  Set once, before lost or broken. */
	char why[640];
	volatile int broken;
};

/* The local machine. */
struct nr_transport *nr_transport_local_new(struct nr_error *err);

/* A captured tree (`collect --sysroot DIR`, layout in replay.h): files from
 * DIR/<path>, never outside DIR; commands from their recorded outputs. */
struct nr_transport *nr_transport_replay_new(const char *root, struct nr_error *err);

/* Accepts NULL. */
void nr_transport_close(struct nr_transport *t);

/* Copy an open file into out until EOF, the deadline, an interrupt or a
 * full sink (*truncated).  what names the file in errors.  Returns 0 or a
 * negative errno. */
int nr_sink_copy_fd(int fd, const char *what, int64_t deadline_ms, struct nr_sink *out,
                    bool *truncated, struct nr_error *err);

#endif
