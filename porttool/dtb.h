/* SPDX-License-Identifier: GPL-2.0 */
/* Device trees (dtb.c). */
#ifndef PORTTOOL_DTB_H
#define PORTTOOL_DTB_H

#include "porttool.h"

/*
 * Check that a DTB holds what the corevisor relies on: a memory node, a
 * GIC (for GICv2 with its GICH and GICV regions) and a console UART.
 * Prints one "PASS"/"FAIL" line per node to out; returns the number of
 * failures, or -1 when the file is not a valid DTB.
 */
int dtb_check_nodes(const char *path, FILE *out);
#define DTB_CHECKS 3	/* lines dtb_check_nodes prints */
/* Drop a DTB's free space (QEMU dumps it padded to 1 MiB).  0 or -1. */
int dtb_pack(const char *path);

#endif
