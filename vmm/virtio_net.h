/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A virtio-mmio network device (virtio 1.1, section 5.1) backed by a tap
 * device in the vmm's host: `--net tap=NAME[,mac=XX:XX:XX:XX:XX:XX]`.
 */
#ifndef VMM_VIRTIO_NET_H
#define VMM_VIRTIO_NET_H

#include "virtio_mmio.h"

struct vnet_cfg {
	int fd;			/* the tap, nonblocking, IFF_TAP | IFF_NO_PI */
	uint8_t mac[6];		/* the guest's */
};

/*
 * Parse "tap=NAME[,mac=MAC]" and open (creating it if need be) the tap
 * device NAME.  0, or -1 with the error printed, naming what was wrong.
 */
int vnet_open(const char *spec, struct vnet_cfg *cfg);

/* Parse only (no tap opened): for the tests of the option. */
int vnet_parse(const char *spec, char *ifname, size_t ifname_len,
	       uint8_t mac[6]);

/*
 * Attach the device (at VMM_VIRTIO_NET_BASE) to vm and cfg->fd, which
 * must deliver one frame per read(2) and take one per write(2) (a tap, or
 * a datagram socket in the tests).  Resets it.
 */
void vnet_init(struct vm *vm, const struct vnet_cfg *cfg, vdev_irq_fn irq,
	       void *irq_ctx);

/* Start the receive thread: poll(2) on the tap, frames into the guest. */
int vnet_start(void);

/*
 * Move waiting frames from the fd into the guest's receive buffers, as
 * many as it has buffers for; the number delivered.  The receive thread
 * calls it when the fd is readable; the tests call it directly.
 */
unsigned int vnet_rx(void);

/* One guest access; false if addr is not the device's or it is absent. */
bool vnet_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write);

#endif
