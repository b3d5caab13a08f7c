// SPDX-License-Identifier: GPL-2.0-only
/*
 * page_state: the page-state machine, every transition of a page of RAM
 * between the host, the corevisor, the VMs and the devices
 * (docs/page-states.md lists the states and the transitions).
 *
 * Every transition has the same shape: take core.mem_lock (the caller
 * already holds the VM's lock, and the SMMU calls hold smmu_lock after
 * it), check the state of every party (the page, the VM's stage-2 slot,
 * room in the VM's pool), and only then apply the steps, none of which
 * can fail.  A refused call returns before the first write.
 *
 * Guarantees: I1, I2, I3 and I6 (docs/invariants.md).
 * Assumes: callers hold vm->lock and have checked the VM's state; the
 * host_*_locked and dma helpers are called with core.mem_lock held.
 */
#include <core/core.h>

enum page_kind page_kind(const struct page_state *pg)
{
	if (pg->owner == OWNER_HOST)
		return pg->share ? PAGE_HOST_DMA : PAGE_HOST;
	if (pg->owner == OWNER_CORE)
		return PAGE_CORE;
	return pg->share ? PAGE_VM_SHARED : PAGE_VM;
}

/* Back to the host, zeroed and cleaned to PoC (I3). */
static void give_back(struct page_state *pg, u64 pa)
{
	u64 t0 = machine_ticks();

	cv_memset(machine_pa(pa), 0, PAGE_SIZE);
	machine_dcache_flush(pa, PAGE_SIZE);
	pg->owner = OWNER_HOST;
	pg->share = 0;
	pg->gfn = 0;
	stat_since(CV_STAT_WORK_SCRUB, t0);
}

/* Clean a page the host wrote to PoC before a VM maps it (see below). */
static void clean_for_vm(u64 pa)
{
	u64 t0 = machine_ticks();

	machine_dcache_flush(pa, PAGE_SIZE);
	stat_since(CV_STAT_WORK_CLEAN, t0);
}

/* ------------------------------------------------------- the host */

/* What the host stage 2 may map at pa (I1), and as which memory. */
static bool host_may_map(u64 pa, enum machine_mem *mem)
{
	struct page_state *pg = own_page(pa);

	if (!pg) {
		*mem = MEM_S2_DEVICE;
		return pa < IPA_LIMIT && !is_gich(pa) && !is_smmu(pa);
	}
	*mem = MEM_S2_NORMAL;
	return page_kind(pg) != PAGE_CORE && page_kind(pg) != PAGE_VM;
}

/*
 * The RAM pages around a host fault, in its aligned block of
 * HOST_S2_AROUND, that the host may map too: the host touches memory in
 * runs (fresh pages for a guest, the page cache), and a fault a page
 * made it trap to EL2 and take mem_lock once a page.  Each neighbour
 * passes host_may_map as the faulting page did (I1).  They share the
 * faulting page's last-level table, which exists now, so no table is
 * allocated and no rebuild can drop the faulting page.  Under mem_lock.
 */
#define HOST_S2_AROUND	16

static void host_fault_around(u64 pa)
{
	u64 base = pa & ~(HOST_S2_AROUND * PAGE_SIZE - 1), p;
	enum machine_mem mem;

	for (p = base; p < base + HOST_S2_AROUND * PAGE_SIZE; p += PAGE_SIZE)
		if (p != pa && own_page(p) && host_may_map(p, &mem))
			host_s2_map(p, mem);
}

/* A host stage-2 fault at pa: map it if the host may; false if not. */
bool pgs_host_fault(u64 pa)
{
	enum machine_mem mem;
	bool ok;

	pa &= PAGE_MASK;
	lock_take(&core.mem_lock);
	ok = host_may_map(pa, &mem);
	if (ok) {
		host_s2_map(pa, mem);
		if (mem == MEM_S2_NORMAL)
			host_fault_around(pa);
	}
	lock_give(&core.mem_lock);
	return ok;
}

/* A host buffer for the corevisor to copy: host RAM, in one page. */
bool pgs_host_readable(u64 pa, u64 len)
{
	struct page_state *pg = own_page(pa);

	if (!pg || pg->owner != OWNER_HOST)
		return false;
	return (pa & ~PAGE_MASK) + len <= PAGE_SIZE;
}

/* ------------------------------------------------------ host <-> VM */

/* PAGE_HOST -> PAGE_VM at gfn ipa. */
s64 pgs_host_to_vm(struct vm *vm, u64 pa, u64 ipa)
{
	u64 t0 = machine_ticks();
	struct page_state *pg;
	s64 ret = 0;

	if ((pa | ipa) & ~PAGE_MASK)
		return CV_E_INVAL;
	if (ipa >= IPA_LIMIT || !own_is_ram(pa))
		return CV_E_RANGE;
	lock_take(&core.mem_lock);
	pg = own_page(pa);
	if (pg->owner != OWNER_HOST)
		ret = CV_E_DENIED;
	else if (page_kind(pg) != PAGE_HOST)
		ret = CV_E_STATE;	/* a device can still reach it */
	else if (pgt_mapped(vm->s2_root, ipa))
		ret = CV_E_STATE;
	else if (pgt_tables_needed(vm->s2_root, ipa) >
		 (int)pool_free_pages(&vm->pool))
		ret = CV_E_NOMEM;
	if (!ret) {
		pg->owner = vm->vmid;
		pg->gfn = ipa >> PAGE_SHIFT;
		host_s2_unmap(pa);
		/*
		 * The host wrote this page through its cacheable mapping; a
		 * guest with its MMU off (every boot) reads memory, not the
		 * cache.  Clean it to PoC, as KVM does before a stage-2 map.
		 */
		clean_for_vm(pa);
		if (pgt_map_page(vm->s2_root, ipa, pa, MEM_S2_NORMAL,
				 &vm->pool))
			cv_panic("vm map after checks");
		stat_since(CV_STAT_WORK_MAP, t0);
	}
	lock_give(&core.mem_lock);
	return ret;
}

/*
 * One entry of a list: the checks of pgs_host_to_vm for one page, and
 * the claim (owner, gfn) when they pass, so that the same page named
 * twice fails its second check.  Under mem_lock.
 */
static s64 claim_for_vm(struct vm *vm, u64 pa, u64 ipa)
{
	struct page_state *pg;

	if (pa & ~PAGE_MASK)
		return CV_E_INVAL;
	pg = own_page(pa);
	if (!pg)
		return CV_E_RANGE;
	switch (page_kind(pg)) {
	case PAGE_HOST:
		break;
	case PAGE_HOST_DMA:
		return CV_E_STATE;	/* a device can still reach it */
	default:
		return CV_E_DENIED;
	}
	if (pgt_mapped(vm->s2_root, ipa))
		return CV_E_STATE;
	pg->owner = vm->vmid;
	pg->gfn = ipa >> PAGE_SHIFT;
	return 0;
}

/* Undo the claims of the first n entries: they were PAGE_HOST. */
static void unclaim(const u64 *pa, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (pa[i]) {
			own_page(pa[i])->owner = OWNER_HOST;
			own_page(pa[i])->gfn = 0;
		}
	}
}

/*
 * PAGE_HOST -> PAGE_VM for n IPAs from ipa, inside one 2 MiB block
 * (checked by the caller), entry i of pa at ipa + i pages, 0: leave that
 * IPA alone.  Every page is checked and claimed before any changes
 * hands; a refusal undoes the claims and returns the first entry's
 * error, as n MAP_PAGEs in a row would stop at it.  The block shares
 * its tables, so the room for them is checked once.  Then, for all the
 * pages at once: out of the host's stage 2 (one TLB invalidation),
 * cleaned to PoC, into the VM's.
 * Called with vm->lock held, which kept the VM live until mem_lock is
 * taken; from then on mem_lock does (a teardown or a reset takes it to
 * empty the VM's stage 2 and reclaim its pages, so it waits for this
 * map), and vm->lock is given back at once: the VM's vCPU runs and vGIC
 * calls on other CPUs do not wait for the checks, the clean and the
 * invalidation.  Returns with neither lock held.
 */
s64 pgs_host_to_vm_list(struct vm *vm, const u64 *pa, u64 ipa, u32 n)
{
	u64 t0 = machine_ticks();
	bool room = false;
	s64 ret = 0;
	u32 i, done = 0;

	lock_take(&core.mem_lock);
	lock_give(&vm->lock);
	for (i = 0; i < n && !ret; i++) {
		if (!pa[i])
			continue;
		ret = claim_for_vm(vm, pa[i], ipa + i * PAGE_SIZE);
		if (!ret && !room &&
		    pgt_tables_needed(vm->s2_root, ipa) >
		    (int)pool_free_pages(&vm->pool)) {
			unclaim(&pa[i], 1);
			ret = CV_E_NOMEM;
		}
		room = true;
	}
	if (ret) {
		unclaim(pa, i - 1);
		lock_give(&core.mem_lock);
		return ret;
	}
	host_s2_unmap_list(pa, n);
	for (i = 0; i < n; i++) {
		if (!pa[i])
			continue;
		clean_for_vm(pa[i]);
		if (pgt_map_page(vm->s2_root, ipa + i * PAGE_SIZE, pa[i],
				 MEM_S2_NORMAL, &vm->pool))
			cv_panic("vm list map after checks");
		done++;
	}
	stat_add(CV_STAT_WORK_MAP, done, machine_ticks() - t0);
	lock_give(&core.mem_lock);
	return 0;
}

/*
 * Whether ipa is mapped; *pa is the page behind it and *pg its state, or
 * NULL for a device page.  A RAM page there must be the VM's own (I2).
 * Under mem_lock.
 */
static bool vm_page_at(struct vm *vm, u64 ipa, u64 *pa,
		       struct page_state **pg)
{
	u64 pte = pgt_lookup(vm->s2_root, ipa);

	if (!pte)
		return false;
	*pa = pgt_leaf_pa(pte);
	*pg = own_page(*pa);
	if (*pg && ((*pg)->owner != vm->vmid ||
		    (*pg)->gfn != ipa >> PAGE_SHIFT))
		cv_panic("VM stage 2 maps a page the VM does not own");
	return true;
}

/* PAGE_VM(_SHARED) at ipa -> PAGE_HOST, zeroed; or a device page out. */
s64 pgs_vm_to_host(struct vm *vm, u64 ipa)
{
	struct page_state *pg;
	s64 ret = 0;
	u64 pa;

	if (ipa & ~PAGE_MASK)
		return CV_E_INVAL;
	if (ipa >= IPA_LIMIT)
		return CV_E_RANGE;
	lock_take(&core.mem_lock);
	if (!vm_page_at(vm, ipa, &pa, &pg)) {
		ret = CV_E_STATE;
	} else {
		if (pg && page_kind(pg) == PAGE_VM_SHARED)
			host_s2_unmap(pa);
		pgt_unmap_page(vm->s2_root, ipa);
		machine_tlbi_ipa(vm_vttbr(vm), ipa);
		if (pg)		/* a device page has nothing to scrub */
			give_back(pg, pa);
	}
	lock_give(&core.mem_lock);
	return ret;
}

/* PAGE_VM <-> PAGE_VM_SHARED, at the guest's request. */
s64 pgs_set_share(struct vm *vm, u64 ipa, bool shared)
{
	enum page_kind want = shared ? PAGE_VM_SHARED : PAGE_VM;
	struct page_state *pg;
	s64 ret = 0;
	u64 pa;

	if (ipa & ~PAGE_MASK)
		return CV_E_INVAL;
	if (ipa >= IPA_LIMIT)
		return CV_E_RANGE;
	lock_take(&core.mem_lock);
	if (!vm_page_at(vm, ipa, &pa, &pg) || !pg)
		ret = CV_E_RANGE;
	else if (page_kind(pg) == want)
		ret = CV_E_STATE;
	if (!ret) {
		pg->share = shared;
		if (!shared)
			host_s2_unmap(pa);
	}
	lock_give(&core.mem_lock);
	return ret;
}

/*
 * Empty the VM's stage 2 and drop its VMID's TLB entries: a vCPU that
 * runs now faults on its next access and exits.  Under mem_lock.
 */
void pgs_cut_vm(struct vm *vm)
{
	cv_memset(machine_pa(vm->s2_hw), 0, 2 * PAGE_SIZE);
	machine_tlbi_vmid(vm_vttbr(vm));
}

/* Every page of the VM -> PAGE_HOST, zeroed; its stage 2 emptied. */
void pgs_reclaim_vm(struct vm *vm)
{
	u32 i;
	u64 pa;

	lock_take(&core.mem_lock);
	pgs_cut_vm(vm);	/* its tables die with its pool */
	for (i = 0; i < core.nr_ram; i++) {
		const struct ram_range *r = &core.ram[i];

		for (pa = r->base; pa < r->base + r->size; pa += PAGE_SIZE) {
			struct page_state *pg = own_page(pa);

			if (pg->owner != vm->vmid)
				continue;
			if (page_kind(pg) == PAGE_VM_SHARED)
				host_s2_unmap(pa);
			give_back(pg, pa);
		}
	}
	lock_give(&core.mem_lock);
}

/* A device page (not RAM, not the GICH or the SMMU) into the VM. */
s64 pgs_map_device(struct vm *vm, u64 pa, u64 ipa)
{
	s64 ret = 0;

	if ((pa | ipa) & ~PAGE_MASK)
		return CV_E_INVAL;
	if (ipa >= IPA_LIMIT || pa >= IPA_LIMIT)
		return CV_E_RANGE;
	if (own_is_ram(pa) || is_gich(pa) || is_smmu(pa))
		return CV_E_DENIED;
	lock_take(&core.mem_lock);
	if (pgt_mapped(vm->s2_root, ipa))
		ret = CV_E_STATE;
	else if (pgt_tables_needed(vm->s2_root, ipa) >
		 (int)pool_free_pages(&vm->pool))
		ret = CV_E_NOMEM;
	else if (pgt_map_page(vm->s2_root, ipa, pa, MEM_S2_DEVICE,
			      &vm->pool))
		cv_panic("vm device map after checks");
	lock_give(&core.mem_lock);
	return ret;
}

/* ------------------------------------------------------------- DMA */

/*
 * A host SMMU context may map pg: PAGE_HOST or PAGE_HOST_DMA with room
 * in its count.  Under mem_lock.
 */
s64 pgs_host_dma_check(const struct page_state *pg)
{
	if (pg->owner != OWNER_HOST)
		return CV_E_DENIED;
	return pg->share == SHARE_MAX ? CV_E_NOMEM : 0;
}

void pgs_host_dma_get(struct page_state *pg)
{
	pg->share++;
}

void pgs_host_dma_put(struct page_state *pg)
{
	if (page_kind(pg) != PAGE_HOST_DMA)
		cv_panic("host SMMU mapping of a page without a share");
	pg->share--;
}

/*
 * A VM's SMMU context may map pg at iova: the VM's own page at its guest
 * frame, outside its boot images (a device must not rewrite a verified
 * image), and once the VM runs only a page its guest shared (its
 * consent).  Under vm->lock and mem_lock.
 */
s64 pgs_vm_dma_check(struct vm *vm, const struct page_state *pg, u64 iova)
{
	if (vm->state == VM_OFF)
		return CV_E_STATE;
	if (pg->owner != vm->vmid || pg->gfn != iova >> PAGE_SHIFT ||
	    vm_in_image(vm, iova))
		return CV_E_DENIED;
	if (vm->state == VM_RUNNING && page_kind(pg) != PAGE_VM_SHARED)
		return CV_E_DENIED;
	return 0;
}
