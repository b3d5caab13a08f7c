// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the exit counters (core/stats.c, CV_HC_GET_STAT, ABI
 * 1.4): each host call, guest exit and piece of the corevisor's work
 * lands in its own counter, on the CPU that did it, with time.
 */
#include <pthread.h>
#include <unistd.h>
#include "../test.h"

static u64 count(unsigned int cpu, u32 id)
{
	u64 out[4] = { 0 };

	CHECK_EQ(hc(CV_HC_GET_STAT, cpu, id, 0, 0, 0, out), 0);
	return out[0];
}

static u64 ticks(unsigned int cpu, u32 id)
{
	u64 out[4] = { 0 };

	CHECK_EQ(hc(CV_HC_GET_STAT, cpu, id, 0, 0, 0, out), 0);
	return out[1];
}

/* The exits of every cause counted on cpu (CV_STAT_EXIT_*). */
static u64 exits(unsigned int cpu)
{
	u64 n = 0;
	u32 id;

	for (id = CV_STAT_EXIT_IRQ; id <= CV_STAT_EXIT_OTHER; id++)
		n += count(cpu, id);
	return n;
}

/* HVC (PSCI_VERSION) to the host, then the version probe, then an IRQ. */
static int step;
static void guest(struct machine_vcpu *c, struct machine_exit *e)
{
	e->kind = EXIT_SYNC;
	e->esr = 0x16UL << 26;
	switch (step++) {
	case 0:
		c->x[0] = 0x84000000;
		return;
	case 1:
		c->x[0] = CV_GHC_VERSION;
		return;
	case 2:
		e->kind = EXIT_IRQ;
		return;
	case 3:		/* a data abort on RAM the host has not mapped yet */
		e->esr = 0x24UL << 26;
		e->hpfar = (0x40000000UL >> 12) << 4;
		return;
	}
	e->kind = EXIT_IRQ;
}

void test_exit_stats(void)
{
	u64 out[4], c_run, c_hvc, c_ghc, c_irq, c_guest, c_retry, c_abort;
	u64 c_map, c_work, c_clean, c_tlbi, c_fault, t_map, c_other, t_run;
	u64 t_fake;
	u64 vm;

	CHECK_EQ(t_boot(2), 0);
	fake_set_cpu(0);
	/* bounds: a CPU the boot info does not list, an unknown counter */
	CHECK_EQ(hc(CV_HC_GET_STAT, 2, 0, 0, 0, 0, out), CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_GET_STAT, 0, CV_STAT_NR, 0, 0, 0, out), CV_E_RANGE);
	CHECK_EQ(hc(CV_HC_GET_STAT, 1, CV_STAT_NR - 1, 0, 0, 0, out), 0);

	/* host calls and the work they do */
	c_map = count(0, CV_STAT_HC_MAP_PAGE);
	t_map = ticks(0, CV_STAT_HC_MAP_PAGE);
	c_work = count(0, CV_STAT_WORK_MAP);
	c_clean = count(0, CV_STAT_WORK_CLEAN);
	c_tlbi = count(0, CV_STAT_WORK_TLBI);
	c_fault = count(0, CV_STAT_HOST_S2_FAULT);
	c_other = count(0, CV_STAT_HC_OTHER);
	CHECK(core_host_abort(0, HOST(20)));
	CHECK_EQ(hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), 1);
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, HOST(20), 0x2000, 0, 0, NULL), 0);
	CHECK_EQ(count(0, CV_STAT_HC_MAP_PAGE), c_map + 1);
	CHECK(ticks(0, CV_STAT_HC_MAP_PAGE) > t_map);
	CHECK_EQ(count(0, CV_STAT_WORK_MAP), c_work + 1);
	CHECK_EQ(count(0, CV_STAT_WORK_CLEAN), c_clean + 1);
	CHECK_EQ(count(0, CV_STAT_WORK_TLBI), c_tlbi + 1);
	CHECK_EQ(count(0, CV_STAT_HOST_S2_FAULT), c_fault + 1);
	/* REGISTER_VM and the GET_STATs above are "other" */
	CHECK(count(0, CV_STAT_HC_OTHER) > c_other + 1);
	/* a refused MAP_PAGE is a call, but no work */
	CHECK_EQ(hc(CV_HC_MAP_PAGE, 1, HOST(20), 0x3000, 0, 0, NULL),
		 CV_E_DENIED);
	CHECK_EQ(count(0, CV_STAT_HC_MAP_PAGE), c_map + 2);
	CHECK_EQ(count(0, CV_STAT_WORK_MAP), c_work + 1);
	/* a list: one call, its pages, one TLB invalidation */
	memset(fake_peek(HOST(30)), 0, PAGE_SIZE);
	((u64 *)fake_peek(HOST(30)))[0] = HOST(21);
	((u64 *)fake_peek(HOST(30)))[1] = HOST(22);
	CHECK(core_host_abort(0, HOST(21)) && core_host_abort(0, HOST(22)));
	c_map = count(0, CV_STAT_HC_MAP_PAGES);
	CHECK_EQ(hc(CV_HC_MAP_PAGES, 1, HOST(30), 0x10000, 2, 0, NULL), 0);
	CHECK_EQ(count(0, CV_STAT_HC_MAP_PAGES), c_map + 1);
	CHECK_EQ(count(0, CV_STAT_WORK_MAP), c_work + 3);
	CHECK_EQ(count(0, CV_STAT_WORK_CLEAN), c_clean + 3);
	CHECK_EQ(count(0, CV_STAT_WORK_TLBI), c_tlbi + 2);
	/* the work was done on CPU 0: CPU 1's row did not move */
	CHECK_EQ(count(1, CV_STAT_WORK_MAP), 0);
	CHECK_EQ(hc(CV_HC_TEARDOWN, 1, 0, 0, 0, 0, NULL), 0);

	/* guest exits, by cause, and how the host answered an abort */
	vm = boot_vm(0x80000000, 1, 10, false);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vm, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x80000000, 0, 0, 0, NULL), 0);
	fake_set_guest(guest);
	step = 0;
	c_run = count(0, CV_STAT_HC_VCPU_RUN);
	t_run = ticks(0, CV_STAT_HC_VCPU_RUN);
	c_hvc = count(0, CV_STAT_EXIT_HVC);
	c_ghc = count(0, CV_STAT_EXIT_GHC);
	c_irq = count(0, CV_STAT_EXIT_IRQ);
	c_guest = count(0, CV_STAT_GUEST);
	c_abort = count(0, CV_STAT_EXIT_ABORT);
	c_retry = count(0, CV_STAT_ANSWER_RETRY);
	t_fake = fake_ticks;
	CHECK_EQ(hc(CV_HC_VCPU_RUN, vm, 0, 0, 0, 0, out), CV_EXIT_HVC);
	CHECK_EQ(hc(CV_HC_VCPU_RUN, vm, 0, 0, CV_RUN_HVC_RET, 0, out),
		 CV_EXIT_IRQ);
	CHECK_EQ(hc(CV_HC_VCPU_RUN, vm, 0, 0, 0, 0, out), CV_EXIT_ABORT);
	CHECK_EQ(hc(CV_HC_VCPU_RUN, vm, 0, 0, CV_RUN_NONE, 0, out),
		 CV_EXIT_IRQ);
	/*
	 * The exit path is counted, not timed: the fake counter moves one
	 * tick a read, and four runs read it not once.
	 */
	CHECK_EQ(fake_ticks, t_fake);
	CHECK_EQ(count(0, CV_STAT_HC_VCPU_RUN), c_run + 4);
	CHECK_EQ(count(0, CV_STAT_EXIT_HVC), c_hvc + 1);
	CHECK_EQ(count(0, CV_STAT_EXIT_GHC), c_ghc + 1);
	CHECK_EQ(count(0, CV_STAT_EXIT_IRQ), c_irq + 2);
	CHECK_EQ(count(0, CV_STAT_EXIT_ABORT), c_abort + 1);
	CHECK_EQ(count(0, CV_STAT_ANSWER_RETRY), c_retry + 1);
	CHECK_EQ(count(0, CV_STAT_GUEST), c_guest + 5);
	/* every entry ends in one exit: the entries are their sum */
	CHECK_EQ(count(0, CV_STAT_GUEST), exits(0));
	CHECK_EQ(ticks(0, CV_STAT_GUEST), 0);
	CHECK_EQ(ticks(0, CV_STAT_HC_VCPU_RUN), t_run);
	fake_set_guest(NULL);
	CHECK_EQ(check_invariants(NULL), 0);
}

/* A wait for a lock another CPU holds is counted, on the waiting CPU. */
static struct lock test_lock;
static volatile int waiter_in;

static void *waiter(void *arg)
{
	fake_set_cpu(1);
	waiter_in = 1;
	lock_take(&test_lock);
	lock_give(&test_lock);
	return NULL;
}

void test_lock_wait_stats(void)
{
	u64 c0, c1;
	pthread_t t;

	CHECK_EQ(t_boot(2), 0);
	fake_set_cpu(0);
	c0 = count(0, CV_STAT_LOCK_WAIT);
	c1 = count(1, CV_STAT_LOCK_WAIT);
	lock_take(&test_lock);		/* free: no wait */
	lock_give(&test_lock);
	CHECK_EQ(count(0, CV_STAT_LOCK_WAIT), c0);
	lock_take(&test_lock);
	waiter_in = 0;
	CHECK_EQ(pthread_create(&t, NULL, waiter, NULL), 0);
	while (!waiter_in)
		;
	usleep(20000);			/* it is spinning now */
	lock_give(&test_lock);
	pthread_join(t, NULL);
	CHECK_EQ(count(1, CV_STAT_LOCK_WAIT), c1 + 1);
	CHECK_EQ(count(0, CV_STAT_LOCK_WAIT), c0);
}

/*
 * A vCPU's exit to the host does not wait for its VM's lock: another CPU
 * (here a thread on CPU 1, as a MAP_PAGES or a vGIC call would) holds
 * vm->lock while the guest runs and exits with an abort; the exit path
 * must complete without a lock wait on CPU 0.
 */
static struct vm *held_vm;
static volatile int holder_in, holder_go;

static void *holder(void *arg)
{
	fake_set_cpu(1);
	lock_take(&held_vm->lock);
	holder_in = 1;
	while (!holder_go)
		;
	usleep(20000);		/* CPU 0 would be spinning now */
	lock_give(&held_vm->lock);
	return NULL;
}

static pthread_t holder_thread;

static void abort_while_held(struct machine_vcpu *c, struct machine_exit *e)
{
	holder_in = 0;
	holder_go = 0;
	CHECK_EQ(pthread_create(&holder_thread, NULL, holder, NULL), 0);
	while (!holder_in)
		;
	holder_go = 1;
	e->kind = EXIT_SYNC;
	e->esr = 0x24UL << 26;		/* data abort, no ISV */
	e->hpfar = (0x40000000UL >> 12) << 4;
}

void test_exit_no_vm_lock(void)
{
	u64 out[4], waits, vm;

	CHECK_EQ(t_boot(2), 0);
	fake_set_cpu(0);
	vm = boot_vm(0x80000000, 1, 10, false);
	CHECK_EQ(hc(CV_HC_VERIFY_IMAGES, vm, 0, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_POWER_ON, vm, 0x80000000, 0, 0, 0, NULL), 0);
	held_vm = &core.vm[vm - 1];
	waits = count(0, CV_STAT_LOCK_WAIT);
	fake_set_guest(abort_while_held);
	CHECK_EQ(hc(CV_HC_VCPU_RUN, vm, 0, 0, 0, 0, out), CV_EXIT_ABORT);
	fake_set_guest(NULL);
	CHECK_EQ(count(0, CV_STAT_LOCK_WAIT), waits);
	pthread_join(holder_thread, NULL);
	CHECK_EQ(check_invariants(NULL), 0);
}
