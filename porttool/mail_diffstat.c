// SPDX-License-Identifier: GPL-2.0
/*
 * The cover letter's diffstat from the tree: apply the series on the base
 * in memory and diff base..tip, as git format-patch --cover-letter does.
 * A later patch that undoes part of an earlier one then nets out, which a
 * sum of the patches' own counts cannot do.
 *
 * The trees made on the way go to an in-memory object store (libgit2's
 * mempack backend), so the user's repository gets no new objects.
 */
#include "mailfmt.h"

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <stdlib.h>
#include <string.h>

static int apply_series(git_repository *repo, git_tree *base,
			const struct outgoing_patch *v, size_t n,
			git_tree **tip)
{
	git_tree *cur = base;

	for (size_t i = 0; i < n; i++) {
		git_diff *diff = NULL;
		git_index *index = NULL;
		git_oid id;
		git_tree *next = NULL;
		int rc = git_diff_from_buffer(&diff, v[i].diff, strlen(v[i].diff));

		if (!rc)
			rc = git_apply_to_tree(&index, repo, cur, diff, NULL);
		if (!rc)
			rc = git_index_write_tree_to(&id, index, repo);
		if (!rc)
			rc = git_tree_lookup(&next, repo, &id);
		git_index_free(index);
		git_diff_free(diff);
		if (cur != base)
			git_tree_free(cur);
		if (rc < 0)
			return -1;
		cur = next;
	}
	*tip = cur;
	return 0;
}

int diffstat_from_tree(const char *tree, const char *base,
		       const struct outgoing_patch *v, size_t n, struct sbuf *out)
{
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	git_odb_backend *mem = NULL;
	git_object *base_obj = NULL;
	git_tree *tip = NULL;
	git_diff *diff = NULL;
	git_diff_stats *stats = NULL;
	git_buf buf = { 0 };
	char *spec = xasprintf("%s^{tree}", base);
	int rc = -1;

	if (git_repository_open(&repo, tree) < 0 ||
	    git_repository_odb(&odb, repo) < 0 || git_mempack_new(&mem) < 0 ||
	    git_odb_add_backend(odb, mem, 1000) < 0)
		goto out;
	mem = NULL;		/* the object database owns it now */
	if (git_revparse_single(&base_obj, repo, spec) < 0 ||
	    apply_series(repo, (git_tree *)base_obj, v, n, &tip) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, (git_tree *)base_obj, tip, NULL) < 0 ||
	    git_diff_get_stats(&stats, diff) < 0 ||
	    git_diff_stats_to_buf(&buf, stats, GIT_DIFF_STATS_FULL, 72) < 0)
		goto out;
	sbuf_puts(out, buf.ptr);
	rc = 0;
out:
	if (rc)
		git_error_clear();
	git_buf_dispose(&buf);
	git_diff_stats_free(stats);
	git_diff_free(diff);
	if (tip != (git_tree *)base_obj)
		git_tree_free(tip);
	git_object_free(base_obj);
	if (mem)
		mem->free(mem);
	git_odb_free(odb);
	git_repository_free(repo);
	free(spec);
	return rc;
}
