/* SPDX-License-Identifier: GPL-2.0-only */
/* An ARM PL011 UART, transmit only: the guest's console. */
#ifndef VMM_UART_H
#define VMM_UART_H

#include <stdbool.h>
#include <stdint.h>

/* Console bytes go to out_fd (stdout in the vmm, a pipe in the tests). */
void uart_init(int out_fd);

/*
 * Handle one guest access at guest-physical addr of len bytes.  A read
 * fills data.  Returns false if addr is not the UART's, so the caller
 * can try another device.
 */
bool uart_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write);

#endif
