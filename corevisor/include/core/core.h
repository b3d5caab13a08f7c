/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarations shared by the core layers in core/.  Each layer's
 * contract is at the top of its own file; this header only names things.
 * Lock order, outermost first: vm->lock, mem_lock, smmu_lock.
 */
#ifndef CORE_CORE_H
#define CORE_CORE_H

#include <core/machine.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define IPA_LIMIT	BIT(CV_IPA_BITS)

/* lib.c */
void cv_memset(void *p, int c, size_t n);
void cv_memcpy(void *d, const void *s, size_t n);
int cv_memcmp(const void *a, const void *b, size_t n);
void cv_puts(const char *s);
void cv_putu(u64 v);
__attribute__((noreturn)) void cv_panic(const char *why);

/* locks.c */
struct lock {
	u32 next;
	u32 owner;
};

void lock_wait(struct lock *l, u32 ticket);

/*
 * Inline: every guest exit the host handles takes one (VCPU_RUN, the
 * vGIC calls); a lock nobody holds costs the ticket and one load.
 */
static inline void lock_take(struct lock *l)
{
	u32 ticket = machine_fetch_inc(&l->next);

	if (machine_load_acquire(&l->owner) != ticket)
		lock_wait(l, ticket);
}

static inline void lock_give(struct lock *l)
{
	machine_store_release(&l->owner, l->owner + 1);
}

/*
 * pool.c.  A fixed pool hands out [base, base + nr pages).  A VM's pool
 * is a blocks pool: it takes POOL_BLOCK_PAGES aligned pages at a time
 * from the shared struct blocks, as it needs them, and gives every block
 * back at pool_reset; a block is tagged with its holder (the vmid).
 * The blocks and every pool on them are under mem_lock.
 */
#define POOL_BLOCK_PAGES	8
struct blocks {
	u64 base;	/* pa of block 0, POOL_BLOCK_PAGES pages aligned */
	u32 nr;		/* blocks */
	u32 free;	/* blocks no pool holds */
	u32 hint;	/* where the next search for a free block starts */
	u64 owner_pa;	/* one byte a block: 0 free, else the holder's tag */
};
struct pool {
	u64 base;	/* pa of the first page (of the current block) */
	u32 nr;		/* pages */
	u32 used;	/* pages handed out since the last reset */
	struct blocks *blocks;	/* blocks pool: where more pages come from */
	u32 tag;		/* blocks pool: its tag, 1..255 */
};
void pool_init(struct pool *p, u64 base, u32 nr);
void blocks_init(struct blocks *b, u64 owner_pa, u64 base, u32 nr);
void pool_init_blocks(struct pool *p, struct blocks *b, u32 tag);
u64 pool_alloc(struct pool *p);	/* zeroed page pa, or 0 */
u32 pool_free_pages(const struct pool *p);
void pool_reset(struct pool *p);
bool pool_contains(const struct pool *p, u64 pa);

/*
 * pgtable.c: 4 KiB granule, 4 levels from level 0; the bits of an entry
 * are the arch's (machine_pte_* in core/machine.h).  pgt_lookup,
 * pgt_unmap_page and pgt_walk_pages give level-3 entries, 0 for none.
 */
#define PGT_LEAF_LEVEL	3

u64 *pgt_entry(u64 table_pa, u64 va, int level);
u64 pgt_lookup(u64 root, u64 va);	/* level-3 leaf or 0 */
bool pgt_mapped(u64 root, u64 va);
u64 pgt_leaf_pa(u64 leaf);		/* of a valid level-3 leaf */
int pgt_tables_needed(u64 root, u64 va);
int pgt_map_page(u64 root, u64 va, u64 pa, enum machine_mem mem,
		 struct pool *pool);
u64 pgt_unmap_page(u64 root, u64 va);	/* old leaf or 0 */
int pgt_map_range(u64 root, u64 va, u64 size, enum machine_mem mem,
		  struct pool *pool);
void pgt_walk_pages(u64 root, void (*fn)(u64, u64, void *), void *arg);
u64 pgt_s2_alloc(struct pool *pool, u64 *hw);	/* level-0 root or 0 */

/* A guest's PSTATE at reset and on an injected exception: EL1h, DAIF set */
#define PSTATE_EL1H_MASKED	0x3c5

/* ownership.c: the table; page_state.c: what its entries may become */
#define OWNER_HOST	0
#define OWNER_CORE	0xFFFF
#define SHARE_MAX	0xFFFF
struct page_state {
	u16 owner;	/* OWNER_HOST, OWNER_CORE or a vmid 1..CV_MAX_VMS */
	u16 share;	/* host SMMU mappings (host), 1 if guest-shared (VM) */
	u32 gfn;	/* VM pages: the guest frame it backs */
};
/* The states an entry can be in (docs/page-states.md). */
enum page_kind {
	PAGE_HOST,	/* the host's; no device reaches it */
	PAGE_HOST_DMA,	/* the host's; share = host SMMU mappings of it */
	PAGE_CORE,	/* the corevisor's; mapped at EL2 only */
	PAGE_VM,	/* a VM's, private: its stage 2 (and SMMU) at gfn */
	PAGE_VM_SHARED,	/* a VM's, shared by its guest: the host may map it */
};
struct ram_range {
	u64 base, size;
	u64 first;	/* index of its first page in the table */
};
void own_init(const struct ram_range *ram, u32 nr, struct page_state *table);
struct page_state *own_page(u64 pa);	/* NULL if pa is not RAM */
bool own_is_ram(u64 pa);

/* host_s2.c */
void host_s2_init(struct pool *pool);
u64 host_s2_root(void);		/* the level-0 page the core walks */
u64 host_s2_vttbr(void);		/* the CPU's root, VMID 0 */
void host_s2_map(u64 pa, enum machine_mem mem);
void host_s2_unmap(u64 pa);
void host_s2_unmap_list(const u64 *pa, u32 n);

/* VMs and vCPUs */
enum vm_state { VM_FREE, VM_READY, VM_VERIFIED, VM_RUNNING, VM_OFF };
enum vcpu_state { VCPU_NONE, VCPU_STOPPED, VCPU_READY, VCPU_ACTIVE };
enum vcpu_pending { PEND_NONE, PEND_ABORT, PEND_HVC, PEND_SYSREG };

struct vcpu {
	u32 state;
	u32 pending;		/* what the last exit left to complete */
	bool debug_dirty;	/* the guest reached for a debug register */
	u64 fault_esr;		/* PEND_ABORT, PEND_SYSREG: the guest's ESR and FAR */
	u64 fault_far;
	struct machine_vcpu ctx;
};

struct image {
	u64 ipa, size;		/* size 0: slot unused */
	u64 next;		/* pages loaded so far */
	u8 sig[64];
};

struct vm {
	struct lock lock;
	u32 state;
	u32 vmid;
	bool key_set;
	u8 key[32];
	u32 smmu_ctxs;		/* SMMU contexts bound to this VM */
	struct pool pool;
	u64 s2_root;		/* level-0 page the core walks */
	u64 s2_hw;		/* the CPU's root: two level-1 tables */
	struct image image[CV_MAX_IMAGES];
	/*
	 * CV_MAX_VCPUS contexts in VM_VCPU_PAGES pages of the VM's pool,
	 * taken at registration (NULL while FREE): 255 slots of the
	 * contexts would be 3 MiB of .data whether VMs run or not.
	 */
	struct vcpu *vcpu;
};

#define VM_VCPU_PAGES	\
	((CV_MAX_VCPUS * sizeof(struct vcpu) + PAGE_SIZE - 1) / PAGE_SIZE)
/* what REGISTER_VM takes from the blocks: stage-2 root and vCPUs */
#define VM_FIXED_PAGES	(3 + VM_VCPU_PAGES)

/* The corevisor's global state, filled once by init. */
struct core {
	u64 base, size;		/* the region */
	u32 nr_cpus;
	u64 mpidr[CV_MAX_CPUS];
	u32 nr_ram;
	struct ram_range ram[CV_MAX_RAM_RANGES];
	struct lock init_lock;
	struct lock mem_lock;	/* ownership table and every stage-2 table */
	bool inited;
	bool cpu_up[CV_MAX_CPUS];
	u32 nr_up;		/* CPUs installed: VM calls wait for all */
	u32 resetting;		/* the host asked for a reset or power-off */
	struct pool el2_pool, host_pool;
	u64 el2_root;
	u64 gich;		/* GICv2 GICH base, 0 if none */
	u64 smmu_base, smmu_size;	/* the SMMU's registers, size 0 if none */
	u32 nr_lrs;		/* list registers the host may set */
	struct blocks vm_blocks;	/* the VM pools' pages */
	struct vm vm[CV_MAX_VMS];
};
extern struct core core;

/* GICH and, on a GIC-400, its per-CPU aliases: never the host's or a VM's */
#define GICH_HIDDEN	(2 * PAGE_SIZE)
static inline bool is_gich(u64 pa)
{
	return core.gich && pa >= core.gich && pa - core.gich < GICH_HIDDEN;
}

/* The SMMU's registers: never the host's or a VM's (hole 1) */
static inline bool is_smmu(u64 pa)
{
	return core.smmu_size && pa >= core.smmu_base &&
	       pa - core.smmu_base < core.smmu_size;
}

/*
 * The VM's lock taken, if the VM is live; NULL otherwise.  Inline, as
 * vm_in_image below: every layer above page_state.c uses them, and vm.c
 * (the lifecycle) sits on top of those layers.
 */
static inline struct vm *vm_get_locked(u64 vmid)
{
	struct vm *vm;

	if (vmid < 1 || vmid > CV_MAX_VMS)
		return NULL;
	vm = &core.vm[vmid - 1];
	lock_take(&vm->lock);
	if (vm->state == VM_FREE) {
		lock_give(&vm->lock);
		return NULL;
	}
	return vm;
}

/* Whether ipa lies inside one of the VM's boot images. */
static inline bool vm_in_image(struct vm *vm, u64 ipa)
{
	u32 i;

	for (i = 0; i < CV_MAX_IMAGES; i++)
		if (vm->image[i].size && ipa >= vm->image[i].ipa &&
		    ipa - vm->image[i].ipa < vm->image[i].size)
			return true;
	return false;
}

static inline u64 vm_vttbr(const struct vm *vm)
{
	return vm->s2_hw | ((u64)vm->vmid << 48);
}

/*
 * page_state.c: every transition of a page (docs/page-states.md).  The
 * VM ones are called under vm->lock, the others take mem_lock, except
 * the DMA helpers, called with mem_lock (and smmu_lock) held.
 */
enum page_kind page_kind(const struct page_state *pg);
bool pgs_host_fault(u64 pa);
bool pgs_host_readable(u64 pa, u64 len);
s64 pgs_host_to_vm(struct vm *vm, u64 pa, u64 ipa);
s64 pgs_host_to_vm_list(struct vm *vm, const u64 *pa, u64 ipa, u32 n);
s64 pgs_vm_to_host(struct vm *vm, u64 ipa);
s64 pgs_set_share(struct vm *vm, u64 ipa, bool shared);
void pgs_reclaim_vm(struct vm *vm);
void pgs_cut_vm(struct vm *vm);
s64 pgs_map_device(struct vm *vm, u64 pa, u64 ipa);
s64 pgs_host_dma_check(const struct page_state *pg);
void pgs_host_dma_get(struct page_state *pg);
void pgs_host_dma_put(struct page_state *pg);
s64 pgs_vm_dma_check(struct vm *vm, const struct page_state *pg, u64 iova);

/* vm.c: the VM lifecycle */
s64 vm_register(void);
s64 vm_register_vcpu(u64 vmid, u64 vcpu);
s64 vm_set_key(u64 vmid, u64 key_pa);
s64 vm_set_image(u64 vmid, u64 slot, u64 ipa, u64 size, u64 sig_pa);
s64 vm_load_page(u64 vmid, u64 slot, u64 pa);
s64 vm_verify(u64 vmid);
s64 vm_power_on(u64 vmid, u64 entry, u64 x0);
s64 vm_stop(u64 vmid);
s64 vm_teardown(u64 vmid);
s64 vm_map(u64 vmid, u64 pa, u64 ipa);
s64 vm_map_pages(u64 vmid, u64 list_pa, u64 ipa, u64 n);
s64 vm_unmap(u64 vmid, u64 ipa);
s64 vm_device(u64 vmid, u64 pa, u64 ipa);
void vm_destroy(struct vm *vm);

/* vcpu.c */
/* lrs: NULL, or VCPU_RUN_LRS's x5, x6 (ABI 1.6), the list registers both ways */
s64 vcpu_run(u64 vmid, u64 vcpu, u64 value, u64 action, u64 out[4],
	     u64 *lrs);
s64 vcpu_set_timer(u64 vmid, u64 vcpu, u64 off);
s64 vcpu_get_virq(u64 vmid, u64 vcpu, u64 lr, u64 *val);
s64 vcpu_set_virq(u64 vmid, u64 vcpu, u64 lr, u64 val);

/*
 * stats.c: per-CPU counters (CV_STAT_*), no lock: a CPU writes only its
 * own row.  The exit path takes its row once and counts inline, without
 * time (a few instructions a counter: the counters must not be what
 * they measure).
 */
struct cv_stat {
	u64 count;
	u64 ticks;
};
extern struct cv_stat core_stats[CV_MAX_CPUS][CV_STAT_NR];

static inline void stat_add_row(struct cv_stat *row, u32 id, u64 count,
				u64 ticks)
{
	/* whole u64 stores: a reader on another CPU sees old or new */
	__atomic_store_n(&row[id].count, row[id].count + count,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&row[id].ticks, row[id].ticks + ticks,
			 __ATOMIC_RELAXED);
}

/* One event, no time: the per-exit path (a timer read costs more). */
static inline void stat_count(struct cv_stat *row, u32 id)
{
	__atomic_store_n(&row[id].count, row[id].count + 1, __ATOMIC_RELAXED);
}

void stat_add(u32 id, u64 count, u64 ticks);
void stat_since(u32 id, u64 t0);
s64 stat_get(u64 cpu, u64 id, u64 out[4]);

/* smmu.c */
void smmu_init(u64 pool_base, u32 pages_per_ctx);
s64 smmu_alloc(u64 ctx, u64 vmid, u64 *root);
s64 smmu_free(u64 ctx);
s64 smmu_map(u64 ctx, u64 iova, u64 pa);
s64 smmu_unmap(u64 ctx, u64 iova);
u64 smmu_root(u32 ctx, u32 *vmid);	/* 0 if free */
void smmu_unbind_vm(struct vm *vm);	/* caller holds vm->lock */
u32 smmu_ctx_pages(void);

#endif /* CORE_CORE_H */
