/* SPDX-License-Identifier: GPL-2.0-only */
/* OpenSSL as the reference for the Ed25519 tests. */
#ifndef CRYPTO_TEST_OSSL_H
#define CRYPTO_TEST_OSSL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Derive pk from the 32-byte secret sk and sign msg; exits on error. */
void ossl_sign(const uint8_t sk[32], const uint8_t *msg, size_t len,
	       uint8_t sig[64], uint8_t pk[32]);
bool ossl_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
		 const uint8_t pk[32]);

#endif /* CRYPTO_TEST_OSSL_H */
