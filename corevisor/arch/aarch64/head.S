/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Corevisor image header, init vector table and runtime vector table.
 *
 * Position independence: every address is formed PC-relative (adr/adrp),
 * nothing in the image holds an absolute address, and the build checks it
 * (see corevisor.lds.S).  EL2 runs on an identity map, so the addresses
 * formed with the MMU off stay valid once it is on.
 */
#include "asm.h"

	/* x_reg = address of sym, PC-relative, any distance within 4 GiB */
	.macro	adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

	/*
	 * op (stp or ldp) x2..x17 in pairs at base + 16..143: the part
	 * every frame and a guest's register array lay out alike.
	 */
	.macro	pairs_x2_x17, op, base
	\op	x2, x3, [\base, #16 * 1]
	\op	x4, x5, [\base, #16 * 2]
	\op	x6, x7, [\base, #16 * 3]
	\op	x8, x9, [\base, #16 * 4]
	\op	x10, x11, [\base, #16 * 5]
	\op	x12, x13, [\base, #16 * 6]
	\op	x14, x15, [\base, #16 * 7]
	\op	x16, x17, [\base, #16 * 8]
	.endm

	/* Pop the frame and return to the caller, speculation stopped. */
	.macro	pop_frame_eret
	add	sp, sp, #CV_FRAME_SIZE
	eret
	dsb	nsh				/* no speculation past eret */
	isb
	.endm

	/* Save x0..x30 of the interrupted context in a frame at sp. */
	.macro	save_frame
	sub	sp, sp, #CV_FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	pairs_x2_x17 stp, sp
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	str	x30, [sp, #16 * 15]
	.endm

	/* Restore x0..x30 from the frame at sp and return to the caller. */
	.macro	restore_frame_eret
	ldp	x0, x1, [sp, #16 * 0]
	pairs_x2_x17 ldp, sp
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	pop_frame_eret
	.endm

	/* One 128-byte vector slot that branches to \label. */
	.macro	ventry, label
	.balign	0x80
	b	\label
	.endm

/* ------------------------------------------------------------------ */
	.section .head.text, "ax"
	.globl	cv_image_start
cv_image_start:
	.word	AA64_IMAGE_MAGIC			/* magic */
	.word	AA64_ABI_VERSION			/* abi_version */
	.quad	__cv_image_size			/* image_size */
	.quad	cv_init_vectors - cv_image_start	/* init_vectors_offset */
	.quad	0, 0, 0, 0, 0			/* reserved[5] */

/* ------------------------------------------------------------------ */
	.section .text.vectors, "ax"

/*
 * Init vectors: VBAR_EL2 points here between the host's HVC_SET_VECTORS
 * and the end of CV_HC_INIT.  The EL2 MMU is off.  Only a lower-EL
 * AArch64 synchronous exception (the host's HVC) is expected.
 */
	.balign	2048
	.globl	cv_init_vectors
cv_init_vectors:
	ventry	cv_park			/* current EL, SP_EL0 */
	ventry	cv_park
	ventry	cv_park
	ventry	cv_park
	ventry	cv_park			/* current EL, SP_ELx */
	ventry	cv_park
	ventry	cv_park
	ventry	cv_park
	ventry	cv_init_sync		/* lower EL, AArch64 */
	ventry	cv_init_eret
	ventry	cv_init_eret
	ventry	cv_init_eret
	ventry	cv_park			/* lower EL, AArch32 */
	ventry	cv_park
	ventry	cv_park
	ventry	cv_park

/*
 * Runtime vectors, installed by CV_HC_INIT on each CPU.  SP_EL2 is the
 * top of this CPU's stack whenever the host runs, so the frame lands in
 * corevisor memory.
 */
	.balign	2048
	.globl	cv_runtime_vectors
cv_runtime_vectors:
	ventry	cv_el2_fault		/* current EL, SP_EL0 */
	ventry	cv_el2_fault
	ventry	cv_el2_fault
	ventry	cv_el2_fault
	ventry	cv_el2_fault		/* current EL, SP_ELx */
	ventry	cv_el2_fault
	ventry	cv_el2_fault
	ventry	cv_el2_fault
	ventry	cv_lower_sync		/* lower EL, AArch64 */
	ventry	cv_lower_irq
	ventry	cv_lower_irq
	ventry	cv_lower_serror
	ventry	cv_lower_sync		/* lower EL, AArch32 (EL0 only) */
	ventry	cv_lower_irq
	ventry	cv_lower_irq
	ventry	cv_lower_serror
	.balign	0x80

/* One stack per CPU, indexed by the dense CPU index (x4 of CV_HC_INIT). */
	.section .cv_stacks, "aw", %nobits
	.balign	CV_STACK_SIZE
cv_stacks:
	.space	AA64_MAX_CPUS * CV_STACK_SIZE

	.text

/* An EL2 exception the init code cannot recover from: stop this CPU. */
cv_park:
	wfe
	b	cv_park

/* An interrupt taken at the init vectors: nothing to do, go back. */
cv_init_eret:
	eret
	dsb	nsh				/* no speculation past eret */
	isb

/*
 * The host's registers survive the call except x0 (SMCCC 1.1 asks the
 * same of x4..x17): until the frame is saved on this CPU's stack, the
 * only scratch is TPIDR_EL2, which the C side sets afterwards anyway.
 */
cv_init_sync:
	/* Only an HVC is a request; anything else stops this CPU. */
	msr	tpidr_el2, x9
	mrs	x9, esr_el2
	ubfx	x9, x9, #ESR_EC_SHIFT, #6
	cmp	x9, #ESR_EC_HVC64
	mrs	x9, tpidr_el2
	b.ne	cv_park

	/* HVC_SET_VECTORS still works until this CPU is installed. */
	cbnz	x0, 1f
	msr	vbar_el2, x1
	isb
	eret
	dsb	nsh				/* no speculation past eret */
	isb
1:
	/* x4 (the dense CPU index) picks the stack: check it first. */
	cmp	x4, #AA64_MAX_CPUS
	b.lo	2f
	mov	x0, #AA64_E_INVAL
	eret
	dsb	nsh				/* no speculation past eret */
	isb
2:
	/*
	 * An installed CPU's stack is live whenever that CPU is at EL2: an
	 * INIT naming it is refused before anything is written there (the
	 * C side refuses it too, but only once it runs on that stack).
	 */
	msr	tpidr_el2, x0
	adr_l	x0, cv_cpu_installed
	ldrb	w0, [x0, x4]
	cbz	w0, 3f
	mov	x0, #AA64_E_STATE
	eret
	dsb	nsh				/* no speculation past eret */
	isb
3:
	/*
	 * Drop whatever lines of this stack the host left in the caches,
	 * before the first write: the stack is written now with the MMU
	 * off (straight to memory) and read later through the caches.
	 * Stacks are CV_STACK_SIZE-aligned, so the loop ends at the top;
	 * 16 bytes is no larger than any data cache line.
	 */
	adr_l	x0, cv_stacks
	add	x0, x0, x4, lsl #CV_STACK_SHIFT
4:	dc	ivac, x0
	add	x0, x0, #16
	tst	x0, #(CV_STACK_SIZE - 1)
	b.ne	4b
	dsb	sy
	mov	sp, x0
	mrs	x0, tpidr_el2
	save_frame
	mov	x0, sp
	bl	cv_init_hvc
	restore_frame_eret

	/*
	 * Entry from a lower EL: x0 and x1 into a new frame, then x0 = this
	 * CPU's running guest's register array, or 0 (the host).  Only the
	 * host's path fills the rest of the frame: a guest's registers go
	 * straight to its array (guest_exit), never through the stack.
	 */
	.macro	lower_entry
	sub	sp, sp, #CV_FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	mrs	x0, tpidr_el2
	adr_l	x1, cv_guest_regs
	ldr	x0, [x1, x0, lsl #3]
	.endm

	/*
	 * The rest of the host's frame: the registers a C call may change
	 * (x2..x18, x30).  x19..x29 are callee-saved (AAPCS64): the C side
	 * gives them back as it found them, so they are neither saved nor
	 * restored, and nothing of EL2's ever reaches them.
	 */
	.macro	save_host_frame
	pairs_x2_x17 stp, sp
	str	x18, [sp, #16 * 9]
	str	x30, [sp, #16 * 15]
	.endm

	.macro	restore_host_frame_eret
	ldp	x0, x1, [sp, #16 * 0]
	pairs_x2_x17 ldp, sp
	ldr	x18, [sp, #16 * 9]
	ldr	x30, [sp, #16 * 15]
	pop_frame_eret
	.endm

	/*
	 * The guest stopped: x0 = its register array, x2..x30 still its
	 * own, its x0 and x1 in the frame.  Store them all in the array, in
	 * pairs, unrolled (this runs at every exit), zero the two frame
	 * slots (RAM may outlive a reset, and a guest's registers must not
	 * stay behind), and end the run with the exit kind.
	 */
	.macro	guest_exit, kind
	pairs_x2_x17 stp, x0
	stp	x18, x19, [x0, #16 * 9]
	stp	x20, x21, [x0, #16 * 10]
	stp	x22, x23, [x0, #16 * 11]
	stp	x24, x25, [x0, #16 * 12]
	stp	x26, x27, [x0, #16 * 13]
	stp	x28, x29, [x0, #16 * 14]
	str	x30, [x0, #16 * 15]
	ldp	x2, x3, [sp, #16 * 0]
	stp	x2, x3, [x0, #16 * 0]
	stp	xzr, xzr, [sp, #16 * 0]
	mov	x1, #\kind
	b	cv_guest_exit
	.endm

/*
 * A trap from a lower EL: the host (an HVC, an SMC under HCR_EL2.TSC,
 * a host stage-2 abort), or, while cv_guest_enter() runs a vCPU on this
 * CPU, the guest: then the exit goes back to cv_guest_enter's caller.
 */
cv_lower_sync:
	lower_entry
	cbnz	x0, 1f
	save_host_frame
	mov	x0, sp
	bl	cv_host_sync
	restore_host_frame_eret
1:	guest_exit CV_EXIT_SYNC

/*
 * The host's interrupts go to EL1 (HCR_EL2.IMO/FMO clear): a guest's.
 * Should one of the host's come here, only x0 and x1 were touched.
 */
cv_lower_irq:
	lower_entry
	cbnz	x0, 1f
	ldp	x0, x1, [sp, #16 * 0]
	pop_frame_eret
1:	guest_exit CV_EXIT_IRQ

/* An SError: the guest's ends its run, the host's is handed back. */
cv_lower_serror:
	lower_entry
	cbnz	x0, 1f
	save_host_frame
	mov	x0, sp
	bl	cv_host_serror
	restore_host_frame_eret
1:	guest_exit CV_EXIT_SERROR

/*
 * u64 cv_guest_enter(u64 *guest_regs, u64 *host_save)
 * Saves the EL2 callee-saved state (x18..x30, sp) in host_save, loads the
 * guest's x0..x30 and erets to ELR_EL2/SPSR_EL2, set up by the caller.
 * Returns, through cv_guest_exit, the CV_EXIT_* kind of the exception
 * that stopped the guest, with guest_regs holding its x0..x30.
 */
	.globl	cv_guest_enter
cv_guest_enter:
	stp	x18, x19, [x1, #16 * 0]
	stp	x20, x21, [x1, #16 * 1]
	stp	x22, x23, [x1, #16 * 2]
	stp	x24, x25, [x1, #16 * 3]
	stp	x26, x27, [x1, #16 * 4]
	stp	x28, x29, [x1, #16 * 5]
	mov	x2, sp
	stp	x30, x2, [x1, #16 * 6]
	mrs	x2, tpidr_el2
	adr_l	x3, cv_host_save
	str	x1, [x3, x2, lsl #3]
	adr_l	x3, cv_guest_regs
	str	x0, [x3, x2, lsl #3]
	ldp	x2, x3, [x0, #16 * 1]
	ldp	x4, x5, [x0, #16 * 2]
	ldp	x6, x7, [x0, #16 * 3]
	ldp	x8, x9, [x0, #16 * 4]
	ldp	x10, x11, [x0, #16 * 5]
	ldp	x12, x13, [x0, #16 * 6]
	ldp	x14, x15, [x0, #16 * 7]
	ldp	x16, x17, [x0, #16 * 8]
	ldp	x18, x19, [x0, #16 * 9]
	ldp	x20, x21, [x0, #16 * 10]
	ldp	x22, x23, [x0, #16 * 11]
	ldp	x24, x25, [x0, #16 * 12]
	ldp	x26, x27, [x0, #16 * 13]
	ldp	x28, x29, [x0, #16 * 14]
	ldr	x30, [x0, #16 * 15]
	ldp	x0, x1, [x0, #16 * 0]
	eret
	dsb	nsh
	isb

/*
 * The end of a run (guest_exit): x1 = the exit kind.  Forget the guest
 * and return from cv_guest_enter on the saved EL2 state.
 */
cv_guest_exit:
	mrs	x2, tpidr_el2
	adr_l	x3, cv_guest_regs
	str	xzr, [x3, x2, lsl #3]
	adr_l	x3, cv_host_save
	ldr	x3, [x3, x2, lsl #3]
	mov	x0, x1
	ldp	x18, x19, [x3, #16 * 0]
	ldp	x20, x21, [x3, #16 * 1]
	ldp	x22, x23, [x3, #16 * 2]
	ldp	x24, x25, [x3, #16 * 3]
	ldp	x26, x27, [x3, #16 * 4]
	ldp	x28, x29, [x3, #16 * 5]
	ldp	x30, x2, [x3, #16 * 6]
	mov	sp, x2
	ret

/*
 * void cv_fpsimd_save(u64 *area), cv_fpsimd_load(const u64 *area)
 * area: q0..q31 (64 u64), then FPSR and FPCR.
 */
	.globl	cv_fpsimd_save
cv_fpsimd_save:
	stp	q0, q1, [x0, #32 * 0]
	stp	q2, q3, [x0, #32 * 1]
	stp	q4, q5, [x0, #32 * 2]
	stp	q6, q7, [x0, #32 * 3]
	stp	q8, q9, [x0, #32 * 4]
	stp	q10, q11, [x0, #32 * 5]
	stp	q12, q13, [x0, #32 * 6]
	stp	q14, q15, [x0, #32 * 7]
	stp	q16, q17, [x0, #32 * 8]
	stp	q18, q19, [x0, #32 * 9]
	stp	q20, q21, [x0, #32 * 10]
	stp	q22, q23, [x0, #32 * 11]
	stp	q24, q25, [x0, #32 * 12]
	stp	q26, q27, [x0, #32 * 13]
	stp	q28, q29, [x0, #32 * 14]
	stp	q30, q31, [x0, #32 * 15]
	mrs	x1, fpsr
	mrs	x2, fpcr
	add	x0, x0, #32 * 16
	stp	x1, x2, [x0]
	ret

	.globl	cv_fpsimd_load
cv_fpsimd_load:
	ldp	q0, q1, [x0, #32 * 0]
	ldp	q2, q3, [x0, #32 * 1]
	ldp	q4, q5, [x0, #32 * 2]
	ldp	q6, q7, [x0, #32 * 3]
	ldp	q8, q9, [x0, #32 * 4]
	ldp	q10, q11, [x0, #32 * 5]
	ldp	q12, q13, [x0, #32 * 6]
	ldp	q14, q15, [x0, #32 * 7]
	ldp	q16, q17, [x0, #32 * 8]
	ldp	q18, q19, [x0, #32 * 9]
	ldp	q20, q21, [x0, #32 * 10]
	ldp	q22, q23, [x0, #32 * 11]
	ldp	q24, q25, [x0, #32 * 12]
	ldp	q26, q27, [x0, #32 * 13]
	ldp	q28, q29, [x0, #32 * 14]
	ldp	q30, q31, [x0, #32 * 15]
	add	x0, x0, #32 * 16
	ldp	x1, x2, [x0]
	msr	fpsr, x1
	msr	fpcr, x2
	ret

/* An exception taken at EL2 itself is a corevisor bug: report, stop. */
cv_el2_fault:
	save_frame
	mov	x0, sp
	bl	cv_el2_panic
	b	cv_park

/*
 * void cv_mmu_enable(u64 ttbr0, u64 tcr, u64 mair, u64 sctlr)
 * Turns on the EL2 stage-1 MMU on this CPU.  The caller runs from an
 * identity mapping, so the next instruction is fetched at the same
 * address with the MMU on.
 */
	.globl	cv_mmu_enable
cv_mmu_enable:
	msr	mair_el2, x2
	msr	tcr_el2, x1
	msr	ttbr0_el2, x0
	isb
	tlbi	alle2
	dsb	ish
	isb
	msr	sctlr_el2, x3
	isb
	ic	iallu
	dsb	ish
	isb
	ret

/*
 * void cv_dcache_op_range(u64 start, u64 end, int op)
 * op 0: clean+invalidate, 1: invalidate, 2: clean, to the point of
 * coherency, for every line of [start, end).
 */
	.globl	cv_dcache_op_range
cv_dcache_op_range:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4
	mov	x4, #4
	lsl	x4, x4, x3
	sub	x3, x4, #1
	bic	x0, x0, x3
1:	cmp	x0, x1
	b.hs	4f
	cmp	w2, #1
	b.eq	2f
	b.hi	3f
	dc	civac, x0
	add	x0, x0, x4
	b	1b
2:	dc	ivac, x0
	add	x0, x0, x4
	b	1b
3:	dc	cvac, x0
	add	x0, x0, x4
	b	1b
4:	dsb	sy
	ret
