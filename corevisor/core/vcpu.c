// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu: shadow vCPU state and what the host sees of it.
 *
 * Owns: every vCPU's registers (struct vcpu in core data).  The host
 * never reads or writes them directly; VCPU_RUN returns, per exit kind,
 * only what the host needs to emulate it:
 *   data/instruction abort: the IPA, the access description and, for an
 *   MMIO write, the written value;  HVC: guest x0..x3;  WFx: WFI or WFE;
 *   OFF: power-off or reset;  IRQ: nothing;  SYSREG (the EL1 physical
 *   timer only): which register, read or write, the value written.
 * The host's answer comes with the next VCPU_RUN (value, action) and is
 * checked against the exit it answers: MMIO data only for a described
 * abort (written to the one register the guest named, at the access
 * size), an HVC result only for an HVC, an abort injection only for an
 * abort (an instruction abort for a fetch, a data abort otherwise), a
 * system register value only for a forwarded read.  Guest SHARE/UNSHARE
 * and VERSION HVCs, the other system register traps (debug registers
 * switched lazily, the rest read as zero, writes ignored) and PSCI
 * CPU_ON bookkeeping are handled here without trusting the host.  A
 * vCPU runs on one CPU at a time (state ACTIVE).
 * Virtual interrupts: the host writes the list registers (as many as the
 * GICH has, at most CV_NR_LRS), each checked, one a call (SET_VIRQ) or
 * all of them with the run (VCPU_RUN_LRS, which also hands them back);
 * the world switch loads them with the GICH enabled (vgic_hcr), and
 * saves them back.
 */
#include <core/core.h>

#define ESR_EC(esr)		((esr) >> 26)
#define EC_WFX			0x01UL
#define EC_HVC64		0x16UL
#define EC_SYS64		0x18UL
#define EC_IABT_LOW		0x20UL
#define EC_IABT_CUR		0x21UL
#define EC_DABT_LOW		0x24UL
#define EC_DABT_CUR		0x25UL
#define ESR_IL			(1UL << 25)
#define ESR_ISV			(1UL << 24)
#define ESR_SAS(esr)		(((esr) >> 22) & 3)
#define ESR_SSE			(1UL << 21)
#define ESR_SRT(esr)		(((esr) >> 16) & 31)
#define ESR_SF			(1UL << 15)
#define ESR_WNR			(1UL << 6)
#define ESR_WFX_WFE		(1UL << 0)		/* EC 0x01: TI */
#define ESR_SYS_RT(esr)		(((esr) >> 5) & 31)	/* EC 0x18: Rt */
#define ESR_SYS_READ		(1UL << 0)		/* EC 0x18: MRS */
/* EC 0x18: Op0, Op2, Op1, CRn, CRm of the register (no Rt, no direction) */
#define ESR_SYS_REG(esr)	((esr) & 0x3ffc1eUL)
#define SYS_REG(op0, op1, crn, crm, op2) \
	(((u64)(op0) << 20) | ((u64)(op2) << 17) | ((u64)(op1) << 14) | \
	 ((u64)(crn) << 10) | ((u64)(crm) << 1))
#define SYS_CNTP_TVAL		SYS_REG(3, 3, 14, 2, 0)
#define SYS_CNTP_CTL		SYS_REG(3, 3, 14, 2, 1)
#define SYS_CNTP_CVAL		SYS_REG(3, 3, 14, 2, 2)
#define SYS_MDSCR_EL1		SYS_REG(2, 0, 0, 2, 2)
#define MDSCR_KDE		(1UL << 13)
#define MDSCR_MDE		(1UL << 15)
#define FSC_SEA			0x10

#define PSCI_CPU_ON_32		0x84000003UL
#define PSCI_CPU_ON_64		0xC4000003UL
#define PSCI_SYSTEM_OFF		0x84000008UL
#define PSCI_SYSTEM_RESET	0x84000009UL
#define RUN_LOOPS		64
#define LR_HW			(1UL << 31)
#define LR_RES0			(7UL << 20)
#define INTID_SPURIOUS		1020	/* 1020-1023: never an interrupt */

/* Take an exception to the guest's EL1, as the CPU would have. */
static void inject(struct machine_vcpu *c, u64 esr, u64 far)
{
	u64 mode = c->pstate & 0x1f;	/* bit 4: AArch32 EL0 */
	u64 offset = mode & 0x10 ? 0x600 : mode == 0 ? 0x400 :
		     mode == 5 ? 0x200 : 0;

	c->sys[VCPU_ELR_EL1] = c->pc;
	c->sys[VCPU_SPSR_EL1] = c->pstate;
	c->sys[VCPU_ESR_EL1] = esr;
	c->sys[VCPU_FAR_EL1] = far;
	c->pc = c->sys[VCPU_VBAR_EL1] + offset;
	c->pstate = PSTATE_EL1H_MASKED;
}

static void inject_undef(struct machine_vcpu *c)
{
	inject(c, ESR_IL, 0);
}

static u64 size_mask(u64 esr)
{
	return ESR_SAS(esr) == 3 ? ~0UL : (1UL << (8 << ESR_SAS(esr))) - 1;
}

static u64 reg_read(struct machine_vcpu *c, u32 r)
{
	return r == 31 ? 0 : c->x[r];
}

/* Complete an MMIO read with the host's data, then step over it. */
static void mmio_done(struct vcpu *v, u64 value)
{
	u64 esr = v->fault_esr, mask = size_mask(esr);
	u32 bits = 8 << ESR_SAS(esr);

	if (!(esr & ESR_WNR) && ESR_SRT(esr) != 31) {
		value &= mask;
		if (esr & ESR_SSE && bits < 64 && value >> (bits - 1))
			value |= ~mask;
		if (!(esr & ESR_SF))
			value &= 0xFFFFFFFFUL;
		v->ctx.x[ESR_SRT(esr)] = value;
	}
	v->ctx.pc += 4;
}

/* Check the host's answer to the last exit; nothing changes on error. */
static s64 check_action(struct vcpu *v, u64 action)
{
	switch (action) {
	case CV_RUN_NONE:
		return 0;
	case CV_RUN_MMIO_DONE:
		return v->pending == PEND_ABORT && v->fault_esr & ESR_ISV &&
			ESR_EC(v->fault_esr) == EC_DABT_LOW ? 0 : CV_E_STATE;
	case CV_RUN_INJECT_ABORT:
		return v->pending == PEND_ABORT ? 0 : CV_E_STATE;
	case CV_RUN_HVC_RET:
		return v->pending == PEND_HVC ? 0 : CV_E_STATE;
	case CV_RUN_SYSREG_DONE:
		return v->pending == PEND_SYSREG ? 0 : CV_E_STATE;
	}
	return CV_E_INVAL;
}

/*
 * The external abort the host asked for, of the fault's own kind, as
 * stock KVM's kvm_inject_pabt/dabt: a fetch from an IPA with nothing
 * behind it gets an instruction abort, a load or store a data abort;
 * taken from the current EL or a lower one, FAR the faulting address.
 */
static void inject_abort(struct vcpu *v)
{
	struct machine_vcpu *c = &v->ctx;
	bool from_el0 = (c->pstate & 0x10) || !(c->pstate & 0xc);
	u64 ec;

	if (ESR_EC(v->fault_esr) == EC_IABT_LOW)
		ec = from_el0 ? EC_IABT_LOW : EC_IABT_CUR;
	else
		ec = from_el0 ? EC_DABT_LOW : EC_DABT_CUR;
	inject(c, (ec << 26) | ESR_IL | FSC_SEA, v->fault_far);
}

/* A forwarded MRS gets the host's value in Rt; either way, step over. */
static void sysreg_done(struct vcpu *v, u64 value)
{
	u32 rt = ESR_SYS_RT(v->fault_esr);

	if (v->fault_esr & ESR_SYS_READ && rt != 31)
		v->ctx.x[rt] = value;
	v->ctx.pc += 4;
}

static void apply_action(struct vcpu *v, u64 action, u64 value)
{
	struct machine_vcpu *c = &v->ctx;

	if (action == CV_RUN_MMIO_DONE)
		mmio_done(v, value);
	else if (action == CV_RUN_INJECT_ABORT)
		inject_abort(v);
	else if (action == CV_RUN_HVC_RET)
		c->x[0] = value;
	else if (action == CV_RUN_SYSREG_DONE)
		sysreg_done(v, value);
	v->pending = PEND_NONE;
}

/*
 * A trapped MSR/MRS (EC 0x18) the corevisor answers itself: OS lock and
 * PMU registers (MDCR_EL2 traps), the debug registers that are neither
 * breakpoints nor watchpoints nor MDSCR_EL1, ACTLR_EL1 (TAC),
 * IMPLEMENTATION DEFINED registers (TIDCP) and DC set/way (TSW).  None
 * exists for the guest: reads are zero, writes are ignored, the
 * instruction is stepped over.  Linux's __cpu_setup writes PMUSERENR_EL0
 * before it has vectors, so an UNDEF here kills every guest.  Stock KVM
 * answers the PMU the same way for a VM without a PMU, and the OS lock
 * registers much the same.
 */
static void sysreg_raz_wi(struct machine_vcpu *c, u64 esr)
{
	u32 rt = ESR_SYS_RT(esr);

	if (esr & ESR_SYS_READ && rt != 31)
		c->x[rt] = 0;
	c->pc += 4;
}

/*
 * The guest's own debug registers: DBGBVR/BCR/WVR/WCR<n>_EL1 (Op0 2,
 * Op1 0, CRn 0, CRm n, Op2 4..7) and MDSCR_EL1.  They are vCPU state,
 * switched lazily as KVM does: trapped (MDCR_EL2.TDA) until the guest
 * touches one; then the access is not emulated but retried with the
 * guest's set loaded and untrapped for that run (debug_dirty), and for
 * every run while its MDSCR_EL1 enables debug (KDE or MDE).
 */
static bool is_debug_reg(u64 esr)
{
	u64 reg = ESR_SYS_REG(esr);
	u64 op2 = (reg >> 17) & 7;

	if (reg == SYS_MDSCR_EL1)
		return true;
	return (reg & ~(SYS_REG(0, 0, 0, 15, 7))) == SYS_REG(2, 0, 0, 0, 0) &&
	       op2 >= 4;
}

/* The forwarded registers: the EL1 physical timer (abi.h, CV_EXIT_SYSREG). */
static s64 sysreg_forward(struct vcpu *v, u64 esr, u64 out[4])
{
	u64 reg = ESR_SYS_REG(esr);

	if (reg == SYS_CNTP_TVAL)
		out[0] = CV_SYSREG_CNTP_TVAL;
	else if (reg == SYS_CNTP_CTL)
		out[0] = CV_SYSREG_CNTP_CTL;
	else if (reg == SYS_CNTP_CVAL)
		out[0] = CV_SYSREG_CNTP_CVAL;
	else
		return 0;
	out[1] = !(esr & ESR_SYS_READ);
	out[2] = out[1] ? reg_read(&v->ctx, ESR_SYS_RT(esr)) : 0;
	out[3] = 0;
	v->fault_esr = esr;
	v->pending = PEND_SYSREG;
	return CV_EXIT_SYSREG;
}

static s64 handle_sysreg(struct vcpu *v, u64 esr, u64 out[4])
{
	if (is_debug_reg(esr)) {
		v->debug_dirty = true;
		return 0;	/* retry it natively */
	}
	if (sysreg_forward(v, esr, out))
		return CV_EXIT_SYSREG;
	sysreg_raz_wi(&v->ctx, esr);
	return 0;
}

/* Load the guest's debug registers for this run? (see is_debug_reg) */
static void debug_prepare(struct vcpu *v)
{
	v->ctx.debug = v->debug_dirty ||
		       (v->ctx.sys[VCPU_MDSCR_EL1] & (MDSCR_KDE | MDSCR_MDE));
	v->debug_dirty = false;
}

static void psci_cpu_on(struct vm *vm, struct machine_vcpu *c)
{
	u64 target = c->x[1];

	if (target >= CV_MAX_VCPUS)
		return;
	if (vm->vcpu[target].state != VCPU_STOPPED)
		return;
	vm->vcpu[target].ctx.pc = c->x[2];
	vm->vcpu[target].ctx.x[0] = c->x[3];
	vm->vcpu[target].state = VCPU_READY;
}

/*
 * One guest exit.  Returns 0 to re-enter the guest or a CV_EXIT_* kind
 * with out[] filled for the host; *why is the counter it goes to
 * (CV_STAT_EXIT_*), set in the same switch that handles it.
 * Only an HVC that changes the VM takes vm->lock: power-off or reset
 * (vm->state) and CPU_ON (another vCPU).  Every other exit touches only
 * this vCPU, which no other CPU reads or writes while it is ACTIVE, and
 * SHARE/UNSHARE take mem_lock for the stage 2.  So two vCPUs of a VM do
 * not wait for each other on their exit paths.
 */
static s64 handle_exit(struct vm *vm, struct vcpu *v,
		       const struct machine_exit *e, u64 out[4], u32 *why)
{
	struct machine_vcpu *c = &v->ctx;
	u64 esr = e->esr, id = c->x[0];
	u32 i;

	if (e->kind != EXIT_SYNC) {
		*why = e->kind == EXIT_IRQ ? CV_STAT_EXIT_IRQ :
		       CV_STAT_EXIT_OTHER;
		return CV_EXIT_IRQ;
	}
	*why = CV_STAT_EXIT_OTHER;
	switch (ESR_EC(esr)) {
	case EC_HVC64:
		*why = CV_STAT_EXIT_GHC;
		if (id == CV_GHC_SHARE || id == CV_GHC_UNSHARE) {
			c->x[0] = pgs_set_share(vm, c->x[1],
						id == CV_GHC_SHARE);
			return 0;
		}
		if (id == CV_GHC_VERSION) {
			c->x[0] = CV_ABI_VERSION;
			return 0;
		}
		*why = CV_STAT_EXIT_HVC;
		/* the only exits that change the VM: under vm->lock */
		if (id == PSCI_SYSTEM_OFF || id == PSCI_SYSTEM_RESET) {
			/* off either way: a reset is the VMM's to carry out */
			lock_take(&vm->lock);
			vm->state = VM_OFF;
			lock_give(&vm->lock);
			out[0] = id == PSCI_SYSTEM_RESET;
			return CV_EXIT_OFF;
		}
		if (id == PSCI_CPU_ON_32 || id == PSCI_CPU_ON_64) {
			lock_take(&vm->lock);
			psci_cpu_on(vm, c);
			lock_give(&vm->lock);
		}
		for (i = 0; i < 4; i++)
			out[i] = c->x[i];
		v->pending = PEND_HVC;
		return CV_EXIT_HVC;
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		*why = CV_STAT_EXIT_ABORT;
		v->fault_esr = esr;
		v->fault_far = e->far;
		v->pending = PEND_ABORT;
		out[0] = ((e->hpfar >> 4) << PAGE_SHIFT) | (e->far & ~PAGE_MASK);
		out[1] = 0;
		out[2] = 0;
		if (ESR_EC(esr) == EC_DABT_LOW && esr & ESR_ISV) {
			out[1] = CV_ABORT_ISV |
				 (ESR_SAS(esr) << CV_ABORT_SIZE_SHIFT);
			if (esr & ESR_WNR) {
				out[1] |= CV_ABORT_WRITE;
				out[2] = reg_read(c, ESR_SRT(esr)) &
					 size_mask(esr);
			}
		}
		return CV_EXIT_ABORT;
	case EC_WFX:
		*why = CV_STAT_EXIT_WFX;
		/* the host blocks a WFI but only yields for a WFE (a spin) */
		out[0] = esr & ESR_WFX_WFE;
		c->pc += 4;
		return CV_EXIT_WFX;
	case EC_SYS64:
		i = handle_sysreg(v, esr, out);
		*why = i == CV_EXIT_SYSREG ? CV_STAT_EXIT_SYSREG :
		       CV_STAT_EXIT_SYSREG_EL2;
		return i;
	}
	/* anything unknown (SMC, a 32-bit trap): the guest's problem */
	inject_undef(c);
	return 0;
}

/* How the host answered an abort: a page it mapped, or MMIO. */
static void answer_stat(struct cv_stat *row, const struct vcpu *v,
			u64 action)
{
	if (v->pending != PEND_ABORT)
		return;
	if (action == CV_RUN_NONE)
		stat_count(row, CV_STAT_ANSWER_RETRY);
	else if (action == CV_RUN_MMIO_DONE)
		stat_count(row, CV_STAT_ANSWER_MMIO);
}

/*
 * GICv2 list register: no reserved bits, a real virtual INTID, HW only
 * for a PPI (the timer).
 */
static bool lr_valid(u64 val)
{
	u64 pid = (val >> 10) & 0x3ff;

	if (val >> 32 || val & LR_RES0 || (val & 0x3ff) >= INTID_SPURIOUS)
		return false;
	return !(val & LR_HW) || (pid >= 16 && pid < 32);
}

/* List register i of VCPU_RUN_LRS's pair (ABI 1.6): two in each. */
static u32 lr_of(const u64 lrs[2], unsigned int i)
{
	return (u32)(lrs[i / 2] >> (i % 2 * 32));
}

/*
 * The list registers a VCPU_RUN_LRS brings, each checked as SET_VIRQ
 * checks it (an empty one always passes), before the call changes
 * anything.
 */
static s64 check_lrs(const u64 lrs[2])
{
	unsigned int i;

	if (!(lrs[0] | lrs[1]))
		return 0;
	for (i = 0; i < CV_NR_LRS; i++) {
		u32 val = lr_of(lrs, i);

		if (!val)
			continue;
		if (i >= core.nr_lrs)
			return CV_E_RANGE;
		if (!lr_valid(val))
			return CV_E_INVAL;
	}
	return 0;
}

/*
 * Checked: the run's list registers are the host's set, all of them.
 * x5 = LR0 | LR1 << 32 and x6 = LR2 | LR3 << 32 are, on a little-endian
 * CPU, lr[0..3] as they lie in memory (lr_pair, machine.h): two stores,
 * not four shifts, on the path of every such run.
 */
static void set_lrs(struct vcpu *v, const u64 lrs[2])
{
	_Static_assert(CV_NR_LRS == 4, "VCPU_RUN_LRS carries 4 in x5, x6");
	_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
		       "x5/x6 are lr[] as it lies in memory");
	v->ctx.lr_pair[0] = lrs[0];
	v->ctx.lr_pair[1] = lrs[1];
}

/* What the run left in them, for the host's vGIC. */
static void get_lrs(const struct vcpu *v, u64 lrs[2])
{
	lrs[0] = v->ctx.lr_pair[0];
	lrs[1] = v->ctx.lr_pair[1];
}

static struct vm *get_vcpu(u64 vmid, u64 idx, struct vcpu **v, s64 *err)
{
	struct vm *vm = vm_get_locked(vmid);

	*err = CV_E_INVAL;
	if (!vm)
		return NULL;
	*err = CV_E_RANGE;
	if (idx >= CV_MAX_VCPUS)
		goto fail;
	*v = &vm->vcpu[idx];
	*err = CV_E_STATE;
	if ((*v)->state == VCPU_NONE)
		goto fail;
	*err = 0;
	return vm;
fail:
	lock_give(&vm->lock);
	return NULL;
}

/*
 * The run loop.  row is this CPU's counters: on this path they count
 * events only (a timer read an exit would cost more than the counters
 * are worth; the -icount micro-benchmark times the path instead).
 * Leaving ACTIVE is a release store, not a locked one: a CPU that sees
 * READY (vm_stop, vm_teardown, the vGIC calls, all under vm->lock) sees
 * every write of the run, and this CPU touches the vCPU no more.
 * out[] is written, all of it, only once the call is accepted: the
 * dispatcher passes the host's own r[1..4].  lrs (VCPU_RUN_LRS, else
 * NULL) is the host's r[5..6]: the run's list registers in, checked
 * with the rest of the call, and what the run left in them out.
 */
s64 vcpu_run(u64 vmid, u64 idx, u64 value, u64 action, u64 out[4],
	     u64 *lrs)
{
	struct cv_stat *row = core_stats[machine_cpu_index()];
	struct vcpu *v;
	s64 ret;
	struct vm *vm = get_vcpu(vmid, idx, &v, &ret);
	int loops;

	if (!vm)
		return ret;
	ret = check_action(v, action);
	if (!ret && (vm->state != VM_RUNNING || v->state != VCPU_READY))
		ret = CV_E_STATE;
	if (!ret && lrs)
		ret = check_lrs(lrs);
	if (ret) {
		lock_give(&vm->lock);
		return ret;
	}
	answer_stat(row, v, action);
	apply_action(v, action, value);
	if (lrs)
		set_lrs(v, lrs);
	v->state = VCPU_ACTIVE;
	lock_give(&vm->lock);
	out[0] = 0;
	out[1] = 0;
	out[2] = 0;
	out[3] = 0;

	for (loops = 0; loops < RUN_LOOPS; loops++) {
		struct machine_exit e = { 0 };	/* inline stores, no call */
		u32 why;

		debug_prepare(v);
		machine_vcpu_run(&v->ctx, &e);
		ret = handle_exit(vm, v, &e, out, &why);
		stat_count(row, why);	/* and CV_STAT_GUEST: stat_get */
		if (!ret && machine_load_acquire(&vm->state) != VM_RUNNING) {
			/* stopped meanwhile: never enter the guest again */
			cv_memset(out, 0, 4 * sizeof(*out));
			ret = CV_EXIT_OFF;
		}
		if (ret)
			break;
	}
	if (!ret)
		ret = CV_EXIT_IRQ;	/* give the host its CPU back */
	if (lrs)
		get_lrs(v, lrs);	/* while the vCPU is still this CPU's */
	machine_store_release(&v->state, VCPU_READY);
	return ret;
}

/* The vCPU for a register update: it must exist and not be running. */
static struct vm *idle_vcpu(u64 vmid, u64 idx, struct vcpu **v, s64 *err)
{
	struct vm *vm = get_vcpu(vmid, idx, v, err);

	if (vm && (*v)->state == VCPU_ACTIVE) {
		*err = CV_E_STATE;
		lock_give(&vm->lock);
		return NULL;
	}
	return vm;
}

s64 vcpu_set_timer(u64 vmid, u64 idx, u64 off)
{
	struct vcpu *v;
	s64 ret;
	struct vm *vm = idle_vcpu(vmid, idx, &v, &ret);

	if (!vm)
		return ret;
	v->ctx.cntvoff = off;
	lock_give(&vm->lock);
	return 0;
}

s64 vcpu_get_virq(u64 vmid, u64 idx, u64 lr, u64 *val)
{
	struct vcpu *v;
	s64 ret;
	struct vm *vm = idle_vcpu(vmid, idx, &v, &ret);

	if (!vm)
		return ret;
	if (lr < core.nr_lrs)
		*val = v->ctx.lr[lr];
	else
		ret = CV_E_RANGE;
	lock_give(&vm->lock);
	return ret;
}

s64 vcpu_set_virq(u64 vmid, u64 idx, u64 lr, u64 val)
{
	struct vcpu *v;
	s64 ret;
	struct vm *vm = idle_vcpu(vmid, idx, &v, &ret);

	if (!vm)
		return ret;
	if (lr >= core.nr_lrs)
		ret = CV_E_RANGE;
	else if (!lr_valid(val))
		ret = CV_E_INVAL;
	else
		v->ctx.lr[lr] = val;
	lock_give(&vm->lock);
	return ret;
}
