// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-mmio console, transport version 2 (the virtio 1.1 spec, sections
 * 4.2 "Virtio Over MMIO", 2.6 "Split Virtqueues" and 5.3 "Console").
 *
 *  - Features: VIRTIO_F_VERSION_1 and VIRTIO_F_ACCESS_PLATFORM, nothing
 *    else (no multiport, no size, no indirect descriptors, no event
 *    index).  ACCESS_PLATFORM makes Linux's virtio ring use the DMA API,
 *    so a SeKVM guest's buffers go through its shared swiotlb pool; a
 *    driver that does not accept VERSION_1 gets FEATURES_OK refused.
 *  - Queue 0 (receive) is accepted and left alone: no input, ever.
 *    Queue 1 (transmit): on every notify, each new chain's bytes go to
 *    the output unchanged and the chain is returned in the used ring.
 *  - The interrupt is a level: raised while InterruptStatus is non-zero,
 *    lowered when the driver acknowledges every bit.
 *
 * Everything the guest writes is untrusted: ring addresses, indices and
 * descriptors are read once into locals and checked against guest RAM
 * before use; a chain is at most queue-size descriptors long; a notify
 * handles at most queue-size chains.  A broken ring sets
 * DEVICE_NEEDS_RESET and the device ignores the queue until reset.  Guest
 * RAM is read and written only through guest_copy(), which survives a
 * fault on it (a SeKVM host cannot touch the guest's private pages), and
 * is never passed to a system call.
 */
#include "virtio_console.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
#define VIRTIO_ID_CONSOLE	3
#define VCON_VENDOR_ID		0x4d564b53u	/* "SKVM" */

#define F_VERSION_1		(1ULL << 32)
#define F_ACCESS_PLATFORM	(1ULL << 33)
#define VCON_FEATURES		(F_VERSION_1 | F_ACCESS_PLATFORM)

#define S_FEATURES_OK		8
#define S_NEEDS_RESET		64

#define INT_USED		1
#define INT_CONFIG		2

#define DESC_F_NEXT		1
#define DESC_F_WRITE		2
#define DESC_F_INDIRECT		4
#define AVAIL_F_NO_INTERRUPT	1

#define VCON_RX			0
#define VCON_TX			1
#define VCON_QUEUES		2
#define VCON_QUEUE_MAX		256

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vcon_queue {
	uint32_t num;
	uint32_t ready;
	uint64_t desc, avail, used;
	uint16_t last_avail;	/* next avail ring slot to take */
	uint16_t used_idx;	/* our copy of used->idx */
};

static struct {
	pthread_mutex_t lock;
	struct vm *vm;
	int out_fd;
	vcon_irq_fn irq;
	void *irq_ctx;
	bool irq_level;
	uint32_t status;
	uint32_t int_status;
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint64_t drv_features;
	struct vcon_queue q[VCON_QUEUES];
} vcon = { .lock = PTHREAD_MUTEX_INITIALIZER, .out_fd = 1 };

/* --- guest RAM access that survives a fault ------------------------- */

static _Thread_local sigjmp_buf *volatile guest_fault_jmp;

static void guest_fault(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (guest_fault_jmp)
		siglongjmp(*guest_fault_jmp, 1);
	/* Not ours: die of it, as without the handler. */
	signal(sig, SIG_DFL);
}

/*
 * memcpy between guest RAM and the vmm; -1 if the access faulted (a
 * SeKVM host faults on a page the guest did not share).
 */
static int guest_copy(void *dst, const void *src, size_t len)
{
	sigjmp_buf jb;

	if (sigsetjmp(jb, 1)) {
		guest_fault_jmp = NULL;
		return -1;
	}
	guest_fault_jmp = &jb;
	memcpy(dst, src, len);
	guest_fault_jmp = NULL;
	return 0;
}

static int guest_read(uint64_t ipa, void *buf, size_t len)
{
	void *p = vm_ram_ptr(vcon.vm, ipa, len);

	return p ? guest_copy(buf, p, len) : -1;
}

static int guest_write(uint64_t ipa, const void *buf, size_t len)
{
	void *p = vm_ram_ptr(vcon.vm, ipa, len);

	return p ? guest_copy(p, buf, len) : -1;
}

/* --- interrupt and errors ------------------------------------------- */

static void update_irq(void)
{
	bool level = vcon.int_status != 0;

	if (level != vcon.irq_level && vcon.irq)
		vcon.irq(vcon.irq_ctx, level);
	vcon.irq_level = level;
}

/* The driver broke the ring: say why once, stop using the device. */
static void vcon_broken(const char *why, uint64_t where)
{
	if (!(vcon.status & S_NEEDS_RESET))
		fprintf(stderr, "vmm: virtio console: %s (0x%llx); device "
			"needs reset\n", why, (unsigned long long)where);
	vcon.status |= S_NEEDS_RESET;
	vcon.int_status |= INT_CONFIG;
	update_irq();
}

static void vcon_reset(void)
{
	vcon.status = 0;
	vcon.int_status = 0;
	vcon.dev_features_sel = vcon.drv_features_sel = vcon.queue_sel = 0;
	vcon.drv_features = 0;
	memset(vcon.q, 0, sizeof(vcon.q));
	update_irq();
}

void vcon_init(struct vm *vm, int out_fd, vcon_irq_fn irq, void *irq_ctx)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = guest_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	pthread_mutex_lock(&vcon.lock);
	vcon.vm = vm;
	vcon.out_fd = out_fd;
	vcon.irq = irq;
	vcon.irq_ctx = irq_ctx;
	vcon.irq_level = false;
	vcon_reset();
	pthread_mutex_unlock(&vcon.lock);
}

/* --- the transmit queue ---------------------------------------------- */

static void write_all(const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(vcon.out_fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* a closed stdout must not stop the guest */
		p += n;
		len -= (size_t)n;
	}
}

/*
 * Guest RAM bytes to the output; -1 if they are not guest RAM or not
 * readable.  They go through a copy in the vmm: guest RAM is never handed
 * to a system call, so a page the host may not touch faults here, in
 * user space under guest_copy(), never inside the kernel's uaccess.
 */
static int output(uint64_t ipa, uint32_t len)
{
	uint8_t chunk[4096];
	uint32_t n;

	if (!vm_ram_ptr(vcon.vm, ipa, len))
		return -1;
	while (len > 0) {
		n = len < sizeof(chunk) ? len : (uint32_t)sizeof(chunk);
		if (guest_read(ipa, chunk, n) < 0)
			return -1;
		write_all(chunk, n);
		ipa += n;
		len -= n;
	}
	return 0;
}

/* Send one descriptor chain starting at head; -1 if it is malformed. */
static int send_chain(struct vcon_queue *q, uint16_t head)
{
	struct vring_desc d;
	uint16_t i = head;
	uint32_t count;

	for (count = 0; count < q->num; count++) {
		if (i >= q->num) {
			vcon_broken("descriptor index out of range", i);
			return -1;
		}
		if (guest_read(q->desc + 16ULL * i, &d, sizeof(d)) < 0) {
			vcon_broken("descriptor table not readable", q->desc);
			return -1;
		}
		if (d.flags & (DESC_F_WRITE | DESC_F_INDIRECT)) {
			vcon_broken("device-writable or indirect descriptor "
				    "on the transmit queue", d.flags);
			return -1;
		}
		if (output(d.addr, d.len) < 0) {
			vcon_broken("buffer outside guest RAM or unreadable",
				    d.addr);
			return -1;
		}
		if (!(d.flags & DESC_F_NEXT))
			return 0;
		i = d.next;
	}
	vcon_broken("descriptor chain longer than the queue (a loop)", head);
	return -1;
}

/* Put head in the used ring; -1 if the ring is not writable. */
static int push_used(struct vcon_queue *q, uint16_t head)
{
	uint32_t elem[2] = { head, 0 };	/* id, bytes written: none */
	uint64_t slot = q->used + 4 + 8ULL * (q->used_idx % q->num);
	uint16_t idx = (uint16_t)(q->used_idx + 1);

	if (guest_write(slot, elem, sizeof(elem)) < 0)
		return -1;
	/* The element must be visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (guest_write(q->used + 2, &idx, sizeof(idx)) < 0)
		return -1;
	q->used_idx = idx;
	return 0;
}

static void transmit(struct vcon_queue *q)
{
	uint16_t avail_idx, head, flags;
	uint32_t done = 0;

	if (guest_read(q->avail + 2, &avail_idx, sizeof(avail_idx)) < 0) {
		vcon_broken("available ring not readable", q->avail);
		return;
	}
	if ((uint16_t)(avail_idx - q->last_avail) > q->num) {
		vcon_broken("available index runs ahead of the queue",
			    avail_idx);
		return;
	}
	/* Ring entries are read only after the index that made them valid. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	while (q->last_avail != avail_idx && done < q->num) {
		if (guest_read(q->avail + 4 + 2ULL * (q->last_avail % q->num),
			       &head, sizeof(head)) < 0) {
			vcon_broken("available ring not readable", q->avail);
			return;
		}
		if (send_chain(q, head) < 0)
			return;
		if (push_used(q, head) < 0) {
			vcon_broken("used ring not writable", q->used);
			return;
		}
		q->last_avail++;
		done++;
	}
	if (!done)
		return;
	/* Our used index store before the driver's suppression flag load. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (guest_read(q->avail, &flags, sizeof(flags)) < 0 ||
	    !(flags & AVAIL_F_NO_INTERRUPT)) {
		vcon.int_status |= INT_USED;
		update_irq();
	}
}

/* --- registers -------------------------------------------------------- */

static bool is_pow2(uint32_t n)
{
	return n && !(n & (n - 1));
}

/* QueueReady = 1: the ring must lie in guest RAM, aligned (2.6). */
static void queue_enable(struct vcon_queue *q)
{
	uint64_t num = q->num;

	if (!is_pow2(q->num) || q->num > VCON_QUEUE_MAX) {
		vcon_broken("queue size not a power of two up to 256", num);
		return;
	}
	if ((q->desc & 15) || (q->avail & 1) || (q->used & 3) ||
	    !vm_ram_ptr(vcon.vm, q->desc, 16 * num) ||
	    !vm_ram_ptr(vcon.vm, q->avail, 6 + 2 * num) ||
	    !vm_ram_ptr(vcon.vm, q->used, 6 + 8 * num)) {
		vcon_broken("virtqueue misaligned or outside guest RAM",
			    q->desc);
		return;
	}
	q->ready = 1;
}

/* Only the driver's first choice of features, and only if acceptable. */
static void write_status(uint32_t val)
{
	if (val == 0) {
		vcon_reset();
		return;
	}
	if ((val & S_FEATURES_OK) && !(vcon.status & S_FEATURES_OK) &&
	    ((vcon.drv_features & ~VCON_FEATURES) ||
	     !(vcon.drv_features & F_VERSION_1)))
		val &= ~S_FEATURES_OK;	/* the driver reads it back */
	vcon.status = val | (vcon.status & S_NEEDS_RESET);
}

static struct vcon_queue *selected_queue(void)
{
	return vcon.queue_sel < VCON_QUEUES ? &vcon.q[vcon.queue_sel] : NULL;
}

static uint32_t read_reg(uint32_t off)
{
	struct vcon_queue *q = selected_queue();

	switch (off) {
	case VM_MAGIC:
		return VIRTIO_MAGIC;
	case VM_VERSION:
		return 2;
	case VM_DEVICE_ID:
		return VIRTIO_ID_CONSOLE;
	case VM_VENDOR_ID:
		return VCON_VENDOR_ID;
	case VM_DEV_FEATURES:
		return vcon.dev_features_sel < 2 ?
		       (uint32_t)(VCON_FEATURES >> (32 * vcon.dev_features_sel)) :
		       0;
	case VM_QUEUE_NUM_MAX:
		return q ? VCON_QUEUE_MAX : 0;
	case VM_QUEUE_READY:
		return q ? q->ready : 0;
	case VM_INT_STATUS:
		return vcon.int_status;
	case VM_STATUS:
		return vcon.status;
	case VM_CONFIG_GEN:
		return 0;
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
static void write_queue_reg(uint32_t off, uint32_t val)
{
	struct vcon_queue *q = selected_queue();

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
			queue_enable(q);
		break;
	}
}

static void write_reg(uint32_t off, uint32_t val)
{
	switch (off) {
	case VM_DEV_FEATURES_SEL:
		vcon.dev_features_sel = val;
		break;
	case VM_DRV_FEATURES_SEL:
		vcon.drv_features_sel = val;
		break;
	case VM_DRV_FEATURES:
		if (vcon.drv_features_sel < 2 &&
		    !(vcon.status & S_FEATURES_OK))
			set_half(&vcon.drv_features, val,
				 vcon.drv_features_sel == 1);
		break;
	case VM_QUEUE_SEL:
		vcon.queue_sel = val;
		break;
	case VM_QUEUE_READY:
		if (val == 0 && selected_queue())
			selected_queue()->ready = 0;
		else
			write_queue_reg(off, val);
		break;
	case VM_QUEUE_NOTIFY:
		if (val == VCON_TX && vcon.q[VCON_TX].ready &&
		    !(vcon.status & S_NEEDS_RESET))
			transmit(&vcon.q[VCON_TX]);
		break;
	case VM_INT_ACK:
		vcon.int_status &= ~val;
		update_irq();
		break;
	case VM_STATUS:
		write_status(val);
		break;
	default:
		write_queue_reg(off, val);
		break;
	}
}

bool vcon_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	uint32_t off, val = 0, i;

	if (addr < VMM_VIRTIO_BASE || addr - VMM_VIRTIO_BASE >= VMM_VIRTIO_SIZE)
		return false;
	off = (uint32_t)(addr - VMM_VIRTIO_BASE);
	pthread_mutex_lock(&vcon.lock);
	/*
	 * Registers are 32-bit, aligned (4.2.2); the configuration space
	 * (no field is offered) reads as zeros at any width.
	 */
	if (is_write) {
		for (i = 0; i < len && i < 4; i++)
			val |= (uint32_t)data[i] << (8 * i);
		if (off < VM_CONFIG && len == 4 && !(off & 3))
			write_reg(off, val);
	} else {
		if (off < VM_CONFIG && len == 4 && !(off & 3))
			val = read_reg(off);
		for (i = 0; i < len; i++)
			data[i] = i < 4 ? (uint8_t)(val >> (8 * i)) : 0;
	}
	pthread_mutex_unlock(&vcon.lock);
	return true;
}
