/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtio-mmio transport (version 2) and split virtqueues, shared by
 * the vmm's devices (console, block, network).  A device fills in a
 * struct vdev (its ID, features, config space, queues and callbacks);
 * the transport serves the registers, negotiates features, validates the
 * rings and drives the level interrupt.
 *
 * Everything the guest writes is untrusted: ring addresses, indices and
 * descriptors are read once into the vmm and checked against guest RAM
 * before use (vq_pop); a broken ring sets DEVICE_NEEDS_RESET with a config
 * interrupt, prints one "vmm: virtio NAME: WHY (ADDR); device needs reset"
 * line, and the device ignores its queues until the driver resets it.
 */
#ifndef VMM_VIRTIO_MMIO_H
#define VMM_VIRTIO_MMIO_H

#include "vmm.h"

#define VIRTIO_F_VERSION_1		(1ULL << 32)
#define VIRTIO_F_ACCESS_PLATFORM	(1ULL << 33)

#define VDEV_MAX_QUEUES	2
#define VQ_MAX		256	/* largest queue size a device offers */

/* Called with true when the device raises its interrupt, false to lower. */
typedef void (*vdev_irq_fn)(void *ctx, bool level);

struct vq {
	uint32_t num;
	uint32_t ready;
	uint64_t desc, avail, used;
	uint16_t last_avail;	/* next avail ring slot to take */
	uint16_t used_idx;	/* our copy of used->idx */
};

/* One validated buffer of a chain: inside guest RAM, len > 0 or allowed. */
struct vbuf {
	uint64_t addr;
	uint32_t len;
	bool write;		/* device-writable */
};

/* A descriptor chain as vq_pop validated it. */
struct vchain {
	uint16_t head;
	unsigned int n;			/* buffers */
	unsigned int n_read;		/* the first n_read are readable */
	uint64_t read_len, write_len;	/* bytes in each part */
	struct vbuf buf[VQ_MAX];
};

/* What a queue's chains may hold. */
enum vq_dir {
	VQ_READ,		/* device-readable buffers only */
	VQ_WRITE,		/* device-writable buffers only */
	VQ_READ_WRITE,		/* readable ones, then writable ones */
};

struct vdev;

struct vdev_ops {
	/* The driver notified queue q (valid, live, device not broken). */
	void (*notify)(struct vdev *d, uint32_t q);
	/* Device-specific state back to power-on (may be NULL). */
	void (*reset)(struct vdev *d);
};

struct vdev {
	/* Filled in by the device before vdev_init. */
	const char *name;		/* "console": messages say "virtio console" */
	uint64_t base;			/* MMIO base (VMM_VIRTIO_SIZE bytes) */
	uint32_t device_id;
	uint64_t features;		/* offered */
	unsigned int nr_queues;
	const uint8_t *config;		/* read-only config space (may be NULL) */
	uint32_t config_len;
	const struct vdev_ops *ops;
	void *priv;
	/* Set by vdev_init. */
	struct vm *vm;
	vdev_irq_fn irq;
	void *irq_ctx;
	/* Transport state, under lock. */
	pthread_mutex_t lock;
	bool irq_level;
	uint32_t status;
	uint32_t int_status;
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint64_t drv_features;
	struct vq q[VDEV_MAX_QUEUES];
};

/* Attach d to vm's RAM and reset it; the lock must be initialised. */
void vdev_init(struct vdev *d, struct vm *vm, vdev_irq_fn irq, void *ctx);

/* One guest access at addr; false if addr is not d's.  Takes d->lock. */
bool vdev_mmio(struct vdev *d, uint64_t addr, uint8_t *data, uint32_t len,
	       bool is_write);

/* The driver broke the ring: say why once, stop using the device. */
void vdev_broken(struct vdev *d, const char *why, uint64_t where);

/* True when the driver has begun (status not 0) and the device is not broken. */
bool vdev_live(const struct vdev *d);

/*
 * Take the next available chain of q into c, every descriptor checked:
 * index below the queue size, no indirect descriptor, the buffer inside
 * guest RAM, zero length only if zero_ok, directions as dir allows
 * (readable before writable), at most queue-size descriptors (a loop).
 * 1 with a chain, 0 when the ring is empty, -1 when it is broken (the
 * device is then marked so).  Called with d->lock held.
 */
int vq_pop(struct vdev *d, struct vq *q, enum vq_dir dir, bool zero_ok,
	   struct vchain *c);

/* Return head with len bytes written; -1 (device broken) on a fault. */
int vq_push(struct vdev *d, struct vq *q, uint16_t head, uint32_t len);

/* After pushes: raise the used-buffer interrupt unless suppressed. */
void vq_interrupt(struct vdev *d, struct vq *q);

/*
 * Copy between a chain's buffers, seen as one stream of bytes (readable
 * part or writable part), and the vmm; -1 if out of range or a fault.
 */
int vchain_read(struct vdev *d, const struct vchain *c, uint64_t off,
		void *buf, size_t len);
int vchain_write(struct vdev *d, const struct vchain *c, uint64_t off,
		 const void *buf, size_t len);

#endif
