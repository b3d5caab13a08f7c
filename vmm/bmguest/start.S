/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bmguest entry, exception vectors and the few routines that must be
 * written in assembly (single step enters its target with an ERET).
 *
 * Entry: EL1h, x0 = DTB, MMU off (vmm/README.md, "--raw").  The stack
 * and BSS are in the image's .bss, which the image itself clears.
 */
	.section .text.boot, "ax"
	.globl	_start
_start:
	msr	daifset, #0xf
	adrp	x1, bm_dtb
	str	x0, [x1, :lo12:bm_dtb]
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	adrp	x1, bm_stack_top
	add	x1, x1, :lo12:bm_stack_top
	mov	sp, x1
	adrp	x1, bm_vectors
	add	x1, x1, :lo12:bm_vectors
	msr	vbar_el1, x1
	isb
	bl	bm_main
	b	bm_system_off

/*
 * Save x0..x30, ELR, SPSR, ESR, FAR into a struct bm_frame on the stack
 * (36 slots: the stack stays 16-byte aligned).
 */
.macro	save_frame
	sub	sp, sp, #(36 * 8)
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x0, elr_el1
	stp	x30, x0, [sp, #240]
	mrs	x0, spsr_el1
	mrs	x1, esr_el1
	stp	x0, x1, [sp, #256]
	mrs	x0, far_el1
	str	x0, [sp, #272]
	mov	x0, sp
.endm

.macro	restore_frame
	ldp	x0, x1, [sp, #248]	/* elr, spsr: the handler may change them */
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #(36 * 8)
	eret
.endm

.macro	vector handler, kind
	.balign	0x80
	save_frame
	mov	x1, #\kind
	bl	\handler
	b	bm_exception_return
.endm

	.balign	0x800
bm_vectors:
	vector	bm_handle_bad, 0	/* current EL, SP0 */
	vector	bm_handle_bad, 1
	vector	bm_handle_bad, 2
	vector	bm_handle_bad, 3
	vector	bm_handle_sync, 4	/* current EL, SPx: where bmguest runs */
	vector	bm_handle_irq, 5
	vector	bm_handle_bad, 6
	vector	bm_handle_bad, 7
	vector	bm_handle_bad, 8	/* lower EL, AArch64 */
	vector	bm_handle_bad, 9
	vector	bm_handle_bad, 10
	vector	bm_handle_bad, 11
	vector	bm_handle_bad, 12	/* lower EL, AArch32 */
	vector	bm_handle_bad, 13
	vector	bm_handle_bad, 14
	vector	bm_handle_bad, 15

bm_exception_return:
	restore_frame

	.text
/* u64 bm_hvc(fn, a1, a2, a3): SMCCC call, x0 back */
	.globl	bm_hvc
bm_hvc:
	hvc	#0
	ret

/*
 * bm_ss_run(target): enter target at EL1h with PSTATE.SS set and D
 * clear, so that (with MDSCR_EL1.SS and KDE set) the first instruction
 * there completes and then takes a software step exception.  target
 * returns to our caller through x30, which this routine leaves alone.
 */
	.globl	bm_ss_run
bm_ss_run:
	msr	elr_el1, x0
	mov	x1, #0x1c5		/* EL1h, A, I, F masked, D clear */
	orr	x1, x1, #(1 << 21)	/* SPSR.SS */
	msr	spsr_el1, x1
	isb
	eret

/* three steps and a return: the single-step test's target */
	.globl	bm_ss_target
	.globl	bm_ss_target_end
bm_ss_target:
	nop
	nop
	nop
bm_ss_target_end:
	ret

/* the breakpoint test's target: a breakpoint on its first instruction */
	.globl	bm_bp_target
bm_bp_target:
	nop
	ret
