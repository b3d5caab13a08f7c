// SPDX-License-Identifier: GPL-2.0
/*
 * The corevisor in a mailed series (porttool mail).
 *
 * A port's series installs the corevisor where its "#@corevisor" marker
 * stands, and later patches build it; mailed without it, the messages do
 * not build after 'git am'.  So the install commit is made the way
 * 'porttool apply' makes it (every commit built in memory on the base in
 * the --tree repository, no ref moved), formatted as git format-patch
 * would, and mailed at the marker's place in the series.  With
 * --no-corevisor it is left out and the cover letter names it instead.
 */
#include "mail.h"
#include "corevisor_install.h"
#include "patch.h"
#include "portbranch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* How many patches come before the marker, or -1 without one. */
static long marker_position(const struct port *p)
{
	long before = 0;

	for (size_t i = 0; i < p->nseries; i++) {
		if (p->series[i].corevisor)
			return before;
		before++;
	}
	return -1;
}

/* The install commit of the port built on its base, formatted. */
static int format_install_commit(git_repository *repo,
				 const struct porttool_ctx *ctx,
				 const struct port *p, struct sbuf *out)
{
	struct branch_commits bc = { 0 };
	git_commit *base = NULL, *c = NULL;
	git_oid tip;
	int ret = -1;

	if (port_base_commit(repo, p, &base) < 0 ||
	    build_port_commits(repo, ctx, p, base, &tip) < 0 ||
	    list_branch_commits(repo, git_commit_id(base), &tip, &bc) < 0)
		goto out;
	if (bc.corevisor < 0) {
		error("%s/series: the corevisor commit was not built", p->dir);
		goto out;
	}
	if (git_commit_lookup(&c, repo, &bc.ids[bc.corevisor]) < 0) {
		git_fail("reading the corevisor commit");
		goto out;
	}
	ret = format_patch_commit(out, repo, c);
out:
	git_commit_free(c);
	git_commit_free(base);
	branch_commits_free(&bc);
	return ret;
}

/* Put patch (and its file, for checkpatch) at index pos of the series. */
static void insert_patch(struct mail_run *r, size_t pos,
			 const struct outgoing_patch *op, char *path)
{
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->paths = xrealloc(r->paths, (r->n + 2) * sizeof(*r->paths));
	memmove(&r->v[pos + 1], &r->v[pos], (r->n - pos) * sizeof(*r->v));
	memmove(&r->paths[pos + 1], &r->paths[pos],
		(r->n - pos) * sizeof(*r->paths));
	r->v[pos] = *op;
	r->paths[pos] = path;
	r->n++;
	r->paths[r->n] = NULL;
}

int add_corevisor_patch(struct mail_run *r, const struct porttool_ctx *ctx)
{
	long pos = marker_position(r->port);
	git_repository *repo = NULL;
	struct sbuf text = { 0 };
	struct outgoing_patch op;
	char *path = NULL;
	int ret = -1;

	if (pos < 0 || r->o.no_corevisor)
		return 0;
	if (!r->tree || !r->tree_is_repo ||
	    git_repository_open(&repo, r->tree) < 0) {
		error("%s/series installs the corevisor, which the mail must "
		      "carry for 'git am' of the messages to build: give "
		      "--tree with a git repository of the base ('porttool "
		      "tree %s'), or --no-corevisor to leave it out",
		      r->port->dir, r->port->version);
		return -1;
	}
	if (format_install_commit(repo, ctx, r->port, &text) < 0)
		goto out;
	/* checkpatch reads files: the patch goes next to the tree's index. */
	path = xasprintf("%sporttool-mail-corevisor.patch",
			 git_repository_path(repo));
	if (write_file(path, text.buf, text.len) < 0) {
		error("cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	if (outgoing_patch_parse(path, text.buf, &op) < 0)
		goto out;
	insert_patch(r, (size_t)pos, &op, path);
	path = NULL;
	ret = 0;
out:
	free(path);
	sbuf_free(&text);
	git_repository_free(repo);
	return ret;
}
