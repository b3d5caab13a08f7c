/* SPDX-License-Identifier: GPL-2.0-only */
/* Host test harness for corevisor/crypto: counters and small helpers. */
#ifndef CRYPTO_TEST_H
#define CRYPTO_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern unsigned int test_passed, test_failed;

/* Record one check; print it only when it fails. */
#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			test_passed++;					\
		} else {					\
			test_failed++;					\
			printf("FAIL %s:%d: ", __FILE__, __LINE__);	\
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

/* Parse hex (whitespace ignored) into out; returns the byte count. */
size_t unhex(uint8_t *out, size_t cap, const char *hex);
/* splitmix64: a small seeded generator for the randomized tests. */
uint64_t rng_next(void);
void rng_seed(uint64_t seed);
void rng_bytes(uint8_t *p, size_t n);

void test_sha512(void);
void test_ed25519(void);
void test_ed25519_random(void);
void test_ed25519_internal(void);

#endif /* CRYPTO_TEST_H */
