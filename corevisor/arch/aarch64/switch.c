// SPDX-License-Identifier: GPL-2.0-only
/*
 * World switch: run one vCPU on this CPU until its next exception.
 *
 * Owns: the per-CPU host save areas (EL1 system registers, FP/SIMD, the
 * virtual counter offset, the EL2 trap configuration while a guest runs)
 * and the per-CPU "guest running" pointers the vectors test
 * (cv_guest_regs).
 * Assumes: called from a host HVC (core_host_hvc), so ELR_EL2/SPSR_EL2
 * hold the host's return state; the core filled vcpu->hcr and vttbr.
 * Guarantees: on return the CPU is exactly in the host's state again,
 * and the vCPU's state is back in *vcpu; nothing of the guest stays in a
 * register the host can read (EL1 registers, x0..x30, FP/SIMD, the
 * GICv2 virtual interface: its list registers, VMCR and APR are saved,
 * then emptied and the interface disabled; the debug registers when the
 * core asked for the guest's to be loaded; the pointer-authentication
 * keys once the guest has used them), with one deliberate
 * exception: the EL1 virtual timer (CNTV_CTL_EL0, CNTV_CVAL_EL0) is not
 * switched.  The host's KVM loads the guest's timer into it before a run
 * and reads it back after, exactly as stock nVHE KVM and the original
 * SeKVM do, because the host emulates the timer interrupt and wakes a
 * vCPU blocked in WFI; a deadline is scheduling state the host controls
 * anyway, not guest memory or guest registers.
 */
#include <core/machine.h>
#include "sysreg.h"
#include "aarch64.h"
#include "asm.h"

_Static_assert(CV_EXIT_SYNC == EXIT_SYNC, "asm.h out of date");
_Static_assert(CV_EXIT_IRQ == EXIT_IRQ, "asm.h out of date");
_Static_assert(CV_EXIT_SERROR == EXIT_SERROR, "asm.h out of date");
_Static_assert(__builtin_offsetof(struct machine_vcpu, fpcr) ==
	       __builtin_offsetof(struct machine_vcpu, fp) + 65 * 8,
	       "cv_fpsimd_save layout");

/*
 * MDCR_EL2 for a guest: trap PMU and OS lock registers, and the debug
 * registers unless the core loaded the guest's (machine_vcpu.debug).
 */
#define MDCR_TPMCR	(1UL << 5)
#define MDCR_TPM	(1UL << 6)
#define MDCR_TDA	(1UL << 9)
#define MDCR_TDOSA	(1UL << 10)
#define MDCR_TDRA	(1UL << 11)

struct host_state {
	u64 sys[VCPU_NR_SYSREGS];
	u64 fp[66];		/* q0..q31, FPSR, FPCR */
	u64 elr_el2, spsr_el2;
	u64 hcr, vttbr, mdcr, cnthctl, cntvoff;
	u64 callee[14];		/* cv_guest_enter: x18..x30, sp */
	struct machine_debug dbg;	/* while a guest's are loaded */
	u64 pauth[MACHINE_NR_PAUTH];	/* while a guest's keys are loaded */
	/*
	 * The list registers that may hold anything but zero: the ones
	 * this run loaded; between runs none (vgic_save empties them), but
	 * every one before this CPU's first run (the host's boot may have
	 * left any value in them, and the GICH is banked per CPU).
	 */
	u32 lr_live;
	bool lr_known;
};

/* GICv2 virtual interface control registers (offsets from GICH) */
#define GICH_HCR	0x000
#define GICH_VTR	0x004
#define GICH_VMCR	0x008
#define GICH_APR	0x0f0
#define GICH_LR(n)	(0x100 + 4 * (n))

static struct host_state host_state[CV_MAX_CPUS];
/* set once by machine_vgic_init, before any vCPU runs */
static u64 gich;
static u32 gich_lrs;
/* read by the vectors: non-zero while a guest runs on that CPU */
u64 cv_guest_regs[CV_MAX_CPUS];
u64 cv_host_save[CV_MAX_CPUS];

static void save_el1(u64 *s)
{
	s[VCPU_SPSR_EL1] = read_sysreg(spsr_el1);
	s[VCPU_ELR_EL1] = read_sysreg(elr_el1);
	s[VCPU_ESR_EL1] = read_sysreg(esr_el1);
	s[VCPU_FAR_EL1] = read_sysreg(far_el1);
	s[VCPU_VBAR_EL1] = read_sysreg(vbar_el1);
	s[VCPU_SP_EL1] = read_sysreg(sp_el1);
	s[VCPU_SP_EL0] = read_sysreg(sp_el0);
	s[VCPU_SCTLR_EL1] = read_sysreg(sctlr_el1);
	s[VCPU_TTBR0_EL1] = read_sysreg(ttbr0_el1);
	s[VCPU_TTBR1_EL1] = read_sysreg(ttbr1_el1);
	s[VCPU_TCR_EL1] = read_sysreg(tcr_el1);
	s[VCPU_MAIR_EL1] = read_sysreg(mair_el1);
	s[VCPU_AMAIR_EL1] = read_sysreg(amair_el1);
	s[VCPU_CONTEXTIDR_EL1] = read_sysreg(contextidr_el1);
	s[VCPU_TPIDR_EL1] = read_sysreg(tpidr_el1);
	s[VCPU_TPIDR_EL0] = read_sysreg(tpidr_el0);
	s[VCPU_TPIDRRO_EL0] = read_sysreg(tpidrro_el0);
	s[VCPU_AFSR0_EL1] = read_sysreg(afsr0_el1);
	s[VCPU_AFSR1_EL1] = read_sysreg(afsr1_el1);
	s[VCPU_CPACR_EL1] = read_sysreg(cpacr_el1);
	s[VCPU_PAR_EL1] = read_sysreg(par_el1);
	s[VCPU_CNTKCTL_EL1] = read_sysreg(cntkctl_el1);
	s[VCPU_CSSELR_EL1] = read_sysreg(csselr_el1);
	s[VCPU_MDSCR_EL1] = read_sysreg(mdscr_el1);
	/*
	 * VMPIDR_EL2 is not read back: an EL2 register, which neither the
	 * guest nor the host can write; the host's is saved once a run
	 * (machine_vcpu_run), the guest's is what the core set.
	 */
}

static void load_el1(const u64 *s)
{
	write_sysreg(s[VCPU_SPSR_EL1], spsr_el1);
	write_sysreg(s[VCPU_ELR_EL1], elr_el1);
	write_sysreg(s[VCPU_ESR_EL1], esr_el1);
	write_sysreg(s[VCPU_FAR_EL1], far_el1);
	write_sysreg(s[VCPU_VBAR_EL1], vbar_el1);
	write_sysreg(s[VCPU_SP_EL1], sp_el1);
	write_sysreg(s[VCPU_SP_EL0], sp_el0);
	write_sysreg(s[VCPU_SCTLR_EL1], sctlr_el1);
	write_sysreg(s[VCPU_TTBR0_EL1], ttbr0_el1);
	write_sysreg(s[VCPU_TTBR1_EL1], ttbr1_el1);
	write_sysreg(s[VCPU_TCR_EL1], tcr_el1);
	write_sysreg(s[VCPU_MAIR_EL1], mair_el1);
	write_sysreg(s[VCPU_AMAIR_EL1], amair_el1);
	write_sysreg(s[VCPU_CONTEXTIDR_EL1], contextidr_el1);
	write_sysreg(s[VCPU_TPIDR_EL1], tpidr_el1);
	write_sysreg(s[VCPU_TPIDR_EL0], tpidr_el0);
	write_sysreg(s[VCPU_TPIDRRO_EL0], tpidrro_el0);
	write_sysreg(s[VCPU_AFSR0_EL1], afsr0_el1);
	write_sysreg(s[VCPU_AFSR1_EL1], afsr1_el1);
	write_sysreg(s[VCPU_CPACR_EL1], cpacr_el1);
	write_sysreg(s[VCPU_PAR_EL1], par_el1);
	write_sysreg(s[VCPU_CNTKCTL_EL1], cntkctl_el1);
	write_sysreg(s[VCPU_CSSELR_EL1], csselr_el1);
	write_sysreg(s[VCPU_VMPIDR_EL2], vmpidr_el2);
	write_sysreg(s[VCPU_MDSCR_EL1], mdscr_el1);
}

/*
 * Breakpoint and watchpoint registers: the register's number is part of
 * the instruction, so the first n of one kind are reached by falling
 * through a switch from n - 1 down to 0.  nr: how many this CPU has
 * (ID_AA64DFR0_EL1.BRPs/WRPs + 1, at most 16).
 */
#define DBG_SAVE1(arr, reg, i)	((arr)[i] = read_sysreg(reg##i##_el1))
#define DBG_LOAD1(arr, reg, i)	write_sysreg((arr)[i], reg##i##_el1)
#define FALL			__attribute__((fallthrough))

#define DBG_ALL(op, arr, reg, nr)					\
	do {								\
		switch (nr) {						\
		case 16:						\
			op(arr, reg, 15);				\
			FALL;						\
		case 15:						\
			op(arr, reg, 14);				\
			FALL;						\
		case 14:						\
			op(arr, reg, 13);				\
			FALL;						\
		case 13:						\
			op(arr, reg, 12);				\
			FALL;						\
		case 12:						\
			op(arr, reg, 11);				\
			FALL;						\
		case 11:						\
			op(arr, reg, 10);				\
			FALL;						\
		case 10:						\
			op(arr, reg, 9);				\
			FALL;						\
		case 9:							\
			op(arr, reg, 8);				\
			FALL;						\
		case 8:							\
			op(arr, reg, 7);				\
			FALL;						\
		case 7:							\
			op(arr, reg, 6);				\
			FALL;						\
		case 6:							\
			op(arr, reg, 5);				\
			FALL;						\
		case 5:							\
			op(arr, reg, 4);				\
			FALL;						\
		case 4:							\
			op(arr, reg, 3);				\
			FALL;						\
		case 3:							\
			op(arr, reg, 2);				\
			FALL;						\
		case 2:							\
			op(arr, reg, 1);				\
			FALL;						\
		default:						\
			op(arr, reg, 0);				\
		}							\
	} while (0)

static u32 nr_brps(void)
{
	return ((read_sysreg(id_aa64dfr0_el1) >> 12) & 0xf) + 1;
}

static u32 nr_wrps(void)
{
	return ((read_sysreg(id_aa64dfr0_el1) >> 20) & 0xf) + 1;
}

static void debug_save(struct machine_debug *d)
{
	u32 brps = nr_brps(), wrps = nr_wrps();

	DBG_ALL(DBG_SAVE1, d->bcr, dbgbcr, brps);
	DBG_ALL(DBG_SAVE1, d->bvr, dbgbvr, brps);
	DBG_ALL(DBG_SAVE1, d->wcr, dbgwcr, wrps);
	DBG_ALL(DBG_SAVE1, d->wvr, dbgwvr, wrps);
}

static void debug_load(const struct machine_debug *d)
{
	u32 brps = nr_brps(), wrps = nr_wrps();

	DBG_ALL(DBG_LOAD1, d->bcr, dbgbcr, brps);
	DBG_ALL(DBG_LOAD1, d->bvr, dbgbvr, brps);
	DBG_ALL(DBG_LOAD1, d->wcr, dbgwcr, wrps);
	DBG_ALL(DBG_LOAD1, d->wvr, dbgwvr, wrps);
}

/*
 * Pointer authentication, switched lazily as FP/SIMD is (enter_guest): a
 * guest enters with HCR_EL2.API/APK clear and the host's keys loaded, so
 * its first PAC instruction (with its SCTLR_EL1.EnIA, EnIB, EnDA or EnDB
 * set) or key-register access traps here without having seen them.  Only
 * then are the host's keys saved, the guest's loaded and the traps
 * lifted; from then on every run of that vCPU loads its keys at entry.
 * A guest that never uses them (a kernel without ARM64_PTR_AUTH, any
 * guest on a CPU without it) switches nothing.
 */
static void pauth_save(u64 *k)
{
	k[0] = read_sysreg(s3_0_c2_c1_0);	/* APIAKeyLo_EL1 */
	k[1] = read_sysreg(s3_0_c2_c1_1);	/* APIAKeyHi_EL1 */
	k[2] = read_sysreg(s3_0_c2_c1_2);	/* APIBKeyLo_EL1 */
	k[3] = read_sysreg(s3_0_c2_c1_3);	/* APIBKeyHi_EL1 */
	k[4] = read_sysreg(s3_0_c2_c2_0);	/* APDAKeyLo_EL1 */
	k[5] = read_sysreg(s3_0_c2_c2_1);	/* APDAKeyHi_EL1 */
	k[6] = read_sysreg(s3_0_c2_c2_2);	/* APDBKeyLo_EL1 */
	k[7] = read_sysreg(s3_0_c2_c2_3);	/* APDBKeyHi_EL1 */
	k[8] = read_sysreg(s3_0_c2_c3_0);	/* APGAKeyLo_EL1 */
	k[9] = read_sysreg(s3_0_c2_c3_1);	/* APGAKeyHi_EL1 */
}

static void pauth_load(const u64 *k)
{
	write_sysreg(k[0], s3_0_c2_c1_0);
	write_sysreg(k[1], s3_0_c2_c1_1);
	write_sysreg(k[2], s3_0_c2_c1_2);
	write_sysreg(k[3], s3_0_c2_c1_3);
	write_sysreg(k[4], s3_0_c2_c2_0);
	write_sysreg(k[5], s3_0_c2_c2_1);
	write_sysreg(k[6], s3_0_c2_c2_2);
	write_sysreg(k[7], s3_0_c2_c2_3);
	write_sysreg(k[8], s3_0_c2_c3_0);
	write_sysreg(k[9], s3_0_c2_c3_1);
}

/*
 * A trap of HCR_EL2.API (a PAC instruction) or APK (MRS/MSR of a key
 * register: op0 3, op1 0, CRn 2, CRm 1-3).  ISS: Op0 [21:20], Op1
 * [16:14], CRn [13:10], CRm [4:1].
 */
static bool pauth_trap(u64 esr)
{
	u64 crm = (esr >> 1) & 0xf;

	if (ESR_EC(esr) == EC_PAC)
		return true;
	return ESR_EC(esr) == EC_SYS64 && ((esr >> 20) & 3) == 3 &&
	       !((esr >> 14) & 7) && ((esr >> 10) & 0xf) == 2 &&
	       crm >= 1 && crm <= 3;
}

/* The guest's keys in, the host's saved, their use no longer trapped. */
static void pauth_switch_in(struct machine_vcpu *vcpu, struct host_state *h)
{
	pauth_save(h->pauth);
	pauth_load(vcpu->pauth);
	write_sysreg(read_sysreg(hcr_el2) | HCR_API | HCR_APK, hcr_el2);
	isb();
}

/*
 * Whatever the context says, the guest enters EL0 or EL1 under its
 * stage 2: HCR_EL2.VM forced on, TGE and E2H off, and an SPSR whose
 * mode is not EL0/EL1 (an eret to EL2, or an illegal return that
 * would stay at EL2) becomes EL1h.  The core never builds such a state;
 * this keeps a core bug from turning into guest code at EL2.
 */
#define HCR_TGE		(1UL << 27)
#define HCR_E2H		(1UL << 34)
#define HCR_VM_BIT	(1UL << 0)
#define SPSR_M_A32_USR	0x10

static u64 guest_hcr(u64 hcr)
{
	return hcr_for_cpu(hcr | HCR_VM_BIT) & ~(HCR_TGE | HCR_E2H);
}

static u64 guest_spsr(u64 spsr)
{
	switch (spsr & SPSR_MODE_MASK) {
	case SPSR_MODE_EL0T:
	case SPSR_MODE_EL1T:
	case SPSR_MODE_EL1H:
	case SPSR_M_A32_USR:
		return spsr;
	default:
		return (spsr & ~SPSR_MODE_MASK) | SPSR_MODE_EL1H;
	}
}

static inline u32 gich_read(u32 off)
{
	u32 val;

	asm volatile("ldr %w0, [%1]" : "=r" (val) : "r" (gich + off)
		     : "memory");
	return val;
}

static inline void gich_write(u32 off, u32 val)
{
	asm volatile("str %w0, [%1]" : : "rZ" (val), "r" (gich + off)
		     : "memory");
}

u32 machine_vgic_init(u64 pa)
{
	gich = pa;
	gich_lrs = (gich_read(GICH_VTR) & 0x3f) + 1;
	return gich_lrs;
}

/*
 * lr[] into the first CV_NR_LRS list registers, only those that hold an
 * interrupt; every other list register is zero already (lr_live), so
 * an exit that carries no interrupt touches none.  A list register the
 * core left at zero stays zero while the guest runs: the GIC only
 * changes the state of the interrupts it was given.
 */
static void vgic_load(const struct machine_vcpu *vcpu, struct host_state *h)
{
	const u32 nr = gich_lrs < CV_NR_LRS ? gich_lrs : CV_NR_LRS;
	u32 i, used = 0;

	if (!gich)
		return;
	if (!h->lr_known) {
		/* this CPU's first run: empty whatever the boot left */
		for (i = 0; i < gich_lrs; i++)
			gich_write(GICH_LR(i), 0);
		h->lr_known = true;
	}
	for (i = 0; i < nr; i++) {
		if (vcpu->lr[i]) {
			gich_write(GICH_LR(i), vcpu->lr[i]);
			used |= 1U << i;
		}
	}
	h->lr_live = used;
	gich_write(GICH_APR, vcpu->vgic_apr);
	gich_write(GICH_VMCR, vcpu->vgic_vmcr);
	gich_write(GICH_HCR, vcpu->vgic_hcr);
}

/*
 * Back into lr[] and emptied: the list registers this run loaded.  The
 * others held zero and still do, as lr[] does for them.
 */
static void vgic_save(struct machine_vcpu *vcpu, struct host_state *h)
{
	u32 i, live = h->lr_live;

	if (!gich)
		return;
	gich_write(GICH_HCR, 0);
	vcpu->vgic_vmcr = gich_read(GICH_VMCR);
	vcpu->vgic_apr = gich_read(GICH_APR);
	for (i = 0; live; i++, live >>= 1) {
		if (live & 1) {
			vcpu->lr[i] = gich_read(GICH_LR(i));
			gich_write(GICH_LR(i), 0);
		}
	}
	h->lr_live = 0;
	gich_write(GICH_APR, 0);
	gich_write(GICH_VMCR, 0);
}

/*
 * FP/SIMD is switched lazily, as KVM does, but only in the direction
 * that keeps the host from ever seeing the guest's: the guest enters
 * with FP/SIMD trapped (CPTR_EL2.TFP) and the host's registers still
 * loaded; its first FP/SIMD instruction traps here, and only then are
 * the host's saved and the guest's loaded, untrapped, and the guest
 * resumed at that instruction.  A run without FP/SIMD (most exits of
 * a kernel) switches nothing.  On the way out machine_vcpu_run saves
 * the guest's and reloads the host's iff they were switched.
 */
static u64 enter_guest(struct machine_vcpu *vcpu, struct host_state *h,
		       bool *fp_loaded, bool *keys_loaded)
{
	u64 kind, esr;

	write_sysreg(CPTR_EL2_RES1 | CPTR_TZ | CPTR_TFP, cptr_el2);
	isb();
	for (;;) {
		kind = cv_guest_enter(vcpu->x, h->callee);
		if (kind != EXIT_SYNC)
			break;
		esr = read_sysreg(esr_el2);
		if (!*fp_loaded && ESR_EC(esr) == EC_FP_ASIMD) {
			/* EL2 itself traps under TFP: untrap before the save */
			write_sysreg(CPTR_EL2_RES1 | CPTR_TZ, cptr_el2);
			isb();
			cv_fpsimd_save(h->fp);
			cv_fpsimd_load(vcpu->fp);
			*fp_loaded = true;
		} else if (!*keys_loaded && pauth_trap(esr) &&
			   cpu_has_pauth()) {
			pauth_switch_in(vcpu, h);
			vcpu->pauth_used = 1;
			*keys_loaded = true;
		} else {
			break;
		}
	}
	write_sysreg(CPTR_EL2_RES1 | CPTR_TZ, cptr_el2);
	return kind;
}

void machine_vcpu_run(struct machine_vcpu *vcpu, struct machine_exit *exit)
{
	struct host_state *h = &host_state[machine_cpu_index()];
	bool fp_loaded, keys_loaded;
	u64 kind;

	/* host out */
	h->elr_el2 = read_sysreg(elr_el2);
	h->spsr_el2 = read_sysreg(spsr_el2);
	h->hcr = read_sysreg(hcr_el2);
	h->vttbr = read_sysreg(vttbr_el2);
	h->mdcr = read_sysreg(mdcr_el2);
	h->cnthctl = read_sysreg(cnthctl_el2);
	h->cntvoff = read_sysreg(cntvoff_el2);
	save_el1(h->sys);
	h->sys[VCPU_VMPIDR_EL2] = read_sysreg(vmpidr_el2);

	/* guest in (FP/SIMD on its first use: enter_guest) */
	load_el1(vcpu->sys);
	if (vcpu->debug) {
		debug_save(&h->dbg);
		debug_load(&vcpu->dbg);
	}
	write_sysreg(vcpu->cntvoff, cntvoff_el2);
	vgic_load(vcpu, h);
	/*
	 * The guest has the virtual timer; its physical timer traps
	 * (EL1PCEN clear) and the core forwards it to the host to emulate.
	 */
	write_sysreg(CNTHCTL_EL1PCTEN, cnthctl_el2);
	write_sysreg(MDCR_TPMCR | MDCR_TPM | MDCR_TDOSA | MDCR_TDRA |
		     (vcpu->debug ? 0 : MDCR_TDA), mdcr_el2);
	write_sysreg(vcpu->vttbr, vttbr_el2);
	write_sysreg(guest_hcr(vcpu->hcr), hcr_el2);
	write_sysreg(vcpu->pc, elr_el2);
	write_sysreg(guest_spsr(vcpu->pstate), spsr_el2);

	fp_loaded = false;
	keys_loaded = false;
	if (vcpu->pauth_used) {
		pauth_switch_in(vcpu, h);
		keys_loaded = true;
	}
	kind = enter_guest(vcpu, h, &fp_loaded, &keys_loaded);

	/* guest out */
	exit->kind = (u32)kind;
	exit->esr = read_sysreg(esr_el2);
	exit->far = read_sysreg(far_el2);
	exit->hpfar = read_sysreg(hpfar_el2);
	vcpu->pc = read_sysreg(elr_el2);
	vcpu->pstate = read_sysreg(spsr_el2);
	save_el1(vcpu->sys);
	if (fp_loaded) {
		cv_fpsimd_save(vcpu->fp);
		cv_fpsimd_load(h->fp);
	}
	if (keys_loaded) {
		pauth_save(vcpu->pauth);
		pauth_load(h->pauth);
	}
	vgic_save(vcpu, h);
	if (vcpu->debug) {
		debug_save(&vcpu->dbg);
		debug_load(&h->dbg);
	}

	/* host in */
	write_sysreg(h->hcr, hcr_el2);
	write_sysreg(h->vttbr, vttbr_el2);
	write_sysreg(h->mdcr, mdcr_el2);
	write_sysreg(h->cnthctl, cnthctl_el2);
	write_sysreg(h->cntvoff, cntvoff_el2);
	load_el1(h->sys);
	write_sysreg(h->elr_el2, elr_el2);
	write_sysreg(h->spsr_el2, spsr_el2);
	isb();
}
