/* SPDX-License-Identifier: GPL-2.0-only */
/* Registering the VM's key and boot image with SeKVM, when present. */
#ifndef VMM_SEKVM_H
#define VMM_SEKVM_H

#include "vmm.h"

struct sekvm_reg {
	bool supported;		/* the kernel has KVM_CAP_ARM_SEKVM */
	bool have_key;		/* --pubkey/--sig given and read */
	uint8_t key[32];
	uint8_t sig[64];
};

/* Read and size-check --pubkey and --sig (both or neither). */
int sekvm_read_files(struct sekvm_reg *reg, const char *pubkey,
		     const char *sig);

/*
 * Probe the kernel and, on SeKVM, hand over the VM's key: call right
 * after KVM_CREATE_VM, before guest memory or any image exists.  On stock
 * KVM says so and succeeds.  A SeKVM kernel without a key is an error:
 * its corevisor runs no unsigned VM.
 */
int sekvm_set_key(struct sekvm_reg *reg, struct vm *vm);

/* Register the loaded kernel (slot 0) with its signature, on SeKVM. */
int sekvm_register_kernel(struct sekvm_reg *reg, struct vm *vm,
			  const struct boot_layout *layout);

#endif
