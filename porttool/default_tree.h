/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The embedded default tree of a port and which kernel tree a command
 * works on (default_tree.c).
 */
#ifndef PORTTOOL_DEFAULT_TREE_H
#define PORTTOOL_DEFAULT_TREE_H

#include "porttool.h"

/* Where the default tree of a port lives in the cache: <cache>/trees/vX.Y. */
char *default_tree_path(const struct port *p);
/* True when the port names a Debian package to use as its default tree. */
bool port_has_default_tree(const struct port *p);
/* True when the default tree is already prepared in the cache. */
bool default_tree_cached(const struct port *p);
/*
 * Make sure the default tree exists (download and import it if not) and
 * return its path in *path (caller frees).  Returns 0, or -1 after printing
 * an error.  Safe to call from several processes at once.
 */
int ensure_default_tree(const struct port *p, char **path);
/* Prepare the default tree into dir (which must not exist or be empty). */
int make_default_tree_at(const struct port *p, const char *dir);
/*
 * Check that repo_dir holds the port's base: base.tag resolves to a commit,
 * equal to base.commit and with tree base.tree where those are known.
 */
int check_base_tree(const struct port *p, const char *repo_dir);

/*
 * The kernel tree to use: --tree DIR when given, else the port's embedded
 * default tree (prepared by 'porttool tree' on first use).  *out is a new
 * string.  Returns 0, or -1 after printing an error.
 */
int resolve_tree_dir(const struct port *p, const char *given, char **out);

#endif
