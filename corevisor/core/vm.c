// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm: the VM lifecycle, from registration to teardown.
 *
 *   FREE --register--> READY --verify--> VERIFIED --power on--> RUNNING
 *   READY/VERIFIED/RUNNING --stop--> OFF
 *   READY/VERIFIED/OFF --teardown--> FREE
 *
 * Owns: core.vm[], the VMIDs (vmid = slot + 1, 1..255 for the 8-bit
 * VMIDs, the lowest free slot is reused after teardown), each VM's
 * public key and image slots, and its vCPU contexts (in its pool).
 * Guarantees: a VM runs only after every image slot it has was verified
 * (SHA-512 of the image, Ed25519 over struct cv_image_signed with the
 * VM's own key, set once); the entry point lies inside a verified image;
 * after verification the image pages cannot be swapped (unmap is refused
 * until the VM is off and none of its vCPUs runs).  Teardown happens only
 * when no vCPU runs and the VM is not RUNNING; it unbinds the VM's SMMU
 * contexts, scrubs every page and wipes the saved vCPU registers before
 * the VMID and the pool are reused (I3, I5).  A host reset or power-off
 * (core_host_reset) stops and destroys every VM before it leaves EL2.
 * Host buffers (key, signature) are host-owned RAM named by physical
 * address, checked and copied under mem_lock, never read twice.
 */
#include <core/core.h>
#include <crypto/ed25519.h>
#include <crypto/sha512.h>

#define GICH_HCR_EN	1	/* virtual CPU interface on */

/* A registered vCPU before it first runs: EL1h, MMU off, stopped. */
static void vcpu_init(struct vcpu *v, struct vm *vm, u32 index)
{
	cv_memset(v, 0, sizeof(*v));
	v->ctx.pstate = PSTATE_EL1H_MASKED;
	v->ctx.sys[VCPU_SCTLR_EL1] = 0x30C50838;	/* architectural reset */
	v->ctx.sys[VCPU_VMPIDR_EL2] = (1UL << 31) | index;
	v->ctx.hcr = machine_config(MC_HCR_GUEST);
	v->ctx.vttbr = vm_vttbr(vm);
	v->ctx.vgic_hcr = core.gich ? GICH_HCR_EN : 0;
	v->state = VCPU_STOPPED;
}

/* Copy len bytes from a host page, or fail with nothing copied. */
static s64 copy_from_host(void *dst, u64 pa, u64 len)
{
	s64 ret = 0;

	lock_take(&core.mem_lock);
	if (own_is_ram(pa) && pgs_host_readable(pa, len))
		cv_memcpy(dst, machine_pa(pa), len);
	else
		ret = own_is_ram(pa) ? CV_E_DENIED : CV_E_RANGE;
	lock_give(&core.mem_lock);
	return ret;
}

/*
 * The VM's fixed pages from its (empty) blocks pool, under mem_lock: the
 * stage-2 root (3 pages) and then its vCPU contexts, both in its first
 * block, consecutive.  False, with nothing held, if no block is free.
 */
static bool vm_take_pages(struct vm *vm)
{
	u64 first;
	u32 i;

	_Static_assert(VM_FIXED_PAGES <= POOL_BLOCK_PAGES,
		       "a VM's fixed pages fit in one block");
	vm->s2_root = pgt_s2_alloc(&vm->pool, &vm->s2_hw);
	first = vm->s2_root ? pool_alloc(&vm->pool) : 0;
	for (i = 1; first && i < VM_VCPU_PAGES; i++)
		if (pool_alloc(&vm->pool) != first + i * PAGE_SIZE)
			first = 0;
	if (!first) {
		pool_reset(&vm->pool);
		vm->s2_root = 0;
		return false;
	}
	vm->vcpu = machine_pa(first);	/* zeroed: VCPU_NONE */
	return true;
}

/*
 * The lowest free slot; its VMID's TLB entries are dropped again before
 * use (the teardown that freed it dropped them already: a VMID must not
 * depend on that alone, a stale entry would map the old VM's pages).
 */
s64 vm_register(void)
{
	u32 i;

	for (i = 0; i < CV_MAX_VMS; i++) {
		struct vm *vm = &core.vm[i];
		bool ok;

		lock_take(&vm->lock);
		if (vm->state != VM_FREE) {
			lock_give(&vm->lock);
			continue;
		}
		/* a FREE slot is clean: zero at init, wiped by vm_destroy */
		lock_take(&core.mem_lock);
		ok = vm_take_pages(vm);
		lock_give(&core.mem_lock);
		if (!ok) {
			lock_give(&vm->lock);
			return CV_E_NOMEM;
		}
		vm->vmid = i + 1;
		machine_tlbi_vmid(vm_vttbr(vm));
		vm->state = VM_READY;
		lock_give(&vm->lock);
		return vm->vmid;
	}
	return CV_E_NOMEM;
}

s64 vm_register_vcpu(u64 vmid, u64 idx)
{
	struct vm *vm = vm_get_locked(vmid);
	s64 ret = 0;

	if (!vm)
		return CV_E_INVAL;
	if (idx >= CV_MAX_VCPUS)
		ret = CV_E_RANGE;
	else if (vm->state != VM_READY && vm->state != VM_VERIFIED)
		ret = CV_E_STATE;
	else if (vm->vcpu[idx].state != VCPU_NONE)
		ret = CV_E_STATE;
	else
		vcpu_init(&vm->vcpu[idx], vm, idx);
	lock_give(&vm->lock);
	return ret;
}

s64 vm_set_key(u64 vmid, u64 key_pa)
{
	struct vm *vm = vm_get_locked(vmid);
	u8 key[32], any = 0;
	s64 ret = 0;
	u32 i;

	if (!vm)
		return CV_E_INVAL;
	if (vm->state != VM_READY || vm->key_set)
		ret = CV_E_STATE;
	else
		ret = copy_from_host(key, key_pa, sizeof(key));
	for (i = 0; !ret && i < sizeof(key); i++)
		any |= key[i];
	if (!ret && !any)
		ret = CV_E_INVAL;	/* validated after the copy */
	if (!ret) {
		cv_memcpy(vm->key, key, sizeof(key));
		vm->key_set = true;
	}
	lock_give(&vm->lock);
	return ret;
}

s64 vm_set_image(u64 vmid, u64 slot, u64 ipa, u64 size, u64 sig_pa)
{
	struct vm *vm = vm_get_locked(vmid);
	u8 sig[64];
	s64 ret = 0;

	if (!vm)
		return CV_E_INVAL;
	if (slot >= CV_MAX_IMAGES)
		ret = CV_E_RANGE;
	else if ((ipa | size) & ~PAGE_MASK || !size)
		ret = CV_E_INVAL;
	else if (size > CV_MAX_IMAGE_SIZE || ipa >= IPA_LIMIT ||
		 size > IPA_LIMIT - ipa)
		ret = CV_E_RANGE;
	else if (vm->state != VM_READY || !vm->key_set ||
		 vm->image[slot].size)
		ret = CV_E_STATE;
	else
		ret = copy_from_host(sig, sig_pa, sizeof(sig));
	if (!ret) {
		vm->image[slot].ipa = ipa;
		vm->image[slot].size = size;
		vm->image[slot].next = 0;
		cv_memcpy(vm->image[slot].sig, sig, sizeof(sig));
	}
	lock_give(&vm->lock);
	return ret;
}

s64 vm_load_page(u64 vmid, u64 slot, u64 pa)
{
	struct vm *vm = vm_get_locked(vmid);
	struct image *img;
	s64 ret;

	if (!vm)
		return CV_E_INVAL;
	if (slot >= CV_MAX_IMAGES) {
		ret = CV_E_RANGE;
	} else {
		img = &vm->image[slot];
		if (vm->state != VM_READY || !img->size ||
		    img->next == img->size >> PAGE_SHIFT)
			ret = CV_E_STATE;
		else
			ret = pgs_host_to_vm(vm, pa, img->ipa +
					  (img->next << PAGE_SHIFT));
		if (!ret)
			img->next++;
	}
	lock_give(&vm->lock);
	return ret;
}

/* Hash what the VM's stage 2 maps over the slot; false if a hole. */
static bool image_digest(struct vm *vm, struct image *img, u8 out[64])
{
	struct sha512_ctx ctx;
	u64 off;

	sha512_init(&ctx);
	for (off = 0; off < img->size; off += PAGE_SIZE) {
		u64 pte = pgt_lookup(vm->s2_root, img->ipa + off);

		/* a hole or a device page: nothing to hash, no image */
		if (!pte || !own_is_ram(pgt_leaf_pa(pte))) {
			sha512_final(&ctx, out);
			return false;
		}
		sha512_update(&ctx, machine_pa(pgt_leaf_pa(pte)), PAGE_SIZE);
	}
	sha512_final(&ctx, out);
	return true;
}

static bool image_ok(struct vm *vm, struct image *img)
{
	struct cv_image_signed msg;

	cv_memcpy(msg.tag, CV_IMAGE_SIG_TAG, sizeof(msg.tag));
	msg.ipa = img->ipa;	/* both builds are little endian */
	msg.size = img->size;
	if (!image_digest(vm, img, msg.digest))
		return false;
	return ed25519_verify(img->sig, (const u8 *)&msg, sizeof(msg),
			      vm->key);
}

s64 vm_verify(u64 vmid)
{
	struct vm *vm = vm_get_locked(vmid);
	u32 i, nr = 0;
	s64 ret = 0;

	if (!vm)
		return CV_E_INVAL;
	if (vm->state != VM_READY || !vm->key_set)
		ret = CV_E_STATE;
	for (i = 0; !ret && i < CV_MAX_IMAGES; i++) {
		struct image *img = &vm->image[i];

		if (!img->size)
			continue;
		nr++;
		if (img->next != img->size >> PAGE_SHIFT)
			ret = CV_E_STATE;
		else if (!image_ok(vm, img))
			ret = CV_E_DENIED;
	}
	if (!ret && !nr)
		ret = CV_E_STATE;
	if (!ret)
		vm->state = VM_VERIFIED;
	lock_give(&vm->lock);
	return ret;
}

s64 vm_power_on(u64 vmid, u64 entry, u64 x0)
{
	struct vm *vm = vm_get_locked(vmid);
	struct vcpu *v;
	s64 ret = 0;

	if (!vm)
		return CV_E_INVAL;
	v = &vm->vcpu[0];
	if (entry & 3)
		ret = CV_E_INVAL;
	else if (vm->state != VM_VERIFIED || v->state != VCPU_STOPPED)
		ret = CV_E_STATE;
	else if (!vm_in_image(vm, entry))
		ret = CV_E_RANGE;
	if (!ret) {
		v->ctx.pc = entry;
		v->ctx.x[0] = x0;
		v->state = VCPU_READY;
		machine_icache_inval_all();
		vm->state = VM_RUNNING;
	}
	lock_give(&vm->lock);
	return ret;
}

static bool vcpu_active(struct vm *vm)
{
	u32 i;

	for (i = 0; i < CV_MAX_VCPUS; i++)
		if (vm->vcpu[i].state == VCPU_ACTIVE)
			return true;
	return false;
}

s64 vm_stop(u64 vmid)
{
	struct vm *vm = vm_get_locked(vmid);
	s64 ret = 0;

	if (!vm)
		return CV_E_INVAL;
	if (vm->state == VM_OFF || vcpu_active(vm))
		ret = CV_E_STATE;
	else
		vm->state = VM_OFF;
	lock_give(&vm->lock);
	return ret;
}

/*
 * Everything the VM had goes at once: its SMMU contexts, its pages
 * (zeroed, given back), its page tables, and its saved vCPU registers,
 * key and image slots, now rather than when the slot is reused (hole 2).
 * The caller holds vm->lock and no vCPU of the VM runs.
 */
void vm_destroy(struct vm *vm)
{
	smmu_unbind_vm(vm);
	pgs_reclaim_vm(vm);
	cv_memset(vm->vcpu, 0, CV_MAX_VCPUS * sizeof(*vm->vcpu));
	vm->vcpu = NULL;
	lock_take(&core.mem_lock);
	pool_reset(&vm->pool);	/* its blocks, for any VM */
	lock_give(&core.mem_lock);
	cv_memset(vm->image, 0, sizeof(vm->image));
	cv_memset(vm->key, 0, sizeof(vm->key));
	vm->key_set = false;
	vm->state = VM_FREE;
}

s64 vm_teardown(u64 vmid)
{
	struct vm *vm = vm_get_locked(vmid);
	s64 ret = 0;

	if (!vm)
		return CV_E_INVAL;
	if (vm->state == VM_RUNNING || vcpu_active(vm))
		ret = CV_E_STATE;
	else
		vm_destroy(vm);
	lock_give(&vm->lock);
	return ret;
}

/*
 * No vCPU of the VM may enter the guest again: OFF stops new runs, and
 * an empty stage 2 makes a vCPU that runs now fault on its next
 * instruction fetch and exit.
 */
static void stop_now(struct vm *vm)
{
	lock_take(&vm->lock);
	if (vm->state != VM_FREE) {
		vm->state = VM_OFF;
		lock_take(&core.mem_lock);
		pgs_cut_vm(vm);
		lock_give(&core.mem_lock);
	}
	lock_give(&vm->lock);
}

/* Destroy the VM once its last running vCPU has come out. */
static void destroy_when_idle(struct vm *vm)
{
	for (;;) {
		lock_take(&vm->lock);
		if (vm->state == VM_FREE || !vcpu_active(vm)) {
			if (vm->state != VM_FREE)
				vm_destroy(vm);
			lock_give(&vm->lock);
			return;
		}
		lock_give(&vm->lock);
		machine_cpu_relax();
	}
}

void core_host_reset(void)
{
	u32 i;

	machine_store_release(&core.resetting, 1);
	for (i = 0; i < CV_MAX_VMS; i++)
		stop_now(&core.vm[i]);
	for (i = 0; i < CV_MAX_VMS; i++)
		destroy_when_idle(&core.vm[i]);
}

s64 vm_unmap(u64 vmid, u64 ipa)
{
	struct vm *vm = vm_get_locked(vmid);
	s64 ret;

	if (!vm)
		return CV_E_INVAL;
	/*
	 * verified images stay put until the VM is off; devices too; and a
	 * page leaves an OFF VM only once none of its vCPUs runs (hole 4)
	 */
	if ((vm->state != VM_READY && vm->state != VM_OFF) || vm->smmu_ctxs ||
	    vcpu_active(vm))
		ret = CV_E_STATE;
	else
		ret = pgs_vm_to_host(vm, ipa);
	lock_give(&vm->lock);
	return ret;
}

s64 vm_map(u64 vmid, u64 pa, u64 ipa)
{
	struct vm *vm = vm_get_locked(vmid);
	s64 ret;

	if (!vm)
		return CV_E_INVAL;
	if (vm->state == VM_OFF)
		ret = CV_E_STATE;
	else
		ret = pgs_host_to_vm(vm, pa, ipa);
	lock_give(&vm->lock);
	return ret;
}

/*
 * MAP_PAGES: the list is copied once from its host page before anything
 * is checked (the host cannot change it under the checks), then each
 * entry goes as MAP_PAGE's page would (pgs_host_to_vm_list).
 */
s64 vm_map_pages(u64 vmid, u64 list_pa, u64 ipa, u64 n)
{
	u64 list[CV_MAP_PAGES_MAX];
	struct vm *vm;
	s64 ret;

	if (n < 1 || n > CV_MAP_PAGES_MAX || ipa & ~PAGE_MASK || list_pa & 7)
		return CV_E_INVAL;
	if (ipa >= IPA_LIMIT || n * PAGE_SIZE > IPA_LIMIT - ipa)
		return CV_E_RANGE;
	/* one 2 MiB block: one last-level table, checked once */
	if (ipa >> 21 != (ipa + (n - 1) * PAGE_SIZE) >> 21)
		return CV_E_INVAL;
	ret = copy_from_host(list, list_pa, n * sizeof(list[0]));
	if (ret)
		return ret;
	vm = vm_get_locked(vmid);
	if (!vm)
		return CV_E_INVAL;
	if (vm->state == VM_OFF) {
		lock_give(&vm->lock);
		return CV_E_STATE;
	}
	/* it gives vm->lock back as soon as it holds mem_lock */
	return pgs_host_to_vm_list(vm, list, ipa, n);
}

/* Device pages (vGIC CPU interface) only before the VM first runs. */
s64 vm_device(u64 vmid, u64 pa, u64 ipa)
{
	struct vm *vm = vm_get_locked(vmid);
	s64 ret;

	if (!vm)
		return CV_E_INVAL;
	if (vm->state != VM_READY && vm->state != VM_VERIFIED)
		ret = CV_E_STATE;
	else
		ret = pgs_map_device(vm, pa, ipa);
	lock_give(&vm->lock);
	return ret;
}
