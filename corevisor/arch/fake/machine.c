// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake machine: core/machine.h on an x86-64 host, for tests.
 * Physical memory is a set of malloc'd ranges; any access outside them is
 * a bug in the core and aborts (stricter than hardware).  CPUs are
 * threads that name themselves with fake_set_cpu(); system registers are
 * per fake CPU.  The atomics are the compiler's, so locks are real.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake.h"

struct fake_ram {
	u64 base, size;
	u8 *mem;
	u8 *touched;	/* one byte per page */
};

static struct fake_ram ram[CV_MAX_RAM_RANGES];
static unsigned int nr_ram;
static u64 footprint = 16 * PAGE_SIZE;
static u64 sysregs[FAKE_MAX_CPUS][SR_NR];
static bool mmu_on[FAKE_MAX_CPUS];
static __thread unsigned int this_cpu;
static char uart_buf[65536];
static size_t uart_len;
static u32 uart_type;
static fake_guest_fn guest;
static u32 vgic_lrs = 4;
unsigned long fake_tlbi_count, fake_dcache_count, fake_icache_count;
unsigned long fake_tlbi_vmid_at[256];

void fake_reset(void)
{
	unsigned int i;

	for (i = 0; i < nr_ram; i++) {
		free(ram[i].mem);
		free(ram[i].touched);
	}
	nr_ram = 0;
	memset(sysregs, 0, sizeof(sysregs));
	memset(mmu_on, 0, sizeof(mmu_on));
	uart_len = 0;
	uart_buf[0] = 0;
	uart_type = 0;
	guest = NULL;
	vgic_lrs = 4;
	this_cpu = 0;
}

void fake_add_ram(u64 base, u64 size)
{
	if (nr_ram == CV_MAX_RAM_RANGES)
		abort();
	ram[nr_ram].base = base;
	ram[nr_ram].size = size;
	ram[nr_ram].mem = calloc(1, size);
	ram[nr_ram].touched = calloc(1, size >> PAGE_SHIFT);
	if (!ram[nr_ram].mem || !ram[nr_ram].touched)
		abort();
	nr_ram++;
}

bool fake_is_ram(u64 pa)
{
	unsigned int i;

	for (i = 0; i < nr_ram; i++)
		if (pa >= ram[i].base && pa - ram[i].base < ram[i].size)
			return true;
	return false;
}

static struct fake_ram *ram_of(u64 pa)
{
	unsigned int i;

	for (i = 0; i < nr_ram; i++)
		if (pa >= ram[i].base && pa - ram[i].base < ram[i].size)
			return &ram[i];
	fprintf(stderr, "fake: access to non-RAM pa %#llx\n",
		(unsigned long long)pa);
	abort();
}

void *machine_pa(u64 pa)
{
	struct fake_ram *r = ram_of(pa);

	__atomic_store_n(&r->touched[(pa - r->base) >> PAGE_SHIFT], 1,
			 __ATOMIC_RELAXED);
	return r->mem + (pa - r->base);
}

void *fake_peek(u64 pa)
{
	struct fake_ram *r = ram_of(pa);

	return r->mem + (pa - r->base);
}

bool fake_touched(u64 pa)
{
	struct fake_ram *r = ram_of(pa);

	return r->touched[(pa - r->base) >> PAGE_SHIFT];
}

void fake_clear_touched(void)
{
	unsigned int i;

	for (i = 0; i < nr_ram; i++)
		memset(ram[i].touched, 0, ram[i].size >> PAGE_SHIFT);
}

void fake_set_footprint(u64 bytes)
{
	footprint = bytes;
}

u64 machine_image_footprint(void)
{
	return footprint;
}

void fake_set_vgic_lrs(u32 n)
{
	vgic_lrs = n;
}

/* The fake has no GIC: it only reports the list registers a test chose. */
u32 machine_vgic_init(u64 gich)
{
	return vgic_lrs;
}

/* A header page, code to half, read-only data to three quarters. */
void machine_image_layout(struct machine_image_layout *l)
{
	l->text = PAGE_SIZE;
	l->rodata = (footprint / 2) & ~(PAGE_SIZE - 1);
	l->data = (footprint / 4 * 3) & ~(PAGE_SIZE - 1);
}

void fake_set_cpu(unsigned int cpu)
{
	this_cpu = cpu;
}

u64 fake_mpidr(unsigned int cpu)
{
	return (1UL << 31) | ((u64)(cpu / 2) << 8) | (cpu % 2);
}

u64 fake_sysreg(unsigned int cpu, enum machine_sysreg reg)
{
	return sysregs[cpu][reg];
}

bool fake_mmu_on(unsigned int cpu)
{
	return mmu_on[cpu];
}

/* One tick a read: the stats tests see time pass, deterministically. */
u64 fake_ticks;

u64 machine_ticks(void)
{
	return __atomic_add_fetch(&fake_ticks, 1, __ATOMIC_RELAXED);
}

unsigned int machine_cpu_index(void)
{
	return this_cpu;
}

u64 machine_read_sysreg(enum machine_sysreg reg)
{
	if (reg == SR_MPIDR_EL1)
		return fake_mpidr(this_cpu);
	return sysregs[this_cpu][reg];
}

void machine_write_sysreg(enum machine_sysreg reg, u64 val)
{
	if (reg >= SR_NR || reg == SR_MPIDR_EL1)
		abort();
	sysregs[this_cpu][reg] = val;
}

void machine_enable_el2_mmu(void)
{
	/* the tables must exist and hold a valid entry before the switch */
	u64 root = sysregs[this_cpu][SR_TTBR0_EL2];

	if (!root || !fake_is_ram(root))
		abort();
	mmu_on[this_cpu] = true;
}

void machine_dsb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void machine_isb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void machine_tlbi_ipa(u64 vttbr, u64 ipa)
{
	__atomic_add_fetch(&fake_tlbi_count, 1, __ATOMIC_RELAXED);
}

void machine_tlbi_vmid(u64 vttbr)
{
	unsigned long n = __atomic_add_fetch(&fake_tlbi_count, 1,
					     __ATOMIC_RELAXED);

	/* VTTBR_EL2.VMID, 8 bits (VTCR_EL2.VS = 0) */
	__atomic_store_n(&fake_tlbi_vmid_at[(vttbr >> 48) & 0xff], n,
			 __ATOMIC_RELAXED);
}

void machine_tlbi_el2_all(void)
{
	__atomic_add_fetch(&fake_tlbi_count, 1, __ATOMIC_RELAXED);
}

void (*fake_dcache_hook)(u64 pa);

void machine_dcache_flush(u64 pa, u64 size)
{
	(void)machine_pa(pa);
	(void)machine_pa(pa + size - 1);
	__atomic_add_fetch(&fake_dcache_count, 1, __ATOMIC_RELAXED);
	if (fake_dcache_hook)
		fake_dcache_hook(pa);
}

void machine_icache_inval_all(void)
{
	__atomic_add_fetch(&fake_icache_count, 1, __ATOMIC_RELAXED);
}

/* Fake CPUs are threads that may be descheduled: let the holder run. */
void machine_cpu_relax(void)
{
	sched_yield();
}

void machine_uart_init(u64 base, u32 type)
{
	uart_type = type;
}

void machine_uart_putc(char c)
{
	static u32 lock;

	if (!uart_type)
		return;
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		;
	if (uart_len < sizeof(uart_buf) - 1 && c != '\r') {
		uart_buf[uart_len++] = c;
		uart_buf[uart_len] = 0;
	}
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

const char *fake_uart_output(void)
{
	return uart_buf;
}

void machine_halt(void)
{
	fprintf(stderr, "fake: corevisor halted\n");
	abort();
}

void fake_set_guest(fake_guest_fn fn)
{
	guest = fn;
}

void machine_vcpu_run(struct machine_vcpu *vcpu, struct machine_exit *exit)
{
	if (guest) {
		guest(vcpu, exit);
		return;
	}
	exit->kind = EXIT_IRQ;
}

/*
 * Translation table entries, encoded unlike VMSAv8-64 so that a core
 * that spells a bit itself fails: bits [3:0] the level + 1 (0: invalid),
 * bit 4 a table, bits [11:8] the memory type, bits [63:24] the page
 * frame.  Every decoder checks the level it is asked for against the
 * tag and aborts on a mix-up, which real hardware would walk silently
 * as something else.
 */
#define FPTE_LEVEL	0xfUL
#define FPTE_TABLE	BIT(4)
#define FPTE_MEM_SHIFT	8
#define FPTE_PFN_SHIFT	24

static void __attribute__((noreturn)) level_error(const char *what, u64 pte,
						  int level)
{
	fprintf(stderr, "fake: %s: entry %#llx used at level %d\n", what,
		(unsigned long long)pte, level);
	abort();
}

static u64 encode(u64 pa, int level, bool table, enum machine_mem mem)
{
	if (level < 0 || level > 3 || pa & (PAGE_SIZE - 1))
		level_error("bad entry", pa, level);
	return (pa >> PAGE_SHIFT << FPTE_PFN_SHIFT) | (table ? FPTE_TABLE : 0) |
		((u64)mem << FPTE_MEM_SHIFT) | (u64)(level + 1);
}

/* A valid entry made for this level, or an abort. */
static u64 decode(const char *what, u64 pte, int level)
{
	if ((int)(pte & FPTE_LEVEL) != level + 1)
		level_error(what, pte, level);
	return pte;
}

u64 machine_pte_table(u64 table_pa, int level)
{
	if (level >= 3)
		level_error("table entry at the last level", table_pa, level);
	return encode(table_pa, level, true, 0);
}

u64 machine_pte_leaf(u64 pa, int level, enum machine_mem mem)
{
	/* 4 KiB granule: blocks of 1 GiB (level 1) or 2 MiB (level 2) */
	if (level < 1 || level > 3 || pa & ((1UL << (39 - 9 * level)) - 1))
		level_error("leaf not aligned to its level", pa, level);
	return encode(pa, level, false, mem);
}

bool machine_pte_valid(u64 pte, int level)
{
	return pte && decode("valid", pte, level);
}

bool machine_pte_is_table(u64 pte, int level)
{
	return pte && decode("is_table", pte, level) & FPTE_TABLE;
}

u64 machine_pte_pa(u64 pte, int level)
{
	return decode("pa", pte, level) >> FPTE_PFN_SHIFT << PAGE_SHIFT;
}

int fake_pte_level(u64 pte)
{
	return (int)(pte & FPTE_LEVEL) - 1;
}

bool fake_pte_is_table(u64 pte)
{
	return pte & FPTE_TABLE;
}

u64 fake_pte_pa(u64 pte)
{
	return pte >> FPTE_PFN_SHIFT << PAGE_SHIFT;
}

enum machine_mem fake_pte_mem(u64 pte)
{
	return (pte >> FPTE_MEM_SHIFT) & 0xf;
}

/* Values no real register takes: tests compare them, nothing decodes. */
u64 machine_config(enum machine_config c)
{
	return 0xfa4e0000UL | c;
}
