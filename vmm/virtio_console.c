// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-mmio console (the virtio 1.1 spec, section 5.3 "Console") on the
 * shared transport (virtio_mmio.c).
 *
 *  - Features: VIRTIO_F_VERSION_1 and VIRTIO_F_ACCESS_PLATFORM, nothing
 *    else (no multiport, no size, no indirect descriptors, no event
 *    index).  ACCESS_PLATFORM makes Linux's virtio ring use the DMA API,
 *    so a SeKVM guest's buffers go through its shared swiotlb pool.
 *  - Queue 0 (receive) is accepted and left alone: no input, ever.
 *    Queue 1 (transmit): on every notify, each new chain's bytes go to
 *    the output unchanged and the chain is returned in the used ring.
 *
 * The transport validates each chain (vq_pop); the transmit queue takes
 * device-readable descriptors only; a notify handles at most queue-size
 * chains.  Buffers are copied out of guest RAM in 4 KiB chunks before
 * write(2): guest RAM is never passed to a system call.
 */
#include "virtio_console.h"
#include "guest_mem.h"

#include <errno.h>
#include <unistd.h>

#define VIRTIO_ID_CONSOLE	3
#define VCON_RX			0
#define VCON_TX			1

static void vcon_notify(struct vdev *d, uint32_t q);

static const struct vdev_ops vcon_ops = { .notify = vcon_notify };

static struct vdev vcon = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.name = "console",
	.base = VMM_VIRTIO_BASE,
	.device_id = VIRTIO_ID_CONSOLE,
	.features = VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM,
	.nr_queues = 2,
	.ops = &vcon_ops,
};
static int vcon_out_fd = 1;

void vcon_init(struct vm *vm, int out_fd, vcon_irq_fn irq, void *irq_ctx)
{
	vcon_out_fd = out_fd;
	vdev_init(&vcon, vm, irq, irq_ctx);
}

static void write_all(const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(vcon_out_fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* a closed stdout must not stop the guest */
		p += n;
		len -= (size_t)n;
	}
}

/*
 * Guest RAM bytes to the output; -1 if not readable.  They go through a
 * copy in the vmm, so a page the host may not touch faults here, in user
 * space under the guard, never inside the kernel's uaccess.
 */
static int output(struct vdev *d, uint64_t ipa, uint32_t len)
{
	uint8_t chunk[4096];
	uint32_t n;

	while (len > 0) {
		n = len < sizeof(chunk) ? len : (uint32_t)sizeof(chunk);
		if (guest_read(d->vm, ipa, chunk, n) < 0)
			return -1;
		write_all(chunk, n);
		ipa += n;
		len -= n;
	}
	return 0;
}

static int send_chain(struct vdev *d, const struct vchain *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		if (output(d, c->buf[i].addr, c->buf[i].len) < 0) {
			vdev_broken(d, "buffer not readable", c->buf[i].addr);
			return -1;
		}
	}
	return 0;
}

static void vcon_notify(struct vdev *d, uint32_t qi)
{
	static struct vchain c;	/* under d->lock; 4 KiB off the stack */
	struct vq *q = &d->q[qi];
	uint32_t done;

	if (qi != VCON_TX)
		return;	/* the receive queue: no input, ever */
	for (done = 0; done < q->num; done++) {
		if (vq_pop(d, q, VQ_READ, true, &c) <= 0 ||
		    send_chain(d, &c) < 0 || vq_push(d, q, c.head, 0) < 0)
			break;
	}
	if (done)
		vq_interrupt(d, q);
}

bool vcon_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	return vdev_mmio(&vcon, addr, data, len, is_write);
}
