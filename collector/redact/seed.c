/* SPDX-License-Identifier: MIT */
/* The cheap questions a live level is asked before anything of it is
 * redacted (learn.h).  Reads go through the level's transport like a
 * probe's, so they work locally, over SSH and on a replayed tree, under
 * one deadline for the lot. */
#include "learn.h"
#include "transport/memsink.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *path;
	enum nr_learn_src src;
} seed_files[] = {
	{ "/proc/sys/kernel/hostname", NR_LEARN_HOSTNAME },
	{ "/etc/hostname", NR_LEARN_HOSTNAME },
	{ "/proc/sys/kernel/domainname", NR_LEARN_DOMAINNAME },
	{ "/etc/hosts", NR_LEARN_HOSTS },
	{ "/etc/resolv.conf", NR_LEARN_RESOLV },
	{ "/etc/passwd", NR_LEARN_PASSWD },
	{ "/sys/class/dmi/id/product_serial", NR_LEARN_SERIAL },
	{ "/sys/class/dmi/id/board_serial", NR_LEARN_SERIAL },
	{ "/sys/class/dmi/id/chassis_serial", NR_LEARN_SERIAL },
	{ "/sys/class/dmi/id/product_uuid", NR_LEARN_SERIAL },
	{ "/sys/class/dmi/id/board_asset_tag", NR_LEARN_SERIAL },
	{ "/sys/class/dmi/id/chassis_asset_tag", NR_LEARN_SERIAL },
};

static const struct {
	const char *key;          /* for a replay transport's recordings */
	const char *const argv[5];
	enum nr_learn_src src;
} seed_cmds[] = {
	{ "redact/ip-addr", { "ip", "-o", "addr", "show", NULL }, NR_LEARN_IP_ADDR },
	{ "redact/ip-link", { "ip", "-o", "link", "show", NULL }, NR_LEARN_IP_LINK },
};

static void keep(struct nr_redact_seed *seed, enum nr_learn_src src, struct nr_mem_sink *m)
{
	if (seed->n >= NR_SEED_ITEMS || m->len == 0)
		return;
	seed->item[seed->n].src = src;
	seed->item[seed->n].text = nr_mem_sink_steal(m, &seed->item[seed->n].len);
	if (seed->item[seed->n].text)
		seed->n++;
}

void nr_redact_seed_read(struct nr_redact_seed *seed, struct nr_transport *t)
{
	int64_t deadline = nr_time_now_ms() + NR_SEED_TIMEOUT_MS;
	struct nr_error err = { 0 };
	struct nr_run_result res;
	struct nr_mem_sink m;
	char path[4096];
	const char *argv[5];
	bool truncated;
	size_t i, j;

	for (i = 0; i < sizeof(seed_files) / sizeof(seed_files[0]); i++) {
		if (nr_mem_sink_init(&m, NR_SEED_READ_MAX) < 0)
			return;
		if (t->ops->read_file(t, seed_files[i].path, deadline, &m.base, &truncated, &err) == 0)
			keep(seed, seed_files[i].src, &m);
		nr_mem_sink_release(&m);
	}
	for (i = 0; i < sizeof(seed_cmds) / sizeof(seed_cmds[0]); i++) {
		if (t->ops->which(t, seed_cmds[i].argv[0], deadline, path, sizeof(path)) < 0)
			continue;
		for (j = 0; j < 5; j++)
			argv[j] = j == 0 ? path : seed_cmds[i].argv[j];
		if (nr_mem_sink_init(&m, NR_SEED_READ_MAX) < 0)
			return;
		if (t->ops->run(t, seed_cmds[i].key, argv, deadline, &m.base, NULL, &res, &err) == 0 &&
		    res.exit_code == 0)
			keep(seed, seed_cmds[i].src, &m);
		nr_mem_sink_release(&m);
	}
}

int nr_redact_seed_learn(struct nr_redactor *r, const struct nr_redact_seed *seed)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < seed->n && rc == 0; i++)
		rc = nr_redact_learn_text(r, seed->item[i].src, seed->item[i].text, seed->item[i].len);
	return rc;
}

void nr_redact_seed_release(struct nr_redact_seed *seed)
{
	size_t i;

	for (i = 0; i < seed->n; i++)
		free(seed->item[i].text);
	memset(seed, 0, sizeof(*seed));
}
