/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the micro-benchmark guest, behind the 64-byte arm64 Image
 * header (Documentation/arm64/booting.rst) so that the vmm, which boots
 * only Images, loads it at the start of RAM and enters it at EL1 with the
 * MMU off and x0 = the DTB.  vCPU 1 comes in at secondary_entry through
 * PSCI CPU_ON, an address inside the signed image.
 */
	.section .head, "ax"
	.globl _head
_head:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset: load at the RAM base */
	.quad	_end - _head		/* image_size, stacks included */
	.quad	0xa			/* flags: LE, 4 KiB pages, anywhere */
	.quad	0, 0, 0			/* res2-res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

	.text
primary_entry:
	ldr	x1, =stack0_top
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	bl	micro_main		/* x0: the DTB */
1:	wfi
	b	1b

	.globl	secondary_entry
secondary_entry:
	ldr	x1, =stack1_top
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	bl	micro_secondary
1:	wfi
	b	1b

/* Any exception is a bug of this guest: report it and power off. */
	.section .vectors, "ax"
	.balign	2048
vectors:
	.rept	16
	.balign	128
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	b	micro_exception
	.endr
