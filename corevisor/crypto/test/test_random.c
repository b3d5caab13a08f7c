// SPDX-License-Identifier: GPL-2.0-only
/*
 * Randomized cross-check against OpenSSL: 2000 random keys and messages
 * (0..3000 bytes) signed by OpenSSL must verify; each with one random bit
 * flipped in the signature, the key or the message must not.  The seed is
 * printed by main().
 */
#include <stdlib.h>

#include "test.h"
#include "ossl.h"
#include "../ed25519.h"

#define ROUNDS 2000

void test_ed25519_random(void)
{
	static uint8_t msg[3000];
	uint8_t sk[32], pk[32], sig[64];
	unsigned int good = 0, rejected = 0, agree = 0, i;
	unsigned int flipped[3] = { 0 };
	size_t len, b;
	uint8_t *where;
	int what;

	for (i = 0; i < ROUNDS; i++) {
		rng_bytes(sk, 32);
		len = rng_next() % (sizeof(msg) + 1);
		rng_bytes(msg, len);
		ossl_sign(sk, msg, len, sig, pk);
		if (ed25519_verify(sig, msg, len, pk))
			good++;
		else
			printf("round %u: valid signature rejected (len %zu)\n",
			       i, len);

		/* 0: signature, 1: key, 2: message (only if there is one). */
		what = (int)(rng_next() % (len ? 3 : 2));
		where = what == 0 ? sig : what == 1 ? pk : msg;
		b = rng_next() % (what == 0 ? 512 : what == 1 ? 256 : 8 * len);
		where[b / 8] ^= (uint8_t)(1 << (b % 8));
		flipped[what]++;
		if (!ed25519_verify(sig, msg, len, pk))
			rejected++;
		else
			printf("round %u: flip of bit %zu in %s accepted\n", i,
			       b, what == 0 ? "sig" : what == 1 ? "key" : "msg");
		agree += !ossl_verify(sig, msg, len, pk);
	}
	printf("random: %u rounds, flips in sig/key/msg: %u/%u/%u\n", ROUNDS,
	       flipped[0], flipped[1], flipped[2]);
	CHECK(good == ROUNDS, "%u of %u OpenSSL signatures verify", good,
	      ROUNDS);
	CHECK(rejected == ROUNDS, "%u of %u flipped signatures rejected",
	      rejected, ROUNDS);
	CHECK(agree == ROUNDS, "OpenSSL rejects only %u of the %u flips", agree,
	      ROUNDS);
}
