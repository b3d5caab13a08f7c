/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel builds (kbuild.c). */
#ifndef PORTTOOL_KBUILD_H
#define PORTTOOL_KBUILD_H

#include "porttool.h"

#define CROSS_PREFIX "aarch64-linux-gnu-"
#define CROSS_PACKAGE "gcc-aarch64-linux-gnu"

struct board *port_find_board(const struct port *p, const char *name);
/* Print "unknown board" with the known ones; returns NULL if not found. */
struct board *port_board_or_error(const struct port *p, const char *name);
/* <cache>/build/vVER-BOARD[-kvm]: where build puts its output by default. */
char *default_build_dir(const struct port *p, const char *board, bool kvm);
/* The kernel's make target for a board's DTB, or NULL when QEMU makes it. */
char *board_dtb_target(const struct board *b);
/* Path of the board's DTB in a build directory, NULL for QEMU's own. */
char *board_dtb_path(const struct board *b, const char *out);

struct kbuild {
	const char *src;	/* kernel source tree (stays clean) */
	const char *out;	/* O= */
	const char *fragment;	/* config fragment for allnoconfig */
	const char *dtb_target;	/* e.g. broadcom/bcm2711-rpi-4-b.dtb, or NULL */
	const char *hostcc;	/* port.conf build.hostcc, or NULL */
	bool ccache;
	int log_fd;		/* out/build.log */
	char *log_path;
};

int kbuild_run(struct kbuild *kb);

#endif
