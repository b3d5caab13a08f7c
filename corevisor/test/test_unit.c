// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests, one group per layer, and one test per hole of SEKVM-FACTS
 * section 9 (each fails on the published snapshots' behaviour).
 */
#include "test.h"

#define HOST(i)		t_host_page(i)
#define boot_vm		t_boot_vm

static u64 leaf_of(u64 root, u64 va)
{
	return pgt_lookup(root, va);
}

static bool host_mapped(u64 pa)
{
	return leaf_of(host_s2_root(), pa) & PTE_VALID;
}

static void test_locks_pool(void)
{
	struct lock l = { 0 };
	struct pool p;
	u64 a, b;
	u32 i;

	lock_take(&l);
	CHECK_EQ(l.next, 1);
	CHECK_EQ(l.owner, 0);
	lock_give(&l);
	CHECK_EQ(l.owner, 1);

	CHECK_EQ(t_boot(1), 0);
	pool_init(&p, HOST(0), 3);
	memset(fake_peek(HOST(0)), 0xAA, 3 * PAGE_SIZE);
	a = pool_alloc(&p);
	b = pool_alloc(&p);
	CHECK_EQ(a, HOST(0));
	CHECK_EQ(b, HOST(1));
	for (i = 0; i < PAGE_SIZE; i++)
		if (((u8 *)fake_peek(b))[i])
			break;
	CHECK_EQ(i, PAGE_SIZE);		/* handed out zeroed */
	CHECK(pool_alloc(&p) != 0);
	CHECK_EQ(pool_alloc(&p), 0);	/* exhausted */
	CHECK_EQ(pool_free_pages(&p), 0);
	pool_reset(&p);
	CHECK_EQ(pool_alloc(&p), HOST(0));
	CHECK(pool_contains(&p, HOST(2)) && !pool_contains(&p, HOST(3)));
}

static void test_pgtable(void)
{
	struct pool p;
	u64 root;

	CHECK_EQ(t_boot(1), 0);
	pool_init(&p, HOST(0), 6);
	root = pool_alloc(&p);
	CHECK_EQ(pgt_tables_needed(root, 0x1234000), 3);
	CHECK_EQ(pgt_map_page(root, 0x1234000, HOST(10), S2_NORMAL, &p), 0);
	CHECK_EQ(pgt_lookup(root, 0x1234000) & PTE_ADDR, HOST(10));
	CHECK_EQ(pgt_lookup(root, 0x1234000) & 3, 3);	/* page descriptor */
	CHECK_EQ(pgt_tables_needed(root, 0x1235000), 0);
	CHECK_EQ(pgt_map_page(root, 0x1234000, HOST(11), S2_NORMAL, &p),
		 CV_E_STATE);				/* never valid->valid */
	CHECK_EQ(pgt_lookup(root, 0x1234000) & PTE_ADDR, HOST(10));
	CHECK_EQ(pgt_tables_needed(root, 1UL << 39), 3);
	/* only 1 page left: a map needing 3 fails and maps nothing */
	CHECK_EQ(pgt_map_page(root, 1UL << 39, HOST(12), S2_NORMAL, &p),
		 CV_E_NOMEM);
	CHECK_EQ(pgt_lookup(root, 1UL << 39), 0);
	CHECK_EQ(pgt_unmap_page(root, 0x1234000) & PTE_ADDR, HOST(10));
	CHECK_EQ(pgt_lookup(root, 0x1234000), 0);
	CHECK_EQ(pgt_unmap_page(root, 0x1234000), 0);
	/* ranges: 2 MiB blocks where aligned, pages at the edges */
	pool_init(&p, HOST(0), 8);
	root = pool_alloc(&p);
	CHECK_EQ(pgt_map_range(root, 0x40000000 - 0x1000, 0x201000,
			       S1_NORMAL, &p), 0);
	CHECK_EQ(pgt_lookup(root, 0x40000000 - 0x1000) & PTE_ADDR,
		 0x40000000 - 0x1000);
	CHECK_EQ(pgt_lookup(root, 0x40000000), 0);	/* a block, not a page */
	CHECK_EQ(*pgt_entry(*pgt_entry(*pgt_entry(root, 0x40000000, 0) &
					PTE_ADDR, 0x40000000, 1) & PTE_ADDR,
			    0x40000000, 2) & 3, 1);
}

struct wx_count {
	u64 text, rodata;	/* the executable range */
	int x, wx, x_outside;
};

static void count_wx(u64 va, u64 pte, void *arg)
{
	struct wx_count *c = arg;

	if (pte & PTE_XN)
		return;
	c->x++;
	if (!(pte & S1_RO))
		c->wx++;
	if (va < c->text || va >= c->rodata)
		c->x_outside++;
}

static void test_init_and_el2(void)
{
	u64 bi_pa = T_REGION + T_REGION_SIZE - 2 * PAGE_SIZE, pa;
	struct machine_image_layout l;
	struct wx_count wx = { 0 };
	struct cv_boot_info *bi;
	u64 root, pte;

	CHECK_EQ(t_boot(2), 0);
	CHECK(strstr(fake_uart_output(),
		     "corevisor: cpu 0 up, ABI v1.2, host stage-2 on\n") != NULL);
	CHECK(strstr(fake_uart_output(),
		     "corevisor: cpu 1 up, ABI v1.2, host stage-2 on\n") != NULL);
	CHECK(fake_mmu_on(0) && fake_mmu_on(1));
	/*
	 * Stage 2 from level 1 with a two-table root (any PA size >= 40):
	 * VTCR SL0 = 1, T0SZ = 24, the root 8 KiB aligned, and the CPU's
	 * walk reaches the same leaf as the core's.
	 */
	CHECK_EQ(fake_sysreg(1, SR_VTCR_EL2) & 0xFF, (1UL << 6) | 24);
	CHECK_EQ(fake_sysreg(1, SR_VTTBR_EL2), host_s2_vttbr());
	CHECK_EQ(host_s2_vttbr() & 0x1FFF, 0);
	pa = (1UL << 39) + (3UL << 30) + (5UL << 21) + (7UL << 12);
	CHECK(host_s2_fault(pa));	/* device page, second root table */
	pte = ((u64 *)fake_peek(host_s2_vttbr()))[(pa >> 30) & 1023];
	CHECK_EQ(pte & 3, 3);
	pte = ((u64 *)fake_peek(pte & PTE_ADDR))[(pa >> 21) & 511];
	CHECK_EQ(pte & 3, 3);
	pte = ((u64 *)fake_peek(pte & PTE_ADDR))[(pa >> 12) & 511];
	CHECK_EQ(pte & (PTE_ADDR | 3), pa | 3);
	CHECK(fake_sysreg(1, SR_HCR_EL2) & HCR_VM);
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
	CHECK_EQ(leaf_of(root, T_REGION) & (S1_RO | PTE_XN), S1_RO | PTE_XN);
	CHECK_EQ(leaf_of(root, T_REGION + l.text) & (S1_RO | PTE_XN), S1_RO);
	CHECK_EQ(leaf_of(root, T_REGION + l.rodata - PAGE_SIZE) &
		 (S1_RO | PTE_XN), S1_RO);
	CHECK_EQ(leaf_of(root, T_REGION + l.rodata) & (S1_RO | PTE_XN),
		 S1_RO | PTE_XN);
	CHECK_EQ(leaf_of(root, T_REGION + l.data) & (S1_RO | PTE_XN), PTE_XN);
	pte = *pgt_entry(*pgt_entry(*pgt_entry(root, T_REGION, 0) & PTE_ADDR,
				    T_REGION, 1) & PTE_ADDR,
			 T_REGION + (2UL << 20), 2);
	CHECK_EQ(pte & (3 | S1_RO | PTE_XN), 1 | PTE_XN);
	CHECK(leaf_of(root, T_RAM_B) & PTE_XN);
	CHECK(leaf_of(root, T_REGION + T_REGION_SIZE) & PTE_XN);
	CHECK_EQ(leaf_of(root, T_UART) & (7UL << 2), 1UL << 2);
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
static void test_gap7_dense_cpu_index(void)
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
static void test_gap2_stub_calls(void)
{
	u64 before[SR_NR], i, c;

	CHECK_EQ(t_boot(1), 0);
	for (i = 0; i < SR_NR; i++)
		before[i] = fake_sysreg(0, i);
	for (c = 0; c < 3; c++)
		CHECK_EQ(hc(c, HOST(0), 0, 0, 0, 0, NULL), CV_E_DENIED);
	for (i = 0; i < SR_NR; i++)
		CHECK_EQ(fake_sysreg(0, i), before[i]);
	CHECK(fake_mmu_on(0));
}

/* Gap 3 and 4: all of the region is CORE; a refused fault maps nothing. */
static void test_gap3_gap4_core_memory(void)
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

static void test_host_s2_rebuild(void)
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
	CHECK_EQ(leaf_of(host_s2_root(), HOST(1)) & (0xFUL << 2), 0xFUL << 2);
	CHECK_EQ(leaf_of(host_s2_root(), 0x100000000UL) & (0xFUL << 2), 1UL << 2);
	CHECK_EQ(check_invariants(NULL), 0);
}

static void test_vm_memory(void)
{
	unsigned long tlbi, dcache;
	u64 pa = HOST(20);

	CHECK_EQ(t_boot(1), 0);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 1);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 2);
	memset(fake_peek(pa), 0x5A, PAGE_SIZE);
	CHECK(core_host_abort(0, pa));
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, pa + 8, 0x2000, 0, 0, NULL), CV_E_INVAL);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, pa, 1UL << 40, 0, 0, NULL), CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, T_UART, 0x2000, 0, 0, NULL), CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 9, pa, 0x2000, 0, 0, NULL), CV_E_INVAL);
	tlbi = fake_tlbi_count;
	dcache = fake_dcache_count;
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, pa, 0x2000, 0, 0, NULL), 0);
	CHECK(fake_tlbi_count > tlbi);	/* the host's stale entry is gone */
	CHECK(fake_dcache_count > dcache);	/* cleaned for a cache-off guest */
	CHECK_EQ(own_page(pa)->owner, 1);
	CHECK_EQ(own_page(pa)->gfn, 2);
	CHECK(!host_mapped(pa));
	/* the same page to another VM, or twice: refused, nothing changes */
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 2, pa, 0x2000, 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, pa, 0x3000, 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, HOST(21), 0x2000, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(own_page(HOST(21))->owner, OWNER_HOST);
	/* share / unshare as the guest would */
	CHECK_EQ(vm_share(&core.vm[0], 0x2000), 0);
	CHECK_EQ(vm_share(&core.vm[0], 0x2000), CV_E_STATE);
	CHECK_EQ(vm_share(&core.vm[0], 0x5000), CV_E_RANGE);
	CHECK(core_host_abort(0, pa) && host_mapped(pa));
	CHECK_EQ(check_invariants(NULL), 0);
	tlbi = fake_tlbi_count;
	CHECK_EQ(vm_unshare(&core.vm[0], 0x2000), 0);
	CHECK(!host_mapped(pa));
	CHECK(fake_tlbi_count > tlbi);
	CHECK(!core_host_abort(0, pa));
	/* unmap: zeroed before the host gets it back (I3) */
	CHECK_EQ(hc(CV_HC_UNMAP_PAGE, 1, 0x2000, 0, 0, 0, NULL), 0);
	CHECK_EQ(own_page(pa)->owner, OWNER_HOST);
	CHECK_EQ(((u64 *)fake_peek(pa))[17], 0);
	CHECK(core_host_abort(0, pa));
	CHECK_EQ(hc(CV_HC_UNMAP_PAGE, 1, 0x2000, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(check_invariants(NULL), 0);
	/* device pages (the vGIC CPU interface): never RAM, device memory */
	CHECK_EQ(hc(CV_HC_MAP_DEVICE, 1, HOST(22), 0x8010000, 0, 0, NULL),
		 CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_MAP_DEVICE, 1, T_REGION, 0x8010000, 0, 0, NULL),
		 CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_MAP_DEVICE, 1, 1UL << 40, 0x8010000, 0, 0, NULL),
		 CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_MAP_DEVICE, 1, 0x8040000, 0x8010000, 0, 0, NULL), 0);
	CHECK_EQ(leaf_of(core.vm[0].s2_root, 0x8010000) & (0xFUL << 2), 1UL << 2);
	CHECK(leaf_of(core.vm[0].s2_root, 0x8010000) & PTE_XN);
	CHECK_EQ(hc(CV_HC_MAP_DEVICE, 1, 0x8040000, 0x8010000, 0, 0, NULL),
		 CV_E_STATE);
	CHECK_EQ(vm_share(&core.vm[0], 0x8010000), CV_E_RANGE);
	CHECK_EQ(check_invariants(NULL), 0);
	CHECK_EQ(hc(CV_HC_UNMAP_PAGE, 1, 0x8010000, 0, 0, 0, NULL), 0);
	CHECK_EQ(leaf_of(core.vm[0].s2_root, 0x8010000), 0);
}

/* Gap 1: signatures enforced with per-VM keys; gap 8: copies, not pointers. */
static void test_gap1_gap8_image_auth(void)
{
	u64 vm, vm2, key2 = HOST(200);
	u8 pk[32];

	CHECK_EQ(t_boot(1), 0);
	vm = boot_vm(0x80000000, 3, 10, false);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x80000000, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_VCPU_RUN, vm, 0, 0, 0, 0, NULL), CV_E_STATE);
	/* the key page changes after SET_VM_KEY: the copy is used */
	memset(fake_peek(HOST(10)), 0x77, 32);
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, vm, HOST(10), 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vm, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(core.vm[vm - 1].state, VM_VERIFIED);
	/* images cannot be swapped after verification */
	CHECK_EQ(hc(CV_HC_UNMAP_PAGE, vm, 0x80000000, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x70000000, 0, 0, 0, NULL), CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x80000002, 0, 0, 0, NULL), CV_E_INVAL);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x80001000, 0, 0, 0, NULL), 0);
	CHECK_EQ(core.vm[vm - 1].vcpu[0].ctx.pc, 0x80001000);

	/* tampered image: refused, and it never runs */
	vm2 = boot_vm(0x80000000, 2, 30, true);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vm2, 0, 0, 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(core.vm[vm2 - 1].state, VM_READY);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm2, 0x80000000, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_VCPU_RUN, vm2, 0, 0, 0, 0, NULL), CV_E_STATE);

	/* a valid image signed for another key: per-VM keys */
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 3);
	t_keypair(pk);
	pk[5] ^= 1;
	memcpy(fake_peek(key2), pk, 32);
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, 3, key2, 0, 0, 0, NULL), 0);
	t_sign_image(fake_peek(HOST(12)), 0x80000000, PAGE_SIZE,
		     fake_peek(HOST(201)));
	CHECK_EQ(hc(CV_HC_SET_BOOT_IMAGE, 3, 0, 0x80000000, PAGE_SIZE,
		    HOST(201), NULL), 0);
	CHECK_EQ(hc(CV_HC_LOAD_IMAGE_PAGE, 3, 0, HOST(202), 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, 3, 0, 0, 0, 0, NULL), CV_E_DENIED);
	/* no image at all: nothing to verify */
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 4);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, 4, 0, 0, 0, 0, NULL), CV_E_STATE);

	/* host buffers: only host-owned RAM, within one page */
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, 4, HOST(12), 0, 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, 4, T_REGION, 0, 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, 4, HOST(300) + PAGE_SIZE - 16, 0, 0, 0,
		    NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, 4, T_UART, 0, 0, 0, NULL), CV_E_RANGE);
	memset(fake_peek(HOST(300)), 0, 32);
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, 4, HOST(300), 0, 0, 0, NULL), CV_E_INVAL);
	CHECK(!core.vm[3].key_set);
	CHECK_EQ(check_invariants(NULL), 0);
}

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

/* Gap 9 and the exit contract: what the host sees, and its answers. */
static void test_gap9_vcpu_exits(void)
{
	struct machine_exit e = { .kind = EXIT_SYNC };
	struct machine_vcpu *c;
	u64 out[4], vm;

	CHECK_EQ(t_boot(1), 0);
	vm = boot_vm(0x80000000, 1, 10, false);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vm, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x80000000, 0, 0, 0, NULL), 0);
	c = &core.vm[0].vcpu[0].ctx;
	fake_set_guest(scripted_guest);
	next_exit = &e;

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

static void test_psci_cpu_on(void)
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

/* Gap 6: VMIDs and pools are recycled; gap 5 for SMMU contexts. */
static void test_gap6_recycling_and_smmu(void)
{
	u64 vmid, root, out[4];
	int i, round;

	CHECK_EQ(t_boot(1), 0);
	for (i = 1; i <= CV_MAX_VMS; i++)
		CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), i);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), CV_E_NOMEM);
	for (round = 0; round < 200; round++) {
		vmid = 1 + round % CV_MAX_VMS;
		CHECK_EQ(hc(CV_HC_MAP_PAGE, vmid, HOST(round % 50),
			    (u64)round << 30, 0, 0, NULL), 0);
		CHECK_EQ(hc(CV_HC_TEARDOWN, vmid, 0, 0, 0, 0, NULL), 0);
		CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), vmid);
	}
	CHECK_EQ(check_invariants(NULL), 0);

	/* host contexts count shares; a shared page cannot go to a VM */
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 0, 0, 0, 0, 0, out), 0);
	root = out[0];
	CHECK(t_in_region(root));
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 0, 0, 0, 0, 0, out), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, CV_MAX_SMMU_CTX, 0, 0, 0, 0, out),
		 CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 0, 0x1000, HOST(60), 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 0, 0x2000, HOST(60), 0, 0, NULL), 0);
	CHECK_EQ(own_page(HOST(60))->share, 2);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 0, 0x3000, T_REGION, 0, 0, NULL),
		 CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, HOST(60), 0x5000, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_SMMU_UNMAP, 0, 0x1000, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_SMMU_UNMAP, 0, 0x1000, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(check_invariants(NULL), 0);
	CHECK_EQ(hc(CV_HC_SMMU_FREE, 0, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(own_page(HOST(60))->share, 0);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, HOST(60), 0x5000, 0, 0, NULL), 0);
	/* VM contexts: only the VM's pages at their guest address */
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 3, 1, 0, 0, 0, out), 0);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 3, 0x6000, HOST(60), 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 3, 0x5000, HOST(61), 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 3, 0x5000, HOST(60), 0, 0, NULL), 0);
	/* while a device can reach VM pages, they stay the VM's */
	CHECK_EQ(hc(CV_HC_UNMAP_PAGE, 1, 0x5000, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(check_invariants(NULL), 0);
	CHECK_EQ(hc(CV_HC_SMMU_FREE, 3, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_UNMAP_PAGE, 1, 0x5000, 0, 0, 0, NULL), 0);
	/* teardown takes the VM's contexts with it */
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 3, 1, 0, 0, 0, out), 0);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, HOST(60), 0x5000, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 3, 0x5000, HOST(60), 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_TEARDOWN, 1, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(smmu_root(3, &(u32){ 0 }), 0);
	CHECK_EQ(hc(CV_HC_SMMU_FREE, 3, 0, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(check_invariants(NULL), 0);
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
static void test_vgic(void)
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
	CHECK_EQ(leaf_of(core.el2_root, gich) & ((7UL << 2) | PTE_XN | 3),
		 (1UL << 2) | PTE_XN | 3);
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

int main(void)
{
	test_locks_pool();
	test_pgtable();
	test_init_and_el2();
	test_gap7_dense_cpu_index();
	test_gap2_stub_calls();
	test_gap3_gap4_core_memory();
	test_host_s2_rebuild();
	test_vm_memory();
	test_gap1_gap8_image_auth();
	test_gap9_vcpu_exits();
	test_psci_cpu_on();
	test_gap6_recycling_and_smmu();
	test_vgic();
	return t_finish("unit");
}
