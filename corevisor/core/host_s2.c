// SPDX-License-Identifier: GPL-2.0-only
/*
 * host_s2: the host's stage 2, an identity map filled lazily on faults.
 * Owns: the host stage-2 tables and the host pool they come from.
 * Guarantees (I1): a RAM page is mapped only while it is HOST-owned, or
 * VM-owned with share 1; every other RAM page (CORE, private VM pages)
 * faults and is refused.  Non-RAM below the IPA limit is device space and
 * mapped as device memory, except the GICH (the guests' list registers)
 * and the SMMU (which could point a device at any page).  When the pool
 * runs dry the whole table is
 * dropped and rebuilt by later faults: it is only a cache of the
 * ownership table, so nothing is lost.
 * Assumes: callers of host_s2_unmap hold core.mem_lock.
 */
#include <core/core.h>

static struct pool *pool;
static u64 root, hw_root;

void host_s2_init(struct pool *p)
{
	pool = p;
	pool_reset(pool);
	root = pgt_s2_alloc(pool, &hw_root);
	if (!root)
		cv_panic("no host stage-2 root");
}

u64 host_s2_root(void)
{
	return root;
}

u64 host_s2_vttbr(void)
{
	return hw_root;
}

static bool host_may_map(u64 pa, u64 *attr)
{
	struct page_state *pg = own_page(pa);

	if (!pg) {
		*attr = S2_DEVICE;
		return pa < IPA_LIMIT && !is_gich(pa) && !is_smmu(pa);
	}
	*attr = S2_NORMAL;
	if (pg->owner == OWNER_HOST)
		return true;
	return pg->owner != OWNER_CORE && pg->share;
}

/* Every CPU's VTTBR_EL2 names hw_root: the rebuilt root must be the same. */
static void rebuild(void)
{
	u64 old = hw_root;

	host_s2_init(pool);
	if (hw_root != old)
		cv_panic("host stage-2 root moved");
	machine_tlbi_vmid(hw_root);
}

bool host_s2_fault(u64 pa)
{
	u64 attr;
	bool ok;
	int ret;

	pa &= PAGE_MASK;
	lock_take(&core.mem_lock);
	ok = host_may_map(pa, &attr);
	if (ok && !(pgt_lookup(root, pa) & PTE_VALID)) {
		if (pgt_tables_needed(root, pa) > (int)pool_free_pages(pool))
			rebuild();
		ret = pgt_map_page(root, pa, pa, attr, pool);
		if (ret)
			cv_panic("host stage-2 map after rebuild");
	}
	lock_give(&core.mem_lock);
	return ok;
}

void host_s2_unmap(u64 pa)
{
	if (pgt_unmap_page(root, pa))
		machine_tlbi_ipa(hw_root, pa);
}
