// SPDX-License-Identifier: GPL-2.0-only
/*
 * pgtable: walk, map and unmap VMSAv8-64 translation tables, 4 KiB
 * granule, four levels starting at level 0 (48-bit input addresses).
 * A stage 2 (40-bit IPA) is walked by the CPU from level 1, with two
 * concatenated level-1 tables as its root (VTCR_EL2.SL0 = 1, T0SZ = 24):
 * a level-0 start needs a PA size of 44 bits, which a Cortex-A53 (40)
 * or an X-Gene 1 (42) lacks.  Here it is walked from a level-0 page of
 * the core's own whose entries 0 and 1 point at the two halves
 * (pgt_s2_alloc), so every walk in this file starts at level 0.
 * The same code serves the EL2 stage 1, the host and VM stage 2 and the
 * SMMU context tables: only the leaf attributes differ.
 * Every entry is made and read through the arch's encoders with the
 * level it sits at (machine_pte_*): the fake machine tags entries with
 * their level and stops a test that reads one at another level.
 * Guarantees: an entry only ever goes invalid -> valid or valid ->
 * invalid, never valid -> other valid, so no break-before-make sequence
 * is needed; table pages come only from the pool passed in; a failed map
 * (CV_E_NOMEM, CV_E_STATE) leaves every leaf as it was.
 * Callers check tables_needed first when a failure must leave no trace.
 * Assumes: the caller holds the lock protecting this table, and flushes
 * the TLB after an unmap.
 */
#include <core/core.h>

#define LEVELS		(PGT_LEAF_LEVEL + 1)
#define BLOCK_2M	BIT(21)

static unsigned int index_at(u64 va, int level)
{
	return (va >> (39 - 9 * level)) & 511;
}

u64 *pgt_entry(u64 table_pa, u64 va, int level)
{
	u64 *table = machine_pa(table_pa);

	return &table[index_at(va, level)];
}

/* The level-3 entry for va, or NULL if a table on the way is missing. */
static u64 *leaf_slot(u64 root, u64 va)
{
	u64 table = root;
	int level;

	for (level = 0; level < LEVELS - 1; level++) {
		u64 pte = *pgt_entry(table, va, level);

		if (!machine_pte_is_table(pte, level))
			return NULL;
		table = machine_pte_pa(pte, level);
	}
	return pgt_entry(table, va, LEVELS - 1);
}

u64 pgt_lookup(u64 root, u64 va)
{
	u64 *slot = leaf_slot(root, va);

	return slot ? *slot : 0;
}

bool pgt_mapped(u64 root, u64 va)
{
	return machine_pte_valid(pgt_lookup(root, va), PGT_LEAF_LEVEL);
}

u64 pgt_leaf_pa(u64 leaf)
{
	return machine_pte_pa(leaf, PGT_LEAF_LEVEL);
}

int pgt_tables_needed(u64 root, u64 va)
{
	u64 table = root;
	int level;

	for (level = 0; level < LEVELS - 1; level++) {
		u64 pte = *pgt_entry(table, va, level);

		if (!machine_pte_is_table(pte, level))
			return LEVELS - 1 - level;
		table = machine_pte_pa(pte, level);
	}
	return 0;
}

/* Descend to the table at 'stop', creating missing tables. */
static int walk_create(u64 root, u64 va, int stop, struct pool *pool,
		       u64 **slot)
{
	u64 table = root;
	int level;

	for (level = 0; level < stop; level++) {
		u64 *pte = pgt_entry(table, va, level);

		if (!machine_pte_valid(*pte, level)) {
			u64 page = pool_alloc(pool);

			if (!page)
				return CV_E_NOMEM;
			*pte = machine_pte_table(page, level);
		} else if (!machine_pte_is_table(*pte, level)) {
			return CV_E_STATE;	/* a block covers va */
		}
		table = machine_pte_pa(*pte, level);
	}
	*slot = pgt_entry(table, va, stop);
	return 0;
}

static int map_one(u64 root, u64 va, u64 pa, enum machine_mem mem,
		   struct pool *pool, int level)
{
	u64 *slot;
	int ret = walk_create(root, va, level, pool, &slot);

	if (ret)
		return ret;
	if (machine_pte_valid(*slot, level))
		return CV_E_STATE;
	*slot = machine_pte_leaf(pa, level, mem);
	machine_dsb();
	return 0;
}

int pgt_map_page(u64 root, u64 va, u64 pa, enum machine_mem mem,
		 struct pool *pool)
{
	return map_one(root, va, pa, mem, pool, PGT_LEAF_LEVEL);
}

u64 pgt_unmap_page(u64 root, u64 va)
{
	u64 *slot = leaf_slot(root, va);
	u64 old;

	if (!slot || !machine_pte_valid(*slot, PGT_LEAF_LEVEL))
		return 0;
	old = *slot;
	*slot = 0;
	machine_dsb();
	return old;
}

/* Identity-map [va, va + size) with 2 MiB blocks where aligned. */
int pgt_map_range(u64 root, u64 va, u64 size, enum machine_mem mem,
		  struct pool *pool)
{
	u64 end = va + size;
	int ret;

	while (va < end) {
		if (!(va & (BLOCK_2M - 1)) && end - va >= BLOCK_2M) {
			ret = map_one(root, va, va, mem, pool, 2);
			va += BLOCK_2M;
		} else {
			ret = map_one(root, va, va, mem, pool, PGT_LEAF_LEVEL);
			va += PAGE_SIZE;
		}
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * A stage-2 root: three consecutive pool pages, two of them an 8 KiB
 * aligned pair (the CPU's root, returned in *hw), the third the level-0
 * page the core walks from (returned).  0 if the pool cannot give three
 * consecutive pages.  The same pool state always gives the same pages.
 */
u64 pgt_s2_alloc(struct pool *pool, u64 *hw)
{
	u64 a = pool_alloc(pool), b = pool_alloc(pool), c = pool_alloc(pool);
	u64 root, pair, *l0;

	if (!a || b != a + PAGE_SIZE || c != b + PAGE_SIZE)
		return 0;
	if (a & PAGE_SIZE) {
		pair = b;
		root = a;
	} else {
		pair = a;
		root = c;
	}
	l0 = machine_pa(root);
	l0[0] = machine_pte_table(pair, 0);
	l0[1] = machine_pte_table(pair + PAGE_SIZE, 0);
	*hw = pair;
	return root;
}

typedef void (*leaf_fn)(u64 va, u64 pte, void *arg);

static void leaves(u64 table, int level, u64 va, leaf_fn fn, void *arg)
{
	u64 *t = machine_pa(table);
	unsigned int i;

	for (i = 0; i < 512; i++) {
		u64 at = va | ((u64)i << (39 - 9 * level));

		if (!machine_pte_valid(t[i], level))
			continue;
		if (level == PGT_LEAF_LEVEL)
			fn(at, t[i], arg);
		else if (machine_pte_is_table(t[i], level))
			leaves(machine_pte_pa(t[i], level), level + 1, at, fn,
			       arg);
	}
}

/* Call fn for every valid level-3 page entry (blocks are skipped). */
void pgt_walk_pages(u64 root, leaf_fn fn, void *arg)
{
	leaves(root, 0, 0, fn, arg);
}
