// SPDX-License-Identifier: GPL-2.0-only
/*
 * Model-based test: a hostile host issues random hypercall sequences
 * (other VMs' pages, core pages, out-of-range addresses, wrong states,
 * double calls), a scripted guest answers VCPU_RUN with random exits and
 * share requests, and after every call the result is compared with the
 * reference model and I1-I6 are checked on the real tables.
 *
 *   test_model [CALLS [SEED]]     (or MODEL_SEED=S in the environment)
 */
#include <time.h>
#include "model.h"

static u64 rng;
static struct model m;
static struct g_script script;
static int step_now;
static s64 seen_x0[4];
static u64 canary[CV_MAX_VMS + 1][CV_MAX_VCPUS];
static u64 run_vm, run_vcpu;
static int guest_bad;
static unsigned long ok_count[0x50], err_count[0x50];

static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DUL;
}

static u64 below(u64 n)
{
	return n ? rnd() % n : 0;
}

static bool chance(int percent)
{
	return below(100) < (u64)percent;
}

/* ---- the guest ---- */

static void guest(struct machine_vcpu *c, struct machine_exit *e)
{
	const struct g_step *s;

	if (step_now == 0) {
		/* the shadow state survives the host: our canary is intact */
		if (c->x[20] != canary[run_vm][run_vcpu] ||
		    (c->vttbr >> 48) != run_vm || c->hcr != machine_config(MC_HCR_GUEST))
			guest_bad++;
		canary[run_vm][run_vcpu] = rnd() | 1;
		c->x[20] = canary[run_vm][run_vcpu];
	} else {
		seen_x0[step_now - 1] = (s64)c->x[0];
	}
	if (step_now >= script.n) {
		guest_bad++;
		e->kind = EXIT_IRQ;
		return;
	}
	s = &script.step[step_now++];
	e->kind = EXIT_SYNC;
	switch (s->kind) {
	case G_SHARE:
	case G_UNSHARE:
		c->x[0] = s->kind == G_SHARE ? CV_GHC_SHARE : CV_GHC_UNSHARE;
		c->x[1] = s->ipa;
		e->esr = 0x16UL << 26;
		break;
	case G_SYSREG:
		e->esr = 0x18UL << 26;
		break;
	case G_MMIO:
		if (((s->esr_bits >> 16) & 31) != 31)
			c->x[(s->esr_bits >> 16) & 31] = G_PATTERN(s->ipa);
		e->esr = (0x24UL << 26) | s->esr_bits;
		e->far = s->ipa;
		e->hpfar = (s->ipa >> 12) << 4;
		break;
	case G_IABT:
		e->esr = 0x20UL << 26;
		e->far = s->ipa;
		e->hpfar = (s->ipa >> 12) << 4;
		break;
	case G_HVC:
	case G_OFF:
		memcpy(c->x, s->x, sizeof(s->x));
		if (s->kind == G_OFF)	/* SYSTEM_RESET when bit 0 */
			c->x[0] = 0x84000008UL + (s->esr_bits & 1);
		e->esr = 0x16UL << 26;
		break;
	case G_WFI:
		e->esr = (0x01UL << 26) | (s->esr_bits & 1);	/* TI: WFE */
		break;
	case G_IRQ:
		e->kind = EXIT_IRQ;
		break;
	}
}

/* ---- argument generators ---- */

static u64 any_ram_page(void)
{
	u64 i = below(m.nr_pages);
	long a = T_RAM_A_SIZE >> 12;

	return i < (u64)a ? T_RAM_A + (i << 12) : T_RAM_B + ((i - a) << 12);
}

static u64 host_page(void)
{
	int tries;

	for (tries = 0; tries < 8; tries++) {
		u64 pa = t_host_page(below(T_HOST_PAGES));

		if (m.page[m_index(pa)].owner == 0)
			return pa;
	}
	return t_host_page(below(T_HOST_PAGES));
}

/* A page some VM owns (shared ones first), or any RAM page. */
static u64 vm_page(void)
{
	u64 start = below(m.nr_pages), i, fallback = 0;

	for (i = 0; i < m.nr_pages; i++) {
		u64 k = (start + i) % m.nr_pages;
		long a = T_RAM_A_SIZE >> 12;
		u64 pa = k < (u64)a ? T_RAM_A + (k << 12) :
			 T_RAM_B + ((k - a) << 12);

		if (m.page[k].owner > 0 && m.page[k].share)
			return pa;
		if (m.page[k].owner > 0 && !fallback)
			fallback = pa;
	}
	return fallback ? fallback : any_ram_page();
}

static u64 pick_pa(void)
{
	switch (below(10)) {
	case 0: case 1: case 2: case 3:
		return host_page();
	case 4:
		return any_ram_page();
	case 5:
		return T_REGION + (below(T_REGION_SIZE >> 12) << 12);
	case 6:	/* device space: mostly near the UART */
		return chance(90) ? 0x08000000UL + (below(8192) << 12) :
			below(1UL << 28) << 12;
	case 7:
		return host_page() + 1 + below(4095);
	case 8:
		return (1UL << 40) + (below(16) << 12);
	}
	return chance(50) ? ~0UL << 12 : any_ram_page();
}

static const u64 image_ipa = 0x80000000UL;

static u64 pick_ipa(void)
{
	switch (below(10)) {
	case 0: case 1: case 2: case 3: case 4:
		return below(64) << 12;
	case 5:
		return image_ipa + (below(8) << 12);
	case 6:
		return chance(20) ? below(1UL << 28) << 12 :
			0x40000000UL + (below(4096) << 12);
	case 7:
		return (below(64) << 12) + 1 + below(4095);
	case 8:
		return (1UL << 40) - 4096 + (chance(50) ? 4096 : 0);
	}
	return ~0UL - 4095;
}

static int live_vms(void)
{
	int i, n = 0;

	for (i = 0; i < CV_MAX_VMS; i++)
		n += m.vm[i].state != MS_FREE;
	return n;
}

static u64 pick_vmid(void)
{
	int i, live[CV_MAX_VMS], n = 0;

	for (i = 0; i < CV_MAX_VMS; i++)
		if (m.vm[i].state != MS_FREE)
			live[n++] = i + 1;
	if (n && chance(80))
		return live[below(n)];
	switch (below(4)) {
	case 0:
		return 0;
	case 1:
		return CV_MAX_VMS + 1;
	case 2:
		return rnd();
	}
	return 1 + below(CV_MAX_VMS);
}

static u64 pick_small(u64 n)
{
	return chance(90) ? below(n) : (chance(50) ? n : rnd());
}

/* A host page holding a valid public key / a signature for pages. */
static u64 key_page(void)
{
	u64 pa = host_page();
	u8 pk[32];

	t_keypair(pk);
	if (chance(90))
		memcpy(fake_peek(pa), pk, 32);
	else if (chance(50))
		memset(fake_peek(pa), 0, 32);
	return pa;
}

static u64 prep_pages[4];
static u64 prep_n;

/* Fill n fresh host pages with an image and sign it; returns the sig page. */
static u64 prepare_image(u64 n)
{
	u8 *img = malloc(n << 12), sig[64];
	u64 i, sig_pa = host_page();

	for (i = 0; i < n; i++) {
		prep_pages[i] = host_page();
		memset(fake_peek(prep_pages[i]), (int)rnd(), 4096);
		*(u64 *)fake_peek(prep_pages[i]) = rnd();
		memcpy(img + (i << 12), fake_peek(prep_pages[i]), 4096);
	}
	prep_n = n;
	t_sign_image(img, image_ipa, n << 12, sig);
	free(img);
	memcpy(fake_peek(sig_pa), sig, 64);
	if (chance(10))	/* the host tampers after signing */
		((u8 *)fake_peek(prep_pages[below(n)]))[below(4096)] ^= 1;
	return sig_pa;
}

static void random_script(struct m_vm *vm)
{
	int i;

	script.n = (int)below(3) + 1;
	for (i = 0; i < script.n - 1; i++) {
		struct g_step *s = &script.step[i];

		s->kind = (int)below(3);	/* SHARE, UNSHARE, SYSREG */
		s->ipa = chance(70) && vm->s2.nmap ?
			vm->s2.map[below(vm->s2.nmap)].ipa : pick_ipa();
	}
	{
		struct g_step *s = &script.step[script.n - 1];

		s->kind = G_MMIO + (int)below(6);
		if (s->kind == G_OFF && chance(70))
			s->kind = G_WFI;
		s->ipa = pick_ipa() & ((1UL << 40) - 1);
		s->esr_bits = (chance(80) ? 1UL << 24 : 0) | (below(4) << 22) |
			      (below(20) << 16 | (chance(30) ? 21UL << 16 : 0) |
			       (chance(5) ? 31UL << 16 : 0)) |
			      (chance(50) ? 1UL << 6 : 0) |
			      (chance(30) ? 1UL << 21 : 0) | (chance(50) ? 1UL << 15 : 0) |
			      (chance(50) ? 1 : 0);	/* WFx: TI, WFE */
		s->x[0] = chance(50) ? 0xC4000003UL : rnd() & 0xffffffff;
		if (s->x[0] == CV_GHC_SHARE || s->x[0] == CV_GHC_UNSHARE ||
		    s->x[0] == 0x84000008UL || s->x[0] == 0x84000009UL)
			s->x[0] = 0;
		s->x[1] = pick_small(CV_MAX_VCPUS);
		s->x[2] = image_ipa;
		s->x[3] = rnd();
	}
}

static u64 last_r[7];

/* Build the next call in r[]; returns 0, or 1 for a host access. */
/*
 * CV_HC_MAP_PAGES: mostly a host page listing host pages for a few IPAs
 * low in the first 2 MiB; sometimes empty entries, a page twice, pages
 * that are not the host's, a bad list page, a bad count or IPA.
 */
static void make_map_pages(u64 *r)
{
	u64 *list, i, n;
	long k;

	r[0] = CV_HC_MAP_PAGES;
	r[2] = chance(85) ? host_page() : pick_pa();
	n = chance(85) ? 1 + below(8) : pick_small(CV_MAP_PAGES_MAX + 1);
	r[3] = chance(80) ? below(64) << 12 : pick_ipa();
	r[4] = n;
	k = m_index(r[2]);
	if (k < 0 || m.page[k].owner != 0 || (r[2] & 7))
		return;
	/* write only into a host page, as a host can */
	list = fake_peek(r[2] & ~0xfffUL);
	for (i = 0; i < n && i < CV_MAP_PAGES_MAX; i++) {
		if (chance(15))
			list[i] = 0;
		else if (i && chance(5))
			list[i] = list[below(i)];
		else
			list[i] = chance(85) ? host_page() : pick_pa();
	}
	if (chance(10))
		r[2] += 8 * below(512);
}

/*
 * Every 200,000 calls from call 50,000 on, the slots fill (REGISTER_VM
 * until the 256th is refused) and then drain to 16 live VMs (TEARDOWN of
 * the highest READY one): exhaustion is in the model's calls, and the
 * live VMs do not pile up.  A phase ends after CV_MAX_VMS + 1 calls
 * whatever happened.  True if r is the phase's call.
 */
static bool fill_and_drain(u64 r[7])
{
	static int phase, left;
	static u64 n;
	int v;

	if (++n % 200000 == 50000) {
		phase = 1;
		left = CV_MAX_VMS + 1;
	}
	if (phase == 1 && left--) {
		if (live_vms() == CV_MAX_VMS) {	/* this one is refused */
			phase = 2;
			left = CV_MAX_VMS + 1;
		}
		r[0] = CV_HC_REGISTER_VM;
		return true;
	}
	if (phase == 1)
		phase = 0;
	if (phase == 2 && left-- > 0 && live_vms() > 16)
		for (v = CV_MAX_VMS; v; v--)
			if (m.vm[v - 1].state == MS_READY) {
				r[0] = CV_HC_TEARDOWN;
				r[1] = (u64)v;
				return true;
			}
	phase = 0;
	return false;
}

/*
 * VCPU_RUN_LRS's two list registers in one of x5, x6: mostly empty or a
 * pending interrupt, sometimes a HW one or any 32 (or 64) bits.
 */
static u64 lr_pair(void)
{
	u64 lr[2];
	int i;

	for (i = 0; i < 2; i++)
		lr[i] = chance(40) ? 0 : chance(85) ?
			(1UL << 28) | below(1024) :
			chance(50) ? 0x80000000UL | below(1024) |
				     (chance(50) ? 16 + below(16) : below(1024)) << 10 :
			rnd() & 0xffffffffUL;
	return chance(3) ? rnd() : lr[0] | lr[1] << 32;
}

/* Half the runs carry the list registers (ABI 1.6). */
static void pick_run(u64 *r)
{
	r[0] = CV_HC_VCPU_RUN;
	if (chance(50)) {
		r[0] = CV_HC_VCPU_RUN_LRS;
		r[5] = lr_pair();
		r[6] = lr_pair();
	}
}

static int make_call(u64 r[7])
{
	struct m_vm *vm;
	u64 vmid, k;

	memset(r, 0, 7 * sizeof(u64));
	if (fill_and_drain(r))
		return 0;
	if (chance(10)) {	/* the host touches memory */
		switch (below(5)) {
		case 0:
			r[1] = host_page();
			break;
		case 1:
			r[1] = vm_page();
			break;
		case 2:
			r[1] = any_ram_page();
			break;
		case 3:
			r[1] = pick_pa();
			break;
		default:
			r[1] = chance(90) ? 0x08000000UL + (below(8192) << 12) :
				below(1UL << 28) << 12;
		}
		return 1;
	}
	if (chance(3) && last_r[0]) {	/* the same call twice */
		memcpy(r, last_r, sizeof(last_r));
		return 0;
	}
	vmid = pick_vmid();
	vm = vmid >= 1 && vmid <= CV_MAX_VMS ? &m.vm[vmid - 1] : NULL;
	/* half the time: the next lifecycle step of a live VM */
	if (vm && vm->state != MS_FREE && chance(45)) {
		r[1] = vmid;
		k = 0;
		while (k < CV_MAX_IMAGES - 1 && vm->img[k].size &&
		       vm->img[k].next == vm->img[k].size >> 12 && chance(70))
			k++;
		if (vm->state == MS_READY && !vm->key_set) {
			r[0] = CV_HC_SET_VM_KEY;
			r[2] = key_page();
		} else if (vm->state == MS_READY && !vm->img[0].size) {
			r[0] = CV_HC_SET_BOOT_IMAGE;
			r[4] = (1 + below(3)) << 12;
			r[3] = image_ipa;
			r[5] = prepare_image(r[4] >> 12);
		} else if (vm->state == MS_READY &&
			   vm->img[0].next < vm->img[0].size >> 12) {
			r[0] = CV_HC_LOAD_IMAGE_PAGE;
			r[3] = vm->img[0].next < prep_n && chance(90) ?
				prep_pages[vm->img[0].next] : pick_pa();
		} else if (vm->state == MS_READY && chance(30)) {
			r[0] = CV_HC_VERIFY_IMAGES;
		} else if (vm->state == MS_READY) {
			r[0] = chance(70) ? CV_HC_TEARDOWN : CV_HC_UNMAP_PAGE;
			r[2] = vm->img[0].ipa;
		} else if (vm->vcpu[0].state == MV_NONE) {
			r[0] = CV_HC_REGISTER_VCPU;
		} else if (vm->state == MS_VERIFIED) {
			r[0] = CV_HC_POWER_ON;
			r[2] = image_ipa + (chance(90) ? 0 : 4096 * below(8));
		} else if (vm->state == MS_RUNNING) {
			pick_run(r);
			r[2] = chance(80) ? 0 : below(CV_MAX_VCPUS);
			r[4] = vm->vcpu[r[2]].pending == MP_HVC ? CV_RUN_HVC_RET :
			       vm->vcpu[r[2]].pending == MP_ABORT_ISV ?
			       CV_RUN_MMIO_DONE : vm->vcpu[r[2]].pending ?
			       CV_RUN_INJECT_DABT : CV_RUN_NONE;
			if (chance(20))
				r[4] = below(5);
			r[3] = rnd();
		} else {
			r[0] = chance(50) ? CV_HC_TEARDOWN : CV_HC_UNMAP_PAGE;
			r[2] = vm->s2.nmap ? vm->s2.map[below(vm->s2.nmap)].ipa : 0;
		}
		return 0;
	}
	switch (below(26)) {
	case 0:
		r[0] = below(3);		/* hyp-stub calls */
		r[1] = rnd();
		break;
	case 1:
		r[0] = chance(30) ? CV_HC_INIT : chance(50) ? CV_HC_ABI_VERSION :
		       chance(50) ? CV_HC_S2_ENABLED : CV_HC(below(0x200));
		if (chance(20))
			r[0] = rnd();
		r[1] = T_REGION;
		r[2] = T_REGION_SIZE;
		break;
	case 2: case 3:
		/*
		 * Past 16 live VMs (the slots of ABI 1.4), mostly end one:
		 * with 255 slots the live VMs would pile up, each getting
		 * few steps of its life and every check walking them all.
		 * Exhaustion is test/unit/vmids.c's and the fuzzer's.
		 */
		r[0] = live_vms() >= 16 && chance(95) ? CV_HC_TEARDOWN :
		       CV_HC_REGISTER_VM;
		break;
	case 4:
		r[0] = CV_HC_REGISTER_VCPU;
		r[2] = pick_small(CV_MAX_VCPUS);
		break;
	case 5:
		r[0] = CV_HC_SET_VM_KEY;
		r[2] = chance(50) ? key_page() : pick_pa() + below(4096);
		break;
	case 6:
		r[0] = CV_HC_SET_BOOT_IMAGE;
		r[2] = pick_small(CV_MAX_IMAGES);
		r[3] = chance(50) ? image_ipa : pick_ipa();
		r[4] = chance(80) ? (1 + below(4)) << 12 : rnd() >> below(64);
		r[5] = chance(50) ? prepare_image(1 + below(3)) : pick_pa();
		break;
	case 7:
		r[0] = CV_HC_LOAD_IMAGE_PAGE;
		r[2] = pick_small(CV_MAX_IMAGES);
		r[3] = pick_pa();
		break;
	case 8:
		r[0] = CV_HC_VERIFY_IMAGES;
		break;
	case 9:
		r[0] = CV_HC_POWER_ON;
		r[2] = chance(50) ? image_ipa : pick_ipa();
		break;
	case 10:
		r[0] = chance(50) ? CV_HC_VM_STOP : CV_HC_TLB_FLUSH_VM;
		if (chance(50)) {
			r[0] = CV_HC_MAP_DEVICE;
			r[2] = chance(70) ? 0x08000000UL + (below(64) << 12) :
				pick_pa();
			r[3] = pick_ipa();
		}
		break;
	case 11:
		r[0] = CV_HC_TEARDOWN;
		break;
	case 12: case 13: case 14:
		r[0] = CV_HC_MAP_PAGE;
		r[2] = pick_pa();
		r[3] = pick_ipa();
		break;
	case 15:
		r[0] = CV_HC_UNMAP_PAGE;
		r[2] = vm && vm->s2.nmap && chance(50) ?
			vm->s2.map[below(vm->s2.nmap)].ipa : pick_ipa();
		break;
	case 16: case 17:
		pick_run(r);
		r[2] = pick_small(CV_MAX_VCPUS);
		r[3] = rnd();
		r[4] = pick_small(4);
		break;
	case 18:
		r[0] = CV_HC_SET_TIMER_OFFSET + below(3);
		r[2] = pick_small(CV_MAX_VCPUS);
		r[3] = pick_small(CV_NR_LRS);
		r[4] = chance(50) ? rnd() & 0x7f0fffff : rnd();
		if (chance(30))
			r[4] = rnd() & 0x380fffff;
		break;
	case 19:
		r[0] = CV_HC_SMMU_ALLOC;
		r[1] = pick_small(CV_MAX_SMMU_CTX);
		r[2] = chance(50) ? 0 : vmid;
		break;
	case 20:
		r[0] = CV_HC_SMMU_FREE;
		r[1] = pick_small(CV_MAX_SMMU_CTX);
		break;
	case 21: case 22:
		r[0] = CV_HC_SMMU_MAP;
		r[1] = pick_small(CV_MAX_SMMU_CTX);
		r[3] = pick_pa();
		k = m_index(r[3]);
		/* VM contexts want iova == the page's guest address */
		r[2] = r[3] < (1UL << 40) && (long)k >= 0 && m.page[k].owner > 0 &&
			chance(70) ? m.page[k].gfn << 12 : pick_ipa();
		/* a VM context and one of that VM's pages, right or wrong iova */
		if (r[1] < CV_MAX_SMMU_CTX && m.ctx[r[1]].used &&
		    m.ctx[r[1]].vmid && chance(60)) {
			struct m_tables *t = &m.vm[m.ctx[r[1]].vmid - 1].s2;

			if (t->nmap) {
				k = below(t->nmap);
				r[3] = t->map[k].pa;
				r[2] = chance(60) ? t->map[k].ipa : pick_ipa();
			}
		}
		break;
	case 23:
		r[0] = CV_HC_SMMU_UNMAP;
		r[1] = pick_small(CV_MAX_SMMU_CTX);
		r[2] = chance(50) ? pick_ipa() : below(64) << 12;
		if (r[1] < CV_MAX_SMMU_CTX && m.ctx[r[1]].t.nmap && chance(70))
			r[2] = m.ctx[r[1]].t.map[below(m.ctx[r[1]].t.nmap)].ipa;
		break;
	case 24:
		make_map_pages(r);
		break;
	case 25:
		r[0] = CV_HC_GET_STAT;
		r[1] = pick_small(2);
		r[2] = pick_small(CV_STAT_NR);
		break;
	}
	if (!r[1] && r[0] >= CV_HC_REGISTER_VCPU && r[0] <= CV_HC_VCPU_RUN_LRS)
		r[1] = vmid;
	return 0;
}

static const unsigned int known[] = {
	0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
	0x20, 0x21, 0x22, 0x23, 0x24, 0x30, 0x31, 0x32, 0x33, 0x34, 0x40, 0x41, 0x42, 0x43,
};

static const char *hc_name(u64 id)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)id);
	return buf;
}

int main(int argc, char **argv)
{
	u64 calls = argc > 1 ? strtoull(argv[1], NULL, 0) : 1000000;
	const char *env = getenv("MODEL_SEED");
	u64 seed, i, n, violations = 0, r[7], out[4], mout[4], got_lrs[2];
	s64 got, want;

	if (argc > 2 && argv[2][0])
		seed = strtoull(argv[2], NULL, 0);
	else if (env && *env)
		seed = strtoull(env, NULL, 0);
	else
		seed = (u64)time(NULL) ^ ((u64)clock() << 20);
	rng = seed ? seed : 1;

	CHECK_EQ(t_boot(1), 0);
	model_init(&m, (int)core.vm_blocks.nr, (int)smmu_ctx_pages());
	fake_set_guest(guest);
	CHECK_EQ(check_invariants(&m), 0);

	for (i = 0; i < calls && !violations; i++) {
		int host = make_call(r), bad = 0;
		struct m_vm *mvm = r[1] >= 1 && r[1] <= CV_MAX_VMS ?
			&m.vm[r[1] - 1] : NULL;

		if (!host)
			memcpy(last_r, r, sizeof(last_r));
		memset(out, 0, sizeof(out));
		memset(mout, 0, sizeof(mout));
		if (host) {
			bool may = model_host_may(&m, r[1]);

			m.nscrubbed = 0;
			if (core_host_abort(0, r[1]) != may) {
				fprintf(stderr, "host access %#llx: got %d, model %d\n",
					(unsigned long long)r[1], !may, may);
				bad++;
			}
			if (may && m_index(r[1]) >= 0 && m.page[m_index(r[1])].owner == 0)
				((u8 *)fake_peek(r[1] & ~0xfffUL))[below(4096)] = (u8)rnd();
		} else {
			if (r[0] == CV_HC_VCPU_RUN || r[0] == CV_HC_VCPU_RUN_LRS) {
				random_script(mvm ? mvm : &m.vm[0]);
				step_now = 0;
				run_vm = r[1] <= CV_MAX_VMS ? r[1] : 0;
				run_vcpu = r[2] < CV_MAX_VCPUS ? r[2] : 0;
				memset(seen_x0, 0, sizeof(seen_x0));
			}
			got = hc_lrs(r, out, got_lrs);
			want = model_call(&m, r, &script, mout);
			if ((r[0] & CV_HC_MASK) == CV_HC(0) && (r[0] & 0xffff) < 0x50)
				(want >= 0 ? ok_count : err_count)[r[0] & 0xffff]++;
			if (r[0] == CV_HC_REGISTER_VCPU && !want)
				canary[r[1]][r[2]] = 0;
			if (got != want) {
				fprintf(stderr, "call %s(%#llx, %#llx, %#llx, %#llx, %#llx): got %lld, model %lld\n",
					hc_name(r[0]), (unsigned long long)r[1],
					(unsigned long long)r[2], (unsigned long long)r[3],
					(unsigned long long)r[4], (unsigned long long)r[5],
					(long long)got, (long long)want);
				bad++;
			} else if (r[0] == CV_HC_VCPU_RUN_LRS &&
				   (want >= 0 ? memcmp(got_lrs, m.run_lrs, 16) :
				    memcmp(got_lrs, &r[5], 16))) {
				fprintf(stderr, "call %s: x5 x6 %llx %llx, model %llx %llx\n",
					hc_name(r[0]), (unsigned long long)got_lrs[0],
					(unsigned long long)got_lrs[1],
					(unsigned long long)(want >= 0 ? m.run_lrs[0] : r[5]),
					(unsigned long long)(want >= 0 ? m.run_lrs[1] : r[6]));
				bad++;
			} else if (want >= 0 && (r[0] == CV_HC_VCPU_RUN ||
						 r[0] == CV_HC_VCPU_RUN_LRS ||
						 r[0] == CV_HC_GET_VIRQ) &&
				   memcmp(out, mout, sizeof(out))) {
				fprintf(stderr, "call %s: results %llx %llx %llx %llx, model %llx %llx %llx %llx\n",
					hc_name(r[0]), (unsigned long long)out[0],
					(unsigned long long)out[1], (unsigned long long)out[2],
					(unsigned long long)out[3], (unsigned long long)mout[0],
					(unsigned long long)mout[1], (unsigned long long)mout[2],
					(unsigned long long)mout[3]);
				bad++;
			}
			if ((r[0] == CV_HC_VCPU_RUN ||
			     r[0] == CV_HC_VCPU_RUN_LRS) && want > 0) {
				int s;

				for (s = 0; s + 1 < script.n; s++)
					if (script.step[s].kind != G_SYSREG &&
					    seen_x0[s] != m.guest_x0[s]) {
						fprintf(stderr, "guest step %d saw x0 %lld, model %lld\n",
							s, (long long)seen_x0[s],
							(long long)m.guest_x0[s]);
						bad++;
					}
			}
			if (guest_bad) {
				fprintf(stderr, "guest state corrupted or script overrun\n");
				bad++;
				guest_bad = 0;
			}
		}
		bad += check_invariants(&m);
		if (bad) {
			fprintf(stderr, "model: violation at call %llu; replay with MODEL_SEED=%llu make -C corevisor test\n",
				(unsigned long long)i, (unsigned long long)seed);
			violations++;
		}
	}
	CHECK_EQ(violations, 0);
	/* coverage: every call must have succeeded and failed at least once */
	printf("model: successes/refusals per call:");
	for (n = 0; n < ARRAY_SIZE(known); n++)
		printf(" %llx:%lu/%lu", (unsigned long long)known[n],
		       ok_count[known[n]], err_count[known[n]]);
	printf("\n");
	for (n = 0; calls >= 100000 && n < ARRAY_SIZE(known); n++)
		if (known[n] > 3 && known[n] != 0x22)
			CHECK(ok_count[known[n]] && err_count[known[n]]);
	t_finish("model");
	printf("model: %llu calls, %llu violations, seed %llu\n",
	       (unsigned long long)i, (unsigned long long)violations,
	       (unsigned long long)seed);
	return t_failed ? 1 : 0;
}
