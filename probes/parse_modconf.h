/* SPDX-License-Identifier: MIT */
/* Kernel module configuration: modprobe.d(5) files, module options on the
 * kernel command line, and modinfo(8) output.  Part of the parsers
 * (parse.h's rules hold: bounded, untrusted input, unknown stays ""). */
#ifndef NR_PARSE_MODCONF_H
#define NR_PARSE_MODCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "parse.h"

enum nr_modconf_kind {
	NR_MODCONF_OPTION,     /* options MODULE PARAM=VALUE */
	NR_MODCONF_BLACKLIST,  /* blacklist MODULE: no loading by alias */
	NR_MODCONF_INSTALL,    /* install MODULE COMMAND: modprobe runs COMMAND instead */
};

struct nr_modconf {
	enum nr_modconf_kind kind;
	char module[64];   /* '-' written as '_', as the kernel reads names */
	char param[64];    /* options: the parameter, '-' as '_'; else "" */
	char value[128];   /* options: the value (quotes removed); install: the command */
	int line;          /* 1-based line of the directive; 0 on the command line */
};

/* The directives of one modprobe.d file about modules whose (normalized)
 * name starts with prefix ("kvm"), in file order: one entry per
 * PARAM=VALUE of an options line.  Comments and blank lines are skipped,
 * a line ending in '\' continues on the next (as kmod reads them).
 * Returns how many were stored (at most max). */
size_t nr_modconf_parse(const char *buf, size_t len, const char *prefix,
                        struct nr_modconf *out, size_t max);

/* Module options on a kernel command line ("kvm-intel.nested=1"), for the
 * modules matching prefix; "--" ends the kernel's part, double quotes
 * group as the kernel's parser does. */
size_t nr_modconf_cmdline(const char *buf, size_t len, const char *prefix,
                          struct nr_modconf *out, size_t max);

/* A module parameter value as the kernel's kstrtobool() reads it (y/Y/1,
 * n/N/0, on/off), or an integer (nonzero: true; kvm_amd's nested is an
 * int); anything else is unknown. */
enum nr_tri nr_modconf_bool(const char *value);

#define NR_MODINFO_MAX_PARAMS 128

struct nr_modinfo_param {
	char name[64];
	char type[24];          /* "bool", "uint", "int" ...; "" when not given */
	char description[192];  /* "" when the module gives none */
};

struct nr_modinfo {
	char name[64];          /* "name:" (recent kmod), else from filename */
	char filename[256];     /* "filename:", "(builtin)" for a built-in module */
	char vermagic[128];
	size_t n_params;
	struct nr_modinfo_param params[NR_MODINFO_MAX_PARAMS];
};

/* modinfo's "field: value" lines; "parm: NAME:DESCRIPTION (TYPE)" or
 * "parm: NAME:TYPE".  Returns 0, or -EINVAL when no filename or name line
 * was found (modinfo printed an error, or junk). */
int nr_modinfo_parse(const char *buf, size_t len, struct nr_modinfo *out);

#endif
