// SPDX-License-Identifier: GPL-2.0-only
/*
 * pool: page-table pages from a fixed range of corevisor pages.
 * Owns: the pages [base, base + nr * PAGE_SIZE), all inside the region
 * and CORE-owned from init on.  Hands them out in order, zeroed; gives
 * them back all at once (pool_reset), when the tables built from them are
 * dead (VM teardown, SMMU context free, host stage-2 rebuild) and their
 * TLB entries invalidated.
 * Assumes: the caller holds the lock that protects the tables built from
 * this pool.
 */
#include <core/core.h>

void pool_init(struct pool *p, u64 base, u32 nr)
{
	p->base = base;
	p->nr = nr;
	p->used = 0;
}

u64 pool_alloc(struct pool *p)
{
	u64 pa;

	if (p->used >= p->nr)
		return 0;
	pa = p->base + (u64)p->used * PAGE_SIZE;
	p->used++;
	cv_memset(machine_pa(pa), 0, PAGE_SIZE);
	return pa;
}

u32 pool_free_pages(const struct pool *p)
{
	return p->nr - p->used;
}

void pool_reset(struct pool *p)
{
	p->used = 0;
}

bool pool_contains(const struct pool *p, u64 pa)
{
	return pa >= p->base && pa < p->base + (u64)p->nr * PAGE_SIZE;
}
