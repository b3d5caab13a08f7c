// SPDX-License-Identifier: GPL-2.0
/*
 * porttool status [--tree DIR]
 *
 * Which port the checked-out branch carries and how far it has drifted
 * from ports/vX.Y:
 *  - the port: the one whose base commit (base.commit, else base.tag) is
 *    the nearest first-parent ancestor of HEAD;
 *  - the corevisor: the install commit's Corevisor-Tree trailer against
 *    the project's corevisor now ("out of date") and against the tree
 *    installed at HEAD ("changed on the branch");
 *  - the patches: each series patch is matched to a branch commit by
 *    subject and patch-id: applied, changed (same subject, other diff),
 *    missing; branch commits that match nothing are "added";
 *  - the working tree: modified and staged tracked files, and whether a
 *    porttool rebase is stopped on a conflict.
 * Exit status 0 when the state could be read, whatever it is.
 */
#include "builtin.h"
#include "porttool.h"
#include "corevisor_install.h"
#include "patch.h"
#include "patch_check.h"
#include "patch_id.h"
#include "sbuf.h"
#include "portbranch.h"
#include "rebase_state.h"
#include "apply_state.h"
#include "tree.h"

#include <stdlib.h>
#include <string.h>

static const char *tree_dir;

static const struct option status_options[] = {
	{ OPT_STRING, "tree", &tree_dir, "DIR",
	  "kernel git repository (default: every cached default tree)" },
	{ OPT_END },
};

static const struct usage status_usage = {
	"porttool status [--tree DIR]",
	"Show which port the checked-out branch of a kernel tree carries,\n"
	"which of its patches are applied, and how it has drifted from the\n"
	"port directory.",
	status_options,
};

/* A branch commit: its id, subject and patch-id, and whether it matched. */
struct bcommit {
	git_oid id, patchid;
	char *subject;
	bool matched;
};

/*
 * git patch-id --stable of a commit's diff, from the text format-patch
 * writes of it, as the series' patches are read (patch_id.c).
 */
static int commit_patchid(git_oid *out, git_repository *repo, git_diff *diff)
{
	struct sbuf text = { 0 };
	int ret = commit_diff_text(&text, repo, diff);

	if (!ret && patch_id_of_text(out, text.buf ? text.buf : "",
				     text.len) < 0)
		memset(out, 0, sizeof(*out));	/* no diff: an empty commit */
	sbuf_free(&text);
	return ret;
}

static int load_bcommits(git_repository *repo, const struct branch_commits *bc,
			 struct bcommit **out, size_t *n)
{
	struct bcommit *b = xcalloc(bc->n, sizeof(*b));
	size_t count = 0;

	for (size_t i = 0; i < bc->n; i++) {
		git_commit *c;
		git_diff *diff;
		int ret;

		if ((long)i == bc->corevisor)
			continue;
		if (git_commit_lookup(&c, repo, &bc->ids[i]) < 0) {
			git_fail("reading a branch commit");
			goto fail;
		}
		b[count].id = bc->ids[i];
		b[count].subject = xstrdup(git_commit_summary(c) ?
					   git_commit_summary(c) : "");
		ret = commit_diff(&diff, repo, c);
		git_commit_free(c);
		count++;
		if (ret < 0)
			goto fail;
		ret = commit_patchid(&b[count - 1].patchid, repo, diff);
		git_diff_free(diff);
		if (ret < 0)
			goto fail;
	}
	*out = b;
	*n = count;
	return 0;
fail:
	for (size_t i = 0; i < count; i++)
		free(b[i].subject);
	free(b);
	return -1;
}

static struct bcommit *find_subject(struct bcommit *b, size_t n,
				    const char *subject)
{
	for (size_t i = 0; i < n; i++)
		if (!b[i].matched && !strcmp(b[i].subject, subject))
			return &b[i];
	return NULL;
}

static struct bcommit *find_patchid(struct bcommit *b, size_t n,
				    const git_oid *id)
{
	for (size_t i = 0; i < n; i++)
		if (!b[i].matched && git_oid_equal(&b[i].patchid, id))
			return &b[i];
	return NULL;
}

struct drift {
	size_t applied, changed, missing, added, unreadable;
};

/* Match one series patch to the branch commits and print its state. */
static void match_patch(const struct port *p, const char *name,
			struct bcommit *b, size_t n, struct drift *d)
{
	struct mail_patch m;
	git_diff *diff = NULL;
	git_oid pid;
	struct bcommit *hit;

	/* libgit2 parsing it is what says the diff is well formed */
	if (load_port_patch(p, name, &m) < 0 ||
	    diff_from_patch_text(&diff, m.diff, m.diff_len) < 0 ||
	    patch_id_of_text(&pid, m.diff, m.diff_len) < 0) {
		printf("  unreadable %s\n", name);
		d->unreadable++;
		git_diff_free(diff);
		mail_patch_free(&m);
		return;
	}
	hit = find_patchid(b, n, &pid);
	if (hit && !strcmp(hit->subject, m.subject)) {
		printf("  applied  %s\n", name);
		d->applied++;
	} else if ((hit = find_subject(b, n, m.subject))) {
		printf("  changed  %s (same subject, different diff)\n", name);
		d->changed++;
	} else if ((hit = find_patchid(b, n, &pid))) {
		printf("  changed  %s (same diff, different subject)\n", name);
		d->changed++;
	} else {
		printf("  missing  %s\n", name);
		d->missing++;
	}
	if (hit)
		hit->matched = true;
	git_diff_free(diff);
	mail_patch_free(&m);
}

/* Is the installed corevisor the one this project would install now? */
static int corevisor_state(git_repository *repo,
			   const struct porttool_ctx *ctx,
			   const struct port *p, const git_oid *commit_id,
			   bool *outdated)
{
	git_commit *c = NULL, *head = NULL;
	git_tree *head_tree = NULL;
	git_tree_entry *installed = NULL;
	git_oid recorded, current;
	char hex[GIT_OID_HEXSZ + 1];
	int ret = -1;

	*outdated = false;
	if (git_commit_lookup(&c, repo, commit_id) < 0)
		return git_fail("reading the corevisor commit");
	git_oid_tostr(hex, sizeof(hex), commit_id);
	if (corevisor_trailer(&recorded, git_commit_message(c)) < 0) {
		printf("corevisor: commit %.12s has no Corevisor-Tree trailer\n",
		       hex);
		*outdated = true;
		ret = 0;
		goto out;
	}
	if (corevisor_tree(&current, repo, ctx->project_dir) < 0)
		goto out;
	if (!git_oid_equal(&recorded, &current)) {
		printf("corevisor: out of date (commit %.12s installed an older "
		       "corevisor/; apply or rebase again)\n", hex);
		*outdated = true;
	} else {
		printf("corevisor: current (commit %.12s)\n", hex);
	}
	if (p->corevisor_path &&
	    git_revparse_single((git_object **)&head, repo, "HEAD^{commit}") == 0 &&
	    git_commit_tree(&head_tree, head) == 0 &&
	    (git_tree_entry_bypath(&installed, head_tree, p->corevisor_path) < 0 ||
	     !git_oid_equal(git_tree_entry_id(installed), &recorded))) {
		printf("corevisor: %s was changed on the branch after the "
		       "install commit\n", p->corevisor_path);
		*outdated = true;
	}
	ret = 0;
out:
	git_tree_entry_free(installed);
	git_tree_free(head_tree);
	git_commit_free(head);
	git_commit_free(c);
	return ret;
}

static void print_drift(const struct port *p, const struct drift *d,
			bool cv_missing, bool cv_outdated)
{
	if (!d->changed && !d->missing && !d->added && !d->unreadable &&
	    !cv_missing && !cv_outdated) {
		printf("in sync with %s\n", p->dir);
		return;
	}
	printf("drifted from %s: %zu added, %zu changed, %zu missing%s%s\n",
	       p->dir, d->added, d->changed, d->missing,
	       cv_missing ? ", corevisor commit missing" : "",
	       cv_outdated ? ", corevisor out of date" : "");
}

/*
 * The hunks the apply that built this branch placed at an offset or with
 * fuzz: recorded under the tip it built, the newest such commit counts.
 */
static void print_placed_hunks(git_repository *repo,
			       const struct branch_commits *bc)
{
	for (size_t i = bc->n; i-- > 0;) {
		struct strlist hunks;
		char hex[GIT_OID_HEXSZ + 1];

		if (!placed_hunks_load(repo, &bc->ids[i], &hunks))
			continue;
		printf("hunks applied elsewhere than their patch says (by the "
		       "apply that made %.12s):\n",
		       git_oid_tostr(hex, sizeof(hex), &bc->ids[i]));
		for (size_t k = 0; k < hunks.n; k++)
			printf("  %s\n", hunks.items[k]);
		strlist_free(&hunks);
		return;
	}
}

static int report_port(git_repository *repo, const struct porttool_ctx *ctx,
		       const struct port *p, const git_oid *base,
		       const git_oid *head)
{
	struct branch_commits bc;
	struct bcommit *b = NULL;
	struct drift d = { 0 };
	bool outdated = false;
	size_t n = 0;
	int ret = -1;

	if (list_branch_commits(repo, base, head, &bc) < 0)
		return -1;
	if (load_bcommits(repo, &bc, &b, &n) < 0)
		goto out;
	printf("port: %s on %s (%zu commit(s) on top)\n", p->dir,
	       p->base_tag ? p->base_tag : p->base_commit, bc.n);
	if (bc.corevisor >= 0 &&
	    corevisor_state(repo, ctx, p, &bc.ids[bc.corevisor], &outdated) < 0)
		goto out;
	if (bc.corevisor < 0)
		printf("corevisor: not installed on this branch\n");
	printf("patches (%s/series):\n", p->dir);
	for (size_t i = 0; i < p->nseries; i++)
		if (p->series[i].patch)
			match_patch(p, p->series[i].patch, b, n, &d);
	for (size_t i = 0; i < n; i++) {
		char hex[GIT_OID_HEXSZ + 1];

		if (b[i].matched)
			continue;
		printf("  added    %.12s %s (not in the series)\n",
		       git_oid_tostr(hex, sizeof(hex), &b[i].id), b[i].subject);
		d.added++;
	}
	print_drift(p, &d, bc.corevisor < 0 && p->corevisor_path, outdated);
	print_placed_hunks(repo, &bc);
	ret = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(b[i].subject);
	free(b);
	branch_commits_free(&bc);
	return ret;
}

/* Quietly resolve a port's base in repo (no error: most ports are absent). */
static bool quiet_base(git_repository *repo, const struct port *p,
		       git_oid *out)
{
	git_object *obj;
	char *spec;
	bool ok;

	if (p->base_commit)
		spec = xasprintf("%s^{commit}", p->base_commit);
	else if (p->base_tag)
		spec = xasprintf("refs/tags/%s^{commit}", p->base_tag);
	else
		return false;
	ok = git_revparse_single(&obj, repo, spec) == 0;
	free(spec);
	if (ok) {
		git_oid_cpy(out, git_object_id(obj));
		git_object_free(obj);
	}
	return ok;
}

/*
 * The port whose base is the nearest first-parent ancestor of head.
 * Returns the loaded port (caller frees) or NULL.
 */
static struct port *find_port(git_repository *repo,
			      const struct porttool_ctx *ctx,
			      const git_oid *head, git_oid *base)
{
	struct strlist versions = { 0 };
	struct port **ports;
	git_oid *bases, cur;
	struct port *found = NULL;

	if (ports_list(ctx->ports_dir, &versions) < 0)
		return NULL;
	ports = xcalloc(versions.n, sizeof(*ports));
	bases = xcalloc(versions.n, sizeof(*bases));
	for (size_t i = 0; i < versions.n; i++) {
		char *dir = xasprintf("%s/v%s", ctx->ports_dir, versions.items[i]);

		ports[i] = port_load_dir(dir);
		free(dir);
		if (ports[i] && !quiet_base(repo, ports[i], &bases[i])) {
			port_free(ports[i]);
			ports[i] = NULL;
		}
	}
	git_oid_cpy(&cur, head);
	for (int depth = 0; depth < 100000 && !found; depth++) {
		git_commit *c;

		for (size_t i = 0; i < versions.n && !found; i++)
			if (ports[i] && git_oid_equal(&bases[i], &cur)) {
				found = ports[i];
				ports[i] = NULL;
				git_oid_cpy(base, &cur);
			}
		if (found || git_commit_lookup(&c, repo, &cur) < 0)
			break;
		if (git_commit_parentcount(c) == 0) {
			git_commit_free(c);
			break;
		}
		git_oid_cpy(&cur, git_commit_parent_id(c, 0));
		git_commit_free(c);
	}
	for (size_t i = 0; i < versions.n; i++)
		port_free(ports[i]);
	free(ports);
	free(bases);
	strlist_free(&versions);
	return found;
}

static void print_worktree(git_repository *repo)
{
	size_t modified, staged;

	if (count_changes(repo, &modified, &staged) < 0)
		return;
	if (!modified && !staged)
		printf("working tree: clean\n");
	else
		printf("working tree: %zu modified, %zu staged\n", modified,
		       staged);
}

static void print_head(git_repository *repo)
{
	git_reference *head;

	if (git_repository_head(&head, repo) < 0) {
		printf("HEAD: unborn or unreadable\n");
		return;
	}
	if (git_reference_is_branch(head))
		printf("branch: %s\n", git_reference_shorthand(head));
	else
		printf("HEAD: detached\n");
	git_reference_free(head);
}

/* A journaled apply switch that did not finish (apply_state.h). */
static void print_interrupted_apply(git_repository *repo)
{
	struct apply_state st;
	const char *slash, *ver;

	if (!apply_in_progress(repo))
		return;
	if (apply_state_load(repo, &st) < 0) {
		printf("apply: interrupted, and its journal cannot be read\n");
		return;
	}
	slash = strrchr(st.port_dir, '/');
	ver = slash ? slash + 1 : st.port_dir;

	if (*ver == 'v')
		ver++;
	printf("apply: interrupted while switching to branch %s (%s); run "
	       "'porttool apply %s' again to finish it or 'porttool apply %s "
	       "--abort' to undo it\n", st.branch, st.port_dir, ver, ver);
	apply_state_free(&st);
}

static int status_of(const struct porttool_ctx *ctx, const char *dir)
{
	git_repository *repo = open_kernel_repo(dir);
	git_object *head = NULL;
	struct port *p;
	git_oid base;
	int ret = EXIT_FAIL;

	if (!repo)
		return EXIT_FAIL;
	printf("tree: %s\n", git_repository_workdir(repo));
	print_head(repo);
	print_interrupted_apply(repo);
	if (rebase_in_progress(repo))
		printf("rebase: stopped on a conflict; resolve and 'porttool "
		       "rebase --continue', or 'porttool rebase --abort'\n");
	if (git_revparse_single(&head, repo, "HEAD^{commit}") < 0) {
		git_fail("reading HEAD");
		goto out;
	}
	p = find_port(repo, ctx, git_object_id(head), &base);
	if (!p) {
		printf("port: none (no port's base is an ancestor of HEAD)\n");
		ret = EXIT_OK;
	} else {
		if (report_port(repo, ctx, p, &base, git_object_id(head)) == 0)
			ret = EXIT_OK;
		port_free(p);
	}
	print_worktree(repo);
out:
	git_object_free(head);
	git_repository_free(repo);
	return ret;
}

/* No --tree: every port's default tree that has been prepared. */
static int status_of_default_trees(const struct porttool_ctx *ctx)
{
	struct strlist versions = { 0 };
	int ret = EXIT_OK, seen = 0;

	if (ports_list(ctx->ports_dir, &versions) < 0)
		return EXIT_FAIL;
	for (size_t i = 0; i < versions.n; i++) {
		struct port *p = port_load(ctx, versions.items[i]);

		if (p && default_tree_cached(p)) {
			char *dir = default_tree_path(p);

			if (seen++)
				printf("\n");
			if (status_of(ctx, dir) != EXIT_OK)
				ret = EXIT_FAIL;
			free(dir);
		}
		port_free(p);
	}
	strlist_free(&versions);
	if (!seen) {
		error("no default tree is prepared; give one with --tree DIR");
		return EXIT_FAIL;
	}
	return ret;
}

int cmd_status(struct porttool_ctx *ctx, int argc, char **argv)
{
	tree_dir = NULL;
	if (parse_options(argc, argv, &status_usage) != 0)
		usage_error(&status_usage, "status takes no arguments");
	if (tree_dir)
		return status_of(ctx, tree_dir);
	return status_of_default_trees(ctx);
}
