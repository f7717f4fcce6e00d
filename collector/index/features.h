/* SPDX-License-Identifier: MIT */
/* Setup similarity (`index similar`): each bundle is a set of weighted
 * features, and two bundles score their weighted Jaccard index,
 *     score = weight(shared features) / weight(features of either),
 * from 0 (nothing in common) to 1 (the same setup).
 *
 * A feature is "L<depth>|<fact key>=<value>" for the facts that describe
 * a setup, by the level's depth (so l1 and guest1 at depth 1 compare),
 * plus the topology's shape and the findings.  Each belongs to a class
 * with a fixed weight, and each class to one of five groups that the
 * output breaks the score into:
 *
 *   versions    kernel.release, qemu.versions.version, libvirt.version:
 *               the exact version (60) and its major.minor series (40)
 *   cpu         arch, cpu.vendor, cpu.model, cpu.virt_ext, cpu.machine,
 *               cpu.platform (40 each); cpu.flags as a 16-value MinHash
 *               sketch (6 each, so the flags weigh 96 in all and score
 *               about their Jaccard index); firmware.sys_vendor,
 *               firmware.product_name (20)
 *   parameters  kvm.available, kvm.device, kvm.module, kvm.nested (40);
 *               each kvm.params.MODULE.PARAM value (10); each word of
 *               kernel.cmdline but root=, BOOT_IMAGE=, initrd= (10)
 *   topology    the shape, every level's depth (100); virt.role,
 *               virt.hypervisor, cpu.hypervisor_vendor, cpu.virt_type,
 *               pci.hypervisor, xen.domain, level.status (30); guests'
 *               binary, accel, cpu_model, machine, virt_ext_exposed,
 *               cap_nested_hv (20)
 *   findings    each finding (rule on a level's depth) but could-not-check (40)
 *
 * A feature is stored as a 32-bit code: 28 bits of its text's FNV-1a hash
 * and 4 bits of class, so a bundle's set is a short sorted list and a
 * comparison is one merge.  Two different features can share a code (a
 * 1 in 2^28 chance per pair); the score is then off by that feature's
 * weight, which is the price of comparing 10 000 bundles in milliseconds.
 * Scores are integers in thousandths, identical on every backend.
 */
#ifndef NR_INDEX_FEATURES_H
#define NR_INDEX_FEATURES_H

#include <stddef.h>
#include <stdint.h>

/* Named in `similar --json` and part of the rules id (doc.h): a change to
 * the features or weights bumps it, and `index refresh` recomputes. */
#define NR_FEATURES_SCORING "weighted-jaccard:1"

enum nr_feat_class {
	NR_FC_VERSION, NR_FC_SERIES, NR_FC_CPU, NR_FC_FLAG, NR_FC_FIRMWARE, NR_FC_KVM,
	NR_FC_PARAM, NR_FC_CMDLINE, NR_FC_ROLE, NR_FC_GUEST, NR_FC_SHAPE, NR_FC_FINDING,
	NR_FC_COUNT
};

enum nr_feat_group { NR_FG_VERSIONS, NR_FG_CPU, NR_FG_PARAMETERS, NR_FG_TOPOLOGY, NR_FG_FINDINGS,
                     NR_FG_COUNT };

/* Codes per bundle at most (the rest are dropped: a cap on hostile input). */
#define NR_FEATURES_MAX 65536

struct nr_features {
	uint32_t *codes;
	size_t n, cap;
};

/* Sort and drop duplicates: needed before encode or compare. */
void nr_features_finish(struct nr_features *f);
/* Drop the codes of class c (refresh replaces the findings). */
void nr_features_drop_class(struct nr_features *f, enum nr_feat_class c);
void nr_features_release(struct nr_features *f);

/* The codes as hex text, 8 digits each (malloc'd), and back.  decode:
 * 0, or -EBADMSG when the text is not such a list. */
char *nr_features_encode(const struct nr_features *f);
int nr_features_decode(const char *hex, struct nr_features *f);

const char *nr_features_group_name(enum nr_feat_group g);

struct nr_similarity {
	unsigned score;                    /* thousandths */
	int group[NR_FG_COUNT];            /* thousandths; -1: neither has one */
};

/* Compare two finished sets. */
void nr_features_compare(const struct nr_features *a, const struct nr_features *b,
                         struct nr_similarity *out);

/* The features of one fact row (doc.h) of a level at depth (none for a
 * key that does not describe a setup), of a finding, and of the shape.
 * value: a word set's words; vkey: the value's version key or "".  0 or
 * -ENOMEM. */
int nr_features_add_fact(struct nr_features *f, int depth, const char *key, const char *value,
                         const char *vkey);
int nr_features_add_finding(struct nr_features *f, int depth, const char *rule);
int nr_features_add_shape(struct nr_features *f, const char *shape);

#endif
