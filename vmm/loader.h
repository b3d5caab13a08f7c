/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Placing an arm64 Linux Image, an initramfs and the DTB in guest RAM, in
 * three steps so that bad input is refused before /dev/kvm is touched:
 * read (files, header), plan (addresses, pure), copy (into guest RAM).
 */
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

struct boot_files {
	const char *kernel_path;
	uint8_t *kernel;
	size_t kernel_len;
	struct arm64_image_info info;
	const char *initrd_path;	/* NULL: no initrd */
	uint8_t *initrd;
	size_t initrd_len;
};

/*
 * Parse the 64-byte header of an arm64 Image (Documentation/arm64/
 * booting.rst).  Returns NULL, or a static string saying what is wrong.
 */
const char *arm64_image_parse(const uint8_t *hdr, size_t len,
			      struct arm64_image_info *info);

/*
 * Read the kernel (and initrd, may be NULL) and check the kernel header.
 * raw: the kernel is a raw image with no header (what QEMU's -kernel
 * takes as a non-Image file), loaded and entered at RAM base +
 * load_offset, a page multiple (loader_plan checks that it fits).
 */
int loader_read(struct boot_files *files, const char *kernel,
		const char *initrd, bool raw, uint64_t load_offset);

/*
 * Choose the addresses for ram_size bytes of RAM: the kernel at RAM base +
 * text_offset, the DTB in the last 2 MiB, the initrd right below it.
 * Refuses (naming the file) anything that does not fit or would overlap.
 */
int loader_plan(const struct boot_files *files, uint64_t ram_size,
		struct boot_layout *layout);

/* Copy the kernel and initrd to their planned places in guest RAM. */
int loader_copy(struct vm *vm, const struct boot_files *files,
		const struct boot_layout *layout);

void loader_free(struct boot_files *files);

#endif
