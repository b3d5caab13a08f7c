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

/* The page an entry made for this level points at (the fake checks it). */
static u64 down(u64 table, u64 va, int level)
{
	return machine_pte_pa(*pgt_entry(table, va, level), level);
}

void test_pgtable(void)
{
	struct pool p;
	u64 root, pte;

	CHECK_EQ(t_boot(1), 0);
	pool_init(&p, HOST(0), 6);
	root = pool_alloc(&p);
	CHECK_EQ(pgt_tables_needed(root, 0x1234000), 3);
	CHECK_EQ(pgt_map_page(root, 0x1234000, HOST(10), MEM_S2_NORMAL, &p),
		 0);
	CHECK_EQ(pgt_leaf_pa(pgt_lookup(root, 0x1234000)), HOST(10));
	CHECK(pgt_mapped(root, 0x1234000));
	pte = pgt_lookup(root, 0x1234000);
	CHECK_EQ(fake_pte_level(pte), 3);	/* a page, made at level 3 */
	CHECK(!fake_pte_is_table(pte));
	CHECK_EQ(fake_pte_mem(pte), MEM_S2_NORMAL);
	CHECK_EQ(pgt_tables_needed(root, 0x1235000), 0);
	CHECK(!pgt_mapped(root, 0x1235000));
	CHECK_EQ(pgt_map_page(root, 0x1234000, HOST(11), MEM_S2_NORMAL, &p),
		 CV_E_STATE);				/* never valid->valid */
	CHECK_EQ(pgt_leaf_pa(pgt_lookup(root, 0x1234000)), HOST(10));
	CHECK_EQ(pgt_tables_needed(root, 1UL << 39), 3);
	/* only 1 page left: a map needing 3 fails and maps nothing */
	CHECK_EQ(pgt_map_page(root, 1UL << 39, HOST(12), MEM_S2_NORMAL, &p),
		 CV_E_NOMEM);
	CHECK_EQ(pgt_lookup(root, 1UL << 39), 0);
	CHECK_EQ(pgt_leaf_pa(pgt_unmap_page(root, 0x1234000)), HOST(10));
	CHECK_EQ(pgt_lookup(root, 0x1234000), 0);
	CHECK_EQ(pgt_unmap_page(root, 0x1234000), 0);
	/* ranges: 2 MiB blocks where aligned, pages at the edges */
	pool_init(&p, HOST(0), 8);
	root = pool_alloc(&p);
	CHECK_EQ(pgt_map_range(root, 0x40000000 - 0x1000, 0x201000,
			       MEM_S1_RW, &p), 0);
	CHECK_EQ(pgt_leaf_pa(pgt_lookup(root, 0x40000000 - 0x1000)),
		 0x40000000 - 0x1000);
	CHECK_EQ(pgt_lookup(root, 0x40000000), 0);	/* a block, not a page */
	pte = *pgt_entry(down(down(root, 0x40000000, 0), 0x40000000, 1),
			 0x40000000, 2);
	CHECK_EQ(fake_pte_level(pte), 2);		/* a block at level 2 */
	CHECK(!fake_pte_is_table(pte));
	CHECK_EQ(machine_pte_pa(pte, 2), 0x40000000);
	CHECK_EQ(fake_pte_mem(pte), MEM_S1_RW);
}

/* Where a walk of the tables under root finds an entry at another level. */
struct level_check {
	int entries, wrong;
};

static void check_levels(u64 table, int level, struct level_check *c)
{
	u64 *t = fake_peek(table);
	int i;

	for (i = 0; i < 512; i++) {
		if (!t[i])
			continue;
		c->entries++;
		if (fake_pte_level(t[i]) != level) {
			c->wrong++;
			fprintf(stderr, "level %d entry %d made for level %d\n",
				level, i, fake_pte_level(t[i]));
			continue;
		}
		if (fake_pte_is_table(t[i]))
			check_levels(machine_pte_pa(t[i], level), level + 1, c);
	}
}

/*
 * Every entry of every table the core built sits at the level it was
 * encoded for: the EL2 stage 1 (pages and 2 MiB blocks), the host's
 * stage 2 (faulted in), a VM's stage 2 and an SMMU context.  With one
 * call site in core/pgtable.c given the wrong level, this fails (or the
 * fake aborts at the next walk).
 */
void test_pgtable_levels(void)
{
	struct level_check c = { 0 };
	u64 vmid, out[4], root;
	u32 i, owner;

	CHECK_EQ(t_boot(1), 0);
	vmid = boot_vm(0x80000000, 2, 0, false);
	CHECK_EQ(hc(CV_HC_MAP_DEVICE, vmid, 0x8040000, 0x8010000, 0, 0, NULL),
		 0);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vmid, 0, 0, 0, 0, NULL), 0);
	CHECK(pgs_host_fault(HOST(20)));
	CHECK(pgs_host_fault(0x09000000));
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 0, 0, 0, 0, 0, out), 0);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 0, 0x10000, HOST(21), 0, 0, NULL), 0);
	check_levels(core.el2_root, 0, &c);
	check_levels(host_s2_root(), 0, &c);
	for (i = 0; i < CV_MAX_VMS; i++)
		if (core.vm[i].state != VM_FREE)
			check_levels(core.vm[i].s2_root, 0, &c);
	for (i = 0; i < CV_MAX_SMMU_CTX; i++) {
		root = smmu_root(i, &owner);
		if (root)
			check_levels(root, 0, &c);
	}
	CHECK(c.entries > 20);
	CHECK_EQ(c.wrong, 0);
}
