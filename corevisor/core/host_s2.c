// SPDX-License-Identifier: GPL-2.0-only
/*
 * host_s2: the host's stage 2, an identity map filled lazily on faults.
 * Owns: the host stage-2 tables and the host pool they come from.
 * The mechanism only: what the host may map is decided by page_state.c
 * (pgs_host_fault, I1), which maps and unmaps here under mem_lock.
 * When the pool runs dry the whole table is dropped and rebuilt by
 * later faults: it is only a cache of the ownership table, so nothing
 * is lost.
 * Assumes: callers of host_s2_map and host_s2_unmap hold core.mem_lock.
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

/* Every CPU's VTTBR_EL2 names hw_root: the rebuilt root must be the same. */
static void rebuild(void)
{
	u64 old = hw_root;

	host_s2_init(pool);
	if (hw_root != old)
		cv_panic("host stage-2 root moved");
	machine_tlbi_vmid(hw_root);
}

/* Identity-map pa as mem, if it is not mapped yet.  Under mem_lock. */
void host_s2_map(u64 pa, enum machine_mem mem)
{
	if (pgt_mapped(root, pa))
		return;
	if (pgt_tables_needed(root, pa) > (int)pool_free_pages(pool))
		rebuild();
	if (pgt_map_page(root, pa, pa, mem, pool))
		cv_panic("host stage-2 map after rebuild");
}

void host_s2_unmap(u64 pa)
{
	u64 t0;

	if (pgt_unmap_page(root, pa)) {
		t0 = machine_ticks();
		machine_tlbi_ipa(hw_root, pa);
		stat_since(CV_STAT_WORK_TLBI, t0);
	}
}

/*
 * Unmap every non-zero pa of the list, then drop the host's TLB entries
 * once for all of them, not once a page: a broadcast invalidation is
 * the dear part of taking a page from the host.  Under mem_lock.
 */
void host_s2_unmap_list(const u64 *pa, u32 n)
{
	bool any = false;
	u64 t0;
	u32 i;

	for (i = 0; i < n; i++)
		if (pa[i] && pgt_unmap_page(root, pa[i]))
			any = true;
	if (!any)
		return;
	t0 = machine_ticks();
	machine_tlbi_vmid(hw_root);
	stat_since(CV_STAT_WORK_TLBI, t0);
}
