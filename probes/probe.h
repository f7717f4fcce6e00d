/* SPDX-License-Identifier: MIT */
/* Probes: what is gathered on a level, and how it is turned into facts.
 *
 * A probe is a compile-time descriptor in the table in probes/registry.c
 * (git's builtins table is the model).  Its collect() function captures
 * artifacts through the nr_probe_* calls below, which hide the transport:
 * the same probe runs locally, over SSH or over a replayed tree.  Its
 * parse() function reads artifacts back by name and fills the level's
 * facts, so facts can be derived again later from a bundle alone.
 *
 * Failures are data: collect() returns 0 or a negative errno, and every
 * outcome (ok, failed, timeout, skipped, unsupported) lands in the manifest.
 */
#ifndef NR_PROBE_H
#define NR_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

/* Architecture families, as a bitmask for nr_probe.arches. */
enum nr_arch {
	NR_ARCH_UNKNOWN = 0,
	NR_ARCH_X86 = 1 << 0,
	NR_ARCH_S390 = 1 << 1,
	NR_ARCH_PPC = 1 << 2,
	NR_ARCH_ARM = 1 << 3,
	NR_ARCH_RISCV = 1 << 4,
	NR_ARCH_LOONGARCH = 1 << 5,
	NR_ARCH_SPARC = 1 << 6,
	NR_ARCH_MIPS = 1 << 7,
	/* Families no probe targets, named so that a manifest says what the
	 * machine is rather than "unknown" (util-linux's dumps have them). */
	NR_ARCH_IA64 = 1 << 8,
	NR_ARCH_ALPHA = 1 << 9,
};
/* The highest family bit: loops over families stop here. */
#define NR_ARCH_LAST NR_ARCH_ALPHA
#define NR_ARCH_ANY 0xffffu
/* The architectures KVM nesting is documented for; arch-specific probes
 * elsewhere are reported `unsupported`. */
#define NR_ARCH_KVM (NR_ARCH_X86 | NR_ARCH_S390 | NR_ARCH_PPC | NR_ARCH_ARM)

enum nr_arch nr_arch_from_uname(const char *machine);
const char *nr_arch_family_name(enum nr_arch a);
/* The family of a name nr_arch_family_name gives; NR_ARCH_UNKNOWN else. */
enum nr_arch nr_arch_from_family_name(const char *name);

struct nr_probe_ctx;
struct nr_artifacts;

struct nr_probe {
	const char *name;        /* [a-z0-9-]+, also the bundle directory */
	const char *summary;     /* one line for `nest-report probes` */
	unsigned arches;         /* NR_ARCH_* mask it applies to */
	int timeout_s;           /* 0: the run's default */
	int (*collect)(struct nr_probe_ctx *ctx);
	/* Fill facts (the level's facts object) from this probe's artifacts.
	 * Missing artifacts are normal: leave the facts null. */
	void (*parse)(const struct nr_artifacts *arts, json_object *facts);
	/* Drop-in probes only (dropin.h): their definition, for collect()
	 * (nr_probe_data), and the file it came from (in the manifest). */
	const void *data;
	const char *origin;
};

/* ---- the probe table ---- */
extern const struct nr_probe *const nr_probe_table[];
/* Built-in, then drop-in probes (nr_probe_set_extra). */
const struct nr_probe *nr_probe_find(const char *name);
size_t nr_probe_count(void);            /* built-in probes */
/* Probes added at run time (drop-ins), after the built-in table.  Set once,
 * before any level runs; the array must outlive every use.  NULL, 0 clears. */
void nr_probe_set_extra(const struct nr_probe *const *extra, size_t n);
size_t nr_probe_total(void);            /* built-in and drop-in */
const struct nr_probe *nr_probe_at(size_t i);   /* i < nr_probe_total() */
/* True when name is a built-in probe's, or reserved (the "detect" key of
 * replayed commands). */
bool nr_probe_name_reserved(const char *name);

/* ---- what collect() may do ---- */

/* Run a command, its stdout stored as artifact `artifact`.  argv[0] is a
 * bare command name; it is looked up on the level and the path found is
 * recorded.  Returns 0 (whatever the exit code: see *exit_code, may be
 * NULL), -ENOENT when the command is not installed (recorded as such),
 * -ETIMEDOUT, or another negative errno.  A command stopped at the
 * artifact cap has *exit_code 0: its output is there, truncated (and
 * recorded so).  A command that exits non-zero and prints nothing is a
 * failed artifact: an otherwise ok probe ends `failed`, its error naming
 * the command, its status and its stderr (locally, over SSH and on
 * replay alike), unless the spec says what that outcome means
 * (nr_probe_cmd_spec.empty_answer). */
int nr_probe_cmd(struct nr_probe_ctx *ctx, const char *artifact, const char *const *argv,
                 int *exit_code);

/* Run independent commands concurrently (in batches), each into its own
 * artifact; per-command results land in the specs.  Returns -ETIMEDOUT or
 * -EINTR if any command hit that, else 0. */
struct nr_probe_cmd_spec {
	const char *artifact;
	const char *const *argv;
	int rc;          /* out: as nr_probe_cmd() */
	int exit_code;   /* out */
	/* A non-zero exit with nothing printed is this answer, not a failure
	 * ("no such module on this kernel"): a note says so.  NULL: failed. */
	const char *empty_answer;
};
int nr_probe_cmds(struct nr_probe_ctx *ctx, struct nr_probe_cmd_spec *specs, size_t n);

/* The command behind `artifact` failed although it printed something (a
 * header, as dmidecode does without a DMI table): the artifact is failed,
 * as when it prints nothing (see nr_probe_cmd). */
void nr_probe_cmd_failed(struct nr_probe_ctx *ctx, const char *artifact);

/* Copy a file from the level as artifact `artifact`.  -ENOENT when absent
 * (nothing recorded). */
int nr_probe_file(struct nr_probe_ctx *ctx, const char *artifact, const char *path);

/* Copy several small text files (module parameters, sysfs attributes,
 * /proc/version), each as its own artifact, in one operation where the
 * transport can (one request over SSH, no program started there).  For
 * text only: a remote level may drop NUL bytes.  specs[i].rc is what
 * nr_probe_file would have returned for it.  Returns -ETIMEDOUT or
 * -EINTR when the operation hit that, else 0. */
struct nr_probe_file_spec {
	const char *artifact;
	const char *path;
	int rc;          /* out */
};
int nr_probe_files(struct nr_probe_ctx *ctx, struct nr_probe_file_spec *specs, size_t n);

/* The first cap bytes of each of n files, in one operation where the
 * transport can, to pick the few worth reading with nr_probe_slurp (the
 * QEMU processes among all).  A hint, not evidence: fn may see a file more
 * than once, or bytes that are not its own; a file that cannot be read is
 * left out.  fn returning non-zero stops the scan and is returned. */
int nr_probe_scan(struct nr_probe_ctx *ctx, const char *const *paths, size_t n, size_t cap,
                  int (*fn)(void *ud, size_t i, const char *data, size_t len), void *ud);

/* Store generated text (e.g. the result of a device check) as an artifact. */
int nr_probe_text(struct nr_probe_ctx *ctx, const char *artifact, const char *text, size_t len);

/* Read a small file into a NUL-terminated malloc'd buffer (cap bytes at
 * most) without storing it, e.g. to decide what to collect next. */
int nr_probe_slurp(struct nr_probe_ctx *ctx, const char *path, size_t cap, char **buf,
                   size_t *len);

/* List a directory on the level. */
int nr_probe_list(struct nr_probe_ctx *ctx, const char *dir,
                  int (*fn)(void *ud, const char *name), void *ud);

/* A drop-in probe's definition (struct nr_probe's data). */
const void *nr_probe_data(struct nr_probe_ctx *ctx);

/* What this probe already stored as `artifact` (scrubbed, NUL-terminated,
 * capped at NR_PARSE_CAP), e.g. a list of names to collect next; NULL if
 * absent.  The buffer belongs to the probe's result. */
const char *nr_probe_output(struct nr_probe_ctx *ctx, const char *artifact, size_t *len);

/* Is the command installed?  Records the lookup either way. */
bool nr_probe_has(struct nr_probe_ctx *ctx, const char *cmd);

int nr_probe_path_info(struct nr_probe_ctx *ctx, const char *path, bool *exists,
                       bool *char_dev, bool *opened_rw);

/* Read registers of a device on the level: width bytes at each offset of
 * /dev/cpu/N/msr or /dev/cpu/N/cpuid (transport.h's read_regs has the
 * details and the errors).  Nothing is stored: the probe writes what it
 * read as a text artifact.  -ENOSYS when the transport cannot. */
int nr_probe_read_regs(struct nr_probe_ctx *ctx, const char *path, const uint64_t *offsets,
                       size_t n, size_t width, unsigned char *data, int *errs);

/* 1 root, 0 not root, negative unknown. */
int nr_probe_is_root(struct nr_probe_ctx *ctx);
enum nr_arch nr_probe_arch(struct nr_probe_ctx *ctx);

/* End the probe as skipped (applies, but cannot run here) or failed, with
 * a one-line reason.  Return the value collect() should return. */
int nr_probe_skip(struct nr_probe_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int nr_probe_fail(struct nr_probe_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A non-fatal note kept with the probe (e.g. "3 of 4 logs unreadable"). */
void nr_probe_note(struct nr_probe_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Make an artifact name safe as a single path component. */
void nr_probe_safe_name(char *out, size_t outlen, const char *in);

/* ---- what parse() may do ---- */

/* The artifact's content, NUL-terminated (len excludes the NUL), at most
 * NR_PARSE_CAP bytes; NULL if the probe did not store it.  The buffer
 * belongs to arts; do not free it. */
#define NR_PARSE_CAP (16u * 1024 * 1024)
const char *nr_artifacts_get(const struct nr_artifacts *arts, const char *artifact, size_t *len);
/* Read the artifact's first NR_PARSE_CAP bytes a line at a time through a
 * window of NR_SCAN_WINDOW bytes, never holding the whole of it (dmesg and
 * logs run to hundreds of MB).  fn gets each line without its '\n', not
 * NUL-terminated, and its offset in the artifact; a line longer than
 * NR_SCAN_LINE_MAX comes in pieces of that size.  fn returns non-zero to
 * stop.  0, or -ENOENT when the probe did not store the artifact. */
#define NR_SCAN_WINDOW (64u * 1024)
#define NR_SCAN_LINE_MAX 4096u
typedef int (*nr_line_fn)(void *ud, const char *line, size_t len, uint64_t offset);
int nr_artifacts_lines(const struct nr_artifacts *arts, const char *artifact, nr_line_fn fn,
                       void *ud);
/* The exit code of the command behind an artifact; -1 when it is not a
 * command's, or no exit code is known (killed, not recorded). */
int nr_artifacts_exit(const struct nr_artifacts *arts, const char *artifact);
/* "levels/<id>/<probe>/<artifact>": for evidence. */
const char *nr_artifacts_path(const struct nr_artifacts *arts, const char *artifact);
/* Iterate artifact names of this probe: returns NULL past the end. */
const char *nr_artifacts_name(const struct nr_artifacts *arts, size_t i);

/* Facts helpers: set a value at a dotted path ("cpu.vendor"), creating
 * objects on the way; and record evidence for a fact. */
void nr_facts_set(json_object *facts, const char *path, json_object *value);
json_object *nr_facts_get(json_object *facts, const char *path);
void nr_facts_evidence(json_object *facts, const char *fact, const char *artifact_path,
                       const char *detail);

#endif
