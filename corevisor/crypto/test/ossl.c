// SPDX-License-Identifier: GPL-2.0-only
/* OpenSSL (EVP_PKEY_ED25519) as the reference for the Ed25519 tests. */
#include <stdio.h>
#include <stdlib.h>
#include <openssl/evp.h>

#include "ossl.h"

static void die(const char *what)
{
	fprintf(stderr, "OpenSSL: %s failed\n", what);
	exit(2);
}

void ossl_sign(const uint8_t sk[32], const uint8_t *msg, size_t len,
	       uint8_t sig[64], uint8_t pk[32])
{
	EVP_PKEY *key;
	EVP_MD_CTX *md;
	size_t n;

	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, sk, 32);
	if (!key)
		die("EVP_PKEY_new_raw_private_key");
	n = 32;
	if (!EVP_PKEY_get_raw_public_key(key, pk, &n) || n != 32)
		die("EVP_PKEY_get_raw_public_key");
	md = EVP_MD_CTX_new();
	n = 64;
	if (!md || EVP_DigestSignInit(md, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(md, sig, &n, msg, len) != 1 || n != 64)
		die("EVP_DigestSign");
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
}

bool ossl_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
		 const uint8_t pk[32])
{
	EVP_PKEY *key;
	EVP_MD_CTX *md;
	int ok;

	key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk, 32);
	if (!key)
		return false;	/* OpenSSL refuses some encodings up front */
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) != 1)
		die("EVP_DigestVerifyInit");
	ok = EVP_DigestVerify(md, sig, 64, msg, len);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return ok == 1;
}
