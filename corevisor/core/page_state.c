// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm_mem: moving pages between the host and a VM.
 *
 * Every transition has the same shape: take core.mem_lock, check the
 * state of every party (the page's owner and share count, the VM's
 * stage-2 slot, room in the VM's pool), and only then apply the steps,
 * none of which can fail.  A refused call returns before the first write.
 *
 *   map     HOST(share 0) -> vmid(gfn): host mapping removed, VM mapping
 *           added.
 *   unmap   vmid -> HOST: VM mapping removed, page zeroed, then given back.
 *   share   vmid(share 0) -> vmid(share 1): the host may now map it.
 *   unshare vmid(share 1) -> vmid(share 0): host mapping removed.
 *   scrub   every page of the VM: host and VM mappings removed, zeroed,
 *           given back (teardown).
 *   device  a non-RAM page (the GIC virtual CPU interface, for one) is
 *           mapped as device memory; it has no owner and no share count.
 *
 * Guarantees: I1, I2, I3 and I6 for VM pages.
 * Assumes: the caller holds vm->lock and has checked the VM's state.
 */
#include <core/core.h>

static void flush_vm_ipa(struct vm *vm, u64 ipa)
{
	machine_tlbi_ipa(vm_vttbr(vm), ipa);
}

static void zero_page(u64 pa)
{
	cv_memset(machine_pa(pa), 0, PAGE_SIZE);
	machine_dcache_flush(pa, PAGE_SIZE);
}

static s64 check_addrs(u64 pa, u64 ipa)
{
	if ((pa | ipa) & ~PAGE_MASK)
		return CV_E_INVAL;
	if (ipa >= IPA_LIMIT || !own_is_ram(pa))
		return CV_E_RANGE;
	return 0;
}

s64 vm_map_page(struct vm *vm, u64 pa, u64 ipa)
{
	struct page_state *pg;
	s64 ret = check_addrs(pa, ipa);

	if (ret)
		return ret;
	lock_take(&core.mem_lock);
	pg = own_page(pa);
	if (pg->owner != OWNER_HOST)
		ret = CV_E_DENIED;
	else if (pg->share)
		ret = CV_E_STATE;	/* a device can still reach it */
	else if (pgt_lookup(vm->s2_root, ipa) & PTE_VALID)
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
		machine_dcache_flush(pa, PAGE_SIZE);
		if (pgt_map_page(vm->s2_root, ipa, pa, S2_NORMAL, &vm->pool))
			cv_panic("vm map after checks");
	}
	lock_give(&core.mem_lock);
	return ret;
}

s64 vm_map_device(struct vm *vm, u64 pa, u64 ipa)
{
	s64 ret = 0;

	if ((pa | ipa) & ~PAGE_MASK)
		return CV_E_INVAL;
	if (ipa >= IPA_LIMIT || pa >= IPA_LIMIT)
		return CV_E_RANGE;
	if (own_is_ram(pa) || is_gich(pa) || is_smmu(pa))
		return CV_E_DENIED;
	lock_take(&core.mem_lock);
	if (pgt_lookup(vm->s2_root, ipa) & PTE_VALID)
		ret = CV_E_STATE;
	else if (pgt_tables_needed(vm->s2_root, ipa) >
		 (int)pool_free_pages(&vm->pool))
		ret = CV_E_NOMEM;
	else if (pgt_map_page(vm->s2_root, ipa, pa, S2_DEVICE, &vm->pool))
		cv_panic("vm device map after checks");
	lock_give(&core.mem_lock);
	return ret;
}

/*
 * Whether ipa is mapped; *pa is the page behind it and *pg its state, or
 * NULL for a device page.  A RAM page there must be the VM's own.  Under
 * mem_lock.
 */
static bool vm_page_at(struct vm *vm, u64 ipa, u64 *pa,
		       struct page_state **pg)
{
	u64 pte = pgt_lookup(vm->s2_root, ipa);

	if (!(pte & PTE_VALID))
		return false;
	*pa = pte & PTE_ADDR;
	*pg = own_page(*pa);
	if (*pg && ((*pg)->owner != vm->vmid ||
		    (*pg)->gfn != ipa >> PAGE_SHIFT))
		cv_panic("VM stage 2 maps a page the VM does not own");
	return true;
}

s64 vm_unmap_page(struct vm *vm, u64 ipa)
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
	} else if (!pg) {	/* device page: nothing to scrub */
		pgt_unmap_page(vm->s2_root, ipa);
		flush_vm_ipa(vm, ipa);
	} else {
		if (pg->share)
			host_s2_unmap(pa);
		pgt_unmap_page(vm->s2_root, ipa);
		flush_vm_ipa(vm, ipa);
		zero_page(pa);
		pg->owner = OWNER_HOST;
		pg->share = 0;
		pg->gfn = 0;
	}
	lock_give(&core.mem_lock);
	return ret;
}

static s64 set_share(struct vm *vm, u64 ipa, u16 want)
{
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
	else if (pg->share == want)
		ret = CV_E_STATE;
	if (!ret) {
		pg->share = want;
		if (!want)
			host_s2_unmap(pa);
	}
	lock_give(&core.mem_lock);
	return ret;
}

s64 vm_share(struct vm *vm, u64 ipa)
{
	return set_share(vm, ipa, 1);
}

s64 vm_unshare(struct vm *vm, u64 ipa)
{
	return set_share(vm, ipa, 0);
}

void vm_scrub_all(struct vm *vm)
{
	u32 i;
	u64 pa;

	lock_take(&core.mem_lock);
	for (i = 0; i < core.nr_ram; i++) {
		const struct ram_range *r = &core.ram[i];

		for (pa = r->base; pa < r->base + r->size; pa += PAGE_SIZE) {
			struct page_state *pg = own_page(pa);

			if (pg->owner == vm->vmid && pg->share)
				host_s2_unmap(pa);
		}
	}
	/* The VM's tables die with its pool: unhook them from the TLBs. */
	cv_memset(machine_pa(vm->s2_hw), 0, 2 * PAGE_SIZE);
	machine_tlbi_vmid(vm_vttbr(vm));
	for (i = 0; i < core.nr_ram; i++) {
		const struct ram_range *r = &core.ram[i];

		for (pa = r->base; pa < r->base + r->size; pa += PAGE_SIZE) {
			struct page_state *pg = own_page(pa);

			if (pg->owner != vm->vmid)
				continue;
			zero_page(pa);
			pg->owner = OWNER_HOST;
			pg->share = 0;
			pg->gfn = 0;
		}
	}
	lock_give(&core.mem_lock);
}
