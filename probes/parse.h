/* SPDX-License-Identifier: MIT */
/* Pure parsers for probe output.
 *
 * Each parser takes a buffer (not NUL-terminated, possibly binary junk,
 * possibly truncated) and fills a plain C struct.  They never allocate
 * unless the struct says so, never read past len, and treat every input as
 * untrusted: fields are truncated to their array size, unknown stays
 * "unknown" (empty string / NR_TRI_UNKNOWN), never a guess.
 *
 * They know nothing of transports or bundles, so they run the same over a
 * live machine, a replayed tree or a bundle read back later.
 *
 * Every string field they fill is valid UTF-8 without control characters
 * (bad bytes become '?', see parse_text.h), because it goes into JSON.
 * docs/parsers.md has, per architecture, which lines each parser reads and
 * what it extracts from each of the real machines in the test fixtures.
 */
#ifndef NR_PARSE_H
#define NR_PARSE_H

#include <stdbool.h>
#include <stddef.h>

enum nr_tri { NR_TRI_UNKNOWN = -1, NR_TRI_FALSE = 0, NR_TRI_TRUE = 1 };

/* ---- /proc/cpuinfo ---------------------------------------------------- */

struct nr_cpuinfo {
	char vendor[64];      /* vendor_id (x86), "vendor_id" on s390 ("IBM/S390"),
	                         "vendor" on ia64,
	                         "CPU implementer" on arm (raw, e.g. "0x41"),
	                         "mvendorid" on riscv (raw, e.g. "0x489"); else "" */
	char model[128];      /* first one seen of "model name" (x86, arm32),
	                         "Processor" (old arm32), "Model Name"
	                         (loongarch), "uarch" (riscv), "cpu model" (mips,
	                         alpha); else "cpu" (ppc, sparc); else "family"
	                         (ia64); else the raw "CPU part" (arm64, e.g.
	                         "0xd46"); else the "isa" (riscv).
	                         s390 prints no model: "" (see machine). */
	char platform[64];    /* ppc "platform" (e.g. "pSeries", "PowerNV"), else "" */
	char machine[128];    /* ppc "machine", sparc "type", mips/loongarch
	                         "system type", s390 the "machine = NNNN" of the
	                         first "processor N:" line (e.g. "2817"); else "" */
	char isa[64];         /* riscv "isa", loongarch "ISA", mips "isa", else "" */
	int ncpus;            /* count of "processor" entries (s390: "# processors",
	                         sparc: "ncpus active"), 0 = unknown */
	/* Flags, from the first "flags" (x86), "features" (s390) or "Features"
	 * (loongarch) line.  NR_TRI_UNKNOWN when there is no flags line at all,
	 * and also when the flag does not exist on the architecture in
	 * arch_hint (has_vmx on s390, has_sie on x86, anything on arm/riscv/ppc,
	 * whose cpuinfo shows no virtualization extension): FALSE always means
	 * "could have been listed here and is not". */
	enum nr_tri has_vmx;
	enum nr_tri has_svm;
	enum nr_tri has_sie;        /* s390 "sie" in features */
	enum nr_tri has_hypervisor; /* x86 "hypervisor" CPUID bit in flags */
	enum nr_tri has_lvz;        /* loongarch "lvz" (virtualization) in Features */
	char arch_hint[16];   /* the family its shape proves (cpuinfo_arch.h):
	                         "x86", "s390", "ppc", "arm", "riscv",
	                         "loongarch", "sparc", "mips", "ia64", "alpha",
	                         or "" (no clue, or clues of two families) */
	char machine_name[16]; /* what uname -m says, where the shape proves it
	                          ("x86_64", "i686", "aarch64", "s390x", ...);
	                          else "" */
};

/* Returns 0, or -EINVAL if no known line was found (out is still filled
 * with unknowns). */
int nr_cpuinfo_parse(const char *buf, size_t len, struct nr_cpuinfo *out);

/* ---- lscpu (the plain "Key: value" output) ---------------------------- */

struct nr_lscpu {
	char architecture[32];       /* "Architecture:" */
	char vendor[64];             /* "Vendor ID:" */
	char model_name[128];        /* "Model name:" */
	char hypervisor[64];         /* "Hypervisor:"  (e.g. "KVM/Linux", "z/VM 6.4.0") */
	char hypervisor_vendor[64];  /* "Hypervisor vendor:" (e.g. "KVM", "IBM", "pHyp") */
	char virt_type[32];          /* "Virtualization type:" ("full", "para", "container", "none") */
	char virtualization[32];     /* "Virtualization:" (e.g. "VT-x", "AMD-V") */
	char dispatching_mode[32];   /* s390 "Dispatching mode:" */
	int cpus;                    /* "CPU(s):", 0 = unknown */
};

/* Keys are matched after trimming; a key indented under a heading (newer
 * lscpu) is matched the same.  The first occurrence of a key wins (lscpu
 * repeats "Model name:" once per core type on heterogeneous arm), and
 * lscpu's "-" (no data) is stored as "".  Returns 0, or -EINVAL if nothing
 * recognised. */
int nr_lscpu_parse(const char *buf, size_t len, struct nr_lscpu *out);

/* ---- /proc/sysinfo (s390x) -------------------------------------------- */

#define NR_SYSINFO_MAX_VM 8

struct nr_sysinfo_vm {
	int index;              /* nn of VMnn: 0 is innermost (this level's hypervisor) */
	char name[16];          /* "VMnn Name:" */
	char control_program[64]; /* "VMnn Control Program:", whitespace collapsed,
	                             e.g. "z/VM 6.4.0", "KVM/Linux" */
};

struct nr_sysinfo {
	char manufacturer[32];  /* "Manufacturer:" */
	char type[16];          /* "Type:" (machine type) */
	char lpar_name[16];     /* "LPAR Name:" */
	int lpar_number;        /* "LPAR Number:", -1 = unknown */
	bool has_lpar;          /* any LPAR block seen */
	int vm_count;           /* VMnn blocks seen (capped to NR_SYSINFO_MAX_VM) */
	struct nr_sysinfo_vm vm[NR_SYSINFO_MAX_VM]; /* sorted by index ascending */
};

/* Returns 0, or -EINVAL if no known line was found. */
int nr_sysinfo_parse(const char *buf, size_t len, struct nr_sysinfo *out);

/* ---- /proc/bus/pci/devices -------------------------------------------- */

/* What the PCI IDs tell about the machine: some devices exist only inside
 * a hypervisor.  Most specific wins: VirtualBox (80ee), VMware (15ad),
 * Hyper-V video (1414:5353), Xen platform (5853), QEMU's own IDs (1b36,
 * 1234:1111), then bare virtio (1af4), which QEMU, Firecracker and
 * cloud-hypervisor all provide (and, rarely, real virtio hardware). */
struct nr_pci {
	int devices;            /* lines with a valid vendor:device field */
	char hypervisor[16];    /* "virtualbox", "vmware", "hyperv", "xen", "qemu",
	                           "virtio", or "" when no ID names one */
	unsigned vendor;        /* the ID that named it, 0 when none */
	unsigned device;
};

/* Returns 0, or -EINVAL when no device line was found. */
int nr_pci_parse(const char *buf, size_t len, struct nr_pci *out);

/* ---- kernel module parameters ----------------------------------------- */

/* "Y", "y", "1" -> TRUE; "N", "n", "0" -> FALSE; anything else (e.g.
 * "-1", "auto", "") -> UNKNOWN.  Trailing whitespace/newline ignored. */
enum nr_tri nr_modparam_bool(const char *buf, size_t len);

/* ---- QEMU command line ------------------------------------------------- */

enum nr_accel {
	NR_ACCEL_UNKNOWN = 0,
	NR_ACCEL_KVM,
	NR_ACCEL_TCG,
	NR_ACCEL_OTHER,     /* hvf, whpx, xen, nvmm ... */
};

#define NR_QEMU_MAX_ACCEL 4
#define NR_QEMU_MAX_FWD 8

struct nr_qemu_guest {
	char binary[64];        /* basename of argv[0] */
	char name[128];         /* -name NAME or -name guest=NAME,... (",," unescaped
	                           to ","); "" if none */
	/* Accelerators in the order QEMU would try them, from -accel X (may be
	 * repeated), -machine accel=kvm:tcg, -enable-kvm, -no-kvm.  With no
	 * option at all QEMU defaults to tcg (qemu-kvm binaries: kvm); record
	 * that default and set accel_defaulted.  As in QEMU, -accel (and
	 * -enable-kvm, which means -accel kvm) wins over -machine accel=, and
	 * of several -machine accel= the last one counts.  Duplicates are
	 * dropped. */
	enum nr_accel accel[NR_QEMU_MAX_ACCEL];
	int accel_count;
	bool accel_defaulted;
	char cpu_model[64];     /* -cpu MODEL (before the first comma); "" if none */
	/* vmx/svm exposed to the guest: TRUE for -cpu host/max (on a host with
	 * the extension) or +vmx/vmx=on/svm=on; FALSE for -vmx/vmx=off or a
	 * named model without it; UNKNOWN when it cannot be told from argv.
	 * Explicit flags win over the model ("-feat" over "+feat", as in QEMU).
	 * A named x86 model whose definition has svm (qemu64, phenom,
	 * Opteron_G2-G5, EPYC*, Dhyana*) gives UNKNOWN here: svm reaches the
	 * guest on an AMD host or under TCG and is masked on an Intel host, so
	 * only the host's cpuinfo can tell (nr_qemu_guest_settle), except under
	 * TCG alone, which emulates svm: TRUE.  A model the table does not
	 * know: UNKNOWN.  No -cpu on qemu-system-x86_64: QEMU's default
	 * qemu64. */
	enum nr_tri virt_ext_exposed;
	/* The same per extension, as argv requests it (KVM still masks what the
	 * host lacks): qemu64 gives vmx FALSE, svm TRUE; -cpu host both TRUE. */
	enum nr_tri vmx_exposed;
	enum nr_tri svm_exposed;
	char machine[64];       /* -machine/-M type (before first comma) */
	enum nr_tri cap_nested_hv; /* -machine ...,cap-nested-hv=on|true|off */
	int hostfwd_count;      /* from -netdev user,...,hostfwd=tcp:ADDR:HPORT-:GPORT */
	struct { int host_port; int guest_port; } hostfwd[NR_QEMU_MAX_FWD];
};

/* argv as found in /proc/PID/cmdline (NUL-separated).  Returns 0, or
 * -EINVAL if argv[0] is not a QEMU system emulator. */
int nr_qemu_argv_parse(const char *const *argv, size_t argc, struct nr_qemu_guest *out);

/* QEMU's named x86 CPU models (qemu_cpu_models.c): the vendor and whether
 * the model's definition has vmx or svm. */
enum nr_qemu_vendor { NR_QEMU_VENDOR_INTEL, NR_QEMU_VENDOR_AMD, NR_QEMU_VENDOR_OTHER };
struct nr_qemu_model {
	const char *name;
	enum nr_qemu_vendor vendor;
	bool vmx, svm;
};
/* The model named (a version "-v2" and the alias suffixes -noTSX, -IBRS,
 * -IBPB taken off), or NULL for a model the table does not know. */
const struct nr_qemu_model *nr_qemu_x86_model(const char *model);

/* True when QEMU's definition of the named x86 CPU model has svm (qemu64,
 * phenom, Opteron_G2-G5, EPYC*, Dhyana*, per QEMU 7.2's
 * query-cpu-model-expansion); no named model has vmx. */
bool nr_qemu_x86_model_has_svm(const char *model);

/* Settle a guest's virt_ext_exposed that its argv alone left open: a
 * named model with svm but no vmx gives svm under TCG (which emulates
 * it) and under KVM on an AMD host (host_amd 1), none under KVM on an
 * Intel host (host_amd 0: KVM masks what the CPU lacks).  host_amd -1:
 * unknown, and it stays so. */
void nr_qemu_guest_settle(struct nr_qemu_guest *g, int host_amd);

/* True when argv0's basename is qemu-system-*, qemu-kvm or qemu-system. */
bool nr_qemu_is_binary(const char *argv0);

const char *nr_accel_name(enum nr_accel a);   /* "kvm", "tcg", "other", "unknown" */

/* "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)" -> "7.2.19".
 * Also handles "libvirtd (libvirt) 9.0.0" and virsh version's
 * "Using library: libvirt 9.0.0".
 * prefix must start a line (leading blanks allowed) and be followed by the
 * version: digits and dots, starting with a digit; the first such line
 * counts.  prefix NULL or "" matches a line that starts with the version
 * (`virsh --version` prints just "9.0.0").  Returns 0, -EINVAL when not found, or -ENOSPC when the
 * version does not fit outlen (out is then "", never a cut version). */
int nr_version_extract(const char *buf, size_t len, const char *prefix,
                       char *out, size_t outlen);

#endif
