// SPDX-License-Identifier: GPL-2.0
/*
 * The previous version of a series, for the cover letter's range-diff:
 * a directory of patch files, or a revision of the tree whose commits
 * since the port's base are the old series (written as mail by libgit2's
 * git_email_create_from_commit and read back like any patch file).
 */
#include "mail_since.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

/* libgit2's initialiser macro leaves trailing fields to zero, on purpose. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static int commit_as_patch(git_commit *c, struct outgoing_patch *p)
{
	git_email_create_options opts = GIT_EMAIL_CREATE_OPTIONS_INIT;
	git_buf buf = { 0 };
	char id[GIT_OID_HEXSZ + 1];
	char *name;
	int rc;

	git_oid_tostr(id, sizeof(id), git_commit_id(c));
	name = xasprintf("commit %.12s", id);
	if (git_email_create_from_commit(&buf, c, &opts) < 0) {
		git_fail(name);
		free(name);
		return -1;
	}
	rc = outgoing_patch_parse(name, buf.ptr, p);
	git_buf_dispose(&buf);
	free(name);
	return rc;
}

static int load_revision(const char *tree, const char *base, const char *rev,
			 struct outgoing_patch **out, size_t *n)
{
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	git_object *tip = NULL, *from = NULL;
	struct outgoing_patch *v = NULL;
	size_t count = 0;
	git_oid oid;
	char *tip_spec = xasprintf("%s^{commit}", rev);
	char *base_spec = xasprintf("%s^{commit}", base);
	int rc = -1;

	if (git_repository_open(&repo, tree) < 0) {
		git_fail(tree);
		goto out;
	}
	if (git_revparse_single(&tip, repo, tip_spec) < 0) {
		error("--since '%s' is neither a directory of patches nor a "
		      "revision of the tree %s", rev, tree);
		goto out;
	}
	if (git_revparse_single(&from, repo, base_spec) < 0) {
		git_fail("the port's base in the tree");
		goto out;
	}
	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(walk, git_object_id(tip)) < 0 ||
	    git_revwalk_hide(walk, git_object_id(from)) < 0) {
		git_fail("walking the previous series");
		goto out;
	}
	while (!git_revwalk_next(&oid, walk)) {
		git_commit *c = NULL;

		if (git_commit_lookup(&c, repo, &oid) < 0) {
			git_fail("reading the previous series");
			goto out;
		}
		/* Merges and the corevisor import are not mailed patches. */
		if (git_commit_parentcount(c) != 1) {
			git_commit_free(c);
			continue;
		}
		v = xrealloc(v, (count + 1) * sizeof(*v));
		if (commit_as_patch(c, &v[count])) {
			git_commit_free(c);
			goto out;
		}
		count++;
		git_commit_free(c);
	}
	*out = v;
	*n = count;
	v = NULL;
	count = 0;
	rc = 0;
out:
	outgoing_patches_free(v, count);
	git_revwalk_free(walk);
	git_object_free(tip);
	git_object_free(from);
	git_repository_free(repo);
	free(tip_spec);
	free(base_spec);
	return rc;
}

int since_load(const char *since, const char *tree, const char *base,
	       struct outgoing_patch **out, size_t *n)
{
	if (is_dir(since))
		return outgoing_patches_load_dir(since, out, n);
	if (!tree) {
		error("--since '%s' is not a directory, and without --tree there "
		      "is no repository to find it in", since);
		return -1;
	}
	if (!base) {
		error("--since '%s': the port has no base to start the old "
		      "series from", since);
		return -1;
	}
	return load_revision(tree, base, since, out, n);
}
