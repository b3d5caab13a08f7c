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

/*
 * The kernel tree to build, absolute: given (--tree), else the port's
 * default tree (made on first use).  NULL after an error.
 */
char *kbuild_resolve_tree(const struct port *p, const char *given);
/* Is the cross compiler in PATH?  0, or -1 naming the Debian package. */
int kbuild_check_cross_compiler(void);
/*
 * out made absolute and created; refused (NULL, after an error) inside
 * the kernel tree src or the user's tree: builds stay out of tree.
 */
char *kbuild_prepare_out(const char *out, const char *src,
			 const char *user_tree);
/* The board's config fragment, absolute; NULL after an error. */
char *board_fragment(const struct port *p, const struct board *b);

struct kbuild {
	const char *src;	/* kernel source tree (stays clean) */
	const char *out;	/* O= */
	const char *fragment;	/* config fragment for allnoconfig */
	const char *dtb_target;	/* e.g. broadcom/bcm2711-rpi-4-b.dtb, or NULL */
	const char *hostcc;	/* port.conf build.hostcc, or NULL */
	bool ccache;
	int log_fd;		/* out/build.log */
	char *log_path;
	/*
	 * build --each-patch: the stages and the config's findings go to
	 * the log only, the first error lines of a failure to errors (which
	 * must then be set); no modules_install.
	 */
	bool quiet;
	bool no_install;
	struct strlist *errors;
	struct strlist *warnings;	/* when set: gets every "warning:" line */
};

int kbuild_run(struct kbuild *kb);

#endif
