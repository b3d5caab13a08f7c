// SPDX-License-Identifier: GPL-2.0-only
/*
 * The four holes a hostile-host review found (docs/gaps.md, H1-H4), one test
 * group each.  Every group fails on the corevisor before the fix; the
 * EL2 test (test/el2) covers the parts only a real EL2 shows (head.S,
 * the PSCI reset path, the host stage 2 in hardware).
 */
#include <pthread.h>
#include "test.h"

#define SECRET		0x5e5e5e5e5e5e5e5eUL
#define IMG_IPA		0x80000000UL
#define DATA_IPA	0x90000000UL
#define SMMU_BASE	0x09050000UL
#define SMMU_SIZE	0x20000UL

/*
 * Before the fix the arch forwarded a reset straight to the firmware:
 * this empty stand-in is what the test sees of the old code (the real
 * core_host_reset overrides it).
 */
__attribute__((weak)) void core_host_reset(void)
{
}

static u32 vm_pages(u32 vmid)
{
	u32 n = 0, i;
	u64 pa;

	for (i = 0; i < core.nr_ram; i++)
		for (pa = core.ram[i].base;
		     pa < core.ram[i].base + core.ram[i].size; pa += PAGE_SIZE)
			n += own_page(pa)->owner == vmid;
	return n;
}

/* ------------------------------------------------------------ guests */

/* Which vCPU a world switch is for: vCPU n of VM 1. */
static bool is_vcpu(const struct machine_vcpu *c, int n)
{
	return c == &core.vm[0].vcpu[n].ctx;
}

/* A guest that fills its registers with SECRET and makes an HVC. */
static void secret_guest(struct machine_vcpu *c, struct machine_exit *e)
{
	int i;

	for (i = 1; i < 31; i++)
		c->x[i] = SECRET;
	for (i = 0; i < 64; i++)
		c->fp[i] = SECRET;
	c->sys[VCPU_TPIDR_EL1] = SECRET;
	c->x[0] = 0x1234;
	e->kind = EXIT_SYNC;
	e->esr = 0x16UL << 26;
}

/* A VM (vmid 1) that ran once and holds SECRET in its registers and a page. */
static u64 secret_vm(void)
{
	u64 vmid = t_boot_vm(IMG_IPA, 1, 10, false), out[4];

	CHECK_EQ(vmid, 1);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, vmid, HOST(20), DATA_IPA, 0, 0, NULL), 0);
	*(u64 *)fake_peek(HOST(20)) = SECRET;
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vmid, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_POWER_ON, vmid, IMG_IPA, 0, 0, 0, NULL), 0);
	fake_set_guest(secret_guest);
	CHECK_EQ(hc(CV_HC_VCPU_RUN, vmid, 0, 0, 0, 0, out), CV_EXIT_HVC);
	fake_set_guest(NULL);
	CHECK_EQ(core.vm[0].vcpu[0].ctx.x[5], SECRET);
	return vmid;
}

/* ------------------------------------------------ hole 2: reset leaks */

/* Teardown wipes the saved vCPU registers at once. */
static void test_hole2_teardown_wipes_vcpus(void)
{
	struct vcpu *ctx;
	u64 vmid;

	CHECK_EQ(t_boot(1), 0);
	vmid = secret_vm();
	ctx = core.vm[0].vcpu;
	CHECK_EQ(hc(CV_HC_VM_STOP, vmid, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_TEARDOWN, vmid, 0, 0, 0, 0, NULL), 0);
	CHECK(!core.vm[0].vcpu && t_all_zero(ctx, T_VCPUS_BYTES));
	CHECK_EQ(*(u64 *)fake_peek(HOST(20)), 0);
}

/* A host reset or power-off destroys every VM before it leaves EL2. */
static void test_hole2_reset_scrubs(void)
{
	struct vcpu *ctx;
	u64 vmid;

	CHECK_EQ(t_boot(1), 0);
	vmid = secret_vm();
	ctx = core.vm[0].vcpu;
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 2);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 2, HOST(40), 0, 0, 0, NULL), 0);
	*(u64 *)fake_peek(HOST(40)) = SECRET;
	/* pages handed over in a list (ABI 1.4) go the same way */
	memset(fake_peek(HOST(41)), 0, PAGE_SIZE);
	((u64 *)fake_peek(HOST(41)))[1] = HOST(42);
	CHECK_EQ(hc(CV_HC_MAP_PAGES, 2, HOST(41), 0x10000, 2, 0, NULL), 0);
	*(u64 *)fake_peek(HOST(42)) = SECRET;
	core_host_reset();
	CHECK_EQ(core.vm[0].state, VM_FREE);
	CHECK_EQ(core.vm[1].state, VM_FREE);
	CHECK_EQ(vm_pages(vmid), 0);
	CHECK_EQ(vm_pages(2), 0);
	CHECK_EQ(*(u64 *)fake_peek(HOST(20)), 0);
	CHECK_EQ(*(u64 *)fake_peek(HOST(40)), 0);
	CHECK_EQ(*(u64 *)fake_peek(HOST(42)), 0);
	CHECK_EQ(own_page(HOST(42))->owner, OWNER_HOST);
	CHECK(!core.vm[0].vcpu && t_all_zero(ctx, T_VCPUS_BYTES));
	/* nothing new is built on the way down */
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_MAP_PAGES, 2, HOST(41), 0x10000, 2, 0, NULL),
		 CV_E_STATE);
	CHECK_EQ(hc(CV_HC_ABI_VERSION, 0, 0, 0, 0, 0, NULL), CV_ABI_VERSION);
	CHECK_EQ(check_invariants(NULL), 0);
}

/*
 * A vCPU runs on CPU 1 when CPU 0's host resets: it comes out (its
 * stage 2 is gone, as on hardware its next fetch faults) and the reset
 * destroys the VM after it.
 */
static volatile int spinning;

static void spin_until_unmapped(struct machine_vcpu *c, struct machine_exit *e)
{
	spinning = 1;
	while (pgt_mapped(core.vm[0].s2_root, IMG_IPA))
		sched_yield();
	for (int i = 1; i < 31; i++)
		c->x[i] = SECRET;
	e->kind = EXIT_SYNC;
	e->esr = (0x20UL << 26) | 0x07;		/* instruction abort */
	e->hpfar = (IMG_IPA >> PAGE_SHIFT) << 4;
}

static void *cpu1_run(void *arg)
{
	u64 out[4];

	fake_set_cpu(1);
	*(s64 *)arg = hc(CV_HC_VCPU_RUN, 1, 0, 0, 0, 0, out);
	return NULL;
}

static void test_hole2_reset_waits_for_running_vcpus(void)
{
	struct vcpu *ctx;
	pthread_t t;
	s64 ret = 0;

	CHECK_EQ(t_boot(2), 0);
	secret_vm();
	ctx = core.vm[0].vcpu;
	spinning = 0;
	fake_set_guest(spin_until_unmapped);
	pthread_create(&t, NULL, cpu1_run, &ret);
	while (!spinning)
		sched_yield();
	core_host_reset();
	/* on the old code nothing stops the guest: let it out */
	if (core.vm[0].state != VM_FREE)
		pgt_unmap_page(core.vm[0].s2_root, IMG_IPA);
	pthread_join(t, NULL);
	fake_set_guest(NULL);
	CHECK_EQ(ret, CV_EXIT_ABORT);
	CHECK_EQ(core.vm[0].state, VM_FREE);
	CHECK(!core.vm[0].vcpu && t_all_zero(ctx, T_VCPUS_BYTES));
	CHECK_EQ(vm_pages(1), 0);
}

/* ---------------------------------------------- hole 3: install gate */

static void test_hole3_install_gate(void)
{
	u64 bi_pa = T_REGION + T_REGION_SIZE - 2 * PAGE_SIZE, out[4];

	/* two CPUs in the boot info, only CPU 0 installed */
	CHECK_EQ(t_boot(1), 0);
	fake_reset();
	memset(&core, 0, sizeof(core));
	fake_add_ram(T_RAM_A, T_RAM_A_SIZE);
	fake_add_ram(T_RAM_B, T_RAM_B_SIZE);
	t_write_boot_info(bi_pa, 2);
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 0), 0);
	CHECK_EQ(hc(CV_HC_ABI_VERSION, 0, 0, 0, 0, 0, NULL), CV_ABI_VERSION);
	CHECK_EQ(hc(CV_HC_S2_ENABLED, 0, 0, 0, 0, 0, NULL), 1);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 0, 0, 0, 0, 0, out), CV_E_STATE);
	/* the ABI 1.4 calls wait for the gate like the rest */
	CHECK_EQ(hc(CV_HC_MAP_PAGES, 1, HOST(41), 0x10000, 1, 0, NULL),
		 CV_E_STATE);
	CHECK_EQ(hc(CV_HC_GET_STAT, 0, 0, 0, 0, 0, out), CV_E_STATE);
	CHECK_EQ(core.vm[0].state, VM_FREE);
	fake_set_cpu(1);
	CHECK_EQ(core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 1), 0);
	fake_set_cpu(0);
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 1);
}

/* ------------------------------ hole 4: stopping a VM stops all of it */

static int vcpu1_entries, vcpu0_runs;
static s64 unmap_while_running, teardown_while_running, timer_while_running;

/* vCPU 0 powers the guest off; its world switch returns that exit. */
static void off_guest(struct machine_vcpu *c, struct machine_exit *e)
{
	c->x[0] = 0x84000008;		/* PSCI SYSTEM_OFF */
	e->kind = EXIT_SYNC;
	e->esr = 0x16UL << 26;
}

/*
 * vCPU 1 runs "on CPU 1".  On its first entry, vCPU 0 powers the VM off
 * from "CPU 0" and the host tries at once to take a page back, to tear
 * the VM down and to change the running vCPU's timer offset; then
 * vCPU 1 traps on a system register, which the corevisor handles
 * without the host.  It must not enter the guest again.
 */
static void racing_guest(struct machine_vcpu *c, struct machine_exit *e)
{
	u64 out[4];

	if (is_vcpu(c, 0)) {
		off_guest(c, e);
		return;
	}
	if (!vcpu1_entries++) {
		vcpu0_runs = (int)hc(CV_HC_VCPU_RUN, 1, 0, 0, 0, 0, out);
		unmap_while_running = hc(CV_HC_UNMAP_PAGE, 1, DATA_IPA, 0, 0,
					 0, NULL);
		teardown_while_running = hc(CV_HC_TEARDOWN, 1, 0, 0, 0, 0,
					    NULL);
		timer_while_running = hc(CV_HC_SET_TIMER_OFFSET, 1, 1, 0x1234,
					 0, 0, NULL);
	}
	e->kind = EXIT_SYNC;
	e->esr = (0x18UL << 26) | (7UL << 5) | 1;	/* mrs x7, ... */
}

static void test_hole4_stop_stops_all(void)
{
	u64 vmid, out[4];

	CHECK_EQ(t_boot(1), 0);
	vmid = t_boot_vm(IMG_IPA, 1, 10, false);
	CHECK_EQ(hc(CV_HC_REGISTER_VCPU, vmid, 1, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, vmid, HOST(20), DATA_IPA, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vmid, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_POWER_ON, vmid, IMG_IPA, 0, 0, 0, NULL), 0);
	core.vm[0].vcpu[1].state = VCPU_READY;	/* as PSCI CPU_ON does */
	vcpu1_entries = 0;
	fake_set_guest(racing_guest);
	CHECK_EQ(hc(CV_HC_VCPU_RUN, vmid, 1, 0, 0, 0, out), CV_EXIT_OFF);
	fake_set_guest(NULL);
	CHECK_EQ(vcpu0_runs, CV_EXIT_OFF);
	CHECK_EQ(vcpu1_entries, 1);
	CHECK_EQ(unmap_while_running, CV_E_STATE);
	CHECK_EQ(teardown_while_running, CV_E_STATE);
	CHECK_EQ(timer_while_running, CV_E_STATE);
	CHECK(core.vm[0].vcpu[1].ctx.cntvoff != 0x1234);
	CHECK_EQ(core.vm[0].state, VM_OFF);
	/* once no vCPU runs, the page may go */
	CHECK_EQ(hc(CV_HC_UNMAP_PAGE, vmid, DATA_IPA, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_VCPU_RUN, vmid, 1, 0, 0, 0, out), CV_E_STATE);
	CHECK_EQ(check_invariants(NULL), 0);
}

/* ---------------------------------------------------- hole 1: SMMU */

static s64 boot_smmu(u64 base, u64 size)
{
	u64 bi_pa = T_REGION + T_REGION_SIZE - 2 * PAGE_SIZE;
	struct cv_boot_info *bi;

	fake_reset();
	memset(&core, 0, sizeof(core));
	fake_add_ram(T_RAM_A, T_RAM_A_SIZE);
	fake_add_ram(T_RAM_B, T_RAM_B_SIZE);
	t_write_boot_info(bi_pa, 1);
	bi = fake_peek(bi_pa);
	bi->smmu_base = base;
	bi->smmu_size = size;
	return core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, 0);
}

/* The SMMU's registers are never mapped for the host or a VM. */
static void test_hole1_smmu_hidden(void)
{
	u64 vmid;

	CHECK_EQ(boot_smmu(SMMU_BASE + 8, SMMU_SIZE), CV_E_INVAL);
	CHECK_EQ(boot_smmu(SMMU_BASE, SMMU_SIZE + 8), CV_E_INVAL);
	CHECK_EQ(boot_smmu(T_RAM_A - PAGE_SIZE, 2 * PAGE_SIZE), CV_E_INVAL);
	CHECK_EQ(boot_smmu(T_UART, PAGE_SIZE), CV_E_INVAL);
	CHECK_EQ(boot_smmu((1UL << 40) - PAGE_SIZE, 2 * PAGE_SIZE),
		 CV_E_INVAL);
	CHECK_EQ(boot_smmu(SMMU_BASE, SMMU_SIZE), 0);
	CHECK(!core_host_abort(0, SMMU_BASE));
	CHECK(!core_host_abort(0, SMMU_BASE + SMMU_SIZE - 8));
	CHECK(core_host_abort(0, SMMU_BASE + SMMU_SIZE));
	CHECK(core_host_abort(0, SMMU_BASE - PAGE_SIZE));
	vmid = t_boot_vm(IMG_IPA, 1, 10, false);
	CHECK_EQ(hc(CV_HC_MAP_DEVICE, vmid, SMMU_BASE + PAGE_SIZE, 0x8010000,
		    0, 0, NULL), CV_E_DENIED);
	/* no SMMU in the boot info: device space as before */
	CHECK_EQ(boot_smmu(0, 0), 0);
	CHECK(core_host_abort(0, SMMU_BASE));
}

/* Every SMMU call is refused unless the VM's state allows it. */
static void test_hole1_smmu_state_machine(void)
{
	u64 vmid, out[4];

	CHECK_EQ(t_boot(1), 0);
	vmid = t_boot_vm(IMG_IPA, 1, 10, false);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, vmid, HOST(20), DATA_IPA, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, vmid, HOST(21), DATA_IPA + PAGE_SIZE, 0,
		    0, NULL), 0);
	/* bound before it boots, with a page it owns */
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 2, vmid, 0, 0, 0, out), 0);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 2, DATA_IPA, HOST(20), 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vmid, 0, 0, 0, 0, NULL), 0);
	/* a VERIFIED VM gets no new device */
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 3, vmid, 0, 0, 0, out), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_POWER_ON, vmid, IMG_IPA, 0, 0, 0, NULL), 0);
	/* nor a RUNNING one */
	CHECK_EQ(hc(CV_HC_SMMU_ALLOC, 3, vmid, 0, 0, 0, out), CV_E_STATE);
	/* a running guest's private page needs its consent (a share) */
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 2, DATA_IPA + PAGE_SIZE, HOST(21), 0, 0,
		    NULL), CV_E_DENIED);
	CHECK_EQ(pgs_set_share(&core.vm[0], DATA_IPA + PAGE_SIZE, true), 0);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 2, DATA_IPA + PAGE_SIZE, HOST(21), 0, 0,
		    NULL), 0);
	CHECK_EQ(check_invariants(NULL), 0);
	/* off: no new DMA mapping; teardown takes the context with it */
	core.vm[0].state = VM_OFF;
	CHECK_EQ(hc(CV_HC_SMMU_UNMAP, 2, DATA_IPA + PAGE_SIZE, 0, 0, 0, NULL),
		 0);
	CHECK_EQ(hc(CV_HC_SMMU_MAP, 2, DATA_IPA + PAGE_SIZE, HOST(21), 0, 0,
		    NULL), CV_E_STATE);
	CHECK_EQ(hc(CV_HC_TEARDOWN, vmid, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(smmu_root(2, &(u32){ 0 }), 0);
	CHECK_EQ(vm_pages(vmid), 0);
	CHECK_EQ(check_invariants(NULL), 0);
}

int main(void)
{
	test_hole1_smmu_hidden();
	test_hole1_smmu_state_machine();
	test_hole2_teardown_wipes_vcpus();
	test_hole2_reset_scrubs();
	test_hole2_reset_waits_for_running_vcpus();
	test_hole3_install_gate();
	test_hole4_stop_stops_all();
	return t_finish("holes");
}
