/* SPDX-License-Identifier: GPL-2.0-only */
/* The VM: /dev/kvm, the VM file descriptor, guest RAM and the vGIC. */
#ifndef VMM_VM_H
#define VMM_VM_H

#include "vmm.h"

/* Open /dev/kvm and create an empty VM.  0, or -1 with the error printed. */
int vm_create(struct vm *vm);
/* Map mem_mib MiB of anonymous memory at VMM_RAM_BASE. */
int vm_add_ram(struct vm *vm, uint64_t mem_mib);
/* Create the in-kernel GICv2 and place it (before the vCPUs exist). */
int vm_create_vgic(struct vm *vm);
/* Initialise the vGIC: only once every vCPU is created and initialised. */
int vm_init_vgic(struct vm *vm);
void vm_destroy(struct vm *vm);
/* Drive the level of an SPI (KVM_IRQ_LINE), after vm_init_vgic. */
void vm_spi_line(struct vm *vm, unsigned int spi, bool level);
/* The virtio console's line, VMM_VIRTIO_SPI: a vcon_irq_fn, ctx = vm. */
void vm_virtio_irq(void *vm, bool level);
/* The block and network devices' lines (VMM_VIRTIO_BLK_SPI, _NET_SPI). */
void vm_virtio_blk_irq(void *vm, bool level);
void vm_virtio_net_irq(void *vm, bool level);

#endif
