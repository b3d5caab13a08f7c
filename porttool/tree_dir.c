// SPDX-License-Identifier: GPL-2.0
/* Which kernel tree a command works on: --tree DIR or the default tree. */
#include "tree_default.h"
#include "tree.h"

int resolve_tree_dir(const struct port *p, const char *given, char **out)
{
	if (given) {
		*out = xstrdup(given);
		return 0;
	}
	if (!port_has_default_tree(p)) {
		error("%s has no default tree; give one with --tree DIR",
		      p->dir);
		return -1;
	}
	/* Prepares the tree on first use, as 'porttool tree' does. */
	return ensure_default_tree(p, out);
}
