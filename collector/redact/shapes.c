/* SPDX-License-Identifier: MIT */
/* Identities recognised by their shape: IPv4 and IPv6 addresses, MAC
 * addresses and UUIDs, and the placeholders they get.
 *
 * Placeholders keep the kind and what a maintainer reads from it:
 *   IPv4  198.18.0.0/15 (reserved for benchmarking, RFC 2544, so never
 *         mistaken for a real network), one /24 per /24 of the original and
 *         the last octet kept, so "same subnet" and the .1 gateway survive;
 *         past 511 networks, 240.0.0.0/4 (reserved) the same way.
 *   IPv6  fd00:254:K:K::N, one K per /64 of the original; link-local
 *         addresses stay fe80:: with their interface id replaced (an EUI-64
 *         id becomes the one of the MAC's placeholder, so the two still
 *         agree); ::ffff:a.b.c.d keeps its form around the IPv4 placeholder.
 *   MAC   the OUI kept (52:54:00 is evidence of QEMU), the rest a counter.
 *   UUID  00000000-0000-4000-8000-N.
 * Kept readable, as they identify nobody: loopback, unspecified, link-local
 * IPv4 (169.254/16: also the cloud metadata address), multicast, the
 * reserved 240/4 (where netmasks live), the documentation ranges
 * (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32), broadcast and
 * multicast MACs, the nil UUID. */
#include "redact_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* ---- parsers -------------------------------------------------------------- */

size_t nr_shape_ipv4(const char *s, size_t n, uint32_t *addr)
{
	uint32_t a = 0;
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		if (part > 0) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
		while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return 0;
		a = a << 8 | v;
	}
	*addr = a;
	return i;
}

static unsigned hexval(char c)
{
	return c <= '9' ? (unsigned)(c - '0') : (unsigned)(nr_lower((unsigned char)c) - 'a' + 10);
}

size_t nr_shape_mac(const char *s, size_t n, unsigned char mac[6], char *sep)
{
	size_t i;

	if (n < 17 || (s[2] != ':' && s[2] != '-'))
		return 0;
	for (i = 0; i < 6; i++) {
		const char *p = s + i * 3;

		if (!nr_is_hex((unsigned char)p[0]) || !nr_is_hex((unsigned char)p[1]) ||
		    (i < 5 && p[2] != s[2]))
			return 0;
		mac[i] = (unsigned char)(hexval(p[0]) << 4 | hexval(p[1]));
	}
	*sep = s[2];
	return 17;
}

size_t nr_shape_uuid(const char *s, size_t n, unsigned char uuid[16])
{
	static const unsigned char dash_at[] = { 8, 13, 18, 23 };
	size_t i, d = 0, b = 0;

	if (n < 36 || s[8] != '-' || s[13] != '-')
		return 0;
	for (i = 0; i < 36; i++) {
		if (d < 4 && i == dash_at[d]) {
			if (s[i] != '-')
				return 0;
			d++;
			continue;
		}
		if (!nr_is_hex((unsigned char)s[i]))
			return 0;
		if (b % 2 == 0)
			uuid[b / 2] = (unsigned char)(hexval(s[i]) << 4);
		else
			uuid[b / 2] |= (unsigned char)hexval(s[i]);
		b++;
	}
	return 36;
}

size_t nr_shape_ipv6(const char *s, size_t n, unsigned char addr[16])
{
	char buf[INET6_ADDRSTRLEN + 2];
	size_t len = 0, colons = 0;

	while (len < n && len < sizeof(buf) - 1 &&
	       (nr_is_hex((unsigned char)s[len]) || s[len] == ':' || s[len] == '.'))
		colons += s[len++] == ':';
	if (colons < 2)
		return 0;
	/* A sentence may end right after an address: "... at fe80::1." */
	for (; len > 2; len--) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (inet_pton(AF_INET6, buf, addr) == 1)
			return len;
		if (s[len - 1] != '.' && s[len - 1] != ':')
			break;
	}
	return 0;
}

/* ---- placeholders ----------------------------------------------------------- */

static bool ipv4_kept(uint32_t a)
{
	uint32_t top = a >> 24;

	return top == 0 || top == 127 || top >= 224 || (a >> 16) == 0xa9fe ||
	       (a >> 8) == 0xc00002 || (a >> 8) == 0xc63364 || (a >> 8) == 0xcb0071;
}

static const char *overflow(struct nr_redactor *r, enum nr_ident_kind kind)
{
	r->overflowed++;
	return nr_ident_overflow(kind);
}

/* An entry already in the map: mark it learnt when it is. */
static const char *known(struct nr_redactor *r, const struct nr_bkey *key, bool learnt)
{
	long id = nr_ident_find_shape(r, key);

	if (id < 0)
		return NULL;
	r->ids[id].learnt = r->ids[id].learnt || learnt;
	return r->ids[id].placeholder;
}

/* The placeholder index of a network (an IPv4 /24, an IPv6 /64); 0 when
 * the table cannot grow. */
static unsigned net_index(struct nr_redactor *r, const struct nr_bkey *key, unsigned *counter)
{
	long k = nr_btab_get(&r->nets, key);

	if (k >= 0)
		return (unsigned)k;
	if (nr_btab_put(&r->nets, key, *counter + 1) < 0)
		return 0;
	return ++*counter;
}

static void ipv4_key(struct nr_bkey *k, char tag, uint32_t a, size_t n)
{
	unsigned char b[4] = { (unsigned char)(a >> 24), (unsigned char)(a >> 16),
	                       (unsigned char)(a >> 8), (unsigned char)a };

	nr_bkey_make(k, tag, b, n);
}

static void ipv4_text(uint32_t a, char *out, size_t len)
{
	snprintf(out, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

const char *nr_shape_ipv4_ph(struct nr_redactor *r, uint32_t a, bool learnt)
{
	struct nr_bkey key, net;
	char orig[16], ph[16];
	const char *p;
	uint32_t base;
	unsigned k;
	long id;

	if (ipv4_kept(a))
		return NULL;
	ipv4_key(&key, '4', a, 4);
	if ((p = known(r, &key, learnt)))
		return p;
	ipv4_key(&net, 'n', a, 3);
	k = net_index(r, &net, &r->nets4);
	if (k == 0 || (k >= 512 && k - 512 >= 15u * 65536))
		return overflow(r, NR_ID_IPV4);
	base = k < 512 ? 0xc6120000u + (k << 8) : 0xf0000000u + ((k - 512) << 8);
	ipv4_text(a, orig, sizeof(orig));
	ipv4_text(base | (a & 255), ph, sizeof(ph));
	id = nr_ident_add_shape(r, NR_ID_IPV4, &key, orig, ph, learnt);
	return id < 0 ? overflow(r, NR_ID_IPV4) : r->ids[id].placeholder;
}

bool nr_shape_ipv4_learnt(const struct nr_redactor *r, uint32_t a)
{
	struct nr_bkey key;
	long id;

	ipv4_key(&key, '4', a, 4);
	id = nr_ident_find_shape(r, &key);
	return id >= 0 && r->ids[id].learnt;
}

static bool mac_kept(const unsigned char m[6])
{
	static const unsigned char zero[6], ones[6] = { 255, 255, 255, 255, 255, 255 };

	return (m[0] & 1) || memcmp(m, zero, 6) == 0 || memcmp(m, ones, 6) == 0;
}

const char *nr_shape_mac_ph(struct nr_redactor *r, const unsigned char m[6], bool learnt)
{
	struct nr_bkey key;
	char orig[18], ph[18];
	const char *p;
	unsigned n;
	long id;

	if (mac_kept(m))
		return NULL;
	nr_bkey_make(&key, 'm', m, 6);
	if ((p = known(r, &key, learnt)))
		return p;
	if (r->next[NR_ID_MAC] >= 0xffffff)
		return overflow(r, NR_ID_MAC);
	n = ++r->next[NR_ID_MAC];
	snprintf(orig, sizeof(orig), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	snprintf(ph, sizeof(ph), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], (n >> 16) & 255,
	         (n >> 8) & 255, n & 255);
	id = nr_ident_add_shape(r, NR_ID_MAC, &key, orig, ph, learnt);
	return id < 0 ? overflow(r, NR_ID_MAC) : r->ids[id].placeholder;
}

const char *nr_shape_uuid_ph(struct nr_redactor *r, const unsigned char u[16], bool learnt)
{
	static const unsigned char zero[16];
	struct nr_bkey key;
	char orig[40], ph[40];
	const char *p;
	size_t i;
	long id;

	for (i = 0; i < 16 && u[i] == 255; i++)
		;
	if (i == 16 || memcmp(u, zero, 16) == 0)
		return NULL;
	nr_bkey_make(&key, 'u', u, 16);
	if ((p = known(r, &key, learnt)))
		return p;
	if (r->next[NR_ID_UUID] >= 0xffffffffu)
		return overflow(r, NR_ID_UUID);
	snprintf(orig, sizeof(orig),
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
	         u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
	         u[15]);
	snprintf(ph, sizeof(ph), "00000000-0000-4000-8000-%012x", ++r->next[NR_ID_UUID]);
	id = nr_ident_add_shape(r, NR_ID_UUID, &key, orig, ph, learnt);
	return id < 0 ? overflow(r, NR_ID_UUID) : r->ids[id].placeholder;
}

/* The interface id of a link-local address: an EUI-64 one follows its
 * MAC's placeholder; any other is numbered.  false: keep it (its MAC is
 * one that stays readable). */
static bool link_local_iid(struct nr_redactor *r, const unsigned char a[16], unsigned char out[16],
                           bool learnt)
{
	unsigned char mac[6], pm[6];
	const char *mph;
	char sep;

	memcpy(out, a, 8);
	if (a[11] == 0xff && a[12] == 0xfe) {
		mac[0] = a[8] ^ 2, mac[1] = a[9], mac[2] = a[10];
		mac[3] = a[13], mac[4] = a[14], mac[5] = a[15];
		mph = nr_shape_mac_ph(r, mac, learnt);
		if (!mph || nr_shape_mac(mph, strlen(mph), pm, &sep) != 17)
			return false;
		out[8] = pm[0] ^ 2, out[9] = pm[1], out[10] = pm[2], out[11] = 0xff;
		out[12] = 0xfe, out[13] = pm[3], out[14] = pm[4], out[15] = pm[5];
		return true;
	}
	r->iids++;
	memset(out + 8, 0, 8);
	out[12] = (unsigned char)(r->iids >> 24), out[13] = (unsigned char)(r->iids >> 16);
	out[14] = (unsigned char)(r->iids >> 8), out[15] = (unsigned char)r->iids;
	return true;
}

const char *nr_shape_ipv6_ph(struct nr_redactor *r, const unsigned char a[16], bool learnt)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255 };
	static const unsigned char zero[15];
	struct nr_bkey key, net;
	char orig[INET6_ADDRSTRLEN], ph[INET6_ADDRSTRLEN + 8];
	unsigned char out[16];
	const char *p, *v4;
	unsigned k;
	long id;

	if ((memcmp(a, zero, 15) == 0 && a[15] <= 1) || a[0] == 0xff ||
	    (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8))
		return NULL;
	nr_bkey_make(&key, '6', a, 16);
	if ((p = known(r, &key, learnt)))
		return p;
	if (memcmp(a, mapped, 12) == 0) {
		v4 = nr_shape_ipv4_ph(r, (uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 |
		                              (uint32_t)a[14] << 8 | a[15], learnt);
		if (!v4)
			return NULL;
		snprintf(ph, sizeof(ph), "::ffff:%s", v4);
	} else if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) {
		if (!link_local_iid(r, a, out, learnt))
			return NULL;
		inet_ntop(AF_INET6, out, ph, sizeof(ph));
	} else {
		nr_bkey_make(&net, 'p', a, 8);
		k = net_index(r, &net, &r->nets6);
		if (k == 0)
			return overflow(r, NR_ID_IPV6);
		r->iids++;
		memset(out, 0, 16);
		out[0] = 0xfd, out[2] = 0x02, out[3] = 0x54;
		out[4] = (unsigned char)(k >> 24), out[5] = (unsigned char)(k >> 16);
		out[6] = (unsigned char)(k >> 8), out[7] = (unsigned char)k;
		out[12] = (unsigned char)(r->iids >> 24), out[13] = (unsigned char)(r->iids >> 16);
		out[14] = (unsigned char)(r->iids >> 8), out[15] = (unsigned char)r->iids;
		inet_ntop(AF_INET6, out, ph, sizeof(ph));
	}
	inet_ntop(AF_INET6, a, orig, sizeof(orig));
	id = nr_ident_add_shape(r, NR_ID_IPV6, &key, orig, ph, learnt);
	return id < 0 ? overflow(r, NR_ID_IPV6) : r->ids[id].placeholder;
}

int nr_shape_learn(struct nr_redactor *r, const char *value)
{
	size_t n = strlen(value), len;
	const char *slash = strchr(value, '/');
	unsigned char b[16];
	uint32_t a;
	char sep;

	/* "10.0.0.5/24", "fe80::1/64": the prefix length is not the address. */
	if (slash)
		n = (size_t)(slash - value);
	/* A value of the map's kinds is redacted even when the map is full
	 * (it gets the overflow placeholder), so learning never fails. */
	if ((len = nr_shape_uuid(value, n, b)) == n && n)
		nr_shape_uuid_ph(r, b, true);
	else if ((len = nr_shape_mac(value, n, b, &sep)) == n && n)
		nr_shape_mac_ph(r, b, true);
	else if ((len = nr_shape_ipv4(value, n, &a)) == n && n)
		nr_shape_ipv4_ph(r, a, true);
	else if ((len = nr_shape_ipv6(value, n, b)) == n && n)
		nr_shape_ipv6_ph(r, b, true);
	else
		return 0;
	return 1;
}
