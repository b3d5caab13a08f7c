// SPDX-License-Identifier: GPL-2.0-only
/*
 * ownership: one entry per page of RAM, { owner, share, gfn }.
 *
 * Page states (the only encodings in use):
 *   owner OWNER_HOST, share n: the host's page; n host SMMU mappings.
 *        gfn 0.  Mapped (lazily) in the host stage 2.
 *   owner OWNER_CORE, share 0: corevisor code, data, stacks, pools and
 *        this table.  Never mapped for the host, a VM or a device.
 *   owner vmid, share 0 or 1: backs guest frame gfn of that VM; share 1
 *        when the guest has shared it with the host (then, and only
 *        then, the host stage 2 may map it).
 *
 * Owns: the table (inside the region, CORE-owned) and the RAM map copied
 * from boot info.  Every read or write of an entry happens under
 * core.mem_lock; this layer only stores and finds entries, the rules of
 * who may move a page where live in host_s2.c, vm_mem.c and smmu.c.
 */
#include <core/core.h>

static struct page_state *table;
static u64 nr_pages;

void own_init(const struct ram_range *ram, u32 nr, struct page_state *t)
{
	u32 i;

	nr_pages = 0;
	for (i = 0; i < nr; i++)
		nr_pages += ram[i].size >> PAGE_SHIFT;
	table = t;
	cv_memset(table, 0, nr_pages * sizeof(*table));
}

u64 own_nr_pages(void)
{
	return nr_pages;
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
