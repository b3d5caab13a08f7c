// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM lookups.  Kept apart from vm.c (which needs the arm64 KVM
 * headers) so the loader can be unit-tested on any host.
 */
#include "vmm.h"

void *vm_ram_ptr(struct vm *vm, uint64_t ipa, uint64_t len)
{
	/* Written so that no sum can overflow, whatever ipa and len are. */
	if (ipa < VMM_RAM_BASE || len > vm->ram_size ||
	    ipa - VMM_RAM_BASE > vm->ram_size - len)
		return NULL;
	return vm->ram + (ipa - VMM_RAM_BASE);
}
