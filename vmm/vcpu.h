/* SPDX-License-Identifier: GPL-2.0-only */
/* vCPUs: creation, boot registers, and one run thread each. */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include "vmm.h"

/*
 * Create and initialise vCPU index (KVM_ARM_VCPU_INIT with PSCI 0.2;
 * every vCPU but 0 starts powered off and waits for PSCI CPU_ON, which
 * KVM handles in the kernel).  Reads back the MPIDR KVM gave it.
 */
int vcpu_create(struct vm *vm, unsigned int index);

/* Create vCPUs 0..n-1, after checking KVM allows n per VM. */
int vcpu_create_all(struct vm *vm, unsigned int n);

/* The arm64 boot protocol: pc = kernel entry, x0 = DTB, x1..x3 = 0. */
int vcpu_set_boot_regs(struct vcpu *vcpu, uint64_t entry, uint64_t dtb);

/*
 * Run every vCPU in its own thread until the guest powers off, resets or
 * crashes, or a vCPU fails.  Returns a VMM_EXIT_* status.
 */
int vcpu_run_all(struct vm *vm);

#endif
