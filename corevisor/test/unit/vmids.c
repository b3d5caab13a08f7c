// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the 255 VM slots (ABI 1.5, issue 19): VMID exhaustion
 * and reuse, and the blocks of the pool all VMs share (core/pool.c).
 * The counts are written out (255, not CV_MAX_VMS): the 16 slots of
 * ABI 1.4 fail them.
 */
#include "../test.h"

#define SECRET		0x5ec2e75ec2e75ec2UL

static void count_page(u64 va, u64 pte, void *arg)
{
	(*(int *)arg)++;
}

static int s2_pages(const struct vm *vm)
{
	int n = 0;

	pgt_walk_pages(vm->s2_root, count_page, &n);
	return n;
}

/* Register until the slots run out: vmids 1..255, then CV_E_NOMEM. */
static void test_vmid_exhaustion(void)
{
	u32 free0, i, bad = 0;
	s64 ret;

	CHECK_EQ(t_boot(1), 0);
	free0 = core.vm_blocks.free;
	for (i = 1; i <= 255; i++) {
		ret = hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL);
		/* the VMID the CPU tags the VM's TLB entries with */
		if (ret != (s64)i || vm_vttbr(&core.vm[i - 1]) >> 48 != i)
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(core.vm_blocks.free, free0 - 255);
	/* the 256th: refused, nothing taken */
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), CV_E_NOMEM);
	CHECK_EQ(core.vm_blocks.free, free0 - 255);
	CHECK_EQ(check_invariants(NULL), 0);
	/* ids beyond the table, and ones that alias a live one in 8 bits */
	CHECK_EQ(hc(CV_HC_TEARDOWN, 256, 0, 0, 0, 0, NULL), CV_E_INVAL);
	CHECK_EQ(hc(CV_HC_TEARDOWN, 0x100 | 7, 0, 0, 0, 0, NULL), CV_E_INVAL);
	CHECK_EQ(hc(CV_HC_TEARDOWN, (1UL << 32) | 7, 0, 0, 0, 0, NULL),
		 CV_E_INVAL);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 0x100 | 7, HOST(1), 0, 0, 0, NULL),
		 CV_E_INVAL);
	CHECK_EQ(own_page(HOST(1))->owner, OWNER_HOST);
	CHECK_EQ(core.vm[6].state, VM_READY);
	/* freed ones come back, lowest first */
	CHECK_EQ(hc(CV_HC_TEARDOWN, 255, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_TEARDOWN, 100, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_TEARDOWN, 7, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(core.vm_blocks.free, free0 - 252);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 7);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 100);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 255);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), CV_E_NOMEM);
	CHECK_EQ(check_invariants(NULL), 0);
	/* all gone: every block back, nothing leaks */
	for (i = 1, bad = 0; i <= 255; i++)
		bad += hc(CV_HC_TEARDOWN, i, 0, 0, 0, 0, NULL) != 0;
	CHECK_EQ(bad, 0);
	CHECK_EQ(core.vm_blocks.free, free0);
	CHECK_EQ(check_invariants(NULL), 0);
}

/*
 * The blocks run out before the slots: REGISTER_VM is refused with
 * CV_E_NOMEM, holds nothing, and works again once a VM gives its back.
 */
static void test_blocks_exhaustion(void)
{
	u32 helpers, i;

	CHECK_EQ(t_boot(1), 0);
	helpers = t_take_blocks(0);
	CHECK(helpers >= 1 && helpers < 255);
	CHECK_EQ(core.vm_blocks.free, 0);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), CV_E_NOMEM);
	CHECK_EQ(core.vm[helpers].state, VM_FREE);
	CHECK(!core.vm[helpers].vcpu && !core.vm[helpers].s2_root);
	CHECK_EQ(core.vm_blocks.free, 0);
	CHECK_EQ(check_invariants(NULL), 0);
	/* the last helper's blocks: all its tables and its vCPUs */
	CHECK_EQ(hc(CV_HC_TEARDOWN, helpers, 0, 0, 0, 0, NULL), 0);
	CHECK(core.vm_blocks.free >= 1);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), helpers);
	CHECK_EQ(check_invariants(NULL), 0);
	for (i = 1; i <= helpers; i++)
		CHECK_EQ(hc(CV_HC_TEARDOWN, i, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(core.vm_blocks.free, core.vm_blocks.nr);
}

/*
 * A VMID used again: the old VM's pages went back zeroed, its saved
 * registers are gone, the new VM's stage 2 is empty and its vCPUs
 * blank, and the VMID's TLB entries were dropped at teardown and again
 * at the new registration.
 */
static void test_vmid_reuse_clean(void)
{
	struct vcpu *old_vcpus;
	u64 vmid, t0;
	u32 i;

	CHECK_EQ(t_boot(1), 0);
	for (i = 1; i <= 254; i++)
		hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL);
	vmid = boot_vm(0x80000000, 1, 10, false);
	CHECK_EQ(vmid, 255);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, vmid, HOST(50), 0x200000, 0, 0, NULL), 0);
	*(u64 *)fake_peek(HOST(50)) = SECRET;
	old_vcpus = core.vm[254].vcpu;
	old_vcpus[0].ctx.x[3] = SECRET;	/* as a run would have saved it */
	CHECK_EQ(s2_pages(&core.vm[254]), 2);

	t0 = fake_tlbi_count;
	CHECK_EQ(hc(CV_HC_TEARDOWN, vmid, 0, 0, 0, 0, NULL), 0);
	CHECK(fake_tlbi_vmid_at[255] > t0);
	CHECK_EQ(own_page(HOST(50))->owner, OWNER_HOST);
	CHECK_EQ(*(u64 *)fake_peek(HOST(50)), 0);
	CHECK(t_all_zero(old_vcpus, T_VCPUS_BYTES));

	t0 = fake_tlbi_count;
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 255);
	CHECK(fake_tlbi_vmid_at[255] > t0);
	CHECK_EQ(s2_pages(&core.vm[254]), 0);
	CHECK_EQ(pgt_lookup(core.vm[254].s2_root, 0x200000), 0);
	CHECK_EQ(pgt_lookup(core.vm[254].s2_root, 0x80000000), 0);
	CHECK(t_all_zero(core.vm[254].vcpu, T_VCPUS_BYTES));
	CHECK(!core.vm[254].key_set);
	CHECK_EQ(hc(CV_HC_VCPU_RUN, 255, 0, 0, 0, 0, NULL), CV_E_STATE);
	/* the page the old VM had can go to the new one: nothing of it left */
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 255, HOST(50), 0x200000, 0, 0, NULL), 0);
	CHECK_EQ(*(u64 *)fake_peek(HOST(50)), 0);
	CHECK_EQ(check_invariants(NULL), 0);
}

/* 20 create/destroy cycles of a full VM on one VMID: no block leaks. */
static void test_vmid_cycles(void)
{
	u32 free0, i, bad = 0;
	u64 vmid;

	CHECK_EQ(t_boot(1), 0);
	free0 = core.vm_blocks.free;
	for (i = 0; i < 20; i++) {
		vmid = boot_vm(0x80000000, 2, 10, false);
		bad += vmid != 1;
		bad += hc(CV_HC_MAP_PAGE, vmid, HOST(60 + i), (u64)(i + 8) << 30,
			  0, 0, NULL) != 0;
		bad += hc(CV_HC_TEARDOWN, vmid, 0, 0, 0, 0, NULL) != 0;
		bad += core.vm_blocks.free != free0;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(check_invariants(NULL), 0);
}

void test_vmids(void)
{
	test_vmid_exhaustion();
	test_blocks_exhaustion();
	test_vmid_reuse_clean();
	test_vmid_cycles();
}
