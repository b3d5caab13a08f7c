// SPDX-License-Identifier: GPL-2.0-only
/*
 * smmu: SMMUv2 context page tables (stage-2 format, 40-bit IOVA).
 *
 * Owns: CV_MAX_SMMU_CTX contexts, each with its own pool and table.  A
 * context belongs to the host (vmid 0) or to one VM.  The host drives the
 * SMMU registers itself in this model; the corevisor only builds the
 * tables and hands out their roots (register emulation is port work).
 * Rules (the page checks are page_state.c's DMA helpers):
 *   host context: maps host RAM only; each mapping adds one to the
 *     page's share count (PAGE_HOST_DMA), so the page cannot move to a
 *     VM while a device can reach it (I6 counts them).
 *   VM context: bound only while the VM is READY (before its images are
 *     verified); maps only the VM's pages, at iova == their guest
 *     address, outside its boot images, and once the VM runs only pages
 *     its guest shared; nothing once it is off.  Unbound only while the
 *     VM does not run; while bound its pages cannot be unmapped;
 *     teardown unbinds it with everything else.
 * Limit: the corevisor builds the tables but does not yet trap and
 *   emulate the host's SMMU register accesses.  The register frame
 *   (boot info smmu_base/size) is unmapped from the host stage 2 at
 *   init, so the host cannot program the SMMU at all, and no device is
 *   pointed at these tables yet (README.md, docs/).
 * Locks: vm->lock (VM contexts), then core.mem_lock, then smmu_lock.
 */
#include <core/core.h>

struct smmu_ctx {
	bool used;
	u32 vmid;
	u64 root;
	struct pool pool;
};

static struct smmu_ctx ctxs[CV_MAX_SMMU_CTX];
static struct lock smmu_lock;

void smmu_init(u64 pool_base, u32 pages_per_ctx)
{
	u32 i;

	for (i = 0; i < CV_MAX_SMMU_CTX; i++) {
		pool_init(&ctxs[i].pool, pool_base +
			  (u64)i * pages_per_ctx * PAGE_SIZE, pages_per_ctx);
		ctxs[i].used = false;
	}
}

u32 smmu_ctx_pages(void)
{
	return ctxs[0].pool.nr;
}

u64 smmu_root(u32 ctx, u32 *vmid)
{
	if (ctx >= CV_MAX_SMMU_CTX || !ctxs[ctx].used)
		return 0;
	*vmid = ctxs[ctx].vmid;
	return ctxs[ctx].root;
}

/*
 * Lock the context's VM (if any), mem_lock and smmu_lock, in that order.
 * The context's owner can change only under smmu_lock, so it is checked
 * again once everything is held.
 */
static struct smmu_ctx *lock_ctx(u64 ctx, struct vm **vm, s64 *err)
{
	struct smmu_ctx *c;
	u32 vmid;

	*vm = NULL;
	*err = CV_E_RANGE;
	if (ctx >= CV_MAX_SMMU_CTX)
		return NULL;
	c = &ctxs[ctx];
	lock_take(&smmu_lock);
	vmid = c->used ? c->vmid : 0;
	lock_give(&smmu_lock);
	if (vmid) {
		*vm = vm_get_locked(vmid);
		if (!*vm) {
			*err = CV_E_STATE;	/* unbound meanwhile */
			return NULL;
		}
	}
	lock_take(&core.mem_lock);
	lock_take(&smmu_lock);
	if (c->used && c->vmid == vmid) {
		*err = 0;
		return c;
	}
	lock_give(&smmu_lock);
	lock_give(&core.mem_lock);
	if (*vm)
		lock_give(&(*vm)->lock);
	*err = CV_E_STATE;	/* freed or rebound meanwhile */
	return NULL;
}

static void unlock_ctx(struct vm *vm)
{
	lock_give(&smmu_lock);
	lock_give(&core.mem_lock);
	if (vm)
		lock_give(&vm->lock);
}

s64 smmu_alloc(u64 ctx, u64 vmid, u64 *root)
{
	struct vm *vm = NULL;
	s64 ret = 0;

	if (ctx >= CV_MAX_SMMU_CTX)
		return CV_E_RANGE;
	if (vmid) {
		vm = vm_get_locked(vmid);
		if (!vm)
			return CV_E_INVAL;
		/* a device is bound to a VM only before it is verified */
		if (vm->state != VM_READY)
			ret = CV_E_STATE;
	}
	lock_take(&smmu_lock);
	if (!ret && ctxs[ctx].used)
		ret = CV_E_STATE;
	if (!ret) {
		pool_reset(&ctxs[ctx].pool);
		ctxs[ctx].root = pool_alloc(&ctxs[ctx].pool);
		ctxs[ctx].vmid = vmid;
		ctxs[ctx].used = true;
		*root = ctxs[ctx].root;
		if (vm)
			vm->smmu_ctxs++;
	}
	lock_give(&smmu_lock);
	if (vm)
		lock_give(&vm->lock);
	return ret;
}

static void drop_host_share(u64 iova, u64 pte, void *arg)
{
	struct page_state *pg = own_page(pgt_leaf_pa(pte));

	if (!pg)
		cv_panic("host SMMU mapping of a page that is not RAM");
	pgs_host_dma_put(pg);
}

s64 smmu_free(u64 ctx)
{
	struct vm *vm;
	s64 ret;
	struct smmu_ctx *c = lock_ctx(ctx, &vm, &ret);

	if (!c)
		return ret;
	if (vm && vm->state == VM_RUNNING) {
		unlock_ctx(vm);
		return CV_E_STATE;
	}
	if (!vm)
		pgt_walk_pages(c->root, drop_host_share, NULL);
	pool_reset(&c->pool);
	c->used = false;
	if (vm)
		vm->smmu_ctxs--;
	unlock_ctx(vm);
	return 0;
}

/*
 * Teardown and reset: the VM's contexts die with it.  Their tables are
 * emptied before they are forgotten, so nothing that walks them later
 * reaches a page the VM gave back.
 */
void smmu_unbind_vm(struct vm *vm)
{
	u32 i;

	lock_take(&smmu_lock);
	for (i = 0; i < CV_MAX_SMMU_CTX; i++) {
		struct smmu_ctx *c = &ctxs[i];

		if (!c->used || c->vmid != vm->vmid)
			continue;
		cv_memset(machine_pa(c->root), 0, PAGE_SIZE);
		pool_reset(&c->pool);
		c->used = false;
		vm->smmu_ctxs--;
	}
	lock_give(&smmu_lock);
}

s64 smmu_map(u64 ctx, u64 iova, u64 pa)
{
	struct page_state *pg;
	struct vm *vm;
	s64 ret;
	struct smmu_ctx *c;

	if ((iova | pa) & ~PAGE_MASK)
		return CV_E_INVAL;
	if (iova >= IPA_LIMIT || !own_is_ram(pa))
		return CV_E_RANGE;
	c = lock_ctx(ctx, &vm, &ret);
	if (!c)
		return ret;
	pg = own_page(pa);
	if (pgt_mapped(c->root, iova))
		ret = CV_E_STATE;
	else
		ret = vm ? pgs_vm_dma_check(vm, pg, iova) :
			   pgs_host_dma_check(pg);
	if (!ret && pgt_tables_needed(c->root, iova) >
	    (int)pool_free_pages(&c->pool))
		ret = CV_E_NOMEM;
	if (!ret) {
		if (!vm)
			pgs_host_dma_get(pg);
		if (pgt_map_page(c->root, iova, pa, MEM_S2_NORMAL, &c->pool))
			cv_panic("SMMU map after checks");
	}
	unlock_ctx(vm);
	return ret;
}

s64 smmu_unmap(u64 ctx, u64 iova)
{
	struct vm *vm;
	s64 ret;
	struct smmu_ctx *c;
	u64 old;

	if (iova & ~PAGE_MASK)
		return CV_E_INVAL;
	if (iova >= IPA_LIMIT)
		return CV_E_RANGE;
	c = lock_ctx(ctx, &vm, &ret);
	if (!c)
		return ret;
	old = pgt_unmap_page(c->root, iova);
	if (!old)
		ret = CV_E_STATE;
	else if (!vm)
		drop_host_share(iova, old, NULL);
	unlock_ctx(vm);
	return ret;
}
