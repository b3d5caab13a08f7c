// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test runner for corevisor/crypto.  Built for the host with OpenSSL as the
 * reference, or with CRYPTO_TEST_NO_OPENSSL for aarch64 under qemu-user,
 * where only the known-answer and rejection tests run.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

unsigned int test_passed, test_failed;

static uint64_t rng_state;

void rng_seed(uint64_t seed)
{
	rng_state = seed;
}

uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_bytes(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rng_next();
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *hex; hex++) {
		v = nibble(*hex);
		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap) {
			fprintf(stderr, "%s: more than %zu bytes\n", __func__, cap);
			exit(2);
		}
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return n;
}

int main(void)
{
	const char *env = getenv("CRYPTO_TEST_SEED");
	uint64_t seed;

	if (env)
		seed = strtoull(env, NULL, 0);
	else
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	printf("seed %llu (CRYPTO_TEST_SEED=%llu repeats this run)\n",
	       (unsigned long long)seed, (unsigned long long)seed);
	rng_seed(seed);

	test_sha512();
	test_ed25519();
#ifndef CRYPTO_TEST_NO_OPENSSL
	test_ed25519_internal();
	test_ed25519_random();
#endif

	printf("%u passed, %u failed\n", test_passed, test_failed);
	return test_failed ? 1 : 0;
}
