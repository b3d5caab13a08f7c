// SPDX-License-Identifier: GPL-2.0
/*
 * The corevisor in a mailed series (porttool mail).
 *
 * A port's series installs the corevisor where its "#@corevisor" marker
 * stands, and later patches build it; mailed without it, the messages do
 * not build after 'git am'.  So the install commit is made the way
 * 'porttool apply' makes it (every commit built in memory on the base in
 * the --tree repository, no ref moved), formatted as git format-patch
 * would, with the sender's Signed-off-by, and mailed at the marker's
 * place in the series.  With --no-corevisor it is left out and the cover
 * letter names it instead: which commit, made from which commit of which
 * repository, and its prerequisite-patch-id.
 */
#include "mail.h"
#include "corevisor_install.h"
#include "patch.h"
#include "portbranch.h"
#include "series_apply.h"

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

/*
 * The install commit as the sender mails it, a new commit object (no ref
 * names it): authored by the sender and with the sender's Signed-off-by.
 * The commit 'porttool apply' makes has a fixed author, a tool, and no
 * sign-off, so that its id depends on nothing but the corevisor and the
 * parent.  A mailed patch needs a person who certifies it
 * (Documentation/process/submitting-patches.rst) and, as checkpatch.pl
 * checks, the author's own sign-off: the person who generates and mails
 * it is both.  The date stays the install commit's.
 */
static int signed_commit(git_commit **out, git_repository *repo,
			 git_commit *c, const char *signer)
{
	const char *msg = git_commit_message(c);
	const git_signature *made = git_commit_author(c);
	const git_commit *parent = NULL;
	git_signature *author = NULL;
	git_tree *tree = NULL;
	char *name = NULL, *email = NULL;
	git_oid id;
	char *signed_msg;
	int ret = -1;

	signed_msg = xasprintf("%s%sSigned-off-by: %s\n", msg,
			       *msg && msg[strlen(msg) - 1] != '\n' ? "\n" : "",
			       signer);
	if (parse_from(signer, &name, &email) < 0) {
		error("the sender '%s' has no address to author the corevisor "
		      "commit with", signer);
		goto out;
	}
	if (git_signature_new(&author, name, email, made->when.time,
			      made->when.offset) < 0 ||
	    git_commit_tree(&tree, c) < 0 ||
	    git_commit_parent((git_commit **)&parent, c, 0) < 0 ||
	    git_commit_create(&id, repo, NULL, author, author, NULL,
			      signed_msg, tree, 1, &parent) < 0 ||
	    git_commit_lookup(out, repo, &id) < 0) {
		git_fail("signing off the corevisor commit");
		goto out;
	}
	ret = 0;
out:
	git_commit_free((git_commit *)parent);
	git_signature_free(author);
	git_tree_free(tree);
	free(name);
	free(email);
	free(signed_msg);
	return ret;
}

/*
 * The install commit of the port built on its base (its id into *id),
 * formatted with signer's Signed-off-by, or as it is when signer is NULL.
 */
static int format_install_commit(git_repository *repo,
				 const struct porttool_ctx *ctx,
				 const struct port *p, const char *signer,
				 git_oid *id, struct sbuf *out)
{
	struct branch_commits bc = { 0 };
	git_commit *base = NULL, *c = NULL, *sc = NULL;
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
	*id = bc.ids[bc.corevisor];
	if (git_commit_lookup(&c, repo, id) < 0) {
		git_fail("reading the corevisor commit");
		goto out;
	}
	if (signer && signed_commit(&sc, repo, c, signer) < 0)
		goto out;
	ret = format_patch_commit(out, repo, sc ? sc : c);
out:
	git_commit_free(sc);
	git_commit_free(c);
	git_commit_free(base);
	branch_commits_free(&bc);
	return ret;
}

/*
 * The project repository the corevisor comes from, as a reader can fetch
 * it: remote.origin.url (else the checkout's path) and the commit of its
 * HEAD, whose corevisor/ corevisor_tree installs.
 */
static char *project_source(const char *project_dir)
{
	git_repository *repo = NULL;
	git_remote *origin = NULL;
	git_oid head;
	char hex[GIT_OID_HEXSZ + 1];
	char *s;

	if (git_repository_open_ext(&repo, project_dir,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return xasprintf("the SeKVM project at %s (not a git checkout)",
				 project_dir);
	if (git_reference_name_to_id(&head, repo, "HEAD") < 0) {
		git_repository_free(repo);
		return xasprintf("the SeKVM project at %s (no commit yet)",
				 project_dir);
	}
	git_oid_tostr(hex, sizeof(hex), &head);
	if (git_remote_lookup(&origin, repo, "origin") == 0 &&
	    git_remote_url(origin))
		s = xasprintf("the SeKVM repository %s at commit %s",
			      git_remote_url(origin), hex);
	else
		s = xasprintf("the SeKVM repository at %s, commit %s",
			      project_dir, hex);
	git_remote_free(origin);
	git_repository_free(repo);
	return s;
}

/* text with its spaces turned into line breaks to keep lines to width. */
static char *wrap_words(const char *text, size_t width)
{
	char *s = xstrdup(text), *line = s, *last_space = NULL;

	for (char *p = s; *p; p++) {
		if (*p == '\n') {
			line = p + 1;
			last_space = NULL;
			continue;
		}
		if (*p == ' ')
			last_space = p;
		if ((size_t)(p - line) >= width && last_space) {
			*last_space = '\n';
			line = last_space + 1;
			last_space = NULL;
		}
	}
	return s;
}

/*
 * --no-corevisor: what the cover letter says to apply first, and the
 * prerequisite-patch-id (git format-patch --base's and b4's trailer: the
 * stable patch-id of a patch the series needs and does not carry).
 */
static int note_prerequisite(struct mail_run *r, const struct porttool_ctx *ctx,
			     git_repository *repo, long pos)
{
	char *where = pos ? xasprintf("After patch %ld", pos) :
		      xstrdup("Before patch 1");
	char *src = project_source(ctx->project_dir);
	struct sbuf text = { 0 };
	struct sbuf note = { 0 };
	struct outgoing_patch op;
	git_oid id;
	char hex[GIT_OID_HEXSZ + 1] = "";
	int ret = -1;

	if (repo) {
		if (format_install_commit(repo, ctx, r->port, NULL, &id,
					  &text) < 0 ||
		    outgoing_patch_parse("the corevisor commit", text.buf,
					 &op) < 0)
			goto out;
		git_oid_tostr(hex, sizeof(hex), &id);
		r->prereq_patch_id = xstrdup(op.patch_id);
		outgoing_patch_free(&op);
	}
	sbuf_addf(&note, "This series does not carry the SeKVM corevisor. %s, "
		  "apply the commit \"%s\"", where, COREVISOR_SUBJECT);
	if (*hex)
		sbuf_addf(&note, " %s", hex);
	sbuf_addf(&note, ", which installs corevisor/ of %s as %s "
		  "('porttool apply %s' makes the same commit).\n", src,
		  r->port->corevisor_path ? r->port->corevisor_path : ".",
		  r->port->version);
	r->prereq_note = wrap_words(note.buf, 72);
	sbuf_free(&note);
	ret = 0;
out:
	sbuf_free(&text);
	free(where);
	free(src);
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

static git_repository *open_tree_repo(const struct mail_run *r)
{
	git_repository *repo = NULL;

	if (!r->tree || !r->tree_is_repo ||
	    git_repository_open(&repo, r->tree) < 0)
		return NULL;
	return repo;
}

int add_corevisor_patch(struct mail_run *r, const struct porttool_ctx *ctx)
{
	long pos = marker_position(r->port);
	git_repository *repo = NULL;
	struct sbuf text = { 0 };
	struct outgoing_patch op;
	char *path = NULL;
	git_oid id;
	int ret = -1;

	if (pos < 0)
		return 0;
	repo = open_tree_repo(r);
	if (r->o.no_corevisor) {
		ret = note_prerequisite(r, ctx, repo, pos);
		git_repository_free(repo);
		return ret;
	}
	if (!repo) {
		error("%s/series installs the corevisor, which the mail must "
		      "carry for 'git am' of the messages to build: give "
		      "--tree with a git repository of the base ('porttool "
		      "tree %s'), or --no-corevisor to leave it out",
		      r->port->dir, r->port->version);
		return -1;
	}
	if (!r->sender) {
		error("the mailed corevisor commit carries your Signed-off-by: "
		      "give --from, or set user.name and user.email");
		goto out;
	}
	if (format_install_commit(repo, ctx, r->port, r->sender, &id,
				  &text) < 0)
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
