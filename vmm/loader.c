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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SZ_2M		(2ULL << 20)
#define PAGE		4096ULL
/* booting.rst: an image_size of 0 means a pre-3.17 kernel at 0x80000. */
#define LEGACY_TEXT_OFFSET 0x80000ULL

static uint64_t get_le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = (v << 8) | p[bytes];
	return v;
}

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

int loader_load_kernel(struct vm *vm, const char *path,
		       struct boot_layout *layout)
{
	struct arm64_image_info info;
	const char *why;
	size_t len = 0;
	uint8_t *data = read_file("vmm", path, &len);
	void *dst;

	if (!data)
		return -1;
	why = arm64_image_parse(data, len, &info);
	if (why) {
		fprintf(stderr, "vmm: %s: not a bootable arm64 Image: %s\n",
			path, why);
		free(data);
		return -1;
	}
	layout->kernel_ipa = VMM_RAM_BASE + info.text_offset;
	layout->kernel_file_size = len;
	layout->kernel_end = layout->kernel_ipa + info.image_size;
	dst = vm_ram_ptr(vm, layout->kernel_ipa, info.image_size);
	if (!dst) {
		fprintf(stderr, "vmm: %s: kernel needs %llu KiB at 0x%llx, "
			"more than guest RAM (%llu MiB)\n", path,
			(unsigned long long)(info.image_size >> 10),
			(unsigned long long)layout->kernel_ipa,
			(unsigned long long)(vm->ram_size >> 20));
		free(data);
		return -1;
	}
	memcpy(dst, data, len);
	free(data);
	return 0;
}

int loader_place_initrd_and_dtb(struct vm *vm, const char *path,
				struct boot_layout *layout)
{
	uint64_t ram_end = VMM_RAM_BASE + vm->ram_size;
	uint64_t kernel_top = (layout->kernel_end + PAGE - 1) & ~(PAGE - 1);
	size_t len = 0;
	uint8_t *data;

	layout->dtb_ipa = (ram_end - LOADER_DTB_MAX) & ~(SZ_2M - 1);
	layout->initrd_start = layout->initrd_end = 0;
	if (layout->dtb_ipa < kernel_top) {
		fprintf(stderr, "vmm: guest RAM (%llu MiB) has no room for "
			"the device tree above the kernel\n",
			(unsigned long long)(vm->ram_size >> 20));
		return -1;
	}
	if (!path)
		return 0;
	data = read_file("vmm", path, &len);
	if (!data)
		return -1;
	if (len > layout->dtb_ipa - kernel_top) {
		fprintf(stderr, "vmm: %s: initrd of %zu KiB does not fit in "
			"guest RAM (%llu MiB) beside the kernel\n", path,
			len >> 10, (unsigned long long)(vm->ram_size >> 20));
		free(data);
		return -1;
	}
	layout->initrd_start = (layout->dtb_ipa - len) & ~(PAGE - 1);
	layout->initrd_end = layout->initrd_start + len;
	memcpy(vm_ram_ptr(vm, layout->initrd_start, len), data, len);
	free(data);
	return 0;
}
