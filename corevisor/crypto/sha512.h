/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-512 (FIPS 180-4) for the corevisor.  Freestanding: no libc.
 */
#ifndef COREVISOR_CRYPTO_SHA512_H
#define COREVISOR_CRYPTO_SHA512_H

#include <stddef.h>
#include <stdint.h>

#define SHA512_BLOCK_SIZE	128
#define SHA512_DIGEST_SIZE	64

struct sha512_ctx {
	uint64_t h[8];			/* chaining value H(i) */
	uint64_t len;			/* message bytes hashed so far */
	uint8_t buf[SHA512_BLOCK_SIZE];	/* partial block, len % 128 bytes */
};

void sha512_init(struct sha512_ctx *ctx);
void sha512_update(struct sha512_ctx *ctx, const void *data, size_t len);
/* Writes the digest; call sha512_init before reusing ctx. */
void sha512_final(struct sha512_ctx *ctx, uint8_t out[SHA512_DIGEST_SIZE]);
void sha512(const void *msg, size_t len, uint8_t out[SHA512_DIGEST_SIZE]);

#endif /* COREVISOR_CRYPTO_SHA512_H */
