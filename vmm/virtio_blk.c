// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-mmio block device (the virtio 1.1 spec, section 5.2 "Block
 * Device") on the shared transport (virtio_mmio.c).
 *
 *  - Features: VERSION_1, ACCESS_PLATFORM (the guest's buffers go through
 *    its DMA API: under SeKVM its shared swiotlb pool), SEG_MAX (a request
 *    fits the queue without indirect descriptors, which are not offered),
 *    SIZE_MAX (bounds what a full queue holds in swiotlb: below), FLUSH,
 *    and RO for a `,ro` disk.
 *  - One queue.  A request is a chain: a 16-byte header (type, reserved,
 *    sector) in the readable part, the data (readable for OUT, writable
 *    for IN), and the status byte, the last writable byte.
 *
 * Untrusted input, checked in two layers.  The ring (indices, loops,
 * indirect or zero-length descriptors, buffers outside guest RAM, a
 * readable descriptor after a writable one, no status byte): the device
 * needs a reset (vq_pop).  The request (header too short, unknown type,
 * data not whole sectors, sectors past the disk or an overflowing range,
 * data in the wrong direction, a write to a read-only disk, a host I/O
 * error, a guest page the host may not touch): VIRTIO_BLK_S_IOERR (or
 * UNSUPP for an unknown type) in its status byte, and the device goes on.
 * Data moves through a bounce buffer in the vmm with pread/pwrite: guest
 * RAM is never handed to a system call.
 */
#include "virtio_blk.h"
#include "le.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define VIRTIO_ID_BLOCK		2
#define BLK_F_SIZE_MAX		(1ULL << 1)
#define BLK_F_SEG_MAX		(1ULL << 2)
#define BLK_F_RO		(1ULL << 5)
#define BLK_F_FLUSH		(1ULL << 9)

#define BLK_T_IN		0
#define BLK_T_OUT		1
#define BLK_T_FLUSH		4
#define BLK_T_GET_ID		8

#define BLK_S_OK		0
#define BLK_S_IOERR		1
#define BLK_S_UNSUPP		2

#define SECTOR			512ULL
#define BLK_HDR			16
#define BLK_ID_BYTES		20
/* Data segments per request: the queue minus header and status. */
#define BLK_SEG_MAX		(VQ_MAX - 2)
#define BOUNCE			(64 * 1024)
/*
 * The largest data segment, which bounds what a guest can have in flight
 * on this disk through its swiotlb pool: a segment takes a descriptor,
 * and a driver maps its buffers only once it has the descriptors for
 * them, so a full queue holds at most VQ_MAX * BLK_SIZE_MAX bytes, 2 MiB:
 * half the 4 MiB pool (swiotlb=2048) of porttool's guests, the other half
 * left to the NIC and the console.  4.18's swiotlb panics when a mapping
 * does not fit ("DMA: Random memory could be DMA written"): first on a
 * 1 MiB segment (4.18 does not cap segments at swiotlb's 256 KiB piece
 * as 5.1 and later do), then, with 256 KiB segments, on a pool that
 * MariaDB's start had filled.  Later kernels retry instead; a smaller
 * segment only costs them descriptors, not exits (one notify a request).
 */
#define BLK_SIZE_MAX		(8 * 1024)

static void vblk_notify(struct vdev *d, uint32_t q);

static const struct vdev_ops vblk_ops = { .notify = vblk_notify };

static uint8_t vblk_config[16];	/* capacity (le64), size_max, seg_max */
static struct vdev vblk = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.name = "blk",
	.base = VMM_VIRTIO_BLK_BASE,
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.config = vblk_config,
	.config_len = sizeof(vblk_config),
	.ops = &vblk_ops,
};
static struct vblk_disk vblk_disk = { .fd = -1 };
static bool vblk_present;

/* The size of an open file or block device; -1 if neither. */
static int disk_size(int fd, const char *path, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		fprintf(stderr, "vmm: --disk %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, size) == 0)
		return 0;
	fprintf(stderr, "vmm: --disk %s: not a regular file or block "
		"device\n", path);
	return -1;
}

int vblk_open(const char *spec, struct vblk_disk *disk)
{
	char path[4096];
	size_t len = strlen(spec);
	uint64_t size;

	disk->ro = len > 3 && !strcmp(spec + len - 3, ",ro");
	if (disk->ro)
		len -= 3;
	if (!len || len >= sizeof(path)) {
		fprintf(stderr, "vmm: --disk '%s': expected PATH or PATH,ro\n",
			spec);
		return -1;
	}
	memcpy(path, spec, len);
	path[len] = 0;
	disk->fd = open(path, (disk->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (disk->fd < 0) {
		fprintf(stderr, "vmm: --disk %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (disk_size(disk->fd, path, &size) < 0)
		goto fail;
	if (size < SECTOR) {
		fprintf(stderr, "vmm: --disk %s: %llu bytes, less than one "
			"512-byte sector\n", path, (unsigned long long)size);
		goto fail;
	}
	disk->sectors = size / SECTOR;
	return 0;
fail:
	close(disk->fd);
	disk->fd = -1;
	return -1;
}

void vblk_init(struct vm *vm, const struct vblk_disk *disk, vdev_irq_fn irq,
	       void *irq_ctx)
{
	vblk_disk = *disk;
	vblk.features = VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM |
			BLK_F_SIZE_MAX | BLK_F_SEG_MAX | BLK_F_FLUSH |
			(disk->ro ? BLK_F_RO : 0);
	put_le(vblk_config, disk->sectors, 8);
	put_le(vblk_config + 8, BLK_SIZE_MAX, 4);
	put_le(vblk_config + 12, BLK_SEG_MAX, 4);
	vblk_present = true;
	vdev_init(&vblk, vm, irq, irq_ctx);
}

/* Whether [sector, sector + len) lies on the disk, without overflow. */
static bool in_disk(uint64_t sector, uint64_t len)
{
	return len % SECTOR == 0 && sector <= vblk_disk.sectors &&
	       len / SECTOR <= vblk_disk.sectors - sector;
}

/* IN: disk to the writable part, from offset 0; 0 or -1 (IOERR). */
static int do_read(struct vdev *d, const struct vchain *c, uint64_t sector,
		   uint64_t len)
{
	static uint8_t buf[BOUNCE];	/* under d->lock */
	uint64_t done, n;

	for (done = 0; done < len; done += n) {
		n = len - done < BOUNCE ? len - done : BOUNCE;
		if (pread(vblk_disk.fd, buf, n,
			  (off_t)(sector * SECTOR + done)) != (ssize_t)n ||
		    vchain_write(d, c, done, buf, n) < 0)
			return -1;
	}
	return 0;
}

/* OUT: the readable part after the header to the disk; 0 or -1. */
static int do_write(struct vdev *d, const struct vchain *c, uint64_t sector,
		    uint64_t len)
{
	static uint8_t buf[BOUNCE];	/* under d->lock */
	uint64_t done, n;

	for (done = 0; done < len; done += n) {
		n = len - done < BOUNCE ? len - done : BOUNCE;
		if (vchain_read(d, c, BLK_HDR + done, buf, n) < 0 ||
		    pwrite(vblk_disk.fd, buf, n,
			   (off_t)(sector * SECTOR + done)) != (ssize_t)n)
			return -1;
	}
	return 0;
}

static int get_id(struct vdev *d, const struct vchain *c, uint64_t room)
{
	static const char id[BLK_ID_BYTES] = "sekvm-vmm-disk";

	return vchain_write(d, c, 0, id, room < BLK_ID_BYTES ? room :
				     BLK_ID_BYTES);
}

/*
 * Serve one request; its status in *status, the bytes written to the
 * guest before the status byte in *data_written.
 */
static void serve(struct vdev *d, const struct vchain *c, uint8_t *status,
		  uint64_t *data_written)
{
	uint8_t hdr[BLK_HDR];
	uint64_t in_len = c->write_len - 1;	/* writable, before status */
	uint64_t out_len = c->read_len - BLK_HDR;
	uint64_t sector;
	uint32_t type;
	int rc = -1;

	*data_written = 0;
	*status = BLK_S_IOERR;
	if (c->read_len < BLK_HDR || vchain_read(d, c, 0, hdr, BLK_HDR) < 0)
		return;
	type = (uint32_t)get_le(hdr, 4);
	sector = get_le(hdr + 8, 8);
	switch (type) {
	case BLK_T_IN:
		if (!out_len && in_len && in_len < UINT32_MAX &&
		    in_disk(sector, in_len))
			rc = do_read(d, c, sector, in_len);
		if (!rc)
			*data_written = in_len;
		break;
	case BLK_T_OUT:
		if (!in_len && out_len && !vblk_disk.ro &&
		    in_disk(sector, out_len))
			rc = do_write(d, c, sector, out_len);
		break;
	case BLK_T_FLUSH:
		rc = !out_len && !in_len && (vblk_disk.ro ||
		     fdatasync(vblk_disk.fd) == 0) ? 0 : -1;
		break;
	case BLK_T_GET_ID:
		if (!out_len && in_len)
			rc = get_id(d, c, in_len);
		if (!rc)
			*data_written = in_len < BLK_ID_BYTES ? in_len :
					BLK_ID_BYTES;
		break;
	default:
		*status = BLK_S_UNSUPP;
		return;
	}
	*status = rc ? BLK_S_IOERR : BLK_S_OK;
}

/* One chain: serve it, write its status, return it; -1 if broken. */
static int request(struct vdev *d, const struct vchain *c)
{
	uint64_t written;
	uint8_t status;

	if (!c->write_len) {
		vdev_broken(d, "request without a status byte", c->head);
		return -1;
	}
	serve(d, c, &status, &written);
	if (vchain_write(d, c, c->write_len - 1, &status, 1) < 0) {
		vdev_broken(d, "status byte not writable", c->head);
		return -1;
	}
	return vq_push(d, &d->q[0], c->head, (uint32_t)(written + 1));
}

static void vblk_notify(struct vdev *d, uint32_t qi)
{
	static struct vchain c;	/* under d->lock */
	struct vq *q = &d->q[qi];
	uint32_t done;

	for (done = 0; done < q->num; done++)
		if (vq_pop(d, q, VQ_READ_WRITE, false, &c) <= 0 ||
		    request(d, &c) < 0)
			break;
	if (done)
		vq_interrupt(d, q);
}

bool vblk_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	return vblk_present && vdev_mmio(&vblk, addr, data, len, is_write);
}
