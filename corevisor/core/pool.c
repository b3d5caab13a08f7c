// SPDX-License-Identifier: GPL-2.0-only
/*
 * pool: page-table pages from a fixed range of corevisor pages.
 * Owns: the pages [base, base + nr * PAGE_SIZE), all inside the region
 * and CORE-owned from init on.  Hands them out in order, zeroed; gives
 * them back all at once (pool_reset), when the tables built from them are
 * dead (VM teardown, SMMU context free, host stage-2 rebuild) and their
 * TLB entries invalidated.
 * A blocks pool (a VM's) starts empty and takes a block of
 * POOL_BLOCK_PAGES pages from its struct blocks each time it runs dry;
 * pool_reset gives every block tagged with its tag back.  Blocks are all
 * one size, so the free pages a blocks pool can still get are exactly
 * what its block has left plus the free blocks: a check of
 * pool_free_pages before a map never fails for fragmentation.
 * Assumes: the caller holds the lock that protects the tables built from
 * this pool (for a blocks pool: mem_lock, which guards the blocks too).
 */
#include <core/core.h>

#define BLOCK_BYTES	((u64)POOL_BLOCK_PAGES * PAGE_SIZE)

void pool_init(struct pool *p, u64 base, u32 nr)
{
	p->base = base;
	p->nr = nr;
	p->used = 0;
	p->blocks = NULL;
	p->tag = 0;
}

/* nr blocks at base (aligned to a block), tags in the nr bytes at owner_pa */
void blocks_init(struct blocks *b, u64 owner_pa, u64 base, u32 nr)
{
	b->base = base;
	b->nr = nr;
	b->free = nr;
	b->hint = 0;
	b->owner_pa = owner_pa;
	cv_memset(machine_pa(owner_pa), 0, nr);
}

void pool_init_blocks(struct pool *p, struct blocks *b, u32 tag)
{
	pool_init(p, 0, 0);
	p->blocks = b;
	p->tag = tag;
}

static u8 *block_owner(const struct blocks *b, u32 i)
{
	return machine_pa(b->owner_pa + i);
}

/* Take a free block for a blocks pool that ran dry; false if none. */
static bool pool_grow(struct pool *p)
{
	struct blocks *b = p->blocks;
	u32 k, i;

	for (k = 0; b->free && k < b->nr; k++) {
		i = (b->hint + k) % b->nr;
		if (*block_owner(b, i))
			continue;
		*block_owner(b, i) = (u8)p->tag;
		b->free--;
		b->hint = i + 1;
		p->base = b->base + i * BLOCK_BYTES;
		p->nr = POOL_BLOCK_PAGES;
		p->used = 0;
		return true;
	}
	return false;
}

u64 pool_alloc(struct pool *p)
{
	u64 pa;

	if (p->used >= p->nr && !(p->blocks && pool_grow(p)))
		return 0;
	pa = p->base + (u64)p->used * PAGE_SIZE;
	p->used++;
	cv_memset(machine_pa(pa), 0, PAGE_SIZE);
	return pa;
}

u32 pool_free_pages(const struct pool *p)
{
	u32 more = p->blocks ? p->blocks->free * POOL_BLOCK_PAGES : 0;

	return p->nr - p->used + more;
}

void pool_reset(struct pool *p)
{
	struct blocks *b = p->blocks;
	u32 i;

	p->used = 0;
	if (!b)
		return;
	for (i = 0; i < b->nr; i++) {
		if (*block_owner(b, i) != p->tag)
			continue;
		*block_owner(b, i) = 0;
		b->free++;
	}
	p->base = 0;
	p->nr = 0;
}

bool pool_contains(const struct pool *p, u64 pa)
{
	const struct blocks *b = p->blocks;

	if (!b)
		return pa >= p->base && pa < p->base + (u64)p->nr * PAGE_SIZE;
	if (pa < b->base || (pa - b->base) / BLOCK_BYTES >= b->nr)
		return false;
	return *block_owner(b, (pa - b->base) / BLOCK_BYTES) == p->tag;
}
