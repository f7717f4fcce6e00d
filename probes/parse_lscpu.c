/* SPDX-License-Identifier: MIT */
/* lscpu "Key: value" parser: see parse.h. */
#include "parse.h"
#include "parse_text.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

struct lscpu_key {
	const char *key;
	size_t offset;  /* of the char array in struct nr_lscpu */
	size_t size;
};

#define FIELD(k, f) { k, offsetof(struct nr_lscpu, f), sizeof(((struct nr_lscpu *)0)->f) }

static const struct lscpu_key keys[] = {
	FIELD("Architecture", architecture),
	FIELD("Vendor ID", vendor),
	FIELD("Model name", model_name),
	FIELD("Hypervisor", hypervisor),
	FIELD("Hypervisor vendor", hypervisor_vendor),
	FIELD("Virtualization type", virt_type),
	FIELD("Virtualization", virtualization),
	FIELD("Dispatching mode", dispatching_mode),
};

/* Which keys were already taken: the first occurrence wins. */
struct lscpu_seen {
	bool field[sizeof(keys) / sizeof(keys[0])];
	bool cpus;
	bool any;
};

static bool lscpu_string_key(struct nr_lscpu *out, struct lscpu_seen *seen,
                             struct nr_span key, struct nr_span val)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!nr_span_eq(key, keys[i].key))
			continue;
		if (!seen->field[i] && !nr_span_eq(val, "-"))
			nr_span_copy(val, (char *)out + keys[i].offset, keys[i].size);
		seen->field[i] = true;
		return true;
	}
	return false;
}

static void lscpu_line(struct nr_lscpu *out, struct lscpu_seen *seen, struct nr_span line)
{
	struct nr_span key, val;
	int n;

	if (!nr_span_split(line, ':', &key, &val))
		return;
	if (lscpu_string_key(out, seen, key, val)) {
		seen->any = true;
	} else if (nr_span_eq(key, "CPU(s)")) {
		if (!seen->cpus && nr_span_to_int(val, &n))
			out->cpus = n;
		seen->cpus = true;
		seen->any = true;
	}
}

int nr_lscpu_parse(const char *buf, size_t len, struct nr_lscpu *out)
{
	struct lscpu_seen seen = { 0 };
	struct nr_span line;
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	while (nr_text_next_line(buf, len, &pos, &line))
		lscpu_line(out, &seen, line);
	return seen.any ? 0 : -EINVAL;
}
