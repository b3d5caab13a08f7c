// SPDX-License-Identifier: GPL-2.0-only
/*
 * The machine interface (include/core/machine.h) on a real aarch64 CPU
 * at EL2.  Owns: the system registers the core names, barriers, TLB and
 * cache maintenance, the atomics of the lock layer.  Assumes HCR_EL2.E2H
 * is clear (nVHE: EL2 has its own single-range translation regime) and
 * that EL2 runs on an identity map.
 */
#include <core/machine.h>
#include "sysreg.h"
#include "aarch64.h"

/*
 * The physical address size fields (TCR_EL2.PS, VTCR_EL2.PS) describe
 * the machine, not a policy: they are set here from the CPU's PARange
 * (capped at 48 bits), whatever the core wrote.  The core's stage 2
 * (40-bit IPA from level 1) needs at least 40 bits, which every ARMv8-A
 * server and board CPU has (Cortex-A53: 40).
 */
#define TCR_PS_SHIFT		16
#define VTCR_PS_SHIFT		16
#define PS_MASK			7UL
#define PARANGE_48		5UL

static u64 with_parange(u64 val, unsigned int shift)
{
	u64 pa = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	if (pa > PARANGE_48)
		pa = PARANGE_48;
	return (val & ~(PS_MASK << shift)) | (pa << shift);
}

u64 machine_read_sysreg(enum machine_sysreg reg)
{
	switch (reg) {
	case SR_HCR_EL2:
		return read_sysreg(hcr_el2);
	case SR_VTCR_EL2:
		return read_sysreg(vtcr_el2);
	case SR_VTTBR_EL2:
		return read_sysreg(vttbr_el2);
	case SR_TTBR0_EL2:
		return read_sysreg(ttbr0_el2);
	case SR_TCR_EL2:
		return read_sysreg(tcr_el2);
	case SR_MAIR_EL2:
		return read_sysreg(mair_el2);
	case SR_CNTVOFF_EL2:
		return read_sysreg(cntvoff_el2);
	case SR_ESR_EL2:
		return read_sysreg(esr_el2);
	case SR_FAR_EL2:
		return read_sysreg(far_el2);
	case SR_HPFAR_EL2:
		return read_sysreg(hpfar_el2);
	case SR_MPIDR_EL1:
		return read_sysreg(mpidr_el1);
	case SR_NR:
		break;
	}
	return 0;
}

void machine_write_sysreg(enum machine_sysreg reg, u64 val)
{
	switch (reg) {
	case SR_HCR_EL2:
		/*
		 * The host's HCR_EL2 (the only one written through here;
		 * a guest's is loaded by the world switch): the machine
		 * layer adds TSC, so that the host's SMCs reach the PSCI
		 * filter in trap.c instead of the firmware.
		 */
		write_sysreg(hcr_for_cpu(val) | HCR_TSC, hcr_el2);
		break;
	case SR_VTCR_EL2:
		write_sysreg(with_parange(val, VTCR_PS_SHIFT), vtcr_el2);
		break;
	case SR_VTTBR_EL2:
		write_sysreg(val, vttbr_el2);
		break;
	case SR_TTBR0_EL2:
		write_sysreg(val, ttbr0_el2);
		break;
	case SR_TCR_EL2:
		write_sysreg(with_parange(val, TCR_PS_SHIFT), tcr_el2);
		break;
	case SR_MAIR_EL2:
		write_sysreg(val, mair_el2);
		break;
	case SR_CNTVOFF_EL2:
		write_sysreg(val, cntvoff_el2);
		break;
	case SR_ESR_EL2:
	case SR_FAR_EL2:
	case SR_HPFAR_EL2:
	case SR_MPIDR_EL1:
	case SR_NR:
		/* read-only for the core */
		break;
	}
	isb();
}

void machine_enable_el2_mmu(void)
{
	cv_mmu_enable(read_sysreg(ttbr0_el2), read_sysreg(tcr_el2),
		      read_sysreg(mair_el2), CV_SCTLR_EL2);
}

void machine_dsb(void)
{
	dsb(ish);
}

void machine_isb(void)
{
	isb();
}

/*
 * Stage-2 TLB maintenance acts on the VMID in VTTBR_EL2: switch to the
 * target's VTTBR for the operation, then put the current one back.
 */
void machine_tlbi_ipa(u64 vttbr, u64 ipa)
{
	u64 cur = read_sysreg(vttbr_el2);

	write_sysreg(vttbr, vttbr_el2);
	isb();
	dsb(ishst);
	asm volatile("tlbi ipas2e1is, %0" : : "r" (ipa >> PAGE_SHIFT));
	dsb(ish);
	/* stage-1 entries may cache the combined translation */
	asm volatile("tlbi vmalle1is");
	dsb(ish);
	write_sysreg(cur, vttbr_el2);
	isb();
}

void machine_tlbi_vmid(u64 vttbr)
{
	u64 cur = read_sysreg(vttbr_el2);

	write_sysreg(vttbr, vttbr_el2);
	isb();
	dsb(ishst);
	asm volatile("tlbi vmalls12e1is");
	dsb(ish);
	write_sysreg(cur, vttbr_el2);
	isb();
}

void machine_tlbi_el2_all(void)
{
	dsb(ishst);
	asm volatile("tlbi alle2is");
	dsb(ish);
	isb();
}

void machine_dcache_flush(u64 pa, u64 size)
{
	cv_dcache_op_range(pa, pa + size, CV_DC_CIVAC);
}

void machine_icache_inval_all(void)
{
	asm volatile("ic ialluis");
	dsb(ish);
	isb();
}

u64 machine_ticks(void)
{
	/* no isb: a statistic may be off by the few instructions in flight */
	return read_sysreg(cntpct_el0);
}

unsigned int machine_cpu_index(void)
{
	/* TPIDR_EL2 holds the dense index, set at CV_HC_INIT (< CV_MAX_CPUS) */
	return (unsigned int)read_sysreg(tpidr_el2);
}

void *machine_pa(u64 pa)
{
	return (void *)pa;
}

u64 machine_image_footprint(void)
{
	/* .bss and the stacks are inside the image (corevisor.lds.S) */
	return (u64)(__cv_image_end - cv_image_start);
}

void machine_image_layout(struct machine_image_layout *l)
{
	/* page aligned by corevisor.lds.S */
	l->text = (u64)(__cv_text_start - cv_image_start);
	l->rodata = (u64)(__cv_text_end - cv_image_start);
	l->data = (u64)(__cv_data_start - cv_image_start);
}

void machine_cpu_relax(void)
{
	asm volatile("yield" : : : "memory");
}

void machine_halt(void)
{
	asm volatile("msr daifset, #0xf");
	for (;;)
		asm volatile("wfi");
}
