// SPDX-License-Identifier: GPL-2.0
/*
 * The work tree of a big kernel repository, touched as little as possible.
 *
 * libgit2's status and checkout walk the whole work tree, listing every
 * directory (70,000 files and 4,500 directories in a kernel).  porttool
 * only needs two things, done here in a cheaper way:
 *  - is any tracked file modified or staged?  One lstat per index entry,
 *    hashing only files whose stat data disagree with the index (or that
 *    changed in the same second the index was written), and a tree-to-
 *    index diff for staged changes.  Untracked files do not count.
 *  - move the work tree from one commit to another: a safe checkout
 *    limited to the paths the two trees differ in.
 */
#include "portbranch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Is the blob in the object store?  Public snapshots may lack a few. */
static bool blob_available(git_repository *repo, const git_oid *id)
{
	git_odb *odb;
	bool have;

	if (git_repository_odb(&odb, repo) < 0)
		return true;	/* let the later read report the error */
	have = git_odb_exists(odb, id);
	git_odb_free(odb);
	return have;
}

static bool stat_matches(const git_index_entry *e, const struct stat *st,
			 int64_t index_mtime)
{
	if ((uint32_t)st->st_size != e->file_size ||
	    st->st_mtim.tv_sec != e->mtime.seconds ||
	    (uint32_t)st->st_mtim.tv_nsec != e->mtime.nanoseconds)
		return false;
	/* Racy: written in the same second as the index, contents unknown. */
	return st->st_mtim.tv_sec < index_mtime;
}

static bool mode_matches(const git_index_entry *e, const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		return e->mode == GIT_FILEMODE_LINK;
	if (!S_ISREG(st->st_mode))
		return false;
	return e->mode == ((st->st_mode & S_IXUSR) ?
			   GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB);
}

/* Does the file at path hold what the index entry says? */
static int entry_modified(git_repository *repo, const git_index_entry *e,
			  int64_t index_mtime, bool *modified)
{
	char *path = xasprintf("%s%s", git_repository_workdir(repo), e->path);
	struct stat st;
	git_oid id;
	int ret = 0;

	*modified = false;
	if (e->mode == GIT_FILEMODE_COMMIT)
		goto out;	/* submodules are not ours to judge */
	/* Outside a sparse checkout, or a blob the repository lacks. */
	if (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE)
		goto out;
	if (lstat(path, &st) < 0) {
		/*
		 * Deleted, unless the repository never had its contents: a
		 * snapshot missing a blob leaves that file out of the work
		 * tree (checkout_changed), which is not a change.
		 */
		*modified = blob_available(repo, &e->id);
		goto out;
	}
	if (!mode_matches(e, &st)) {
		*modified = true;
		goto out;
	}
	if (stat_matches(e, &st, index_mtime))
		goto out;
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(path, target, sizeof(target));

		if (n < 0 || git_odb_hash(&id, target, (size_t)n,
					  GIT_OBJECT_BLOB) < 0) {
			ret = git_fail(e->path);
			goto out;
		}
	} else if (git_repository_hashfile(&id, repo, path, GIT_OBJECT_BLOB,
					   NULL) < 0) {
		ret = git_fail(e->path);
		goto out;
	}
	*modified = !git_oid_equal(&id, &e->id);
out:
	free(path);
	return ret;
}

static int count_modified(git_repository *repo, git_index *index,
			  size_t *modified)
{
	char *index_path = xasprintf("%sindex", git_repository_path(repo));
	struct stat ist;
	int64_t index_mtime = stat(index_path, &ist) == 0 ? ist.st_mtim.tv_sec :
			      INT64_MAX;

	free(index_path);
	*modified = 0;
	for (size_t i = 0; i < git_index_entrycount(index); i++) {
		const git_index_entry *e = git_index_get_byindex(index, i);
		bool m;

		if (git_index_entry_is_conflict(e)) {
			/* One count per conflicted path: stage 1, 2 or 3. */
			if (i == 0 || strcmp(git_index_get_byindex(index, i - 1)->path,
					     e->path))
				(*modified)++;
			continue;
		}
		if (entry_modified(repo, e, index_mtime, &m) < 0)
			return -1;
		if (m)
			(*modified)++;
	}
	return 0;
}

static int count_staged(git_repository *repo, git_index *index, size_t *staged)
{
	git_object *head = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	int ret = -1;

	*staged = 0;
	if (git_revparse_single(&head, repo, "HEAD^{tree}") == 0)
		tree = (git_tree *)head;
	if (git_diff_tree_to_index(&diff, repo, tree, index, NULL) < 0) {
		git_fail("comparing the index with HEAD");
		goto out;
	}
	*staged = git_diff_num_deltas(diff);
	ret = 0;
out:
	git_diff_free(diff);
	git_object_free(head);
	return ret;
}

int count_changes(git_repository *repo, size_t *modified, size_t *staged)
{
	git_index *index;
	int ret;

	if (git_repository_index(&index, repo) < 0 ||
	    git_index_read(index, 0) < 0)
		return git_fail("reading the index");
	ret = count_modified(repo, index, modified);
	if (!ret)
		ret = count_staged(repo, index, staged);
	git_index_free(index);
	return ret;
}

/* The paths in which two trees differ (both sides of a rename). */
static int changed_paths(git_repository *repo, git_tree *from, git_tree *to,
			 git_strarray *out)
{
	git_diff *diff;
	size_t n, k = 0;

	if (git_diff_tree_to_tree(&diff, repo, from, to, NULL) < 0)
		return git_fail("comparing trees");
	n = git_diff_num_deltas(diff);
	out->strings = xcalloc(2 * n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		out->strings[k++] = xstrdup(d->old_file.path);
		if (strcmp(d->old_file.path, d->new_file.path))
			out->strings[k++] = xstrdup(d->new_file.path);
	}
	out->count = k;
	git_diff_free(diff);
	return 0;
}

static void free_paths(git_strarray *a)
{
	for (size_t i = 0; i < a->count; i++)
		free(a->strings[i]);
	free(a->strings);
}

/* Each file checkout writes is a point a crash may hit (crash_point). */
static void on_checkout_progress(const char *path, size_t done, size_t total,
				 void *payload)
{
	if (path)
		crash_point("checking out a file");
}

/* Collect the paths a safe checkout refuses to overwrite. */
static int on_conflict(git_checkout_notify_t why, const char *path,
		       const git_diff_file *baseline,
		       const git_diff_file *target,
		       const git_diff_file *workdir, void *payload)
{
	strlist_push(payload, path);
	return 0;
}

/* "checking out: 1 conflict prevents checkout" does not say which. */
static void report_conflicts(const char *dir, const struct strlist *c)
{
	size_t show = c->n > 10 ? 10 : c->n;

	for (size_t i = 0; i < show; i++)
		error("%s%s is in the way (untracked, ignored or modified); "
		      "move it away or commit it", dir, c->items[i]);
	if (c->n > show)
		error("... and %zu more file(s) in the way", c->n - show);
}

/*
 * Split paths into those to check out and those whose blobs the target
 * lacks, which checkout must never read.  Both borrow paths' strings.
 */
static void split_missing(git_repository *repo, git_tree *to,
			  const git_strarray *paths, git_strarray *present,
			  git_strarray *missing)
{
	present->strings = xcalloc(paths->count + 1, sizeof(char *));
	missing->strings = xcalloc(paths->count + 1, sizeof(char *));
	present->count = missing->count = 0;
	for (size_t i = 0; i < paths->count; i++) {
		git_tree_entry *e = NULL;
		bool gone = false;

		if (git_tree_entry_bypath(&e, to, paths->strings[i]) == 0 &&
		    git_tree_entry_type(e) == GIT_OBJECT_BLOB)
			gone = !blob_available(repo, git_tree_entry_id(e));
		git_tree_entry_free(e);
		if (gone)
			missing->strings[missing->count++] = paths->strings[i];
		else
			present->strings[present->count++] = paths->strings[i];
	}
}

/* Does HEAD have a path among these whose blob is missing? */
static bool left_out_before(git_repository *repo, git_tree *head,
			    const git_strarray *paths)
{
	bool found = false;

	for (size_t i = 0; i < paths->count && !found; i++) {
		git_tree_entry *e = NULL;

		if (git_tree_entry_bypath(&e, head, paths->strings[i]) == 0 &&
		    git_tree_entry_type(e) == GIT_OBJECT_BLOB)
			found = !blob_available(repo, git_tree_entry_id(e));
		git_tree_entry_free(e);
	}
	return found;
}

static void report_missing(git_tree *to, const git_strarray *missing)
{
	char hex[GIT_OID_HEXSZ + 1];

	warning("tree %s names %zu file(s) whose contents this repository "
		"does not have (an incomplete snapshot?); they are left out of "
		"the work tree:",
		git_oid_tostr(hex, sizeof(hex), git_tree_id(to)),
		missing->count);
	for (size_t i = 0; i < missing->count; i++)
		fprintf(stderr, "  missing: %s\n", missing->strings[i]);
	fprintf(stderr, "Fetch them into this repository (e.g. from a full "
		"clone or the release tarball) to have them.\n");
}

/*
 * The index takes the target's entries for the missing paths, marked
 * skip-worktree, so that it matches the new HEAD; their old files go, as
 * a checkout would replace them.  Strict object creation would refuse an entry without its blob.
 */
static int index_missing(git_repository *repo, const char *dir, git_tree *to,
			 const git_strarray *missing)
{
	git_index *index = NULL;
	int ret = -1;

	if (git_repository_index(&index, repo) < 0 ||
	    git_index_read(index, 0) < 0) {
		git_fail("reading the index");
		goto out;
	}
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	for (size_t i = 0; i < missing->count; i++) {
		const char *path = missing->strings[i];
		char *file = xasprintf("%s%s", dir, path);
		git_tree_entry *te = NULL;
		git_index_entry ie = { 0 };
		int r;

		r = git_tree_entry_bypath(&te, to, path);
		if (!r) {
			ie.path = path;
			ie.mode = git_tree_entry_filemode(te);
			ie.id = *git_tree_entry_id(te);
			/* git status and git diff then leave it alone too. */
			ie.flags_extended = GIT_INDEX_ENTRY_SKIP_WORKTREE;
			r = git_index_add(index, &ie);
		}
		git_tree_entry_free(te);
		if (unlink(file) < 0 && errno != ENOENT) {
			error("cannot remove %s: %s", file, strerror(errno));
			r = -1;
		}
		free(file);
		if (r < 0) {
			git_fail(path);
			goto restore;
		}
	}
	if (git_index_write(index) < 0)
		git_fail("writing the index");
	else
		ret = 0;
restore:
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 1);
out:
	git_index_free(index);
	return ret;
}

/*
 * A checkout needs a baseline (what the target directory holds now); with
 * no from tree it is an empty index, never HEAD, which belongs to the
 * user's work tree and not to a private directory.
 */
static int set_baseline(git_checkout_options *co, git_tree *from,
			git_index **empty)
{
	*empty = NULL;
	if (from) {
		co->baseline = from;
		return 0;
	}
	if (git_index_new(empty) < 0)
		return git_fail("making an empty baseline index");
	co->baseline_index = *empty;
	return 0;
}

int checkout_between_in(git_repository *repo, git_tree *from, git_tree *to,
			unsigned int strategy, const char *target_dir)
{
	git_checkout_options co;
	git_strarray paths = { 0 }, present = { 0 }, missing = { 0 };
	struct strlist conflicts = { 0 };
	git_index *empty = NULL;
	char *dir = target_dir ? xasprintf("%s/", target_dir) :
		    xstrdup(git_repository_workdir(repo));
	int ret;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);

	if (changed_paths(repo, from, to, &paths) < 0) {
		free(dir);
		return -1;
	}
	split_missing(repo, to, &paths, &present, &missing);
	if (missing.count)
		report_missing(to, &missing);
	ret = 0;
	if (present.count) {
		co.checkout_strategy = strategy |
				       GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
		/*
		 * A file left out before (its blob missing) is absent from
		 * the work tree; SAFE would call that a conflict.  Callers
		 * checked that no tracked file is deleted, so recreating
		 * missing ones loses nothing.
		 */
		if (from && left_out_before(repo, from, &present))
			co.checkout_strategy |= GIT_CHECKOUT_RECREATE_MISSING;
		co.paths = present;
		co.target_directory = target_dir;
		co.progress_cb = on_checkout_progress;
		co.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
		co.notify_cb = on_conflict;
		co.notify_payload = &conflicts;
		if (set_baseline(&co, from, &empty) < 0) {
			ret = -1;
		} else if (git_checkout_tree(repo, (git_object *)to, &co) < 0) {
			ret = git_fail("checking out");
			report_conflicts(dir, &conflicts);
		}
	}
	if (!ret && missing.count)
		ret = index_missing(repo, dir, to, &missing);
	git_index_free(empty);
	strlist_free(&conflicts);
	free(present.strings);
	free(missing.strings);
	free_paths(&paths);
	free(dir);
	return ret;
}

int checkout_between(git_repository *repo, git_tree *from, git_tree *to,
		     unsigned int strategy)
{
	return checkout_between_in(repo, from, to, strategy, NULL);
}

int checkout_changed(git_repository *repo, git_commit *target,
		     unsigned int strategy)
{
	git_object *head = NULL;
	git_tree *to = NULL;
	int ret = -1;

	if (git_revparse_single(&head, repo, "HEAD^{tree}") < 0 ||
	    git_commit_tree(&to, target) < 0) {
		git_fail("reading the trees to check out");
		goto out;
	}
	ret = checkout_between(repo, (git_tree *)head, to, strategy);
out:
	git_tree_free(to);
	git_object_free(head);
	return ret;
}

int write_tree_allow_missing(git_oid *out, git_index *index)
{
	int ret;

	/* Strict creation checks every entry's object exists: not ours. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	ret = git_index_write_tree(out, index);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 1);
	return ret;
}
