// SPDX-License-Identifier: GPL-2.0-only
/*
 * SHA-512: the FIPS 180-4 examples (digests transcribed, then cross-checked
 * with OpenSSL), incremental updates in odd chunk sizes, every length across
 * the padding boundaries, and random messages against OpenSSL.
 */
#include <stdlib.h>
#include <string.h>
#ifndef CRYPTO_TEST_NO_OPENSSL
#include <openssl/evp.h>
#endif

#include "test.h"
#include "../sha512.h"

static const struct {
	const char *name;
	const char *msg;	/* NULL: one million 'a' */
	const char *digest;
} fips[] = {
	{ "abc", "abc",
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	},
	{ "448-bit", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
	},
	{ "896-bit",
	  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
	},
	{ "empty", "",
	  "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
	},
	{ "million a", NULL,
	  "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
	},
};

/* The reference digest: OpenSSL, or (aarch64 build) our own one-shot. */
static void ref_sha512(const uint8_t *msg, size_t len, uint8_t out[64])
{
#ifdef CRYPTO_TEST_NO_OPENSSL
	sha512(msg, len, out);
#else
	unsigned int n = 0;

	if (!EVP_Digest(msg, len, out, &n, EVP_sha512(), NULL) || n != 64) {
		fprintf(stderr, "EVP_Digest failed\n");
		exit(2);
	}
#endif
}

/* Hash msg feeding chunk sizes from sizes[] in turn (0 ends the list). */
static void sha512_chunked(const uint8_t *msg, size_t len,
			   const size_t *sizes, uint8_t out[64])
{
	struct sha512_ctx ctx;
	size_t off = 0, i = 0, n;

	sha512_init(&ctx);
	while (off < len) {
		n = sizes[i] < len - off ? sizes[i] : len - off;
		sha512_update(&ctx, msg + off, n);
		off += n;
		if (!sizes[++i])
			i = 0;
	}
	sha512_update(&ctx, msg, 0);	/* an empty update changes nothing */
	sha512_final(&ctx, out);
}

static void test_fips(void)
{
	static const size_t odd[][4] = {
		{ 1, 0 }, { 3, 0 }, { 7, 13, 0 }, { 127, 0 }, { 129, 0 },
		{ 5, 250, 1, 0 }, { 111, 17, 0 }, { 1000, 0 },
	};
	uint8_t want[64], got[64], ref[64];
	const uint8_t *msg;
	uint8_t *million;
	size_t len, i, j;

	million = malloc(1000000);
	memset(million, 'a', 1000000);
	for (i = 0; i < ARRAY_SIZE(fips); i++) {
		msg = fips[i].msg ? (const uint8_t *)fips[i].msg : million;
		len = fips[i].msg ? strlen(fips[i].msg) : 1000000;
		CHECK(unhex(want, 64, fips[i].digest) == 64, "%s: hex", fips[i].name);

		ref_sha512(msg, len, ref);
		CHECK(!memcmp(ref, want, 64),
		      "%s: transcribed digest differs from the reference",
		      fips[i].name);
		sha512(msg, len, got);
		CHECK(!memcmp(got, want, 64), "%s: one-shot digest", fips[i].name);
		for (j = 0; j < ARRAY_SIZE(odd); j++) {
			sha512_chunked(msg, len, odd[j], got);
			CHECK(!memcmp(got, want, 64), "%s: chunks of %zu,%zu,...",
			      fips[i].name, odd[j][0], odd[j][1]);
		}
	}
	free(million);
}

/* Every length 0..400 covers the 111/112 and 127/128 padding edges. */
static void test_lengths(void)
{
	static const size_t ones[] = { 1, 0 };
	uint8_t msg[400], got[64], ref[64];
	unsigned int bad_oneshot = 0, bad_chunked = 0;
	size_t len;

	rng_bytes(msg, sizeof(msg));
	for (len = 0; len <= sizeof(msg); len++) {
		ref_sha512(msg, len, ref);
		sha512(msg, len, got);
		bad_oneshot += !!memcmp(got, ref, 64);
		sha512_chunked(msg, len, ones, got);
		bad_chunked += !!memcmp(got, ref, 64);
	}
	CHECK(!bad_oneshot, "%u of lengths 0..400 differ from the reference",
	      bad_oneshot);
	CHECK(!bad_chunked, "%u of lengths 0..400 differ byte by byte",
	      bad_chunked);
}

static void test_random(void)
{
	uint8_t msg[3001], got[64], ref[64];
	size_t sizes[6], len;
	unsigned int bad = 0, iter, j;

	for (iter = 0; iter < 300; iter++) {
		len = rng_next() % sizeof(msg);
		rng_bytes(msg, len);
		for (j = 0; j < 5; j++)
			sizes[j] = 1 + rng_next() % 300;
		sizes[5] = 0;
		ref_sha512(msg, len, ref);
		sha512_chunked(msg, len, sizes, got);
		if (memcmp(got, ref, 64)) {
			bad++;
			printf("sha512 mismatch: length %zu\n", len);
		}
	}
	CHECK(!bad, "%u of 300 random chunked messages differ from the reference",
	      bad);
}

void test_sha512(void)
{
	test_fips();
	test_lengths();
	test_random();
}
