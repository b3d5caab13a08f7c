/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest RAM access for the virtio devices, which survives a fault: a
 * SeKVM host may not touch the guest's private pages, and reading one
 * raises SIGBUS in the vmm.  Guest RAM is only ever copied in user space
 * under a SIGBUS/SIGSEGV guard, never handed to a system call, so such a
 * page is a refused request, not a dead vmm and never a fault inside the
 * host kernel's uaccess.
 */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H

#include "vmm.h"

/* Install the SIGBUS/SIGSEGV handler (idempotent, process-wide). */
void guest_mem_init(void);

/* memcpy under the guard; -1 if the access faulted. */
int guest_copy(void *dst, const void *src, size_t len);

/* Copy from/to guest-physical ipa; -1 if not RAM or the access faulted. */
int guest_read(struct vm *vm, uint64_t ipa, void *buf, size_t len);
int guest_write(struct vm *vm, uint64_t ipa, const void *buf, size_t len);

#endif
