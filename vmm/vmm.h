/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMM's machine: a QEMU-virt-like layout so that the same arm64 kernel
 * (and the same earlycon argument) boots in QEMU and under this VMM.
 *
 *   0x08000000  GICv2 distributor    (in-kernel vGIC)
 *   0x08010000  GICv2 CPU interface  (in-kernel vGIC)
 *   0x09000000  PL011 UART           (emulated here, TX only)
 *   0x0a000000  virtio-mmio console  (emulated here, TX only; SPI 16)
 *   0x0a000200  virtio-mmio block    (--disk; SPI 17)
 *   0x0a000400  virtio-mmio network  (--net; SPI 18)
 *   0x40000000  RAM: kernel at base + text_offset, initrd and the device
 *               tree at the top
 */
#ifndef VMM_H
#define VMM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define VMM_GIC_DIST_BASE	0x08000000ULL
#define VMM_GIC_DIST_SIZE	0x10000ULL
#define VMM_GIC_CPU_BASE	0x08010000ULL
#define VMM_GIC_CPU_SIZE	0x10000ULL
#define VMM_UART_BASE		0x09000000ULL
#define VMM_UART_SIZE		0x1000ULL
#define VMM_UART_SPI		1	/* GIC SPI number, as on QEMU virt */
/* QEMU virt's first virtio-mmio slot: its address, size and SPI. */
#define VMM_VIRTIO_BASE		0x0a000000ULL
#define VMM_VIRTIO_SIZE		0x200ULL
#define VMM_VIRTIO_SPI		16
/* QEMU virt's next slots (0x200 apart, one SPI up): block, network. */
#define VMM_VIRTIO_BLK_BASE	(VMM_VIRTIO_BASE + VMM_VIRTIO_SIZE)
#define VMM_VIRTIO_BLK_SPI	(VMM_VIRTIO_SPI + 1)
#define VMM_VIRTIO_NET_BASE	(VMM_VIRTIO_BASE + 2 * VMM_VIRTIO_SIZE)
#define VMM_VIRTIO_NET_SPI	(VMM_VIRTIO_SPI + 2)
#define VMM_RAM_BASE		0x40000000ULL
#define VMM_MAX_CPUS		8	/* the corevisor's CV_MAX_VCPUS */

/* Exit status of the vmm: what became of the guest. */
#define VMM_EXIT_POWEROFF	0
#define VMM_EXIT_ERROR		1
#define VMM_EXIT_USAGE		2
#define VMM_EXIT_RESET		3
#define VMM_EXIT_CRASH		4

struct vmm_config {
	const char *kernel;
	const char *initrd;	/* may be NULL */
	const char *cmdline;
	const char *sig;	/* may be NULL */
	const char *pubkey;	/* may be NULL */
	unsigned int cpus;
	uint64_t mem_mib;
	bool raw;		/* --raw: no Image header, enter at the start */
	bool no_virtio;		/* --no-virtio: no virtio console device */
	uint64_t load_offset;	/* --load-offset: raw image at RAM base + this */
	const char *disk;	/* --disk PATH[,ro]: virtio-blk (may be NULL) */
	const char *net;	/* --net tap=NAME[,mac=MAC]: virtio-net (may be NULL) */
};

struct vm;

struct vcpu {
	struct vm *vm;
	unsigned int index;
	int fd;
	struct kvm_run *run;	/* the mmap'd shared run structure */
	uint64_t mpidr;		/* as KVM reports it, for the device tree */
	pthread_t thread;
};

struct vm {
	int kvm_fd;
	int vm_fd;
	int vgic_fd;
	bool sekvm;		/* the kernel is SeKVM (KVM_CAP_ARM_SEKVM) */
	bool no_virtio;		/* no virtio console: its MMIO is unhandled */
	size_t run_size;	/* KVM_GET_VCPU_MMAP_SIZE */
	uint8_t *ram;
	uint64_t ram_size;
	unsigned int nr_vcpus;
	unsigned int nr_threads;	/* vCPU threads started */
	struct vcpu vcpus[VMM_MAX_CPUS];
	/* The first vCPU to see the guest end sets exit_status. */
	atomic_bool stopping;
	int exit_status;
	pthread_mutex_t stop_lock;
	struct timespec started;	/* CLOCK_MONOTONIC, vCPUs started */
};

/* What the loader put where, for the device tree and vCPU 0. */
struct boot_layout {
	uint64_t kernel_ipa;	/* entry point = load address */
	uint64_t kernel_file_size;
	uint64_t kernel_end;	/* load address + image_size (with BSS) */
	uint64_t initrd_start;	/* 0 if none */
	uint64_t initrd_end;
	uint64_t dtb_ipa;
};

/* Guest-physical to host-virtual, or NULL if [ipa, ipa+len) is not RAM. */
void *vm_ram_ptr(struct vm *vm, uint64_t ipa, uint64_t len);

#endif
