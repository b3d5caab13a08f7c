// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the bottom layers: locks, pools, page tables.
 */
#include "../test.h"

void test_locks_pool(void)
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

void test_pgtable(void)
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
