/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Applying a port's series in memory (series_apply.c): every commit made
 * with git_apply_to_tree on a small subset of the tree and committed
 * without moving a ref, the index or the work tree.
 */
#ifndef PORTTOOL_SERIES_APPLY_H
#define PORTTOOL_SERIES_APPLY_H

#include "porttool.h"

#include <git2.h>

/*
 * Build the port's commits on base in memory, without touching any ref,
 * the index or the working tree: the corevisor install commit where the
 * series marks it and one commit per patch.  *tip is the last commit.
 * On failure an error names the patch file and the file and hunk that did
 * not apply.
 */
int build_port_commits(git_repository *repo, const struct porttool_ctx *ctx,
		       const struct port *p, git_commit *base, git_oid *tip);

/*
 * A tree holding only the given paths of base (those that exist there),
 * so that libgit2's apply and merge, which read whole trees into an
 * index, work on a handful of files instead of a kernel (series_apply.c).
 */
int subset_tree(git_tree **out, git_repository *repo, git_tree *base,
		const struct strlist *paths);
/* base with each of paths set as in result (removed where result lacks it). */
int graft_paths(git_oid *out, git_repository *repo, git_tree *base,
		git_index *result, const struct strlist *paths);

/*
 * How many leading and trailing context lines of a hunk apply may ignore
 * when the hunk matches nowhere exactly (apply --fuzz N; default 0, as
 * git am without -C).  Offsets need no option.  
 */
void set_apply_fuzz(int lines);

#endif
