// SPDX-License-Identifier: GPL-2.0-only
/*
 * The encodings of include/core/machine.h on aarch64: VMSAv8-64
 * descriptors (4 KiB granule) and the values of HCR_EL2, MAIR_EL2,
 * TCR_EL2 and VTCR_EL2 the core programs.  Pure functions: no register
 * is touched here.
 */
#include <core/machine.h>
#include "sysreg.h"

#define PTE_VALID	BIT(0)
#define PTE_TABLE	BIT(1)	/* levels 0-2: table; level 3: page */
#define PTE_AF		BIT(10)
#define PTE_SH_INNER	(3UL << 8)
#define PTE_XN		BIT(54)
#define PTE_ADDR	0x0000FFFFFFFFF000UL
#define LAST_LEVEL	3

/* stage 2: MemAttr[5:2] (0xF normal WB, 0x1 device nGnRE), S2AP[7:6] RW */
#define S2_NORMAL	((0xFUL << 2) | (3UL << 6) | PTE_SH_INNER | PTE_AF)
#define S2_DEVICE	((0x1UL << 2) | (3UL << 6) | PTE_AF | PTE_XN)
/*
 * EL2 stage 1: AttrIndx[4:2] into MAIR_EL2 (0 normal WB, 1 device),
 * AP[2] read-only, AP[1] RES1 (EL2 has no EL0 to grant access to)
 */
#define S1_AP_RES1	BIT(6)
#define S1_RO		BIT(7)
#define S1_NORMAL	((0UL << 2) | S1_AP_RES1 | PTE_SH_INNER | PTE_AF)
#define S1_DEVICE	(BIT(2) | S1_AP_RES1 | PTE_AF | PTE_XN)
#define MAIR_VALUE	0x04FFUL	/* attr0 normal WB, attr1 device nGnRE */

/* T0SZ 16 (48-bit VA), WB WB inner-shareable walks, 4K, PS 40-bit, RES1 */
#define TCR_VALUE	(BIT(31) | BIT(23) | (2UL << 16) | \
			 (3UL << 12) | BIT(10) | BIT(8) | 16)
/*
 * T0SZ 24 (40-bit IPA), SL0 level 1 (two concatenated tables, valid with
 * any PA size), walks WB inner-shareable, PS 40
 */
#define VTCR_VALUE	(BIT(31) | (2UL << 16) | (3UL << 12) | \
			 BIT(10) | BIT(8) | BIT(6) | 24)

/* HCR_TSC, HCR_APK and HCR_API are in sysreg.h */
#define HCR_VM		BIT(0)
#define HCR_SWIO	BIT(1)
#define HCR_PTW		BIT(2)
#define HCR_FMO		BIT(3)
#define HCR_IMO		BIT(4)
#define HCR_AMO		BIT(5)
#define HCR_FB		BIT(9)
#define HCR_BSU_IS	BIT(10)
#define HCR_TWI		BIT(13)
#define HCR_TWE		BIT(14)
#define HCR_TIDCP	BIT(20)
#define HCR_TAC		BIT(21)
#define HCR_TSW		BIT(22)
#define HCR_RW		BIT(31)
#define HCR_HOST	(HCR_RW | HCR_VM | HCR_AMO | HCR_API | HCR_APK)
#define HCR_GUEST	(HCR_RW | HCR_VM | HCR_SWIO | HCR_PTW | HCR_FMO | \
			 HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | HCR_TWI | \
			 HCR_TWE | HCR_TSC | HCR_TIDCP | HCR_TAC | HCR_TSW)

static const u64 mem_attr[] = {
	[MEM_S2_NORMAL] = S2_NORMAL,
	[MEM_S2_DEVICE] = S2_DEVICE,
	[MEM_S1_RW] = S1_NORMAL | PTE_XN,
	[MEM_S1_RO] = S1_NORMAL | S1_RO | PTE_XN,
	[MEM_S1_RX] = S1_NORMAL | S1_RO,
	[MEM_S1_DEVICE] = S1_DEVICE,
};

u64 machine_pte_table(u64 table_pa, int level)
{
	return (table_pa & PTE_ADDR) | PTE_TABLE | PTE_VALID;
}

/* A level-3 page sets bit 1; a level-1/2 block leaves it clear. */
u64 machine_pte_leaf(u64 pa, int level, enum machine_mem mem)
{
	return (pa & PTE_ADDR) | mem_attr[mem] | PTE_VALID |
		(level == LAST_LEVEL ? PTE_TABLE : 0);
}

bool machine_pte_valid(u64 pte, int level)
{
	return pte & PTE_VALID;
}

bool machine_pte_is_table(u64 pte, int level)
{
	return level < LAST_LEVEL &&
		(pte & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE);
}

u64 machine_pte_pa(u64 pte, int level)
{
	return pte & PTE_ADDR;
}

static const u64 config[] = {
	[MC_HCR_HOST] = HCR_HOST,
	[MC_HCR_GUEST] = HCR_GUEST,
	[MC_MAIR_EL2] = MAIR_VALUE,
	[MC_TCR_EL2] = TCR_VALUE,
	[MC_VTCR_EL2] = VTCR_VALUE,
};

u64 machine_config(enum machine_config c)
{
	return config[c];
}
