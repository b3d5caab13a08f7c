/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bmguest: the project's bare-metal test guest (vmm/bmguest/README.md).
 *
 * A raw image (no Linux Image header) linked at the vmm's RAM base,
 * entered there at EL1 with the DTB in x0, MMU and caches off.  It runs
 * on the vmm's machine (QEMU virt's layout): GICv2 distributor at
 * 0x08000000, CPU interface at 0x08010000, PL011 at 0x09000000.
 *
 * The pieces are meant to be reused by other test programs (the
 * micro-benchmarks of issue 18): the console (bm_puts and friends), the
 * exception vectors with a C hook per kind, the GIC, the timers, PSCI.
 */
#ifndef BM_H
#define BM_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long s64;

#define NULL ((void *)0)

#define GICD_BASE	0x08000000UL
#define GICC_BASE	0x08010000UL
#define UART_BASE	0x09000000UL

#define PPI_VTIMER	27
#define PPI_PTIMER	30

#define read_sysreg(r) ({						\
	u64 __v;							\
	asm volatile("mrs %0, " #r : "=r" (__v) :: "memory");		\
	__v;								\
})
#define write_sysreg(v, r)						\
	asm volatile("msr " #r ", %x0" :: "rZ" ((u64)(v)) : "memory")
#define isb()	asm volatile("isb" ::: "memory")

static inline u32 mmio_read32(u64 addr)
{
	return *(volatile u32 *)addr;
}

static inline void mmio_write32(u64 addr, u32 val)
{
	*(volatile u32 *)addr = val;
}

/* The registers an exception handler sees and may change (start.S). */
struct bm_frame {
	u64 x[31];
	u64 elr, spsr, esr, far;
};

/* console */
void bm_putc(char c);
void bm_puts(const char *s);
void bm_put_hex(u64 v);
void bm_put_dec(u64 v);

/* PSCI through HVC, as the vmm's DT says (method = "hvc") */
u64 bm_hvc(u64 fn, u64 a1, u64 a2, u64 a3);
__attribute__((noreturn)) void bm_system_off(void);

/*
 * Exceptions.  A synchronous exception or an IRQ calls the hook, if one
 * is set; with none, the guest prints the syndrome and powers off.  A
 * hook returns 1 when it handled the exception (frame->elr/spsr are
 * taken back as changed).
 */
extern int (*bm_sync_hook)(struct bm_frame *f);
extern void (*bm_irq_hook)(u32 intid);
void bm_handle_sync(struct bm_frame *f);
void bm_handle_irq(struct bm_frame *f);
void bm_handle_bad(struct bm_frame *f, u64 kind);

/* GICv2: distributor and this CPU's interface on, PPIs enabled by mask */
void bm_gic_init(u32 ppi_mask);

/* counters */
static inline u64 bm_cntvct(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

/* start.S */
void bm_ss_run(void (*target)(void));
void bm_ss_target(void);
extern char bm_ss_target_end[];
void bm_bp_target(void);

/* the tests (tests.c) */
int bm_run_tests(void);

#endif
