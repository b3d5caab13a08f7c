// SPDX-License-Identifier: GPL-2.0-only
/*
 * init: CV_HC_INIT, taken on every CPU with the EL2 MMU off.
 *
 * The first call checks and copies the host's boot info into core data
 * (the host-writable copy is never read again), checks the region and
 * the RAM map, marks every page of the region CORE-owned (image, stacks,
 * data, pools: gap 3 of docs/gaps.md), carves the region into the
 * ownership table and the page-table pools, and builds the EL2 stage 1
 * (identity map of RAM plus the UART and the GICH, W^X: only the image's
 * code is executable, and it is read-only; the arch turns on
 * SCTLR_EL2.WXN as well).  The host stage 2 never maps the GICH (nor its
 * alias page) or the SMMU's frame.  Every call then programs its CPU:
 * EL2 MMU on, host stage 2 on (HCR, VTCR, VTTBR), and counts it
 * installed (VM calls wait for every CPU of the boot info).
 * Guarantees: per-CPU data is indexed by the dense index checked against
 * MPIDR_EL1 (gap 7); a CPU is initialised once, a second call fails;
 * a failed first call leaves the host in charge of nothing new.
 *
 * Region layout, in pages from its base:
 *   [image footprint][ownership table][EL2 pool][host pool]
 *   [SMMU pools][VM block tags][VM blocks][free]
 */
#include <core/core.h>

struct core core;
static struct cv_boot_info bi;

#define SZ_2M		BIT(21)
#define MPIDR_AFF	0xFF00FFFFFFUL

static bool ranges_ok(void)
{
	u64 prev_end = 0, first = 0;
	u32 i;

	if (bi.nr_ram < 1 || bi.nr_ram > CV_MAX_RAM_RANGES)
		return false;
	for (i = 0; i < bi.nr_ram; i++) {
		u64 b = bi.ram[i].base, s = bi.ram[i].size;

		if ((b | s) & ~PAGE_MASK || !s || b < prev_end ||
		    b >= IPA_LIMIT || s > IPA_LIMIT - b)
			return false;
		core.ram[i].base = b;
		core.ram[i].size = s;
		core.ram[i].first = first;
		first += s >> PAGE_SHIFT;
		prev_end = b + s;
	}
	core.nr_ram = bi.nr_ram;
	return true;
}

static bool region_in_ram(void)
{
	u32 i;

	for (i = 0; i < core.nr_ram; i++)
		if (core.base >= core.ram[i].base &&
		    core.base + core.size <= core.ram[i].base + core.ram[i].size)
			return true;
	return false;
}

static bool overlaps(u64 b1, u64 s1, u64 b2, u64 s2)
{
	return b1 < b2 + s2 && b2 < b1 + s1;
}

/*
 * The SMMU's frame: page aligned, below the IPA limit, not RAM and
 * clear of the UART and the GICH (which EL2 maps for itself).
 */
static bool smmu_ok(void)
{
	u64 b = bi.smmu_base, s = bi.smmu_size;
	u32 i;

	if (!s)
		return true;
	if ((b | s) & ~PAGE_MASK || b >= IPA_LIMIT || s > IPA_LIMIT - b)
		return false;
	if (bi.uart_type && overlaps(b, s, bi.uart_base, PAGE_SIZE))
		return false;
	if (bi.gich_base && overlaps(b, s, bi.gich_base, GICH_HIDDEN))
		return false;
	for (i = 0; i < core.nr_ram; i++)
		if (overlaps(b, s, core.ram[i].base, core.ram[i].size))
			return false;
	return true;
}

static s64 read_boot_info(u64 base, u64 size, u64 bi_pa)
{
	u64 start = base + machine_image_footprint();

	if ((base | size) & (SZ_2M - 1) || !size || base >= IPA_LIMIT ||
	    size > IPA_LIMIT - base)
		return CV_E_INVAL;
	if (bi_pa & 7 || bi_pa < start ||
	    bi_pa > base + size - sizeof(bi))
		return CV_E_RANGE;
	cv_memcpy(&bi, machine_pa(bi_pa), sizeof(bi));
	core.base = base;
	core.size = size;
	if (!ranges_ok() || !region_in_ram())
		return CV_E_INVAL;
	if (bi.nr_cpus < 1 || bi.nr_cpus > CV_MAX_CPUS ||
	    bi.uart_type > CV_UART_8250)
		return CV_E_INVAL;
	if (bi.uart_type && (bi.uart_base & ~PAGE_MASK ||
			     bi.uart_base >= IPA_LIMIT ||
			     own_is_ram(bi.uart_base)))
		return CV_E_INVAL;
	if (bi.gich_base && (bi.gich_base & ~PAGE_MASK ||
			     bi.gich_base > IPA_LIMIT - GICH_HIDDEN ||
			     own_is_ram(bi.gich_base) ||
			     own_is_ram(bi.gich_base + PAGE_SIZE) ||
			     (bi.uart_type && bi.uart_base >= bi.gich_base &&
			      bi.uart_base < bi.gich_base + GICH_HIDDEN)))
		return CV_E_INVAL;
	if (!smmu_ok())
		return CV_E_INVAL;
	core.nr_cpus = bi.nr_cpus;
	cv_memcpy(core.mpidr, bi.mpidr, sizeof(core.mpidr));
	return 0;
}

static u64 el2_pool_pages(void)
{
	u64 n = 8;
	u32 i;

	for (i = 0; i < core.nr_ram; i++)
		n += (core.ram[i].size >> 30) + (core.ram[i].size >> 39) + 8;
	return n;
}

/*
 * The VM pools' blocks get what the other pools leave: first the bytes
 * of their tags, then the blocks, aligned to a block.  At least 16
 * blocks (the 128 pages the 16 slots of ABI 1.4 needed at least).
 */
static s64 carve_vm_blocks(u64 next, u64 pages)
{
	u64 block = (u64)POOL_BLOCK_PAGES << PAGE_SHIFT, tags, first;
	u64 end = next + (pages << PAGE_SHIFT), nr;
	u32 i;

	tags = next;
	/* one tag byte a block: a page of tags for each 4096 blocks */
	next += ((pages / POOL_BLOCK_PAGES / PAGE_SIZE) + 1) << PAGE_SHIFT;
	first = (next + block - 1) & ~(block - 1);
	nr = first < end ? (end - first) / block : 0;
	if (nr < 16)
		return CV_E_NOMEM;
	blocks_init(&core.vm_blocks, tags, first, (u32)nr);
	for (i = 0; i < CV_MAX_VMS; i++) {
		pool_init_blocks(&core.vm[i].pool, &core.vm_blocks, i + 1);
		core.vm[i].state = VM_FREE;
	}
	return 0;
}

/* Cut the region into table and pools; pools get what is left. */
static s64 carve(void)
{
	u64 next = core.base + machine_image_footprint();
	u64 end = core.base + core.size, own_bytes, left;
	u64 el2, host, smmu;
	u32 i;

	own_bytes = 0;
	for (i = 0; i < core.nr_ram; i++)
		own_bytes += (core.ram[i].size >> PAGE_SHIFT) *
			     sizeof(struct page_state);
	next += (own_bytes + PAGE_SIZE - 1) & PAGE_MASK;
	el2 = el2_pool_pages();
	if (next >= end || (end - next) >> PAGE_SHIFT <= el2)
		return CV_E_NOMEM;
	left = ((end - next) >> PAGE_SHIFT) - el2;
	host = left / 4;
	smmu = left / 8 / CV_MAX_SMMU_CTX;
	if (host < 16 || smmu < 4)
		return CV_E_NOMEM;
	pool_init(&core.el2_pool, next, el2);
	next += el2 << PAGE_SHIFT;
	pool_init(&core.host_pool, next, host);
	next += host << PAGE_SHIFT;
	smmu_init(next, smmu);
	next += smmu * CV_MAX_SMMU_CTX << PAGE_SHIFT;
	return carve_vm_blocks(next, left - host - smmu * CV_MAX_SMMU_CTX);
}

static int map_el2(u64 start, u64 end, enum machine_mem mem)
{
	if (end <= start)
		return 0;
	return pgt_map_range(core.el2_root, start, end - start, mem,
			     &core.el2_pool);
}

/*
 * EL2 stage 1, W^X: RAM read-write non-executable, but in the image the
 * header and .rodata read-only, .text read-only executable; the UART and
 * the GICH as devices.
 */
static s64 build_el2_tables(void)
{
	struct machine_image_layout l;
	u64 rb = core.base, fp = machine_image_footprint();
	int ret = 0;
	u32 i;

	machine_image_layout(&l);
	if ((l.text | l.rodata | l.data) & ~PAGE_MASK || !l.text ||
	    l.rodata <= l.text || l.data < l.rodata || l.data > fp)
		return CV_E_INVAL;
	core.el2_root = pool_alloc(&core.el2_pool);
	if (!core.el2_root)
		return CV_E_NOMEM;
	for (i = 0; i < core.nr_ram && !ret; i++) {
		u64 b = core.ram[i].base, e = b + core.ram[i].size;

		if (rb < b || rb >= e) {
			ret = map_el2(b, e, MEM_S1_RW);
			continue;
		}
		ret = map_el2(b, rb, MEM_S1_RW);
		if (!ret)
			ret = map_el2(rb, rb + l.text, MEM_S1_RO);
		if (!ret)
			ret = map_el2(rb + l.text, rb + l.rodata, MEM_S1_RX);
		if (!ret)
			ret = map_el2(rb + l.rodata, rb + l.data, MEM_S1_RO);
		if (!ret)
			ret = map_el2(rb + l.data, e, MEM_S1_RW);
	}
	if (!ret && bi.uart_type)
		ret = map_el2(bi.uart_base, bi.uart_base + PAGE_SIZE,
			      MEM_S1_DEVICE);
	if (!ret && bi.gich_base)
		ret = map_el2(bi.gich_base, bi.gich_base + PAGE_SIZE,
			      MEM_S1_DEVICE);
	return ret ? CV_E_NOMEM : 0;
}

static s64 global_init(u64 base, u64 size, u64 bi_pa)
{
	u64 table, pa;
	s64 ret = read_boot_info(base, size, bi_pa);

	if (ret)
		return ret;
	ret = carve();
	if (ret)
		return ret;
	table = base + machine_image_footprint();
	own_init(core.ram, core.nr_ram, machine_pa(table));
	for (pa = base; pa < base + size; pa += PAGE_SIZE)
		own_page(pa)->owner = OWNER_CORE;
	ret = build_el2_tables();
	if (ret)
		return ret;
	host_s2_init(&core.host_pool);
	machine_uart_init(bi.uart_base, bi.uart_type);
	core.gich = bi.gich_base;
	core.smmu_base = bi.smmu_base;
	core.smmu_size = bi.smmu_size;
	core.nr_lrs = core.gich ? machine_vgic_init(core.gich) : CV_NR_LRS;
	if (core.nr_lrs > CV_NR_LRS)
		core.nr_lrs = CV_NR_LRS;
	core.inited = true;
	return 0;
}

static void cpu_setup(u64 cpu)
{
	machine_write_sysreg(SR_MAIR_EL2, machine_config(MC_MAIR_EL2));
	machine_write_sysreg(SR_TCR_EL2, machine_config(MC_TCR_EL2));
	machine_write_sysreg(SR_TTBR0_EL2, core.el2_root);
	machine_tlbi_el2_all();
	machine_enable_el2_mmu();
	machine_write_sysreg(SR_VTCR_EL2, machine_config(MC_VTCR_EL2));
	machine_write_sysreg(SR_VTTBR_EL2, host_s2_vttbr());
	machine_tlbi_vmid(host_s2_vttbr());
	machine_write_sysreg(SR_HCR_EL2, machine_config(MC_HCR_HOST));
	machine_isb();
	core.cpu_up[cpu] = true;
	machine_store_release(&core.nr_up, core.nr_up + 1);
	cv_puts("corevisor: cpu ");
	cv_putu(cpu);
	cv_puts(" up, ABI v");
	cv_putu(CV_ABI_MAJOR);
	cv_puts(".");
	cv_putu(CV_ABI_MINOR);
	cv_puts(", host stage-2 on\n");
}

s64 core_init_cpu(u64 base, u64 size, u64 bi_pa, u64 cpu)
{
	s64 ret = 0;

	lock_take(&core.init_lock);
	if (!core.inited)
		ret = global_init(base, size, bi_pa);
	else if (base != core.base || size != core.size)
		ret = CV_E_INVAL;
	if (!ret && cpu >= core.nr_cpus)
		ret = CV_E_RANGE;
	else if (!ret && (machine_read_sysreg(SR_MPIDR_EL1) & MPIDR_AFF) !=
		 (core.mpidr[cpu] & MPIDR_AFF))
		ret = CV_E_INVAL;
	else if (!ret && core.cpu_up[cpu])
		ret = CV_E_STATE;
	if (!ret)
		cpu_setup(cpu);
	lock_give(&core.init_lock);
	return ret;
}
