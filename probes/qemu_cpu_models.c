/* SPDX-License-Identifier: MIT */
/* QEMU's named x86 CPU models and whether their definition has vmx or svm
 * (parse.h, nr_qemu_x86_model).  Our own table, written from QEMU's model
 * list (`qemu-system-x86_64 -cpu help`) and checked against what QEMU 7.2
 * itself answers (query-cpu-model-expansion, tests/fixtures/qemu/): no
 * named model has vmx (it is always asked for: -cpu MODEL,vmx=on), the
 * AMD-style ones from Opteron_G2 on, qemu64 and phenom have svm.  Models
 * QEMU added after 7.2 (SapphireRapids, GraniteRapids, SierraForest,
 * ClearwaterForest, EPYC-Genoa, EPYC-Turin, YongFeng) follow their
 * vendor's rule.  A versioned name (NAME-v2) and the alias suffixes
 * (-noTSX, -IBRS, -IBPB, -noTSX-IBRS) change neither. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct nr_qemu_model models[] = {
	/* QEMU's own and KVM's generic models */
	{ "qemu64", NR_QEMU_VENDOR_AMD, false, true },
	{ "qemu32", NR_QEMU_VENDOR_INTEL, false, false },
	{ "kvm64", NR_QEMU_VENDOR_INTEL, false, false },
	{ "kvm32", NR_QEMU_VENDOR_INTEL, false, false },
	{ "base", NR_QEMU_VENDOR_OTHER, false, false },
	/* Intel */
	{ "486", NR_QEMU_VENDOR_INTEL, false, false },
	{ "pentium", NR_QEMU_VENDOR_INTEL, false, false },
	{ "pentium2", NR_QEMU_VENDOR_INTEL, false, false },
	{ "pentium3", NR_QEMU_VENDOR_INTEL, false, false },
	{ "coreduo", NR_QEMU_VENDOR_INTEL, false, false },
	{ "core2duo", NR_QEMU_VENDOR_INTEL, false, false },
	{ "n270", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Conroe", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Penryn", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Nehalem", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Westmere", NR_QEMU_VENDOR_INTEL, false, false },
	{ "SandyBridge", NR_QEMU_VENDOR_INTEL, false, false },
	{ "IvyBridge", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Haswell", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Broadwell", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Skylake-Client", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Skylake-Server", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Cascadelake-Server", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Cooperlake", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Icelake-Client", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Icelake-Server", NR_QEMU_VENDOR_INTEL, false, false },
	{ "SapphireRapids", NR_QEMU_VENDOR_INTEL, false, false },
	{ "GraniteRapids", NR_QEMU_VENDOR_INTEL, false, false },
	{ "SierraForest", NR_QEMU_VENDOR_INTEL, false, false },
	{ "ClearwaterForest", NR_QEMU_VENDOR_INTEL, false, false },
	{ "KnightsMill", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Denverton", NR_QEMU_VENDOR_INTEL, false, false },
	{ "Snowridge", NR_QEMU_VENDOR_INTEL, false, false },
	/* AMD, Hygon, Zhaoxin */
	{ "athlon", NR_QEMU_VENDOR_AMD, false, false },
	{ "phenom", NR_QEMU_VENDOR_AMD, false, true },
	{ "Opteron_G1", NR_QEMU_VENDOR_AMD, false, false },
	{ "Opteron_G2", NR_QEMU_VENDOR_AMD, false, true },
	{ "Opteron_G3", NR_QEMU_VENDOR_AMD, false, true },
	{ "Opteron_G4", NR_QEMU_VENDOR_AMD, false, true },
	{ "Opteron_G5", NR_QEMU_VENDOR_AMD, false, true },
	{ "EPYC", NR_QEMU_VENDOR_AMD, false, true },
	{ "EPYC-Rome", NR_QEMU_VENDOR_AMD, false, true },
	{ "EPYC-Milan", NR_QEMU_VENDOR_AMD, false, true },
	{ "EPYC-Genoa", NR_QEMU_VENDOR_AMD, false, true },
	{ "EPYC-Turin", NR_QEMU_VENDOR_AMD, false, true },
	{ "Dhyana", NR_QEMU_VENDOR_AMD, false, true },
	{ "YongFeng", NR_QEMU_VENDOR_OTHER, false, false },
};

/* Strip "-vN" (digits), then "-IBRS" or "-IBPB", then "-noTSX". */
static size_t base_len(const char *m, size_t len)
{
	static const char *const suffixes[] = { "-IBRS", "-IBPB", "-noTSX" };
	size_t i, k;

	for (i = len; i > 0 && isdigit((unsigned char)m[i - 1]); i--)
		;
	if (i < len && i >= 2 && m[i - 1] == 'v' && m[i - 2] == '-')
		len = i - 2;
	for (k = 0; k < sizeof(suffixes) / sizeof(suffixes[0]); k++) {
		size_t sl = strlen(suffixes[k]);

		if (len > sl && strncmp(m + len - sl, suffixes[k], sl) == 0)
			len -= sl;
	}
	return len;
}

const struct nr_qemu_model *nr_qemu_x86_model(const char *m)
{
	size_t len = m ? strlen(m) : 0, i;

	len = base_len(m, len);
	for (i = 0; len && i < sizeof(models) / sizeof(models[0]); i++)
		if (strlen(models[i].name) == len && strncmp(models[i].name, m, len) == 0)
			return &models[i];
	return NULL;
}

bool nr_qemu_x86_model_has_svm(const char *m)
{
	const struct nr_qemu_model *model = nr_qemu_x86_model(m);

	return model && model->svm;
}
