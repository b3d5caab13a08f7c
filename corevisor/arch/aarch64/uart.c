// SPDX-License-Identifier: GPL-2.0-only
/*
 * Console output: a PL011 or an 8250 (32-bit registers), polled.
 * Owns: the UART base and type copied from boot info at init.
 * Guarantees: never waits forever; a UART that never drains loses
 * characters instead of stopping the corevisor.
 */
#include <core/machine.h>
#include "aarch64.h"

#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_FR_TXFF	(1U << 5)

#define UART8250_THR	0x00
#define UART8250_LSR	(5 << 2)
#define UART8250_THRE	(1U << 5)

#define UART_SPIN_MAX	100000

static u64 uart_base;
static u32 uart_type;

/* One 32-bit device access each, never merged or elided. */
static inline u32 mmio_read32(u64 addr)
{
	u32 val;

	asm volatile("ldr %w0, [%1]" : "=r" (val) : "r" (addr) : "memory");
	return val;
}

static inline void mmio_write32(u64 addr, u32 val)
{
	asm volatile("str %w0, [%1]" : : "rZ" (val), "r" (addr) : "memory");
}

void machine_uart_init(u64 base, u32 type)
{
	if (type != CV_UART_PL011 && type != CV_UART_8250)
		type = CV_UART_NONE;
	uart_base = base;
	uart_type = type;
}

void machine_uart_putc(char c)
{
	u64 status = uart_type == CV_UART_PL011 ? PL011_FR : UART8250_LSR;
	int spin;

	if (uart_type == CV_UART_NONE)
		return;
	for (spin = 0; spin < UART_SPIN_MAX; spin++) {
		u32 st = mmio_read32(uart_base + status);

		if (uart_type == CV_UART_PL011 ? !(st & PL011_FR_TXFF) :
						 (st & UART8250_THRE))
			break;
	}
	mmio_write32(uart_base, (u8)c);	/* DR and THR are both at 0 */
}

void uart_puts(const char *s)
{
	while (*s) {
		if (*s == '\n')
			machine_uart_putc('\r');
		machine_uart_putc(*s++);
	}
}

void uart_put_hex(u64 v)
{
	int shift;

	uart_puts("0x");
	for (shift = 60; shift >= 0; shift -= 4)
		machine_uart_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}
