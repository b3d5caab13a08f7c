// SPDX-License-Identifier: GPL-2.0
/*
 * The micro-benchmark guest ('porttool bench --suite micro'): the exit
 * paths the SeKVM papers measured with kvm-unit-tests, each timed over N
 * iterations (65536 unless the command line says micro.iters=N) with the
 * virtual counter.  Under QEMU's -icount shift=0 virtual time is the
 * count of executed instructions, so a counter delta converts to the
 * instructions one operation costs, the host's and the corevisor's
 * included, the same on every run.
 *
 * Bare metal at EL1, MMU off (so memory is Device-nGnRnE: -mstrict-align,
 * no exclusives; TCG keeps it coherent between the vCPUs), interrupts
 * masked; vCPU 1 only answers IPIs.  Output on the PL011:
 *   MICRO-START cpus=N cntfrq=HZ iters=N
 *   MICRO-RESULT name=NAME iters=N ticks=T
 *   MICRO-ERROR name=NAME: WHY
 *   MICRO-DONE
 * then PSCI SYSTEM_OFF.
 */
#include <stdint.h>

#define UART_BASE	0x09000000UL	/* the vmm's PL011 (user space) */
#define UART_DR		0x00
#define UART_FR		0x18
#define GICD_BASE	0x08000000UL	/* in-kernel vGIC distributor */
#define GICD_CTLR	0x000
#define GICD_IIDR	0x008
#define GICD_SGIR	0xf00
#define GICC_BASE	0x08010000UL	/* the GIC's virtual CPU interface */
#define GICC_CTLR	0x00
#define GICC_PMR	0x04
#define GICC_IAR	0x0c
#define GICC_EOIR	0x10
#define GIC_SPURIOUS	1023

#define PSCI_VERSION	0x84000000UL
#define PSCI_CPU_ON	0xc4000003UL
#define PSCI_SYSTEM_OFF	0x84000008UL
#define SMCCC_VERSION	0x80000000UL

#define DEFAULT_ITERS	65536
#define RAM_BASE	0x40000000UL
/* Fresh memory for the stage-2 faults: 64 MiB above the image. */
#define FRESH_BASE	(RAM_BASE + (64UL << 20))
#define FRESH_PAGES	16384
#define PAGE_SIZE	4096

extern char secondary_entry[];

/* Shared with vCPU 1; MMU off, so every access goes to memory. */
static volatile uint32_t secondary_up = 0;
static volatile uint32_t ipi_acks = 0;
static volatile uint32_t ipi_bad = 0;
static uint32_t iters = DEFAULT_ITERS;

static inline void mmio_write32(unsigned long addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static inline uint32_t mmio_read32(unsigned long addr)
{
	return *(volatile uint32_t *)addr;
}

static inline uint64_t counter(void)
{
	uint64_t v;

	asm volatile("isb; mrs %0, cntvct_el0; isb" : "=r"(v) :: "memory");
	return v;
}

static inline uint64_t counter_freq(void)
{
	uint64_t v;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static unsigned long hvc(unsigned long fn, unsigned long a1, unsigned long a2,
			 unsigned long a3)
{
	register unsigned long x0 asm("x0") = fn;
	register unsigned long x1 asm("x1") = a1;
	register unsigned long x2 asm("x2") = a2;
	register unsigned long x3 asm("x3") = a3;

	asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) :: "memory");
	return x0;
}

/* ---- output ---- */

static void putc_uart(char c)
{
	mmio_write32(UART_BASE + UART_DR, (uint8_t)c);
}

static void puts_uart(const char *s)
{
	while (*s)
		putc_uart(*s++);
}

static void putu(uint64_t v)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putc_uart(buf[--n]);
}

static void puthex(uint64_t v)
{
	puts_uart("0x");
	for (int i = 60; i >= 0; i -= 4)
		putc_uart("0123456789abcdef"[(v >> i) & 15]);
}

static void __attribute__((noreturn)) power_off(void)
{
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		asm volatile("wfi");
}

void __attribute__((noreturn)) micro_exception(uint64_t esr, uint64_t elr,
					       uint64_t far)
{
	puts_uart("\nMICRO-ERROR name=exception: esr=");
	puthex(esr);
	puts_uart(" elr=");
	puthex(elr);
	puts_uart(" far=");
	puthex(far);
	puts_uart("\n");
	power_off();
}

static void result(const char *name, uint32_t n, uint64_t ticks)
{
	puts_uart("MICRO-RESULT name=");
	puts_uart(name);
	puts_uart(" iters=");
	putu(n);
	puts_uart(" ticks=");
	putu(ticks);
	puts_uart("\n");
}

static void fail(const char *name, const char *why)
{
	puts_uart("MICRO-ERROR name=");
	puts_uart(name);
	puts_uart(": ");
	puts_uart(why);
	puts_uart("\n");
}

/* ---- micro.iters=N from /chosen/bootargs ---- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The command line is a property value in the DTB's structure block, so
 * the key's bytes are there verbatim: no need to walk the tree.
 */
static uint32_t iters_from_dtb(const uint8_t *dtb)
{
	static const char key[] = "micro.iters=";
	uint32_t size;

	if (!dtb || be32(dtb) != 0xd00dfeed)
		return DEFAULT_ITERS;
	size = be32(dtb + 4);
	for (uint32_t i = 0; i + sizeof(key) < size; i++) {
		uint32_t j = 0, v = 0;

		while (key[j] && dtb[i + j] == (uint8_t)key[j])
			j++;
		if (key[j])
			continue;
		for (i += j; i < size && dtb[i] >= '0' && dtb[i] <= '9'; i++)
			v = v * 10 + (dtb[i] - '0');
		return v ? v : DEFAULT_ITERS;
	}
	return DEFAULT_ITERS;
}

/* ---- the benchmarks ---- */

/* Hypercall round trip: SMCCC_VERSION, answered by the host's KVM. */
static void bench_hvc(void)
{
	uint64_t t0 = counter();

	for (uint32_t i = 0; i < iters; i++)
		hvc(SMCCC_VERSION, 0, 0, 0);
	result("hvc", iters, counter() - t0);
}

/* MMIO read the host kernel handles: the vGIC distributor's IIDR. */
static void bench_mmio_kernel(void)
{
	uint64_t t0 = counter();

	for (uint32_t i = 0; i < iters; i++)
		(void)mmio_read32(GICD_BASE + GICD_IIDR);
	result("mmio-kernel", iters, counter() - t0);
}

/* MMIO read the VMM handles in user space: the PL011's flag register. */
static void bench_mmio_user(void)
{
	uint64_t t0 = counter();

	for (uint32_t i = 0; i < iters; i++)
		(void)mmio_read32(UART_BASE + UART_FR);
	result("mmio-user", iters, counter() - t0);
}

/*
 * End of interrupt: a write to the virtual CPU interface's EOIR, which
 * GICv2's virtualization extensions handle without an exit (the spurious
 * id, as kvm-unit-tests' eoi test does).
 */
static void bench_eoi(void)
{
	uint64_t t0 = counter();

	for (uint32_t i = 0; i < iters; i++)
		mmio_write32(GICC_BASE + GICC_EOIR, GIC_SPURIOUS);
	result("eoi", iters, counter() - t0);
}

/*
 * A stage-2 fault on fresh memory: one store to each of FRESH_PAGES
 * pages no one touched before (at most; 64 MiB of the guest's RAM).
 */
static void bench_s2fault(void)
{
	uint32_t n = iters < FRESH_PAGES ? iters : FRESH_PAGES;
	uint64_t t0 = counter();

	for (uint32_t i = 0; i < n; i++)
		*(volatile uint64_t *)(FRESH_BASE + (uint64_t)i * PAGE_SIZE) = i;
	result("s2fault", n, counter() - t0);
}

static void gicc_enable(void)
{
	mmio_write32(GICC_BASE + GICC_PMR, 0xff);
	mmio_write32(GICC_BASE + GICC_CTLR, 1);
}

/* vCPU 1: take each SGI from the virtual CPU interface and acknowledge. */
void __attribute__((noreturn)) micro_secondary(void)
{
	gicc_enable();
	secondary_up = 1;
	for (;;) {
		uint32_t iar = mmio_read32(GICC_BASE + GICC_IAR);
		uint32_t id = iar & 0x3ff;

		if (id == GIC_SPURIOUS) {
			/* let the other vCPU run under single-threaded TCG */
			asm volatile("yield");
			continue;
		}
		mmio_write32(GICC_BASE + GICC_EOIR, iar);
		if (id != 0)
			ipi_bad = ipi_bad + 1;
		ipi_acks = ipi_acks + 1;
	}
}

static int wait_for(volatile uint32_t *v, uint32_t want, uint64_t max_ticks)
{
	uint64_t t0 = counter();

	while (*v != want) {
		asm volatile("yield");
		if (counter() - t0 > max_ticks)
			return -1;
	}
	return 0;
}

/*
 * Virtual IPI: SGI 0 from vCPU 0 to vCPU 1 through the distributor (an
 * exit to the host's vGIC), vCPU 1 takes and EOIs it and says so; the
 * round trip is the cost.
 */
static void bench_ipi(uint64_t freq)
{
	uint64_t t0;
	unsigned long ret;

	ret = hvc(PSCI_CPU_ON, 1, (unsigned long)secondary_entry, 0);
	if (ret != 0) {
		fail("ipi", "PSCI CPU_ON of vCPU 1 refused");
		return;
	}
	if (wait_for(&secondary_up, 1, 10 * freq)) {
		fail("ipi", "vCPU 1 never came up");
		return;
	}
	t0 = counter();
	for (uint32_t i = 0; i < iters; i++) {
		mmio_write32(GICD_BASE + GICD_SGIR, (1u << (16 + 1)) | 0);
		if (wait_for(&ipi_acks, i + 1, 10 * freq)) {
			fail("ipi", "vCPU 1 did not acknowledge an SGI within 10 s");
			return;
		}
	}
	if (ipi_bad) {
		fail("ipi", "vCPU 1 took an interrupt other than SGI 0");
		return;
	}
	result("ipi", iters, counter() - t0);
}

void __attribute__((noreturn)) micro_main(const uint8_t *dtb)
{
	uint64_t freq = counter_freq();

	iters = iters_from_dtb(dtb);
	puts_uart("MICRO-START cpus=2 cntfrq=");
	putu(freq);
	puts_uart(" iters=");
	putu(iters);
	puts_uart(" psci=");
	putu(hvc(PSCI_VERSION, 0, 0, 0));
	puts_uart("\n");
	mmio_write32(GICD_BASE + GICD_CTLR, 1);
	gicc_enable();
	bench_hvc();
	bench_mmio_kernel();
	bench_mmio_user();
	bench_eoi();
	bench_s2fault();
	bench_ipi(freq);
	puts_uart("MICRO-DONE\n");
	power_off();
}
