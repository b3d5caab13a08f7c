// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the aarch64 vectors do in C: the CV_HC_INIT hand-over, and the
 * host's traps after install (HVC, SMC, stage-2 aborts).
 *
 * Owns: VBAR_EL2, TPIDR_EL2 (dense CPU index), the EL2 trap configuration
 * that is not HCR_EL2 (CPTR_EL2, MDCR_EL2, CNTHCTL_EL2, VPIDR/VMPIDR),
 * the injection of aborts into the host and the PSCI filter.
 * Assumes: called from head.S with regs = the caller's x0..x30, on this
 * CPU's stack inside the region.
 *
 * Host stage-2 abort on a page the host may not touch (a CORE or VM
 * page): the core refuses it (core_host_abort() returns false) and this
 * file injects a synchronous external abort into the host at EL1, as if
 * the memory system had answered the access with an error: ESR_EL1 gets
 * EC data/instruction abort with FSC 0x10, FAR_EL1 the faulting virtual
 * address, ELR_EL1/SPSR_EL1 the interrupted context, and the host
 * resumes at its VBAR_EL1 vector for that exception.  The host survives
 * (Linux handles it like a bus error) and no byte of the page leaks.
 *
 * What the hand-over asks of a port (on top of the contract in abi.h):
 *  - call CV_HC_INIT on one CPU and wait for it to return before the
 *    others (which may then go in parallel): the first call runs with
 *    the EL2 MMU off, and a CPU with its MMU off does not see what
 *    others wrote through their caches; later CPUs turn their MMU on
 *    (with the first CPU's tables) before the core runs;
 *  - hand over every CPU it has brought up, and bring them all up
 *    first: PSCI CPU_ON is refused afterwards (see smc_allowed());
 *  - the host is trusted until the last CPU is installed, as the
 *    region is still writable from CPUs that run without stage 2.
 * CPUs with SVE: the host's SVE is trapped (CPTR_EL2.TZ) and UNDEF is
 * injected, because the world switch does not save SVE state; boot such
 * hosts with SVE off.  None of the boards the ports name (qemu, pi4b,
 * m400) has SVE.
 */
#include <core/machine.h>
#include "sysreg.h"
#include "aarch64.h"
#include "asm.h"

_Static_assert(AA64_IMAGE_MAGIC == CV_IMAGE_MAGIC, "asm.h out of date");
_Static_assert(AA64_ABI_VERSION == CV_ABI_VERSION, "asm.h out of date");
_Static_assert(AA64_MAX_CPUS == CV_MAX_CPUS, "asm.h out of date");
_Static_assert(AA64_E_INVAL == CV_E_INVAL, "asm.h out of date");
_Static_assert(AA64_E_STATE == CV_E_STATE, "asm.h out of date");

/* PSCI function ids (SMC32 and SMC64 variants) the host may still use. */
#define PSCI_VERSION		0x84000000UL
#define PSCI_CPU_OFF		0x84000002UL
#define PSCI_AFFINITY_INFO	0x84000004UL
#define PSCI_AFFINITY_INFO64	0xc4000004UL
#define PSCI_MIGRATE_INFO_TYPE	0x84000006UL
#define PSCI_SYSTEM_OFF		0x84000008UL
#define PSCI_SYSTEM_RESET	0x84000009UL
#define PSCI_FEATURES		0x8400000aUL
#define PSCI_SYSTEM_RESET2	0x84000012UL
#define PSCI_SYSTEM_RESET2_64	0xc4000012UL
#define SMCCC_VERSION		0x80000000UL
#define SMCCC_ARCH_FEATURES	0x80000001UL
#define SMCCC_ARCH_SOC_ID	0x80000002UL
#define SMCCC_ARCH_WORKAROUND_1	0x80008000UL
#define SMCCC_ARCH_WORKAROUND_2	0x80007fffUL
#define SMCCC_ARCH_WORKAROUND_3	0x80003fffUL
#define SMCCC_NOT_SUPPORTED	((u64)-1)

/* read by head.S with the MMU off, before it picks a stack */
bool cv_cpu_installed[CV_MAX_CPUS];

/* The EL2 stage-1 settings of the first CPU, for the others. */
static struct {
	u64 ttbr0, tcr, mair;
	bool ready;
} el2_mmu;

void cv_init_hvc(u64 *regs)
{
	u64 base = regs[1], size = regs[2], cpu = regs[4];
	s64 ret;

	if (regs[0] != CV_HC_INIT) {
		regs[0] = (u64)CV_E_NOSYS;
		return;
	}
	/* head.S checked cpu < CV_MAX_CPUS before picking its stack. */
	if (cv_cpu_installed[cpu]) {
		regs[0] = (u64)CV_E_STATE;
		return;
	}
	/*
	 * The region must be the one this image runs in: the core trusts
	 * base to be where its code and data are.
	 */
	if (base != (u64)cv_image_start) {
		regs[0] = (u64)CV_E_INVAL;
		return;
	}
	if (size < (u64)(__cv_image_end - cv_image_start)) {
		regs[0] = (u64)CV_E_INVAL;
		return;
	}
	write_sysreg(cpu, tpidr_el2);
	/*
	 * After the first CPU, turn the MMU on before the core runs: with
	 * the MMU off this CPU's accesses bypass the caches and would not
	 * see what the other CPUs wrote through theirs.
	 */
	if (el2_mmu.ready)
		cv_mmu_enable(el2_mmu.ttbr0, el2_mmu.tcr, el2_mmu.mair,
			      CV_SCTLR_EL2);
	ret = core_init_cpu(base, size, regs[3], cpu);
	if (ret) {
		regs[0] = (u64)ret;
		return;
	}
	if (!el2_mmu.ready) {
		el2_mmu.ttbr0 = read_sysreg(ttbr0_el2);
		el2_mmu.tcr = read_sysreg(tcr_el2);
		el2_mmu.mair = read_sysreg(mair_el2);
		el2_mmu.ready = true;
		/* the next CPU reads it with its MMU still off */
		machine_dcache_flush((u64)&el2_mmu, sizeof(el2_mmu));
	}

	/* The host keeps FP/SIMD, the counters and the EL1 physical timer. */
	write_sysreg(CPTR_EL2_RES1 | CPTR_TZ, cptr_el2);
	write_sysreg((read_sysreg(pmcr_el0) >> 11) & MDCR_HPMN_MASK, mdcr_el2);
	write_sysreg(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN, cnthctl_el2);
	write_sysreg(0, cntvoff_el2);
	write_sysreg(read_sysreg(midr_el1), vpidr_el2);
	write_sysreg(read_sysreg(mpidr_el1), vmpidr_el2);
	write_sysreg((u64)cv_runtime_vectors, vbar_el2);
	isb();
	cv_cpu_installed[cpu] = true;
	/* another CPU may read it with its MMU still off */
	machine_dcache_flush((u64)&cv_cpu_installed[cpu], sizeof(bool));
	regs[0] = 0;
}

/* Offset in the host's EL1 vector table for an exception from spsr. */
static u64 host_vector_offset(u64 spsr)
{
	if (spsr & SPSR_NRW_AARCH32)
		return VECT_LOWER_A32;
	switch (spsr & SPSR_MODE_MASK) {
	case SPSR_MODE_EL0T:
		return VECT_LOWER_A64;
	case SPSR_MODE_EL1T:
		return VECT_CUR_SP0;
	default:
		return VECT_CUR_SPX;
	}
}

/*
 * Make the host take an exception at EL1 with syndrome esr1, as the
 * hardware would: save the interrupted context into the EL1 registers
 * and resume at the host's vector with interrupts masked.
 */
static void inject_host_exception(u64 esr1, u64 far)
{
	u64 spsr = read_sysreg(spsr_el2);
	u64 new_spsr = SPSR_MODE_EL1H | SPSR_DAIF;

	if (MMFR1_PAN(read_sysreg(id_aa64mmfr1_el1)) &&
	    !(read_sysreg(sctlr_el1) & SCTLR_EL1_SPAN))
		new_spsr |= SPSR_PAN;
	else
		new_spsr |= spsr & SPSR_PAN;

	write_sysreg(esr1, esr_el1);
	write_sysreg(far, far_el1);
	write_sysreg(read_sysreg(elr_el2), elr_el1);
	write_sysreg(spsr, spsr_el1);
	write_sysreg(read_sysreg(vbar_el1) + host_vector_offset(spsr),
		     elr_el2);
	write_sysreg(new_spsr, spsr_el2);
}

static bool from_el1(void)
{
	u64 spsr = read_sysreg(spsr_el2);

	return !(spsr & SPSR_NRW_AARCH32) &&
	       (spsr & SPSR_MODE_MASK) != SPSR_MODE_EL0T;
}

static void inject_host_abort(u64 esr, bool insn)
{
	u64 ec;

	if (insn)
		ec = from_el1() ? EC_IABT_CUR : EC_IABT_LOW;
	else
		ec = from_el1() ? EC_DABT_CUR : EC_DABT_LOW;
	esr = (ec << 26) | ESR_IL | ESR_FSC_SEA |
	      (insn ? 0 : (esr & ESR_DABT_WNR));
	inject_host_exception(esr, read_sysreg(far_el2));
}

static void inject_host_undef(void)
{
	inject_host_exception(((u64)EC_UNKNOWN << 26) | ESR_IL, 0);
}

static void host_stage2_abort(u64 esr, bool insn)
{
	u64 ipa = HPFAR_FIPA(read_sysreg(hpfar_el2)) |
		  (read_sysreg(far_el2) & (PAGE_SIZE - 1));

	if (core_host_abort(esr, ipa))
		return;		/* mapped now: retry the access */
	inject_host_abort(esr, insn);
}

/*
 * HCR_EL2.TSC traps the host's SMCs.  PSCI calls that start a CPU or
 * resume one at an address the host chooses (CPU_ON, CPU_SUSPEND,
 * SYSTEM_SUSPEND) would enter that address at EL2 and bypass the
 * corevisor, so they are refused; the calls that only stop, reset or
 * query, and the SMCCC CPU-vulnerability workarounds, are passed to the
 * firmware, a system reset or power-off only after every VM is
 * destroyed (host_smc).  Everything else is refused.  So CPU hotplug is
 * refused: a port hands over every CPU it brings up, and brings them all
 * up first.
 */
static bool smc_allowed(u64 fn)
{
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_SYSTEM_RESET2:
	case PSCI_SYSTEM_RESET2_64:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
	case SMCCC_ARCH_SOC_ID:
	case SMCCC_ARCH_WORKAROUND_1:
	case SMCCC_ARCH_WORKAROUND_2:
	case SMCCC_ARCH_WORKAROUND_3:
		return true;
	default:
		return false;
	}
}

/* Pass an SMC to the firmware: x0..x3 in and out, x4..x17 clobbered. */
static void forward_smc(u64 *regs)
{
	register u64 x0 asm("x0") = regs[0];
	register u64 x1 asm("x1") = regs[1];
	register u64 x2 asm("x2") = regs[2];
	register u64 x3 asm("x3") = regs[3];

	asm volatile("smc #0"
		     : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3)
		     :
		     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
		       "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	regs[0] = x0;
	regs[1] = x1;
	regs[2] = x2;
	regs[3] = x3;
}

/* The calls after which the machine restarts or stops. */
static bool leaves_el2(u64 fn)
{
	return fn == PSCI_SYSTEM_OFF || fn == PSCI_SYSTEM_RESET ||
	       fn == PSCI_SYSTEM_RESET2 || fn == PSCI_SYSTEM_RESET2_64;
}

/*
 * SYSTEM_OFF and SYSTEM_RESET are mandatory since PSCI 0.2; RESET2 is
 * optional: ask first, so that the VMs are not destroyed for a call
 * the firmware then refuses.
 */
static bool firmware_has(u64 fn)
{
	u64 q[4] = { PSCI_FEATURES, fn, 0, 0 };

	if (fn != PSCI_SYSTEM_RESET2 && fn != PSCI_SYSTEM_RESET2_64)
		return true;
	forward_smc(q);
	return (s64)q[0] >= 0;
}

static void host_smc(u64 *regs)
{
	u64 t0 = machine_ticks();

	/* The trapped SMC returns to itself: step over it. */
	write_sysreg(read_sysreg(elr_el2) + 4, elr_el2);
	/*
	 * A refused call is also reported as absent when the host asks
	 * PSCI_FEATURES, so that Linux does not plan on it (cpuidle,
	 * suspend).
	 */
	if (!smc_allowed(regs[0]) ||
	    (regs[0] == PSCI_FEATURES && !smc_allowed(regs[1])) ||
	    (leaves_el2(regs[0]) && !firmware_has(regs[0]))) {
		regs[0] = SMCCC_NOT_SUPPORTED;
		core_host_smc_done(t0);
		return;
	}
	/* RAM survives a warm reset: no VM may be in it (hole 2) */
	if (leaves_el2(regs[0]))
		core_host_reset();
	forward_smc(regs);
	core_host_smc_done(t0);
}

void cv_host_sync(u64 *regs)
{
	u64 esr = read_sysreg(esr_el2);

	switch (ESR_EC(esr)) {
	case EC_HVC64:
		core_host_hvc(regs);
		break;
	case EC_SMC64:
		host_smc(regs);
		break;
	case EC_DABT_LOW:
		host_stage2_abort(esr, false);
		break;
	case EC_IABT_LOW:
		host_stage2_abort(esr, true);
		break;
	default:
		/* nothing else is trapped on purpose: refuse the instruction */
		inject_host_undef();
		break;
	}
}

/*
 * A physical SError taken from the host (HCR_EL2.AMO routes them here):
 * it is the host's, so hand it back as a virtual SError, taken by the
 * host at EL1 as soon as it unmasks SErrors (the CPU clears VSE then).
 * SErrors while a guest runs end the guest's run instead (head.S).
 */
void cv_host_serror(u64 *regs)
{
	write_sysreg(read_sysreg(hcr_el2) | HCR_VSE, hcr_el2);
	isb();
}

void cv_el2_panic(u64 *regs)
{
	uart_puts("corevisor: EL2 exception, ESR ");
	uart_put_hex(read_sysreg(esr_el2));
	uart_puts(" ELR ");
	uart_put_hex(read_sysreg(elr_el2));
	uart_puts(" FAR ");
	uart_put_hex(read_sysreg(far_el2));
	uart_puts("\n");
	machine_halt();
}
