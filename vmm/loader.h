/* SPDX-License-Identifier: GPL-2.0-only */
/* Placing an arm64 Linux Image, an initramfs and the DTB in guest RAM. */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include "vmm.h"

#define ARM64_IMAGE_MAGIC	0x644d5241u	/* "ARM\x64" */
#define ARM64_IMAGE_HDR_SIZE	64
#define LOADER_DTB_MAX		(2ULL << 20)	/* booting.rst: at most 2 MiB */

struct arm64_image_info {
	uint64_t text_offset;	/* load at a 2 MiB boundary + this */
	uint64_t image_size;	/* bytes the kernel uses from there, BSS too */
};

/*
 * Parse the 64-byte header of an arm64 Image (Documentation/arm64/
 * booting.rst).  Returns NULL, or a static string saying what is wrong.
 */
const char *arm64_image_parse(const uint8_t *hdr, size_t len,
			      struct arm64_image_info *info);

/* Read the kernel at path and copy it to its load address in RAM. */
int loader_load_kernel(struct vm *vm, const char *path,
		       struct boot_layout *layout);

/*
 * Choose where the DTB goes (the last 2 MiB of RAM) and load the initrd
 * (path may be NULL) right below it, checking nothing overlaps the kernel.
 */
int loader_place_initrd_and_dtb(struct vm *vm, const char *path,
				struct boot_layout *layout);

#endif
