// SPDX-License-Identifier: GPL-2.0-only
/*
 * PL011 emulation, as much as Linux's earlycon=pl011 and the amba-pl011
 * driver need to print (register offsets and bits from the PL011 TRM):
 *
 *  - UARTDR writes go to the output; reads return 0 (no input, ever).
 *  - UARTFR always says "TX FIFO empty, RX FIFO empty, not busy", so the
 *    polled console never waits and the driver's interrupt-less transmit
 *    path (pl011_tx_chars until TXFF) sends the whole buffer at once.
 *    The UART interrupt is therefore never raised.
 *  - The control registers (baud, LCR_H, CR, IFLS, IMSC, DMACR) keep what
 *    was written and read it back, as the driver re-reads some of them.
 *  - RIS/MIS read 0: no interrupt is ever pending.
 *  - The PrimeCell ID registers give the PL011's ID, which the amba bus
 *    reads to bind the driver.
 */
#include "uart.h"
#include "vmm.h"

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#define UART_DR		0x000
#define UART_FR		0x018
#define UART_RIS	0x03c
#define UART_MIS	0x040
#define UART_ICR	0x044
#define UART_PERIPH_ID0	0xfe0

#define UART_FR_BUSY	(1u << 3)
#define UART_FR_RXFE	(1u << 4)
#define UART_FR_TXFF	(1u << 5)
#define UART_FR_TXFE	(1u << 7)

/* PeriphID0-3 then PCellID0-3: part 0x011, designer ARM (0x41), rev 1;
 * cell ID 0xB105F00D.
 */
static const uint8_t uart_id[8] = {
	0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1
};

static struct {
	pthread_mutex_t lock;
	int out_fd;
	uint32_t regs[VMM_UART_SIZE / 4];
} uart = { .lock = PTHREAD_MUTEX_INITIALIZER, .out_fd = 1 };

void uart_init(int out_fd)
{
	uart.out_fd = out_fd;
}

static void uart_put(uint8_t ch)
{
	ssize_t n;

	do
		n = write(uart.out_fd, &ch, 1);
	while (n < 0 && errno == EINTR);
	/* A closed stdout loses console output but must not stop the guest. */
}

static uint32_t uart_read_reg(uint32_t off)
{
	if (off == UART_FR)
		return UART_FR_TXFE | UART_FR_RXFE;
	if (off == UART_DR || off == UART_RIS || off == UART_MIS ||
	    off == UART_ICR)
		return 0;
	if (off >= UART_PERIPH_ID0)
		return uart_id[(off - UART_PERIPH_ID0) / 4];
	return uart.regs[off / 4];
}

static void uart_write_reg(uint32_t off, uint32_t val)
{
	if (off == UART_DR)
		uart_put((uint8_t)val);
	else if (off != UART_FR && off != UART_RIS && off != UART_MIS &&
		 off != UART_ICR && off < UART_PERIPH_ID0)
		uart.regs[off / 4] = val;
}

bool uart_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	uint32_t off, val = 0, i;

	if (addr < VMM_UART_BASE || addr - VMM_UART_BASE >= VMM_UART_SIZE)
		return false;
	off = (uint32_t)(addr - VMM_UART_BASE);
	pthread_mutex_lock(&uart.lock);
	if (is_write) {
		/* Linux writes each register at its own offset, 8 to 32
		 * bits wide; a write into the middle of one is ignored.
		 */
		for (i = 0; i < len && i < 4; i++)
			val |= (uint32_t)data[i] << (8 * i);
		if (!(off & 3))
			uart_write_reg(off, val);
	} else {
		val = uart_read_reg(off & ~3u) >> (8 * (off & 3));
		for (i = 0; i < len; i++)	/* bytes past 32 bits read 0 */
			data[i] = i < 4 ? (uint8_t)(val >> (8 * i)) : 0;
	}
	pthread_mutex_unlock(&uart.lock);
	return true;
}
