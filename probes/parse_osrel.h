/* SPDX-License-Identifier: MIT */
/* os-release(5): the distribution's identity, as systemd documents it.
 * Part of the parsers (parse.h's rules hold: bounded, untrusted input,
 * unknown stays ""). */
#ifndef NR_PARSE_OSREL_H
#define NR_PARSE_OSREL_H

#include <stddef.h>

struct nr_os_release {
	char id[64];           /* ID= ("debian", "fedora", "rhel") */
	char id_like[128];     /* ID_LIKE= ("rhel centos fedora") */
	char version_id[64];   /* VERSION_ID= ("12", "9.3") */
	char pretty_name[192]; /* PRETTY_NAME= */
};

/* KEY=VALUE lines; a value may be quoted ('...' or "...", with \\ \" \$
 * \` escapes inside double quotes, as the shell would read it); '#' lines
 * are comments; the last assignment of a key wins, as when the file is
 * sourced.  Returns 0, or -EINVAL when no key we know was found. */
int nr_os_release_parse(const char *buf, size_t len, struct nr_os_release *out);

#endif
