/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ed25519 signature verification (RFC 8032 section 5.1.7) for the
 * corevisor.  Freestanding: no libc.
 */
#ifndef COREVISOR_CRYPTO_ED25519_H
#define COREVISOR_CRYPTO_ED25519_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Returns true iff sig (R || S) is a valid Ed25519 signature of the len
 * bytes at msg under the public key pk.  Rejects non-canonical or
 * off-curve encodings of A and R, and S >= L.  Not constant time: every
 * input of a verification is public.
 */
bool ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
		    const uint8_t pk[32]);

#endif /* COREVISOR_CRYPTO_ED25519_H */
