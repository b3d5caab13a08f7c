// SPDX-License-Identifier: GPL-2.0-only
/*
 * ownership: one entry per page of RAM, { owner, share, gfn }.
 *
 * Owns: the table (inside the region, CORE-owned) and the RAM map copied
 * from boot info.  Every read or write of an entry happens under
 * core.mem_lock.  This layer only stores and finds entries: the states an
 * entry may be in (enum page_kind) and every transition between them
 * are in page_state.c (docs/page-states.md).
 */
#include <core/core.h>

static struct page_state *table;

void own_init(const struct ram_range *ram, u32 nr, struct page_state *t)
{
	u64 nr_pages = 0;
	u32 i;

	for (i = 0; i < nr; i++)
		nr_pages += ram[i].size >> PAGE_SHIFT;
	table = t;
	cv_memset(table, 0, nr_pages * sizeof(*table));
}

static const struct ram_range *range_of(u64 pa)
{
	u32 i;

	for (i = 0; i < core.nr_ram; i++)
		if (pa >= core.ram[i].base &&
		    pa - core.ram[i].base < core.ram[i].size)
			return &core.ram[i];
	return NULL;
}

bool own_is_ram(u64 pa)
{
	return range_of(pa) != NULL;
}

struct page_state *own_page(u64 pa)
{
	const struct ram_range *r = range_of(pa);

	if (!r)
		return NULL;
	return &table[r->first + ((pa - r->base) >> PAGE_SHIFT)];
}
