// SPDX-License-Identifier: GPL-2.0
/*
 * The corevisor install commit.
 *
 * The patches of a port never carry the corevisor: 'apply' puts the
 * project's corevisor/ into the kernel tree as a commit of its own, made
 * from the project's committed files, with a fixed author and date and a
 * "Corevisor-Tree:" trailer holding the id of the installed tree, so that
 * 'status' can tell whether the installed corevisor is current.
 */
#include "porttool.h"
#include "corevisor_install.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Directories of corevisor/ (top level) that stay out of the kernel. */
static const char *const skipped_dirs[] = { "test", "out", "build", NULL };
static const char *const output_suffixes[] = {
	".o", ".a", ".d", ".elf", ".bin", ".img", ".map", ".so", NULL };

static bool is_build_output(const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; output_suffixes[i]; i++) {
		size_t s = strlen(output_suffixes[i]);

		if (n > s && !strcmp(name + n - s, output_suffixes[i]))
			return true;
	}
	return false;
}

/* Host-only test directories, at any depth. */
static bool is_test_dir(const char *name)
{
	return !strcmp(name, "test") || !strcmp(name, "tests");
}

static bool skip_entry(const char *name, bool is_tree, int depth)
{
	if (is_tree) {
		if (is_test_dir(name))
			return true;
		if (depth == 0)
			for (int i = 0; skipped_dirs[i]; i++)
				if (!strcmp(name, skipped_dirs[i]))
					return true;
		return false;
	}
	return is_build_output(name);
}

/* ---- from the project's committed tree ---- */

static int copy_blob(git_oid *out, git_odb *from, git_odb *to,
		     const git_oid *id)
{
	git_odb_object *obj;
	int ret;

	if (git_odb_exists(to, id)) {
		git_oid_cpy(out, id);
		return 0;
	}
	if (git_odb_read(&obj, from, id) < 0)
		return git_fail("reading a corevisor file from the project");
	ret = git_odb_write(out, to, git_odb_object_data(obj),
			    git_odb_object_size(obj), GIT_OBJECT_BLOB);
	git_odb_object_free(obj);
	if (ret < 0)
		return git_fail("writing a corevisor file into the kernel tree");
	return 0;
}

/* Copy src (a tree of the project) into dst's odb, filtered; *empty when
 * nothing was left. */
static int copy_tree(git_oid *out, bool *empty, git_repository *dst,
		     git_odb *from, git_odb *to, git_repository *src_repo,
		     git_tree *src, int depth)
{
	git_treebuilder *tb;
	int ret = -1;

	if (git_treebuilder_new(&tb, dst, NULL) < 0)
		return git_fail("building the corevisor tree");
	for (size_t i = 0; i < git_tree_entrycount(src); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(src, i);
		const char *name = git_tree_entry_name(e);
		git_object_t type = git_tree_entry_type(e);
		git_oid id;

		if (skip_entry(name, type == GIT_OBJECT_TREE, depth))
			continue;
		if (type == GIT_OBJECT_TREE) {
			git_tree *sub;
			bool sub_empty;

			if (git_tree_lookup(&sub, src_repo, git_tree_entry_id(e)) < 0) {
				git_fail("reading the project's corevisor tree");
				goto out;
			}
			ret = copy_tree(&id, &sub_empty, dst, from, to, src_repo,
					sub, depth + 1);
			git_tree_free(sub);
			if (ret < 0)
				goto out;
			ret = -1;
			if (sub_empty)
				continue;
		} else if (type == GIT_OBJECT_BLOB) {
			if (copy_blob(&id, from, to, git_tree_entry_id(e)) < 0)
				goto out;
		} else {
			continue;	/* submodules have no place here */
		}
		if (git_treebuilder_insert(NULL, tb, name, &id,
					   git_tree_entry_filemode(e)) < 0) {
			git_fail("building the corevisor tree");
			goto out;
		}
	}
	*empty = git_treebuilder_entrycount(tb) == 0;
	if (git_treebuilder_write(out, tb) < 0) {
		git_fail("writing the corevisor tree");
		goto out;
	}
	ret = 0;
out:
	git_treebuilder_free(tb);
	return ret;
}

static int tree_from_project_head(git_oid *out, git_repository *kernel,
				  git_repository *project)
{
	git_object *obj = NULL;
	git_odb *from = NULL, *to = NULL;
	bool empty;
	int ret = -1;

	if (git_revparse_single(&obj, project, "HEAD:corevisor") < 0) {
		git_fail("finding corevisor/ in the project's HEAD");
		return -1;
	}
	if (git_object_type(obj) != GIT_OBJECT_TREE) {
		error("corevisor in the project's HEAD is not a directory");
		goto out;
	}
	if (git_repository_odb(&from, project) < 0 ||
	    git_repository_odb(&to, kernel) < 0) {
		git_fail("opening object databases");
		goto out;
	}
	ret = copy_tree(out, &empty, kernel, from, to, project,
			(git_tree *)obj, 0);
	if (!ret && empty) {
		error("the project's corevisor/ has no files to install");
		ret = -1;
	}
out:
	git_odb_free(from);
	git_odb_free(to);
	git_object_free(obj);
	return ret;
}

/* ---- from the working directory (project not a git checkout) ---- */

static int tree_from_dir(git_oid *out, bool *empty, git_repository *kernel,
			 const char *dir, int depth);

static int add_dir_entry(git_treebuilder *tb, git_repository *kernel,
			 const char *dir, const char *name, int depth)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;
	git_filemode_t mode;
	git_oid id;
	int ret = -1;

	if (lstat(path, &st) < 0) {
		error("cannot read '%s'", path);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		bool empty;

		ret = 0;
		if (skip_entry(name, true, depth))
			goto out;
		if (tree_from_dir(&id, &empty, kernel, path, depth + 1) < 0) {
			ret = -1;
			goto out;
		}
		if (empty)
			goto out;
		mode = GIT_FILEMODE_TREE;
	} else if (S_ISREG(st.st_mode)) {
		size_t len;
		char *data;

		ret = 0;
		if (skip_entry(name, false, depth))
			goto out;
		ret = -1;
		data = read_file(path, &len);
		if (!data) {
			error("cannot read '%s'", path);
			goto out;
		}
		if (git_blob_create_from_buffer(&id, kernel, data, len) < 0) {
			free(data);
			git_fail("storing a corevisor file");
			goto out;
		}
		free(data);
		mode = (st.st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE :
						GIT_FILEMODE_BLOB;
	} else {
		ret = 0;	/* sockets, fifos, symlinks: not sources */
		goto out;
	}
	ret = git_treebuilder_insert(NULL, tb, name, &id, mode) < 0 ?
	      git_fail("building the corevisor tree") : 0;
out:
	free(path);
	return ret;
}

static int tree_from_dir(git_oid *out, bool *empty, git_repository *kernel,
			 const char *dir, int depth)
{
	git_treebuilder *tb;
	struct dirent *de;
	DIR *d = opendir(dir);
	int ret = 0;

	if (!d) {
		error("cannot open '%s'", dir);
		return -1;
	}
	if (git_treebuilder_new(&tb, kernel, NULL) < 0) {
		closedir(d);
		return git_fail("building the corevisor tree");
	}
	while (!ret && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ret = add_dir_entry(tb, kernel, dir, de->d_name, depth);
	}
	closedir(d);
	if (!ret) {
		*empty = git_treebuilder_entrycount(tb) == 0;
		if (git_treebuilder_write(out, tb) < 0)
			ret = git_fail("writing the corevisor tree");
	}
	git_treebuilder_free(tb);
	return ret;
}

int corevisor_tree(git_oid *out, git_repository *kernel,
		   const char *project_dir)
{
	git_repository *project = NULL;
	char *dir;
	bool empty;
	int ret;

	if (git_repository_open_ext(&project, project_dir,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0) {
		ret = tree_from_project_head(out, kernel, project);
		git_repository_free(project);
		return ret;
	}
	dir = xasprintf("%s/corevisor", project_dir);
	ret = tree_from_dir(out, &empty, kernel, dir, 0);
	if (!ret && empty) {
		error("'%s' has no files to install", dir);
		ret = -1;
	}
	free(dir);
	return ret;
}

int tree_with_subtree(git_oid *out, git_repository *repo, git_tree *base,
		      const char *path, const git_oid *subtree)
{
	const char *slash = strchr(path, '/');
	char *name = slash ? xasprintf("%.*s", (int)(slash - path), path) :
			     xstrdup(path);
	git_treebuilder *tb = NULL;
	git_oid child;
	int ret = -1;

	if (!*name) {
		error("invalid install path '%s'", path);
		goto out;
	}
	if (slash) {
		const git_tree_entry *e = base ? git_tree_entry_byname(base, name) :
					  NULL;
		git_tree *sub = NULL;

		if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE &&
		    git_tree_lookup(&sub, repo, git_tree_entry_id(e)) < 0) {
			git_fail("reading the kernel tree");
			goto out;
		}
		ret = tree_with_subtree(&child, repo, sub, slash + 1, subtree);
		git_tree_free(sub);
		if (ret < 0)
			goto out;
		ret = -1;
	} else {
		git_oid_cpy(&child, subtree);
	}
	if (git_treebuilder_new(&tb, repo, base) < 0 ||
	    git_treebuilder_insert(NULL, tb, name, &child,
				   GIT_FILEMODE_TREE) < 0 ||
	    git_treebuilder_write(out, tb) < 0) {
		git_fail("writing the kernel tree");
		goto out;
	}
	ret = 0;
out:
	git_treebuilder_free(tb);
	free(name);
	return ret;
}

int corevisor_commit(git_oid *out, git_repository *kernel, git_commit *parent,
		     const char *path, const git_oid *corevisor)
{
	git_signature *sig = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_oid tree_id;
	char hex[GIT_OID_HEXSZ + 1];
	char *msg = NULL;
	int ret = -1;

	if (git_commit_tree(&base, parent) < 0) {
		git_fail("reading the base tree");
		goto out;
	}
	if (tree_with_subtree(&tree_id, kernel, base, path, corevisor) < 0)
		goto out;
	if (git_tree_lookup(&tree, kernel, &tree_id) < 0 ||
	    git_signature_new(&sig, COREVISOR_AUTHOR_NAME,
			      COREVISOR_AUTHOR_EMAIL, COREVISOR_TIME, 0) < 0) {
		git_fail("preparing the corevisor commit");
		goto out;
	}
	git_oid_tostr(hex, sizeof(hex), corevisor);
	/* The path on a line of its own keeps the body within 75 columns. */
	msg = xasprintf("%s\n\nInstall the SeKVM corevisor, the trusted EL2 core, "
			"into\n%s.\n\n%s%s%s\n", COREVISOR_SUBJECT, path,
			COREVISOR_TRAILER, hex, COREVISOR_TRAILER_SUFFIX);
	if (git_commit_create(out, kernel, NULL, sig, sig, NULL, msg, tree, 1,
			      (const git_commit **)&parent) < 0) {
		git_fail("creating the corevisor commit");
		goto out;
	}
	ret = 0;
out:
	free(msg);
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(base);
	return ret;
}

int corevisor_trailer(git_oid *out, const char *message)
{
	const char *t = message;

	while ((t = strstr(t, COREVISOR_TRAILER))) {
		if (t == message || t[-1] == '\n') {
			char hex[GIT_OID_HEXSZ + 1];

			const char *v = t + strlen(COREVISOR_TRAILER);

			if (strlen(v) >= GIT_OID_HEXSZ) {
				const char *end = v + GIT_OID_HEXSZ;

				memcpy(hex, v, GIT_OID_HEXSZ);
				hex[GIT_OID_HEXSZ] = '\0';
				if (!strncmp(end, COREVISOR_TRAILER_SUFFIX,
					     strlen(COREVISOR_TRAILER_SUFFIX)))
					end += strlen(COREVISOR_TRAILER_SUFFIX);
				if ((!*end || *end == '\n') &&
				    !git_oid_fromstr(out, hex))
					return 0;
			}
		}
		t++;
	}
	return -1;
}

bool is_corevisor_commit(git_commit *commit)
{
	const char *s = git_commit_summary(commit);

	return s && !strcmp(s, COREVISOR_SUBJECT);
}
