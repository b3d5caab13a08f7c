// SPDX-License-Identifier: GPL-2.0-only
/*
 * Builds the 88-byte signed message for a VM image (see image_msg.h).
 * Laid out byte by byte rather than by copying the ABI struct, so the
 * result is little endian on any host; a static assertion ties the size
 * to the ABI header the corevisor uses.
 */
#include "image_msg.h"

#include <corevisor/abi.h>
#include <openssl/evp.h>
#include <string.h>

_Static_assert(sizeof(struct cv_image_signed) == IMAGE_MSG_SIZE,
	       "image message size differs from the corevisor ABI");

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* SHA-512 of the image followed by zeros up to the page boundary. */
static int padded_digest(uint8_t out[64], const void *image, size_t len)
{
	static const uint8_t zeros[IMAGE_PAGE_SIZE];
	size_t pad = (size_t)(image_signed_size(len) - len);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int outlen = 0;
	int ok;

	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) &&
	     EVP_DigestUpdate(ctx, image, len) &&
	     EVP_DigestUpdate(ctx, zeros, pad) &&
	     EVP_DigestFinal_ex(ctx, out, &outlen) && outlen == 64;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int image_msg_build(uint8_t msg[IMAGE_MSG_SIZE], const void *image,
		    size_t len, uint64_t ipa)
{
	if (ipa & (IMAGE_PAGE_SIZE - 1))
		return -1;
	memcpy(msg, CV_IMAGE_SIG_TAG, 8);
	put_le64(msg + 8, ipa);
	put_le64(msg + 16, image_signed_size(len));
	return padded_digest(msg + 24, image, len);
}
