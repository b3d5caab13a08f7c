// SPDX-License-Identifier: GPL-2.0
/*
 * The stock-KVM baseline (build --kvm) is built from the port's base tag,
 * not from whatever the user has checked out.  The base is written out of
 * the repository's object store into a directory of its own under the
 * cache: the user's work tree, index, HEAD and .git/worktrees are never
 * touched, so a build can run while the user works in their tree.
 *
 * A stamp file in the checkout records the commit it holds; a second build
 * of the same base reuses it, which keeps kbuild's incremental build (and
 * file timestamps) intact.
 */
#include "tempdir.h"
#include "basesrc.h"
#include "kbuild.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAMP_NAME ".porttool-base"

struct writer {
	git_repository *repo;
	const char *dest;
	unsigned long files;
	int failed;
	struct strlist missing;	/* blobs the repository lacks */
};

static int write_blob(struct writer *w, const char *path,
		      const git_tree_entry *entry)
{
	git_blob *blob = NULL;
	git_filemode_t mode = git_tree_entry_filemode(entry);
	const void *data;
	size_t len;
	int ret = -1;

	if (git_blob_lookup(&blob, w->repo, git_tree_entry_id(entry))) {
		git_odb *odb = NULL;
		bool gone = git_repository_odb(&odb, w->repo) == 0 &&
			    !git_odb_exists(odb, git_tree_entry_id(entry));

		git_odb_free(odb);
		/* An incomplete snapshot: name the file, build without it. */
		if (gone) {
			strlist_push(&w->missing, path + strlen(w->dest) + 1);
			return 0;
		}
		return git_fail(path);
	}
	data = git_blob_rawcontent(blob);
	len = (size_t)git_blob_rawsize(blob);
	if (mode == GIT_FILEMODE_LINK) {
		char *target = strndup(data, len);

		ret = symlink(target, path);
		free(target);
	} else {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC,
			      mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0777 : 0666);

		if (fd >= 0) {
			ret = write(fd, data, len) == (ssize_t)len ? 0 : -1;
			if (close(fd))
				ret = -1;
		}
	}
	if (ret)
		error("cannot write %s: %s", path, strerror(errno));
	git_blob_free(blob);
	return ret;
}

static int write_entry(const char *root, const git_tree_entry *entry,
		       void *payload)
{
	struct writer *w = payload;
	char *path = xasprintf("%s/%s%s", w->dest, root,
			       git_tree_entry_name(entry));
	int ret = 0;

	switch (git_tree_entry_type(entry)) {
	case GIT_OBJECT_TREE:
		if (mkdir(path, 0777) && errno != EEXIST) {
			error("cannot create %s: %s", path, strerror(errno));
			ret = -1;
		}
		break;
	case GIT_OBJECT_BLOB:
		ret = write_blob(w, path, entry);
		w->files++;
		break;
	default:	/* submodules: the kernel has none */
		break;
	}
	free(path);
	if (ret)
		w->failed = 1;
	return ret ? -1 : 0;
}


static int resolve_tag(git_repository *repo, const char *tag,
		       git_commit **commit)
{
	git_object *obj = NULL;
	char *spec = xasprintf("refs/tags/%s", tag);
	int ret = 0;

	if (git_revparse_single(&obj, repo, spec) ||
	    git_object_peel((git_object **)commit, obj, GIT_OBJECT_COMMIT)) {
		error("tag '%s' (the port's base.tag) not found in %s", tag,
		      git_repository_path(repo));
		ret = -1;
	}
	git_object_free(obj);
	free(spec);
	return ret;
}

static bool stamp_matches(const char *dest, const char *id)
{
	char *stamp = xasprintf("%s/" STAMP_NAME, dest);
	char *have = read_file(stamp, NULL);
	bool same = have && !strncmp(have, id, strlen(id));

	free(stamp);
	free(have);
	return same;
}

static int write_tree_to(git_repository *repo, git_commit *commit,
			 const char *dir, const char *id)
{
	git_tree *tree = NULL;
	struct writer w = { .repo = repo, .dest = dir };
	char *stamp = xasprintf("%s/" STAMP_NAME, dir);
	char *line = xasprintf("%s\n", id);
	int ret = -1;

	if (git_commit_tree(&tree, commit)) {
		git_fail("reading the base commit's tree");
		goto out;
	}
	if (mkdir_p(dir)) {
		error("cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, write_entry, &w) || w.failed) {
		if (!w.failed)
			git_fail("writing the base tree");
		goto out;
	}
	if (write_file(stamp, line, strlen(line))) {
		error("cannot write %s: %s", stamp, strerror(errno));
		goto out;
	}
	info("wrote %lu files of %.12s to %s", w.files - w.missing.n, id, dir);
	if (w.missing.n) {
		warning("the repository has no contents for %zu file(s) of %.12s; "
			"they are left out:", w.missing.n, id);
		for (size_t i = 0; i < w.missing.n; i++)
			fprintf(stderr, "  missing: %s\n", w.missing.items[i]);
	}
	ret = 0;
out:
	git_tree_free(tree);
	strlist_free(&w.missing);
	free(stamp);
	free(line);
	return ret;
}

int checkout_tag_to(const char *repo_dir, const char *tag, const char *dest)
{
	git_repository *repo = NULL;
	git_commit *commit = NULL;
	char id[GIT_OID_HEXSZ + 1];
	char *tmp = xasprintf("%s.tmp", dest);
	int ret = -1;

	if (git_repository_open_ext(&repo, repo_dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) {
		git_fail(repo_dir);
		goto out;
	}
	if (resolve_tag(repo, tag, &commit))
		goto out;
	git_oid_tostr(id, sizeof(id), git_commit_id(commit));
	if (stamp_matches(dest, id)) {
		info("base %s (%.12s) already checked out in %s", tag, id, dest);
		ret = 0;
		goto out;
	}
	info("checking out %s (%.12s) into %s", tag, id, dest);
	/* Build next to dest and rename: never a half-written base. */
	if (remove_tree(tmp) || write_tree_to(repo, commit, tmp, id) ||
	    remove_tree(dest))
		goto out;
	if (rename(tmp, dest)) {
		error("cannot rename %s to %s: %s", tmp, dest, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	git_commit_free(commit);
	git_repository_free(repo);
	free(tmp);
	return ret;
}
