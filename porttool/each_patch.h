/* SPDX-License-Identifier: GPL-2.0 */
/*
 * porttool build VER --each-patch (each_patch.c): build every commit of a
 * port's branch, with the port's options on and off.
 */
#ifndef PORTTOOL_EACH_PATCH_H
#define PORTTOOL_EACH_PATCH_H

#include "porttool.h"

struct each_patch_opts {
	const char *tree;	/* --tree, or NULL: the port's default tree */
	const char *out;	/* --out, or NULL: <cache>/build/vVER-BOARD-each */
	bool stop_on_failure;
};

/* Returns EXIT_OK when every build passed, EXIT_FAIL otherwise. */
int build_each_patch(const struct port *p, const struct board *b,
		     const struct each_patch_opts *o);

#endif
