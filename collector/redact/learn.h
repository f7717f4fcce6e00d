/* SPDX-License-Identifier: MIT */
/* Learning identities before anything is redacted.
 *
 * A live level is asked a few cheap questions through its transport
 * (seed.c): its hostname and domain, /etc/hosts, resolv.conf, the people's
 * accounts in /etc/passwd, its addresses and MACs (`ip -o addr`, `ip -o
 * link`) and the DMI serials and UUIDs (root only).  Levels collect in
 * parallel, so each keeps its answers in its own seed; the run learns them
 * in level order afterwards, which makes the numbering of placeholders the
 * same from run to run.  A bundle alone (`nest-report redact`) teaches
 * what its manifest and its uname and dmidecode artifacts say (learn.c).
 */
#ifndef NR_REDACT_LEARN_H
#define NR_REDACT_LEARN_H

#include <stddef.h>
#include <stdint.h>

#include "redact.h"
#include "transport/transport.h"

enum nr_learn_src {
	NR_LEARN_HOSTNAME,      /* /proc/sys/kernel/hostname, /etc/hostname */
	NR_LEARN_DOMAINNAME,    /* /proc/sys/kernel/domainname */
	NR_LEARN_HOSTS,         /* /etc/hosts */
	NR_LEARN_RESOLV,        /* /etc/resolv.conf */
	NR_LEARN_PASSWD,        /* /etc/passwd */
	NR_LEARN_IP_ADDR,       /* ip -o addr show */
	NR_LEARN_IP_LINK,       /* ip -o link show */
	NR_LEARN_UNAME,         /* uname -a */
	NR_LEARN_DMIDECODE,     /* dmidecode */
	NR_LEARN_SERIAL,        /* a DMI serial or UUID file */
	NR_LEARN_LIBVIRT_LOG,   /* a QEMU log of libvirt: the host's FQDN */
	NR_LEARN_KINDS
};

/* Learn what the text says (0, or -ENOMEM). */
int nr_redact_learn_text(struct nr_redactor *r, enum nr_learn_src src, const char *buf,
                         size_t len);

/* The source a bundle member ("levels/ID/PROBE/ARTIFACT") is learnt as,
 * or -1 when it names no identities of its own. */
int nr_redact_member_source(const char *path);

/* A member's own name may name one: libvirt's log-NAME.log and
 * domain-NAME.xml (a VM is usually named after its host). */
int nr_redact_learn_member_path(struct nr_redactor *r, const char *path);

/* ---- a live level's answers (seed.c) ---- */

#define NR_SEED_ITEMS 16
#define NR_SEED_READ_MAX (1u << 20)   /* per answer */
#define NR_SEED_TIMEOUT_MS 10000      /* for all of a level's answers */

struct nr_redact_seed {
	size_t n;
	struct {
		enum nr_learn_src src;
		char *text;
		size_t len;
	} item[NR_SEED_ITEMS];
};

/* Ask the level (each question best effort: a file that is missing or
 * refused, a command not installed, just teaches nothing). */
void nr_redact_seed_read(struct nr_redact_seed *seed, struct nr_transport *t);
int nr_redact_seed_learn(struct nr_redactor *r, const struct nr_redact_seed *seed);
void nr_redact_seed_release(struct nr_redact_seed *seed);

#endif
