// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of init, the host stage 2 and the dispatcher: the EL2
 * tables, the dense CPU index (gap 7), the stub calls (gap 2), the
 * region (gaps 3 and 4), the host stage-2 rebuild.
 */
#include "../test.h"

struct wx_count {
	u64 text, rodata;	/* the executable range */
	int x, wx, x_outside;
};

/* wx: an executable page that is writable or not an EL2 stage-1 type */
static void count_wx(u64 va, u64 pte, void *arg)
{
	struct wx_count *c = arg;
	enum machine_mem m = fake_pte_mem(pte);

	if (m != MEM_S1_RW && m != MEM_S1_RO && m != MEM_S1_RX &&
	    m != MEM_S1_DEVICE)
		c->wx++;
	if (m != MEM_S1_RX)
		return;
	c->x++;
	if (va < c->text || va >= c->rodata)
		c->x_outside++;
}

/* The memory type of the EL2 leaf at va (page or block), -1 if none. */
static int el2_mem(u64 va)
{
	u64 t = core.el2_root, pte;
	int level;

	for (level = 0; level < 4; level++) {
		pte = *pgt_entry(t, va, level);
		if (!machine_pte_valid(pte, level))
			return -1;
		if (!machine_pte_is_table(pte, level))
			return fake_pte_mem(pte);
		t = machine_pte_pa(pte, level);
	}
	return -1;
}

void test_init_and_el2(void)
{
	u64 bi_pa = T_REGION + T_REGION_SIZE - 2 * PAGE_SIZE, pa;
	struct machine_image_layout l;
	struct wx_count wx = { 0 };
	struct cv_boot_info *bi;
	u64 root, pte;

	CHECK_EQ(t_boot(2), 0);
	CHECK(strstr(fake_uart_output(),
		     "corevisor: cpu 0 up, ABI v1.6, host stage-2 on\n") != NULL);
	CHECK(strstr(fake_uart_output(),
		     "corevisor: cpu 1 up, ABI v1.6, host stage-2 on\n") != NULL);
	CHECK(fake_mmu_on(0) && fake_mmu_on(1));
	/*
	 * Stage 2 from level 1 with a two-table root (any PA size >= 40):
	 * VTCR SL0 = 1, T0SZ = 24, the root 8 KiB aligned, and the CPU's
	 * walk reaches the same leaf as the core's.
	 */
	CHECK_EQ(fake_sysreg(1, SR_VTCR_EL2), machine_config(MC_VTCR_EL2));
	CHECK_EQ(fake_sysreg(1, SR_TCR_EL2), machine_config(MC_TCR_EL2));
	CHECK_EQ(fake_sysreg(1, SR_MAIR_EL2), machine_config(MC_MAIR_EL2));
	CHECK_EQ(fake_sysreg(1, SR_VTTBR_EL2), host_s2_vttbr());
	CHECK_EQ(host_s2_vttbr() & 0x1FFF, 0);
	pa = (1UL << 39) + (3UL << 30) + (5UL << 21) + (7UL << 12);
	CHECK(pgs_host_fault(pa));	/* device page, second root table */
	pte = ((u64 *)fake_peek(host_s2_vttbr()))[(pa >> 30) & 1023];
	CHECK(machine_pte_is_table(pte, 1));
	pte = ((u64 *)fake_peek(machine_pte_pa(pte, 1)))[(pa >> 21) & 511];
	CHECK(machine_pte_is_table(pte, 2));
	pte = ((u64 *)fake_peek(machine_pte_pa(pte, 2)))[(pa >> 12) & 511];
	CHECK_EQ(fake_pte_level(pte), 3);
	CHECK_EQ(machine_pte_pa(pte, 3), pa);
	CHECK_EQ(fake_pte_mem(pte), MEM_S2_DEVICE);
	CHECK_EQ(fake_sysreg(1, SR_HCR_EL2), machine_config(MC_HCR_HOST));
	CHECK_EQ(fake_sysreg(0, SR_TTBR0_EL2), core.el2_root);
	/*
	 * EL2 stage 1, W^X: only .text executable and it read-only; the
	 * header and .rodata read-only; the rest of the image, the rest of
	 * the region (a 2 MiB block) and other RAM writable, not executable.
	 */
	root = core.el2_root;
	machine_image_layout(&l);
	wx.text = T_REGION + l.text;
	wx.rodata = T_REGION + l.rodata;
	pgt_walk_pages(root, count_wx, &wx);
	CHECK_EQ(wx.wx, 0);
	CHECK_EQ(wx.x, (l.rodata - l.text) >> PAGE_SHIFT);
	CHECK_EQ(wx.x_outside, 0);
	CHECK_EQ(el2_mem(T_REGION), MEM_S1_RO);
	CHECK_EQ(el2_mem(T_REGION + l.text), MEM_S1_RX);
	CHECK_EQ(el2_mem(T_REGION + l.rodata - PAGE_SIZE), MEM_S1_RX);
	CHECK_EQ(el2_mem(T_REGION + l.rodata), MEM_S1_RO);
	CHECK_EQ(el2_mem(T_REGION + l.data), MEM_S1_RW);
	/* the region's second 2 MiB: a level-2 block */
	pte = machine_pte_pa(*pgt_entry(root, T_REGION, 0), 0);
	pte = machine_pte_pa(*pgt_entry(pte, T_REGION, 1), 1);
	pte = *pgt_entry(pte, T_REGION + (2UL << 20), 2);
	CHECK_EQ(fake_pte_level(pte), 2);
	CHECK(!fake_pte_is_table(pte));
	CHECK_EQ(fake_pte_mem(pte), MEM_S1_RW);
	CHECK_EQ(el2_mem(T_RAM_B), MEM_S1_RW);
	CHECK_EQ(el2_mem(T_REGION + T_REGION_SIZE), MEM_S1_RW);
	CHECK_EQ(el2_mem(T_UART), MEM_S1_DEVICE);
	CHECK_EQ(leaf_of(root, T_UART + PAGE_SIZE), 0);
	CHECK_EQ(hc(CV_HC_ABI_VERSION, 0, 0, 0, 0, 0, NULL), CV_ABI_VERSION);
	CHECK_EQ(hc(CV_HC_S2_ENABLED, 0, 0, 0, 0, 0, NULL), 1);
	CHECK_EQ(hc(CV_HC(0x7777), 0, 0, 0, 0, 0, NULL), CV_E_NOSYS);
	CHECK_EQ(hc(0x84000000, 0, 0, 0, 0, 0, NULL), CV_E_NOSYS);

	/* a bad boot info or region is refused and inits nothing */
	fake_reset();
	memset(&core, 0, sizeof(core));
	fake_add_ram(T_RAM_A, T_RAM_A_SIZE);
	fake_add_ram(T_RAM_B, T_RAM_B_SIZE);
	t_write_boot_info(bi_pa, 1);
	bi = fake_peek(bi_pa);
	CHECK_EQ(core_init_cpu(T_REGION + PAGE_SIZE, T_REGION_SIZE, bi_pa, 0),
		 CV_E_INVAL);
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, HOST(0), 0),
		 CV_E_RANGE);		/* boot info outside the region */
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, ~7UL, 0),
		 CV_E_RANGE);		/* and no wrap-around */
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE,
			       T_REGION + T_REGION_SIZE - 8, 0), CV_E_RANGE);
	bi->ram[1].base = T_RAM_A + PAGE_SIZE;	/* overlapping ranges */
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 0), CV_E_INVAL);
	t_write_boot_info(bi_pa, 1);
	CHECK_EQ(core_init_cpu(T_RAM_B, 2UL << 20, bi_pa, 0), CV_E_RANGE);
	bi->uart_base = T_RAM_B;		/* UART inside RAM */
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 0), CV_E_INVAL);
	t_write_boot_info(bi_pa, 1);
	bi->nr_cpus = CV_MAX_CPUS + 1;
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 0), CV_E_INVAL);
	CHECK(!core.inited && !fake_mmu_on(0));
	/* a region too small for the pools */
	t_write_boot_info(T_REGION + (2UL << 20) - PAGE_SIZE * 2, 1);
	CHECK_EQ(core_init_cpu(T_REGION, 2UL << 20,
			       T_REGION + (2UL << 20) - PAGE_SIZE * 2, 0),
		 CV_E_NOMEM);
	/* the boot info is read once: later host writes change nothing */
	t_write_boot_info(bi_pa, 1);
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 0), 0);
	for (pa = T_REGION; pa < T_REGION + T_REGION_SIZE; pa += PAGE_SIZE)
		if (own_page(pa)->owner != OWNER_CORE)
			break;
	CHECK_EQ(pa, T_REGION + T_REGION_SIZE);
}

/* Gap 7: per-CPU data by a dense index checked against MPIDR. */
void test_gap7_dense_cpu_index(void)
{
	u64 bi_pa = T_REGION + T_REGION_SIZE - 2 * PAGE_SIZE;

	CHECK_EQ(t_boot(1), 0);
	fake_reset();
	memset(&core, 0, sizeof(core));
	fake_add_ram(T_RAM_A, T_RAM_A_SIZE);
	fake_add_ram(T_RAM_B, T_RAM_B_SIZE);
	t_write_boot_info(bi_pa, 8);
	fake_set_cpu(7);	/* MPIDR 0x80000301: raw affinity overflows 16 */
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 7), 0);
	CHECK(core.cpu_up[7] && !core.cpu_up[3]);
	fake_set_cpu(6);
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 5), CV_E_INVAL);
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 8), CV_E_RANGE);
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 6), 0);
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 6), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_INIT, T_REGION, T_REGION_SIZE, bi_pa, 6, 0, NULL),
		 CV_E_STATE);	/* second init refused */
	fake_set_cpu(2);	/* not initialised: no runtime calls */
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), CV_E_STATE);
	fake_set_cpu(0);
}

/* Gap 2: hyp-stub calls 0..2 are refused after install, nothing changes. */
void test_gap2_stub_calls(void)
{
	u64 before[SR_NR], i, c;

	CHECK_EQ(t_boot(1), 0);
	for (i = 0; i < SR_NR; i++)
		before[i] = fake_sysreg(0, i);
	for (c = 0; c < 4; c++)	/* 3: 6.1's HVC_FINALISE_EL2 */
		CHECK_EQ(hc(c, HOST(0), 0, 0, 0, 0, NULL), CV_E_DENIED);
	for (i = 0; i < SR_NR; i++)
		CHECK_EQ(fake_sysreg(0, i), before[i]);
	CHECK(fake_mmu_on(0));
}

/* Gap 3 and 4: all of the region is CORE; a refused fault maps nothing. */
void test_gap3_gap4_core_memory(void)
{
	u64 pa;
	int refused = 0;

	CHECK_EQ(t_boot(1), 0);
	for (pa = T_REGION; pa < T_REGION + T_REGION_SIZE; pa += PAGE_SIZE) {
		refused += !core_host_abort(0, pa);
		if (host_mapped(pa))
			break;
	}
	CHECK_EQ(refused, T_REGION_SIZE >> PAGE_SHIFT);	/* image, stacks too */
	CHECK(core_host_abort(0, HOST(5)) && host_mapped(HOST(5)));
	CHECK(core_host_abort(0, T_UART) && host_mapped(T_UART));
	CHECK(!core_host_abort(0, 1UL << 40));
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 1);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, T_REGION, 0, 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, HOST(5), 0x1000, 0, 0, NULL), 0);
	CHECK(!host_mapped(HOST(5)));		/* removed on donation */
	CHECK(!core_host_abort(0, HOST(5)));	/* refused, not mapped */
	CHECK(!host_mapped(HOST(5)));
	CHECK_EQ(check_invariants(NULL), 0);
}

void test_host_s2_rebuild(void)
{
	u32 i, ok = 0;

	CHECK_EQ(t_boot(1), 0);
	/* more distinct 2 MiB device windows than the host pool has pages */
	for (i = 0; i < 2 * core.host_pool.nr; i++)
		ok += core_host_abort(0, 0x100000000UL + ((u64)i << 21));
	CHECK_EQ(ok, 2 * core.host_pool.nr);
	CHECK_EQ(fake_sysreg(0, SR_VTTBR_EL2), host_s2_vttbr());
	CHECK(core_host_abort(0, HOST(1)) && host_mapped(HOST(1)));
	CHECK(core_host_abort(0, 0x100000000UL));
	CHECK_EQ(fake_pte_mem(leaf_of(host_s2_root(), HOST(1))), MEM_S2_NORMAL);
	CHECK_EQ(fake_pte_mem(leaf_of(host_s2_root(), 0x100000000UL)),
		 MEM_S2_DEVICE);
	CHECK_EQ(check_invariants(NULL), 0);
}
