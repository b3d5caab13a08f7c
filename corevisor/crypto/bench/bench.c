// SPDX-License-Identifier: GPL-2.0-only
/*
 * Workloads for instruction counting under callgrind (see crypto.mk,
 * target crypto-bench):
 *   crypto-bench verify [IR]   10 verifications of a 1 KiB message
 *   crypto-bench sha512 [IR]   4 one-shot hashes of 1 MiB
 * Given IR, the instructions callgrind collected for the workload, it
 * prints the count per operation instead of running it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ed25519.h"
#include "../sha512.h"
#include "../test/ossl.h"

#define VERIFY_RUNS 10
#define SHA_RUNS 4
#define MIB (1024 * 1024)

int main(int argc, char **argv)
{
	static uint8_t buf[MIB];
	uint8_t sk[32], pk[32], sig[64], digest[64];
	int verify, i, ok = 0;
	size_t k;

	if (argc < 2)
		return 2;
	verify = !strcmp(argv[1], "verify");
	if (argc > 2) {
		unsigned long long ir = strtoull(argv[2], NULL, 10);

		if (verify)
			printf("ed25519_verify, 1 KiB message: %llu instructions\n",
			       ir / VERIFY_RUNS);
		else
			printf("sha512: %llu instructions per MiB\n", ir / SHA_RUNS);
		return 0;
	}

	for (k = 0; k < sizeof(buf); k++)
		buf[k] = (uint8_t)(k * 131 + 7);
	if (verify) {
		memcpy(sk, buf, 32);
		ossl_sign(sk, buf, 1024, sig, pk);
		for (i = 0; i < VERIFY_RUNS; i++)
			ok += ed25519_verify(sig, buf, 1024, pk);
		return ok == VERIFY_RUNS ? 0 : 1;
	}
	for (i = 0; i < SHA_RUNS; i++)
		sha512(buf, MIB, digest);
	return digest[0] == 0x42;	/* keep the result live */
}
