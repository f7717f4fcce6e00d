/* SPDX-License-Identifier: MIT */
#include "sha256.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>

/* Fetched once: OpenSSL 3 looks an implicit EVP_sha256() up in its
 * provider store on every init, under a lock every probe thread would
 * share.  Never freed: it lives as long as the process. */
static EVP_MD *sha256_md;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void fetch_md(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

int nr_sha256_init(struct nr_sha256 *s)
{
	EVP_MD_CTX *ctx;

	s->ctx = NULL;
	s->failed = true;
	pthread_once(&md_once, fetch_md);
	if (!sha256_md)
		return -EIO;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestInit_ex(ctx, sha256_md, NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return -EIO;
	}
	s->ctx = ctx;
	s->failed = false;
	return 0;
}

void nr_sha256_update(struct nr_sha256 *s, const void *data, size_t len)
{
	if (!s->failed && len > 0 && EVP_DigestUpdate(s->ctx, data, len) != 1)
		s->failed = true;
}

int nr_sha256_final(struct nr_sha256 *s, unsigned char out[NR_SHA256_LEN])
{
	unsigned int n = 0;
	int rc = 0;

	if (!s->ctx)
		rc = -ENOMEM;
	else if (s->failed || EVP_DigestFinal_ex(s->ctx, out, &n) != 1 || n != NR_SHA256_LEN)
		rc = -EIO;
	if (rc < 0)
		memset(out, 0, NR_SHA256_LEN);
	nr_sha256_release(s);
	return rc;
}

void nr_sha256_release(struct nr_sha256 *s)
{
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
	s->failed = true;
}

int nr_sha256_digest(const void *data, size_t len, unsigned char out[NR_SHA256_LEN])
{
	struct nr_sha256 s;

	if (nr_sha256_init(&s) == 0)
		nr_sha256_update(&s, data, len);
	return nr_sha256_final(&s, out);
}

void nr_sha256_hex(const unsigned char digest[NR_SHA256_LEN], char out[NR_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < NR_SHA256_LEN; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[NR_SHA256_HEX - 1] = '\0';
}
