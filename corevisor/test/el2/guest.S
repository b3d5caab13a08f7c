/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest of the EL2 VM test: one page, run at EL1 with its MMU off
 * under the stage 2 the corevisor built.  Each step makes one exit the
 * host checks (main.c, test_vm).  Registers the host must never see
 * hold GUEST_SECRET.
 */
#define GUEST_SECRET	0x5e5e5e5e5e5e5e5e
#define MMIO_BASE	0x09000000
#define PSCI_SYSTEM_OFF	0x84000008
/* the GIC virtual CPU interface (GICV), where the host mapped it */
#define GUEST_GICC	0x08010000
#define GICC_CTLR	0x00
#define GICC_PMR	0x04
#define GICC_IAR	0x0c
#define GICC_EOIR	0x10
#define VIRQ_REPORT	0x1e0
#define BAD		0xbad
#define MDSCR_KDE	(1 << 13)
#define GUEST_CVAL	0xc0ffee1234	/* what the guest's CNTP_CVAL write shows */
#define UNBACKED_IPA	0x20000000	/* no memory, no device */
#define GUEST_BVR	0x5e5e5e5e5c	/* a breakpoint address of the guest's */
#define GUEST_PAC_PTR	0x40001000	/* a pointer the guest signs */
#define ISAR1_APA_API	0xff0		/* ID_AA64ISAR1_EL1: pointer auth */
#define SCTLR_ENIA	(1 << 31)

	/* x0 becomes x1 (0xbad) unless system register r holds x4 (the secret) */
	.macro	expect_secret r
	mrs	x2, \r
	cmp	x2, x4
	csel	x0, x0, x1, eq
	.endm

	.text
	.globl	guest_start
guest_start:
	mov	x9, #(3 << 20)		/* CPACR_EL1.FPEN: FP/SIMD on */
	msr	cpacr_el1, x9
	isb
	/*
	 * The secret is made here, not loaded from the image: the image is
	 * the host's (it loaded it), and the reset test looks for the
	 * secret in every byte of RAM.  It also goes into guest_scratch,
	 * in the guest's own page, after the image was verified.
	 */
	movz	x9, #(GUEST_SECRET & 0xffff)
	movk	x9, #(GUEST_SECRET & 0xffff), lsl #16
	movk	x9, #(GUEST_SECRET & 0xffff), lsl #32
	movk	x9, #(GUEST_SECRET & 0xffff), lsl #48
	adr	x5, guest_scratch
	str	x9, [x5]
	fmov	d0, x9
	fmov	d31, x9

	/*
	 * Pointer authentication, where the CPU has it: the keys are the
	 * guest's own, switched lazily.  The first PAC instruction (with
	 * EnIA set) traps HCR_EL2.API and is retried with the guest's keys
	 * (zero) loaded; the key registers then take the secret, and
	 * PACIA1716 with them signs a pointer into guest_scratch + 8, which
	 * exit 6 signs again and compares.
	 */
	mrs	x6, id_aa64isar1_el1
	tst	x6, #ISAR1_APA_API
	b.eq	5f
	mrs	x6, sctlr_el1
	orr	x6, x6, #SCTLR_ENIA
	msr	sctlr_el1, x6
	isb
	ldr	x17, =GUEST_PAC_PTR
	mov	x16, #0x42
	hint	#8			/* PACIA1716 */
	msr	s3_0_c2_c1_0, x9	/* APIAKeyLo_EL1 */
	msr	s3_0_c2_c1_1, x9	/* APIAKeyHi_EL1 */
	isb
	ldr	x17, =GUEST_PAC_PTR
	hint	#8
	str	x17, [x5, #8]
5:
	.irp	n, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x\n, x9
	.endr
	mov	x4, x9
	msr	tpidr_el1, x9
	msr	contextidr_el1, x9

	/*
	 * MDSCR_EL1 and the breakpoint registers are the guest's own,
	 * switched lazily (MDCR_EL2.TDA traps the first access, which is
	 * then retried with the guest's set loaded): MDSCR_EL1 reads back
	 * what was written (KDE: from now on every run loads the guest's
	 * debug registers) and DBGBVR0 keeps its value across exits (exit
	 * 6).  PMUSERENR_EL0 is still trapped, as Linux's __cpu_setup
	 * touches it: the write vanishes and the guest goes on.
	 */
	mov	x6, #MDSCR_KDE
	msr	mdscr_el1, x6
	ldr	x5, =GUEST_BVR
	msr	dbgbvr0_el1, x5
	msr	pmuserenr_el0, xzr
	mov	x6, x9
	mrs	x6, mdscr_el1

	/* exit 1: an HVC, the host sees x0..x3 (x3 = 3 + what mrs read) */
	ldr	x0, =0xc0ffee
	mov	x1, #1
	mov	x2, #2
	add	x3, x6, #3
	hvc	#0

	/* exit 2: MMIO write of the host's answer + 1 (0x78) */
	add	x0, x0, #1
	mov	x5, #MMIO_BASE
	str	x0, [x5]

	/* exit 3: 32-bit MMIO read; exit 4: an HVC with what was read */
	ldr	w6, [x5, #8]
	mov	x0, x6
	hvc	#0

	/*
	 * exit 5: spin until the host's timer interrupt ends the run (an
	 * IRQ exit); bounded, so a missing interrupt shows as exit 6 early
	 * (the bound is well past the timer's 200 ms even on a fast host)
	 */
	ldr	x9, =1000000000
2:	subs	x9, x9, #1
	b.ne	2b

	/*
	 * exit 6: an HVC with x0 = 0x600d if every register that was set at
	 * the start still holds the secret after five exits (one of them
	 * on another CPU), and the pointer-authentication key with it,
	 * 0xbad otherwise
	 */
	mov	x0, #0x600d
	mov	x1, #0xbad
	.irp	n, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	cmp	x\n, x4
	csel	x0, x0, x1, eq
	.endr
	fmov	x2, d0
	cmp	x2, x4
	csel	x0, x0, x1, eq
	fmov	x2, d31
	cmp	x2, x4
	csel	x0, x0, x1, eq
	expect_secret tpidr_el1
	expect_secret contextidr_el1
	mrs	x2, dbgbvr0_el1
	ldr	x3, =GUEST_BVR
	cmp	x2, x3
	csel	x0, x0, x1, eq
	/* the APIA key: still the secret, and still what PACIA1716 uses */
	mrs	x6, id_aa64isar1_el1
	tst	x6, #ISAR1_APA_API
	b.eq	6f
	expect_secret s3_0_c2_c1_0	/* APIAKeyLo_EL1 */
	expect_secret s3_0_c2_c1_1	/* APIAKeyHi_EL1 */
	ldr	x17, =GUEST_PAC_PTR
	mov	x16, #0x42
	hint	#8
	adr	x5, guest_scratch
	ldr	x2, [x5, #8]
	cmp	x2, x17
	csel	x0, x0, x1, eq
	ldr	x3, =GUEST_PAC_PTR
	cmp	x2, x3			/* and it was signed at all */
	csel	x0, x0, x1, ne
6:
	mov	x1, #0
	mov	x2, #0
	mov	x3, #0
	hvc	#0

	/*
	 * exits 7 and 7b: the host has put a virtual interrupt in a list
	 * register, first with SET_VIRQ, then with the run itself
	 * (VCPU_RUN_LRS).  Take each at EL1 through the GICV (guest_irq),
	 * or, if one never comes within a bounded wait, report x0 = 0xbad.
	 */
	adr	x9, guest_vectors
	msr	vbar_el1, x9
	mov	x5, #GUEST_GICC
	mov	w9, #0xff
	str	w9, [x5, #GICC_PMR]
	mov	w9, #1			/* EnableGrp0: group 0 as vIRQ */
	str	w9, [x5, #GICC_CTLR]
	isb
	mov	x7, #2			/* interrupts to take */
wait_virq:
	ldr	x9, =20000000
	msr	daifclr, #2
3:	subs	x9, x9, #1
	b.ne	3b
	msr	daifset, #2
	mov	x0, #BAD
	hvc	#0
	b	power_off

	/* acknowledge, EOI, report the INTID: x0 = 0x1e0, x1 = IAR */
guest_irq:
	ldr	w1, [x5, #GICC_IAR]
	str	w1, [x5, #GICC_EOIR]
	mov	x0, #VIRQ_REPORT
	hvc	#0
	subs	x7, x7, #1
	b.ne	wait_virq

	/*
	 * exits 8-10: the EL1 physical timer is the host's to emulate
	 * (CV_EXIT_SYSREG): a CVAL write shows its value, a CTL read gets
	 * the host's answer, which exit 10 (an HVC) reports in x0
	 */
	ldr	x6, =GUEST_CVAL
	msr	cntp_cval_el0, x6
	mov	x6, x9
	mrs	x6, cntp_ctl_el0
	mov	x0, x6
	hvc	#0

	/*
	 * exit 11: a fetch from an IPA with nothing behind it; when the
	 * host asks for an abort the guest takes an instruction abort
	 * (guest_unexpected reports ESR and FAR), not a data abort
	 */
	mov	x6, #UNBACKED_IPA
	blr	x6

	/* exit 12: power off */
power_off:
	ldr	x0, =PSCI_SYSTEM_OFF
	hvc	#0
1:	wfi
	b	1b

	/* any other exception: x0 = 0xbad, x1 = ESR_EL1, x2 = FAR_EL1, then power off */
guest_unexpected:
	mov	x0, #BAD
	mrs	x1, esr_el1
	mrs	x2, far_el1
	hvc	#0
	b	power_off
	.ltorg
	.balign	8
guest_scratch:
	.quad	0
	.quad	0		/* the pointer signed with the guest's key */

	/* VBAR_EL1: only the IRQ from EL1h (offset 0x280) is expected */
	.balign	2048
guest_vectors:
	.rept	5
	.balign	0x80
	b	guest_unexpected
	.endr
	.balign	0x80
	b	guest_irq
	.rept	10
	.balign	0x80
	b	guest_unexpected
	.endr
	.balign	4096
