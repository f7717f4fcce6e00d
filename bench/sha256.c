/* SPDX-License-Identifier: MIT */
/* Hashes FILE with nr_sha256 in 64 KiB reads, the size verify and show
 * read bundle members in, and prints the hex digest, as sha256sum does.
 * bench/sha256.sh times it against openssl and sha256sum on the same file. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "util/sha256.h"

#define CHUNK 65536

int main(int argc, char **argv)
{
	static unsigned char buf[CHUNK];
	unsigned char d[NR_SHA256_LEN];
	char hex[NR_SHA256_HEX];
	struct nr_sha256 s;
	ssize_t n;
	int fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0) {
		fprintf(stderr, "usage: sha256 FILE\n");
		return 2;
	}
	if (nr_sha256_init(&s) < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		nr_sha256_update(&s, buf, (size_t)n);
	if (n < 0 || nr_sha256_final(&s, d) < 0)
		return 1;
	nr_sha256_hex(d, hex);
	printf("%s\n", hex);
	close(fd);
	return 0;
}
