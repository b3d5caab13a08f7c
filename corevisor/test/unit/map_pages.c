// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of CV_HC_MAP_PAGES (ABI 1.4): a list of host pages for a run
 * of IPAs inside one 2 MiB block, each page checked as MAP_PAGE checks
 * one, all or nothing, with one host TLB invalidation for the lot.
 */
#include "../test.h"

#define LIST	HOST(30)

static u64 *list(void)
{
	return fake_peek(LIST);
}

static s64 map_pages(u64 vm, u64 list_pa, u64 ipa, u64 n)
{
	return hc(CV_HC_MAP_PAGES, vm, list_pa, ipa, n, 0, NULL);
}

/* Nothing changed: every page of the list is still the host's, unmapped. */
static void check_untouched(u64 ipa, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (list()[i] && own_is_ram(list()[i]) &&
		    !(list()[i] & ~PAGE_MASK) && list()[i] != HOST(40))
			CHECK_EQ(own_page(list()[i])->owner, OWNER_HOST);
		CHECK_EQ(leaf_of(core.vm[0].s2_root, ipa + i * PAGE_SIZE), 0);
	}
}

static void test_map_pages_refused(void)
{
	unsigned long tlbi;

	CHECK_EQ(t_boot(1), 0);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 1);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 2);
	memset(list(), 0, PAGE_SIZE);
	list()[0] = HOST(31);
	list()[1] = HOST(32);
	/* the call's own arguments */
	CHECK_EQ(map_pages(1, LIST, 0x10000, 0), CV_E_INVAL);
	CHECK_EQ(map_pages(1, LIST, 0x10000, CV_MAP_PAGES_MAX + 1), CV_E_INVAL);
	CHECK_EQ(map_pages(1, LIST, 0x10008, 2), CV_E_INVAL);
	CHECK_EQ(map_pages(1, LIST + 4, 0x10000, 2), CV_E_INVAL);
	CHECK_EQ(map_pages(1, LIST, 0x1ff000, 2), CV_E_INVAL); /* two blocks */
	CHECK_EQ(map_pages(1, LIST, (1UL << 40) - PAGE_SIZE, 2), CV_E_RANGE);
	CHECK_EQ(map_pages(1, LIST, 1UL << 40, 1), CV_E_RANGE);
	CHECK_EQ(map_pages(1, T_REGION, 0x10000, 2), CV_E_DENIED);
	CHECK_EQ(map_pages(1, T_UART, 0x10000, 2), CV_E_RANGE);
	CHECK_EQ(map_pages(1, LIST + PAGE_SIZE - 8, 0x10000, 2), CV_E_DENIED);
	CHECK_EQ(map_pages(9, LIST, 0x10000, 2), CV_E_INVAL);
	check_untouched(0x10000, 2);

	/* an entry MAP_PAGE would refuse refuses them all, nothing claimed */
	CHECK(core_host_abort(0, HOST(31)));
	tlbi = fake_tlbi_count;
	list()[1] = HOST(31);			/* the same page twice */
	CHECK_EQ(map_pages(1, LIST, 0x10000, 2), CV_E_DENIED);
	check_untouched(0x10000, 2);
	CHECK(host_mapped(HOST(31)));
	CHECK_EQ(fake_tlbi_count, tlbi);
	list()[1] = HOST(32) + 8;		/* unaligned */
	CHECK_EQ(map_pages(1, LIST, 0x10000, 2), CV_E_INVAL);
	list()[1] = T_UART;			/* not RAM */
	CHECK_EQ(map_pages(1, LIST, 0x10000, 2), CV_E_RANGE);
	list()[1] = T_REGION;			/* the corevisor's */
	CHECK_EQ(map_pages(1, LIST, 0x10000, 2), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 2, HOST(40), 0x5000, 0, 0, NULL), 0);
	list()[1] = HOST(40);			/* another VM's */
	CHECK_EQ(map_pages(1, LIST, 0x10000, 2), CV_E_DENIED);
	CHECK_EQ(own_page(HOST(40))->owner, 2);
	own_page(HOST(32))->share = 1;		/* a device reaches it */
	list()[1] = HOST(32);
	CHECK_EQ(map_pages(1, LIST, 0x10000, 2), CV_E_STATE);
	own_page(HOST(32))->share = 0;
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, HOST(33), 0x11000, 0, 0, NULL), 0);
	CHECK_EQ(map_pages(1, LIST, 0x10000, 2), CV_E_STATE); /* ipa taken */
	CHECK_EQ(own_page(HOST(31))->owner, OWNER_HOST);
	CHECK_EQ(own_page(HOST(32))->owner, OWNER_HOST);
	CHECK_EQ(leaf_of(core.vm[0].s2_root, 0x10000), 0);
	CHECK(host_mapped(HOST(31)));
	CHECK_EQ(check_invariants(NULL), 0);
	/* a VM that is off takes nothing */
	CHECK_EQ(hc(CV_HC_VM_STOP, 1, 0, 0, 0, 0, NULL), 0);
	list()[1] = 0;
	CHECK_EQ(map_pages(1, LIST, 0x10000, 1), CV_E_STATE);
	CHECK_EQ(own_page(HOST(31))->owner, OWNER_HOST);
}

static void test_map_pages_done(void)
{
	unsigned long tlbi, dcache;
	u64 i;

	CHECK_EQ(t_boot(1), 0);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 1);
	memset(list(), 0, PAGE_SIZE);
	list()[0] = HOST(31);
	list()[2] = HOST(32);
	list()[3] = HOST(33);
	for (i = 31; i <= 33; i++) {
		memset(fake_peek(HOST(i)), (int)i, PAGE_SIZE);
		CHECK(core_host_abort(0, HOST(i)));
	}
	tlbi = fake_tlbi_count;
	dcache = fake_dcache_count;
	CHECK_EQ(map_pages(1, LIST, 0x10000, 4), 0);
	/* the host lost all three with one invalidation; each was cleaned */
	CHECK_EQ(fake_tlbi_count, tlbi + 1);
	CHECK_EQ(fake_dcache_count, dcache + 3);
	CHECK_EQ(pgt_leaf_pa(leaf_of(core.vm[0].s2_root, 0x10000)), HOST(31));
	CHECK_EQ(leaf_of(core.vm[0].s2_root, 0x11000), 0);	/* entry 0 */
	CHECK_EQ(pgt_leaf_pa(leaf_of(core.vm[0].s2_root, 0x12000)), HOST(32));
	CHECK_EQ(pgt_leaf_pa(leaf_of(core.vm[0].s2_root, 0x13000)), HOST(33));
	for (i = 31; i <= 33; i++) {
		CHECK_EQ(own_page(HOST(i))->owner, 1);
		CHECK(!host_mapped(HOST(i)));
		CHECK(!core_host_abort(0, HOST(i)));
		/* the host's bytes, as MAP_PAGE leaves them (not scrubbed) */
		CHECK_EQ(((u8 *)fake_peek(HOST(i)))[100], i);
	}
	CHECK_EQ(own_page(HOST(31))->gfn, 0x10);
	CHECK_EQ(own_page(HOST(33))->gfn, 0x13);
	CHECK_EQ(check_invariants(NULL), 0);
	/* the host's list page is still the host's; a list of zeros is a no-op */
	CHECK_EQ(own_page(LIST)->owner, OWNER_HOST);
	memset(list(), 0, PAGE_SIZE);
	tlbi = fake_tlbi_count;
	CHECK_EQ(map_pages(1, LIST, 0x14000, CV_MAP_PAGES_MAX), 0);
	CHECK_EQ(fake_tlbi_count, tlbi);
	/* a whole list at the end of a block */
	for (i = 0; i < CV_MAP_PAGES_MAX; i++)
		list()[i] = HOST(50 + i);
	CHECK_EQ(map_pages(1, LIST, 0x200000 - CV_MAP_PAGES_MAX * PAGE_SIZE,
			   CV_MAP_PAGES_MAX), 0);
	CHECK_EQ(own_page(HOST(50 + CV_MAP_PAGES_MAX - 1))->gfn, 0x1ff);
	/* teardown scrubs them like any other page (I3) */
	CHECK_EQ(hc(CV_HC_TEARDOWN, 1, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(own_page(HOST(32))->owner, OWNER_HOST);
	CHECK_EQ(((u8 *)fake_peek(HOST(32)))[100], 0);
	CHECK_EQ(check_invariants(NULL), 0);
}

/* No room for the block's tables: CV_E_NOMEM, nothing claimed. */
static void test_map_pages_nomem(void)
{
	u64 i;
	s64 ret = 0;

	CHECK_EQ(t_boot(1), 0);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 1);
	CHECK(t_take_blocks(16) > 0);	/* the blocks VMs share */
	memset(list(), 0, PAGE_SIZE);
	for (i = 1; i < 200; i++) {
		list()[0] = HOST(100 + i);
		ret = map_pages(1, LIST, i << 30, 1);
		if (ret)
			break;
	}
	CHECK_EQ(ret, CV_E_NOMEM);
	CHECK_EQ(own_page(HOST(100 + i))->owner, OWNER_HOST);
	CHECK_EQ(leaf_of(core.vm[0].s2_root, i << 30), 0);
	/* the first entry is empty: the room is checked at the second */
	list()[0] = 0;
	list()[1] = HOST(100 + i);
	CHECK_EQ(map_pages(1, LIST, i << 30, 2), CV_E_NOMEM);
	CHECK_EQ(own_page(HOST(100 + i))->owner, OWNER_HOST);
	CHECK_EQ(check_invariants(NULL), 0);
}

/*
 * The VM's lock is given back once mem_lock is held: while MAP_PAGES
 * cleans its pages, the VM's other calls (a vCPU run, the vGIC's on
 * another CPU) could take it, and mem_lock is still held.
 */
static int cleans, cleans_vm_free, cleans_mem_held;

static bool lock_free(const struct lock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) ==
	       __atomic_load_n(&l->next, __ATOMIC_ACQUIRE);
}

static void clean_hook(u64 pa)
{
	cleans++;
	cleans_vm_free += lock_free(&core.vm[0].lock);
	cleans_mem_held += !lock_free(&core.mem_lock);
}

static void test_map_pages_vm_unlocked(void)
{
	CHECK_EQ(t_boot(1), 0);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 1);
	memset(list(), 0, PAGE_SIZE);
	list()[0] = HOST(31);
	list()[1] = HOST(32);
	cleans = 0;
	cleans_vm_free = 0;
	cleans_mem_held = 0;
	fake_dcache_hook = clean_hook;
	CHECK_EQ(map_pages(1, LIST, 0x10000, 2), 0);
	fake_dcache_hook = NULL;
	CHECK_EQ(cleans, 2);
	CHECK_EQ(cleans_vm_free, 2);
	CHECK_EQ(cleans_mem_held, 2);
	/* and both are free after the call */
	CHECK(lock_free(&core.vm[0].lock) && lock_free(&core.mem_lock));
	CHECK_EQ(check_invariants(NULL), 0);
}

void test_map_pages(void)
{
	test_map_pages_refused();
	test_map_pages_done();
	test_map_pages_nomem();
	test_map_pages_vm_unlocked();
}
