// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the VMM's parts that need no KVM: the arm64 Image
 * header parser and loader, the device tree (read back with libfdt, the
 * way the kernel will read it), the PL011 register behaviour the Linux
 * drivers depend on, and the virtio-mmio console against hand-built
 * virtqueues in a fake guest RAM, hostile ones included.  Ends
 * "N passed, N failed".
 */
#include "../fdt.h"
#include "../le.h"
#include "../loader.h"
#include "../uart.h"
#include "../virtio_console.h"

#include <fcntl.h>
#include <libfdt.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

/* A fake Image: header + filler, image_size covering a BSS beyond it. */
static void make_image(uint8_t *buf, size_t len, uint64_t text_offset,
		       uint64_t image_size)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	memset(buf, 0, ARM64_IMAGE_HDR_SIZE);
	put_le(buf + 8, text_offset, 8);
	put_le(buf + 16, image_size, 8);
	put_le(buf + 56, ARM64_IMAGE_MAGIC, 4);
}

static void test_image_parse(void)
{
	uint8_t img[4096];
	struct arm64_image_info info;

	make_image(img, sizeof(img), 0, 1 << 20);
	CHECK(!arm64_image_parse(img, sizeof(img), &info) &&
	      info.text_offset == 0 && info.image_size == 1 << 20,
	      "valid header");
	CHECK(arm64_image_parse(img, 63, &info) != NULL, "short header");
	img[57] ^= 1;
	CHECK(arm64_image_parse(img, sizeof(img), &info) != NULL, "bad magic");
	make_image(img, sizeof(img), 0, 1 << 20);
	img[24] = 1;
	CHECK(arm64_image_parse(img, sizeof(img), &info) != NULL,
	      "big-endian flag refused");
	make_image(img, sizeof(img), 0, 0);
	CHECK(!arm64_image_parse(img, sizeof(img), &info) &&
	      info.text_offset == 0x80000, "image_size 0: legacy offset");
	make_image(img, sizeof(img), 0, 100);
	CHECK(arm64_image_parse(img, sizeof(img), &info) != NULL,
	      "image_size smaller than the file refused");
	make_image(img, sizeof(img), 0x123, 1 << 20);
	CHECK(arm64_image_parse(img, sizeof(img), &info) != NULL,
	      "unaligned text_offset refused");
}

static char *write_temp(const void *data, size_t len)
{
	char *path = strdup("/tmp/vmm-unit-XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror("temp file");
		exit(1);
	}
	close(fd);
	return path;
}

/*
 * --raw: the headerless file at kpath (len bytes of img) goes to RAM base
 * + the offset and is entered there, whatever its bytes say.
 */
static void test_raw(struct vm *vm, const char *kpath, const uint8_t *img,
		     size_t len)
{
	struct boot_files files;
	struct boot_layout lay;

	CHECK(loader_read(&files, kpath, NULL, true, 0) == 0 &&
	      loader_plan(&files, vm->ram_size, &lay) == 0 &&
	      lay.kernel_ipa == VMM_RAM_BASE &&
	      lay.kernel_end == VMM_RAM_BASE + len &&
	      lay.kernel_file_size == len, "raw image at RAM base");
	memset(vm->ram, 0, len + 0x10000);
	CHECK(loader_copy(vm, &files, &lay) == 0 &&
	      !memcmp(vm->ram, img, len), "raw image bytes at RAM base");
	loader_free(&files);
	CHECK(loader_read(&files, kpath, NULL, true, 0x10000) == 0 &&
	      loader_plan(&files, vm->ram_size, &lay) == 0 &&
	      lay.kernel_ipa == VMM_RAM_BASE + 0x10000,
	      "raw image at RAM base + --load-offset");
	loader_free(&files);
	CHECK(loader_read(&files, kpath, NULL, true, 0x10001) < 0,
	      "raw image: unaligned offset refused");
	loader_free(&files);
	CHECK(loader_read(&files, kpath, NULL, true, 15 << 20) == 0 &&
	      loader_plan(&files, vm->ram_size, &lay) < 0,
	      "raw image: offset into the DTB's room refused");
	loader_free(&files);
}

static void test_loader(void)
{
	static uint8_t img[64 * 1024], initrd[600000];	/* > 512 KiB */
	struct boot_files files;
	struct boot_layout lay;
	struct vm vm;
	char *kpath, *ipath;

	memset(&vm, 0, sizeof(vm));
	vm.ram_size = 16 << 20;
	vm.ram = calloc(1, vm.ram_size);
	make_image(img, sizeof(img), 0x80000, 3 << 20);
	memset(initrd, 0x5a, sizeof(initrd));
	kpath = write_temp(img, sizeof(img));
	ipath = write_temp(initrd, sizeof(initrd));
	CHECK(loader_read(&files, kpath, ipath, false, 0) == 0, "read kernel, initrd");
	CHECK(loader_plan(&files, vm.ram_size, &lay) == 0, "plan 16 MiB");
	CHECK(lay.kernel_ipa == VMM_RAM_BASE + 0x80000,
	      "kernel at RAM + text_offset (0x%llx)",
	      (unsigned long long)lay.kernel_ipa);
	CHECK(lay.kernel_end == lay.kernel_ipa + (3 << 20) &&
	      lay.kernel_file_size == sizeof(img), "kernel extent");
	CHECK(lay.dtb_ipa % 8 == 0 &&
	      lay.dtb_ipa + LOADER_DTB_MAX <= VMM_RAM_BASE + vm.ram_size,
	      "dtb aligned and inside RAM");
	CHECK(lay.initrd_start >= lay.kernel_end &&
	      lay.initrd_start % 4096 == 0 &&
	      lay.initrd_end <= lay.dtb_ipa &&
	      lay.initrd_end - lay.initrd_start == sizeof(initrd),
	      "initrd page aligned, between kernel and dtb");
	CHECK(loader_copy(&vm, &files, &lay) == 0, "copy");
	CHECK(!memcmp(vm.ram + 0x80000, img, sizeof(img)), "kernel bytes");
	CHECK(!memcmp(vm_ram_ptr(&vm, lay.initrd_start, sizeof(initrd)),
		      initrd, sizeof(initrd)), "initrd bytes");
	CHECK(vm_ram_ptr(&vm, VMM_RAM_BASE + vm.ram_size - 4, 8) == NULL &&
	      vm_ram_ptr(&vm, VMM_RAM_BASE - 4096, 8) == NULL &&
	      vm_ram_ptr(&vm, ~0ULL - 2, 8) == NULL, "RAM bounds");
	/* 4 MiB: the kernel's 3 MiB from 0x80000 reach the DTB's 2 MiB;
	 * 6 MiB: 512 KiB between kernel and DTB, too few for the initrd.
	 */
	CHECK(loader_plan(&files, 4 << 20, &lay) < 0,
	      "no room for the dtb is an error");
	CHECK(loader_plan(&files, 2 << 20, &lay) < 0,
	      "kernel larger than RAM is an error");
	CHECK(loader_plan(&files, 6 << 20, &lay) < 0,
	      "initrd that does not fit is an error");
	loader_free(&files);
	CHECK(loader_read(&files, kpath, NULL, false, 0) == 0 &&
	      loader_plan(&files, 6 << 20, &lay) == 0 &&
	      lay.initrd_start == 0 && lay.initrd_end == 0,
	      "no initrd: none planned");
	loader_free(&files);
	img[56] = 0;
	unlink(kpath);
	free(kpath);
	kpath = write_temp(img, sizeof(img));
	CHECK(loader_read(&files, kpath, NULL, false, 0) < 0, "not an Image");
	loader_free(&files);
	test_raw(&vm, kpath, img, sizeof(img));
	CHECK(loader_read(&files, "/nonexistent/Image", NULL, false, 0) < 0,
	      "missing kernel file");
	loader_free(&files);
	img[56] = 0x41;
	unlink(kpath);
	free(kpath);
	kpath = write_temp(img, sizeof(img));
	CHECK(loader_read(&files, kpath, "/nonexistent/initrd", false, 0) < 0,
	      "missing initrd file");
	loader_free(&files);
	unlink(kpath);
	unlink(ipath);
	free(kpath);
	free(ipath);
	free(vm.ram);
}

static uint64_t prop_u64(const void *fdt, const char *path, const char *name,
			 int idx)
{
	int node = fdt_path_offset(fdt, path), len;
	const uint8_t *p = node < 0 ? NULL : fdt_getprop(fdt, node, name, &len);
	fdt64_t v;

	if (!p || len < (idx + 1) * 8)
		return ~0ULL;
	/* Properties are only 4-byte aligned: copy, do not cast. */
	memcpy(&v, p + 8 * idx, sizeof(v));
	return fdt64_to_cpu(v);
}

static const char *prop_str(const void *fdt, const char *path,
			    const char *name)
{
	int node = fdt_path_offset(fdt, path);

	return node < 0 ? NULL : fdt_getprop(fdt, node, name, NULL);
}

static void test_fdt_cpus(const void *fdt, unsigned int n)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, count = 0;

	CHECK(cpus >= 0, "/cpus exists");
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *m = fdt_getprop(fdt, node, "enable-method", NULL);
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", NULL);

		CHECK(m && !strcmp(m, "psci"), "cpu enable-method psci");
		CHECK(reg && fdt32_to_cpu(*reg) == (uint32_t)count,
		      "cpu %d reg in order", count);
		count++;
	}
	CHECK(count == (int)n, "%d cpu nodes, wanted %u", count, n);
}

static void test_fdt(void)
{
	static uint8_t buf[LOADER_DTB_MAX];
	uint64_t mpidr[3] = { 0x80000000, 0x80000001, 0x80000002 };
	struct fdt_params p = {
		.nr_cpus = 3, .mpidr = mpidr, .ram_base = VMM_RAM_BASE,
		.ram_size = 256 << 20, .cmdline = "console=ttyAMA0 quiet",
		.initrd_start = 0x4fc00000, .initrd_end = 0x4fd00000,
	};
	const char *stdout_path;
	int len, node;
	const fdt32_t *irqs;

	CHECK(fdt_build(buf, sizeof(buf), &p) == 0, "fdt_build");
	CHECK(fdt_check_full(buf, fdt_totalsize(buf)) == 0, "valid tree");
	CHECK(fdt_totalsize(buf) < 8192, "packed (%u bytes)",
	      fdt_totalsize(buf));
	CHECK(prop_u64(buf, "/memory@40000000", "reg", 0) == VMM_RAM_BASE &&
	      prop_u64(buf, "/memory@40000000", "reg", 1) == 256 << 20,
	      "memory reg");
	test_fdt_cpus(buf, 3);
	CHECK(prop_str(buf, "/psci", "compatible") &&
	      !strcmp(prop_str(buf, "/psci", "compatible"), "arm,psci-0.2") &&
	      !strcmp(prop_str(buf, "/psci", "method"), "hvc"), "psci");
	CHECK(prop_u64(buf, "/intc@8000000", "reg", 0) == VMM_GIC_DIST_BASE &&
	      prop_u64(buf, "/intc@8000000", "reg", 2) == VMM_GIC_CPU_BASE,
	      "GIC reg");
	node = fdt_path_offset(buf, "/timer");
	irqs = fdt_getprop(buf, node, "interrupts", &len);
	CHECK(irqs && len == 48 && fdt32_to_cpu(irqs[4]) == 14 &&
	      fdt32_to_cpu(irqs[2]) == 0x708, "timer PPIs with CPU mask");
	CHECK(!strcmp(prop_str(buf, "/chosen", "bootargs"),
		      "console=ttyAMA0 quiet"), "bootargs");
	CHECK(prop_u64(buf, "/chosen", "linux,initrd-start", 0) == 0x4fc00000 &&
	      prop_u64(buf, "/chosen", "linux,initrd-end", 0) == 0x4fd00000,
	      "initrd in chosen");
	stdout_path = prop_str(buf, "/chosen", "stdout-path");
	CHECK(stdout_path && fdt_path_offset(buf, stdout_path) >= 0 &&
	      prop_u64(buf, stdout_path, "reg", 0) == VMM_UART_BASE,
	      "stdout-path names the UART");
	CHECK(fdt_node_check_compatible(buf, fdt_path_offset(buf, stdout_path),
					"arm,primecell") == 0,
	      "UART is a primecell");
	p.initrd_start = p.initrd_end = 0;
	CHECK(fdt_build(buf, sizeof(buf), &p) == 0 &&
	      fdt_getprop(buf, fdt_path_offset(buf, "/chosen"),
			  "linux,initrd-start", NULL) == NULL,
	      "no initrd, no initrd properties");
	node = fdt_path_offset(buf, "/virtio_mmio@a000000");
	irqs = node < 0 ? NULL : fdt_getprop(buf, node, "interrupts", &len);
	CHECK(node >= 0 &&
	      fdt_node_check_compatible(buf, node, "virtio,mmio") == 0 &&
	      prop_u64(buf, "/virtio_mmio@a000000", "reg", 0) ==
	      VMM_VIRTIO_BASE &&
	      prop_u64(buf, "/virtio_mmio@a000000", "reg", 1) ==
	      VMM_VIRTIO_SIZE, "virtio-mmio node");
	CHECK(irqs && len == 12 && fdt32_to_cpu(irqs[0]) == 0 &&
	      fdt32_to_cpu(irqs[1]) == VMM_VIRTIO_SPI &&
	      fdt32_to_cpu(irqs[2]) == 4, "virtio-mmio: SPI 16, level high");
	CHECK(node >= 0 && fdt_getprop(buf, node, "dma-coherent", NULL),
	      "virtio-mmio is dma-coherent");
	p.no_virtio = true;
	CHECK(fdt_build(buf, sizeof(buf), &p) == 0 &&
	      fdt_path_offset(buf, "/virtio_mmio@a000000") < 0 &&
	      fdt_path_offset(buf, "/pl011@9000000") >= 0,
	      "--no-virtio: no virtio-mmio node, the UART still there");
	CHECK(fdt_path_offset(buf, "/virtio_mmio@a000200") < 0 &&
	      fdt_path_offset(buf, "/virtio_mmio@a000400") < 0,
	      "no --disk or --net: no block or network node");
	p.blk = p.net = true;
	CHECK(fdt_build(buf, sizeof(buf), &p) == 0, "fdt_build with disk, NIC");
	node = fdt_path_offset(buf, "/virtio_mmio@a000200");
	irqs = node < 0 ? NULL : fdt_getprop(buf, node, "interrupts", &len);
	CHECK(irqs && len == 12 && fdt32_to_cpu(irqs[1]) == 17 &&
	      prop_u64(buf, "/virtio_mmio@a000200", "reg", 0) ==
	      VMM_VIRTIO_BLK_BASE && fdt_getprop(buf, node, "dma-coherent",
						 NULL),
	      "--disk: virtio-mmio at 0xa000200, SPI 17, dma-coherent");
	node = fdt_path_offset(buf, "/virtio_mmio@a000400");
	irqs = node < 0 ? NULL : fdt_getprop(buf, node, "interrupts", &len);
	CHECK(irqs && len == 12 && fdt32_to_cpu(irqs[1]) == 18 &&
	      prop_u64(buf, "/virtio_mmio@a000400", "reg", 0) ==
	      VMM_VIRTIO_NET_BASE, "--net: virtio-mmio at 0xa000400, SPI 18");
	p.no_virtio = false;
	p.blk = p.net = false;
	CHECK(fdt_build(buf, 256, &p) < 0, "too small a buffer fails");
}

static uint32_t uart_rd(uint64_t off, uint32_t len)
{
	uint8_t d[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint32_t v = 0;

	uart_mmio(VMM_UART_BASE + off, d, len, false);
	for (uint32_t i = 0; i < len && i < 4; i++)
		v |= (uint32_t)d[i] << (8 * i);
	return v;
}

static void uart_wr(uint64_t off, uint32_t v)
{
	uint8_t d[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	uart_mmio(VMM_UART_BASE + off, d, 4, true);
}

static void test_uart(void)
{
	int fds[2];
	char got[8] = { 0 };
	uint8_t d[4];

	if (pipe(fds) < 0) {
		perror("pipe");
		exit(1);
	}
	uart_init(fds[1]);
	uart_wr(0x000, 'O');
	uart_wr(0x000, 'K');
	CHECK(read(fds[0], got, 2) == 2 && !strcmp(got, "OK"),
	      "DR writes reach the output ('%s')", got);
	CHECK(uart_rd(0x018, 4) == 0x90, "FR: TX empty, RX empty, not busy");
	CHECK((uart_rd(0x018, 4) & (1u << 5)) == 0, "FR: TX never full");
	CHECK(uart_rd(0x018, 1) == 0x90, "FR byte read");
	uart_wr(0x024, 13);
	uart_wr(0x030, 0x301);
	CHECK(uart_rd(0x024, 4) == 13 && uart_rd(0x030, 4) == 0x301,
	      "control registers read back");
	CHECK(uart_rd(0xfe0, 4) == 0x11 && uart_rd(0xfe4, 4) == 0x10 &&
	      uart_rd(0xff0, 4) == 0x0d && uart_rd(0xffc, 4) == 0xb1,
	      "PrimeCell IDs of a PL011");
	CHECK(uart_rd(0x000, 4) == 0, "DR reads 0: no input");
	CHECK(!uart_mmio(VMM_UART_BASE + VMM_UART_SIZE, d, 4, false) &&
	      !uart_mmio(VMM_UART_BASE - 4, d, 4, false),
	      "addresses outside the UART are not claimed");
	uart_init(1);
	close(fds[0]);
	close(fds[1]);
}

/* ---- virtio console ---------------------------------------------- */

#define VQ_NUM		8
#define VQ_DESC		0x1000ULL	/* offsets in the fake guest RAM */
#define VQ_AVAIL	0x2000ULL
#define VQ_USED		0x3000ULL
#define VQ_BUFS		0x4000ULL
#define VC_RAM_SIZE	(64 * 1024)

static int vc_irq_level = -1, vc_irq_calls;

static void vc_irq(void *ctx, bool level)
{
	(void)ctx;
	vc_irq_level = level;
	vc_irq_calls++;
}

static uint32_t vc_rd(uint32_t off)
{
	uint8_t d[4];

	vcon_mmio(VMM_VIRTIO_BASE + off, d, 4, false);
	return d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24;
}

static void vc_wr(uint32_t off, uint32_t v)
{
	uint8_t d[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	vcon_mmio(VMM_VIRTIO_BASE + off, d, 4, true);
}

static uint64_t ipa(uint64_t off)
{
	return VMM_RAM_BASE + off;
}

/* The Linux driver's bring-up (virtio_mmio.c): features, then queue 1. */
static void vc_bring_up(uint32_t num, uint64_t desc, uint64_t avail,
			uint64_t used)
{
	vc_wr(0x070, 0);		/* reset */
	vc_wr(0x070, 1 | 2);		/* ACKNOWLEDGE | DRIVER */
	vc_wr(0x024, 0);
	vc_wr(0x020, 0);
	vc_wr(0x024, 1);
	vc_wr(0x020, 3);		/* VERSION_1 | ACCESS_PLATFORM */
	vc_wr(0x070, 1 | 2 | 8);	/* FEATURES_OK */
	vc_wr(0x030, 1);
	vc_wr(0x038, num);
	vc_wr(0x080, (uint32_t)desc);
	vc_wr(0x084, (uint32_t)(desc >> 32));
	vc_wr(0x090, (uint32_t)avail);
	vc_wr(0x094, (uint32_t)(avail >> 32));
	vc_wr(0x0a0, (uint32_t)used);
	vc_wr(0x0a4, (uint32_t)(used >> 32));
	vc_wr(0x044, 1);
	vc_wr(0x070, 1 | 2 | 8 | 4);	/* DRIVER_OK */
}

static void put_desc(uint8_t *ram, unsigned int i, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = ram + VQ_DESC + 16 * i;

	put_le(d, addr, 8);
	put_le(d + 8, len, 4);
	put_le(d + 12, flags, 2);
	put_le(d + 14, next, 2);
}

/* Offer head in avail slot idx, make avail->idx = idx + 1, notify. */
static void offer(uint8_t *ram, uint16_t idx, uint16_t head)
{
	put_le(ram + VQ_AVAIL + 4 + 2 * (idx % VQ_NUM), head, 2);
	put_le(ram + VQ_AVAIL + 2, (uint16_t)(idx + 1), 2);
	vc_wr(0x050, 1);
}

static size_t drain(int fd, char *buf, size_t len)
{
	ssize_t n = read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = 0;
	return n > 0 ? (size_t)n : 0;
}

static bool needs_reset(void)
{
	return vc_rd(0x070) & 64;
}

static void test_virtio_registers(void)
{
	uint8_t d[4];

	CHECK(vc_rd(0x000) == 0x74726976 && vc_rd(0x004) == 2 &&
	      vc_rd(0x008) == 3, "magic, version 2, console");
	vc_wr(0x014, 0);
	CHECK(vc_rd(0x010) == 0, "no device-specific features");
	vc_wr(0x014, 1);
	CHECK(vc_rd(0x010) == 3, "VERSION_1 and ACCESS_PLATFORM offered");
	vc_wr(0x030, 0);
	CHECK(vc_rd(0x034) == 256, "receive queue exists");
	vc_wr(0x030, 2);
	CHECK(vc_rd(0x034) == 0, "no queue 2");
	vc_wr(0x070, 1 | 2);
	vc_wr(0x024, 1);
	vc_wr(0x020, 2);		/* ACCESS_PLATFORM without VERSION_1 */
	vc_wr(0x070, 1 | 2 | 8);
	CHECK(!(vc_rd(0x070) & 8), "FEATURES_OK refused without VERSION_1");
	vc_wr(0x070, 0);
	vc_wr(0x070, 1 | 2);
	vc_wr(0x024, 1);
	vc_wr(0x020, 1 | 4);		/* a feature never offered */
	vc_wr(0x070, 1 | 2 | 8);
	CHECK(!(vc_rd(0x070) & 8), "FEATURES_OK refused for unoffered bits");
	vc_wr(0x070, 0);
	CHECK(vc_rd(0x070) == 0, "reset clears status");
	memset(d, 0xff, sizeof(d));
	vcon_mmio(VMM_VIRTIO_BASE + 0x100, d, 2, false);
	CHECK(d[0] == 0 && d[1] == 0, "config space reads zeros");
	vcon_mmio(VMM_VIRTIO_BASE + 0x070, d, 2, true);
	CHECK(vc_rd(0x070) == 0, "a 16-bit register write is ignored");
	CHECK(!vcon_mmio(VMM_VIRTIO_BASE + VMM_VIRTIO_SIZE, d, 4, false) &&
	      !vcon_mmio(VMM_VIRTIO_BASE - 4, d, 4, false),
	      "addresses outside the device are not claimed");
}

static void test_virtio_tx(struct vm *vm, int rd)
{
	uint8_t *ram = vm->ram;
	char got[256];

	vc_bring_up(VQ_NUM, ipa(VQ_DESC), ipa(VQ_AVAIL), ipa(VQ_USED));
	CHECK(vc_rd(0x070) == 15 && vc_rd(0x044) == 1, "driver OK, queue live");
	memcpy(ram + VQ_BUFS, "hello ", 6);
	memcpy(ram + VQ_BUFS + 0x100, "world\n", 6);
	put_desc(ram, 3, ipa(VQ_BUFS), 6, 1, 5);	/* NEXT -> 5 */
	put_desc(ram, 5, ipa(VQ_BUFS + 0x100), 6, 0, 0);
	vc_irq_calls = 0;
	offer(ram, 0, 3);
	CHECK(drain(rd, got, sizeof(got)) == 12 && !strcmp(got, "hello world\n"),
	      "a two-descriptor chain reaches the output ('%s')", got);
	CHECK(get_le(ram + VQ_USED + 2, 2) == 1 &&
	      get_le(ram + VQ_USED + 4, 4) == 3 &&
	      get_le(ram + VQ_USED + 8, 4) == 0, "chain 3 used, 0 bytes written");
	CHECK(vc_rd(0x060) == 1 && vc_irq_level == 1 && vc_irq_calls == 1,
	      "used-buffer interrupt raised");
	vc_wr(0x064, 1);
	CHECK(vc_rd(0x060) == 0 && vc_irq_level == 0, "ACK lowers the line");
	put_le(ram + VQ_AVAIL, 1, 2);			/* NO_INTERRUPT */
	put_desc(ram, 0, ipa(VQ_BUFS), 2, 0, 0);
	offer(ram, 1, 0);
	CHECK(drain(rd, got, sizeof(got)) == 2 && vc_rd(0x060) == 0 &&
	      vc_irq_level == 0, "VRING_AVAIL_F_NO_INTERRUPT honoured");
	put_le(ram + VQ_AVAIL, 0, 2);
	vc_wr(0x050, 0);
	CHECK(get_le(ram + VQ_USED + 2, 2) == 2 && !needs_reset(),
	      "a receive-queue notify changes nothing");
}

/* A fresh device with a live queue, ready for one hostile chain. */
static void hostile(struct vm *vm, int rd, const char *what,
		    void (*build)(uint8_t *ram), uint16_t avail_idx,
		    size_t max_out)
{
	char got[4096];
	size_t n;

	memset(vm->ram, 0, 0x4000);
	vc_bring_up(VQ_NUM, ipa(VQ_DESC), ipa(VQ_AVAIL), ipa(VQ_USED));
	build(vm->ram);
	put_le(vm->ram + VQ_AVAIL + 2, avail_idx, 2);
	vc_wr(0x050, 1);
	n = drain(rd, got, sizeof(got));
	CHECK(needs_reset() && (vc_rd(0x060) & 2) && vc_irq_level == 1,
	      "%s: DEVICE_NEEDS_RESET and a config interrupt", what);
	CHECK(n <= max_out, "%s: at most %zu bytes out (%zu)", what, max_out,
	      n);
	CHECK(get_le(vm->ram + VQ_USED + 2, 2) == 0, "%s: nothing used", what);
	vc_wr(0x050, 1);
	CHECK(drain(rd, got, sizeof(got)) == 0,
	      "%s: the queue is dead until reset", what);
}

static void chain_outside_ram(uint8_t *ram)
{
	put_desc(ram, 0, VMM_RAM_BASE + VC_RAM_SIZE - 4, 8, 0, 0);
}

static void chain_huge_len(uint8_t *ram)
{
	put_desc(ram, 0, ipa(VQ_BUFS), 0xffffffff, 0, 0);
}

static void chain_below_ram(uint8_t *ram)
{
	put_desc(ram, 0, 0x1000, 4, 0, 0);
}

static void chain_loop(uint8_t *ram)
{
	memcpy(ram + VQ_BUFS, "L", 1);
	put_desc(ram, 0, ipa(VQ_BUFS), 1, 1, 1);
	put_desc(ram, 1, ipa(VQ_BUFS), 1, 1, 0);	/* back to 0 */
}

static void chain_bad_next(uint8_t *ram)
{
	put_desc(ram, 0, ipa(VQ_BUFS), 1, 1, VQ_NUM);
}

static void chain_bad_head(uint8_t *ram)
{
	put_le(ram + VQ_AVAIL + 4, 200, 2);
}

static void chain_writable(uint8_t *ram)
{
	put_desc(ram, 0, ipa(VQ_BUFS), 4, 2, 0);
}

static void chain_indirect(uint8_t *ram)
{
	put_desc(ram, 0, ipa(VQ_BUFS), 16, 4, 0);
}

static void chain_none(uint8_t *ram)
{
	(void)ram;	/* avail->idx alone is the attack */
}

static void test_virtio_hostile(struct vm *vm, int rd)
{
	uint8_t *ram = vm->ram;
	char got[64];

	hostile(vm, rd, "buffer past the end of RAM", chain_outside_ram, 1, 0);
	hostile(vm, rd, "length 4 GiB - 1", chain_huge_len, 1, 0);
	hostile(vm, rd, "buffer below RAM", chain_below_ram, 1, 0);
	hostile(vm, rd, "descriptor loop", chain_loop, 1, VQ_NUM);
	hostile(vm, rd, "next index past the queue", chain_bad_next, 1, 1);
	hostile(vm, rd, "head index past the queue", chain_bad_head, 1, 0);
	hostile(vm, rd, "device-writable descriptor", chain_writable, 1, 0);
	hostile(vm, rd, "indirect descriptor", chain_indirect, 1, 0);
	hostile(vm, rd, "avail index 100 entries ahead", chain_none, 100, 0);
	/* After a reset the same device works again. */
	memset(ram, 0, 0x4000);
	vc_bring_up(VQ_NUM, ipa(VQ_DESC), ipa(VQ_AVAIL), ipa(VQ_USED));
	memcpy(ram + VQ_BUFS, "ok", 2);
	put_desc(ram, 0, ipa(VQ_BUFS), 2, 0, 0);
	offer(ram, 0, 0);
	CHECK(!needs_reset() && drain(rd, got, sizeof(got)) == 2,
	      "reset brings a broken device back");
	/* Rings the device refuses to use. */
	vc_bring_up(VQ_NUM, ipa(VQ_DESC + 8), ipa(VQ_AVAIL), ipa(VQ_USED));
	CHECK(vc_rd(0x044) == 0 && needs_reset(), "misaligned descriptor table");
	vc_bring_up(VQ_NUM, ipa(VQ_DESC), ipa(VQ_AVAIL), ipa(VC_RAM_SIZE - 8));
	CHECK(vc_rd(0x044) == 0 && needs_reset(), "used ring past RAM");
	vc_bring_up(6, ipa(VQ_DESC), ipa(VQ_AVAIL), ipa(VQ_USED));
	CHECK(vc_rd(0x044) == 0 && needs_reset(), "queue size 6");
	vc_bring_up(512, ipa(VQ_DESC), ipa(VQ_AVAIL), ipa(VQ_USED));
	CHECK(vc_rd(0x044) == 0 && needs_reset(), "queue size 512");
	vc_bring_up(VQ_NUM, 0xffffffffffffff00ULL, ipa(VQ_AVAIL),
		    ipa(VQ_USED));
	CHECK(vc_rd(0x044) == 0 && needs_reset(),
	      "descriptor table at the top of the address space");
	vc_wr(0x070, 0);
	CHECK(vc_rd(0x070) == 0 && vc_rd(0x060) == 0 && vc_irq_level == 0,
	      "reset clears the interrupt");
}

/* 16-bit ring indices wrap: 70000 one-byte chains, to /dev/null. */
static void test_virtio_wrap(struct vm *vm)
{
	int null = open("/dev/null", O_WRONLY);
	uint8_t *ram = vm->ram;
	uint32_t i;

	memset(ram, 0, 0x4000);
	vcon_init(vm, null, vc_irq, NULL);
	vc_bring_up(VQ_NUM, ipa(VQ_DESC), ipa(VQ_AVAIL), ipa(VQ_USED));
	put_desc(ram, 0, ipa(VQ_BUFS), 1, 0, 0);
	for (i = 0; i < 70000 && !needs_reset(); i++)
		offer(ram, (uint16_t)i, 0);
	CHECK(i == 70000 && !needs_reset() &&
	      get_le(ram + VQ_USED + 2, 2) == (70000 & 0xffff),
	      "indices wrap past 65535 (%u chains, used idx %u)", i,
	      (unsigned int)get_le(ram + VQ_USED + 2, 2));
	close(null);
}

/*
 * Guest RAM the vmm cannot touch (a SeKVM guest's private pages): RAM
 * backed by a file cut short, so its second page raises SIGBUS.  The
 * device must refuse the ring, not die.
 */
static void test_virtio_fault(int wr, int rd)
{
	char path[] = "/tmp/vmm-unit-ram-XXXXXX";
	int fd = mkstemp(path);
	struct vm vm;
	uint8_t *ram;
	char got[64];

	memset(&vm, 0, sizeof(vm));
	vm.ram_size = 2 * 4096;
	if (fd < 0 || ftruncate(fd, vm.ram_size) < 0) {
		CHECK(0, "temporary RAM file: %s", path);
		return;
	}
	ram = mmap(NULL, vm.ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   0);
	CHECK(ram != MAP_FAILED, "map the RAM file");
	if (ram == MAP_FAILED)
		return;
	vm.ram = ram;
	vcon_init(&vm, wr, vc_irq, NULL);
	/* Queue 1 in page 0: descriptors at 0x000, avail 0x400, used 0x800. */
	vc_bring_up(VQ_NUM, ipa(0), ipa(0x400), ipa(0x800));
	put_le(ram, ipa(4096 + 16), 8);		/* buffer in page 1 */
	put_le(ram + 8, 4, 4);
	if (ftruncate(fd, 4096) < 0)		/* page 1 now faults */
		CHECK(0, "truncate the RAM file");
	put_le(ram + 0x400 + 2, 1, 2);
	vc_wr(0x050, 1);
	CHECK(needs_reset() && drain(rd, got, sizeof(got)) == 0,
	      "SIGBUS reading a buffer: refused, vmm alive, nothing out");
	/* The ring itself in the faulting page: the copy takes SIGBUS. */
	vc_bring_up(VQ_NUM, ipa(4096), ipa(0x400), ipa(0x800));
	CHECK(vc_rd(0x044) == 1, "a descriptor table in RAM is accepted");
	vc_wr(0x050, 1);
	CHECK(needs_reset() && drain(rd, got, sizeof(got)) == 0,
	      "SIGBUS reading the descriptor table: refused, vmm alive");
	memcpy(ram + 0x200, "ab", 2);
	put_le(ram, ipa(0x200), 8);
	put_le(ram + 8, 2, 4);
	vc_bring_up(VQ_NUM, ipa(0), ipa(0x400), ipa(4096));
	vc_wr(0x050, 1);
	CHECK(needs_reset() && drain(rd, got, sizeof(got)) == 2,
	      "SIGBUS writing the used ring: refused after the output");
	vc_wr(0x070, 0);
	munmap(ram, vm.ram_size);
	close(fd);
	unlink(path);
}

static void test_virtio(void)
{
	struct vm vm;
	int fds[2];

	memset(&vm, 0, sizeof(vm));
	vm.ram_size = VC_RAM_SIZE;
	vm.ram = calloc(1, vm.ram_size);
	if (!vm.ram || pipe(fds) < 0) {
		perror("virtio test setup");
		exit(1);
	}
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	vcon_init(&vm, fds[1], vc_irq, NULL);
	test_virtio_registers();
	test_virtio_tx(&vm, fds[0]);
	test_virtio_hostile(&vm, fds[0]);
	test_virtio_fault(fds[1], fds[0]);
	test_virtio_wrap(&vm);
	vcon_init(&vm, 1, NULL, NULL);
	close(fds[0]);
	close(fds[1]);
	free(vm.ram);
}

int main(void)
{
	printf("(the \"vmm:\" lines on stderr are refusals under test)\n");
	test_image_parse();
	test_loader();
	test_fdt();
	test_uart();
	test_virtio();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
