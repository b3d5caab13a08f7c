// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the VMM's parts that need no KVM: the arm64 Image
 * header parser and loader, the device tree (read back with libfdt, the
 * way the kernel will read it), and the PL011 register behaviour the
 * Linux drivers depend on.  Ends "N passed, N failed".
 */
#include "../fdt.h"
#include "../loader.h"
#include "../uart.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

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
	CHECK(loader_read(&files, kpath, ipath) == 0, "read kernel, initrd");
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
	CHECK(loader_read(&files, kpath, NULL) == 0 &&
	      loader_plan(&files, 6 << 20, &lay) == 0 &&
	      lay.initrd_start == 0 && lay.initrd_end == 0,
	      "no initrd: none planned");
	loader_free(&files);
	img[56] = 0;
	unlink(kpath);
	free(kpath);
	kpath = write_temp(img, sizeof(img));
	CHECK(loader_read(&files, kpath, NULL) < 0, "not an Image");
	loader_free(&files);
	CHECK(loader_read(&files, "/nonexistent/Image", NULL) < 0,
	      "missing kernel file");
	loader_free(&files);
	img[56] = 0x41;
	unlink(kpath);
	free(kpath);
	kpath = write_temp(img, sizeof(img));
	CHECK(loader_read(&files, kpath, "/nonexistent/initrd") < 0,
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

int main(void)
{
	printf("(the \"vmm:\" lines on stderr are refusals under test)\n");
	test_image_parse();
	test_loader();
	test_fdt();
	test_uart();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
