/* SPDX-License-Identifier: MIT */
/* OpenSSH formats read from files a user names (collector/trust/sshsig.c):
 * an armored SSHSIG signature, a public key line, a private key file.  The
 * first byte picks the parser. */
#include "fuzz.h"
#include "trust/sshsig.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nr_sshsig sig;
	struct nr_error err;
	char type[64], fpr[NR_SSH_FPR_MAX], *s;

	if (size < 1)
		return 0;
	s = nr_fuzz_cstr(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		if (nr_sshsig_parse(s, size - 1, &sig, &err) == 0) {
			NR_FUZZ_ASSERT(memchr(sig.namespace_, '\0', sizeof(sig.namespace_)), "namespace unterminated");
			NR_FUZZ_ASSERT(memchr(sig.fingerprint, '\0', sizeof(sig.fingerprint)), "fingerprint unterminated");
		}
		break;
	case 1:
		if (nr_ssh_pubkey_parse(s, type, sizeof(type), fpr, &err) == 0)
			NR_FUZZ_ASSERT(strncmp(fpr, "SHA256:", 7) == 0, "fingerprint is not SHA256:...");
		break;
	default:
		(void)nr_ssh_privkey_parse(s, size - 1, type, sizeof(type), fpr, &err);
		break;
	}
	free(s);
	return 0;
}
