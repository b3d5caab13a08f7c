// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the vmm's virtio-blk and virtio-net devices against
 * hand-built virtqueues in a fake guest RAM: the registers and config
 * space, good requests and frames, bad requests (VIRTIO_BLK_S_IOERR,
 * the disk unchanged), and hostile rings (loops, out-of-range indices and
 * buffers, zero-length and wrong-direction descriptors, the avail index
 * run ahead), which must leave the device needing a reset and the vmm
 * alive.  The network device's "tap" is a datagram socket pair.  Ends
 * "N passed, N failed".
 */
#include "../virtio_blk.h"
#include "../virtio_net.h"
#include "../le.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define RAM_SIZE	(256 * 1024)
#define QNUM		8
#define BUFS		0x10000ULL	/* data buffers from here */
#define DISK_SECTORS	128

typedef bool (*mmio_fn)(uint64_t addr, uint8_t *data, uint32_t len,
			bool is_write);

/* One device under test: its MMIO, base and queue layout in RAM. */
struct dut {
	mmio_fn mmio;
	uint64_t base;
	uint8_t *ram;
};

/* Queue q's rings: 0x1000 apart per queue, descriptors/avail/used. */
static uint64_t q_desc(int q)  { return 0x1000ULL + 0x4000ULL * q; }
static uint64_t q_avail(int q) { return q_desc(q) + 0x1000; }
static uint64_t q_used(int q)  { return q_desc(q) + 0x2000; }
static uint64_t ipa(uint64_t off) { return VMM_RAM_BASE + off; }

static int irq_level;

static void irq(void *ctx, bool level)
{
	(void)ctx;
	irq_level = level;
}

static uint32_t rd(struct dut *d, uint32_t off)
{
	uint8_t b[4];

	d->mmio(d->base + off, b, 4, false);
	return (uint32_t)get_le(b, 4);
}

static void wr(struct dut *d, uint32_t off, uint32_t v)
{
	uint8_t b[4];

	put_le(b, v, 4);
	d->mmio(d->base + off, b, 4, true);
}

static bool needs_reset(struct dut *d)
{
	return rd(d, 0x070) & 64;
}

/* Linux's bring-up: accept every offered feature, then nq queues. */
static void bring_up(struct dut *d, int nq)
{
	uint32_t lo, hi;

	memset(d->ram, 0, BUFS);
	wr(d, 0x070, 0);
	wr(d, 0x070, 1 | 2);
	wr(d, 0x014, 0);
	lo = rd(d, 0x010);
	wr(d, 0x014, 1);
	hi = rd(d, 0x010);
	wr(d, 0x024, 0);
	wr(d, 0x020, lo);
	wr(d, 0x024, 1);
	wr(d, 0x020, hi);
	wr(d, 0x070, 1 | 2 | 8);
	for (int q = 0; q < nq; q++) {
		wr(d, 0x030, (uint32_t)q);
		wr(d, 0x038, QNUM);
		wr(d, 0x080, (uint32_t)ipa(q_desc(q)));
		wr(d, 0x084, 0);
		wr(d, 0x090, (uint32_t)ipa(q_avail(q)));
		wr(d, 0x094, 0);
		wr(d, 0x0a0, (uint32_t)ipa(q_used(q)));
		wr(d, 0x0a4, 0);
		wr(d, 0x044, 1);
	}
	wr(d, 0x070, 1 | 2 | 8 | 4);
}

static void desc(struct dut *d, int q, unsigned int i, uint64_t addr,
		 uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = d->ram + q_desc(q) + 16 * i;

	put_le(p, addr, 8);
	put_le(p + 8, len, 4);
	put_le(p + 12, flags, 2);
	put_le(p + 14, next, 2);
}

/* Make head the next available entry of q (avail idx + 1). */
static void avail(struct dut *d, int q, uint16_t head)
{
	uint8_t *a = d->ram + q_avail(q);
	uint16_t idx = (uint16_t)get_le(a + 2, 2);

	put_le(a + 4 + 2 * (idx % QNUM), head, 2);
	put_le(a + 2, (uint16_t)(idx + 1), 2);
}

static void notify(struct dut *d, int q)
{
	wr(d, 0x050, (uint32_t)q);
}

static uint16_t used_idx(struct dut *d, int q)
{
	return (uint16_t)get_le(d->ram + q_used(q) + 2, 2);
}

/* used ring element n of q: its id and length */
static uint32_t used_id(struct dut *d, int q, int n)
{
	return (uint32_t)get_le(d->ram + q_used(q) + 4 + 8 * (n % QNUM), 4);
}

static uint32_t used_len(struct dut *d, int q, int n)
{
	return (uint32_t)get_le(d->ram + q_used(q) + 8 + 8 * (n % QNUM), 4);
}

#define F_NEXT	1
#define F_WRITE	2
#define F_INDIR	4

/* ---- virtio-blk ---------------------------------------------------- */

static char disk_path[] = "/tmp/vmm-unit-disk-XXXXXX";
static int disk_fd = -1;

static uint8_t disk_byte(uint64_t off)
{
	return (uint8_t)(off * 7 + off / 512);
}

static void disk_fill(void)
{
	uint8_t buf[DISK_SECTORS * 512];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = disk_byte(i);
	if (pwrite(disk_fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf) ||
	    ftruncate(disk_fd, sizeof(buf)) < 0) {
		perror("disk file");
		exit(1);
	}
}

static bool disk_intact(void)
{
	uint8_t buf[DISK_SECTORS * 512];
	struct stat st;

	if (fstat(disk_fd, &st) < 0 || st.st_size != (off_t)sizeof(buf) ||
	    pread(disk_fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		return false;
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i] != disk_byte(i))
			return false;
	return true;
}

#define HDR_AT		(BUFS)
#define DATA_AT		(BUFS + 0x1000)
#define STATUS_AT	(BUFS + 0x8000)

/*
 * A three-descriptor request: header (readable), data of len bytes
 * (writable for IN, readable otherwise; none if len 0), status
 * (writable).  Returns the status byte after the notify, or -1 if the
 * device returned nothing.
 */
static int blk_req(struct dut *d, uint32_t type, uint64_t sector,
		   uint32_t len, bool data_writable)
{
	uint8_t *h = d->ram + HDR_AT;
	uint16_t before = used_idx(d, 0);

	put_le(h, type, 4);
	put_le(h + 4, 0, 4);
	put_le(h + 8, sector, 8);
	d->ram[STATUS_AT] = 0xee;
	if (len) {
		desc(d, 0, 0, ipa(HDR_AT), 16, F_NEXT, 1);
		desc(d, 0, 1, ipa(DATA_AT), len,
		     F_NEXT | (data_writable ? F_WRITE : 0), 2);
	} else {
		desc(d, 0, 0, ipa(HDR_AT), 16, F_NEXT, 2);
	}
	desc(d, 0, 2, ipa(STATUS_AT), 1, F_WRITE, 0);
	avail(d, 0, 0);
	notify(d, 0);
	if (used_idx(d, 0) != (uint16_t)(before + 1))
		return -1;
	return d->ram[STATUS_AT];
}

/*
 * A four-descriptor request of type at sector 0: header, 512 readable
 * bytes, 512 writable bytes, status: data in both directions.
 */
static int blk_req4(struct dut *d, uint32_t type)
{
	uint8_t *h = d->ram + HDR_AT;
	uint16_t before = used_idx(d, 0);

	put_le(h, type, 4);
	put_le(h + 8, 0, 8);
	memset(d->ram + DATA_AT, 0xa5, 1024);
	d->ram[STATUS_AT] = 0xee;
	desc(d, 0, 0, ipa(HDR_AT), 16, F_NEXT, 1);
	desc(d, 0, 1, ipa(DATA_AT), 512, F_NEXT, 2);
	desc(d, 0, 2, ipa(DATA_AT + 512), 512, F_NEXT | F_WRITE, 3);
	desc(d, 0, 3, ipa(STATUS_AT), 1, F_WRITE, 0);
	avail(d, 0, 0);
	notify(d, 0);
	if (used_idx(d, 0) != (uint16_t)(before + 1))
		return -1;
	return d->ram[STATUS_AT];
}

static void test_blk_registers(struct dut *d, bool ro)
{
	uint8_t b[8];

	CHECK(rd(d, 0x000) == 0x74726976 && rd(d, 0x004) == 2 &&
	      rd(d, 0x008) == 2, "blk: magic, version 2, block device");
	wr(d, 0x014, 0);
	CHECK(rd(d, 0x010) == (0x206u | (ro ? 0x20u : 0)),
	      "blk: SIZE_MAX, SEG_MAX, FLUSH%s offered (0x%x)", ro ? ", RO" : "",
	      rd(d, 0x010));
	wr(d, 0x014, 1);
	CHECK(rd(d, 0x010) == 3, "blk: VERSION_1 and ACCESS_PLATFORM");
	d->mmio(d->base + 0x100, b, 8, false);
	CHECK(get_le(b, 8) == DISK_SECTORS, "blk: capacity %llu sectors",
	      (unsigned long long)get_le(b, 8));
	CHECK(rd(d, 0x10c) == 254, "blk: seg_max fits the queue");
	wr(d, 0x030, 0);
	CHECK(rd(d, 0x108) >= 4096 &&
	      (uint64_t)rd(d, 0x108) * rd(d, 0x034) <= 2 * 1024 * 1024,
	      "blk: size_max %u times the queue's %u: at most 2 MiB in flight, "
	      "half a 4 MiB swiotlb pool", rd(d, 0x108), rd(d, 0x034));
	wr(d, 0x030, 1);
	CHECK(rd(d, 0x034) == 0, "blk: one queue only");
	CHECK(!d->mmio(d->base + 0x200, b, 4, false) &&
	      !d->mmio(d->base - 4, b, 4, false),
	      "blk: addresses outside the device not claimed");
}

static void test_blk_good(struct dut *d)
{
	uint8_t *data = d->ram + DATA_AT;
	bool same = true;

	bring_up(d, 1);
	CHECK(blk_req(d, 0, 2, 1024, true) == 0 && used_len(d, 0, 0) == 1025 &&
	      used_id(d, 0, 0) == 0, "blk: IN of 2 sectors ok, 1025 bytes used");
	for (int i = 0; i < 1024; i++)
		same = same && data[i] == disk_byte(1024 + (uint64_t)i);
	CHECK(same, "blk: IN data is the disk's");
	CHECK(irq_level == 1, "blk: used-buffer interrupt");
	wr(d, 0x064, 1);
	memset(data, 0x5a, 512);
	CHECK(blk_req(d, 1, 5, 512, false) == 0 && used_len(d, 0, 1) == 1,
	      "blk: OUT of 1 sector ok");
	CHECK(pread(disk_fd, data + 4096, 512, 5 * 512) == 512 &&
	      !memcmp(data + 4096, data, 512), "blk: OUT reached the disk");
	disk_fill();
	CHECK(blk_req(d, 4, 0, 0, false) == 0, "blk: FLUSH ok");
	CHECK(blk_req(d, 8, 0, 20, true) == 0 &&
	      !memcmp(data, "sekvm-vmm-disk", 14) && used_len(d, 0, 3) == 21,
	      "blk: GET_ID");
	CHECK(blk_req(d, 99, 0, 0, false) == 2, "blk: unknown type UNSUPP");
	CHECK(blk_req(d, 0, DISK_SECTORS - 1, 512, true) == 0,
	      "blk: IN of the last sector ok");
	CHECK(!needs_reset(d), "blk: device still live");
}

/* Bad requests: IOERR in the status byte, the disk as it was. */
static void test_blk_bad(struct dut *d)
{
	bring_up(d, 1);
	CHECK(blk_req(d, 1, DISK_SECTORS, 512, false) == 1 && disk_intact(),
	      "blk: OUT past the end: IOERR, the file not extended");
	CHECK(blk_req(d, 1, DISK_SECTORS - 1, 1024, false) == 1 &&
	      disk_intact(), "blk: OUT across the end: IOERR");
	CHECK(blk_req(d, 1, 1ULL << 55, 512, false) == 1 && disk_intact(),
	      "blk: OUT at sector 2^55 (offset wraps to 0): IOERR");
	CHECK(blk_req(d, 1, ~0ULL, 512, false) == 1 && disk_intact(),
	      "blk: OUT at sector 2^64-1: IOERR");
	CHECK(blk_req(d, 0, DISK_SECTORS, 512, true) == 1,
	      "blk: IN past the end: IOERR");
	CHECK(blk_req(d, 1, 0, 100, false) == 1 && disk_intact(),
	      "blk: OUT of 100 bytes (not whole sectors): IOERR");
	CHECK(blk_req(d, 0, 0, 100, true) == 1,
	      "blk: IN of 100 bytes: IOERR");
	CHECK(blk_req(d, 0, 0, 512, false) == 1,
	      "blk: IN with readable data: IOERR");
	CHECK(blk_req(d, 1, 0, 512, true) == 1 && disk_intact(),
	      "blk: OUT with writable data: IOERR");
	CHECK(blk_req(d, 0, 0, 0, false) == 1, "blk: IN of no data: IOERR");
	CHECK(blk_req4(d, 0) == 1, "blk: IN with readable and writable "
	      "data: IOERR");
	CHECK(blk_req4(d, 1) == 1 && disk_intact(),
	      "blk: OUT with readable and writable data: IOERR");
	CHECK(blk_req(d, 4, 0, 512, false) == 1, "blk: FLUSH with data: IOERR");
	/* a header of 8 bytes */
	desc(d, 0, 0, ipa(HDR_AT), 8, F_NEXT, 2);
	desc(d, 0, 2, ipa(STATUS_AT), 1, F_WRITE, 0);
	d->ram[STATUS_AT] = 0xee;
	avail(d, 0, 0);
	notify(d, 0);
	CHECK(d->ram[STATUS_AT] == 1, "blk: 8-byte header: IOERR");
	CHECK(!needs_reset(d), "blk: bad requests leave the device live");
	CHECK(blk_req(d, 0, 0, 512, true) == 0, "blk: and it serves again");
}

static void test_blk_ro(struct dut *d)
{
	bring_up(d, 1);
	memset(d->ram + DATA_AT, 0, 512);
	CHECK(blk_req(d, 1, 0, 512, false) == 1 && disk_intact(),
	      "blk ro: OUT refused with IOERR");
	CHECK(blk_req(d, 0, 0, 512, true) == 0, "blk ro: IN ok");
	CHECK(blk_req(d, 4, 0, 0, false) == 0, "blk ro: FLUSH ok");
}

/* A hostile chain: needs reset, nothing used, the disk as it was. */
static void blk_hostile(struct dut *d, const char *what,
			void (*build)(struct dut *d))
{
	bring_up(d, 1);
	put_le(d->ram + HDR_AT, 1, 4);			/* OUT, sector 0 */
	build(d);
	notify(d, 0);
	CHECK(needs_reset(d) && (rd(d, 0x060) & 2) && irq_level == 1,
	      "blk: %s: DEVICE_NEEDS_RESET and a config interrupt", what);
	CHECK(used_idx(d, 0) == 0 && disk_intact(),
	      "blk: %s: nothing used, disk unchanged", what);
	/* after a reset the device serves again */
	bring_up(d, 1);
	CHECK(blk_req(d, 0, 0, 512, true) == 0 && !needs_reset(d),
	      "blk: %s: a reset brings the device back", what);
}

static void b_no_status(struct dut *d)
{
	desc(d, 0, 0, ipa(HDR_AT), 16, F_NEXT, 1);
	desc(d, 0, 1, ipa(DATA_AT), 512, 0, 0);
	avail(d, 0, 0);
}

static void b_read_after_write(struct dut *d)
{
	desc(d, 0, 0, ipa(HDR_AT), 16, F_NEXT, 1);
	desc(d, 0, 1, ipa(STATUS_AT), 1, F_WRITE | F_NEXT, 2);
	desc(d, 0, 2, ipa(DATA_AT), 512, 0, 0);
	avail(d, 0, 0);
}

static void b_loop(struct dut *d)
{
	desc(d, 0, 0, ipa(HDR_AT), 16, F_NEXT, 1);
	desc(d, 0, 1, ipa(DATA_AT), 512, F_NEXT, 0);
	avail(d, 0, 0);
}

/* A good OUT request at descriptors first.. (past the table or not). */
static void b_request_at(struct dut *d, unsigned int first)
{
	desc(d, 0, first, ipa(HDR_AT), 16, F_NEXT, (uint16_t)(first + 1));
	desc(d, 0, first + 1, ipa(DATA_AT), 512, F_NEXT,
	     (uint16_t)(first + 2));
	desc(d, 0, first + 2, ipa(STATUS_AT), 1, F_WRITE, 0);
}

/* next points past the table, where a good request lies in RAM */
static void b_bad_next(struct dut *d)
{
	b_request_at(d, QNUM);
	desc(d, 0, 0, ipa(HDR_AT), 16, F_NEXT, QNUM + 1);
	avail(d, 0, 0);
}

static void b_bad_head(struct dut *d)
{
	b_request_at(d, QNUM);
	avail(d, 0, QNUM);
}

static void b_outside(struct dut *d)
{
	desc(d, 0, 0, ipa(HDR_AT), 16, F_NEXT, 1);
	desc(d, 0, 1, ipa(RAM_SIZE - 256), 512, F_NEXT, 2);
	desc(d, 0, 2, ipa(STATUS_AT), 1, F_WRITE, 0);
	avail(d, 0, 0);
}

static void b_huge(struct dut *d)
{
	desc(d, 0, 0, ipa(HDR_AT), 16, F_NEXT, 1);
	desc(d, 0, 1, ipa(DATA_AT), 0xffffffff, F_NEXT, 2);
	desc(d, 0, 2, ipa(STATUS_AT), 1, F_WRITE, 0);
	avail(d, 0, 0);
}

static void b_status_outside(struct dut *d)
{
	desc(d, 0, 0, ipa(HDR_AT), 16, F_NEXT, 2);
	desc(d, 0, 2, 0x1000, 1, F_WRITE, 0);	/* below RAM */
	avail(d, 0, 0);
}

static void b_zero_len(struct dut *d)
{
	desc(d, 0, 0, ipa(HDR_AT), 16, F_NEXT, 1);
	desc(d, 0, 1, ipa(DATA_AT), 0, F_NEXT, 2);
	desc(d, 0, 2, ipa(STATUS_AT), 1, F_WRITE, 0);
	avail(d, 0, 0);
}

static void b_indirect(struct dut *d)
{
	desc(d, 0, 0, ipa(HDR_AT), 64, F_INDIR, 0);
	avail(d, 0, 0);
}

/* avail idx 100 while every ring entry names a good request */
static void b_ahead(struct dut *d)
{
	b_request_at(d, 0);
	put_le(d->ram + q_avail(0) + 2, 100, 2);
}

static void test_blk(void)
{
	struct vm vm;
	struct vblk_disk disk;
	struct dut d = { vblk_mmio, VMM_VIRTIO_BLK_BASE, NULL };
	char spec[64];

	memset(&vm, 0, sizeof(vm));
	vm.ram_size = RAM_SIZE;
	vm.ram = calloc(1, RAM_SIZE);
	d.ram = vm.ram;
	disk_fd = mkstemp(disk_path);
	if (!vm.ram || disk_fd < 0) {
		perror("blk test setup");
		exit(1);
	}
	disk_fill();
	CHECK(vblk_open("/nonexistent/disk.img", &disk) < 0,
	      "blk: a missing file refused");
	CHECK(vblk_open("/dev/null", &disk) < 0,
	      "blk: a character device refused");
	CHECK(vblk_open(",ro", &disk) < 0, "blk: ',ro' alone refused");
	CHECK(vblk_open(disk_path, &disk) == 0 && !disk.ro &&
	      disk.sectors == DISK_SECTORS, "blk: the disk opens read-write");
	vblk_init(&vm, &disk, irq, NULL);
	test_blk_registers(&d, false);
	test_blk_good(&d);
	test_blk_bad(&d);
	blk_hostile(&d, "no status byte", b_no_status);
	blk_hostile(&d, "readable after writable", b_read_after_write);
	blk_hostile(&d, "descriptor loop", b_loop);
	blk_hostile(&d, "next index past the queue", b_bad_next);
	blk_hostile(&d, "head index past the queue", b_bad_head);
	blk_hostile(&d, "data past the end of RAM", b_outside);
	blk_hostile(&d, "length 4 GiB - 1", b_huge);
	blk_hostile(&d, "status byte below RAM", b_status_outside);
	blk_hostile(&d, "zero-length descriptor", b_zero_len);
	blk_hostile(&d, "indirect descriptor", b_indirect);
	blk_hostile(&d, "avail index 100 ahead", b_ahead);
	close(disk.fd);
	/* RO refuses writes itself, not only through an O_RDONLY fd */
	disk.fd = open(disk_path, O_RDWR);
	disk.ro = true;
	vblk_init(&vm, &disk, irq, NULL);
	test_blk_ro(&d);
	close(disk.fd);
	snprintf(spec, sizeof(spec), "%s,ro", disk_path);
	CHECK(vblk_open(spec, &disk) == 0 && disk.ro, "blk: PATH,ro opens");
	vblk_init(&vm, &disk, irq, NULL);
	test_blk_registers(&d, true);
	test_blk_ro(&d);
	wr(&d, 0x070, 0);
	close(disk.fd);
	close(disk_fd);
	unlink(disk_path);
	free(vm.ram);
}

/* ---- virtio-net ---------------------------------------------------- */

#define RXQ	0
#define TXQ	1
#define HDR	12

static int peer = -1;	/* the "tap"'s other end */

static size_t peer_recv(uint8_t *buf, size_t len)
{
	ssize_t n = recv(peer, buf, len, MSG_DONTWAIT);

	return n > 0 ? (size_t)n : 0;
}

static void test_net_parse(void)
{
	char name[16];
	uint8_t mac[6];

	CHECK(vnet_parse("tap=tap0", name, sizeof(name), mac) == 0 &&
	      !strcmp(name, "tap0") && mac[0] == 0x52 && mac[5] == 0x56,
	      "net: tap=tap0, the default MAC");
	CHECK(vnet_parse("tap=t1,mac=02:00:00:aa:bb:cc", name, sizeof(name),
			 mac) == 0 && !strcmp(name, "t1") && mac[3] == 0xaa &&
	      mac[5] == 0xcc, "net: tap=t1,mac=02:00:00:aa:bb:cc");
	CHECK(vnet_parse("tap0", name, sizeof(name), mac) < 0,
	      "net: no tap= refused");
	CHECK(vnet_parse("tap=", name, sizeof(name), mac) < 0,
	      "net: an empty name refused");
	CHECK(vnet_parse("tap=abcdefghijklmnopq", name, sizeof(name), mac) < 0,
	      "net: a 17-character name refused");
	CHECK(vnet_parse("tap=t,mac=02:00:00:aa:bb", name, sizeof(name),
			 mac) < 0, "net: a short MAC refused");
	CHECK(vnet_parse("tap=t,mac=03:00:00:aa:bb:cc", name, sizeof(name),
			 mac) < 0, "net: a multicast MAC refused");
	CHECK(vnet_parse("tap=t,mtu=9000", name, sizeof(name), mac) < 0,
	      "net: an unknown option refused");
}

static void test_net_registers(struct dut *d)
{
	uint8_t b[8];

	CHECK(rd(d, 0x008) == 1, "net: network device");
	wr(d, 0x014, 0);
	CHECK(rd(d, 0x010) == 0x20, "net: only MAC in the low word");
	wr(d, 0x014, 1);
	CHECK(rd(d, 0x010) == 3, "net: VERSION_1 and ACCESS_PLATFORM");
	d->mmio(d->base + 0x100, b, 8, false);
	CHECK(!memcmp(b, "\x02\x00\x00\xaa\xbb\xcc", 6) && !b[6] && !b[7],
	      "net: the MAC in config space");
	wr(d, 0x030, 2);
	CHECK(rd(d, 0x034) == 0, "net: two queues only");
}

/* Post n receive buffers of len bytes (descriptors 0..n-1). */
static void post_rx(struct dut *d, unsigned int n, uint32_t len)
{
	for (unsigned int i = 0; i < n; i++) {
		desc(d, RXQ, i, ipa(BUFS + 0x1000 * i), len, F_WRITE, 0);
		avail(d, RXQ, (uint16_t)i);
	}
	notify(d, RXQ);
}

static void test_net_tx(struct dut *d)
{
	uint8_t got[2048];

	bring_up(d, 2);
	memset(d->ram + BUFS, 0, HDR);
	for (int i = 0; i < 60; i++)
		d->ram[BUFS + 0x100 + i] = (uint8_t)i;
	desc(d, TXQ, 0, ipa(BUFS), HDR, F_NEXT, 1);
	desc(d, TXQ, 1, ipa(BUFS + 0x100), 60, 0, 0);
	avail(d, TXQ, 0);
	notify(d, TXQ);
	CHECK(peer_recv(got, sizeof(got)) == 60 && got[0] == 0 &&
	      got[59] == 59, "net: a 60-byte frame, header apart, sent");
	CHECK(used_idx(d, TXQ) == 1 && used_id(d, TXQ, 0) == 0 &&
	      irq_level == 1, "net: transmit chain used, interrupt");
	wr(d, 0x064, 1);
	/* header and frame in one descriptor, as Linux sends them */
	memcpy(d->ram + BUFS + 0x200 + HDR, "frame", 5);
	desc(d, TXQ, 2, ipa(BUFS + 0x200), HDR + 5, 0, 0);
	avail(d, TXQ, 2);
	notify(d, TXQ);
	CHECK(peer_recv(got, sizeof(got)) == 5 && !memcmp(got, "frame", 5),
	      "net: header and frame in one descriptor");
	/* shorter than the header: dropped, the chain returned */
	desc(d, TXQ, 3, ipa(BUFS), 8, 0, 0);
	avail(d, TXQ, 3);
	notify(d, TXQ);
	CHECK(peer_recv(got, sizeof(got)) == 0 && used_idx(d, TXQ) == 3 &&
	      !needs_reset(d), "net: an 8-byte chain dropped, returned");
	desc(d, TXQ, 3, ipa(BUFS), HDR, 0, 0);
	avail(d, TXQ, 3);
	notify(d, TXQ);
	CHECK(recv(peer, got, sizeof(got), MSG_DONTWAIT) < 0 &&
	      used_idx(d, TXQ) == 4 && !needs_reset(d),
	      "net: a header without a frame dropped, returned");
}

static void test_net_rx(struct dut *d)
{
	uint8_t frame[1514];
	uint8_t *b0 = d->ram + BUFS, *b1 = d->ram + BUFS + 0x1000;

	bring_up(d, 2);
	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i ^ 0x33);
	CHECK(send(peer, frame, 100, 0) == 100 && vnet_rx() == 0 &&
	      used_idx(d, RXQ) == 0, "net: a frame waits without buffers");
	post_rx(d, 2, HDR + 1514);
	CHECK(used_idx(d, RXQ) == 1 && used_len(d, RXQ, 0) == HDR + 100 &&
	      get_le(b0 + 10, 2) == 1 && !memcmp(b0 + HDR, frame, 100),
	      "net: buffers posted: the waiting frame delivered, num_buffers 1");
	CHECK(send(peer, frame, 1514, 0) == 1514 && vnet_rx() == 1 &&
	      used_idx(d, RXQ) == 2 && used_len(d, RXQ, 1) == HDR + 1514 &&
	      !memcmp(b1 + HDR, frame, 1514) && irq_level == 1,
	      "net: a full-size frame delivered");
	wr(d, 0x064, 1);
	/* a buffer too small: the frame dropped, the buffer kept */
	desc(d, RXQ, 2, ipa(BUFS + 0x2000), HDR + 50, F_WRITE, 0);
	avail(d, RXQ, 2);
	notify(d, RXQ);
	CHECK(send(peer, frame, 200, 0) == 200 && vnet_rx() == 0 &&
	      used_idx(d, RXQ) == 2, "net: a 200-byte frame for a 50-byte "
	      "buffer dropped");
	CHECK(send(peer, frame, 40, 0) == 40 && vnet_rx() == 1 &&
	      used_idx(d, RXQ) == 3 && used_id(d, RXQ, 2) == 2 &&
	      !needs_reset(d), "net: the buffer kept for the next frame");
}

/* A hostile chain on queue q: needs reset, nothing used or sent. */
static void net_hostile(struct dut *d, const char *what, int q,
			void (*build)(struct dut *d))
{
	uint8_t got[2048];

	bring_up(d, 2);
	build(d);
	if (q == RXQ) {
		notify(d, RXQ);
		send(peer, "0123456789abcdef0123", 20, 0);
		vnet_rx();
	} else {
		notify(d, TXQ);
	}
	CHECK(needs_reset(d) && (rd(d, 0x060) & 2) && irq_level == 1,
	      "net: %s: DEVICE_NEEDS_RESET and a config interrupt", what);
	CHECK(used_idx(d, q) == 0 && peer_recv(got, sizeof(got)) == 0,
	      "net: %s: nothing used, nothing sent", what);
	while (recv(peer, got, sizeof(got), MSG_DONTWAIT) > 0)
		;
	bring_up(d, 2);
	/* the frame that waited is gone with the reset: a fresh one comes */
	post_rx(d, 1, 2048);
	send(peer, "fresh", 5, 0);
	vnet_rx();
	CHECK(used_idx(d, RXQ) == 1 && used_len(d, RXQ, 0) == HDR + 5 &&
	      !memcmp(d->ram + BUFS + HDR, "fresh", 5) && !needs_reset(d),
	      "net: %s: a reset brings the device back", what);
}

static void n_tx_writable(struct dut *d)
{
	desc(d, TXQ, 0, ipa(BUFS), 64, F_WRITE, 0);
	avail(d, TXQ, 0);
}

static void n_tx_loop(struct dut *d)
{
	for (unsigned int i = 0; i < QNUM; i++)
		desc(d, TXQ, i, ipa(BUFS), 64, F_NEXT, (i + 1) % QNUM);
	avail(d, TXQ, 5);
}

static void n_tx_bad_next(struct dut *d)
{
	desc(d, TXQ, 0, ipa(BUFS), 64, F_NEXT, 0xffff);
	avail(d, TXQ, 0);
}

/* a good frame in RAM just past the table, named as descriptor QNUM */
static void n_tx_past_table(struct dut *d)
{
	desc(d, TXQ, QNUM, ipa(BUFS), 64, 0, 0);
	avail(d, TXQ, QNUM);
}

static void n_tx_outside(struct dut *d)
{
	desc(d, TXQ, 0, ipa(RAM_SIZE - 32), 64, 0, 0);
	avail(d, TXQ, 0);
}

static void n_tx_zero(struct dut *d)
{
	desc(d, TXQ, 0, ipa(BUFS), HDR, F_NEXT, 1);
	desc(d, TXQ, 1, ipa(BUFS + 0x100), 0, 0, 0);
	avail(d, TXQ, 0);
}

static void n_tx_indirect(struct dut *d)
{
	desc(d, TXQ, 0, ipa(BUFS), 64, F_INDIR, 0);
	avail(d, TXQ, 0);
}

static void n_tx_ahead(struct dut *d)
{
	desc(d, TXQ, 0, ipa(BUFS), 64, 0, 0);
	put_le(d->ram + q_avail(TXQ) + 2, QNUM + 1, 2);
}

static void n_rx_readable(struct dut *d)
{
	desc(d, RXQ, 0, ipa(BUFS), 2048, 0, 0);
	avail(d, RXQ, 0);
}

static void n_rx_loop(struct dut *d)
{
	desc(d, RXQ, 0, ipa(BUFS), 16, F_WRITE | F_NEXT, 1);
	desc(d, RXQ, 1, ipa(BUFS), 16, F_WRITE | F_NEXT, 0);
	avail(d, RXQ, 0);
}

static void n_rx_zero(struct dut *d)
{
	desc(d, RXQ, 0, ipa(BUFS), 0, F_WRITE, 0);
	avail(d, RXQ, 0);
}

static void n_rx_outside(struct dut *d)
{
	desc(d, RXQ, 0, 0xfffffffffffff000ULL, 4096, F_WRITE, 0);
	avail(d, RXQ, 0);
}

static void n_rx_bad_head(struct dut *d)
{
	avail(d, RXQ, 0x8000);
}

static void test_net(void)
{
	struct vm vm;
	struct vnet_cfg cfg = { -1, { 0x02, 0, 0, 0xaa, 0xbb, 0xcc } };
	struct dut d = { vnet_mmio, VMM_VIRTIO_NET_BASE, NULL };
	int sv[2];

	memset(&vm, 0, sizeof(vm));
	vm.ram_size = RAM_SIZE;
	vm.ram = calloc(1, RAM_SIZE);
	d.ram = vm.ram;
	if (!vm.ram || socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0) {
		perror("net test setup");
		exit(1);
	}
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	cfg.fd = sv[0];
	peer = sv[1];
	test_net_parse();
	vnet_init(&vm, &cfg, irq, NULL);
	test_net_registers(&d);
	test_net_tx(&d);
	test_net_rx(&d);
	net_hostile(&d, "tx: device-writable descriptor", TXQ, n_tx_writable);
	net_hostile(&d, "tx: a loop through the whole table", TXQ, n_tx_loop);
	net_hostile(&d, "tx: next index 65535", TXQ, n_tx_bad_next);
	net_hostile(&d, "tx: head index just past the table", TXQ,
		    n_tx_past_table);
	net_hostile(&d, "tx: buffer past the end of RAM", TXQ, n_tx_outside);
	net_hostile(&d, "tx: zero-length descriptor", TXQ, n_tx_zero);
	net_hostile(&d, "tx: indirect descriptor", TXQ, n_tx_indirect);
	net_hostile(&d, "tx: avail index a queue and one ahead", TXQ,
		    n_tx_ahead);
	net_hostile(&d, "rx: device-readable descriptor", RXQ, n_rx_readable);
	net_hostile(&d, "rx: descriptor loop", RXQ, n_rx_loop);
	net_hostile(&d, "rx: zero-length descriptor", RXQ, n_rx_zero);
	net_hostile(&d, "rx: buffer at the top of the address space", RXQ,
		    n_rx_outside);
	net_hostile(&d, "rx: head index 32768", RXQ, n_rx_bad_head);
	wr(&d, 0x070, 0);
	close(sv[0]);
	close(sv[1]);
	free(vm.ram);
}

int main(void)
{
	printf("(the \"vmm:\" lines on stderr are refusals under test)\n");
	test_blk();
	test_net();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
