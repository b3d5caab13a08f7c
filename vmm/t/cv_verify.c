// SPDX-License-Identifier: GPL-2.0-only
/*
 * cv_verify PUBFILE IMAGE SIGFILE IPA: the corevisor's own check of a VM
 * image signature, run on the host.  It is linked with the corevisor's
 * crypto/sha512.c and crypto/ed25519.c (not OpenSSL) and rebuilds the
 * message exactly as corevisor/core/boot.c image_ok does: the image hashed
 * in 4 KiB pages (the last one zero padded, as guest RAM is), then
 * ed25519_verify over struct cv_image_signed.  So sekvm-sign and the
 * corevisor are checked against each other, not each against itself.
 *
 * Exit 0: the corevisor would accept; 1: it would refuse; 2: bad input.
 */
#include "../fileio.h"

#include <corevisor/abi.h>
#include <crypto/ed25519.h>
#include <crypto/sha512.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "cv_verify"
#define PAGE 4096UL

/* image_digest() in boot.c: whole pages, as mapped into the VM. */
static void digest_pages(const uint8_t *img, size_t len, uint8_t out[64])
{
	static uint8_t page[PAGE];
	struct sha512_ctx ctx;
	size_t off;

	sha512_init(&ctx);
	for (off = 0; off < len; off += PAGE) {
		size_t n = len - off < PAGE ? len - off : PAGE;

		memset(page, 0, sizeof(page));
		memcpy(page, img + off, n);
		sha512_update(&ctx, page, PAGE);
	}
	sha512_final(&ctx, out);
}

int main(int argc, char **argv)
{
	size_t publen, imglen, siglen;
	uint8_t *pub, *img, *sig;
	struct cv_image_signed msg;
	char *end;
	unsigned long long ipa;
	int ok;

	if (argc != 5) {
		fprintf(stderr, "usage: " PROG " PUBFILE IMAGE SIGFILE IPA\n");
		return 2;
	}
	ipa = strtoull(argv[4], &end, 0);
	pub = read_file(PROG, argv[1], &publen);
	img = read_file(PROG, argv[2], &imglen);
	sig = read_file(PROG, argv[3], &siglen);
	if (!pub || !img || !sig || *end || publen != 32 || siglen != 64) {
		fprintf(stderr, PROG ": bad input (key 32 bytes, signature 64 "
			"bytes, IPA a number)\n");
		return 2;
	}
	memcpy(msg.tag, CV_IMAGE_SIG_TAG, sizeof(msg.tag));
	msg.ipa = ipa;		/* host and corevisor are little endian */
	msg.size = (imglen + PAGE - 1) & ~(PAGE - 1);
	digest_pages(img, imglen, msg.digest);
	ok = ed25519_verify(sig, (const uint8_t *)&msg, sizeof(msg), pub);
	printf("corevisor ed25519_verify: %s\n", ok ? "accept" : "refuse");
	free(pub);
	free(img);
	free(sig);
	return ok ? 0 : 1;
}
