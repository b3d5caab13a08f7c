// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device tree the guest kernel boots with: the machine of vmm.h,
 * described with the same bindings QEMU's virt board uses, so the same
 * kernel configuration works in both:
 *
 *   /memory, /cpus (enable-method "psci", reg = MPIDR affinity),
 *   /psci (0.2, hvc: KVM answers PSCI in the kernel),
 *   /intc (arm,cortex-a15-gic: the GICv2 binding),
 *   /timer (arm,armv8-timer: secure, non-secure, virtual, hyp PPIs),
 *   /apb-pclk (a fixed clock; the amba bus and the pl011 driver want one),
 *   /pl011@9000000, /chosen (bootargs, initrd, stdout-path),
 *   /virtio_mmio@a000000 (virtio,mmio; dma-coherent: the vmm reads guest
 *   RAM through the same cacheable mapping, no cache maintenance needed).
 */
#include "fdt.h"

#include <libfdt.h>
#include <stdio.h>

#define PHANDLE_GIC	1
#define PHANDLE_CLK	2

#define GIC_SPI		0
#define GIC_PPI		1
#define IRQ_LEVEL_HIGH	4
#define IRQ_LEVEL_LOW	8
/* PPIs of the architected timer (Linux's arm,armv8-timer binding order) */
static const uint32_t timer_ppis[4] = { 13, 14, 11, 10 };

/* Every libfdt call goes through here, so a failure names what failed. */
static int check(int err, const char *what)
{
	if (err < 0) {
		fprintf(stderr, "vmm: device tree: %s: %s\n", what,
			fdt_strerror(err));
		return -1;
	}
	return err;
}

static int add_node(void *fdt, int parent, const char *name)
{
	return check(fdt_add_subnode(fdt, parent, name), name);
}

/* reg = <base size> with #address-cells = #size-cells = 2. */
static int set_reg2(void *fdt, int node, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return check(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)), "reg");
}

static int add_root(void *fdt)
{
	if (check(fdt_setprop_string(fdt, 0, "compatible",
				     "linux,dummy-virt"), "/compatible") < 0 ||
	    check(fdt_setprop_u32(fdt, 0, "#address-cells", 2), "/") < 0 ||
	    check(fdt_setprop_u32(fdt, 0, "#size-cells", 2), "/") < 0 ||
	    check(fdt_setprop_u32(fdt, 0, "interrupt-parent", PHANDLE_GIC),
		  "/interrupt-parent") < 0)
		return -1;
	return 0;
}

static int add_memory(void *fdt, const struct fdt_params *p)
{
	char name[32];
	int node;

	snprintf(name, sizeof(name), "memory@%llx",
		 (unsigned long long)p->ram_base);
	node = add_node(fdt, 0, name);
	if (node < 0 ||
	    check(fdt_setprop_string(fdt, node, "device_type", "memory"),
		  name) < 0)
		return -1;
	return set_reg2(fdt, node, p->ram_base, p->ram_size);
}

static int add_cpu(void *fdt, int cpus, uint64_t mpidr)
{
	/* reg holds the affinity fields Aff2..Aff0 (MPIDR bits 23:0). */
	uint32_t affinity = (uint32_t)(mpidr & 0xffffff);
	char name[32];
	int node;

	snprintf(name, sizeof(name), "cpu@%x", affinity);
	node = add_node(fdt, cpus, name);
	if (node < 0 ||
	    check(fdt_setprop_string(fdt, node, "device_type", "cpu"),
		  name) < 0 ||
	    check(fdt_setprop_string(fdt, node, "compatible", "arm,arm-v8"),
		  name) < 0 ||
	    check(fdt_setprop_string(fdt, node, "enable-method", "psci"),
		  name) < 0 ||
	    check(fdt_setprop_u32(fdt, node, "reg", affinity), name) < 0)
		return -1;
	return 0;
}

static int add_cpus(void *fdt, const struct fdt_params *p)
{
	int cpus = add_node(fdt, 0, "cpus");
	unsigned int i;

	if (cpus < 0 ||
	    check(fdt_setprop_u32(fdt, cpus, "#address-cells", 1), "cpus") < 0 ||
	    check(fdt_setprop_u32(fdt, cpus, "#size-cells", 0), "cpus") < 0)
		return -1;
	/* libfdt adds a subnode first in its parent: go backwards so the
	 * nodes read cpu@0, cpu@1, ... as the kernel numbers them.
	 */
	for (i = p->nr_cpus; i-- > 0;)
		if (add_cpu(fdt, cpus, p->mpidr[i]) < 0)
			return -1;
	return 0;
}

static int add_psci(void *fdt)
{
	int node = add_node(fdt, 0, "psci");

	if (node < 0 ||
	    check(fdt_setprop_string(fdt, node, "compatible", "arm,psci-0.2"),
		  "psci") < 0 ||
	    check(fdt_setprop_string(fdt, node, "method", "hvc"), "psci") < 0)
		return -1;
	return 0;
}

static int add_gic(void *fdt)
{
	fdt64_t reg[4] = {
		cpu_to_fdt64(VMM_GIC_DIST_BASE), cpu_to_fdt64(VMM_GIC_DIST_SIZE),
		cpu_to_fdt64(VMM_GIC_CPU_BASE), cpu_to_fdt64(VMM_GIC_CPU_SIZE),
	};
	char name[32];
	int node;

	snprintf(name, sizeof(name), "intc@%llx",
		 (unsigned long long)VMM_GIC_DIST_BASE);
	node = add_node(fdt, 0, name);
	if (node < 0 ||
	    check(fdt_setprop_string(fdt, node, "compatible",
				     "arm,cortex-a15-gic"), name) < 0 ||
	    check(fdt_setprop_u32(fdt, node, "#interrupt-cells", 3), name) < 0 ||
	    check(fdt_setprop(fdt, node, "interrupt-controller", NULL, 0),
		  name) < 0 ||
	    check(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)), name) < 0 ||
	    check(fdt_setprop_u32(fdt, node, "phandle", PHANDLE_GIC), name) < 0)
		return -1;
	return 0;
}

static int add_timer(void *fdt, unsigned int nr_cpus)
{
	/* GICv2 PPI flags carry a mask of the CPUs the PPI is wired to. */
	uint32_t flags = (((1u << nr_cpus) - 1) << 8) | IRQ_LEVEL_LOW;
	fdt32_t irqs[12];
	int node, i;

	for (i = 0; i < 4; i++) {
		irqs[3 * i] = cpu_to_fdt32(GIC_PPI);
		irqs[3 * i + 1] = cpu_to_fdt32(timer_ppis[i]);
		irqs[3 * i + 2] = cpu_to_fdt32(flags);
	}
	node = add_node(fdt, 0, "timer");
	if (node < 0 ||
	    check(fdt_setprop_string(fdt, node, "compatible",
				     "arm,armv8-timer"), "timer") < 0 ||
	    check(fdt_setprop(fdt, node, "interrupts", irqs, sizeof(irqs)),
		  "timer") < 0 ||
	    check(fdt_setprop(fdt, node, "always-on", NULL, 0), "timer") < 0)
		return -1;
	return 0;
}

static int add_clock(void *fdt)
{
	int node = add_node(fdt, 0, "apb-pclk");

	if (node < 0 ||
	    check(fdt_setprop_string(fdt, node, "compatible", "fixed-clock"),
		  "apb-pclk") < 0 ||
	    check(fdt_setprop_u32(fdt, node, "#clock-cells", 0),
		  "apb-pclk") < 0 ||
	    check(fdt_setprop_u32(fdt, node, "clock-frequency", 24000000),
		  "apb-pclk") < 0 ||
	    check(fdt_setprop_u32(fdt, node, "phandle", PHANDLE_CLK),
		  "apb-pclk") < 0)
		return -1;
	return 0;
}

static int add_uart(void *fdt, char *path, size_t pathlen)
{
	/* "arm,pl011\0arm,primecell": a string list, NULs included */
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	fdt32_t irq[3] = { cpu_to_fdt32(GIC_SPI), cpu_to_fdt32(VMM_UART_SPI),
			   cpu_to_fdt32(IRQ_LEVEL_HIGH) };
	fdt32_t clocks[2] = { cpu_to_fdt32(PHANDLE_CLK),
			      cpu_to_fdt32(PHANDLE_CLK) };
	int node;

	snprintf(path, pathlen, "/pl011@%llx",
		 (unsigned long long)VMM_UART_BASE);
	node = add_node(fdt, 0, path + 1);
	if (node < 0 ||
	    check(fdt_setprop(fdt, node, "compatible", compat, sizeof(compat)),
		  path) < 0 ||
	    set_reg2(fdt, node, VMM_UART_BASE, VMM_UART_SIZE) < 0 ||
	    check(fdt_setprop(fdt, node, "interrupts", irq, sizeof(irq)),
		  path) < 0 ||
	    check(fdt_setprop(fdt, node, "clocks", clocks, sizeof(clocks)),
		  path) < 0 ||
	    check(fdt_setprop(fdt, node, "clock-names", clock_names,
			      sizeof(clock_names)), path) < 0)
		return -1;
	return 0;
}

static int add_virtio(void *fdt, uint64_t base, unsigned int spi)
{
	/* A level interrupt: the device holds it while InterruptStatus is
	 * non-zero (virtio_mmio.c).
	 */
	fdt32_t irq[3] = { cpu_to_fdt32(GIC_SPI), cpu_to_fdt32(spi),
			   cpu_to_fdt32(IRQ_LEVEL_HIGH) };
	char name[32];
	int node;

	snprintf(name, sizeof(name), "virtio_mmio@%llx",
		 (unsigned long long)base);
	node = add_node(fdt, 0, name);
	if (node < 0 ||
	    check(fdt_setprop_string(fdt, node, "compatible", "virtio,mmio"),
		  name) < 0 ||
	    set_reg2(fdt, node, base, VMM_VIRTIO_SIZE) < 0 ||
	    check(fdt_setprop(fdt, node, "interrupts", irq, sizeof(irq)),
		  name) < 0 ||
	    check(fdt_setprop(fdt, node, "dma-coherent", NULL, 0), name) < 0)
		return -1;
	return 0;
}

static int add_chosen(void *fdt, const struct fdt_params *p,
		      const char *stdout_path)
{
	int node = add_node(fdt, 0, "chosen");

	if (node < 0 ||
	    check(fdt_setprop_string(fdt, node, "bootargs",
				     p->cmdline ? p->cmdline : ""),
		  "chosen/bootargs") < 0 ||
	    check(fdt_setprop_string(fdt, node, "stdout-path", stdout_path),
		  "chosen/stdout-path") < 0)
		return -1;
	if (p->initrd_end == 0)
		return 0;
	if (check(fdt_setprop_u64(fdt, node, "linux,initrd-start",
				  p->initrd_start), "chosen/initrd") < 0 ||
	    check(fdt_setprop_u64(fdt, node, "linux,initrd-end",
				  p->initrd_end), "chosen/initrd") < 0)
		return -1;
	return 0;
}

int fdt_build(void *buf, size_t size, const struct fdt_params *p)
{
	char uart_path[32];

	if (check(fdt_create_empty_tree(buf, (int)size), "empty tree") < 0 ||
	    add_root(buf) < 0 || add_memory(buf, p) < 0 ||
	    add_cpus(buf, p) < 0 || add_psci(buf) < 0 || add_gic(buf) < 0 ||
	    add_timer(buf, p->nr_cpus) < 0 || add_clock(buf) < 0 ||
	    add_uart(buf, uart_path, sizeof(uart_path)) < 0 ||
	    (!p->no_virtio &&
	     add_virtio(buf, VMM_VIRTIO_BASE, VMM_VIRTIO_SPI) < 0) ||
	    (p->blk &&
	     add_virtio(buf, VMM_VIRTIO_BLK_BASE, VMM_VIRTIO_BLK_SPI) < 0) ||
	    (p->net &&
	     add_virtio(buf, VMM_VIRTIO_NET_BASE, VMM_VIRTIO_NET_SPI) < 0) ||
	    add_chosen(buf, p, uart_path) < 0)
		return -1;
	return check(fdt_pack(buf), "pack") < 0 ? -1 : 0;
}
