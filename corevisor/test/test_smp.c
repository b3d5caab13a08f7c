// SPDX-License-Identifier: GPL-2.0-only
/*
 * Concurrency: NCPU threads, each a fake CPU, issue random hypercalls on
 * the same VMs, pages and SMMU contexts at once (maps racing for one page,
 * runs racing for one vCPU, teardown racing a run).  The locks are the
 * corevisor's own ticket locks on real atomics.  Every ROUND calls all
 * threads meet and I1-I6 are checked on the real tables; at the end every
 * VM and context is released and every page must be the host's again.
 */
#include <pthread.h>
#include <unistd.h>
#include "test.h"

#define NCPU	4
#define OPS	20000
#define ROUND	500

static pthread_barrier_t barrier;
static int violations, checks;
static __thread u64 rng;
static unsigned long ok_ops[NCPU];

static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DUL;
}

static u64 below(u64 n)
{
	return rnd() % n;
}

/* The guest shares or unshares a page, then waits for an interrupt. */
static void guest(struct machine_vcpu *c, struct machine_exit *e)
{
	static __thread int step;

	e->kind = EXIT_SYNC;
	if (step++ & 1) {
		e->esr = 0x01UL << 26;		/* WFI */
		return;
	}
	c->x[0] = rnd() & 1 ? CV_GHC_SHARE : CV_GHC_UNSHARE;
	c->x[1] = below(16) << 12;
	e->esr = 0x16UL << 26;
}

static u64 signed_vm(unsigned int cpu)
{
	u64 base = 400 + cpu * 8, vmid, out[4];
	u8 pk[32];
	s64 r;

	vmid = hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL);
	if ((s64)vmid < 0)
		return 0;
	t_keypair(pk);
	memcpy(fake_peek(t_host_page(base)), pk, 32);
	memset(fake_peek(t_host_page(base + 2)), (int)cpu, PAGE_SIZE);
	t_sign_image(fake_peek(t_host_page(base + 2)), 0, PAGE_SIZE,
		     fake_peek(t_host_page(base + 1)));
	r = hc(CV_HC_SET_VM_KEY, vmid, t_host_page(base), 0, 0, 0, NULL);
	r |= hc(CV_HC_SET_BOOT_IMAGE, vmid, 0, 0, PAGE_SIZE,
		t_host_page(base + 1), NULL);
	r |= hc(CV_HC_LOAD_IMAGE_PAGE, vmid, 0, t_host_page(base + 2), 0, 0,
		NULL);
	r |= hc(CV_HC_REGISTER_VCPU, vmid, 0, 0, 0, 0, NULL);
	r |= hc(CV_HC_VERIFY_IMAGES, vmid, 0, 0, 0, 0, NULL);
	r |= hc(CV_HC_POWER_ON, vmid, 0, 0, 0, 0, NULL);
	(void)out;
	return r ? 0 : vmid;	/* another CPU may have raced us: fine */
}

static void *cpu_main(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;
	u64 out[4], vmid, pa;
	s64 r = 0;
	int i;

	fake_set_cpu(cpu);
	rng = 0x9E3779B97F4A7C15UL * (cpu + 1);
	for (i = 0; i < OPS; i++) {
		vmid = 1 + below(CV_MAX_VMS);
		pa = t_host_page(below(300));
		switch (below(12)) {
		case 0:
			r = hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL);
			break;
		case 1:
			r = signed_vm(cpu) ? 0 : -1;
			break;
		case 2: case 3:
			r = hc(CV_HC_MAP_PAGE, vmid, pa, below(16) << 12, 0, 0,
			       NULL);
			break;
		case 4:
			r = hc(CV_HC_UNMAP_PAGE, vmid, below(16) << 12, 0, 0, 0,
			       NULL);
			break;
		case 5:
			r = hc(CV_HC_VCPU_RUN, vmid, 0, 0, 0, 0, out);
			break;
		case 6:
			r = hc(CV_HC_VM_STOP, vmid, 0, 0, 0, 0, NULL);
			break;
		case 7:
			r = hc(CV_HC_TEARDOWN, vmid, 0, 0, 0, 0, NULL);
			break;
		case 8:
			r = hc(CV_HC_SMMU_ALLOC, below(4), below(2) ? 0 : vmid,
			       0, 0, 0, out);
			break;
		case 9:
			r = hc(CV_HC_SMMU_MAP, below(4), below(16) << 12, pa, 0,
			       0, NULL);
			break;
		case 10:
			r = hc(below(2) ? CV_HC_SMMU_UNMAP : CV_HC_SMMU_FREE,
			       below(4), below(16) << 12, 0, 0, 0, NULL);
			break;
		case 11:
			r = core_host_abort(0, pa) ? 0 : -1;
			break;
		}
		ok_ops[cpu] += r >= 0;
		if ((i + 1) % ROUND == 0) {
			pthread_barrier_wait(&barrier);
			if (cpu == 0) {
				violations += check_invariants(NULL);
				checks++;
			}
			pthread_barrier_wait(&barrier);
		}
	}
	return NULL;
}

/*
 * Every CPU gives the same host page to its own VM at the same moment:
 * exactly one may win, every round.
 */
#define RACES	300
static u64 race_vm[NCPU];
static int race_wins[RACES];

static void *race_main(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;
	int i;

	fake_set_cpu(cpu);
	for (i = 0; i < RACES; i++) {
		pthread_barrier_wait(&barrier);
		if (hc(CV_HC_MAP_PAGE, race_vm[cpu], t_host_page(i),
		       (u64)i << 12, 0, 0, NULL) == 0)
			__atomic_add_fetch(&race_wins[i], 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void test_races(void)
{
	pthread_t t[NCPU];
	int i, bad = 0;

	CHECK_EQ(t_boot(NCPU), 0);
	for (i = 0; i < NCPU; i++)
		race_vm[i] = hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL);
	for (i = 0; i < NCPU; i++)
		pthread_create(&t[i], NULL, race_main, (void *)(uintptr_t)i);
	for (i = 0; i < NCPU; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < RACES; i++)
		bad += race_wins[i] != 1;
	CHECK_EQ(bad, 0);
	CHECK_EQ(check_invariants(NULL), 0);
}

int main(void)
{
	pthread_t t[NCPU];
	unsigned long total = 0;
	u64 i;
	int bad = 0;

	alarm(300);	/* a lost lock hangs: SIGALRM ends the suite as failed */
	pthread_barrier_init(&barrier, NULL, NCPU);
	test_races();
	CHECK_EQ(t_boot(NCPU), 0);
	fake_set_guest(guest);
	for (i = 0; i < NCPU; i++)
		pthread_create(&t[i], NULL, cpu_main, (void *)(uintptr_t)i);
	for (i = 0; i < NCPU; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < NCPU; i++)
		total += ok_ops[i];
	printf("smp: %d CPUs, %d calls, %lu succeeded, %d checks\n", NCPU,
	       NCPU * OPS, total, checks);
	CHECK(total > NCPU * OPS / 10);	/* the races were real work */
	CHECK_EQ(checks, OPS / ROUND);
	CHECK_EQ(violations, 0);

	/* release everything: every page goes back to the host, zeroed */
	for (i = 0; i < CV_MAX_SMMU_CTX; i++)
		hc(CV_HC_SMMU_FREE, i, 0, 0, 0, 0, NULL);
	for (i = 1; i <= CV_MAX_VMS; i++) {
		hc(CV_HC_VM_STOP, i, 0, 0, 0, 0, NULL);
		CHECK(hc(CV_HC_TEARDOWN, i, 0, 0, 0, 0, NULL) != CV_E_STATE);
	}
	for (i = 0; i < T_HOST_PAGES; i++) {
		struct page_state *pg = own_page(t_host_page(i));

		bad += pg->owner != OWNER_HOST || pg->share;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(check_invariants(NULL), 0);
	return t_finish("smp");
}
