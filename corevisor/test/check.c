// SPDX-License-Identifier: GPL-2.0-only
/*
 * Invariants I1-I6 (docs/invariants.md), checked on the real data
 * structures: the ownership table is read through own_page(), and every
 * translation table is walked here with a decoder of its own that knows
 * nothing of core/pgtable.c (of the fake machine's encoding, which tags
 * each entry with the level it was made for).  With a model, the real state must also
 * equal the model's, and pages the call gave back must be zero (I3).
 */
#include "model.h"

static int violations;

/* VTTBR_EL2.BADDR of a 40-bit IPA stage 2 with two level-1 tables */
#define S2_ROOT		0x0000FFFFFFFFE000UL

#define BAD(...) do {							\
	if (violations++ < 8) {						\
		fprintf(stderr, "invariant: " __VA_ARGS__);		\
		fputc('\n', stderr);					\
	}								\
} while (0)

/*
 * One translation table tree.  Walks are cached: the table pages and the
 * leaves found last time are reused when no table page of the tree was
 * touched by the core since (see fake_touched()), so every call is
 * checked against the tables as they are, at a fraction of the cost.
 */
struct leaf {
	u64 va, pte;
	int level;
};

struct tree {
	const char *name;
	int vmid;		/* leaf owner; -2 host s2; -3 EL2 */
	bool host_smmu;
	u64 root;
	int ntables, nleaves, cap_t, cap_l;
	u64 *tables;
	struct leaf *leaves;
};

enum {
	T_EL2,
	T_HOST,
	T_VM,
	T_SMMU = T_VM + CV_MAX_VMS,
	T_NR = T_SMMU + CV_MAX_SMMU_CTX
};
static struct tree trees[T_NR];

static void add_table(struct tree *t, u64 pa)
{
	if (t->ntables == t->cap_t) {
		t->cap_t = t->cap_t ? 2 * t->cap_t : 64;
		t->tables = realloc(t->tables, sizeof(*t->tables) * t->cap_t);
	}
	t->tables[t->ntables++] = pa;
}

static void add_leaf(struct tree *t, u64 va, u64 pte, int level)
{
	if (t->nleaves == t->cap_l) {
		t->cap_l = t->cap_l ? 2 * t->cap_l : 256;
		t->leaves = realloc(t->leaves, sizeof(*t->leaves) * t->cap_l);
	}
	t->leaves[t->nleaves].va = va;
	t->leaves[t->nleaves].pte = pte;
	t->leaves[t->nleaves].level = level;
	t->nleaves++;
}

/* A table of n entries (n = 1024: two concatenated pages). */
static void walk_table(struct tree *w, u64 table, int level, u64 va, int n)
{
	u64 *t;
	int i;

	add_table(w, table);
	if (n > 512)
		add_table(w, table + 4096);
	if (!fake_is_ram(table) || !fake_is_ram(table + (n / 512 - 1) * 4096UL))
		return;		/* reported with I4 */
	t = fake_peek(table);
	for (i = 0; i < n; i++) {
		u64 pte = t[i], at = va | ((u64)i << (39 - 9 * level));

		if (!pte)
			continue;
		if (fake_pte_level(pte) != level) {
			BAD("%s: level-%d entry made for level %d at %#llx",
			    w->name, level, fake_pte_level(pte),
			    (unsigned long long)at);
		} else if (level == 3) {
			if (fake_pte_is_table(pte))
				BAD("%s: table at level 3", w->name);
			else
				add_leaf(w, at, pte, 3);
		} else if (fake_pte_is_table(pte)) {
			walk_table(w, fake_pte_pa(pte), level + 1, at, 512);
		} else if (level == 0) {
			BAD("%s: block at level 0", w->name);
		} else {
			add_leaf(w, at, pte, level);
		}
	}
}

static bool tree_dirty(const struct tree *t, u64 root)
{
	int i;

	if (t->root != root)
		return true;
	for (i = 0; i < t->ntables; i++)
		if (!fake_is_ram(t->tables[i]) || fake_touched(t->tables[i]))
			return true;
	return false;
}

static void check_leaf(struct tree *w, const struct leaf *l, u16 *smmu_count)
{
	u64 pa = fake_pte_pa(l->pte), va = l->va;
	struct page_state *pg = own_page(pa);
	enum machine_mem m = fake_pte_mem(l->pte);

	if (w->vmid == -3) {	/* EL2 map: W^X here, the rest in unit */
		if (m != MEM_S1_RW && m != MEM_S1_RO && m != MEM_S1_RX &&
		    m != MEM_S1_DEVICE)
			BAD("el2: %#llx mapped as type %d", (unsigned long long)va,
			    m);
		return;
	}
	if (l->level != 3) {
		BAD("%s: block at level %d va %#llx", w->name, l->level,
		    (unsigned long long)va);
		return;
	}
	if (w->vmid == -2) {	/* I1: host stage 2 */
		if (pa != va)
			BAD("host s2 not identity at %#llx", (unsigned long long)va);
		if (pg && pg->owner != OWNER_HOST &&
		    (pg->owner == OWNER_CORE || !pg->share))
			BAD("I1: host maps page %#llx owned by %u share %u",
			    (unsigned long long)pa, pg->owner, pg->share);
		if (!pg && pa >= (1UL << 40))
			BAD("host maps beyond the IPA range");
		if (core.gich && pa >= core.gich && pa - core.gich < 2 * 4096)
			BAD("host maps the GICH at %#llx",
			    (unsigned long long)pa);
		return;
	}
	if (w->host_smmu) {
		if (!pg || pg->owner != OWNER_HOST)
			BAD("host SMMU maps non-host page %#llx",
			    (unsigned long long)pa);
		else
			smmu_count[m_index(pa)]++;
		return;
	}
	/* I2: VM stage 2 (RAM or allowed device pages) and VM SMMU contexts */
	if (!pg && !strcmp(w->name, "vm s2")) {
		if (m != MEM_S2_DEVICE)
			BAD("I2: device page %#llx mapped as memory",
			    (unsigned long long)pa);
		return;
	}
	if (!pg || pg->owner != w->vmid || pg->gfn != va >> 12)
		BAD("I2: %s vm %d maps %#llx -> %#llx owned by %d gfn %#x",
		    w->name, w->vmid, (unsigned long long)va,
		    (unsigned long long)pa, pg ? pg->owner : -1,
		    pg ? pg->gfn : 0);
}

/*
 * Walk (or reuse) one tree and check it; returns its leaf count.  A
 * stage 2 (s2) is walked the way VTCR_EL2 tells the CPU to: from level 1,
 * the root two concatenated tables (40-bit IPA, SL0 = 1).
 */
static int check_tree(struct tree *t, u64 root, bool s2, u16 *smmu_count)
{
	int i;

	if (tree_dirty(t, root)) {
		t->root = root;
		t->ntables = 0;
		t->nleaves = 0;
		if (s2)
			walk_table(t, root, 1, 0, 1024);
		else
			walk_table(t, root, 0, 0, 512);
	}
	/* I4: every table page is a CORE page inside the region */
	for (i = 0; i < t->ntables; i++) {
		struct page_state *pg = own_page(t->tables[i]);

		if (!pg || pg->owner != OWNER_CORE || !t_in_region(t->tables[i]))
			BAD("I4: %s table %#llx not a core page", t->name,
			    (unsigned long long)t->tables[i]);
	}
	for (i = 0; i < t->nleaves; i++)
		check_leaf(t, &t->leaves[i], smmu_count);
	return t->nleaves;
}

static u64 page_pa(long i)
{
	long a = T_RAM_A_SIZE >> 12;

	return i < a ? T_RAM_A + ((u64)i << 12) :
		T_RAM_B + ((u64)(i - a) << 12);
}

static bool zero_page(u64 pa)
{
	const u64 *p = machine_pa(pa);
	int i;

	for (i = 0; i < 512; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * The VM blocks: a live VM's tables and vCPU contexts lie in blocks
 * tagged with its vmid, a free slot holds none, and the free count is
 * the untagged blocks (nothing leaks across teardown and reuse).
 */
static bool vcpus_in_blocks(const struct vm *vm)
{
	const struct blocks *b = &core.vm_blocks;
	const u8 *tags = fake_peek(b->owner_pa);	/* one RAM range */
	u64 blk = (u64)POOL_BLOCK_PAGES * PAGE_SIZE, pa;
	u32 i;

	for (i = 0; i < b->nr; i++) {
		if (tags[i] != vm->vmid)
			continue;
		for (pa = b->base + i * blk; pa < b->base + (i + 1) * blk;
		     pa += PAGE_SIZE)
			if (fake_peek(pa) == (void *)vm->vcpu)
				return pool_contains(&vm->pool, pa +
					(VM_VCPU_PAGES - 1) * PAGE_SIZE);
	}
	return false;
}

static void check_blocks(void)
{
	const struct blocks *b = &core.vm_blocks;
	const u8 *tags = fake_peek(b->owner_pa);
	u32 i, untagged = 0;
	int v, k;

	for (i = 0; i < b->nr; i++) {
		u8 tag = tags[i];

		if (!tag)
			untagged++;
		else if (core.vm[tag - 1].state == VM_FREE)
			BAD("block %u held by free vm %u", i, tag);
	}
	if (untagged != b->free)
		BAD("blocks: %u untagged, free count %u", untagged, b->free);
	for (v = 0; v < CV_MAX_VMS; v++) {
		const struct vm *vm = &core.vm[v];

		if (vm->state == VM_FREE) {
			if (vm->vcpu || vm->pool.nr)
				BAD("free vm slot %d holds pages", v);
			continue;
		}
		if (!vcpus_in_blocks(vm))
			BAD("vm %d vCPUs outside its blocks", v + 1);
		for (k = 0; k < trees[T_VM + v].ntables; k++)
			if (!pool_contains(&vm->pool, trees[T_VM + v].tables[k]))
				BAD("vm %d table %#llx outside its blocks",
				    v + 1, (unsigned long long)
				    trees[T_VM + v].tables[k]);
	}
}

int check_invariants(const struct model *m)
{
	static u16 smmu_count[(T_RAM_A_SIZE + T_RAM_B_SIZE) >> 12];
	long n = (T_RAM_A_SIZE + T_RAM_B_SIZE) >> 12, i;
	static bool vmids_seen[CV_MAX_VMS + 1];
	/* the table's entries, looked up once: this loop is the model's cost */
	struct page_state *tab_a = own_page(T_RAM_A), *tab_b = own_page(T_RAM_B);
	u32 c, vmid;
	int v, leaves;

	violations = 0;
	memset(smmu_count, 0, sizeof(smmu_count));
	trees[T_EL2].name = "el2";
	trees[T_EL2].vmid = -3;
	check_tree(&trees[T_EL2], core.el2_root, false, smmu_count);
	trees[T_HOST].name = "host s2";
	trees[T_HOST].vmid = -2;
	check_tree(&trees[T_HOST], fake_sysreg(0, SR_VTTBR_EL2) & S2_ROOT,
		   true, smmu_count);
	/* I5: live VMIDs unique, and only live VMs own pages */
	memset(vmids_seen, 0, sizeof(vmids_seen));
	for (v = 0; v < CV_MAX_VMS; v++) {
		struct vm *vm = &core.vm[v];

		if (vm->state == VM_FREE)
			continue;
		if (vm->vmid != (u32)v + 1 || vm->vmid > CV_MAX_VMS ||
		    vmids_seen[vm->vmid])
			BAD("I5: vm slot %d has vmid %u", v, vm->vmid);
		else
			vmids_seen[vm->vmid] = true;
		trees[T_VM + v].name = "vm s2";
		trees[T_VM + v].vmid = v + 1;
		leaves = check_tree(&trees[T_VM + v], vm_vttbr(vm) & S2_ROOT,
				    true, smmu_count);
		if (m && m->vm[v].s2.nmap != leaves)
			BAD("vm %d maps %d pages, model %d", v + 1, leaves,
			    m->vm[v].s2.nmap);
	}
	check_blocks();
	for (c = 0; c < CV_MAX_SMMU_CTX; c++) {
		u64 root = smmu_root(c, &vmid);

		if (!root)
			continue;
		trees[T_SMMU + c].name = "smmu";
		trees[T_SMMU + c].vmid = (int)vmid;
		trees[T_SMMU + c].host_smmu = !vmid;
		check_tree(&trees[T_SMMU + c], root, false, smmu_count);
		if (vmid && core.vm[vmid - 1].state == VM_FREE)
			BAD("I5: SMMU context %u of dead vm %u", c, vmid);
	}
	for (i = 0; i < n; i++) {
		/* entries of one RAM range are consecutive */
		struct page_state *pg = i < (long)(T_RAM_A_SIZE >> 12) ?
			tab_a + i : tab_b + (i - (T_RAM_A_SIZE >> 12));
		bool in_region = t_in_region(page_pa(i));

		if (pg->owner != OWNER_HOST && pg->owner != OWNER_CORE &&
		    (pg->owner > CV_MAX_VMS ||
		     core.vm[pg->owner - 1].state == VM_FREE))
			BAD("I5: page %#llx owned by dead vm %u",
			    (unsigned long long)page_pa(i), pg->owner);
		/* I6: shares are live: SMMU mappings or one guest share */
		if (pg->owner == OWNER_HOST && pg->share != smmu_count[i])
			BAD("I6: host page %#llx share %u, %u SMMU mappings",
			    (unsigned long long)page_pa(i), pg->share,
			    smmu_count[i]);
		if (pg->owner != OWNER_HOST && pg->owner != OWNER_CORE &&
		    pg->share > 1)
			BAD("I6: vm page share %u", pg->share);
		if (pg->owner == OWNER_CORE && (pg->share || !in_region))
			BAD("core page %#llx outside region or shared",
			    (unsigned long long)page_pa(i));
		if (in_region && pg->owner != OWNER_CORE)
			BAD("region page %#llx not core", (unsigned long long)page_pa(i));
		if (!m)
			continue;
		if ((m->page[i].owner == -1 ? OWNER_CORE : m->page[i].owner) !=
		    pg->owner || m->page[i].share != pg->share ||
		    m->page[i].gfn != pg->gfn)
			BAD("page %#llx is {%u,%u,%#x}, model {%d,%d,%#llx}",
			    (unsigned long long)page_pa(i), pg->owner,
			    pg->share, pg->gfn, m->page[i].owner,
			    m->page[i].share,
			    (unsigned long long)m->page[i].gfn);
	}
	/* I3: what went back to the host was zeroed */
	for (i = 0; m && i < m->nscrubbed; i++)
		if (!zero_page(m->scrubbed[i]))
			BAD("I3: page %#llx back to the host not zeroed",
			    (unsigned long long)m->scrubbed[i]);
	for (v = 0; m && v < CV_MAX_VMS; v++)
		if ((m->vm[v].state == MS_FREE) != (core.vm[v].state == VM_FREE) ||
		    (int)core.vm[v].state != m->vm[v].state)
			BAD("vm %d state %u, model %d", v + 1, core.vm[v].state,
			    m->vm[v].state);
	fake_clear_touched();
	return violations;
}
