// SPDX-License-Identifier: GPL-2.0
/*
 * Building a port's commits in memory.
 *
 * Every patch is applied to the previous commit's tree with
 * git_apply_to_tree and committed with git_commit_create without moving
 * any ref, so nothing the user can see changes until every patch applied;
 * only then does 'apply' create the branch and check it out once.
 *
 * libgit2 1.5's apply wants exact context at exactly the line numbers the
 * hunk header gives.  When it refuses a patch, the patch's hunks are moved
 * to where their preimage really is in each file (an offset, as git am
 * does, and with 'apply --fuzz N' up to N outer context lines ignored, as
 * git am -C does) by porttool's own matcher (hunk_apply.c), and the
 * rewritten patch is given to libgit2 again, so renames, modes, added and
 * deleted files, binary patches, CRLF lines (as bytes) and "\ No newline
 * at end of file" are still libgit2's, and the blobs are written the same
 * way.  To move a port to another base 'porttool rebase' merges three-way.
 */
#include "portbranch.h"
#include "series_apply.h"
#include "corevisor_install.h"
#include "patch.h"
#include "hunk_apply.h"
#include "patch_check.h"

#include <stdlib.h>
#include <string.h>

/* Outer context lines a hunk may ignore (apply --fuzz); 0 like git am. */
static int max_fuzz;

void set_apply_fuzz(int lines)
{
	max_fuzz = lines;
}

/* What apply was doing when it failed: the last file and hunk it began. */
struct apply_progress {
	char *file;
	char *hunk;
};

static int on_delta(const git_diff_delta *delta, void *payload)
{
	struct apply_progress *pr = payload;

	free(pr->file);
	free(pr->hunk);
	pr->hunk = NULL;
	pr->file = xstrdup(delta->new_file.path ? delta->new_file.path :
			   delta->old_file.path);
	return 0;
}

static int on_hunk(const git_diff_hunk *hunk, void *payload)
{
	struct apply_progress *pr = payload;
	size_t n = hunk->header_len;

	while (n && (hunk->header[n - 1] == '\n' || hunk->header[n - 1] == '\r'))
		n--;
	free(pr->hunk);
	pr->hunk = xasprintf("%.*s", (int)n, hunk->header);
	return 0;
}

static void report_apply_failure(const char *patch_path,
				 const struct apply_progress *pr)
{
	const git_error *e = git_error_last();
	const char *why = e && e->message ? e->message : "unknown error";

	if (pr->file && pr->hunk)
		error("%s does not apply: %s: hunk '%s' failed (%s)",
		      patch_path, pr->file, pr->hunk, why);
	else if (pr->file)
		error("%s does not apply: %s: %s", patch_path, pr->file, why);
	else
		error("%s does not apply: %s", patch_path, why);
}

/* The paths a patch touches: old and new side of every file. */
static void touched_paths(git_diff *diff, struct strlist *paths)
{
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->old_file.path && !strlist_has(paths, d->old_file.path))
			strlist_push(paths, d->old_file.path);
		if (d->new_file.path && !strlist_has(paths, d->new_file.path))
			strlist_push(paths, d->new_file.path);
	}
}

/*
 * A tree holding only the given paths of base (those that exist there):
 * git_apply_to_tree reads its whole preimage tree into an index, and a
 * kernel tree has 70,000 files, so the patch is applied to this small
 * tree instead and the result grafted back (graft_paths).
 */
int subset_tree(git_tree **out, git_repository *repo, git_tree *base,
			 const struct strlist *paths)
{
	git_tree_update *upd = xcalloc(paths->n + 1, sizeof(*upd));
	git_treebuilder *tb = NULL;
	git_tree *empty = NULL;
	git_oid empty_id, id;
	size_t n = 0;
	int ret = -1;

	for (size_t i = 0; i < paths->n; i++) {
		git_tree_entry *e;

		if (git_tree_entry_bypath(&e, base, paths->items[i]) < 0)
			continue;	/* a new file */
		if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
			upd[n].action = GIT_TREE_UPDATE_UPSERT;
			upd[n].id = *git_tree_entry_id(e);
			upd[n].filemode = git_tree_entry_filemode(e);
			upd[n].path = paths->items[i];
			n++;
		}
		git_tree_entry_free(e);
	}
	if (git_treebuilder_new(&tb, repo, NULL) < 0 ||
	    git_treebuilder_write(&empty_id, tb) < 0 ||
	    git_tree_lookup(&empty, repo, &empty_id) < 0 ||
	    git_tree_create_updated(&id, repo, empty, n, upd) < 0 ||
	    git_tree_lookup(out, repo, &id) < 0) {
		git_fail("building the patch's preimage");
		goto out;
	}
	ret = 0;
out:
	git_tree_free(empty);
	git_treebuilder_free(tb);
	free(upd);
	return ret;
}

/* base with every touched path set to what the patched index holds. */
int graft_paths(git_oid *out, git_repository *repo, git_tree *base,
			git_index *result, const struct strlist *paths)
{
	git_tree_update *upd = xcalloc(paths->n + 1, sizeof(*upd));
	size_t n = 0;
	int ret;

	for (size_t i = 0; i < paths->n; i++) {
		const git_index_entry *e = git_index_get_bypath(result,
								paths->items[i], 0);
		git_tree_entry *old;

		if (e) {
			upd[n].action = GIT_TREE_UPDATE_UPSERT;
			upd[n].id = e->id;
			upd[n].filemode = e->mode;
			upd[n].path = paths->items[i];
			n++;
		} else if (git_tree_entry_bypath(&old, base, paths->items[i]) == 0) {
			git_tree_entry_free(old);
			upd[n].action = GIT_TREE_UPDATE_REMOVE;
			upd[n].path = paths->items[i];
			n++;
		}
	}
	ret = git_tree_create_updated(out, repo, base, n, upd);
	free(upd);
	return ret < 0 ? git_fail("writing the patched tree") : 0;
}

/* The preimages relocate_hunks reads: the blobs of the patch's old paths. */
struct tree_preimages {
	git_repository *repo;
	git_tree *pre;
	git_diff *diff;
	git_blob *blob;		/* the one last read; freed on the next read */
	const char *patch_path;	/* for errors: which patch */
};

static int read_tree_preimage(void *payload, size_t idx, const char **path,
			      const char **buf, size_t *len)
{
	struct tree_preimages *tp = payload;
	const git_diff_delta *d = git_diff_get_delta(tp->diff, idx);
	git_tree_entry *e;
	int ret;

	git_blob_free(tp->blob);
	tp->blob = NULL;
	*buf = "";
	*len = 0;
	if (!d) {
		error("the patch has more files than libgit2 parsed");
		return -1;
	}
	*path = d->new_file.path ? d->new_file.path : d->old_file.path;
	if (d->status == GIT_DELTA_ADDED)
		return 0;
	if (git_tree_entry_bypath(&e, tp->pre, d->old_file.path) < 0) {
		error("%s: %s is not in the tree the patch applies to",
		      tp->patch_path, d->old_file.path);
		return -1;
	}
	ret = git_blob_lookup(&tp->blob, tp->repo, git_tree_entry_id(e));
	git_tree_entry_free(e);
	if (ret < 0)
		return git_fail(d->old_file.path);
	*buf = git_blob_rawcontent(tp->blob);
	*len = (size_t)git_blob_rawsize(tp->blob);
	return 0;
}

/*
 * libgit2 refused the patch: move its hunks to where they match
 * (hunk_apply.c) and apply the rewritten patch to pre instead.
 */
static int apply_relocated(git_index **index, git_repository *repo,
			   git_tree *pre, git_diff *diff,
			   const char *text, size_t text_len,
			   const char *patch_path,
			   git_apply_options *opts, struct apply_progress *pr)
{
	struct tree_preimages tp = { repo, pre, diff, NULL, patch_path };
	struct preimage_source src = { read_tree_preimage, &tp };
	struct sbuf moved = { 0 };
	git_diff *moved_diff = NULL;
	int ret = -1;

	if (diff_file_count(text, text_len) != git_diff_num_deltas(diff)) {
		report_apply_failure(patch_path, pr);
		return -1;
	}
	ret = relocate_hunks(&moved, text, text_len, max_fuzz,
			     patch_path, &src);
	git_blob_free(tp.blob);
	if (ret < 0)
		goto out;
	ret = -1;
	if (git_diff_from_buffer(&moved_diff, moved.buf ? moved.buf : "", moved.len) < 0) {
		git_fail(patch_path);
		goto out;
	}
	if (git_apply_to_tree(index, repo, pre, moved_diff, opts) < 0) {
		report_apply_failure(patch_path, pr);
		goto out;
	}
	ret = 0;
out:
	git_diff_free(moved_diff);
	sbuf_free(&moved);
	return ret;
}

/* Apply one parsed patch on parent and commit it; *out is the new commit. */
static int commit_patch(git_oid *out, git_repository *repo, git_commit *parent,
			const struct mail_patch *m, const char *patch_path)
{
	git_apply_options opts;
	struct apply_progress pr = { 0 };
	git_signature *author = NULL, *committer = NULL;
	git_diff *diff = NULL;
	git_index *index = NULL;
	git_tree *base = NULL, *tree = NULL, *pre = NULL;
	struct strlist paths = { 0 };
	git_oid tree_id;
	char *fixed = NULL;
	size_t fixed_len = 0;
	int ret = -1;
	git_apply_options_init(&opts, GIT_APPLY_OPTIONS_VERSION);

	/* libgit2 may loop forever on a corrupt binary hunk: check first. */
	if (check_binary_hunks(m->diff, m->diff_len, m->diff_line,
			       patch_path) < 0 ||
	    check_header_paths(m->diff, m->diff_len, m->diff_line,
			       patch_path) < 0)
		goto out;
	fixed = diff_for_libgit2(m->diff, m->diff_len, &fixed_len);
	if (git_diff_from_buffer(&diff, fixed, fixed_len) < 0) {
		git_fail(patch_path);
		goto out;
	}
	opts.delta_cb = on_delta;
	opts.hunk_cb = on_hunk;
	opts.payload = &pr;
	if (git_commit_tree(&base, parent) < 0) {
		git_fail("reading the parent tree");
		goto out;
	}
	if (check_patch_paths(diff, base, patch_path) < 0)
		goto out;
	touched_paths(diff, &paths);
	if (subset_tree(&pre, repo, base, &paths) < 0)
		goto out;
	if (git_apply_to_tree(&index, repo, pre, diff, &opts) < 0 &&
	    apply_relocated(&index, repo, pre, diff, fixed, fixed_len,
			    patch_path, &opts, &pr) < 0)
		goto out;
	if (graft_paths(&tree_id, repo, base, index, &paths) < 0)
		goto out;
	if (git_tree_lookup(&tree, repo, &tree_id) < 0) {
		git_fail("reading the patched tree");
		goto out;
	}
	if (git_signature_new(&author, m->author_name, m->author_email,
			      m->author_time, m->author_offset) < 0) {
		git_fail(patch_path);
		goto out;
	}
	if (committer_signature(&committer, repo, author) < 0)
		goto out;
	if (git_commit_create(out, repo, NULL, author, committer, NULL,
			      m->message, tree, 1,
			      (const git_commit **)&parent) < 0) {
		git_fail("creating a commit");
		goto out;
	}
	ret = 0;
out:
	free(pr.file);
	free(pr.hunk);
	strlist_free(&paths);
	git_tree_free(pre);
	git_signature_free(author);
	git_signature_free(committer);
	git_tree_free(tree);
	git_tree_free(base);
	git_index_free(index);
	git_diff_free(diff);
	free(fixed);
	return ret;
}

static int add_entry(git_oid *out, git_repository *repo,
		     const struct porttool_ctx *ctx, const struct port *p,
		     const struct series_entry *e, git_commit *parent)
{
	struct mail_patch m;
	char *path;
	int ret;

	if (e->corevisor) {
		git_oid cv;

		if (!p->corevisor_path) {
			error("%s/port.conf: corevisor.path is not set, but the "
			      "series has the corevisor marker (line %d)",
			      p->dir, e->line);
			return -1;
		}
		if (corevisor_tree(&cv, repo, ctx->project_dir) < 0)
			return -1;
		return corevisor_commit(out, repo, parent, p->corevisor_path,
					&cv);
	}
	if (load_port_patch(p, e->patch, &m) < 0)
		return -1;
	path = xasprintf("%s/%s", p->dir, e->patch);
	ret = commit_patch(out, repo, parent, &m, path);
	free(path);
	mail_patch_free(&m);
	return ret;
}

int build_port_commits(git_repository *repo, const struct porttool_ctx *ctx,
		       const struct port *p, git_commit *base, git_oid *tip)
{
	git_commit *cur = base;
	git_oid next;

	git_oid_cpy(tip, git_commit_id(base));
	for (size_t i = 0; i < p->nseries; i++) {
		git_commit *c;

		if (add_entry(&next, repo, ctx, p, &p->series[i], cur) < 0)
			goto fail;
		if (git_commit_lookup(&c, repo, &next) < 0) {
			git_fail("reading a new commit");
			goto fail;
		}
		if (cur != base)
			git_commit_free(cur);
		cur = c;
	}
	git_oid_cpy(tip, git_commit_id(cur));
	if (cur != base)
		git_commit_free(cur);
	return 0;
fail:
	if (cur != base)
		git_commit_free(cur);
	return -1;
}
