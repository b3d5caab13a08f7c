// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading follows Documentation/arm64/booting.rst: the Image goes
 * text_offset bytes above a 2 MiB aligned base (here the start of RAM, so
 * a 5.10 Image with text_offset 0 lands at 0x40000000, the address
 * sekvm-sign assumes by default), the DTB 8-byte aligned and at most
 * 2 MiB, the initrd anywhere else in RAM.
 */
#include "loader.h"
#include "fileio.h"
#include "le.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SZ_2M		(2ULL << 20)
#define PAGE		4096ULL
/* booting.rst: an image_size of 0 means a pre-3.17 kernel at 0x80000. */
#define LEGACY_TEXT_OFFSET 0x80000ULL

const char *arm64_image_parse(const uint8_t *hdr, size_t len,
			      struct arm64_image_info *info)
{
	uint64_t flags;

	if (len < ARM64_IMAGE_HDR_SIZE)
		return "shorter than the 64-byte arm64 Image header";
	if (get_le(hdr + 56, 4) != ARM64_IMAGE_MAGIC)
		return "no arm64 Image magic \"ARM\\x64\" at offset 56 "
		       "(a vmlinux ELF or a compressed Image.gz?)";
	info->text_offset = get_le(hdr + 8, 8);
	info->image_size = get_le(hdr + 16, 8);
	flags = get_le(hdr + 24, 8);
	if (info->image_size == 0) {
		info->text_offset = LEGACY_TEXT_OFFSET;
		info->image_size = len;	/* best known; BSS size unknown */
	}
	if (flags & 1)
		return "big-endian kernel (header flags bit 0)";
	if (info->text_offset % PAGE || info->text_offset >= SZ_2M)
		return "text_offset is not a page offset below 2 MiB";
	if (info->image_size < len)
		return "image_size in the header is smaller than the file";
	return NULL;
}

/*
 * A raw image has no header to say where it goes or how much memory it
 * needs beyond the file: it goes where the user said, and RAM above it
 * is the image's to use (kvm-unit-tests' .flat files find their free
 * memory from the DTB).
 */
static const char *raw_image_info(size_t len, uint64_t load_offset,
				  struct arm64_image_info *info)
{
	if (!len)
		return "empty file";
	if (load_offset % PAGE)
		return "--load-offset is not a multiple of 4 KiB";
	info->text_offset = load_offset;
	info->image_size = len;
	return NULL;
}

int loader_read(struct boot_files *files, const char *kernel,
		const char *initrd, bool raw, uint64_t load_offset)
{
	const char *why;

	memset(files, 0, sizeof(*files));
	files->kernel_path = kernel;
	files->initrd_path = initrd;
	files->kernel = read_file("vmm", kernel, &files->kernel_len);
	if (!files->kernel)
		return -1;
	if (raw) {
		why = raw_image_info(files->kernel_len, load_offset,
				     &files->info);
		if (why) {
			fprintf(stderr, "vmm: %s: raw image: %s\n", kernel,
				why);
			return -1;
		}
	} else if ((why = arm64_image_parse(files->kernel, files->kernel_len,
					    &files->info))) {
		fprintf(stderr, "vmm: %s: not a bootable arm64 Image: %s "
			"(--raw boots a headerless image)\n", kernel, why);
		return -1;
	}
	if (initrd) {
		files->initrd = read_file("vmm", initrd, &files->initrd_len);
		if (!files->initrd)
			return -1;
	}
	return 0;
}

int loader_plan(const struct boot_files *files, uint64_t ram_size,
		struct boot_layout *layout)
{
	uint64_t ram_end = VMM_RAM_BASE + ram_size, kernel_top;

	memset(layout, 0, sizeof(*layout));
	layout->kernel_ipa = VMM_RAM_BASE + files->info.text_offset;
	layout->kernel_file_size = files->kernel_len;
	layout->kernel_end = layout->kernel_ipa + files->info.image_size;
	kernel_top = (layout->kernel_end + PAGE - 1) & ~(PAGE - 1);
	if (ram_end < LOADER_DTB_MAX ||
	    kernel_top > ((ram_end - LOADER_DTB_MAX) & ~(SZ_2M - 1))) {
		fprintf(stderr, "vmm: %s: kernel needs %llu KiB at 0x%llx; "
			"with the device tree that is more than guest RAM "
			"(%llu MiB)\n", files->kernel_path,
			(unsigned long long)(files->info.image_size >> 10),
			(unsigned long long)layout->kernel_ipa,
			(unsigned long long)(ram_size >> 20));
		return -1;
	}
	layout->dtb_ipa = (ram_end - LOADER_DTB_MAX) & ~(SZ_2M - 1);
	if (!files->initrd)
		return 0;
	if (files->initrd_len > layout->dtb_ipa - kernel_top) {
		fprintf(stderr, "vmm: %s: initrd of %zu KiB does not fit in "
			"guest RAM (%llu MiB) beside the kernel\n",
			files->initrd_path, files->initrd_len >> 10,
			(unsigned long long)(ram_size >> 20));
		return -1;
	}
	layout->initrd_start = (layout->dtb_ipa - files->initrd_len) &
			       ~(PAGE - 1);
	layout->initrd_end = layout->initrd_start + files->initrd_len;
	return 0;
}

/* Copy len bytes to ipa; the plan guarantees the range is RAM. */
static int copy_in(struct vm *vm, uint64_t ipa, const void *src, size_t len,
		   const char *what)
{
	void *dst = vm_ram_ptr(vm, ipa, len);

	if (!dst) {
		fprintf(stderr, "vmm: %s does not fit at 0x%llx\n", what,
			(unsigned long long)ipa);
		return -1;
	}
	memcpy(dst, src, len);
	return 0;
}

int loader_copy(struct vm *vm, const struct boot_files *files,
		const struct boot_layout *layout)
{
	if (copy_in(vm, layout->kernel_ipa, files->kernel, files->kernel_len,
		    files->kernel_path) < 0)
		return -1;
	if (files->initrd &&
	    copy_in(vm, layout->initrd_start, files->initrd,
		    files->initrd_len, files->initrd_path) < 0)
		return -1;
	return 0;
}

void loader_free(struct boot_files *files)
{
	free(files->kernel);
	free(files->initrd);
	files->kernel = files->initrd = NULL;
}
