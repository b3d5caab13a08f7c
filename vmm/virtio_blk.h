/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A virtio-mmio block device (virtio 1.1, section 5.2) backed by a file
 * or block device in the vmm's host: `--disk PATH[,ro]`.
 */
#ifndef VMM_VIRTIO_BLK_H
#define VMM_VIRTIO_BLK_H

#include "virtio_mmio.h"

struct vblk_disk {
	int fd;
	uint64_t sectors;	/* 512-byte sectors: the size rounded down */
	bool ro;
};

/*
 * Open "PATH" or "PATH,ro" (read-only: opened O_RDONLY, offered with
 * VIRTIO_BLK_F_RO).  0, or -1 with the error printed, naming PATH.
 */
int vblk_open(const char *spec, struct vblk_disk *disk);

/* Attach the device (at VMM_VIRTIO_BLK_BASE) to vm and disk, reset it. */
void vblk_init(struct vm *vm, const struct vblk_disk *disk, vdev_irq_fn irq,
	       void *irq_ctx);

/* One guest access; false if addr is not the device's or it is absent. */
bool vblk_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write);

#endif
