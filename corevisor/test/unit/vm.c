// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the VM lifecycle (core/vm.c) and of SMMU contexts:
 * image authentication (gaps 1 and 8), recycling (gap 6, gap 5 for
 * SMMU contexts).
 */
#include "../test.h"

/* Gap 1: signatures enforced with per-VM keys; gap 8: copies, not pointers. */
void test_gap1_gap8_image_auth(void)
{
	u64 vm, vm2, key2 = HOST(200);
	u8 pk[32];

	CHECK_EQ(t_boot(1), 0);
	vm = boot_vm(0x80000000, 3, 10, false);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x80000000, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_VCPU_RUN, vm, 0, 0, 0, 0, NULL), CV_E_STATE);
	/* the key page changes after SET_VM_KEY: the copy is used */
	memset(fake_peek(HOST(10)), 0x77, 32);
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, vm, HOST(10), 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vm, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(core.vm[vm - 1].state, VM_VERIFIED);
	/* images cannot be swapped after verification */
	CHECK_EQ(hc(CV_HC_UNMAP_PAGE, vm, 0x80000000, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x70000000, 0, 0, 0, NULL), CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x80000002, 0, 0, 0, NULL), CV_E_INVAL);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x80001000, 0, 0, 0, NULL), 0);
	CHECK_EQ(core.vm[vm - 1].vcpu[0].ctx.pc, 0x80001000);

	/* tampered image: refused, and it never runs */
	vm2 = boot_vm(0x80000000, 2, 30, true);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vm2, 0, 0, 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(core.vm[vm2 - 1].state, VM_READY);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm2, 0x80000000, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_VCPU_RUN, vm2, 0, 0, 0, 0, NULL), CV_E_STATE);

	/* a valid image signed for another key: per-VM keys */
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 3);
	t_keypair(pk);
	pk[5] ^= 1;
	memcpy(fake_peek(key2), pk, 32);
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, 3, key2, 0, 0, 0, NULL), 0);
	t_sign_image(fake_peek(HOST(12)), 0x80000000, PAGE_SIZE,
		     fake_peek(HOST(201)));
	CHECK_EQ(hc(CV_HC_SET_BOOT_IMAGE, 3, 0, 0x80000000, PAGE_SIZE,
		    HOST(201), NULL), 0);
	CHECK_EQ(hc(CV_HC_LOAD_IMAGE_PAGE, 3, 0, HOST(202), 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, 3, 0, 0, 0, 0, NULL), CV_E_DENIED);
	/* no image at all: nothing to verify */
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 4);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, 4, 0, 0, 0, 0, NULL), CV_E_STATE);

	/* host buffers: only host-owned RAM, within one page */
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, 4, HOST(12), 0, 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, 4, T_REGION, 0, 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, 4, HOST(300) + PAGE_SIZE - 16, 0, 0, 0,
		    NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, 4, T_UART, 0, 0, 0, NULL), CV_E_RANGE);
	memset(fake_peek(HOST(300)), 0, 32);
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, 4, HOST(300), 0, 0, 0, NULL), CV_E_INVAL);
	CHECK(!core.vm[3].key_set);
	CHECK_EQ(check_invariants(NULL), 0);
}

/* Gap 6: VMIDs and pools are recycled; gap 5 for SMMU contexts. */
void test_gap6_recycling_and_smmu(void)
{
	u64 vmid, root, out[4];
	int i, round;

	CHECK_EQ(t_boot(1), 0);
	for (i = 1; i <= CV_MAX_VMS; i++)
		CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), i);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), CV_E_NOMEM);
	for (round = 0; round < 200; round++) {
		vmid = 1 + round % CV_MAX_VMS;
		CHECK_EQ(hc(CV_HC_MAP_PAGE, vmid, HOST(round % 50),
			    (u64)round << 30, 0, 0, NULL), 0);
		CHECK_EQ(hc(CV_HC_TEARDOWN, vmid, 0, 0, 0, 0, NULL), 0);
		CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), vmid);
	}
	CHECK_EQ(check_invariants(NULL), 0);

	/* host contexts count shares; a shared page cannot go to a VM */
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 0, 0, 0, 0, 0, out), 0);
	root = out[0];
	CHECK(t_in_region(root));
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 0, 0, 0, 0, 0, out), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, CV_MAX_SMMU_CTX, 0, 0, 0, 0, out),
		 CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 0, 0x1000, HOST(60), 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 0, 0x2000, HOST(60), 0, 0, NULL), 0);
	CHECK_EQ(own_page(HOST(60))->share, 2);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 0, 0x3000, T_REGION, 0, 0, NULL),
		 CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, HOST(60), 0x5000, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_SMMU_UNMAP, 0, 0x1000, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_SMMU_UNMAP, 0, 0x1000, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(check_invariants(NULL), 0);
	CHECK_EQ(hc(CV_HC_SMMU_FREE, 0, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(own_page(HOST(60))->share, 0);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, HOST(60), 0x5000, 0, 0, NULL), 0);
	/* VM contexts: only the VM's pages at their guest address */
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 3, 1, 0, 0, 0, out), 0);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 3, 0x6000, HOST(60), 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 3, 0x5000, HOST(61), 0, 0, NULL), CV_E_DENIED);
	/*
	 * pages whose gfn matches the iova but that are not VM 1's: a host
	 * page and a corevisor page (gfn 0) at iova 0, VM 2's page at its
	 * own guest address; only the owner check refuses these
	 */
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 3, 0, HOST(61), 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 3, 0, T_REGION, 0, 0, NULL), CV_E_DENIED);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 2, HOST(62), 0x7000, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 3, 0x7000, HOST(62), 0, 0, NULL), CV_E_DENIED);
	CHECK(!pgt_mapped(smmu_root(3, &(u32){ 0 }), 0x7000));
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 3, 0x5000, HOST(60), 0, 0, NULL), 0);
	/* while a device can reach VM pages, they stay the VM's */
	CHECK_EQ(hc(CV_HC_UNMAP_PAGE, 1, 0x5000, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(check_invariants(NULL), 0);
	CHECK_EQ(hc(CV_HC_SMMU_FREE, 3, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_UNMAP_PAGE, 1, 0x5000, 0, 0, 0, NULL), 0);
	/* teardown takes the VM's contexts with it */
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 3, 1, 0, 0, 0, out), 0);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, HOST(60), 0x5000, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 3, 0x5000, HOST(60), 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_TEARDOWN, 1, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(smmu_root(3, &(u32){ 0 }), 0);
	CHECK_EQ(hc(CV_HC_SMMU_FREE, 3, 0, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(check_invariants(NULL), 0);
}
