/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EL2 test image, playing the Linux host: entered by QEMU at EL2 (the
 * boot CPU from -kernel, the second CPU from PSCI CPU_ON), it installs a
 * minimal hyp-stub (HVC_SET_VECTORS only), drops to EL1 with the EL1 MMU
 * off and runs the C test (main.c).
 */
#define SPSR_EL1H_MASKED	0x3c5
#define HCR_RW			(1 << 31)

	.macro	adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

	.section .text.boot, "ax"
	.globl	_start
_start:
	/* boot CPU: clear .bss, then the common path with cpu = 0 */
	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	mov	x19, #0
	b	common

/* CPU 3 must never start: if it does, say so and stop. */
	.globl	cpu2_entry
cpu2_entry:
	adr_l	x0, cpu2_ran_el2
	mov	x1, #1
	str	x1, [x0]
4:	wfe
	b	4b

	.globl	secondary_entry
secondary_entry:
	mov	x19, #1
	b	common

/* CPU 2: started before the hand-over and never handed over */
	.globl	rogue_entry
rogue_entry:
	mov	x19, #2

common:
	/* this CPU's stacks: 16 KiB at EL1, the EL2 stub needs none */
	adr_l	x0, stacks
	add	x0, x0, x19, lsl #14
	add	x0, x0, #1 << 14

	/* EL2 setup, in the spirit of Linux's el2_setup */
	adr_l	x1, stub_vectors
	msr	vbar_el2, x1
	mov	x1, #HCR_RW
	msr	hcr_el2, x1
	mov	x1, #3			/* EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	mrs	x1, midr_el1
	msr	vpidr_el2, x1
	mrs	x1, mpidr_el1
	msr	vmpidr_el2, x1
	mov	x1, #0x33ff
	msr	cptr_el2, x1
	msr	hstr_el2, xzr
	mrs	x1, pmcr_el0
	ubfx	x1, x1, #11, #5
	msr	mdcr_el2, x1
	msr	vttbr_el2, xzr
	ldr	x1, =0x30d00800		/* SCTLR_EL1 RES1, MMU off */
	msr	sctlr_el1, x1
	mov	x1, #(3 << 20)		/* CPACR_EL1.FPEN: no FP traps */
	msr	cpacr_el1, x1
	adr_l	x1, el1_vectors
	msr	vbar_el1, x1
	msr	sp_el1, x0
	mov	x1, #SPSR_EL1H_MASKED
	msr	spsr_el2, x1
	adr_l	x1, el1_entry
	msr	elr_el2, x1
	isb
	eret

el1_entry:
	mov	x0, x19
	bl	test_main
3:	wfi
	b	3b

/*
 * The stub's vectors: like the arm64 hyp-stub, a lower-EL HVC with
 * x0 = 0 (HVC_SET_VECTORS) sets VBAR_EL2 to x1 and returns 0.  Any
 * other call returns STUB_UNKNOWN, so the test can tell the stub's
 * answers from the corevisor's.
 */
	.balign	2048
	.globl	stub_vectors
stub_vectors:
	.rept	8
	.balign	0x80
	b	.
	.endr
	.balign	0x80
	b	stub_sync		/* lower EL AArch64 sync */
	.rept	7
	.balign	0x80
	b	.
	.endr

stub_sync:
	mrs	x9, esr_el2
	ubfx	x9, x9, #26, #6
	cmp	x9, #0x16
	b.ne	.
	cbnz	x0, 1f
	msr	vbar_el2, x1
	isb
	mov	x0, #0
	eret
1:	ldr	x0, =0x57ab57ab
	eret

/*
 * EL1 vectors of the test host: a synchronous exception from EL1 (the
 * abort a probe provokes) is recorded by el1_sync() in C, which returns
 * where to resume.  Anything else is unexpected and also goes to C.
 */
	.balign	2048
el1_vectors:
	.rept	4
	.balign	0x80
	b	el1_unexpected
	.endr
	.balign	0x80
	b	el1_sync_entry		/* current EL, SP_ELx, sync */
	.rept	3
	.balign	0x80
	b	el1_unexpected
	.endr
	.balign	0x80
	b	el0_return		/* lower EL (EL0), AArch64, sync */
	.rept	7
	.balign	0x80
	b	el1_unexpected
	.endr

el1_sync_entry:
	sub	sp, sp, #256
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x30, [sp, #16 * 9]
	mov	x0, sp
	bl	el1_sync
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x30, [sp, #16 * 9]
	add	sp, sp, #256
	eret

el1_unexpected:
	bl	el1_bad
	b	.

/* u64 probe_read(u64 pa), void probe_write(u64 pa, u64 val): one access */
	.globl	probe_read
probe_read:
	mov	x1, x0
	mov	x0, #0
	.globl	probe_read_insn
probe_read_insn:
	ldr	x0, [x1]
	ret

/*
 * u64 el0_probe(u64 pa): load from pa at EL0 (the EL1 MMU is off, so
 * EL0 may touch any address) and return the ESR_EL1 of the exception
 * that brought the CPU back to EL1: the injected abort, or the SVC that
 * follows the load when there was none.
 */
	.globl	el0_probe
el0_probe:
	adr_l	x1, el0_ctx
	stp	x19, x20, [x1, #16 * 0]
	stp	x21, x22, [x1, #16 * 1]
	stp	x23, x24, [x1, #16 * 2]
	stp	x25, x26, [x1, #16 * 3]
	stp	x27, x28, [x1, #16 * 4]
	stp	x29, x30, [x1, #16 * 5]
	mov	x2, sp
	str	x2, [x1, #16 * 6]
	adr_l	x1, el0_code
	msr	elr_el1, x1
	mov	x1, #0x3c0		/* EL0t, DAIF masked */
	msr	spsr_el1, x1
	isb
	eret

el0_code:
	ldr	x1, [x0]
	svc	#0
	b	.

el0_return:
	adr_l	x1, el0_ctx
	ldp	x19, x20, [x1, #16 * 0]
	ldp	x21, x22, [x1, #16 * 1]
	ldp	x23, x24, [x1, #16 * 2]
	ldp	x25, x26, [x1, #16 * 3]
	ldp	x27, x28, [x1, #16 * 4]
	ldp	x29, x30, [x1, #16 * 5]
	ldr	x2, [x1, #16 * 6]
	mov	sp, x2
	mrs	x0, esr_el1
	ret

/* void probe_exec(u64 pa): branch to pa, come back after its abort */
	.globl	probe_exec
probe_exec:
	stp	x29, x30, [sp, #-16]!
	blr	x0
	ldp	x29, x30, [sp], #16
	ret

	.globl	probe_write
probe_write:
	.globl	probe_write_insn
probe_write_insn:
	str	x1, [x0]
	ret

/*
 * void hvc_all(const u64 in[31], u64 out[31])
 * x0..x30 = in[], HVC #0, out[] = x0..x30 as the HVC left them: lets
 * the test see every register the corevisor hands back.
 */
	.globl	hvc_all
hvc_all:
	sub	sp, sp, #112
	stp	x19, x20, [sp, #16 * 0]
	stp	x21, x22, [sp, #16 * 1]
	stp	x23, x24, [sp, #16 * 2]
	stp	x25, x26, [sp, #16 * 3]
	stp	x27, x28, [sp, #16 * 4]
	stp	x29, x30, [sp, #16 * 5]
	str	x1, [sp, #16 * 6]
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
	hvc	#0
	str	x0, [sp, #16 * 6 + 8]
	ldr	x0, [sp, #16 * 6]
	str	x1, [x0, #8]
	stp	x2, x3, [x0, #16 * 1]
	stp	x4, x5, [x0, #16 * 2]
	stp	x6, x7, [x0, #16 * 3]
	stp	x8, x9, [x0, #16 * 4]
	stp	x10, x11, [x0, #16 * 5]
	stp	x12, x13, [x0, #16 * 6]
	stp	x14, x15, [x0, #16 * 7]
	stp	x16, x17, [x0, #16 * 8]
	stp	x18, x19, [x0, #16 * 9]
	stp	x20, x21, [x0, #16 * 10]
	stp	x22, x23, [x0, #16 * 11]
	stp	x24, x25, [x0, #16 * 12]
	stp	x26, x27, [x0, #16 * 13]
	stp	x28, x29, [x0, #16 * 14]
	str	x30, [x0, #16 * 15]
	ldr	x1, [sp, #16 * 6 + 8]
	str	x1, [x0]
	ldp	x19, x20, [sp, #16 * 0]
	ldp	x21, x22, [sp, #16 * 1]
	ldp	x23, x24, [sp, #16 * 2]
	ldp	x25, x26, [sp, #16 * 3]
	ldp	x27, x28, [sp, #16 * 4]
	ldp	x29, x30, [sp, #16 * 5]
	add	sp, sp, #112
	ret

/* void fp_set(u64 v): d0 = d31 = v;  u64 fp_get(int n): d0 (n = 0) or d31 */
	.globl	fp_set
fp_set:
	fmov	d0, x0
	fmov	d31, x0
	ret

	.globl	fp_get
fp_get:
	cbnz	x0, 1f
	fmov	x0, d0
	ret
1:	fmov	x0, d31
	ret

	.globl	corevisor_bin
	.globl	corevisor_bin_end
	.globl	guest_page
	.globl	guest_pub
	.globl	guest_sig
	.section .rodata
	.balign	4096
guest_page:
	.incbin	GUEST_BIN
	.balign	4096
guest_pub:
	.incbin	GUEST_PUB
	.balign	4096
guest_sig:
	.incbin	GUEST_SIG
	.balign	4096
	.balign	4096
corevisor_bin:
	.incbin	COREVISOR_BIN
corevisor_bin_end:

	.bss
	.balign	16
el0_ctx:
	.space	16 * 7
stacks:
	.space	3 << 14
