// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM object and its memory, following Documentation/virt/kvm/api.rst
 * (KVM_CREATE_VM, KVM_SET_USER_MEMORY_REGION) and devices/arm-vgic.rst.
 */
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define KVM_DEVICE_PATH "/dev/kvm"

int vm_create(struct vm *vm)
{
	int version, size;

	vm->vgic_fd = -1;
	vm->vm_fd = -1;
	vm->kvm_fd = open(KVM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		fprintf(stderr, "vmm: %s: %s\n", KVM_DEVICE_PATH,
			strerror(errno));
		return -1;
	}
	/* Every KVM since 2.6.22 says 12; anything else is not this API. */
	version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		fprintf(stderr, "vmm: %s: KVM API version %d, expected %d\n",
			KVM_DEVICE_PATH, version, KVM_API_VERSION);
		return -1;
	}
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		perror("vmm: KVM_GET_VCPU_MMAP_SIZE");
		return -1;
	}
	vm->run_size = (size_t)size;
	/* Type 0: the default 40-bit guest physical address space. */
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		perror("vmm: KVM_CREATE_VM");
		return -1;
	}
	return 0;
}

int vm_add_ram(struct vm *vm, uint64_t mem_mib)
{
	struct kvm_userspace_memory_region region;
	uint64_t size = mem_mib << 20;
	void *ram;

	/* Anonymous memory reads as zero: the image padding the corevisor
	 * hashes (up to the page boundary) is zero without extra work.
	 */
	ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED) {
		fprintf(stderr, "vmm: cannot map %llu MiB of guest RAM: %s\n",
			(unsigned long long)mem_mib, strerror(errno));
		return -1;
	}
	vm->ram = ram;
	vm->ram_size = size;
	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = VMM_RAM_BASE;
	region.memory_size = size;
	region.userspace_addr = (uint64_t)(uintptr_t)ram;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		fprintf(stderr, "vmm: KVM_SET_USER_MEMORY_REGION (%llu MiB at "
			"0x%llx): %s\n", (unsigned long long)mem_mib,
			(unsigned long long)VMM_RAM_BASE, strerror(errno));
		return -1;
	}
	return 0;
}

static int vgic_set_addr(struct vm *vm, uint64_t type, uint64_t addr,
			 const char *what)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_ARM_VGIC_GRP_ADDR,
		.attr = type,
		.addr = (uint64_t)(uintptr_t)&addr,
	};

	if (ioctl(vm->vgic_fd, KVM_SET_DEVICE_ATTR, &attr) < 0) {
		fprintf(stderr, "vmm: vGIC %s at 0x%llx: %s\n", what,
			(unsigned long long)addr, strerror(errno));
		return -1;
	}
	return 0;
}

int vm_create_vgic(struct vm *vm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V2 };

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev) < 0) {
		fprintf(stderr, "vmm: KVM_CREATE_DEVICE GICv2: %s%s\n",
			strerror(errno), errno == ENODEV ?
			" (the host has no GICv2-compatible interrupt "
			"controller)" : "");
		return -1;
	}
	vm->vgic_fd = (int)dev.fd;
	if (vgic_set_addr(vm, KVM_VGIC_V2_ADDR_TYPE_DIST, VMM_GIC_DIST_BASE,
			  "distributor") < 0 ||
	    vgic_set_addr(vm, KVM_VGIC_V2_ADDR_TYPE_CPU, VMM_GIC_CPU_BASE,
			  "CPU interface") < 0)
		return -1;
	return 0;
}

int vm_init_vgic(struct vm *vm)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_ARM_VGIC_GRP_CTRL,
		.attr = KVM_DEV_ARM_VGIC_CTRL_INIT,
	};

	if (ioctl(vm->vgic_fd, KVM_SET_DEVICE_ATTR, &attr) < 0) {
		perror("vmm: vGIC KVM_DEV_ARM_VGIC_CTRL_INIT");
		return -1;
	}
	return 0;
}

void vm_spi_line(struct vm *vm, unsigned int spi, bool level)
{
	/* SPIs are GIC interrupt IDs 32 and up (arm64 KVM_IRQ_LINE). */
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) |
		       ((32 + spi) << KVM_ARM_IRQ_NUM_SHIFT),
		.level = level,
	};

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		fprintf(stderr, "vmm: KVM_IRQ_LINE SPI %u level %d: %s\n",
			spi, level, strerror(errno));
}

void vm_virtio_irq(void *vm, bool level)
{
	vm_spi_line(vm, VMM_VIRTIO_SPI, level);
}

void vm_virtio_blk_irq(void *vm, bool level)
{
	vm_spi_line(vm, VMM_VIRTIO_BLK_SPI, level);
}

void vm_virtio_net_irq(void *vm, bool level)
{
	vm_spi_line(vm, VMM_VIRTIO_NET_SPI, level);
}

void vm_destroy(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, vm->run_size);
		if (vm->vcpus[i].fd >= 0)
			close(vm->vcpus[i].fd);
	}
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	if (vm->vgic_fd >= 0)
		close(vm->vgic_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
}
