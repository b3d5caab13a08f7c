/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fuzzer's guest (fuzz.c): one page, run at EL1 with its MMU off.
 * It does what the host tells it, one command per HVC: every command
 * ends in a report HVC (x0 = REPORT | command, x1 = result) whose
 * answer (CV_RUN_HVC_RET, guest x0) is the next command:
 *   bits 3:0   what to do (CMD_* in fuzz.c)
 *   bits 11:4  an argument (a vCPU index, an MMIO value)
 *   bits 39:12 a guest page (ipa)
 * x4..x30, d0, d31 and TPIDR_EL1 hold GUEST_SECRET from the first
 * instruction on and are never used for anything else: the host must
 * never see that value in a register.  x0..x3 are what the host sees
 * of an HVC or MMIO exit, so nothing secret is ever put in them.
 * Stores of the secret use STP, which has no syndrome (ISV = 0): a
 * store to a page the host has not mapped must not hand the value to
 * the host as MMIO write data.
 */
#define GUEST_SECRET	0x5e5e5e5e5e5e5e5e
#define REPORT		0x46550000
#define FAULT		0x46460000
#define MMIO_BASE	0x09000000
#define PSCI_SYSTEM_OFF	0x84000008
#define PSCI_SYSTEM_RESET 0x84000009
#define PSCI_CPU_ON	0xc4000003
#define GHC_SHARE	0xc6000100
#define GHC_UNSHARE	0xc6000101
#define GHC_VERSION	0xc6000102
#define IPA_BITS	0xfffffff000

	.text
	.globl	fuzz_guest_start
fuzz_guest_start:
entry:	/* a local label: adr of a global one needs a relocation */
	/* vCPU 0 and, through PSCI CPU_ON, every other vCPU */
	mov	x9, #(3 << 20)		/* CPACR_EL1.FPEN: FP/SIMD on */
	msr	cpacr_el1, x9
	adr	x9, vectors
	msr	vbar_el1, x9
	isb
	ldr	x4, =GUEST_SECRET
	.irp	n, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x\n, x4
	.endr
	fmov	d0, x4
	fmov	d31, x4
	msr	tpidr_el1, x4
	mov	x0, #0xf		/* report: "started" */
	mov	x1, #0
	b	report

	/* x0 = the command just done (bits 3:0), x1 = its result */
report:
	and	x0, x0, #0xf
	movz	x2, #(REPORT >> 16), lsl #16
	orr	x0, x0, x2
	mov	x2, #0
	mov	x3, #0
	hvc	#0
	/* x0: the next command */
	and	x1, x0, #0xf
	adr	x2, table
	add	x2, x2, x1, lsl #2
	br	x2
table:
	b	report_zero		/* 0: nothing */
	b	cmd_mmio_write		/* 1 */
	b	cmd_mmio_read		/* 2 */
	b	cmd_wfi			/* 3 */
	b	cmd_write_secret	/* 4 */
	b	cmd_share		/* 5 */
	b	cmd_unshare		/* 6 */
	b	cmd_check_secret	/* 7 */
	b	cmd_off			/* 8 */
	b	cmd_reset		/* 9 */
	b	cmd_cpu_on		/* 10 */
	b	cmd_version		/* 11 */
	b	cmd_read		/* 12 */
	b	cmd_spin		/* 13 */
	b	cmd_write_loop		/* 14 */
	b	cmd_timer		/* 15 */

report_zero:
	mov	x1, #0
	b	report

	/* MMIO write of the argument (a host-chosen value): an ISV abort */
cmd_mmio_write:
	mov	x3, #MMIO_BASE
	ubfx	x1, x0, #4, #8
	str	w1, [x3]
	mov	x1, #0
	b	report

	/* MMIO read: reports what the host answered */
cmd_mmio_read:
	mov	x3, #MMIO_BASE
	ldr	w1, [x3, #8]
	b	report

cmd_wfi:
	wfi
	mov	x1, #0
	b	report

	/* the secret into the first and last 16 bytes of the page */
cmd_write_secret:
	and	x3, x0, #IPA_BITS
	stp	x4, x5, [x3]
	add	x3, x3, #4080
	stp	x4, x5, [x3]
	mov	x1, #1
	b	report

cmd_share:
	and	x1, x0, #IPA_BITS
	movz	x0, #(GHC_SHARE >> 16), lsl #16
	movk	x0, #(GHC_SHARE & 0xffff)
	hvc	#0
	mov	x1, x0
	mov	x0, #5
	b	report

cmd_unshare:
	and	x1, x0, #IPA_BITS
	movz	x0, #(GHC_UNSHARE >> 16), lsl #16
	movk	x0, #(GHC_UNSHARE & 0xffff)
	hvc	#0
	mov	x1, x0
	mov	x0, #6
	b	report

	/* 1 if the page still holds the secret where cmd 4 put it */
cmd_check_secret:
	and	x3, x0, #IPA_BITS
	ldp	x1, x2, [x3]
	cmp	x1, x4
	cset	x1, eq
	mov	x2, #0
	b	report

cmd_off:
	movz	x0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
	movk	x0, #(PSCI_SYSTEM_OFF & 0xffff)
	hvc	#0
	mov	x0, #8
	mov	x1, #0xbad		/* ran again after its power-off */
	b	report

cmd_reset:
	movz	x0, #(PSCI_SYSTEM_RESET >> 16), lsl #16
	movk	x0, #(PSCI_SYSTEM_RESET & 0xffff)
	hvc	#0
	mov	x0, #9
	mov	x1, #0xbad
	b	report

	/* PSCI CPU_ON of the vCPU named by the argument, entry: the top */
cmd_cpu_on:
	ubfx	x1, x0, #4, #8
	adr	x2, entry
	mov	x3, #0
	movz	x0, #(PSCI_CPU_ON >> 16), lsl #16
	movk	x0, #(PSCI_CPU_ON & 0xffff)
	hvc	#0
	mov	x1, x0
	mov	x0, #10
	b	report

cmd_version:
	movz	x0, #(GHC_VERSION >> 16), lsl #16
	movk	x0, #(GHC_VERSION & 0xffff)
	hvc	#0
	mov	x1, x0
	mov	x0, #11
	b	report

	/* a plain load (a shared or unmapped page): x1 = 0 if it worked */
cmd_read:
	and	x3, x0, #IPA_BITS
	ldp	x1, x2, [x3]
	mov	x1, #0
	mov	x2, #0
	b	report

	/*
	 * 32 exits the corevisor handles alone (GHC_VERSION), counting
	 * each in the first word of the page: the host reads the count
	 * (a shared page) to see how far a vCPU ran.
	 */
cmd_spin:
	and	x3, x0, #IPA_BITS
	mov	x2, #32
1:	movz	x0, #(GHC_VERSION >> 16), lsl #16
	movk	x0, #(GHC_VERSION & 0xffff)
	hvc	#0
	ldr	x1, [x3]
	add	x1, x1, #1
	str	x1, [x3]
	subs	x2, x2, #1
	b.ne	1b
	mov	x0, #13
	b	report

	/* the secret into the page 32 times, with exits in between */
cmd_write_loop:
	and	x3, x0, #IPA_BITS
	mov	x2, #32
1:	stp	x4, x5, [x3]
	movz	x0, #(GHC_VERSION >> 16), lsl #16
	movk	x0, #(GHC_VERSION & 0xffff)
	hvc	#0
	subs	x2, x2, #1
	b.ne	1b
	mov	x0, #14
	mov	x1, #0
	b	report

	/*
	 * The EL1 physical timer, which the corevisor forwards to the host
	 * (CV_EXIT_SYSREG): CVAL := the argument, then CTL read into x5,
	 * one of the secret's registers, so that a read showing the
	 * register's old value to the host would show the secret.  Reports
	 * what the host answered; x5 holds the secret again after.
	 */
cmd_timer:
	ubfx	x1, x0, #4, #8
	msr	cntp_cval_el0, x1
	mrs	x5, cntp_ctl_el0
	mov	x1, x5
	mov	x5, x4
	mov	x0, #15
	b	report

	/* any exception (an injected abort, an UNDEF): report, go on */
guest_exception:
	mrs	x1, esr_el1
	lsr	x1, x1, #26
	movz	x0, #(FAULT >> 16), lsl #16
	mov	x2, #0
	mov	x3, #0
	hvc	#0
	and	x1, x0, #0xf
	adr	x2, table
	add	x2, x2, x1, lsl #2
	br	x2
	.ltorg

	.balign	2048
vectors:
	.rept	16
	.balign	0x80
	b	guest_exception
	.endr
	.balign	4096
