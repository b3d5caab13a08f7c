// SPDX-License-Identifier: GPL-2.0-only
/*
 * A hostile host: an EL1 fuzzer against the real corevisor at EL2.
 *
 * Built into its own test image (out/el2/test-fuzz.elf): this file
 * includes main.c, so the image first does the EL2 test's hand-over and
 * checks, then the fuzzer runs (fuzz_main) on both CPUs.
 *
 * Phase 1, CPU 0 alone: FUZZ_CALLS * 9/10 hypercalls, a mix of
 *   - steps of valid VM lifecycles (register, vCPUs, key, image, load,
 *     data pages, SMMU contexts, verify, power on, stop, unmap,
 *     teardown) on up to four VMs at a time;
 *   - VCPU_RUNs answering the last exit the way a VMM would, with the
 *     guest (fuzzguest.S) told what to do next: MMIO, WFI, share and
 *     unshare, write its secret into its pages, power off, start a vCPU;
 *   - near-valid and random calls: every call id with arguments drawn
 *     from host pages, pages the host gave away, corevisor pages, device
 *     pages, unaligned and wrapping addresses, live and dead vmids, and
 *     vCPU, list-register, slot and context indices in and out of range;
 *   - unknown ids and SMCs.
 * A shadow of what the host gave to whom (only from calls that
 * succeeded) lets it check, after every call:
 *   - the corevisor is alive (CV_HC_ABI_VERSION answers);
 *   - a corevisor page (random address in the region) and a page the
 *     host gave to a VM (and the VM did not share) fault for the host
 *     with the injected abort; a page the host still owns does not;
 *   - a page that comes back (unmap, teardown) is all zeros;
 *   - x1..x30 are what the host passed, except the documented results
 *     (x1..x4 of a successful VCPU_RUN, GET_VIRQ, SMMU_ALLOC);
 *   - no register holds GUEST_SECRET after any call;
 *   - the corevisor never accepts what it must refuse: a corevisor page
 *     or another VM's page given to a VM or an SMMU context, a page a
 *     device can reach given to a VM, RAM or the GICH as a VM device, a
 *     vmid that is still live handed out again, a vCPU of a VM that is
 *     off running again.
 * Phase 2, both CPUs: rounds of two running VMs with two vCPUs each,
 * both CPUs racing VCPU_RUN, VM_STOP, TEARDOWN, MAP_PAGE, UNMAP_PAGE
 * and vGIC calls on them; after each round every page given away must
 * be zeros and every other page as the host left it.
 *
 * Reproducible: the seed (FUZZ_SEED) is printed, and phase 1 is the same
 * for the same seed; phase 2 depends on how the CPUs interleave.  On the
 * first failure it prints the last calls of each CPU and stops.
 *
 * Known holes (issue 12): checks for holes not closed yet are "KNOWN"
 * lines, not failures, unless named in FUZZ_HOLES (make variable):
 *   smmu  SMMU_ALLOC of a VERIFIED VM, SMMU_MAP into a running VM's
 *         context, and the SMMU's MMIO (QEMU virt: 0x09050000) readable
 *         by the host;
 *   stop  a vCPU of a VM that is off keeps re-entering the guest (more
 *         than STOP_SLACK guest-handled exits after the VM went off);
 *   install  a VM call (REGISTER_VM) accepted on CPU 0 while CPU 1,
 *         listed in the boot info, still runs the host without stage 2.
 */
#include "main.c"

#ifndef FUZZ_CALLS
#define FUZZ_CALLS	200000
#endif
#ifndef FUZZ_SEED
#define FUZZ_SEED	1
#endif
/* Print every call from this one on: finds the call a hang is in. */
#ifndef FUZZ_TRACE_FROM
#define FUZZ_TRACE_FROM	(~0UL)
#endif
#ifndef FUZZ_HOLE_SMMU
#define FUZZ_HOLE_SMMU	0
#endif
#ifndef FUZZ_HOLE_STOP
#define FUZZ_HOLE_STOP	0
#endif
#ifndef FUZZ_HOLE_INSTALL
#define FUZZ_HOLE_INSTALL	0
#endif

extern char fuzz_guest[], fuzz_guest_end[], fuzz_pub[], fuzz_sig[];

/* Free RAM between the test image and the lowest region: host pages. */
#define FZ_META		0x45f00000UL	/* key, signature, guest master */
#define FZ_KEY		(FZ_META)
#define FZ_SIG		(FZ_META + PAGE)
#define FZ_POOL		0x46000000UL
#define NPOOL		64
#define NSLOTS		16		/* guest pages GUEST_IPA + k * PAGE */
#define MAX_LIVE	4
#define SMMU_MMIO	0x09050000UL
#define PATTERN		0x4655a5a5a5a5a5a5UL
#define REPORT		0x46550000UL
#define FAULT_REPORT	0x46460000UL
#define NLOG		64
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define STOP_SLACK	3
#define RACE_VMS	2
#define RACE_ROUND_OPS	400

/* guest commands (fuzzguest.S) */
enum {
	CMD_NOP, CMD_MMIO_W, CMD_MMIO_R, CMD_WFI, CMD_WRITE_SECRET, CMD_SHARE,
	CMD_UNSHARE, CMD_CHECK, CMD_OFF, CMD_RESET, CMD_CPU_ON, CMD_VERSION,
	CMD_READ, CMD_SPIN, CMD_WRITE_LOOP, CMD_TIMER,
};

enum { VS_FREE, VS_READY, VS_VERIFIED, VS_RUNNING, VS_OFF };

struct fz_page {
	u32 owner;	/* 0: host */
	u64 ipa;
	bool shared;
	u32 smmu;	/* host SMMU mappings */
};

struct fz_image {
	u64 ipa, size, next;
};

struct fz_vcpu {
	bool reg, started;
	u64 exit;	/* last CV_EXIT_*, 0 before the first run */
	u64 flags;	/* abort flags of the last exit */
	u64 cmd;	/* last command given */
	u64 answered;	/* value of the last CV_RUN_SYSREG_DONE */
	u64 hvc;	/* guest x0 of the last CV_EXIT_HVC */
};

struct fz_vm {
	int state;
	bool key, loaded;
	u32 smmu;
	struct fz_image img[CV_MAX_IMAGES];
	struct fz_vcpu vcpu[CV_MAX_VCPUS];
};

#define CTX_MAPS	128

struct fz_ctx {
	bool used;
	u32 vmid;
	u32 n;			/* mappings: iova[i] -> pool page pg[i] */
	u64 iova[CTX_MAPS];
	int pg[CTX_MAPS];
};

struct fz_log {
	u64 n, in[6], out[2];
};

static struct fz_page pages[NPOOL];
static struct fz_vm vms[CV_MAX_VMS + 1];
static struct fz_ctx ctxs[CV_MAX_SMMU_CTX];
static u64 rng[2];
static struct fz_log logs[2][NLOG];
static u64 ncalls[2];
static u64 stat_run, stat_exit[CV_EXIT_SYSREG + 1], stat_refused, stat_vms_run, stat_zero,
	stat_probe, stat_smmu_map, stat_share;

/* the last MAP_PAGES list (snapshot_list), and lists accepted */
static u64 list_copy[CV_MAP_PAGES_MAX], stat_list;
static bool list_known;

/* known holes: how often each check saw one */
static u64 hole_smmu, hole_stop, hole_install;

/* CPU 1 -> CPU 0: a failure on CPU 1 */
static const char *cpu1_fail_why;
static u64 cpu1_fail_val;

/* ----------------------------------------------------------- basics */

static u64 rnd(void)
{
	u64 *s = &rng[cpu_id()], z;

	*s += 0x9e3779b97f4a7c15UL;
	z = *s;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
	return z ^ (z >> 31);
}

static u64 below(u64 n)
{
	return n ? rnd() % n : 0;
}

static bool chance(u32 percent)
{
	return below(100) < percent;
}

static u64 pool_pa(int i)
{
	return FZ_POOL + (u64)i * PAGE;
}

static int pool_index(u64 pa)
{
	if (pa < FZ_POOL || pa >= FZ_POOL + NPOOL * PAGE || (pa & (PAGE - 1)))
		return -1;
	return (pa - FZ_POOL) / PAGE;
}

static bool in_region(u64 pa)
{
	return pa >= REGION_BASE && pa - REGION_BASE < REGION_SIZE;
}

static bool in_ram(u64 pa)
{
	return pa >= RAM_BASE && pa - RAM_BASE < RAM_SIZE;
}

static void dump_log(unsigned int cpu)
{
	u64 n = LOAD(ncalls[cpu]), i, first = n > 24 ? n - 24 : 0;
	int j;

	out_s("fuzz: last calls of cpu ");
	out_u(cpu);
	out_s(" (call: x0..x5 -> x0 x1)\n");
	for (i = first; i < n; i++) {
		struct fz_log *l = &logs[cpu][i % NLOG];

		out_s("  #");
		out_u(l->n);
		out_s(":");
		for (j = 0; j < 6; j++) {
			out_s(" ");
			out_hex(l->in[j]);
		}
		out_s(" ->");
		for (j = 0; j < 2; j++) {
			out_s(" ");
			out_hex(l->out[j]);
		}
		out_s("\n");
	}
}

static void fuzz_dump(void)
{
	out_s("fuzz: seed ");
	out_hex(FUZZ_SEED);
	out_s(", rerun: make -C corevisor fuzz N=");
	out_u(FUZZ_CALLS);
	out_s(" SEED=");
	out_hex(FUZZ_SEED);
	out_s("\n");
	dump_log(0);
	dump_log(1);
}

static void __attribute__((noreturn)) fz_fail(const char *why, u64 val)
{
	if (cpu_id()) {
		STORE(cpu1_fail_val, val);
		STORE(cpu1_fail_why, why);
		for (;;)
			;
	}
	fail("fuzz", why, val);
	stop_test();		/* prints the last calls */
}

static void fz_check(bool ok, const char *why, u64 val)
{
	if (!ok)
		fz_fail(why, val);
}

/* A check for a known hole: a failure only when FUZZ_HOLES names it. */
static void fz_hole(bool ok, bool strict, u64 *seen, const char *why,
		    u64 val)
{
	if (ok)
		return;
	if (strict)
		fz_fail(why, val);
	__atomic_add_fetch(seen, 1, __ATOMIC_RELAXED);
}

static void cpu1_failed(void)
{
	const char *why = LOAD(cpu1_fail_why);

	if (why) {
		fail("fuzz cpu1", why, LOAD(cpu1_fail_val));
		stop_test();
	}
}

/* ------------------------------------------------------------ calls */

static bool is_run(u64 id)
{
	return id == CV_HC_VCPU_RUN || id == CV_HC_VCPU_RUN_LRS;
}

/* VCPU_RUN_LRS's x6 (fz_call passes x0..x5): set by run_vcpu. */
static u64 fz_run_x6;
static u64 gen_lr_pair(bool sane);

static bool returns_regs(u64 id)
{
	return is_run(id) || id == CV_HC_GET_VIRQ ||
	       id == CV_HC_SMMU_ALLOC || id == CV_HC_GET_STAT;
}

/*
 * One hypercall with every register set and checked.  x6..x30 get
 * values from the generator; afterwards the ones the ABI does not
 * return must be unchanged and none may be the guest's secret.
 */
static s64 fz_call(u64 id, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5,
		   u64 *res)
{
	unsigned int cpu = cpu_id();
	u64 in[31], out[31], n = ncalls[cpu];
	struct fz_log *l = &logs[cpu][n % NLOG];
	int i, first;
	s64 r;

	in[0] = id;
	in[1] = a1;
	in[2] = a2;
	in[3] = a3;
	in[4] = a4;
	in[5] = a5;
	for (i = 6; i < 31; i++)
		in[i] = HOST_PATTERN | i | n << 8;
	if (id == CV_HC_VCPU_RUN_LRS)
		in[6] = fz_run_x6;
	l->n = n;
	for (i = 0; i < 6; i++)
		l->in[i] = in[i];
	l->out[0] = l->out[1] = ~0UL;
	STORE(ncalls[cpu], n + 1);
	if (n >= FUZZ_TRACE_FROM) {
		out_s("  #");
		out_u(n);
		for (i = 0; i < 6; i++) {
			out_s(" ");
			out_hex(in[i]);
		}
		out_s("\n");
	}
	/*
	 * A host always has its tick: a guest that loops without an exit
	 * (an exception loop in a page of zeros, say) must still give the
	 * CPU back, as an IRQ exit.
	 */
	if (is_run(id))
		host_timer_irq(true);
	hvc_all(in, out);
	if (is_run(id))
		host_timer_irq(false);
	r = (s64)out[0];
	l->out[0] = out[0];
	l->out[1] = out[1];
	first = !returns_regs(id) || r < 0 ? 1 :
		id == CV_HC_VCPU_RUN_LRS ? 7 : 5;
	for (i = first; i < 31; i++)
		if (out[i] != in[i])
			fz_fail("a host register changed, register", i);
	for (i = 0; i < 31; i++)
		if (out[i] == GUEST_SECRET)
			fz_fail("guest secret in host register", i);
	if (res)
		for (i = 0; i < 5; i++)
			res[i] = out[i];
	if (r < 0)
		stat_refused++;
	return r;
}

static void zero_mem(void *p, u64 n)
{
	u8 *b = p;

	while (n--)
		*b++ = 0;
}

/* ----------------------------------------------------------- probes */

/* Whether a read (or write) of pa faulted with the injected abort. */
static bool probe_faults(u64 pa, bool write)
{
	return expect_abort(pa, write) == NULL;
}

static bool reads_ok(u64 pa)
{
	struct fault *f = &faults[cpu_id()];
	u64 before = LOAD(f->count);

	probe_read(pa);
	return LOAD(f->count) == before;
}

static void page_fill(u64 pa, u64 val)
{
	u64 *p = (u64 *)pa;
	int i;

	for (i = 0; i < (int)(PAGE / 8); i++)
		p[i] = val;
}

static bool page_is(u64 pa, u64 val)
{
	u64 *p = (u64 *)pa;
	int i;

	for (i = 0; i < (int)(PAGE / 8); i++)
		if (LOAD(p[i]) != val)
			return false;
	return true;
}

/* A page is back with the host: readable, and all zeros. */
static void check_back(int i)
{
	u64 pa = pool_pa(i);

	fz_check(reads_ok(pa), "page given back still faults", pa);
	fz_check(page_is(pa, 0), "page given back not zeroed", pa);
	stat_zero++;
}

static void check_alive(void)
{
	s64 r = hvc(CV_HC_ABI_VERSION, 0, 0, 0, 0, 0);

	fz_check(r == CV_ABI_VERSION, "ABI version call answered", (u64)r);
}

/* After every call: the probes that must (not) fault. */
static void check_probes(void)
{
	u64 pa = REGION_BASE + (below(REGION_SIZE) & ~7UL);
	bool write = chance(25);
	int i, n;

	fz_check(probe_faults(pa, write), write ? "corevisor page writable" :
		 "corevisor page readable", pa);
	for (n = 0; n < 4; n++) {
		i = below(NPOOL);
		if (pages[i].owner && !pages[i].shared) {
			fz_check(probe_faults(pool_pa(i), false),
				 "VM page readable by the host", pool_pa(i));
			break;
		}
	}
	for (n = 0; n < 4; n++) {
		i = below(NPOOL);
		if (!pages[i].owner) {
			fz_check(reads_ok(pool_pa(i)),
				 "host page faults for the host", pool_pa(i));
			break;
		}
	}
	stat_probe++;
}

/* ------------------------------------------------------- generators */

static u64 gen_any_vmid(void)
{
	u64 live[CV_MAX_VMS], n = 0, v;

	for (v = 1; v <= CV_MAX_VMS; v++)
		if (vms[v].state != VS_FREE)
			live[n++] = v;
	switch (below(10)) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		if (n)
			return live[below(n)];
		/* fall through */
	case 6:
		return below(CV_MAX_VMS + 3);
	case 7:
		return 0;
	case 8:
		/* a live one with a bit above the 8-bit VMID or above 32 */
		return (below(2) ? 1UL << 32 : 1UL << 8) |
		       (n ? live[below(n)] : below(4));
	default:
		return rnd();
	}
}

static int host_page(void)
{
	int n, i;

	for (n = 0; n < 16; n++) {
		i = below(NPOOL);
		if (!pages[i].owner && !pages[i].smmu)
			return i;
	}
	return -1;
}

static u64 gen_device(void)
{
	static const u64 dev[] = {
		UART_BASE, GICD_BASE, GICC_BASE, GICH_BASE, GICH_BASE + PAGE,
		GICV_BASE, SMMU_MMIO, 0, 0x0a000000UL, 0x3eff0000UL,
		0x10000000UL,
	};

	return dev[below(ARRAY_SIZE(dev))];
}

/* A physical address: every kind a host could name. */
static u64 gen_pa(void)
{
	int i;

	switch (below(12)) {
	case 0: case 1: case 2:
		i = host_page();
		return pool_pa(i < 0 ? (int)below(NPOOL) : i);
	case 3: case 4:
		return pool_pa(below(NPOOL));
	case 5:
		return REGION_BASE + (below(REGION_SIZE) & ~(PAGE - 1));
	case 6:
		return below(2) ? BOOT_INFO_PA : REGION_BASE + REGION_SIZE - PAGE;
	case 7:
		return gen_device();
	case 8:
		return pool_pa(below(NPOOL)) + 1 + below(PAGE - 1);
	case 9: {
		static const u64 wrap[] = {
			~0UL & ~(PAGE - 1), ~0UL, 1UL << 63, 1UL << 40,
			(1UL << 40) - PAGE, RAM_BASE + RAM_SIZE,
			RAM_BASE + RAM_SIZE - PAGE + (1UL << 48), 1UL << 48,
		};
		return wrap[below(ARRAY_SIZE(wrap))];
	}
	case 10:
		return rnd() & ~(PAGE - 1);
	default:
		return rnd();
	}
}

static u64 slot_ipa(u64 k)
{
	return GUEST_IPA + k * PAGE;
}

/* A guest address: mostly one of the slots, sometimes not valid. */
static u64 gen_ipa(void)
{
	switch (below(10)) {
	case 0:
		return slot_ipa(below(NSLOTS)) + 1 + below(PAGE - 1);
	case 1: {
		static const u64 bad[] = {
			1UL << 40, (1UL << 40) - PAGE, ~0UL & ~(PAGE - 1),
			1UL << 63, 0, GICV_BASE,
		};
		return bad[below(ARRAY_SIZE(bad))];
	}
	case 2:
		return rnd() & ((1UL << 40) - PAGE);
	default:
		return slot_ipa(below(NSLOTS));
	}
}

static u64 gen_index(u64 limit)
{
	switch (below(6)) {
	case 0:
		return limit + below(3);
	case 1:
		return rnd();
	case 2:
		return ~0UL;
	default:
		return below(limit);
	}
}

/* iovas of an SMMU context: mostly 0..15 low pages, 16..31 guest slots */
static u64 iova_of(int s)
{
	return s < 16 ? (u64)s * PAGE : slot_ipa(s - 16);
}

static int ctx_find(const struct fz_ctx *c, u64 iova)
{
	u32 i;

	for (i = 0; i < c->n; i++)
		if (c->iova[i] == iova)
			return i;
	return -1;
}

static u64 gen_iova(void)
{
	if (chance(85))
		return iova_of(below(32));
	return gen_ipa();
}

/* ------------------------------------------------------------ shadow */

static void vm_freed(u64 v)
{
	int i;

	for (i = 0; i < NPOOL; i++)
		if (pages[i].owner == v) {
			pages[i].owner = 0;
			pages[i].shared = false;
			check_back(i);
		}
	for (i = 0; i < (int)ARRAY_SIZE(vms[v].img); i++)
		vms[v].img[i].size = 0;
	vms[v].state = VS_FREE;
}

static int page_at(u64 v, u64 ipa)
{
	int i;

	for (i = 0; i < NPOOL; i++)
		if (pages[i].owner == v && pages[i].ipa == ipa)
			return i;
	return -1;
}

static bool in_image(const struct fz_vm *vm, u64 ipa)
{
	int i;

	for (i = 0; i < CV_MAX_IMAGES; i++)
		if (vm->img[i].size && ipa >= vm->img[i].ipa &&
		    ipa - vm->img[i].ipa < vm->img[i].size)
			return true;
	return false;
}

/*
 * A call named page pa for vm v at ipa and succeeded: the host must
 * have owned it, and no device could reach it.
 */
static void page_given(u64 v, u64 pa, u64 ipa)
{
	int i = pool_index(pa);

	fz_check(!in_region(pa), "corevisor page given to a VM", pa);
	fz_check(in_ram(pa), "non-RAM accepted as a VM page", pa);
	if (i < 0)
		fz_fail("unexpected page given to a VM", pa);
	fz_check(!pages[i].owner, "another VM's page given to a VM", pa);
	fz_check(!pages[i].smmu, "page a device can reach given to a VM", pa);
	fz_check(!(ipa & (PAGE - 1)) && ipa < (1UL << 40),
		 "bad guest address accepted", ipa);
	pages[i].owner = v;
	pages[i].ipa = ipa;
	pages[i].shared = false;
}

/* Apply a successful call to the shadow, checking what it accepted. */
static void apply(u64 id, const u64 *a, const u64 *res)
{
	u64 v = a[1];
	struct fz_vm *vm = v >= 1 && v <= CV_MAX_VMS ? &vms[v] : NULL;
	int i, s;

	if (id >= CV_HC_REGISTER_VCPU && id <= CV_HC_MAP_DEVICE &&
	    id != CV_HC_REGISTER_VM)
		fz_check(vm && vm->state != VS_FREE, "call on a free vmid", v);
	if (is_run(id) || id == CV_HC_SET_TIMER_OFFSET ||
	    id == CV_HC_GET_VIRQ || id == CV_HC_SET_VIRQ) {
		fz_check(vm && vm->state != VS_FREE, "vCPU call on a free vmid",
			 v);
		fz_check(a[2] < CV_MAX_VCPUS && vm->vcpu[a[2]].reg,
			 "call on a vCPU never registered", a[2]);
	}
	switch (id) {
	case CV_HC_REGISTER_VM:
		v = res[0];
		fz_check(v >= 1 && v <= CV_MAX_VMS, "vmid out of range", v);
		fz_check(vms[v].state == VS_FREE, "live vmid handed out", v);
		zero_mem(&vms[v], sizeof(vms[v]));
		vms[v].state = VS_READY;
		break;
	case CV_HC_REGISTER_VCPU:
		fz_check(a[2] < CV_MAX_VCPUS && !vm->vcpu[a[2]].reg,
			 "vCPU registered twice", a[2]);
		fz_check(vm->state == VS_READY || vm->state == VS_VERIFIED,
			 "vCPU added to a VM that runs", vm->state);
		vm->vcpu[a[2]].reg = true;
		break;
	case CV_HC_SET_VM_KEY:
		fz_check(!in_region(a[2]), "key read from a corevisor page",
			 a[2]);
		fz_check(pool_index(a[2] & ~(PAGE - 1)) < 0 ||
			 !pages[pool_index(a[2] & ~(PAGE - 1))].owner,
			 "key read from a VM page", a[2]);
		vm->key = true;
		break;
	case CV_HC_SET_BOOT_IMAGE:
		fz_check(!in_region(a[5]), "signature read from a corevisor page",
			 a[5]);
		fz_check(pool_index(a[5] & ~(PAGE - 1)) < 0 ||
			 !pages[pool_index(a[5] & ~(PAGE - 1))].owner,
			 "signature read from a VM page", a[5]);
		fz_check(vm->state == VS_READY, "image set after verify", v);
		vm->img[a[2]].ipa = a[3];
		vm->img[a[2]].size = a[4];
		vm->img[a[2]].next = 0;
		break;
	case CV_HC_LOAD_IMAGE_PAGE: {
		struct fz_image *img = &vm->img[a[2]];

		fz_check(vm->state == VS_READY, "image page after verify", v);
		page_given(v, a[3], img->ipa + img->next * PAGE);
		img->next++;
		break;
	}
	case CV_HC_VERIFY_IMAGES:
		fz_check(vm->state == VS_READY, "verified twice", v);
		vm->state = VS_VERIFIED;
		break;
	case CV_HC_POWER_ON:
		fz_check(vm->state == VS_VERIFIED, "power on unverified", v);
		vm->state = VS_RUNNING;
		vm->vcpu[0].started = true;
		vm->vcpu[0].exit = 0;
		vm->vcpu[0].cmd = 0;
		vm->vcpu[0].hvc = 0;
		stat_vms_run++;
		break;
	case CV_HC_VM_STOP:
		vm->state = VS_OFF;
		break;
	case CV_HC_TEARDOWN:
		fz_check(vm->state != VS_RUNNING, "running VM torn down", v);
		/* teardown unbinds the VM's SMMU contexts (ABI 1.2) */
		for (s = 0; s < CV_MAX_SMMU_CTX; s++)
			if (ctxs[s].used && ctxs[s].vmid == v)
				ctxs[s].used = false;
		vm->smmu = 0;
		vm_freed(v);
		break;
	case CV_HC_MAP_PAGE:
		fz_check(vm->state != VS_OFF, "page mapped into an off VM", v);
		page_given(v, a[2], a[3]);
		break;
	case CV_HC_MAP_PAGES:
		fz_check(vm && vm->state != VS_FREE, "call on a free vmid", v);
		fz_check(vm->state != VS_OFF, "pages mapped into an off VM", v);
		fz_check(list_known, "a list taken from a page not the host's",
			 a[2]);
		fz_check(a[4] >= 1 && a[4] <= CV_MAP_PAGES_MAX,
			 "list length accepted", a[4]);
		fz_check(a[3] >> 21 == (a[3] + (a[4] - 1) * PAGE) >> 21,
			 "list across a 2 MiB block accepted", a[3]);
		for (i = 0; i < (int)a[4]; i++)
			if (list_copy[i])
				page_given(v, list_copy[i], a[3] + i * PAGE);
		stat_list++;
		break;
	case CV_HC_GET_STAT:
		fz_check(a[1] < 2 && a[2] < CV_STAT_NR,
			 "counter read out of range", a[1] << 32 | a[2]);
		break;
	case CV_HC_UNMAP_PAGE:
		fz_check(vm->state == VS_READY || vm->state == VS_OFF,
			 "page unmapped from a verified VM", vm->state);
		i = page_at(v, a[2]);
		if (i >= 0) {
			fz_check(!vm->smmu, "page unmapped under an SMMU context",
				 v);
			pages[i].owner = 0;
			pages[i].shared = false;
			check_back(i);
		}
		break;
	case CV_HC_MAP_DEVICE:
		fz_check(!in_ram(a[2]), "RAM mapped as a VM device", a[2]);
		fz_check(a[2] != GICH_BASE && a[2] != GICH_BASE + PAGE,
			 "GICH mapped into a VM", a[2]);
		fz_check(vm->state == VS_READY || vm->state == VS_VERIFIED,
			 "device mapped into a VM that ran", vm->state);
		break;
	case CV_HC_SMMU_ALLOC:
		fz_check(in_region(res[1]), "SMMU table outside the region",
			 res[1]);
		fz_check(probe_faults(res[1], false), "SMMU table readable by the host",
			 res[1]);
		if (a[2]) {
			fz_check(a[2] <= CV_MAX_VMS &&
				 vms[a[2]].state != VS_FREE,
				 "SMMU context for a free vmid", a[2]);
			vm = &vms[a[2]];
			fz_check(vm->state == VS_READY ||
				 vm->state == VS_VERIFIED,
				 "SMMU context for a VM that ran", vm->state);
			fz_hole(vm->state == VS_READY, FUZZ_HOLE_SMMU,
				&hole_smmu, "SMMU context for a verified VM",
				a[2]);
			vm->smmu++;
		}
		ctxs[a[1]].used = true;
		ctxs[a[1]].vmid = a[2];
		ctxs[a[1]].n = 0;
		break;
	case CV_HC_SMMU_FREE:
		for (s = 0; s < (int)ctxs[a[1]].n; s++)
			if (!ctxs[a[1]].vmid)
				pages[ctxs[a[1]].pg[s]].smmu--;
		if (ctxs[a[1]].vmid) {
			vm = &vms[ctxs[a[1]].vmid];
			fz_check(vm->state != VS_RUNNING,
				 "SMMU context of a running VM freed",
				 ctxs[a[1]].vmid);
			vm->smmu--;
		}
		ctxs[a[1]].used = false;
		break;
	case CV_HC_SMMU_MAP: {
		struct fz_ctx *c = &ctxs[a[1]];

		i = pool_index(a[3]);
		fz_check(!in_region(a[3]), "corevisor page mapped for DMA",
			 a[3]);
		fz_check(i >= 0, "unexpected page mapped for DMA", a[3]);
		fz_check(!(a[2] & (PAGE - 1)) && a[2] < (1UL << 40),
			 "bad iova accepted", a[2]);
		fz_check(ctx_find(c, a[2]) < 0, "iova mapped twice", a[2]);
		fz_check(c->n < CTX_MAPS, "fuzzer: too many DMA mappings", c->n);
		if (!c->vmid) {
			fz_check(!pages[i].owner,
				 "VM page mapped into a host SMMU context",
				 a[3]);
			pages[i].smmu++;
		} else {
			fz_check(pages[i].owner == c->vmid,
				 "another VM's page mapped for DMA", a[3]);
			fz_check(pages[i].ipa == a[2],
				 "VM page mapped for DMA at another address",
				 a[2]);
			fz_check(!in_image(&vms[c->vmid], a[2]),
				 "VM image mapped for DMA", a[2]);
			/* a running guest consents by sharing the page */
			fz_hole(vms[c->vmid].state != VS_RUNNING ||
				pages[i].shared, FUZZ_HOLE_SMMU, &hole_smmu,
				"running VM's private page mapped for DMA",
				a[3]);
		}
		c->iova[c->n] = a[2];
		c->pg[c->n++] = i;
		stat_smmu_map++;
		break;
	}
	case CV_HC_SMMU_UNMAP: {
		struct fz_ctx *c = &ctxs[a[1]];

		s = ctx_find(c, a[2]);
		fz_check(s >= 0, "unmapped an iova never mapped", a[2]);
		if (!c->vmid)
			pages[c->pg[s]].smmu--;
		c->n--;
		c->iova[s] = c->iova[c->n];
		c->pg[s] = c->pg[c->n];
		break;
	}
	}
}

/* --------------------------------------------------------- vCPU runs */

static u64 gen_cmd(void)
{
	static const u8 mix[] = {
		CMD_NOP, CMD_MMIO_W, CMD_MMIO_R, CMD_WFI, CMD_WRITE_SECRET,
		CMD_WRITE_SECRET, CMD_WRITE_SECRET, CMD_SHARE, CMD_SHARE,
		CMD_UNSHARE, CMD_CHECK, CMD_VERSION, CMD_READ, CMD_READ,
		CMD_SPIN, CMD_WRITE_LOOP, CMD_CPU_ON, CMD_TIMER,
	};
	u64 cmd = mix[below(ARRAY_SIZE(mix))], arg = below(256), ipa;

	/* rare: each new VM costs a signature check (slow under TCG) */
	if (!below(400))
		cmd = CMD_OFF;
	else if (!below(1000))
		cmd = CMD_RESET;
	if (cmd == CMD_CPU_ON)
		arg = below(CV_MAX_VCPUS + 1);
	ipa = slot_ipa(1 + below(NSLOTS - 1));
	if (chance(5))
		ipa = GUEST_IPA;
	else if (chance(3))
		ipa = rnd() & 0xfffffff000UL;
	return cmd | arg << 4 | ipa;
}

/*
 * A CV_EXIT_SYSREG: only the guest's CMD_TIMER makes one, a CVAL write
 * of the command's argument or a CTL read, which shows no value.
 */
static void sysreg_exit(const struct fz_vcpu *c, const u64 *res)
{
	fz_check((c->cmd & 0xf) == CMD_TIMER, "sysreg exit of another command",
		 c->cmd);
	if (res[2]) {
		fz_check(res[1] == CV_SYSREG_CNTP_CVAL &&
			 res[3] == (c->cmd >> 4 & 0xff),
			 "timer write forwarded wrong", res[1] << 32 | res[3]);
	} else {
		fz_check(res[1] == CV_SYSREG_CNTP_CTL && !res[3],
			 "timer read forwarded wrong", res[1] << 32 | res[3]);
	}
}

/* A VCPU_RUN returned res[]: what the host learns from it. */
static void ran(u64 v, u64 idx, u64 action, u64 value, const u64 *res)
{
	struct fz_vm *vm = &vms[v];
	struct fz_vcpu *c = &vm->vcpu[idx];
	u64 kind = res[0];
	int i;

	/* telling a vCPU of a VM that is off so is not running it */
	if (vm->state == VS_OFF && kind == CV_EXIT_OFF)
		return;
	fz_check(vm->state == VS_RUNNING, "vCPU of a VM not running ran",
		 vm->state);
	fz_check(c->started, "vCPU never started ran", idx);
	fz_check(kind >= CV_EXIT_IRQ && kind <= CV_EXIT_SYSREG,
		 "unknown exit kind", kind);
	stat_run++;
	stat_exit[kind]++;
	/*
	 * The answer to a report (or a fault report) is the next command;
	 * the answer to a PSCI call is only that call's result.  A report
	 * left unanswered (CV_RUN_NONE) leaves its own x0 as the command.
	 */
	if (c->exit == CV_EXIT_HVC &&
	    ((c->hvc & ~0xfUL) == REPORT || c->hvc == FAULT_REPORT))
		c->cmd = action == CV_RUN_HVC_RET ? value : c->hvc;
	if (kind == CV_EXIT_HVC)
		c->hvc = res[1];
	if (action == CV_RUN_SYSREG_DONE)
		c->answered = value;
	if (kind == CV_EXIT_SYSREG)
		sysreg_exit(c, res);
	c->exit = kind;
	c->flags = res[2];
	if (kind == CV_EXIT_OFF) {
		vm->state = VS_OFF;
		return;
	}
	if (kind != CV_EXIT_HVC)
		return;
	if ((res[1] & ~0xfUL) == REPORT) {
		u64 cmd = res[1] & 0xf, ipa = c->cmd & 0xfffffff000UL;

		fz_check(!((cmd == CMD_OFF || cmd == CMD_RESET) &&
			   res[2] == 0xbad), "vCPU ran after its power-off",
			 v);
		/* REPORT | 0xf is also a vCPU's "started" (cmd 0 then) */
		fz_check(cmd != CMD_TIMER || (c->cmd & 0xf) != CMD_TIMER ||
			 res[2] == c->answered,
			 "guest read another timer value than the host's",
			 res[2]);
		if ((cmd == CMD_SHARE || cmd == CMD_UNSHARE) && !res[2]) {
			i = page_at(v, ipa);
			fz_check(i >= 0, "guest shared a page it was not given",
				 ipa);
			pages[i].shared = cmd == CMD_SHARE;
			stat_share++;
		}
	} else if (res[1] == PSCI_CPU_ON && res[2] < CV_MAX_VCPUS &&
		   vm->vcpu[res[2]].reg && !vm->vcpu[res[2]].started) {
		vm->vcpu[res[2]].started = true;
		vm->vcpu[res[2]].exit = 0;
		vm->vcpu[res[2]].cmd = 0;
		vm->vcpu[res[2]].hvc = 0;
	}
}

/* The action a VMM would take after the last exit. */
static u64 next_action(const struct fz_vcpu *c, u64 *value)
{
	*value = rnd();
	switch (c->exit) {
	case CV_EXIT_HVC:
		*value = gen_cmd();
		return CV_RUN_HVC_RET;
	case CV_EXIT_ABORT:
		if (c->flags & CV_ABORT_ISV && chance(85))
			return CV_RUN_MMIO_DONE;
		return CV_RUN_INJECT_ABORT;
	case CV_EXIT_SYSREG:
		/* now and then not answered: the access traps again */
		return chance(90) ? CV_RUN_SYSREG_DONE : CV_RUN_NONE;
	default:
		return CV_RUN_NONE;
	}
}

/* With lrs, a VCPU_RUN_LRS (ABI 1.6) that brings lrs[0], lrs[1]. */
static s64 run_vcpu(u64 v, u64 idx, u64 action, u64 value, const u64 *lrs)
{
	u64 res[5];
	s64 r;

	fp_set(HOST_FP);
	if (lrs) {
		fz_run_x6 = lrs[1];
		r = fz_call(CV_HC_VCPU_RUN_LRS, v, idx, value, action, lrs[0],
			    res);
	} else {
		r = fz_call(CV_HC_VCPU_RUN, v, idx, value, action, 0, res);
	}
	fz_check(fp_get(0) == HOST_FP && fp_get(1) == HOST_FP,
		 "host FP/SIMD register changed by a run", fp_get(0));
	if (r >= 0)
		ran(v, idx, action, value, res);
	return r;
}

/*
 * A live vmid, uniformly, or 0 if none: with 255 slots (ABI 1.5) a few
 * live VMs are too rare among random vmids to be found by guessing.
 */
static u64 live_vmid(void)
{
	u64 live[CV_MAX_VMS], n = 0, v;

	for (v = 1; v <= CV_MAX_VMS; v++)
		if (vms[v].state != VS_FREE)
			live[n++] = v;
	return n ? live[below(n)] : 0;
}

/* One sane run of a started vCPU of a running VM, if there is one. */
static bool run_step(void)
{
	u64 v, idx, value, action, lrs[2];
	int n;
	s64 r;

	for (n = 0; n < 8; n++) {
		v = live_vmid();
		idx = below(2) ? 0 : below(CV_MAX_VCPUS);
		if (vms[v].state == VS_RUNNING && vms[v].vcpu[idx].started)
			break;
	}
	if (n == 8)
		return false;
	action = next_action(&vms[v].vcpu[idx], &value);
	lrs[0] = gen_lr_pair(true);
	lrs[1] = gen_lr_pair(true);
	r = run_vcpu(v, idx, action, value, below(2) ? lrs : NULL);
	fz_check(r >= 0, "VCPU_RUN a VMM would make refused", (u64)r);
	return true;
}

/* ---------------------------------------------------- VM lifecycles */

/*
 * What a MAP_PAGES list held when the call was made: the call may give
 * the list's own page away, after which the host cannot read it.  Known
 * only for a host page of the pool (no other host page can hold one).
 */
static void snapshot_list(u64 pa, u64 n)
{
	int i = pool_index(pa & ~(PAGE - 1));
	u64 k;

	list_known = i >= 0 && !pages[i].owner && !(pa & 7) && n >= 1 &&
		     n <= CV_MAP_PAGES_MAX && (pa & (PAGE - 1)) + n * 8 <= PAGE;
	for (k = 0; list_known && k < n; k++)
		list_copy[k] = ((u64 *)pa)[k];
}

static void call_apply(u64 id, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	u64 a[6] = { id, a1, a2, a3, a4, a5 }, res[5];
	const u64 lrs[2] = { a5, gen_lr_pair(false) };

	if (id == CV_HC_MAP_PAGES)
		snapshot_list(a2, a4);
	if (is_run(id) && a1 >= 1 && a1 <= CV_MAX_VMS && a2 < CV_MAX_VCPUS) {
		run_vcpu(a1, a2, a4, a3, id == CV_HC_VCPU_RUN_LRS ? lrs : NULL);
		return;
	}
	if (fz_call(id, a1, a2, a3, a4, a5, res) >= 0)
		apply(id, a, res);
}

static u64 copy_guest(int i)
{
	u64 *dst = (u64 *)pool_pa(i), *src = (u64 *)fuzz_guest;
	u64 n = (fuzz_guest_end - fuzz_guest) / 8, k;

	for (k = 0; k < PAGE / 8; k++)
		dst[k] = k < n ? src[k] : 0;
	return pool_pa(i);
}

static int live_vms(void)
{
	int v, n = 0;

	for (v = 1; v <= CV_MAX_VMS; v++)
		n += vms[v].state != VS_FREE;
	return n;
}

static u64 pick_live(void)
{
	return live_vmid();
}

static void map_data_page(u64 v)
{
	int i = host_page(), k = 1 + below(NSLOTS - 1);

	if (i < 0 || page_at(v, slot_ipa(k)) >= 0)
		return;
	page_fill(pool_pa(i), PATTERN);
	call_apply(CV_HC_MAP_PAGE, v, pool_pa(i), slot_ipa(k), 0, 0);
}

static int free_ctx(void)
{
	int c;

	for (c = 0; c < CV_MAX_SMMU_CTX; c++)
		if (!ctxs[c].used)
			return c;
	return -1;
}

static void unbind_smmu(u64 v)
{
	int c;

	for (c = 0; c < CV_MAX_SMMU_CTX; c++)
		if (ctxs[c].used && ctxs[c].vmid == v)
			call_apply(CV_HC_SMMU_FREE, c, 0, 0, 0, 0);
}

/* A page the host may not hand in as a buffer: corevisor or a VM's. */
static u64 not_host_page(void)
{
	int n, i;

	for (n = 0; n < 8 && chance(50); n++) {
		i = below(NPOOL);
		if (pages[i].owner && !pages[i].shared)
			return pool_pa(i);
	}
	return REGION_BASE + (below(REGION_SIZE) & ~(PAGE - 1));
}

/* The next step of a valid lifecycle, for one VM. */
static void lifecycle_step(void)
{
	struct fz_vm *vm;
	u64 v = pick_live();
	int i, c;

	if (!v || (live_vms() < MAX_LIVE && chance(15))) {
		call_apply(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0);
		return;
	}
	vm = &vms[v];
	/* a VM a device may reach keeps its pages: must be refused */
	if (vm->smmu && chance(10)) {
		call_apply(CV_HC_UNMAP_PAGE, v, slot_ipa(below(NSLOTS)), 0, 0,
			   0);
		return;
	}
	switch (vm->state) {
	case VS_READY:
		if (!vm->vcpu[0].reg)
			call_apply(CV_HC_REGISTER_VCPU, v, 0, 0, 0, 0);
		else if (!vm->vcpu[1].reg && chance(60))
			call_apply(CV_HC_REGISTER_VCPU, v, 1, 0, 0, 0);
		else if (!vm->key)
			call_apply(CV_HC_SET_VM_KEY, v,
				   chance(20) ? not_host_page() : FZ_KEY, 0, 0,
				   0);
		else if (!vm->img[0].size)
			call_apply(CV_HC_SET_BOOT_IMAGE, v, 0, GUEST_IPA, PAGE,
				   chance(20) ? not_host_page() : FZ_SIG);
		else if (!vm->img[0].next) {
			i = host_page();
			if (i >= 0)
				call_apply(CV_HC_LOAD_IMAGE_PAGE, v, 0,
					   copy_guest(i), 0, 0);
		} else if (chance(30)) {
			map_data_page(v);
		} else if (chance(10) && (c = free_ctx()) >= 0) {
			call_apply(CV_HC_SMMU_ALLOC, c, v, 0, 0, 0);
		} else if (chance(10)) {
			call_apply(CV_HC_MAP_DEVICE, v, GICV_BASE, GUEST_GICC,
				   0, 0);
		} else {
			call_apply(CV_HC_VERIFY_IMAGES, v, 0, 0, 0, 0);
		}
		break;
	case VS_VERIFIED:
		if (chance(30))
			map_data_page(v);
		else if (chance(10) && (c = free_ctx()) >= 0)
			call_apply(CV_HC_SMMU_ALLOC, c, v, 0, 0, 0);
		else
			call_apply(CV_HC_POWER_ON, v, GUEST_IPA, 0, 0, 0);
		break;
	case VS_RUNNING:
		if (chance(20))
			map_data_page(v);
		else if (!below(300))
			call_apply(CV_HC_VM_STOP, v, 0, 0, 0, 0);
		else if (chance(2))
			call_apply(CV_HC_TEARDOWN, v, 0, 0, 0, 0); /* refused */
		else
			run_step();
		break;
	case VS_OFF:
		if (vm->smmu) {
			unbind_smmu(v);
		} else if (chance(20)) {
			map_data_page(v);	/* must be refused */
		} else if (chance(30)) {
			call_apply(CV_HC_UNMAP_PAGE, v,
				   slot_ipa(below(NSLOTS)), 0, 0, 0);
		} else {
			call_apply(CV_HC_TEARDOWN, v, 0, 0, 0, 0);
		}
		break;
	}
}

/* SMMU contexts: host ones, and VMs' with their own pages and others'. */
static void smmu_step(void)
{
	int c = below(CV_MAX_SMMU_CTX), i;
	struct fz_ctx *x = &ctxs[c];

	if (!x->used) {
		if (chance(50))
			call_apply(CV_HC_SMMU_ALLOC, c, 0, 0, 0, 0);
		return;
	}
	switch (below(10)) {
	case 0:
		call_apply(CV_HC_SMMU_FREE, c, 0, 0, 0, 0);
		return;
	case 1: case 2:
		call_apply(CV_HC_SMMU_UNMAP, c, iova_of(below(32)), 0, 0, 0);
		return;
	}
	if (!x->vmid) {
		i = below(NPOOL);
		call_apply(CV_HC_SMMU_MAP, c, iova_of(below(32)),
			   chance(80) ? pool_pa(i) : gen_pa(), 0, 0);
		return;
	}
	/* a page of the context's VM at its own address, or anything */
	for (i = 0; i < NPOOL; i++)
		if (pages[(i + c) % NPOOL].owner == x->vmid)
			break;
	if (i < NPOOL && chance(70)) {
		i = (i + c) % NPOOL;
		call_apply(CV_HC_SMMU_MAP, c, pages[i].ipa, pool_pa(i), 0, 0);
	} else {
		call_apply(CV_HC_SMMU_MAP, c, gen_iova(), gen_pa(), 0, 0);
	}
}

/* ------------------------------------------------ near-valid calls */

static u64 gen_lr_value(void)
{
	switch (below(4)) {
	case 0:
		return LR_PENDING | below(1020);
	case 1:
		return rnd() & 0xffffffffUL;
	case 2:
		return (1UL << 31) | LR_PENDING | below(64) << 10 | below(1020);
	default:
		return rnd();
	}
}

/*
 * Two list registers for VCPU_RUN_LRS's x5 or x6: valid ones (empty or
 * a pending interrupt) for a sane run, else sometimes anything.
 */
static u64 gen_lr_pair(bool sane)
{
	u64 lo = below(3) ? 0 : LR_PENDING | below(1020);
	u64 hi = below(3) ? 0 : LR_PENDING | below(1020);

	if (!sane && below(3) == 0)
		return below(2) ? gen_lr_value() : rnd();
	return lo | hi << 32;
}

static u64 gen_size(void)
{
	static const u64 sz[] = {
		PAGE, 0, 2 * PAGE, PAGE + 1, CV_MAX_IMAGE_SIZE,
		CV_MAX_IMAGE_SIZE + PAGE, ~0UL & ~(PAGE - 1), 1UL << 40,
	};

	return chance(20) ? rnd() : sz[below(ARRAY_SIZE(sz))];
}

/*
 * MAP_PAGES: a list in a host page of the pool, written here: mostly
 * host pages, some empty entries, some anything gen_pa() names (a page
 * twice, another VM's, the corevisor's, a device); for guest slots in
 * one block, or a bad count or address; sometimes a list page that is
 * not the host's, unaligned, or running off its page.
 */
static void gen_list(u64 *list_pa, u64 *ipa, u64 *n)
{
	int lp = host_page(), i, p;
	u64 *l;

	*n = chance(85) ? 1 + below(4) : gen_index(CV_MAP_PAGES_MAX + 1);
	*ipa = chance(80) ? slot_ipa(below(NSLOTS - 4)) : gen_ipa();
	*list_pa = lp < 0 ? gen_pa() : pool_pa(lp);
	if (lp < 0)
		return;
	l = (u64 *)pool_pa(lp);
	for (i = 0; i < (int)*n && i < CV_MAP_PAGES_MAX; i++) {
		p = host_page();
		if (chance(10))
			l[i] = 0;
		else if (p >= 0 && chance(80))
			l[i] = pool_pa(p);
		else
			l[i] = i && chance(30) ? l[below(i)] : gen_pa();
	}
	switch (below(20)) {
	case 0:
		*list_pa = gen_pa();
		break;
	case 1:
		*list_pa += 4;
		break;
	case 2:
		*list_pa += PAGE - 8;
		break;
	}
}

static void random_call(void)
{
	static const u64 ids[] = {
		CV_HC_REGISTER_VM, CV_HC_REGISTER_VCPU, CV_HC_SET_VM_KEY,
		CV_HC_SET_BOOT_IMAGE, CV_HC_LOAD_IMAGE_PAGE,
		CV_HC_VERIFY_IMAGES, CV_HC_POWER_ON, CV_HC_VM_STOP,
		CV_HC_TEARDOWN, CV_HC_MAP_PAGE, CV_HC_MAP_PAGE,
		CV_HC_UNMAP_PAGE, CV_HC_TLB_FLUSH_VM, CV_HC_MAP_DEVICE,
		CV_HC_VCPU_RUN, CV_HC_VCPU_RUN_LRS, CV_HC_SET_TIMER_OFFSET,
		CV_HC_GET_VIRQ, CV_HC_SET_VIRQ, CV_HC_SMMU_ALLOC,
		CV_HC_SMMU_FREE, CV_HC_SMMU_MAP, CV_HC_SMMU_MAP,
		CV_HC_SMMU_UNMAP, CV_HC_ABI_VERSION, CV_HC_S2_ENABLED,
		CV_HC_INIT, CV_GHC_SHARE, CV_GHC_UNSHARE, CV_GHC_VERSION,
		CV_HC_MAP_PAGES, CV_HC_MAP_PAGES, CV_HC_GET_STAT,
	};
	u64 id = ids[below(ARRAY_SIZE(ids))], v = gen_any_vmid();
	u64 a2 = rnd(), a3 = rnd(), a4 = rnd(), a5 = rnd();

	/* rare teardowns and stops: the lifecycles need their VMs */
	if ((id == CV_HC_TEARDOWN || id == CV_HC_VM_STOP) && chance(97))
		id = CV_HC_TLB_FLUSH_VM;
	switch (id) {
	case CV_HC_REGISTER_VCPU:
	case CV_HC_SET_TIMER_OFFSET:
		a2 = gen_index(CV_MAX_VCPUS);
		break;
	case CV_HC_SET_VM_KEY:
		a2 = chance(30) ? FZ_KEY : gen_pa();
		break;
	case CV_HC_SET_BOOT_IMAGE:
		a2 = gen_index(CV_MAX_IMAGES);
		a3 = chance(50) ? GUEST_IPA : gen_ipa();
		a4 = gen_size();
		a5 = chance(30) ? FZ_SIG : gen_pa();
		break;
	case CV_HC_LOAD_IMAGE_PAGE:
		a2 = gen_index(CV_MAX_IMAGES);
		a3 = gen_pa();
		break;
	case CV_HC_POWER_ON:
		a2 = chance(50) ? GUEST_IPA + (below(4) ? 0 : below(PAGE)) :
		     gen_ipa();
		break;
	case CV_HC_MAP_PAGE:
	case CV_HC_MAP_DEVICE:
		a2 = gen_pa();
		a3 = gen_ipa();
		/*
		 * The guest writes its secret wherever it is told: not into
		 * the GIC and UART this host itself uses (CPU 1 sleeps on
		 * its timer interrupt).  Allowed, but not this test's point.
		 */
		if (id == CV_HC_MAP_DEVICE && (a2 == GICD_BASE ||
					       a2 == GICC_BASE ||
					       a2 == UART_BASE))
			a2 = GICV_BASE;
		break;
	case CV_HC_MAP_PAGES:
		gen_list(&a2, &a3, &a4);
		break;
	case CV_HC_GET_STAT:
		v = gen_index(2);
		a2 = gen_index(CV_STAT_NR);
		break;
	case CV_HC_UNMAP_PAGE:
		a2 = gen_ipa();
		break;
	case CV_HC_VCPU_RUN:
	case CV_HC_VCPU_RUN_LRS:
		a2 = gen_index(CV_MAX_VCPUS);
		a3 = chance(50) ? gen_cmd() : rnd();
		a4 = gen_index(4);
		a5 = gen_lr_pair(false);
		break;
	case CV_HC_GET_VIRQ:
	case CV_HC_SET_VIRQ:
		a2 = gen_index(CV_MAX_VCPUS);
		a3 = gen_index(CV_NR_LRS);
		a4 = gen_lr_value();
		break;
	case CV_HC_SMMU_ALLOC:
		v = gen_index(CV_MAX_SMMU_CTX);
		a2 = chance(40) ? 0 : gen_any_vmid();
		break;
	case CV_HC_SMMU_FREE:
	case CV_HC_SMMU_MAP:
	case CV_HC_SMMU_UNMAP:
		v = gen_index(CV_MAX_SMMU_CTX);
		a2 = gen_iova();
		a3 = gen_pa();
		break;
	case CV_HC_INIT:
		a2 = REGION_SIZE;
		a3 = BOOT_INFO_PA;
		a4 = gen_index(CV_MAX_CPUS);
		break;
	}
	call_apply(id, v, a2, a3, a4, a5);
}

static bool defined_call(u64 id)
{
	return (id >= CV_HC_INIT && id <= CV_HC_GET_STAT) ||
	       (id >= CV_HC_REGISTER_VM && id <= CV_HC_TEARDOWN) ||
	       (id >= CV_HC_MAP_PAGE && id <= CV_HC_MAP_PAGES) ||
	       (id >= CV_HC_VCPU_RUN && id <= CV_HC_VCPU_RUN_LRS) ||
	       (id >= CV_HC_SMMU_ALLOC && id <= CV_HC_SMMU_UNMAP);
}

/* ids nobody defined, and ones next to the defined ones */
static void garbage_call(void)
{
	u64 id;
	s64 r;

	switch (below(5)) {
	case 0:
		id = CV_HC(below(0x200));
		break;
	case 1:
		id = below(5);	/* the hyp-stub ids 0..3 and the one after */
		break;
	case 2:
		id = (CV_HC(below(0x50)) ^ (1UL << (below(32) + 24))) &
		     0xffffffffUL;
		break;
	case 3:
		id = CV_HC(below(0x50)) | rnd() << 32;
		break;
	default:
		id = rnd();
		break;
	}
	if (defined_call(id)) {
		call_apply(id, gen_any_vmid(), rnd(), rnd(), rnd(), rnd());
		return;
	}
	r = fz_call(id, rnd(), rnd(), rnd(), rnd(), rnd(), NULL);
	fz_check(r == (id <= 3 ? CV_E_DENIED : CV_E_NOSYS),
		 "unknown call not refused", id);
}

/*
 * SMCs the host may make: queries go to the firmware, everything that
 * would start a CPU is refused.  Not SYSTEM_OFF, SYSTEM_RESET or
 * CPU_OFF: those are the host's to make and end the test.
 */
static void smc_call(void)
{
	static const u64 ids[] = {
		0x84000000UL, 0x8400000aUL, 0x84000004UL, 0xc4000004UL,
		0x84000006UL, 0x80000000UL, 0x80000001UL, 0x80000002UL,
		0x80008000UL, 0x80007fffUL, 0x80003fffUL, 0xc4000003UL,
		0x84000003UL, 0xc4000001UL, 0xc400000eUL, 0x84000012UL,
		0xc6000010UL, 0xc6000020UL,
	};
	u64 id = ids[below(ARRAY_SIZE(ids))];
	struct regs r;
	int i;

	if (chance(20)) {
		id = rnd() & 0xffffffffUL;
		if (id == 0x84000002UL || id == 0x84000008UL ||
		    id == 0x84000009UL)
			id = 0;
	}
	if (id == 0xc4000003UL || id == 0x84000003UL)	/* CPU_ON */
		r = call(true, id, below(4), (u64)cpu2_entry, 0, 0, 0);
	else
		r = call(true, id, rnd(), rnd(), rnd(), 0, 0);
	for (i = 0; i < 4; i++)
		fz_check(r.x[i] != GUEST_SECRET, "guest secret after an SMC",
			 i);
	if (id == 0xc4000003UL || id == 0x84000003UL)
		fz_check((s64)r.x[0] < 0, "PSCI CPU_ON passed", r.x[0]);
}

/* ---------------------------------------------------------- phase 1 */

/*
 * Every slot at once (ABI 1.5: 255): REGISTER_VM until refused, each
 * vmid new and in range (apply checks), the refusal CV_E_NOMEM with all
 * slots live; then all but one given back, so a high vmid lives on in
 * the lifecycles.
 */
static void vmid_burst(void)
{
	u64 got[CV_MAX_VMS], n = 0, k, keep, res[5];
	u64 a[6] = { CV_HC_REGISTER_VM };
	s64 r;

	while ((r = fz_call(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, res)) >= 0 &&
	       n < CV_MAX_VMS) {
		apply(CV_HC_REGISTER_VM, a, res);
		got[n++] = res[0];
	}
	fz_check(r == CV_E_NOMEM, "REGISTER_VM refused with", (u64)r);
	fz_check(live_vms() == CV_MAX_VMS, "REGISTER_VM refused, live VMs",
		 (u64)live_vms());
	keep = n ? got[below(n)] : 0;
	for (k = 0; k < n; k++)
		if (got[k] != keep)
			call_apply(CV_HC_TEARDOWN, got[k], 0, 0, 0, 0);
}

static void fuzz_one(void)
{
	u64 op = below(100);

	if (!below(20000))
		vmid_burst();

	if (op < 35)
		lifecycle_step();
	else if (op < 58) {
		if (!run_step())
			lifecycle_step();
	} else if (op < 66)
		smmu_step();
	else if (op < 92)
		random_call();
	else if (op < 96)
		garbage_call();
	else
		smc_call();
	check_alive();
	check_probes();
	if (!(ncalls[0] & 63))
		fz_hole(probe_faults(SMMU_MMIO, false), FUZZ_HOLE_SMMU, &hole_smmu,
			"SMMU registers readable by the host", SMMU_MMIO);
}

/* Stop, unbind and tear down every VM; free every SMMU context. */
static void clean_up(void)
{
	u64 v;
	int c, i;
	s64 r;

	for (v = 1; v <= CV_MAX_VMS; v++) {
		if (vms[v].state == VS_FREE)
			continue;
		if (vms[v].state != VS_OFF)
			call_apply(CV_HC_VM_STOP, v, 0, 0, 0, 0);
		unbind_smmu(v);
		call_apply(CV_HC_TEARDOWN, v, 0, 0, 0, 0);
		fz_check(vms[v].state == VS_FREE, "teardown refused", v);
	}
	for (c = 0; c < CV_MAX_SMMU_CTX; c++)
		if (ctxs[c].used)
			call_apply(CV_HC_SMMU_FREE, c, 0, 0, 0, 0);
	for (i = 0; i < NPOOL; i++) {
		fz_check(!pages[i].owner && !pages[i].smmu,
			 "page still given after clean-up", pool_pa(i));
		fz_check(reads_ok(pool_pa(i)), "host page faults", pool_pa(i));
	}
	r = hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0);
	fz_check(r == 1, "all vmids free again: first vmid", (u64)r);
	r = hvc(CV_HC_TEARDOWN, 1, 0, 0, 0, 0);
	fz_check(r == 0, "teardown of an empty VM", (u64)r);
}

/* ---------------------------------------------------------- phase 2 */

struct race_vcpu {
	u64 exit, flags;
};

static u64 race_vmid[RACE_VMS];
static int race_counter[RACE_VMS];	/* pool page at slot 1: shared */
static u64 race_off[RACE_VMS];		/* counter when it went off, + 1 */
static u64 race_given[NPOOL];
static u64 race_go, race_done;		/* round numbers */
static struct race_vcpu race_vcpus[2][RACE_VMS][2];
static u64 race_ops[2], race_pages;

static u64 race_cmd(void)
{
	static const u8 mix[] = {
		CMD_SPIN, CMD_SPIN, CMD_SPIN, CMD_WRITE_LOOP, CMD_WRITE_LOOP,
		CMD_WRITE_SECRET, CMD_WRITE_SECRET, CMD_SHARE, CMD_UNSHARE,
		CMD_WFI, CMD_NOP, CMD_READ, CMD_CHECK,
	};
	u64 cmd = chance(2) ? CMD_OFF : mix[below(ARRAY_SIZE(mix))];
	u64 slot = cmd == CMD_SPIN ? 1 : 2 + below(NSLOTS - 2);

	return cmd | slot_ipa(slot);
}

/* the counter page may have been torn down and given to another VM */
static u64 fuzz_counter(int k)
{
	return probe_read(pool_pa(race_counter[k]));
}

/* One racing call on VM k of the round, from either CPU. */
static void race_op(void)
{
	unsigned int cpu = cpu_id();
	int k = below(RACE_VMS), i;
	u64 v = race_vmid[k], res[5], off_before, c1;
	u64 idx = chance(80) ? cpu : !cpu, op = below(100);
	struct race_vcpu *rv = &race_vcpus[cpu][k][idx];
	s64 r;

	if (op < 60) {
		u64 action = CV_RUN_NONE, value = 0;

		if (rv->exit == CV_EXIT_HVC) {
			action = CV_RUN_HVC_RET;
			value = race_cmd();
		} else if (rv->exit == CV_EXIT_ABORT) {
			action = CV_RUN_INJECT_ABORT;
		} else if (rv->exit == CV_EXIT_SYSREG) {
			/*
			 * An unanswered "started" report (REPORT | 0xf) is
			 * run again as command 0xf, the timer one.
			 */
			action = CV_RUN_SYSREG_DONE;
		}
		off_before = LOAD(race_off[k]);
		fp_set(HOST_FP);
		r = fz_call(CV_HC_VCPU_RUN, v, idx, value, action, 0, res);
		fz_check(fp_get(0) == HOST_FP && fp_get(1) == HOST_FP,
			 "host FP/SIMD register changed by a run", fp_get(0));
		if (r >= 0) {
			rv->exit = res[0];
			rv->flags = res[2];
		}
		if (r == CV_EXIT_OFF) {
			STORE(race_off[k], fuzz_counter(k) + 1);
		} else if (!off_before && LOAD(race_off[k])) {
			/* the VM went off while this vCPU ran */
			c1 = fuzz_counter(k);
			off_before = LOAD(race_off[k]) - 1;
			fz_hole(c1 < off_before || c1 - off_before <= STOP_SLACK ||
				c1 - off_before > 100000, FUZZ_HOLE_STOP,
				&hole_stop, "vCPU of a VM that is off re-entered, exits",
				c1 - off_before);
		}
	} else if (op < 72) {
		i = below(NPOOL);
		r = fz_call(CV_HC_MAP_PAGE, v, pool_pa(i),
			    slot_ipa(2 + below(NSLOTS - 2)), 0, 0, NULL);
		if (r >= 0)
			STORE(race_given[i], 1);
	} else if (op < 84) {
		fz_call(CV_HC_UNMAP_PAGE, v, slot_ipa(2 + below(NSLOTS - 2)),
			0, 0, 0, NULL);
	} else if (op < 88) {
		fz_call(CV_HC_VM_STOP, v, 0, 0, 0, 0, NULL);
	} else if (op < 90) {
		fz_call(CV_HC_TEARDOWN, v, 0, 0, 0, 0, NULL);
	} else if (op < 95) {
		fz_call(below(2) ? CV_HC_SET_VIRQ : CV_HC_GET_VIRQ, v, idx,
			below(CV_NR_LRS), LR_PENDING | below(1020), 0, res);
	} else {
		fz_call(below(2) ? CV_HC_TLB_FLUSH_VM : CV_HC_SET_TIMER_OFFSET,
			v, idx, rnd(), 0, 0, NULL);
	}
	check_alive();
	fz_check(probe_faults(REGION_BASE + (below(REGION_SIZE) & ~7UL), false),
		 "corevisor page readable", 0);
	race_ops[cpu]++;
}

/* Run vCPU idx of VM v, answering exits, until it reports cmd. */
static void run_to_report(u64 v, u64 idx, u64 value, u64 want)
{
	u64 action = value ? CV_RUN_HVC_RET : CV_RUN_NONE, res[5];
	int n;
	s64 r;

	for (n = 0; n < 16; n++) {
		r = fz_call(CV_HC_VCPU_RUN, v, idx, value, action, 0, res);
		fz_check(r >= 0, "race set-up run refused", (u64)r);
		action = r == CV_EXIT_SYSREG ? CV_RUN_SYSREG_DONE : CV_RUN_NONE;
		if (r != CV_EXIT_HVC)
			continue;
		if (res[1] == (REPORT | want))
			return;
		action = CV_RUN_HVC_RET;
		value = CMD_NOP;
	}
	fz_fail("race set-up: guest did not report", want);
}

static u64 race_vm(int k)
{
	u64 v, pa;
	int i, s;
	s64 r;

	v = hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0);
	fz_check((s64)v > 0, "race: REGISTER_VM", v);
	r = hvc(CV_HC_REGISTER_VCPU, v, 0, 0, 0, 0);
	r |= hvc(CV_HC_REGISTER_VCPU, v, 1, 0, 0, 0);
	r |= hvc(CV_HC_SET_VM_KEY, v, FZ_KEY, 0, 0, 0);
	r |= hvc(CV_HC_SET_BOOT_IMAGE, v, 0, GUEST_IPA, PAGE, FZ_SIG);
	fz_check(!r, "race: VM set-up", (u64)r);
	*(u64 *)pool_pa(k * 16 + 1) = 0;	/* the counter */
	race_counter[k] = k * 16 + 1;
	for (s = 0; s < 5; s++) {
		i = k * 16 + s;
		pa = s ? pool_pa(i) : copy_guest(i);
		STORE(race_given[i], 1);
		r = s ? hvc(CV_HC_MAP_PAGE, v, pa, slot_ipa(s), 0, 0) :
			hvc(CV_HC_LOAD_IMAGE_PAGE, v, 0, pa, 0, 0);
		fz_check(!r, "race: page into the VM", (u64)r);
	}
	r = hvc(CV_HC_VERIFY_IMAGES, v, 0, 0, 0, 0);
	r |= hvc(CV_HC_POWER_ON, v, GUEST_IPA, 0, 0, 0);
	fz_check(!r, "race: verify and power on", (u64)r);
	run_to_report(v, 0, 0, 0xf);
	run_to_report(v, 0, CMD_SHARE | slot_ipa(1), CMD_SHARE);
	run_to_report(v, 0, CMD_CPU_ON | 1 << 4, CMD_CPU_ON);
	run_to_report(v, 1, 0, 0xf);
	return v;
}

static bool wait_for_round(u64 round)
{
	u64 i;

	for (i = 0; i < WAIT_LONG * 4; i++) {
		if (LOAD(race_done) == round)
			return true;
		if (LOAD(cpu1_fail_why))
			return false;
	}
	return false;
}

static void race_round(u64 round)
{
	int i, k;
	u64 v;
	s64 r;

	for (i = 0; i < NPOOL; i++) {
		page_fill(pool_pa(i), PATTERN);
		STORE(race_given[i], 0);
	}
	for (k = 0; k < RACE_VMS; k++) {
		race_vmid[k] = race_vm(k);
		STORE(race_off[k], 0);
		for (i = 0; i < 2; i++) {
			race_vcpus[0][k][i].exit = CV_EXIT_HVC;
			race_vcpus[1][k][i].exit = CV_EXIT_HVC;
		}
	}
	STORE(race_go, round);
	for (i = 0; i < RACE_ROUND_OPS; i++) {
		race_op();
		cpu1_failed();
	}
	if (!wait_for_round(round))
		fz_fail("race: CPU 1 did not finish its round", round);
	cpu1_failed();
	for (k = 0; k < RACE_VMS; k++) {
		v = race_vmid[k];
		hvc(CV_HC_VM_STOP, v, 0, 0, 0, 0);
		r = hvc(CV_HC_TEARDOWN, v, 0, 0, 0, 0);
		fz_check(r == 0 || r == CV_E_INVAL, "race: final teardown",
			 (u64)r);
	}
	for (i = 0; i < NPOOL; i++) {
		fz_check(reads_ok(pool_pa(i)), "race: page not back",
			 pool_pa(i));
		fz_check(page_is(pool_pa(i), LOAD(race_given[i]) ? 0 : PATTERN),
			 LOAD(race_given[i]) ? "race: page back not zeroed" :
			 "race: page never given changed", pool_pa(i));
		race_pages++;
	}
}

static u64 fuzz_started;

/*
 * CPU 1 waiting for a round: sleep 1 ms in WFI, woken by its own EL1
 * physical timer (its IRQ stays masked: it only ends the WFI).  A CPU
 * spinning on memory would take a host core from QEMU for nothing.
 */
static void cpu1_nap(void)
{
	host_timer_arm(counter_hz() / 1000);
	asm volatile("wfi");
	asm volatile("msr cntp_ctl_el0, xzr; isb");
}

/* CPU 1, from its idle loop in main.c: its half of each round. */
static void fuzz_cpu1(void)
{
	static u64 done;
	u64 round = LOAD(race_go);
	int i;

	if (round == done) {
		if (LOAD(fuzz_started))
			cpu1_nap();
		return;
	}
	for (i = 0; i < RACE_ROUND_OPS; i++)
		race_op();
	done = round;
	STORE(race_done, round);
}

/* ------------------------------------------------------------- main */

/* main.c, after CPU 0's hand-over and before CPU 1's */
static void fuzz_before_cpu1(void)
{
	s64 r = hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0);

	if (r > 0) {
		hole_install++;
		hvc(CV_HC_TEARDOWN, r, 0, 0, 0, 0);
	}
}

static void print_stat(const char *name, u64 v)
{
	out_s(" ");
	out_s(name);
	out_s(" ");
	out_u(v);
}

static void report_hole(const char *name, u64 seen, bool strict)
{
	if (strict) {
		check(name, !seen, "seen, times", seen);
		return;
	}
	out_s("KNOWN ");
	out_s(name);
	out_s(": ");
	out_u(seen);
	out_s(seen ? " times (a known hole; FUZZ_HOLES=... makes it a failure)\n"
		   : " times (FUZZ_HOLES=... makes it a check)\n");
}

static u64 now_ms(void)
{
	u64 t, f;

	asm volatile("isb; mrs %0, cntpct_el0" : "=r" (t));
	asm volatile("mrs %0, cntfrq_el0" : "=r" (f));
	return t / (f / 1000);
}

static void fuzz_main(void)
{
	u64 phase1 = FUZZ_CALLS - FUZZ_CALLS / 10, round = 0, t0 = now_ms();
	int i;

	STORE(fuzz_started, 1);
	rng[0] = FUZZ_SEED;
	rng[1] = FUZZ_SEED ^ 0x5555555555555555UL;
	out_s("fuzz: seed ");
	out_hex(FUZZ_SEED);
	out_s(", ");
	out_u(FUZZ_CALLS);
	out_s(" calls, holes checked:");
	out_s(FUZZ_HOLE_SMMU ? " smmu" : "");
	out_s(FUZZ_HOLE_STOP ? " stop" : "");
	out_s(FUZZ_HOLE_INSTALL ? " install" : "");
	out_s("\n");
	for (i = 0; i < (int)(PAGE / 8); i++) {
		((u64 *)FZ_KEY)[i] = 0;
		((u64 *)FZ_SIG)[i] = 0;
	}
	for (i = 0; i < 32; i++)
		((u8 *)FZ_KEY)[i] = fuzz_pub[i];
	for (i = 0; i < 64; i++)
		((u8 *)FZ_SIG)[i] = fuzz_sig[i];

	while (ncalls[0] < phase1) {
		fuzz_one();
		if (!(ncalls[0] & 0x3fff))
			out_s(".");
	}
	out_s("\n");
	clean_up();
	out_s("fuzz: phase 1: ");
	out_u(ncalls[0]);
	out_s(" calls in ");
	out_u(now_ms() - t0);
	out_s(" ms\n");
	check("fuzz: phase 1 (one CPU) survived", true, "", 0);
	t0 = now_ms();

	while (ncalls[0] + LOAD(ncalls[1]) < FUZZ_CALLS) {
		race_round(++round);
		check_alive();
	}
	out_s("fuzz: phase 2: ");
	out_u(round);
	out_s(" rounds in ");
	out_u(now_ms() - t0);
	out_s(" ms\nfuzz:");
	print_stat("calls", ncalls[0] + LOAD(ncalls[1]));
	print_stat("phase-1", phase1);
	print_stat("refused", stat_refused);
	print_stat("map-pages", stat_list);
	print_stat("runs", stat_run);
	print_stat("vms-run", stat_vms_run);
	print_stat("exits-irq", stat_exit[CV_EXIT_IRQ]);
	print_stat("abort", stat_exit[CV_EXIT_ABORT]);
	print_stat("hvc", stat_exit[CV_EXIT_HVC]);
	print_stat("wfx", stat_exit[CV_EXIT_WFX]);
	print_stat("off", stat_exit[CV_EXIT_OFF]);
	print_stat("sysreg", stat_exit[CV_EXIT_SYSREG]);
	print_stat("pages-zeroed", stat_zero);
	print_stat("probes", stat_probe);
	print_stat("smmu-maps", stat_smmu_map);
	print_stat("shares", stat_share);
	print_stat("race-rounds", round);
	print_stat("race-ops-cpu0", race_ops[0]);
	print_stat("race-ops-cpu1", race_ops[1]);
	out_s("\n");
	check("fuzz: phase 2 (both CPUs racing) survived", round > 0 &&
	      race_ops[1] > 0, "rounds", round);
	check("fuzz: VMs ran and made every kind of exit", stat_vms_run > 0 &&
	      stat_exit[CV_EXIT_ABORT] && stat_exit[CV_EXIT_HVC] &&
	      stat_exit[CV_EXIT_WFX] && stat_exit[CV_EXIT_OFF] &&
	      stat_exit[CV_EXIT_SYSREG], "VMs run", stat_vms_run);
	check("fuzz: pages came back zeroed", stat_zero > 0 && race_pages > 0,
	      "pages", stat_zero);
	/* SMMU maps are counted, not required: a design may refuse them */
	check("fuzz: guests shared pages", stat_share > 0, "shares",
	      stat_share);
	check("fuzz: host probes after every call", stat_probe >= phase1 / 2,
	      "probes", stat_probe);
	check("fuzz: CPU 2 never started", !LOAD(cpu2_ran_el2), "", 0);
	report_hole("fuzz hole smmu: SMMU isolation", hole_smmu,
		    FUZZ_HOLE_SMMU);
	report_hole("fuzz hole stop: a stopped VM's vCPUs stay out", hole_stop,
		    FUZZ_HOLE_STOP);
	report_hole("fuzz hole install: no VM call before every CPU is in",
		    hole_install, FUZZ_HOLE_INSTALL);
	check_alive();
}
