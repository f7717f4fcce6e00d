/* UTF-8 checks for JSON output: see utf8.h. */
#include "utf8.h"
#include "parse_text.h"

#include <string.h>

static bool bad_control(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F;
}

bool nr_utf8_clean_p(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		n = nr_utf8_seq_len(p + i, len - i);
		if (n == 0 || (n == 1 && bad_control(p[i])))
			return false;
		i += n;
	}
	return true;
}

void nr_utf8_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0, n;

	while (i < len) {
		n = nr_utf8_seq_len(p + i, len - i);
		if (n == 0 || (n == 1 && bad_control(p[i]))) {
			p[o++] = '?';
			i++;
			continue;
		}
		memmove(p + o, p + i, n);
		o += n;
		i += n;
	}
	p[o] = '\0';
}
