// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-mmio transport version 2 and split virtqueues (the virtio 1.1
 * spec, sections 4.2 "Virtio Over MMIO" and 2.6 "Split Virtqueues"),
 * shared by the vmm's devices; see virtio_mmio.h.
 *
 *  - Features: what the device offers; a driver that does not accept
 *    VERSION_1, or accepts a bit never offered, gets FEATURES_OK refused.
 *  - The interrupt is a level: raised while InterruptStatus is non-zero,
 *    lowered when the driver acknowledges every bit.
 *  - Queues: size a power of two up to VQ_MAX, rings aligned and inside
 *    guest RAM, else the device needs a reset.
 */
#include "virtio_mmio.h"
#include "guest_mem.h"

#include <stdio.h>
#include <string.h>

/* Register offsets (4.2.2) */
#define VM_MAGIC		0x000
#define VM_VERSION		0x004
#define VM_DEVICE_ID		0x008
#define VM_VENDOR_ID		0x00c
#define VM_DEV_FEATURES		0x010
#define VM_DEV_FEATURES_SEL	0x014
#define VM_DRV_FEATURES		0x020
#define VM_DRV_FEATURES_SEL	0x024
#define VM_QUEUE_SEL		0x030
#define VM_QUEUE_NUM_MAX	0x034
#define VM_QUEUE_NUM		0x038
#define VM_QUEUE_READY		0x044
#define VM_QUEUE_NOTIFY		0x050
#define VM_INT_STATUS		0x060
#define VM_INT_ACK		0x064
#define VM_STATUS		0x070
#define VM_QUEUE_DESC_LO	0x080
#define VM_QUEUE_DESC_HI	0x084
#define VM_QUEUE_AVAIL_LO	0x090
#define VM_QUEUE_AVAIL_HI	0x094
#define VM_QUEUE_USED_LO	0x0a0
#define VM_QUEUE_USED_HI	0x0a4
#define VM_CONFIG_GEN		0x0fc
#define VM_CONFIG		0x100

#define VIRTIO_MAGIC		0x74726976u	/* "virt" */
#define VDEV_VENDOR_ID		0x4d564b53u	/* "SKVM" */

#define S_FEATURES_OK		8
#define S_NEEDS_RESET		64

#define INT_USED		1
#define INT_CONFIG		2

#define DESC_F_NEXT		1
#define DESC_F_WRITE		2
#define DESC_F_INDIRECT		4
#define AVAIL_F_NO_INTERRUPT	1

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* --- interrupt and errors ------------------------------------------- */

static void update_irq(struct vdev *d)
{
	bool level = d->int_status != 0;

	if (level != d->irq_level && d->irq)
		d->irq(d->irq_ctx, level);
	d->irq_level = level;
}

void vdev_broken(struct vdev *d, const char *why, uint64_t where)
{
	if (!(d->status & S_NEEDS_RESET))
		fprintf(stderr, "vmm: virtio %s: %s (0x%llx); device needs "
			"reset\n", d->name, why, (unsigned long long)where);
	d->status |= S_NEEDS_RESET;
	d->int_status |= INT_CONFIG;
	update_irq(d);
}

bool vdev_live(const struct vdev *d)
{
	return d->status && !(d->status & S_NEEDS_RESET);
}

static void vdev_reset(struct vdev *d)
{
	d->status = 0;
	d->int_status = 0;
	d->dev_features_sel = d->drv_features_sel = d->queue_sel = 0;
	d->drv_features = 0;
	memset(d->q, 0, sizeof(d->q));
	if (d->ops && d->ops->reset)
		d->ops->reset(d);
	update_irq(d);
}

void vdev_init(struct vdev *d, struct vm *vm, vdev_irq_fn irq, void *ctx)
{
	guest_mem_init();
	pthread_mutex_lock(&d->lock);
	d->vm = vm;
	d->irq = irq;
	d->irq_ctx = ctx;
	d->irq_level = false;
	vdev_reset(d);
	pthread_mutex_unlock(&d->lock);
}

/* --- virtqueues ------------------------------------------------------- */

/* Read descriptor i of q into *out and check it; -1 (broken) if bad. */
static int read_desc(struct vdev *d, struct vq *q, uint16_t i,
		     struct vring_desc *out, bool zero_ok)
{
	if (i >= q->num) {
		vdev_broken(d, "descriptor index out of range", i);
		return -1;
	}
	if (guest_read(d->vm, q->desc + 16ULL * i, out, sizeof(*out)) < 0) {
		vdev_broken(d, "descriptor table not readable", q->desc);
		return -1;
	}
	if (out->flags & DESC_F_INDIRECT) {
		vdev_broken(d, "indirect descriptor (not offered)", i);
		return -1;
	}
	if (!out->len && !zero_ok) {
		vdev_broken(d, "zero-length descriptor", i);
		return -1;
	}
	if (!vm_ram_ptr(d->vm, out->addr, out->len)) {
		vdev_broken(d, "buffer outside guest RAM", out->addr);
		return -1;
	}
	return 0;
}

/* Whether a buffer of direction write may follow the chain so far. */
static bool dir_ok(struct vdev *d, enum vq_dir dir, const struct vchain *c,
		   bool write)
{
	const char *why = NULL;

	if (dir == VQ_READ && write)
		why = "device-writable descriptor on a device-read queue";
	else if (dir == VQ_WRITE && !write)
		why = "device-readable descriptor on a device-write queue";
	else if (!write && c->n > c->n_read)
		why = "readable descriptor after a writable one";
	if (why)
		vdev_broken(d, why, c->n);
	return !why;
}

static int walk_chain(struct vdev *d, struct vq *q, enum vq_dir dir,
		      bool zero_ok, struct vchain *c)
{
	struct vring_desc desc;
	uint16_t i = c->head;
	bool write;

	for (c->n = 0; c->n < q->num; c->n++) {
		if (read_desc(d, q, i, &desc, zero_ok) < 0)
			return -1;
		write = desc.flags & DESC_F_WRITE;
		if (!dir_ok(d, dir, c, write))
			return -1;
		c->buf[c->n] = (struct vbuf){ desc.addr, desc.len, write };
		if (write) {
			c->write_len += desc.len;
		} else {
			c->n_read++;
			c->read_len += desc.len;
		}
		if (!(desc.flags & DESC_F_NEXT)) {
			c->n++;
			return 1;
		}
		i = desc.next;
	}
	vdev_broken(d, "descriptor chain longer than the queue (a loop)",
		    c->head);
	return -1;
}

int vq_pop(struct vdev *d, struct vq *q, enum vq_dir dir, bool zero_ok,
	   struct vchain *c)
{
	uint16_t avail_idx;

	if (!q->ready || !vdev_live(d))
		return 0;
	if (guest_read(d->vm, q->avail + 2, &avail_idx,
		       sizeof(avail_idx)) < 0) {
		vdev_broken(d, "available ring not readable", q->avail);
		return -1;
	}
	if ((uint16_t)(avail_idx - q->last_avail) > q->num) {
		vdev_broken(d, "available index runs ahead of the queue",
			    avail_idx);
		return -1;
	}
	if (avail_idx == q->last_avail)
		return 0;
	/* Ring entries are read only after the index that made them valid. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (guest_read(d->vm, q->avail + 4 + 2ULL * (q->last_avail % q->num),
		       &c->head, sizeof(c->head)) < 0) {
		vdev_broken(d, "available ring not readable", q->avail);
		return -1;
	}
	c->n = c->n_read = 0;
	c->read_len = c->write_len = 0;
	if (walk_chain(d, q, dir, zero_ok, c) < 0)
		return -1;
	q->last_avail++;
	return 1;
}

int vq_push(struct vdev *d, struct vq *q, uint16_t head, uint32_t len)
{
	uint32_t elem[2] = { head, len };	/* id, bytes written */
	uint64_t slot = q->used + 4 + 8ULL * (q->used_idx % q->num);
	uint16_t idx = (uint16_t)(q->used_idx + 1);

	if (guest_write(d->vm, slot, elem, sizeof(elem)) < 0)
		goto fail;
	/* The element must be visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (guest_write(d->vm, q->used + 2, &idx, sizeof(idx)) < 0)
		goto fail;
	q->used_idx = idx;
	return 0;
fail:
	vdev_broken(d, "used ring not writable", q->used);
	return -1;
}

void vq_interrupt(struct vdev *d, struct vq *q)
{
	uint16_t flags;

	/* Our used index store before the driver's suppression flag load. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (guest_read(d->vm, q->avail, &flags, sizeof(flags)) < 0 ||
	    !(flags & AVAIL_F_NO_INTERRUPT)) {
		d->int_status |= INT_USED;
		update_irq(d);
	}
}

/*
 * Walk the part of c (readable or writable) from byte off for len bytes,
 * copying with guest_read or guest_write; -1 if past the part or a fault.
 */
static int chain_copy(struct vdev *d, const struct vchain *c, bool write,
		      uint64_t off, uint8_t *buf, size_t len)
{
	unsigned int i = write ? c->n_read : 0;
	unsigned int end = write ? c->n : c->n_read;
	uint64_t n;
	int rc;

	for (; i < end && len > 0; i++) {
		if (off >= c->buf[i].len) {
			off -= c->buf[i].len;
			continue;
		}
		n = c->buf[i].len - off;
		if (n > len)
			n = len;
		rc = write ? guest_write(d->vm, c->buf[i].addr + off, buf, n) :
			     guest_read(d->vm, c->buf[i].addr + off, buf, n);
		if (rc < 0)
			return -1;
		buf += n;
		len -= n;
		off = 0;
	}
	return len ? -1 : 0;
}

int vchain_read(struct vdev *d, const struct vchain *c, uint64_t off,
		void *buf, size_t len)
{
	return chain_copy(d, c, false, off, buf, len);
}

int vchain_write(struct vdev *d, const struct vchain *c, uint64_t off,
		 const void *buf, size_t len)
{
	return chain_copy(d, c, true, off, (uint8_t *)buf, len);
}

/* --- registers -------------------------------------------------------- */

static bool is_pow2(uint32_t n)
{
	return n && !(n & (n - 1));
}

/* QueueReady = 1: the ring must lie in guest RAM, aligned (2.6). */
static void queue_enable(struct vdev *d, struct vq *q)
{
	uint64_t num = q->num;

	if (!is_pow2(q->num) || q->num > VQ_MAX) {
		vdev_broken(d, "queue size not a power of two up to 256", num);
		return;
	}
	if ((q->desc & 15) || (q->avail & 1) || (q->used & 3) ||
	    !vm_ram_ptr(d->vm, q->desc, 16 * num) ||
	    !vm_ram_ptr(d->vm, q->avail, 6 + 2 * num) ||
	    !vm_ram_ptr(d->vm, q->used, 6 + 8 * num)) {
		vdev_broken(d, "virtqueue misaligned or outside guest RAM",
			    q->desc);
		return;
	}
	q->ready = 1;
}

/* Only the driver's first choice of features, and only if acceptable. */
static void write_status(struct vdev *d, uint32_t val)
{
	if (val == 0) {
		vdev_reset(d);
		return;
	}
	if ((val & S_FEATURES_OK) && !(d->status & S_FEATURES_OK) &&
	    ((d->drv_features & ~d->features) ||
	     !(d->drv_features & VIRTIO_F_VERSION_1)))
		val &= ~S_FEATURES_OK;	/* the driver reads it back */
	d->status = val | (d->status & S_NEEDS_RESET);
}

static struct vq *selected_queue(struct vdev *d)
{
	return d->queue_sel < d->nr_queues ? &d->q[d->queue_sel] : NULL;
}

static uint32_t read_reg(struct vdev *d, uint32_t off)
{
	struct vq *q = selected_queue(d);

	switch (off) {
	case VM_MAGIC:
		return VIRTIO_MAGIC;
	case VM_VERSION:
		return 2;
	case VM_DEVICE_ID:
		return d->device_id;
	case VM_VENDOR_ID:
		return VDEV_VENDOR_ID;
	case VM_DEV_FEATURES:
		return d->dev_features_sel < 2 ?
		       (uint32_t)(d->features >> (32 * d->dev_features_sel)) :
		       0;
	case VM_QUEUE_NUM_MAX:
		return q ? VQ_MAX : 0;
	case VM_QUEUE_READY:
		return q ? q->ready : 0;
	case VM_INT_STATUS:
		return d->int_status;
	case VM_STATUS:
		return d->status;
	case VM_CONFIG_GEN:
		return 0;	/* the config space never changes */
	default:
		return 0;	/* write-only registers and holes read 0 */
	}
}

static void set_half(uint64_t *v, uint32_t val, bool high)
{
	if (high)
		*v = (*v & 0xffffffffULL) | ((uint64_t)val << 32);
	else
		*v = (*v & ~0xffffffffULL) | val;
}

/* Queue registers: only for an existing queue that is not yet live. */
static void write_queue_reg(struct vdev *d, uint32_t off, uint32_t val)
{
	struct vq *q = selected_queue(d);

	if (!q || q->ready)
		return;
	switch (off) {
	case VM_QUEUE_NUM:
		q->num = val;
		break;
	case VM_QUEUE_DESC_LO:
	case VM_QUEUE_DESC_HI:
		set_half(&q->desc, val, off == VM_QUEUE_DESC_HI);
		break;
	case VM_QUEUE_AVAIL_LO:
	case VM_QUEUE_AVAIL_HI:
		set_half(&q->avail, val, off == VM_QUEUE_AVAIL_HI);
		break;
	case VM_QUEUE_USED_LO:
	case VM_QUEUE_USED_HI:
		set_half(&q->used, val, off == VM_QUEUE_USED_HI);
		break;
	case VM_QUEUE_READY:
		if (val == 1)
			queue_enable(d, q);
		break;
	}
}

static void write_reg(struct vdev *d, uint32_t off, uint32_t val)
{
	switch (off) {
	case VM_DEV_FEATURES_SEL:
		d->dev_features_sel = val;
		break;
	case VM_DRV_FEATURES_SEL:
		d->drv_features_sel = val;
		break;
	case VM_DRV_FEATURES:
		if (d->drv_features_sel < 2 && !(d->status & S_FEATURES_OK))
			set_half(&d->drv_features, val,
				 d->drv_features_sel == 1);
		break;
	case VM_QUEUE_SEL:
		d->queue_sel = val;
		break;
	case VM_QUEUE_READY:
		if (val == 0 && selected_queue(d))
			selected_queue(d)->ready = 0;
		else
			write_queue_reg(d, off, val);
		break;
	case VM_QUEUE_NOTIFY:
		if (val < d->nr_queues && d->q[val].ready &&
		    !(d->status & S_NEEDS_RESET))
			d->ops->notify(d, val);
		break;
	case VM_INT_ACK:
		d->int_status &= ~val;
		update_irq(d);
		break;
	case VM_STATUS:
		write_status(d, val);
		break;
	default:
		write_queue_reg(d, off, val);
		break;
	}
}

/* Config space: byte-wise little-endian fields, any width; holes read 0. */
static void read_config(struct vdev *d, uint32_t off, uint8_t *data,
			uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		data[i] = d->config && off + i < d->config_len ?
			  d->config[off + i] : 0;
}

bool vdev_mmio(struct vdev *d, uint64_t addr, uint8_t *data, uint32_t len,
	       bool is_write)
{
	uint32_t off, val = 0, i;

	if (addr < d->base || addr - d->base >= VMM_VIRTIO_SIZE)
		return false;
	off = (uint32_t)(addr - d->base);
	if (len > 8)
		len = 8;	/* kvm_run's mmio.data is 8 bytes */
	pthread_mutex_lock(&d->lock);
	/*
	 * Registers are 32-bit, aligned (4.2.2); the configuration space
	 * is read-only here and reads at any width.
	 */
	if (is_write) {
		for (i = 0; i < len && i < 4; i++)
			val |= (uint32_t)data[i] << (8 * i);
		if (off < VM_CONFIG && len == 4 && !(off & 3))
			write_reg(d, off, val);
	} else if (off >= VM_CONFIG) {
		read_config(d, off - VM_CONFIG, data, len);
	} else {
		if (len == 4 && !(off & 3))
			val = read_reg(d, off);
		for (i = 0; i < len; i++)
			data[i] = i < 4 ? (uint8_t)(val >> (8 * i)) : 0;
	}
	pthread_mutex_unlock(&d->lock);
	return true;
}
