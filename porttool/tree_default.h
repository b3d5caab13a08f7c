/* SPDX-License-Identifier: GPL-2.0 */
/* Which kernel tree a command works on (tree_dir.c). */
#ifndef PORTTOOL_TREE_DEFAULT_H
#define PORTTOOL_TREE_DEFAULT_H

#include "porttool.h"

/*
 * The kernel tree to use: --tree DIR when given, else the port's embedded
 * default tree (prepared by 'porttool tree' on first use).  *out is a new
 * string.  Returns 0, or -1 after printing an error.
 */
int resolve_tree_dir(const struct port *p, const char *given, char **out);

#endif
