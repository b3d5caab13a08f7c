/* SPDX-License-Identifier: GPL-2.0 */
/* QEMU (qemu.c). */
#ifndef PORTTOOL_QEMU_H
#define PORTTOOL_QEMU_H

#include "porttool.h"

struct qemu_run {
	const char *kernel, *initrd, *dtb;	/* dtb may be NULL */
	const char *cpu;	/* QEMU's -cpu model; NULL: QEMU_CPU */
	const char *append;
	const char *log_path;	/* serial log */
	int timeout_s;
	bool echo;
	/*
	 * -icount shift=0,sleep=off: virtual time counts executed
	 * instructions (1 ns each), so a guest's timer reads are
	 * instruction counts, the same on every run (bench --suite micro).
	 */
	bool icount;
	/*
	 * A raw disk image on a virtio-blk (MMIO) device, /dev/vda: the
	 * application workloads' root filesystem.  snapshot=on: writes go to
	 * a temporary overlay, so the image stays as porttool rootfs built it.
	 */
	const char *drive;
	/* results */
	bool timed_out;
	int exit_code;
	double seconds;
};

#define QEMU_BIN "qemu-system-aarch64"
/* The boards' core (pi4b's, and close to m400's X-Gene): ARMv8.0, no VHE. */
#define QEMU_CPU "cortex-a72"
#define QEMU_MACHINE "virt,virtualization=on,gic-version=2"
/*
 * Write the DTB QEMU would give the kernel of q (q->dtb ignored) to path.
 * Returns 0 or -1.
 */
int qemu_dump_dtb(const struct qemu_run *q, const char *path);
int qemu_boot(struct qemu_run *q);

#endif
