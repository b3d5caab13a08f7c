// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the page-state machine (core/page_state.c): host to
 * VM and back, share and unshare, devices.
 */
#include "../test.h"

void test_vm_memory(void)
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
	CHECK_EQ(pgs_set_share(&core.vm[0], 0x2000, true), 0);
	CHECK_EQ(pgs_set_share(&core.vm[0], 0x2000, true), CV_E_STATE);
	CHECK_EQ(pgs_set_share(&core.vm[0], 0x5000, true), CV_E_RANGE);
	CHECK(core_host_abort(0, pa) && host_mapped(pa));
	CHECK_EQ(check_invariants(NULL), 0);
	tlbi = fake_tlbi_count;
	CHECK_EQ(pgs_set_share(&core.vm[0], 0x2000, false), 0);
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
	CHECK_EQ(fake_pte_mem(leaf_of(core.vm[0].s2_root, 0x8010000)),
		 MEM_S2_DEVICE);
	CHECK_EQ(hc(CV_HC_MAP_DEVICE, 1, 0x8040000, 0x8010000, 0, 0, NULL),
		 CV_E_STATE);
	CHECK_EQ(pgs_set_share(&core.vm[0], 0x8010000, true), CV_E_RANGE);
	CHECK_EQ(check_invariants(NULL), 0);
	CHECK_EQ(hc(CV_HC_UNMAP_PAGE, 1, 0x8010000, 0, 0, 0, NULL), 0);
	CHECK_EQ(leaf_of(core.vm[0].s2_root, 0x8010000), 0);
}

/*
 * Pool limits: a map that needs more table pages than the VM's (or the
 * SMMU context's) pool has left (for a VM: the blocks all VMs share,
 * all but 16 taken by other VMs first) is refused with CV_E_NOMEM before any
 * state changes; the table walk itself cannot fail after the checks.
 * Each map lands in a new 1 GiB region so it needs new tables.  A host
 * page's SMMU share count is refused at SHARE_MAX, not wrapped.
 */
void test_pool_limits(void)
{
	u64 out[4], i, ret = 0;

	CHECK_EQ(t_boot(1), 0);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 1);
	CHECK(t_take_blocks(16) > 0);
	for (i = 1; i < 200; i++) {
		ret = hc(CV_HC_MAP_PAGE, 1, HOST(i), i << 30, 0, 0, NULL);
		if (ret)
			break;
	}
	CHECK_EQ(ret, CV_E_NOMEM);
	CHECK_EQ(own_page(HOST(i))->owner, OWNER_HOST);
	CHECK(core_host_abort(0, HOST(i)));
	CHECK_EQ(check_invariants(NULL), 0);
	CHECK_EQ(hc(CV_HC_TEARDOWN, 1, 0, 0, 0, 0, NULL), 0);

	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 1);
	for (i = 1; i < 200; i++) {
		ret = hc(CV_HC_MAP_DEVICE, 1, 0x8040000, i << 30, 0, 0, NULL);
		if (ret)
			break;
	}
	CHECK_EQ(ret, CV_E_NOMEM);
	CHECK_EQ(leaf_of(core.vm[0].s2_root, i << 30), 0);
	CHECK_EQ(hc(CV_HC_TEARDOWN, 1, 0, 0, 0, 0, NULL), 0);

	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 0, 0, 0, 0, 0, out), 0);
	for (i = 1; i < 200; i++) {
		ret = hc(CV_HC_SMMU_MAP, 0, i << 30, HOST(1), 0, 0, NULL);
		if (ret)
			break;
	}
	CHECK_EQ(ret, CV_E_NOMEM);
	CHECK_EQ(own_page(HOST(1))->share, i - 1);
	CHECK_EQ(hc(CV_HC_SMMU_FREE, 0, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(own_page(HOST(1))->share, 0);

	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 0, 0, 0, 0, 0, out), 0);
	own_page(HOST(2))->share = SHARE_MAX;
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 0, 0x1000, HOST(2), 0, 0, NULL),
		 CV_E_NOMEM);
	CHECK_EQ(own_page(HOST(2))->share, SHARE_MAX);
	own_page(HOST(2))->share = 0;
	CHECK_EQ(hc(CV_HC_SMMU_FREE, 0, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(check_invariants(NULL), 0);
}

/*
 * A host stage-2 fault maps the RAM pages of its aligned block of 16
 * that the host may map, and no other: a VM's page in the block stays
 * out of the host's stage 2 (I1), as do pages of the next block.
 */
void test_host_fault_around(void)
{
	u64 block = HOST(64), vm_page = block + 5 * PAGE_SIZE;
	u64 i;

	CHECK_EQ(t_boot(1), 0);
	CHECK_EQ(block & (16 * PAGE_SIZE - 1), 0);
	CHECK_EQ(HOST(79), block + 15 * PAGE_SIZE);	/* one run of RAM */
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 1);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, vm_page, 0x2000, 0, 0, NULL), 0);
	CHECK(!host_mapped(block + 3 * PAGE_SIZE));
	CHECK(core_host_abort(0, block + 3 * PAGE_SIZE + 8));
	for (i = 0; i < 16; i++)
		CHECK_EQ(host_mapped(block + i * PAGE_SIZE),
			 block + i * PAGE_SIZE != vm_page);
	CHECK(!host_mapped(block + 16 * PAGE_SIZE));
	CHECK(!host_mapped(block - PAGE_SIZE));
	CHECK(!core_host_abort(0, vm_page));
	CHECK_EQ(check_invariants(NULL), 0);
}
