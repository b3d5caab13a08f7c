// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the vCPU layer (core/vcpu.c): the exit contract
 * (gap 9), the machine a guest sees (issue 14: abort kinds, the
 * forwarded physical timer, lazy debug registers), PSCI CPU_ON, the
 * GICv2 list registers.
 */
#include "../test.h"

static const struct machine_exit *next_exit;
static void (*guest_hook)(struct machine_vcpu *c);

/* The guest exits with *next_exit once, then with an IRQ. */
static int guest_calls;
static void scripted_guest(struct machine_vcpu *c, struct machine_exit *e)
{
	if (guest_hook)
		guest_hook(c);
	if (guest_calls++) {
		e->kind = EXIT_IRQ;
		return;
	}
	*e = *next_exit;
}

static s64 run(u64 vm, u64 vcpu, u64 value, u64 action, u64 out[4])
{
	guest_calls = 0;
	return hc(CV_HC_VCPU_RUN, vm, vcpu, value, action, 0, out);
}

static s64 stop_result;
static void stop_from_other_cpu(struct machine_vcpu *c)
{
	stop_result = hc(CV_HC_VM_STOP, 1, 0, 0, 0, 0, NULL);
}

static void set_regs(struct machine_vcpu *c)
{
	int i;

	for (i = 0; i < 31; i++)
		c->x[i] = 0x1000 + i;
	c->sys[VCPU_VBAR_EL1] = 0x80000800;
}

/* set_regs before the first exit only: later entries see the result */
static void set_regs_once(struct machine_vcpu *c)
{
	if (!guest_calls)
		set_regs(c);
}

/* The guest's first exit is the CV_GHC_VERSION probe. */
static void ask_version(struct machine_vcpu *c)
{
	if (!guest_calls)
		c->x[0] = CV_GHC_VERSION;
}

/*
 * A booted, verified, powered-on VM whose vCPU 0 runs scripted_guest and
 * takes the exits *e describes; *vm gets its vmid.
 */
static struct machine_vcpu *run_scripted_vm(struct machine_exit *e, u64 *vm)
{
	CHECK_EQ(t_boot(1), 0);
	*vm = boot_vm(0x80000000, 1, 10, false);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, *vm, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_POWER_ON, *vm, 0x80000000, 0, 0, 0, NULL), 0);
	fake_set_guest(scripted_guest);
	next_exit = e;
	return &core.vm[0].vcpu[0].ctx;
}

/* Gap 9 and the exit contract: what the host sees, and its answers. */
void test_gap9_vcpu_exits(void)
{
	struct machine_exit e = { .kind = EXIT_SYNC };
	struct machine_vcpu *c;
	u64 out[4], vm;

	c = run_scripted_vm(&e, &vm);

	/* MMIO write: the host sees the ipa, the size and only that value */
	guest_hook = set_regs;
	e.esr = (0x24UL << 26) | (1UL << 24) | (2UL << 22) | (7UL << 16) |
		(1UL << 6);
	e.far = 0x9000010;
	e.hpfar = (0x9000010UL >> 12) << 4;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_ABORT);
	CHECK_EQ(out[0], 0x9000010);
	CHECK_EQ(out[1], CV_ABORT_ISV | CV_ABORT_WRITE | (2 << CV_ABORT_SIZE_SHIFT));
	CHECK_EQ(out[2], 0x1007);
	CHECK_EQ(out[3], 0);
	guest_hook = NULL;
	CHECK_EQ(run(vm, 0, 0, CV_RUN_HVC_RET, out), CV_E_STATE);
	CHECK_EQ(run(vm, 0, 0, 9, out), CV_E_INVAL);
	/* MMIO read, byte, sign-extended into w5 */
	guest_hook = set_regs;
	e.esr = (0x24UL << 26) | (1UL << 24) | (0UL << 22) | (1UL << 21) |
		(5UL << 16);
	c->pc = 0x80000100;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_ABORT);
	CHECK_EQ(out[1], CV_ABORT_ISV);
	CHECK_EQ(out[2], 0);
	guest_hook = NULL;
	e.kind = EXIT_IRQ;
	CHECK_EQ(run(vm, 0, 0x1ff80, CV_RUN_MMIO_DONE, out),
		 CV_EXIT_IRQ);
	CHECK_EQ(c->x[5], 0xFFFFFF80);		/* SF=0: a w register */
	CHECK_EQ(c->pc, 0x80000104);
	CHECK_EQ(run(vm, 0, 0, CV_RUN_MMIO_DONE, out),
		 CV_E_STATE);			/* nothing pending now */
	/* HVC: x0..x3 exposed, nothing else; the answer lands in x0 */
	e.kind = EXIT_SYNC;
	e.esr = 0x16UL << 26;
	guest_hook = set_regs;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_HVC);
	CHECK(out[0] == 0x1000 && out[1] == 0x1001 && out[3] == 0x1003);
	guest_hook = NULL;
	e.kind = EXIT_IRQ;
	CHECK_EQ(run(vm, 0, 42, CV_RUN_HVC_RET, out),
		 CV_EXIT_IRQ);
	CHECK_EQ(c->x[0], 42);
	/* the guest's version probe is answered at EL2, the host sees none */
	e.kind = EXIT_SYNC;
	e.esr = 0x16UL << 26;
	guest_hook = ask_version;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_IRQ);
	CHECK_EQ(c->x[0], CV_ABI_VERSION);
	CHECK_EQ(run(vm, 0, 7, CV_RUN_HVC_RET, out), CV_E_STATE);
	guest_hook = NULL;
	/* a trapped MRS reads zero into Rt only, and is stepped over */
	e.kind = EXIT_SYNC;
	e.esr = (0x18UL << 26) | (7UL << 5) | 1;	/* mrs x7, ... */
	guest_hook = set_regs_once;
	c->pc = 0x80000200;
	c->pstate = 0x3c5;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_IRQ);
	CHECK_EQ(c->pc, 0x80000204);
	CHECK_EQ(c->x[7], 0);
	CHECK_EQ(c->x[6], 0x1006);
	CHECK_EQ(c->x[16], 0x1010);		/* not the abort's SRT field */
	/* a trapped MSR changes no register */
	e.esr = (0x18UL << 26) | (3UL << 5);	/* msr ..., x3 */
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_IRQ);
	CHECK_EQ(c->pc, 0x80000208);
	CHECK_EQ(c->x[3], 0x1003);
	/* an SMC (trapped by TSC) gets UNDEF injected, not skipped */
	e.esr = 0x17UL << 26;
	c->pc = 0x80000200;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_IRQ);
	CHECK_EQ(c->pc, 0x80000800 + 0x200);
	CHECK_EQ(c->sys[VCPU_ELR_EL1], 0x80000200);
	CHECK_EQ(c->sys[VCPU_ESR_EL1] >> 26, 0);
	/* the host asks for a data abort after an abort exit */
	e.esr = 0x24UL << 26;
	e.far = 0x123456;
	guest_hook = NULL;
	c->pc = 0x80000300;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_ABORT);
	CHECK_EQ(out[1], 0);			/* no ISV: no MMIO */
	CHECK_EQ(run(vm, 0, 0, CV_RUN_MMIO_DONE, out),
		 CV_E_STATE);
	e.kind = EXIT_IRQ;
	CHECK_EQ(run(vm, 0, 0, CV_RUN_INJECT_DABT, out),
		 CV_EXIT_IRQ);
	CHECK_EQ(c->sys[VCPU_ESR_EL1] >> 26, 0x25);
	CHECK_EQ(c->sys[VCPU_FAR_EL1], 0x123456);
	CHECK_EQ(c->sys[VCPU_ELR_EL1], 0x80000300);

	/* PSCI CPU_ON starts vCPU 1 at the guest's entry, not the host's */
	CHECK_EQ(hc(CV_HC_REGISTER_VCPU, vm, 1, 0, 0, 0, NULL), CV_E_STATE);
	/* gap 5: a running VM cannot be torn down or stopped mid-run */
	CHECK_EQ(hc(CV_HC_TEARDOWN, vm, 0, 0, 0, 0, NULL), CV_E_STATE);
	guest_hook = stop_from_other_cpu;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_IRQ);
	CHECK_EQ(stop_result, CV_E_STATE);
	guest_hook = NULL;
	/* guest powers off: teardown scrubs its pages */
	e.kind = EXIT_SYNC;
	e.esr = 0x16UL << 26;
	c->x[0] = 0x84000008;
	out[0] = 99;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_OFF);
	CHECK_EQ(out[0], 0);			/* off, not a reset */
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_TEARDOWN, vm, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(own_page(HOST(12))->owner, OWNER_HOST);
	CHECK_EQ(((u8 *)fake_peek(HOST(12)))[1], 0);
	CHECK_EQ(check_invariants(NULL), 0);
	fake_set_guest(NULL);
}

/* what the vCPU's context said at each entry (see record_entry) */
static u64 entry_debug[4];
static void record_entry(struct machine_vcpu *c)
{
	if (guest_calls < 4)
		entry_debug[guest_calls] = c->debug;
}

#define SYSREG_ESR(op0, op1, crn, crm, op2, rt, read)			\
	((0x18UL << 26) | ((u64)(op0) << 20) | ((u64)(op2) << 17) |	\
	 ((u64)(op1) << 14) | ((u64)(crn) << 10) | ((u64)(rt) << 5) |	\
	 ((u64)(crm) << 1) | (read))

/*
 * Issue 14: a guest sees the machine stock KVM gives it.  An abort the
 * host cannot satisfy is injected as the kind of fault it was; the EL1
 * physical timer goes to the host to emulate, with only the register,
 * the direction and a written value; debug registers are switched
 * lazily, never shown to the host.
 */
void test_guest_machine(void)
{
	struct machine_exit e = { .kind = EXIT_SYNC };
	struct machine_vcpu *c;
	u64 out[4], vm;

	c = run_scripted_vm(&e, &vm);
	guest_hook = set_regs_once;

	/* a fetch from an unbacked IPA, at EL1: instruction abort, EC 0x21 */
	e.esr = (0x20UL << 26) | (1UL << 25) | 0x07;	/* IABT, level-3 translation */
	e.far = 0x20000000;
	e.hpfar = (0x20000000UL >> 12) << 4;
	c->pc = 0x20000000;
	c->pstate = 0x3c5;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_ABORT);
	CHECK_EQ(out[0], 0x20000000);
	CHECK_EQ(out[1], 0);			/* a fetch is never MMIO */
	e.kind = EXIT_IRQ;
	CHECK_EQ(run(vm, 0, 0, CV_RUN_INJECT_ABORT, out), CV_EXIT_IRQ);
	CHECK_EQ(c->sys[VCPU_ESR_EL1], 0x86000010);	/* EC 0x21, IL, SEA */
	CHECK_EQ(c->sys[VCPU_FAR_EL1], 0x20000000);
	CHECK_EQ(c->sys[VCPU_ELR_EL1], 0x20000000);
	CHECK_EQ(c->pc, 0x80000800 + 0x200);	/* current EL, SPx, sync */
	/* the same from EL0: EC 0x20, to the lower-EL vector */
	e.kind = EXIT_SYNC;
	c->pc = 0x20000000;
	c->pstate = 0;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_ABORT);
	e.kind = EXIT_IRQ;
	CHECK_EQ(run(vm, 0, 0, CV_RUN_INJECT_ABORT, out), CV_EXIT_IRQ);
	CHECK_EQ(c->sys[VCPU_ESR_EL1], 0x82000010);
	CHECK_EQ(c->pc, 0x80000800 + 0x400);
	/* a load without a syndrome, at EL1: still a data abort, EC 0x25 */
	e.kind = EXIT_SYNC;
	e.esr = (0x24UL << 26) | (1UL << 25) | 0x07;
	e.far = 0x20000010;
	c->pc = 0x80000300;
	c->pstate = 0x3c5;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_ABORT);
	e.kind = EXIT_IRQ;
	CHECK_EQ(run(vm, 0, 0, CV_RUN_INJECT_ABORT, out), CV_EXIT_IRQ);
	CHECK_EQ(c->sys[VCPU_ESR_EL1], 0x96000010);
	CHECK_EQ(c->sys[VCPU_FAR_EL1], 0x20000010);

	/* MSR CNTP_CVAL_EL0, x9: forwarded with the value, nothing else */
	e.kind = EXIT_SYNC;
	e.esr = SYSREG_ESR(3, 3, 14, 2, 2, 9, 0);
	c->pc = 0x80000400;
	c->x[9] = 0xabcdef;
	guest_hook = NULL;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_SYSREG);
	CHECK_EQ(out[0], CV_SYSREG_CNTP_CVAL);
	CHECK_EQ(out[1], 1);
	CHECK_EQ(out[2], 0xabcdef);
	CHECK_EQ(out[3], 0);
	CHECK_EQ(c->pc, 0x80000400);		/* not stepped before the answer */
	CHECK_EQ(run(vm, 0, 0, CV_RUN_MMIO_DONE, out), CV_E_STATE);
	CHECK_EQ(run(vm, 0, 0, CV_RUN_HVC_RET, out), CV_E_STATE);
	CHECK_EQ(run(vm, 0, 0, CV_RUN_INJECT_ABORT, out), CV_E_STATE);
	e.kind = EXIT_IRQ;
	CHECK_EQ(run(vm, 0, 0x77, CV_RUN_SYSREG_DONE, out), CV_EXIT_IRQ);
	CHECK_EQ(c->pc, 0x80000404);
	CHECK_EQ(c->x[9], 0xabcdef);		/* a write changes no register */
	CHECK_EQ(run(vm, 0, 0, CV_RUN_SYSREG_DONE, out), CV_E_STATE);
	/* MRS x4, CNTP_CTL_EL0: the host's value lands in x4 only */
	e.kind = EXIT_SYNC;
	e.esr = SYSREG_ESR(3, 3, 14, 2, 1, 4, 1);
	c->x[4] = 0x1004;
	c->x[5] = 0x1005;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_SYSREG);
	CHECK_EQ(out[0], CV_SYSREG_CNTP_CTL);
	CHECK_EQ(out[1], 0);
	CHECK_EQ(out[2], 0);			/* a read shows no register */
	e.kind = EXIT_IRQ;
	CHECK_EQ(run(vm, 0, 5, CV_RUN_SYSREG_DONE, out), CV_EXIT_IRQ);
	CHECK_EQ(c->x[4], 5);
	CHECK_EQ(c->x[5], 0x1005);
	CHECK_EQ(c->pc, 0x80000408);
	/* CNTP_TVAL too; MRS xzr reads into no register */
	e.kind = EXIT_SYNC;
	e.esr = SYSREG_ESR(3, 3, 14, 2, 0, 31, 1);
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_SYSREG);
	CHECK_EQ(out[0], CV_SYSREG_CNTP_TVAL);
	e.kind = EXIT_IRQ;
	CHECK_EQ(run(vm, 0, 5, CV_RUN_SYSREG_DONE, out), CV_EXIT_IRQ);
	CHECK_EQ(c->pc, 0x8000040c);
	/* another timer register (CNTPS_CTL_EL1) is not forwarded */
	e.kind = EXIT_SYNC;
	e.esr = SYSREG_ESR(3, 7, 14, 2, 1, 4, 1);
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_IRQ);
	CHECK_EQ(c->x[4], 0);
	CHECK_EQ(c->pc, 0x80000410);

	/*
	 * MSR DBGBCR0_EL1, x2: not emulated, not shown: retried with the
	 * guest's debug registers loaded for one run, then trapped again.
	 */
	e.esr = SYSREG_ESR(2, 0, 0, 0, 5, 2, 0);
	guest_hook = record_entry;
	cv_memset(entry_debug, 0, sizeof(entry_debug));
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_IRQ);
	CHECK_EQ(c->pc, 0x80000410);		/* the same MSR again */
	CHECK_EQ(entry_debug[0], 0);
	CHECK_EQ(entry_debug[1], 1);
	e.kind = EXIT_IRQ;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_IRQ);
	CHECK_EQ(entry_debug[0], 0);		/* the next run traps again */
	/* MDSCR_EL1 is one of them; with KDE or MDE set, every run loads */
	e.kind = EXIT_SYNC;
	e.esr = SYSREG_ESR(2, 0, 0, 2, 2, 3, 1);
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_IRQ);
	CHECK_EQ(entry_debug[1], 1);
	c->sys[VCPU_MDSCR_EL1] = 1UL << 13;
	e.kind = EXIT_IRQ;
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_IRQ);
	CHECK_EQ(entry_debug[0], 1);
	c->sys[VCPU_MDSCR_EL1] = 0;
	/* OS lock (OSLAR_EL1) and MDCCINT_EL1 still read as zero */
	e.kind = EXIT_SYNC;
	e.esr = SYSREG_ESR(2, 0, 1, 0, 4, 3, 0);
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_IRQ);
	CHECK_EQ(c->pc, 0x80000414);
	CHECK_EQ(entry_debug[1], 0);
	e.esr = SYSREG_ESR(2, 0, 0, 2, 0, 3, 1);
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_IRQ);
	CHECK_EQ(c->pc, 0x80000418);
	CHECK_EQ(c->x[3], 0);
	guest_hook = NULL;
	fake_set_guest(NULL);
}

void test_psci_cpu_on(void)
{
	struct machine_exit e = { .kind = EXIT_SYNC, .esr = 0x16UL << 26 };
	struct machine_vcpu *c;
	u64 out[4], vm;

	CHECK_EQ(t_boot(1), 0);
	vm = boot_vm(0x80000000, 1, 10, false);
	CHECK_EQ(hc(CV_HC_REGISTER_VCPU, vm, 1, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_REGISTER_VCPU, vm, 1, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_REGISTER_VCPU, vm, CV_MAX_VCPUS, 0, 0, 0, NULL),
		 CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vm, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x80000000, 0, 0, 0, NULL), 0);
	CHECK_EQ(run(vm, 1, 0, 0, out), CV_E_STATE);
	c = &core.vm[0].vcpu[0].ctx;
	c->x[0] = 0xC4000003;
	c->x[1] = 1;
	c->x[2] = 0x80000040;
	c->x[3] = 7;
	next_exit = &e;
	fake_set_guest(scripted_guest);
	CHECK_EQ(run(vm, 0, 0, 0, out), CV_EXIT_HVC);
	CHECK_EQ(core.vm[0].vcpu[1].ctx.pc, 0x80000040);
	CHECK_EQ(core.vm[0].vcpu[1].ctx.x[0], 7);
	e.kind = EXIT_IRQ;
	CHECK_EQ(run(vm, 1, 0, 0, out), CV_EXIT_IRQ);
	/* timer offset and list registers, validated */
	CHECK_EQ(hc(CV_HC_SET_TIMER_OFFSET, vm, 1, 12345, 0, 0, NULL), 0);
	CHECK_EQ(core.vm[0].vcpu[1].ctx.cntvoff, 12345);
	CHECK_EQ(hc(CV_HC_SET_VIRQ, vm, 1, 0, 0x10000020, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_SET_VIRQ, vm, 1, 4, 0x10000020, 0, NULL), CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_SET_VIRQ, vm, 1, 1, 0x80000000 | (40 << 10) | 40,
		    0, NULL), CV_E_INVAL);	/* HW bit for an SPI */
	CHECK_EQ(hc(CV_HC_SET_VIRQ, vm, 1, 1, 0x80000000 | (27 << 10) | 27,
		    0, NULL), 0);		/* timer PPI */
	CHECK_EQ(hc(CV_HC_SET_VIRQ, vm, 1, 1, 1UL << 21, 0, NULL), CV_E_INVAL);
	CHECK_EQ(hc(CV_HC_GET_VIRQ, vm, 1, 0, 0, 0, out), 0);
	CHECK_EQ(out[0], 0x10000020);
	fake_set_guest(NULL);
}

/* Boot with a GICH at gich; init's result. */
static s64 boot_gich(u64 gich, u32 lrs)
{
	u64 bi_pa = T_REGION + T_REGION_SIZE - 2 * PAGE_SIZE;
	struct cv_boot_info *bi;

	fake_reset();
	memset(&core, 0, sizeof(core));
	fake_add_ram(T_RAM_A, T_RAM_A_SIZE);
	fake_add_ram(T_RAM_B, T_RAM_B_SIZE);
	fake_set_vgic_lrs(lrs);
	t_write_boot_info(bi_pa, 1);
	bi = fake_peek(bi_pa);
	bi->gich_base = gich;
	return core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 0);
}

/*
 * GICv2 virtual interface: the GICH (and the alias page after it) is
 * the core's alone, mapped at EL2 as a device; the host may set as many
 * list registers as the GICH has (at most CV_NR_LRS), each checked.
 */
void test_vgic(void)
{
	const u64 gich = 0x08030000;
	u64 out[4], vm, lr = (1UL << 28) | 27;

	CHECK_EQ(boot_gich(gich + 8, 4), CV_E_INVAL);
	CHECK_EQ(boot_gich(HOST(0), 4), CV_E_INVAL);
	CHECK_EQ(boot_gich(T_RAM_A - PAGE_SIZE, 4), CV_E_INVAL);
	CHECK_EQ(boot_gich(T_UART - PAGE_SIZE, 4), CV_E_INVAL);
	CHECK_EQ(boot_gich(T_UART, 4), CV_E_INVAL);
	CHECK_EQ(boot_gich((1UL << 40) - PAGE_SIZE, 4), CV_E_INVAL);
	CHECK_EQ(boot_gich(gich, 2), 0);
	CHECK_EQ(core.gich, gich);
	CHECK_EQ(core.nr_lrs, 2);
	CHECK_EQ(fake_pte_level(leaf_of(core.el2_root, gich)), 3);
	CHECK_EQ(fake_pte_mem(leaf_of(core.el2_root, gich)), MEM_S1_DEVICE);
	CHECK_EQ(leaf_of(core.el2_root, gich + PAGE_SIZE), 0);
	CHECK(!core_host_abort(0, gich));
	CHECK(!core_host_abort(0, gich + PAGE_SIZE + 0x200));
	CHECK(core_host_abort(0, gich + 2 * PAGE_SIZE));
	CHECK(core_host_abort(0, gich - PAGE_SIZE));
	CHECK(!host_mapped(gich) && !host_mapped(gich + PAGE_SIZE));
	vm = boot_vm(0x80000000, 1, 10, false);
	CHECK_EQ(hc(CV_HC_MAP_DEVICE, vm, gich, 0x8010000, 0, 0, NULL),
		 CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_MAP_DEVICE, vm, gich + PAGE_SIZE, 0x8010000, 0, 0,
		    NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_MAP_DEVICE, vm, gich + 0x10000, 0x8010000, 0, 0,
		    NULL), 0);
	CHECK_EQ(core.vm[0].vcpu[0].ctx.vgic_hcr, 1);	/* GICH_HCR.En */
	CHECK_EQ(hc(CV_HC_SET_VIRQ, vm, 0, 1, lr, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_SET_VIRQ, vm, 0, 2, lr, 0, NULL), CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_GET_VIRQ, vm, 0, 2, 0, 0, out), CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_GET_VIRQ, vm, 0, 1, 0, 0, out), 0);
	CHECK_EQ(out[0], lr);
	CHECK_EQ(hc(CV_HC_SET_VIRQ, vm, 0, 0, (1UL << 28) | 1019, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_SET_VIRQ, vm, 0, 0, (1UL << 28) | 1020, 0, NULL),
		 CV_E_INVAL);
	CHECK_EQ(hc(CV_HC_SET_VIRQ, vm, 0, 0, (1UL << 28) | 1023, 0, NULL),
		 CV_E_INVAL);
	CHECK_EQ(check_invariants(NULL), 0);
	/* more list registers than the ABI exposes: CV_NR_LRS */
	CHECK_EQ(boot_gich(gich, 64), 0);
	CHECK_EQ(core.nr_lrs, CV_NR_LRS);
	/* without a GICH: the old behaviour */
	CHECK_EQ(t_boot(1), 0);
	CHECK_EQ(core.nr_lrs, CV_NR_LRS);
	vm = boot_vm(0x80000000, 1, 10, false);
	CHECK_EQ(core.vm[0].vcpu[0].ctx.vgic_hcr, 0);
	CHECK(core_host_abort(0, gich));
}

/* VCPU_RUN_LRS: VCPU_RUN with x5, x6 = the list registers, both ways. */
static s64 run_lrs(u64 vm, u64 action, u64 lrs[2], u64 out[4])
{
	const u64 r[7] = { CV_HC_VCPU_RUN_LRS, vm, 0, 0, action, lrs[0],
			   lrs[1] };

	guest_calls = 0;
	return hc_lrs(r, out, lrs);
}

/* What the guest saw in its list registers; it spends LR1 (EOI). */
static u32 seen_lrs[CV_NR_LRS];
static void lr_guest(struct machine_vcpu *c)
{
	if (guest_calls)
		return;
	memcpy(seen_lrs, c->lr, sizeof(seen_lrs));
	c->lr[1] &= ~(3U << 28);	/* pending -> neither */
}

/*
 * ABI 1.6: the host gives the run its whole set of list registers and
 * gets back what the run left in them; a refused register refuses the
 * whole call before anything changes: no answer applied, no register
 * set, x5/x6 as the host passed them.
 */
void test_run_lrs(void)
{
	const u32 pend = 1U << 28, timer = 0x80000000 | (27 << 10) | 27;
	struct machine_exit e = { .kind = EXIT_SYNC, .esr = 0x16UL << 26 };
	struct machine_vcpu *c;
	u64 out[4], vm, lrs[2], pc;

	c = run_scripted_vm(&e, &vm);
	guest_hook = lr_guest;
	c->x[0] = 0x84000000;		/* PSCI_VERSION: an HVC exit */
	lrs[0] = (pend | 40) | (u64)(pend | 41) << 32;
	lrs[1] = timer;
	CHECK_EQ(run_lrs(vm, CV_RUN_NONE, lrs, out), CV_EXIT_HVC);
	CHECK_EQ(seen_lrs[0], pend | 40);
	CHECK_EQ(seen_lrs[1], pend | 41);
	CHECK_EQ(seen_lrs[2], timer);
	CHECK_EQ(seen_lrs[3], 0);
	CHECK_EQ(lrs[0], (pend | 40) | (u64)41 << 32);	/* LR1 spent */
	CHECK_EQ(lrs[1], timer);
	/* the same registers through GET_VIRQ */
	CHECK_EQ(hc(CV_HC_GET_VIRQ, vm, 0, 1, 0, 0, out), 0);
	CHECK_EQ(out[0], 41);

	/* refused: an SPI with the HW bit in LR3; the HVC stays unanswered */
	pc = c->pc;
	lrs[0] = 0;
	lrs[1] = (u64)(0x80000000 | (40 << 10) | 40) << 32;
	CHECK_EQ(run_lrs(vm, CV_RUN_HVC_RET, lrs, out), CV_E_INVAL);
	CHECK_EQ(lrs[1], (u64)(0x80000000 | (40 << 10) | 40) << 32);
	CHECK_EQ(c->lr[0], pend | 40);
	CHECK_EQ(c->pc, pc);
	CHECK_EQ(core.vm[0].vcpu[0].pending, PEND_HVC);
	lrs[1] = (u64)(pend | 1020) << 32;		/* spurious INTID */
	CHECK_EQ(run_lrs(vm, CV_RUN_HVC_RET, lrs, out), CV_E_INVAL);
	lrs[1] = 1UL << 21;				/* reserved bits */
	CHECK_EQ(run_lrs(vm, CV_RUN_HVC_RET, lrs, out), CV_E_INVAL);
	CHECK_EQ(core.vm[0].vcpu[0].pending, PEND_HVC);

	/* accepted: an empty set empties every register */
	e.kind = EXIT_IRQ;
	lrs[0] = 0;
	lrs[1] = 0;
	CHECK_EQ(run_lrs(vm, CV_RUN_HVC_RET, lrs, out), CV_EXIT_IRQ);
	CHECK_EQ(seen_lrs[0] | seen_lrs[1] | seen_lrs[2] | seen_lrs[3], 0);
	CHECK_EQ(lrs[0] | lrs[1], 0);
	CHECK_EQ(core.vm[0].vcpu[0].pending, PEND_NONE);
	/* a wrong answer is refused as VCPU_RUN refuses it; x5/x6 kept */
	lrs[0] = pend | 40;
	CHECK_EQ(run_lrs(vm, CV_RUN_MMIO_DONE, lrs, out), CV_E_STATE);
	CHECK_EQ(lrs[0], pend | 40);
	CHECK_EQ(c->lr[0], 0);
	/* a vCPU that is not there, a VM that is not */
	CHECK_EQ(run_lrs(vm + 1, CV_RUN_NONE, lrs, out), CV_E_INVAL);
	guest_hook = NULL;
	fake_set_guest(NULL);

	/* a GICH with 2 list registers: LR2 and LR3 must stay empty */
	CHECK_EQ(boot_gich(0x08030000, 2), 0);
	vm = boot_vm(0x80000000, 1, 10, false);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vm, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x80000000, 0, 0, 0, NULL), 0);
	lrs[0] = pend | 40;
	lrs[1] = pend | 41;
	CHECK_EQ(run_lrs(vm, CV_RUN_NONE, lrs, out), CV_E_RANGE);
	CHECK_EQ(core.vm[0].vcpu[0].ctx.lr[0], 0);
	lrs[1] = 0;
	CHECK_EQ(run_lrs(vm, CV_RUN_NONE, lrs, out), CV_EXIT_IRQ);
	CHECK_EQ(lrs[0], pend | 40);
	CHECK_EQ(check_invariants(NULL), 0);
}
