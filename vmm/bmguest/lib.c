// SPDX-License-Identifier: GPL-2.0-only
/*
 * bmguest's small runtime: PL011 output, exception dispatch, GICv2,
 * PSCI power-off.
 */
#include "bm.h"

#define UART_DR		0x000
#define UART_FR		0x018
#define UART_FR_TXFF	(1U << 5)

#define GICD_CTLR	0x000
#define GICD_ISENABLER0	0x100
#define GICD_IPRIORITYR	0x400
#define GICC_CTLR	0x000
#define GICC_PMR	0x004
#define GICC_IAR	0x00c
#define GICC_EOIR	0x010
#define INTID_SPURIOUS	1020

#define PSCI_SYSTEM_OFF	0x84000008UL

/* the DTB the vmm passed in x0 (start.S) */
u64 bm_dtb;

int (*bm_sync_hook)(struct bm_frame *f);
void (*bm_irq_hook)(u32 intid);

void bm_putc(char c)
{
	if (c == '\n')
		bm_putc('\r');
	while (mmio_read32(UART_BASE + UART_FR) & UART_FR_TXFF)
		;
	mmio_write32(UART_BASE + UART_DR, (u8)c);
}

void bm_puts(const char *s)
{
	while (*s)
		bm_putc(*s++);
}

void bm_put_hex(u64 v)
{
	int shift;

	bm_puts("0x");
	for (shift = 60; shift > 0 && !(v >> shift); shift -= 4)
		;
	for (; shift >= 0; shift -= 4)
		bm_putc("0123456789abcdef"[(v >> shift) & 15]);
}

void bm_put_dec(u64 v)
{
	char buf[24];
	int i = 0;

	do {
		buf[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		bm_putc(buf[--i]);
}

void bm_system_off(void)
{
	bm_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	/* SYSTEM_OFF does not return; if it did, stop here */
	for (;;)
		asm volatile("wfi");
}

static __attribute__((noreturn)) void unexpected(const char *what,
						 struct bm_frame *f)
{
	bm_puts("bmguest: unexpected ");
	bm_puts(what);
	bm_puts(": ESR ");
	bm_put_hex(f->esr);
	bm_puts(" ELR ");
	bm_put_hex(f->elr);
	bm_puts(" FAR ");
	bm_put_hex(f->far);
	bm_puts("\nbmguest: done, crashed\n");
	bm_system_off();
}

void bm_handle_sync(struct bm_frame *f)
{
	if (bm_sync_hook && bm_sync_hook(f))
		return;
	unexpected("synchronous exception", f);
}

void bm_handle_irq(struct bm_frame *f __attribute__((unused)))
{
	u32 iar = mmio_read32(GICC_BASE + GICC_IAR);
	u32 intid = iar & 0x3ff;

	if (intid >= INTID_SPURIOUS)
		return;
	if (bm_irq_hook)
		bm_irq_hook(intid);
	mmio_write32(GICC_BASE + GICC_EOIR, iar);
}

void bm_handle_bad(struct bm_frame *f, u64 kind)
{
	static const char *const kinds[] = {
		"sync (SP0)", "IRQ (SP0)", "FIQ (SP0)", "SError (SP0)",
		"sync", "IRQ", "FIQ", "SError",
		"sync (lower EL)", "IRQ (lower EL)", "FIQ (lower EL)",
		"SError (lower EL)", "sync (AArch32)", "IRQ (AArch32)",
		"FIQ (AArch32)", "SError (AArch32)",
	};

	unexpected(kinds[kind & 15], f);
}

void bm_gic_init(u32 ppi_mask)
{
	u32 i;

	/* every PPI at priority 0xa0, below the mask of 0xf0 */
	for (i = 16; i < 32; i += 4)
		mmio_write32(GICD_BASE + GICD_IPRIORITYR + i, 0xa0a0a0a0);
	mmio_write32(GICD_BASE + GICD_ISENABLER0, ppi_mask);
	mmio_write32(GICD_BASE + GICD_CTLR, 1);
	mmio_write32(GICC_BASE + GICC_PMR, 0xf0);
	mmio_write32(GICC_BASE + GICC_CTLR, 1);
}

/* C entry from start.S */
void bm_main(void)
{
	int failed = bm_run_tests();

	bm_puts(failed ? "bmguest: done, some failed\n" :
		"bmguest: done, all passed\n");
}
