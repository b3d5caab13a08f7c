/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The message a VM image signature covers, as the corevisor checks it
 * (corevisor/core/boot.c image_ok): Ed25519 over struct cv_image_signed,
 * "CVIMAGE1" || ipa (LE64) || size (LE64) || SHA-512(image).  The image
 * is hashed page by page as the VM maps it, so "image" means the file's
 * bytes padded with zeros to a whole number of 4 KiB pages, and "size" is
 * that padded length.
 */
#ifndef VMM_IMAGE_MSG_H
#define VMM_IMAGE_MSG_H

#include <stddef.h>
#include <stdint.h>

#define IMAGE_PAGE_SIZE		4096UL
#define IMAGE_MSG_SIZE		88
#define IMAGE_SIG_SIZE		64
#define IMAGE_PUBKEY_SIZE	32

/* The signed length of an image of len bytes: whole pages.  Inline, so
 * the VMM (which links no OpenSSL) shares it with sekvm-sign.
 */
static inline uint64_t image_signed_size(uint64_t len)
{
	return (len + IMAGE_PAGE_SIZE - 1) & ~(IMAGE_PAGE_SIZE - 1);
}

/*
 * Fill msg (IMAGE_MSG_SIZE bytes) for the len bytes at image loaded at
 * guest address ipa.  Uses OpenSSL's SHA-512.  Returns 0, or -1 if ipa is
 * not page aligned (the corevisor refuses such slots).
 */
int image_msg_build(uint8_t msg[IMAGE_MSG_SIZE], const void *image,
		    size_t len, uint64_t ipa);

#endif
