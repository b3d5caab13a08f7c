/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Linker script of the corevisor image (preprocessed with cpp).
 *
 * The image is position independent: it is linked at CV_LINK_BASE (0 for
 * the shipped image) but runs wherever the host loads it.  The build links
 * it a second time at another base and checks that the two .bin files are
 * byte-identical, which proves that no absolute address made it into the
 * loaded bytes.
 *
 * Layout of the region the host hands over (offsets from its base):
 *   .head      struct cv_image_header (offset 0)
 *   .text      code, the init vectors 2 KiB-aligned inside it
 *   .rodata    page aligned like .text and .data: each gets its own rights
 *   .data      then .bss and the per-CPU stacks, as zeros in the file;
 *              ends page-aligned: this is the end of corevisor.bin
 *   pool       everything else up to the region's end: the core's
 */
OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(cv_image_start)

SECTIONS
{
	. = CV_LINK_BASE;
	__cv_image_start = .;
	.head : { KEEP(*(.head.text)) }
	.text : ALIGN(4096) {
		__cv_text_start = .;
		*(.text.vectors)
		*(.text .text.*)
		. = ALIGN(4096);
		__cv_text_end = .;
	}
	.rodata : ALIGN(4096) {
		*(.rodata .rodata.*)
		. = ALIGN(4096);
		__cv_rodata_end = .;
	}
	/*
	 * .bss and the per-CPU stacks go into the .bin as zeros, so that
	 * image_size covers every byte the corevisor's code, statics and
	 * stacks use: the core owns everything past image_size and may
	 * zero it while a CPU runs on its stack here.
	 */
	.data : ALIGN(4096) {
		__cv_data_start = .;
		*(.data .data.*)
		. = ALIGN(64);
		__cv_bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(4096);
		*(.cv_stacks)
		. = ALIGN(4096);
		__cv_image_end = .;
	}

	/* Sizes and offsets are absolute: the same at any link base. */
	__cv_image_size = ABSOLUTE(__cv_image_end - __cv_image_start);

	/DISCARD/ : {
		*(.comment) *(.note .note.*) *(.eh_frame .eh_frame_hdr)
		*(.interp) *(.dynamic) *(.dynsym) *(.dynstr) *(.hash)
		*(.gnu.hash) *(.got .got.plt) *(.plt)
	}
}

/* Anything the script did not place would break the layout above. */
ASSERT(SIZEOF(.head) > 0, "image header missing")
/* W^X: the EL2 stage 1 gives each of these page ranges its own rights. */
ASSERT(ADDR(.rodata) == __cv_text_end, "a section between .text and .rodata")
ASSERT(__cv_text_start % 4096 == 0 && __cv_text_end % 4096 == 0 &&
       __cv_data_start % 4096 == 0, "a section start not page aligned")
