/* SPDX-License-Identifier: MIT */
/* The config file (collector/util/config.c): $XDG_CONFIG_HOME points at a
 * directory of the harness's whose nest-report/config holds the input. */
#include "fuzz.h"
#include "util/config.h"

#include <sys/stat.h>

static char file[256];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char dir[] = "/tmp/nr-fuzz-config-XXXXXX";
	char sub[200];

	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	snprintf(sub, sizeof(sub), "%s/nest-report", dir);
	mkdir(sub, 0700);
	snprintf(file, sizeof(file), "%s/config", sub);
	setenv("XDG_CONFIG_HOME", dir, 1);
	setenv("HOME", dir, 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "sign.key", "sign.signer_id", "sign.enabled",
		                            "verify.allowed_signers", "upload.url", "upload.method",
		                            "upload.token_file", "upload.cacert" };
	char path[4096];
	FILE *f = fopen(file, "wb");
	size_t i;

	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	nr_config_reset();
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = nr_config_get(keys[i]);

		if (v)
			NR_FUZZ_ASSERT(!strchr(v, '\n'), "a value spans lines");
		(void)nr_config_path(keys[i], path, sizeof(path));
	}
	(void)nr_config_bool("sign.enabled", 1);
	for (i = 0; i < nr_config_warning_count(); i++) {
		const char *w = nr_config_warning(i);

		NR_FUZZ_ASSERT(w && !strchr(w, '\n'), "a warning spans lines");
	}
	return 0;
}
