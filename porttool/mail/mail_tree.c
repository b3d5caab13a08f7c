// SPDX-License-Identifier: GPL-2.0
/*
 * What the cover letter learns from the tree, with the series applied in
 * memory on the base:
 *  - the diffstat of base..tip, as git format-patch --cover-letter shows
 *    it (a later patch that undoes part of an earlier one nets out, which
 *    a sum of the patches' own counts cannot do);
 *  - the interdiff against the previous version: old tip..new tip, as
 *    git format-patch --interdiff shows it.
 *
 * The trees made on the way go to an in-memory object store (libgit2's
 * mempack backend), so the user's repository gets no new objects.
 */
#include "mailfmt.h"
#include "patch_check.h"

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <stdlib.h>
#include <string.h>

/* The tree's repository, writing to memory, and the base's tree. */
struct memrepo {
	git_repository *repo;
	git_odb *odb;
	git_object *base;
};

static void memrepo_close(struct memrepo *m)
{
	git_object_free(m->base);
	git_odb_free(m->odb);
	git_repository_free(m->repo);
	memset(m, 0, sizeof(*m));
}

static int memrepo_open(struct memrepo *m, const char *tree, const char *base)
{
	git_odb_backend *mem = NULL;
	char *spec = xasprintf("%s^{tree}", base);
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (git_repository_open(&m->repo, tree) < 0 ||
	    git_repository_odb(&m->odb, m->repo) < 0 ||
	    git_mempack_new(&mem) < 0)
		goto out;
	if (git_odb_add_backend(m->odb, mem, 1000) < 0) {
		mem->free(mem);
		goto out;
	}
	/* The object database owns the backend now. */
	if (git_revparse_single(&m->base, m->repo, spec) < 0)
		goto out;
	rc = 0;
out:
	if (rc)
		memrepo_close(m);
	free(spec);
	return rc;
}

/* Apply the patches one after the other on the base; *tip is new. */
static int apply_series(struct memrepo *m, const struct outgoing_patch *v,
			size_t n, git_tree **tip)
{
	git_tree *cur = NULL;

	if (git_tree_lookup(&cur, m->repo, git_object_id(m->base)) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		git_diff *diff = NULL;
		git_index *index = NULL;
		git_oid id;
		git_tree *next = NULL;
		int rc = diff_from_patch_text(&diff, v[i].diff,
					      strlen(v[i].diff));

		if (!rc)
			rc = git_apply_to_tree(&index, m->repo, cur, diff, NULL);
		if (!rc)
			rc = git_index_write_tree_to(&id, index, m->repo);
		if (!rc)
			rc = git_tree_lookup(&next, m->repo, &id);
		git_index_free(index);
		git_diff_free(diff);
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
	struct memrepo m;
	git_tree *base_tree = NULL, *tip = NULL;
	git_diff *diff = NULL;
	git_diff_stats *stats = NULL;
	git_buf buf = { 0 };
	int rc = -1;

	if (memrepo_open(&m, tree, base) < 0) {
		git_error_clear();
		return -1;
	}
	if (git_tree_lookup(&base_tree, m.repo, git_object_id(m.base)) < 0 ||
	    apply_series(&m, v, n, &tip) < 0 ||
	    git_diff_tree_to_tree(&diff, m.repo, base_tree, tip, NULL) < 0 ||
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
	git_tree_free(tip);
	git_tree_free(base_tree);
	memrepo_close(&m);
	return rc;
}

/* Indent each line: a bare diff in a cover letter looks like a patch to
 * patchwork and to git am, so it is shown as range-diff shows its own. */
static void add_indented(struct sbuf *out, const char *text)
{
	for (const char *s = text; *s;) {
		const char *e = strchrnul(s, '\n');

		sbuf_puts(out, "    ");
		sbuf_add(out, s, (size_t)(e - s));
		sbuf_add(out, "\n", 1);
		s = *e ? e + 1 : e;
	}
}

int interdiff_from_tree(const char *tree, const char *base,
			const struct outgoing_patch *old, size_t nold,
			const struct outgoing_patch *new, size_t nnew,
			const char *against, struct sbuf *out)
{
	struct memrepo m;
	git_tree *old_tip = NULL, *new_tip = NULL;
	git_diff *diff = NULL;
	git_buf buf = { 0 };
	int rc = -1;

	if (memrepo_open(&m, tree, base) < 0) {
		git_error_clear();
		return -1;
	}
	if (apply_series(&m, old, nold, &old_tip) < 0 ||
	    apply_series(&m, new, nnew, &new_tip) < 0 ||
	    git_diff_tree_to_tree(&diff, m.repo, old_tip, new_tip, NULL) < 0 ||
	    git_diff_to_buf(&buf, diff, GIT_DIFF_FORMAT_PATCH) < 0)
		goto out;
	sbuf_addf(out, "Interdiff against %s:\n", against);
	if (buf.size)
		add_indented(out, buf.ptr);
	else
		sbuf_puts(out, "    (none: the code is the same)\n");
	rc = 0;
out:
	if (rc)
		git_error_clear();
	git_buf_dispose(&buf);
	git_diff_free(diff);
	git_tree_free(old_tip);
	git_tree_free(new_tip);
	memrepo_close(&m);
	return rc;
}
