// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real encodings (arch/aarch64/encode.c), compiled here under other
 * names next to the fake machine's: the VMSAv8-64 bits the EL2 build
 * gives each level and memory type, and the HCR_EL2 values.
 */
#include "../test.h"

#define machine_pte_table	aa64_pte_table
#define machine_pte_leaf	aa64_pte_leaf
#define machine_pte_valid	aa64_pte_valid
#define machine_pte_is_table	aa64_pte_is_table
#define machine_pte_pa		aa64_pte_pa
#define machine_config(c)	aa64_config(c)
#include "../../arch/aarch64/encode.c"
#undef machine_pte_table
#undef machine_pte_leaf
#undef machine_pte_valid
#undef machine_pte_is_table
#undef machine_pte_pa
#undef machine_config

#define XN		BIT(54)
#define AP_RO		BIT(7)
#define ATTR_IDX	(7UL << 2)	/* stage 1: MAIR_EL2 index */
#define MEMATTR		(0xFUL << 2)	/* stage 2 */
#define S2AP_RW		(3UL << 6)
#define AF		BIT(10)

void test_encode_aarch64(void)
{
	u64 pa = 0x123456789000UL, e;
	enum machine_mem m;
	int level;

	/* bits [1:0]: 11 table at 0-2, 11 page at 3, 01 block at 1-2 */
	for (level = 0; level < 3; level++) {
		e = aa64_pte_table(pa, level);
		CHECK_EQ(e, pa | 3);
		CHECK(aa64_pte_is_table(e, level));
		CHECK_EQ(aa64_pte_pa(e, level), pa);
	}
	e = aa64_pte_leaf(pa, 3, MEM_S2_NORMAL);
	CHECK_EQ(e & 3, 3);
	CHECK(aa64_pte_valid(e, 3) && !aa64_pte_is_table(e, 3));
	CHECK_EQ(aa64_pte_pa(e, 3), pa);
	e = aa64_pte_leaf(0x40200000, 2, MEM_S1_RW);
	CHECK_EQ(e & 3, 1);
	CHECK(aa64_pte_valid(e, 2) && !aa64_pte_is_table(e, 2));
	CHECK(!aa64_pte_valid(0, 3) && !aa64_pte_is_table(0, 1));
	/* every leaf has AF; only RX and stage-2 RAM are executable */
	for (m = MEM_S2_NORMAL; m <= MEM_S1_DEVICE; m++) {
		e = aa64_pte_leaf(pa, 3, m);
		CHECK(e & AF);
		CHECK_EQ(!(e & XN), m == MEM_S1_RX || m == MEM_S2_NORMAL);
	}
	/* W^X at EL2: RO and RX read-only, RW and device writable */
	CHECK(aa64_pte_leaf(pa, 3, MEM_S1_RO) & AP_RO);
	CHECK(aa64_pte_leaf(pa, 3, MEM_S1_RX) & AP_RO);
	CHECK(!(aa64_pte_leaf(pa, 3, MEM_S1_RW) & AP_RO));
	CHECK(!(aa64_pte_leaf(pa, 3, MEM_S1_DEVICE) & AP_RO));
	/* MAIR_EL2 attr0 normal write-back, attr1 device */
	CHECK_EQ(aa64_pte_leaf(pa, 3, MEM_S1_RW) & ATTR_IDX, 0);
	CHECK_EQ(aa64_pte_leaf(pa, 3, MEM_S1_DEVICE) & ATTR_IDX, 1UL << 2);
	CHECK_EQ(aa64_config(MC_MAIR_EL2) & 0xffff, 0x04ff);
	/* stage 2: normal WB or device nGnRE, read-write */
	CHECK_EQ(aa64_pte_leaf(pa, 3, MEM_S2_NORMAL) & (MEMATTR | S2AP_RW),
		 (0xFUL << 2) | S2AP_RW);
	CHECK_EQ(aa64_pte_leaf(pa, 3, MEM_S2_DEVICE) & (MEMATTR | S2AP_RW),
		 (0x1UL << 2) | S2AP_RW);
	/* VTCR: T0SZ 24, SL0 1 (two level-1 root pages); TCR: T0SZ 16 */
	CHECK_EQ(aa64_config(MC_VTCR_EL2) & 0xff, BIT(6) | 24);
	CHECK_EQ(aa64_config(MC_TCR_EL2) & 0x3f, 16);
	/* HCR: VM (stage 2) and RW for both; the guest's traps */
	CHECK_EQ(aa64_config(MC_HCR_HOST) & (BIT(31) | 1), BIT(31) | 1);
	CHECK_EQ(aa64_config(MC_HCR_GUEST) & 0x7fffbf, 0x78663f);
	CHECK(!(aa64_config(MC_HCR_HOST) & (HCR_IMO | HCR_FMO | HCR_TSC)));
}
