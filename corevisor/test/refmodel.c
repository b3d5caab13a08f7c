// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference model of the corevisor's hypercalls.  Written from the ABI
 * and the layer contracts, not from core/: its own page array, its own
 * table-shape bookkeeping, its own SHA-512 and Ed25519 (OpenSSL).
 */
#include <openssl/evp.h>
#include "model.h"

#define LIM		(1UL << 40)
#define ALIGNED(x)	(((x) & 0xfff) == 0)

long m_index(u64 pa)
{
	if (pa >= T_RAM_A && pa < T_RAM_A + T_RAM_A_SIZE)
		return (pa - T_RAM_A) >> 12;
	if (pa >= T_RAM_B && pa < T_RAM_B + T_RAM_B_SIZE)
		return (T_RAM_A_SIZE >> 12) + ((pa - T_RAM_B) >> 12);
	return -1;
}

static void tables_init(struct m_tables *t, int cap)
{
	memset(t, 0, sizeof(*t));
	t->used = 1;
	t->cap = cap;
}

static bool has_prefix(const struct m_tables *t, int lvl, u64 p)
{
	int i;

	for (i = 0; i < t->npre[lvl]; i++)
		if (t->pre[lvl][i] == p)
			return true;
	return false;
}

static const int shift[3] = { 39, 30, 21 };

static int tables_missing(const struct m_tables *t, u64 ipa)
{
	int lvl, n = 0;

	for (lvl = 0; lvl < 3; lvl++)
		n += !has_prefix(t, lvl, ipa >> shift[lvl]);
	return n;
}

static struct m_map *find_map(struct m_tables *t, u64 ipa)
{
	int i;

	for (i = 0; i < t->nmap; i++)
		if (t->map[i].ipa == ipa)
			return &t->map[i];
	return NULL;
}

static void add_map(struct m_tables *t, u64 ipa, u64 pa)
{
	int lvl;

	for (lvl = 0; lvl < 3; lvl++) {
		if (has_prefix(t, lvl, ipa >> shift[lvl]))
			continue;
		if (t->npre[lvl] == M_MAX_PREFIX)
			abort();
		t->pre[lvl][t->npre[lvl]++] = ipa >> shift[lvl];
		t->used++;
	}
	if (t->nmap == M_MAX_MAPS)
		abort();
	t->map[t->nmap].ipa = ipa;
	t->map[t->nmap].pa = pa;
	t->nmap++;
}

static void del_map(struct m_tables *t, struct m_map *mp)
{
	*mp = t->map[--t->nmap];
}

/*
 * A VM's stage 2 starts with its root (3 pages: the level-0 page and
 * the two level-1 tables for IPA bits 39 = 0 and 1) and holds its vCPU
 * contexts too (ABI 1.5); every page it holds comes in whole blocks of
 * the pool all VMs share.
 */
static void vm_tables_init(struct m_tables *t)
{
	tables_init(t, 0);
	t->pre[0][0] = 0;
	t->pre[0][1] = 1;
	t->npre[0] = 2;
	t->used = 3;
}

static int vm_pages(const struct m_vm *vm)
{
	return (int)VM_VCPU_PAGES + vm->s2.used;
}

static int blocks_of(int pages)
{
	return (pages + POOL_BLOCK_PAGES - 1) / POOL_BLOCK_PAGES;
}

static int blocks_free(const struct model *m)
{
	int i, n = m->nr_blocks;

	for (i = 0; i < CV_MAX_VMS; i++)
		if (m->vm[i].state != MS_FREE)
			n -= blocks_of(vm_pages(&m->vm[i]));
	return n;
}

/* Table pages the VM can still get: its last block's rest, free blocks */
static int vm_room(const struct model *m, const struct m_vm *vm)
{
	int p = vm_pages(vm);

	return blocks_of(p) * POOL_BLOCK_PAGES - p +
	       blocks_free(m) * POOL_BLOCK_PAGES;
}

void model_init(struct model *m, int vm_blocks, int smmu_pool)
{
	u64 pa;
	int i;

	m->nr_pages = (T_RAM_A_SIZE + T_RAM_B_SIZE) >> 12;
	free(m->page);
	m->page = calloc(m->nr_pages, sizeof(*m->page));
	for (pa = T_REGION; pa < T_REGION + T_REGION_SIZE; pa += 4096)
		m->page[m_index(pa)].owner = -1;
	memset(m->vm, 0, sizeof(m->vm));
	memset(m->ctx, 0, sizeof(m->ctx));
	m->nr_blocks = vm_blocks;
	for (i = 0; i < CV_MAX_VMS; i++)
		vm_tables_init(&m->vm[i].s2);
	for (i = 0; i < CV_MAX_SMMU_CTX; i++)
		tables_init(&m->ctx[i].t, smmu_pool);
}

static struct m_vm *live(struct model *m, u64 vmid)
{
	if (vmid < 1 || vmid > CV_MAX_VMS || m->vm[vmid - 1].state == MS_FREE)
		return NULL;
	return &m->vm[vmid - 1];
}

static struct m_page *pg(struct model *m, u64 pa)
{
	long i = m_index(pa);

	return i < 0 ? NULL : &m->page[i];
}

/* Read len bytes of a host page for the corevisor. */
static s64 host_read(struct model *m, u64 pa, void *buf, u64 len)
{
	struct m_page *p = pg(m, pa);

	if (!p)
		return CV_E_RANGE;
	if (p->owner != 0 || (pa & 0xfff) + len > 4096)
		return CV_E_DENIED;
	memcpy(buf, fake_peek(pa), len);
	return 0;
}

static void give_back(struct model *m, u64 pa)
{
	struct m_page *p = pg(m, pa);

	p->owner = 0;
	p->share = 0;
	p->gfn = 0;
	m->scrubbed[m->nscrubbed++] = pa;
}

static s64 map_page(struct model *m, int vmid, u64 pa, u64 ipa)
{
	struct m_vm *vm = &m->vm[vmid - 1];
	struct m_page *p;

	if (!ALIGNED(pa) || !ALIGNED(ipa))
		return CV_E_INVAL;
	p = pg(m, pa);
	if (ipa >= LIM || !p)
		return CV_E_RANGE;
	if (p->owner != 0)
		return CV_E_DENIED;
	if (p->share || find_map(&vm->s2, ipa))
		return CV_E_STATE;
	if (tables_missing(&vm->s2, ipa) > vm_room(m, vm))
		return CV_E_NOMEM;
	p->owner = vmid;
	p->gfn = ipa >> 12;
	add_map(&vm->s2, ipa, pa);
	return 0;
}

static bool image_verifies(struct m_vm *vm, int slot)
{
	struct cv_image_signed msg;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY *key;
	unsigned int dlen;
	u64 off;
	bool ok;

	EVP_DigestInit(ctx, EVP_sha512());
	for (off = 0; off < vm->img[slot].size; off += 4096) {
		struct m_map *mp = find_map(&vm->s2, vm->img[slot].ipa + off);

		if (!mp || m_index(mp->pa) < 0) {
			EVP_MD_CTX_free(ctx);
			return false;
		}
		EVP_DigestUpdate(ctx, fake_peek(mp->pa), 4096);
	}
	EVP_DigestFinal(ctx, msg.digest, &dlen);
	EVP_MD_CTX_free(ctx);
	memcpy(msg.tag, "CVIMAGE1", 8);
	msg.ipa = vm->img[slot].ipa;
	msg.size = vm->img[slot].size;
	key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, vm->key, 32);
	if (!key)
		return false;	/* not a curve point: cannot verify */
	ctx = EVP_MD_CTX_new();
	ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 &&
	     EVP_DigestVerify(ctx, vm->img[slot].sig, 64, (u8 *)&msg,
			      sizeof(msg)) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ok;
}

static bool in_image(struct m_vm *vm, u64 ipa)
{
	int i;

	for (i = 0; i < CV_MAX_IMAGES; i++)
		if (vm->img[i].size && ipa >= vm->img[i].ipa &&
		    ipa < vm->img[i].ipa + vm->img[i].size)
			return true;
	return false;
}

/*
 * MAP_PAGES (ABI 1.4): as MAP_PAGE for each non-zero entry of the list,
 * in order; the first refusal undoes the ones before it and is the
 * answer.
 */
static s64 map_pages(struct model *m, const u64 *r)
{
	static struct m_tables saved;
	u64 list[CV_MAP_PAGES_MAX], n = r[4], ipa = r[3];
	struct m_vm *vm;
	s64 ret = 0;
	u64 i, j;

	if (n < 1 || n > CV_MAP_PAGES_MAX || !ALIGNED(ipa) || (r[2] & 7))
		return CV_E_INVAL;
	if (ipa >= LIM || n * 4096 > LIM - ipa)
		return CV_E_RANGE;
	if (ipa >> 21 != (ipa + (n - 1) * 4096) >> 21)
		return CV_E_INVAL;
	ret = host_read(m, r[2], list, n * 8);
	if (ret)
		return ret;
	vm = live(m, r[1]);
	if (!vm)
		return CV_E_INVAL;
	if (vm->state == MS_OFF)
		return CV_E_STATE;
	saved = vm->s2;
	for (i = 0; i < n && !ret; i++)
		if (list[i])
			ret = map_page(m, (int)r[1], list[i], ipa + i * 4096);
	if (!ret)
		return 0;
	for (j = 0; j + 1 < i; j++) {
		if (list[j]) {
			pg(m, list[j])->owner = 0;
			pg(m, list[j])->gfn = 0;
		}
	}
	vm->s2 = saved;
	return ret;
}

static s64 vm_call(struct model *m, const u64 *r)
{
	struct m_vm *vm = live(m, r[1]);
	int vmid = (int)r[1], i, nr;
	u8 buf[64];
	s64 ret;

	if (!vm)
		return CV_E_INVAL;
	switch (r[0]) {
	case CV_HC_REGISTER_VCPU:
		if (r[2] >= CV_MAX_VCPUS)
			return CV_E_RANGE;
		if ((vm->state != MS_READY && vm->state != MS_VERIFIED) ||
		    vm->vcpu[r[2]].state != MV_NONE)
			return CV_E_STATE;
		memset(&vm->vcpu[r[2]], 0, sizeof(vm->vcpu[0]));
		vm->vcpu[r[2]].state = MV_STOPPED;
		return 0;
	case CV_HC_SET_VM_KEY:
		if (vm->state != MS_READY || vm->key_set)
			return CV_E_STATE;
		ret = host_read(m, r[2], buf, 32);
		if (ret)
			return ret;
		for (i = 0, nr = 0; i < 32; i++)
			nr |= buf[i];
		if (!nr)
			return CV_E_INVAL;
		memcpy(vm->key, buf, 32);
		vm->key_set = true;
		return 0;
	case CV_HC_SET_BOOT_IMAGE:
		if (r[2] >= CV_MAX_IMAGES)
			return CV_E_RANGE;
		if (!ALIGNED(r[3]) || !ALIGNED(r[4]) || !r[4])
			return CV_E_INVAL;
		if (r[4] > CV_MAX_IMAGE_SIZE || r[3] >= LIM || r[4] > LIM - r[3])
			return CV_E_RANGE;
		if (vm->state != MS_READY || !vm->key_set || vm->img[r[2]].size)
			return CV_E_STATE;
		ret = host_read(m, r[5], buf, 64);
		if (ret)
			return ret;
		vm->img[r[2]].ipa = r[3];
		vm->img[r[2]].size = r[4];
		vm->img[r[2]].next = 0;
		memcpy(vm->img[r[2]].sig, buf, 64);
		return 0;
	case CV_HC_LOAD_IMAGE_PAGE:
		if (r[2] >= CV_MAX_IMAGES)
			return CV_E_RANGE;
		if (vm->state != MS_READY || !vm->img[r[2]].size ||
		    vm->img[r[2]].next == vm->img[r[2]].size >> 12)
			return CV_E_STATE;
		ret = map_page(m, vmid, r[3], vm->img[r[2]].ipa +
			       (vm->img[r[2]].next << 12));
		if (!ret)
			vm->img[r[2]].next++;
		return ret;
	case CV_HC_VERIFY_IMAGES:
		if (vm->state != MS_READY || !vm->key_set)
			return CV_E_STATE;
		for (i = 0, nr = 0; i < CV_MAX_IMAGES; i++) {
			if (!vm->img[i].size)
				continue;
			nr++;
			if (vm->img[i].next != vm->img[i].size >> 12)
				return CV_E_STATE;
			if (!image_verifies(vm, i))
				return CV_E_DENIED;
		}
		if (!nr)
			return CV_E_STATE;
		vm->state = MS_VERIFIED;
		return 0;
	case CV_HC_POWER_ON:
		if (r[2] & 3)
			return CV_E_INVAL;
		if (vm->state != MS_VERIFIED || vm->vcpu[0].state != MV_STOPPED)
			return CV_E_STATE;
		if (!in_image(vm, r[2]))
			return CV_E_RANGE;
		vm->vcpu[0].state = MV_READY;
		vm->state = MS_RUNNING;
		return 0;
	case CV_HC_VM_STOP:
		if (vm->state == MS_OFF)
			return CV_E_STATE;
		vm->state = MS_OFF;
		return 0;
	case CV_HC_TEARDOWN:
		if (vm->state == MS_RUNNING)
			return CV_E_STATE;
		/* the VM's SMMU contexts go with it */
		for (i = 0; i < CV_MAX_SMMU_CTX; i++)
			if (m->ctx[i].used && m->ctx[i].vmid == vmid)
				m->ctx[i].used = false;
		for (i = 0; i < (int)m->nr_pages; i++)
			if (m->page[i].owner == vmid)
				give_back(m, i < (int)(T_RAM_A_SIZE >> 12) ?
					  T_RAM_A + ((u64)i << 12) :
					  T_RAM_B + ((u64)(i - (T_RAM_A_SIZE >> 12)) << 12));
		memset(vm, 0, sizeof(*vm));
		vm_tables_init(&vm->s2);
		return 0;
	case CV_HC_MAP_PAGE:
		if (vm->state == MS_OFF)
			return CV_E_STATE;
		return map_page(m, vmid, r[2], r[3]);
	case CV_HC_UNMAP_PAGE: {
		struct m_map *mp;

		if ((vm->state != MS_READY && vm->state != MS_OFF) ||
		    vm->smmu_ctxs)
			return CV_E_STATE;
		if (!ALIGNED(r[2]))
			return CV_E_INVAL;
		if (r[2] >= LIM)
			return CV_E_RANGE;
		mp = find_map(&vm->s2, r[2]);
		if (!mp)
			return CV_E_STATE;
		if (pg(m, mp->pa))
			give_back(m, mp->pa);
		del_map(&vm->s2, mp);
		return 0;
	}
	case CV_HC_TLB_FLUSH_VM:
		return 0;
	case CV_HC_MAP_DEVICE:
		if (vm->state != MS_READY && vm->state != MS_VERIFIED)
			return CV_E_STATE;
		if (!ALIGNED(r[2]) || !ALIGNED(r[3]))
			return CV_E_INVAL;
		if (r[3] >= LIM || r[2] >= LIM)
			return CV_E_RANGE;
		if (pg(m, r[2]))
			return CV_E_DENIED;
		if (find_map(&vm->s2, r[3]))
			return CV_E_STATE;
		if (tables_missing(&vm->s2, r[3]) > vm_room(m, vm))
			return CV_E_NOMEM;
		add_map(&vm->s2, r[3], r[2]);
		return 0;
	}
	abort();
}

/* A GICv2 list register the host may set (the model has no GICH). */
static bool lr_ok(u64 val)
{
	u64 pid = (val >> 10) & 0x3ff;

	return val <= 0xffffffffUL && !(val & 0x700000) &&
	       (val & 0x3ff) < 1020 &&
	       (!(val & 0x80000000UL) || (pid >= 16 && pid <= 31));
}

/* VCPU_RUN_LRS's register i: two in each of x5, x6. */
static u64 run_lr(const u64 *r, int i)
{
	return r[5 + i / 2] >> (i % 2 * 32) & 0xffffffffUL;
}

static s64 vcpu_call(struct model *m, const u64 *r, u64 out[4])
{
	struct m_vm *vm = live(m, r[1]);
	struct m_vcpu *v;

	if (!vm)
		return CV_E_INVAL;
	if (r[2] >= CV_MAX_VCPUS)
		return CV_E_RANGE;
	v = &vm->vcpu[r[2]];
	if (v->state == MV_NONE)
		return CV_E_STATE;
	switch (r[0]) {
	case CV_HC_SET_TIMER_OFFSET:
		return 0;
	case CV_HC_GET_VIRQ:
		if (r[3] >= CV_NR_LRS)
			return CV_E_RANGE;
		out[0] = v->lr[r[3]];
		return 0;
	case CV_HC_SET_VIRQ:
		if (r[3] >= CV_NR_LRS)
			return CV_E_RANGE;
		if (!lr_ok(r[4]))
			return CV_E_INVAL;
		v->lr[r[3]] = (u32)r[4];
		return 0;
	}
	abort();
}

static s64 share(struct m_vm *vm, struct model *m, u64 ipa, int want)
{
	struct m_map *mp;
	struct m_page *p;

	if (!ALIGNED(ipa))
		return CV_E_INVAL;
	if (ipa >= LIM)
		return CV_E_RANGE;
	mp = find_map(&vm->s2, ipa);
	if (!mp || !pg(m, mp->pa))
		return CV_E_RANGE;
	p = pg(m, mp->pa);
	if (p->share == want)
		return CV_E_STATE;
	p->share = want;
	return 0;
}

static s64 run(struct model *m, const u64 *r, const struct g_script *g,
	       u64 out[4])
{
	struct m_vm *vm = live(m, r[1]);
	struct m_vcpu *v;
	int i;

	if (!vm)
		return CV_E_INVAL;
	if (r[2] >= CV_MAX_VCPUS)
		return CV_E_RANGE;
	v = &vm->vcpu[r[2]];
	if (v->state == MV_NONE)
		return CV_E_STATE;
	switch (r[4]) {
	case CV_RUN_NONE:
		break;
	case CV_RUN_MMIO_DONE:
		if (v->pending != MP_ABORT_ISV)
			return CV_E_STATE;
		break;
	case CV_RUN_INJECT_DABT:
		if (v->pending != MP_ABORT && v->pending != MP_ABORT_ISV)
			return CV_E_STATE;
		break;
	case CV_RUN_HVC_RET:
		if (v->pending != MP_HVC)
			return CV_E_STATE;
		break;
	case CV_RUN_SYSREG_DONE:
		/*
		 * The scripted guest makes no system register exits (they
		 * are test_unit's), so there is never one to answer.
		 */
		return CV_E_STATE;
	default:
		return CV_E_INVAL;
	}
	if (vm->state != MS_RUNNING || v->state != MV_READY)
		return CV_E_STATE;
	if (r[0] == CV_HC_VCPU_RUN_LRS) {
		for (i = 0; i < CV_NR_LRS; i++)
			if (!lr_ok(run_lr(r, i)))
				return CV_E_INVAL;
		for (i = 0; i < CV_NR_LRS; i++)
			v->lr[i] = (u32)run_lr(r, i);
		/* the scripted guest leaves them as they are */
		m->run_lrs[0] = r[5];
		m->run_lrs[1] = r[6];
	}
	v->pending = MP_NONE;
	for (i = 0; i < g->n; i++) {
		const struct g_step *s = &g->step[i];

		m->guest_x0[i] = 0;
		switch (s->kind) {
		case G_SHARE:
		case G_UNSHARE:
			m->guest_x0[i] = share(vm, m, s->ipa, s->kind == G_SHARE);
			continue;
		case G_SYSREG:
			continue;
		case G_MMIO: {
			u64 e = s->esr_bits;
			bool isv = e & (1UL << 24), wr = e & (1UL << 6);
			u64 sas = (e >> 22) & 3;

			v->pending = isv ? MP_ABORT_ISV : MP_ABORT;
			out[0] = s->ipa;
			out[1] = isv ? (1 | (wr ? 2 : 0) | sas << 2) : 0;
			out[2] = 0;
			if (isv && wr && ((e >> 16) & 31) != 31)
				out[2] = G_PATTERN(s->ipa) &
					 (sas == 3 ? ~0UL : (1UL << (8 << sas)) - 1);
			return CV_EXIT_ABORT;
		}
		case G_IABT:
			v->pending = MP_ABORT;
			out[0] = s->ipa;
			out[1] = 0;
			out[2] = 0;
			return CV_EXIT_ABORT;
		case G_HVC:
			if ((s->x[0] == 0xC4000003UL || s->x[0] == 0x84000003UL) &&
			    s->x[1] < CV_MAX_VCPUS &&
			    vm->vcpu[s->x[1]].state == MV_STOPPED)
				vm->vcpu[s->x[1]].state = MV_READY;
			memcpy(out, s->x, sizeof(s->x));
			v->pending = MP_HVC;
			return CV_EXIT_HVC;
		case G_WFI:
			out[0] = s->esr_bits & 1;	/* WFE or WFI */
			return CV_EXIT_WFX;
		case G_IRQ:
			return CV_EXIT_IRQ;
		case G_OFF:
			vm->state = MS_OFF;
			out[0] = s->esr_bits & 1;	/* SYSTEM_RESET */
			return CV_EXIT_OFF;
		}
	}
	abort();	/* scripts always end in an exit */
}

static s64 smmu_call(struct model *m, const u64 *r, u64 out[4])
{
	struct m_ctx *c;
	struct m_page *p;
	struct m_map *mp;
	int i;

	switch (r[0]) {
	case CV_HC_SMMU_ALLOC:
		if (r[1] >= CV_MAX_SMMU_CTX)
			return CV_E_RANGE;
		if (r[2]) {
			struct m_vm *vm = live(m, r[2]);

			if (!vm)
				return CV_E_INVAL;
			if (vm->state != MS_READY)
				return CV_E_STATE;
		}
		c = &m->ctx[r[1]];
		if (c->used)
			return CV_E_STATE;
		i = c->t.cap;
		tables_init(&c->t, i);
		c->used = true;
		c->vmid = (int)r[2];
		if (r[2])
			m->vm[r[2] - 1].smmu_ctxs++;
		return 0;
	case CV_HC_SMMU_FREE:
		if (r[1] >= CV_MAX_SMMU_CTX)
			return CV_E_RANGE;
		c = &m->ctx[r[1]];
		if (!c->used)
			return CV_E_STATE;
		if (c->vmid && m->vm[c->vmid - 1].state == MS_RUNNING)
			return CV_E_STATE;
		if (!c->vmid)
			for (i = 0; i < c->t.nmap; i++)
				pg(m, c->t.map[i].pa)->share--;
		else
			m->vm[c->vmid - 1].smmu_ctxs--;
		c->used = false;
		return 0;
	case CV_HC_SMMU_MAP:
		if (!ALIGNED(r[2]) || !ALIGNED(r[3]))
			return CV_E_INVAL;
		p = pg(m, r[3]);
		if (r[2] >= LIM || !p || r[1] >= CV_MAX_SMMU_CTX)
			return CV_E_RANGE;
		c = &m->ctx[r[1]];
		if (!c->used || find_map(&c->t, r[2]))
			return CV_E_STATE;
		if (!c->vmid && p->owner != 0)
			return CV_E_DENIED;
		if (!c->vmid && p->share == 0xffff)
			return CV_E_NOMEM;
		if (c->vmid && m->vm[c->vmid - 1].state == MS_OFF)
			return CV_E_STATE;
		if (c->vmid && (p->owner != c->vmid || p->gfn != r[2] >> 12 ||
				in_image(&m->vm[c->vmid - 1], r[2])))
			return CV_E_DENIED;
		if (c->vmid && m->vm[c->vmid - 1].state == MS_RUNNING &&
		    !p->share)
			return CV_E_DENIED;
		if (tables_missing(&c->t, r[2]) > c->t.cap - c->t.used)
			return CV_E_NOMEM;
		if (!c->vmid)
			p->share++;
		add_map(&c->t, r[2], r[3]);
		return 0;
	case CV_HC_SMMU_UNMAP:
		if (!ALIGNED(r[2]))
			return CV_E_INVAL;
		if (r[2] >= LIM || r[1] >= CV_MAX_SMMU_CTX)
			return CV_E_RANGE;
		c = &m->ctx[r[1]];
		if (!c->used)
			return CV_E_STATE;
		mp = find_map(&c->t, r[2]);
		if (!mp)
			return CV_E_STATE;
		if (!c->vmid)
			pg(m, mp->pa)->share--;
		del_map(&c->t, mp);
		return 0;
	}
	abort();
}

s64 model_call(struct model *m, const u64 r[7], const struct g_script *g,
	       u64 out[4])
{
	int i;

	m->nscrubbed = 0;
	switch (r[0]) {
	case 0: case 1: case 2:
		return CV_E_DENIED;
	case CV_HC_INIT:
		return CV_E_STATE;
	case CV_HC_ABI_VERSION:
		return CV_ABI_VERSION;
	case CV_HC_S2_ENABLED:
		return 1;
	case CV_HC_REGISTER_VM:
		/* the fixed pages take one block */
		for (i = 0; i < CV_MAX_VMS && blocks_free(m); i++)
			if (m->vm[i].state == MS_FREE) {
				m->vm[i].state = MS_READY;
				return i + 1;
			}
		return CV_E_NOMEM;
	case CV_HC_REGISTER_VCPU: case CV_HC_SET_VM_KEY:
	case CV_HC_SET_BOOT_IMAGE: case CV_HC_LOAD_IMAGE_PAGE:
	case CV_HC_VERIFY_IMAGES: case CV_HC_POWER_ON: case CV_HC_VM_STOP:
	case CV_HC_TEARDOWN: case CV_HC_MAP_PAGE: case CV_HC_UNMAP_PAGE:
	case CV_HC_TLB_FLUSH_VM: case CV_HC_MAP_DEVICE:
		return vm_call(m, r);
	case CV_HC_MAP_PAGES:
		return map_pages(m, r);
	case CV_HC_GET_STAT:
		/* the counters are not modelled: only their bounds */
		if (r[1] >= T_MODEL_CPUS || r[2] >= CV_STAT_NR)
			return CV_E_RANGE;
		return 0;
	case CV_HC_VCPU_RUN:
	case CV_HC_VCPU_RUN_LRS:
		return run(m, r, g, out);
	case CV_HC_SET_TIMER_OFFSET: case CV_HC_GET_VIRQ: case CV_HC_SET_VIRQ:
		return vcpu_call(m, r, out);
	case CV_HC_SMMU_ALLOC: case CV_HC_SMMU_FREE: case CV_HC_SMMU_MAP:
	case CV_HC_SMMU_UNMAP:
		return smmu_call(m, r, out);
	}
	return CV_E_NOSYS;
}

bool model_host_may(const struct model *m, u64 pa)
{
	long i = m_index(pa);

	if (i < 0)
		return pa < LIM;
	return m->page[i].owner == 0 ||
	       (m->page[i].owner > 0 && m->page[i].share);
}
