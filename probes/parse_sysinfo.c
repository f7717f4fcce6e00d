/* SPDX-License-Identifier: MIT */
/* /proc/sysinfo (s390x) parser: see parse.h.
 *
 * The kernel prints the STSI 1.1.1 (machine), 2.2.2 (LPAR) and 3.2.2
 * (VM levels) blocks as "Key: value" lines.  A 3.2.2 block has one
 * "VMnn ..." group per hypervisor level above this one, VM00 innermost.
 */
#include "parse.h"
#include "parse_text.h"

#include <errno.h>
#include <string.h>

/* "VM03 Control Program" -> index 3, attribute "Control Program". */
static bool vm_key(struct nr_span key, int *index, struct nr_span *attr)
{
	size_t i = 2;
	int n = 0;

	if (!nr_span_starts(key, "VM"))
		return false;
	while (i < key.len && i < 5 && key.p[i] >= '0' && key.p[i] <= '9')
		n = n * 10 + (key.p[i++] - '0');
	if (i == 2 || i >= key.len || key.p[i] != ' ')
		return false;
	attr->p = key.p + i;
	attr->len = key.len - i;
	*attr = nr_span_trim(*attr);
	*index = n;
	return true;
}

/* The slot for VM index n, made on first sight; NULL once all are taken
 * (the kernel prints levels innermost first, so the innermost are kept). */
static struct nr_sysinfo_vm *vm_slot(struct nr_sysinfo *out, int n)
{
	for (int i = 0; i < out->vm_count; i++)
		if (out->vm[i].index == n)
			return &out->vm[i];
	if (out->vm_count >= NR_SYSINFO_MAX_VM)
		return NULL;
	out->vm[out->vm_count].index = n;
	return &out->vm[out->vm_count++];
}

static bool vm_line(struct nr_sysinfo *out, struct nr_span key, struct nr_span val)
{
	struct nr_span attr;
	struct nr_sysinfo_vm *vm;
	int n;

	if (!vm_key(key, &n, &attr))
		return false;
	vm = vm_slot(out, n);
	if (vm && nr_span_eq(attr, "Name"))
		nr_span_copy(val, vm->name, sizeof(vm->name));
	else if (vm && nr_span_eq(attr, "Control Program"))
		nr_span_copy_collapsed(val, vm->control_program, sizeof(vm->control_program));
	return true;
}

static bool lpar_line(struct nr_sysinfo *out, struct nr_span key, struct nr_span val)
{
	int n;

	if (!nr_span_starts(key, "LPAR "))
		return false;
	out->has_lpar = true;
	if (nr_span_eq(key, "LPAR Name"))
		nr_span_copy(val, out->lpar_name, sizeof(out->lpar_name));
	else if (nr_span_eq(key, "LPAR Number") && nr_span_to_int(val, &n))
		out->lpar_number = n;
	return true;
}

static bool machine_line(struct nr_sysinfo *out, struct nr_span key, struct nr_span val)
{
	if (nr_span_eq(key, "Manufacturer"))
		nr_span_copy(val, out->manufacturer, sizeof(out->manufacturer));
	else if (nr_span_eq(key, "Type"))
		nr_span_copy(val, out->type, sizeof(out->type));
	else
		return false;
	return true;
}

static bool sysinfo_line(struct nr_sysinfo *out, struct nr_span line)
{
	struct nr_span key, val;

	if (!nr_span_split(line, ':', &key, &val))
		return false;
	return machine_line(out, key, val) || lpar_line(out, key, val) ||
	       vm_line(out, key, val);
}

/* Insertion sort: at most NR_SYSINFO_MAX_VM entries, nearly always sorted. */
static void vm_sort(struct nr_sysinfo *out)
{
	for (int i = 1; i < out->vm_count; i++) {
		struct nr_sysinfo_vm v = out->vm[i];
		int j = i;

		for (; j > 0 && out->vm[j - 1].index > v.index; j--)
			out->vm[j] = out->vm[j - 1];
		out->vm[j] = v;
	}
}

int nr_sysinfo_parse(const char *buf, size_t len, struct nr_sysinfo *out)
{
	struct nr_span line;
	size_t pos = 0;
	bool any = false;

	memset(out, 0, sizeof(*out));
	out->lpar_number = -1;
	while (nr_text_next_line(buf, len, &pos, &line))
		any |= sysinfo_line(out, line);
	vm_sort(out);
	return any ? 0 : -EINVAL;
}
