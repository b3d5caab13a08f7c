/* SPDX-License-Identifier: GPL-2.0-only */
/* The guest's device tree, built with libfdt. */
#ifndef VMM_FDT_H
#define VMM_FDT_H

#include "vmm.h"

struct fdt_params {
	unsigned int nr_cpus;
	const uint64_t *mpidr;	/* nr_cpus entries, as KVM assigned them */
	uint64_t ram_base, ram_size;
	const char *cmdline;
	uint64_t initrd_start, initrd_end;	/* both 0: no initrd */
	bool no_virtio;		/* leave out the virtio-mmio console node */
	bool blk, net;		/* add the virtio-mmio block / network nodes */
};

/*
 * Write a complete, packed device tree into buf (size bytes).  Returns 0,
 * or -1 after printing which node or property could not be added.
 */
int fdt_build(void *buf, size_t size, const struct fdt_params *p);

#endif
