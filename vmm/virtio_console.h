/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A virtio-mmio (version 2) console: the guest's second console, the one
 * that reaches the host only through DMA buffers (under SeKVM, the pages
 * the guest shares with the host: its swiotlb pool and virtqueues).
 * At VMM_VIRTIO_BASE, QEMU virt's first virtio-mmio slot.
 */
#ifndef VMM_VIRTIO_CONSOLE_H
#define VMM_VIRTIO_CONSOLE_H

#include "virtio_mmio.h"

/* Called with true when the device raises its interrupt, false to lower it. */
typedef vdev_irq_fn vcon_irq_fn;

/*
 * Reset the device and attach it to vm's RAM.  Transmitted bytes go to
 * out_fd; irq (may be NULL) drives the interrupt line.  Also installs the
 * SIGBUS/SIGSEGV handler that turns a fault on guest RAM into an error.
 */
void vcon_init(struct vm *vm, int out_fd, vcon_irq_fn irq, void *irq_ctx);

/*
 * Handle one guest access at guest-physical addr of len bytes.  A read
 * fills data.  Returns false if addr is not the device's.
 */
bool vcon_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write);

#endif
