// SPDX-License-Identifier: GPL-2.0
/*
 * The journaled switch of 'porttool apply' (see apply_state.h).
 *
 * The journal is one file of key=value lines written atomically (a
 * temporary file renamed over it), so it is either whole or absent.  The
 * order of the steps after it is what makes recovery simple: until HEAD
 * moves, HEAD still names the old commit and the journal says which
 * commit the files are moving to, so finishing is "check out the
 * target's changed paths by force, create the branch, move HEAD" and
 * undoing is the same towards the old commit; every step can be redone.
 */
#include "apply_state.h"
#include "portbranch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *journal_path(git_repository *repo)
{
	return xasprintf("%sporttool-apply", git_repository_path(repo));
}

bool apply_in_progress(git_repository *repo)
{
	char *path = journal_path(repo);
	bool r = is_file(path);

	free(path);
	return r;
}

void apply_state_free(struct apply_state *st)
{
	free(st->port_dir);
	free(st->branch);
	free(st->orig_ref);
	memset(st, 0, sizeof(*st));
}

static int save(git_repository *repo, const struct apply_state *st)
{
	char *path = journal_path(repo);
	char hex[GIT_OID_HEXSZ + 1], ohex[GIT_OID_HEXSZ + 1];
	char *text = xasprintf("port=%s\nbranch=%s\ntarget=%s\norig=%s\n%s%s%s",
			       st->port_dir, st->branch,
			       git_oid_tostr(hex, sizeof(hex), &st->target),
			       git_oid_tostr(ohex, sizeof(ohex), &st->orig),
			       st->orig_ref ? "orig_ref=" : "",
			       st->orig_ref ? st->orig_ref : "",
			       st->orig_ref ? "\n" : "");
	int ret = write_file(path, text, strlen(text));

	if (ret < 0)
		error("cannot write '%s': %s", path, strerror(errno));
	free(text);
	free(path);
	return ret;
}

static int take(struct apply_state *st, const char *key, const char *val)
{
	if (!strcmp(key, "port"))
		st->port_dir = xstrdup(val);
	else if (!strcmp(key, "branch"))
		st->branch = xstrdup(val);
	else if (!strcmp(key, "orig_ref"))
		st->orig_ref = xstrdup(val);
	else if (!strcmp(key, "target"))
		return git_oid_fromstr(&st->target, val);
	else if (!strcmp(key, "orig"))
		return git_oid_fromstr(&st->orig, val);
	return 0;
}

int apply_state_load(git_repository *repo, struct apply_state *st)
{
	char *path = journal_path(repo);
	char *buf = read_file(path, NULL), *line, *save_ptr = NULL;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	if (!buf) {
		error("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	for (line = strtok_r(buf, "\n", &save_ptr); line;
	     line = strtok_r(NULL, "\n", &save_ptr)) {
		char *eq = strchr(line, '=');

		if (!eq || (*eq = '\0', take(st, line, eq + 1) < 0))
			break;
	}
	if (!st->port_dir || !st->branch || git_oid_is_zero(&st->target) ||
	    git_oid_is_zero(&st->orig)) {
		error("'%s' is damaged; remove it and check the tree by hand",
		      path);
		apply_state_free(st);
		goto out;
	}
	ret = 0;
out:
	free(buf);
	free(path);
	return ret;
}

static int remove_journal(git_repository *repo)
{
	char *path = journal_path(repo);
	int ret = unlink(path);

	if (ret < 0 && errno != ENOENT)
		error("cannot remove '%s': %s", path, strerror(errno));
	else
		ret = 0;
	free(path);
	crash_point("removing the apply journal");
	return ret;
}

static int read_head(git_repository *repo, struct apply_state *st)
{
	git_reference *head;
	git_object *c;

	if (git_revparse_single(&c, repo, "HEAD^{commit}") < 0)
		return git_fail("reading HEAD");
	git_oid_cpy(&st->orig, git_object_id(c));
	git_object_free(c);
	if (git_reference_lookup(&head, repo, "HEAD") < 0)
		return git_fail("reading HEAD");
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
		st->orig_ref = xstrdup(git_reference_symbolic_target(head));
	git_reference_free(head);
	return 0;
}

static int commit_tree(git_repository *repo, const git_oid *id,
		       git_tree **out)
{
	git_commit *c;
	int ret;

	if (git_commit_lookup(&c, repo, id) < 0)
		return git_fail("reading a commit");
	ret = git_commit_tree(out, c);
	git_commit_free(c);
	return ret < 0 ? git_fail("reading a commit's tree") : 0;
}

/* Check out to's changed paths over from's, with the given strategy. */
static int move_files(git_repository *repo, const git_oid *from,
		      const git_oid *to, unsigned int strategy)
{
	git_tree *a = NULL, *b = NULL;
	int ret = -1;

	if (commit_tree(repo, from, &a) == 0 && commit_tree(repo, to, &b) == 0)
		ret = checkout_between(repo, a, b, strategy);
	git_tree_free(a);
	git_tree_free(b);
	return ret;
}

static char *refname_of(const char *branch)
{
	return xasprintf("refs/heads/%s", branch);
}

/* Create the branch at target, or accept it if a rerun finds it there. */
static int make_branch(git_repository *repo, const struct apply_state *st)
{
	char *refname = refname_of(st->branch);
	git_reference *ref = NULL;
	int ret = 0;

	if (git_reference_lookup(&ref, repo, refname) == 0) {
		if (!git_oid_equal(git_reference_target(ref), &st->target)) {
			error("branch '%s' exists and is not the commit the "
			      "interrupted apply made; run 'porttool apply "
			      "--abort' or move the branch away", st->branch);
			ret = -1;
		}
	} else if (git_reference_create(&ref, repo, refname, &st->target, 0,
					"porttool apply") < 0) {
		ret = git_fail("creating the branch");
	}
	git_reference_free(ref);
	free(refname);
	if (!ret)
		crash_point("creating the branch");
	return ret;
}

static int set_head(git_repository *repo, const char *ref, const git_oid *id)
{
	int ret = ref ? git_repository_set_head(repo, ref) :
			git_repository_set_head_detached(repo, id);

	if (ret < 0)
		return git_fail("moving HEAD");
	crash_point("moving HEAD");
	return 0;
}

static bool head_is(git_repository *repo, const char *refname)
{
	git_reference *head;
	bool r = false;

	if (git_reference_lookup(&head, repo, "HEAD") == 0) {
		r = git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
		    !strcmp(git_reference_symbolic_target(head), refname);
		git_reference_free(head);
	}
	return r;
}

/* The steps after the checkout, shared by a first run and a rerun. */
static int finish_refs(git_repository *repo, const struct apply_state *st)
{
	char *refname = refname_of(st->branch);
	int ret = make_branch(repo, st);

	if (!ret && !head_is(repo, refname))
		ret = set_head(repo, refname, NULL);
	if (!ret)
		ret = remove_journal(repo);
	free(refname);
	return ret;
}

int apply_switch(git_repository *repo, const char *port_dir,
		 const char *branch, const git_oid *target)
{
	struct apply_state st = { 0 };
	int ret = -1;

	st.port_dir = xstrdup(port_dir);
	st.branch = xstrdup(branch);
	git_oid_cpy(&st.target, target);
	if (read_head(repo, &st) < 0 || save(repo, &st) < 0)
		goto out;
	crash_point("writing the apply journal");
	/*
	 * SAFE checks every path before it writes any, so a refusal leaves
	 * the working tree as it was.  The kernel tarball's .gitignore
	 * ignores everything, so ignored files must be protected too.
	 */
	if (move_files(repo, &st.orig, target, GIT_CHECKOUT_SAFE |
		       GIT_CHECKOUT_DONT_OVERWRITE_IGNORED) < 0) {
		remove_journal(repo);
		goto out;
	}
	ret = finish_refs(repo, &st);
out:
	apply_state_free(&st);
	return ret;
}

int apply_finish(git_repository *repo)
{
	struct apply_state st;
	char *refname;
	int ret = -1;

	if (apply_state_load(repo, &st) < 0)
		return -1;
	refname = refname_of(st.branch);
	info("finishing the interrupted apply of %s: branch %s", st.port_dir,
	     st.branch);
	/* Once HEAD names the branch, the files were all written. */
	if (head_is(repo, refname) ||
	    move_files(repo, &st.orig, &st.target, GIT_CHECKOUT_FORCE) == 0)
		ret = finish_refs(repo, &st);
	free(refname);
	apply_state_free(&st);
	return ret;
}

/* Delete the branch if it is the one the apply made. */
static int drop_branch(git_repository *repo, const struct apply_state *st)
{
	char *refname = refname_of(st->branch);
	git_reference *ref;
	int ret = 0;

	if (git_reference_lookup(&ref, repo, refname) == 0) {
		if (git_oid_equal(git_reference_target(ref), &st->target) &&
		    git_reference_delete(ref) < 0)
			ret = git_fail("deleting the branch");
		git_reference_free(ref);
	}
	free(refname);
	if (!ret)
		crash_point("deleting the branch");
	return ret;
}

int apply_abort(git_repository *repo)
{
	struct apply_state st;
	char hex[GIT_OID_HEXSZ + 1];
	int ret = -1;

	if (apply_state_load(repo, &st) < 0)
		return -1;
	if (move_files(repo, &st.target, &st.orig, GIT_CHECKOUT_FORCE) < 0 ||
	    set_head(repo, st.orig_ref, &st.orig) < 0 ||
	    drop_branch(repo, &st) < 0 || remove_journal(repo) < 0)
		goto out;
	printf("Aborted the apply of %s: HEAD is %s again\n", st.port_dir,
	       st.orig_ref ? st.orig_ref :
	       git_oid_tostr(hex, sizeof(hex), &st.orig));
	ret = 0;
out:
	apply_state_free(&st);
	return ret;
}

static char *hunks_path(git_repository *repo, const git_oid *commit)
{
	char hex[GIT_OID_HEXSZ + 1];

	return xasprintf("%sporttool-hunks/%s", git_repository_path(repo),
			 git_oid_tostr(hex, sizeof(hex), commit));
}

int placed_hunks_save(git_repository *repo, const git_oid *commit,
		      const struct strlist *hunks)
{
	char *path = hunks_path(repo, commit), *dir = xstrdup(path);
	char *text = xstrdup("");
	int ret = -1;

	*strrchr(dir, '/') = '\0';
	for (size_t i = 0; i < hunks->n; i++) {
		char *t = xasprintf("%s%s\n", text, hunks->items[i]);

		free(text);
		text = t;
	}
	if (mkdir_p(dir) < 0 || write_file(path, text, strlen(text)) < 0)
		error("cannot write '%s': %s", path, strerror(errno));
	else
		ret = 0;
	free(text);
	free(dir);
	free(path);
	return ret;
}

int placed_hunks_load(git_repository *repo, const git_oid *commit,
		      struct strlist *out)
{
	char *path = hunks_path(repo, commit);
	char *buf = read_file(path, NULL), *line, *save_ptr = NULL;

	free(path);
	memset(out, 0, sizeof(*out));
	if (!buf)
		return 0;
	for (line = strtok_r(buf, "\n", &save_ptr); line;
	     line = strtok_r(NULL, "\n", &save_ptr))
		strlist_push(out, line);
	free(buf);
	return 1;
}
