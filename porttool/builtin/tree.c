// SPDX-License-Identifier: GPL-2.0
/*
 * porttool tree VER [--dir DIR] [--from CLONE | --tarball FILE]
 *
 * Prepare the base tree of a port as a git repository and print its path as
 * the last line on stdout (progress goes to stderr), so that scripts can say
 * dir=$(porttool tree 5.10).  Three sources:
 *
 *   (none)          the embedded default: Debian's linux-source package of
 *                   the port (port.conf [debian]), cached per version
 *   --tarball FILE  a kernel tarball, imported like the Debian one
 *   --from CLONE    an existing clone that holds the port's base
 */
#include "builtin.h"
#include "tempdir.h"
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *opt_dir, *opt_from, *opt_tarball;

static const struct option tree_options[] = {
	{ OPT_STRING, "dir", &opt_dir, "DIR",
	  "put the tree in DIR (missing or empty) instead of the cache" },
	{ OPT_STRING, "from", &opt_from, "CLONE",
	  "use an existing git clone holding the port's base" },
	{ OPT_STRING, "tarball", &opt_tarball, "FILE",
	  "import a kernel tarball (.tar.xz, .tar.gz, .tar)" },
	{ OPT_END },
};

static const struct usage tree_usage = {
	.synopsis = "porttool tree VER [--dir DIR] [--from CLONE | --tarball FILE]",
	.description =
	"Prepare the base tree of port vVER as a git repository and print its\n"
	"path on stdout.  Without --from or --tarball the tree is the port's\n"
	"embedded default, Debian's linux-source package, downloaded with apt\n"
	"through a private directory and cached in $XDG_CACHE_HOME/porttool\n"
	"(~/.cache/porttool): trees/vX.Y, and the .deb in debian/debs.\n"
	"A --tarball without --dir goes to trees/tarballs/NAME there.\n"
	"\n"
	"Imports commit every file of the tarball once, ignoring its .gitignore,\n"
	"as 'porttool <porttool@sekvm.invalid>' with the date of the newest\n"
	"file in the tarball, so the commit id is the same on every machine.\n"
	"The commit gets a lightweight tag: base.tag when the Makefile says\n"
	"base.version, vX.Y.Z otherwise, and is checked out on 'master'.",
	.opts = tree_options,
};

/* DIR may be used when it is missing or an empty directory. */
static int check_dir_usable(const char *dir)
{
	DIR *d;
	struct dirent *de;
	bool empty = true;

	if (access(dir, F_OK))
		return 0;
	d = opendir(dir);
	if (!d) {
		error("--dir %s: exists and is not a directory", dir);
		return -1;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	closedir(d);
	if (!empty) {
		error("--dir %s: exists and is not empty", dir);
		return -1;
	}
	return 0;
}

static void print_path(const char *path)
{
	char real[PATH_MAX];

	puts(realpath(path, real) ? real : path);
}

static int repo_has_head(const char *dir)
{
	git_repository *repo = NULL;
	git_reference *head = NULL;
	int rc = 0;

	if (git_repository_open(&repo, dir) < 0 ||
	    git_repository_head(&head, repo) < 0)
		rc = git_fail(dir);
	git_reference_free(head);
	git_repository_free(repo);
	return rc;
}

/* The cache name of a tarball: its file name without .tar.*. */
static char *tarball_cache_path(const char *file)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	char *name = xstrdup(base), *ext = strstr(name, ".tar"), *cache, *path;

	if (ext && ext != name)
		*ext = '\0';
	cache = cache_dir();
	path = xasprintf("%s/trees/tarballs/%s", cache, name);
	free(cache);
	free(name);
	return path;
}

static int tree_from_tarball(const struct port *p, const char *file,
			     const char *dir)
{
	char *dest = dir ? xstrdup(dir) : tarball_cache_path(file);
	char *tmp = NULL;
	struct archive *a = NULL;
	int rc = EXIT_FAIL;

	if (!is_file(file)) {
		error("--tarball %s: no such file", file);
		goto out;
	}
	if (!dir && is_dir(dest)) {
		/* Imports are reproducible: the earlier one is the same tree. */
		info("using %s, imported from %s before", dest, file);
		if (!repo_has_head(dest))
			rc = EXIT_OK;
		goto print;
	}
	a = archive_open_file(file);
	tmp = a ? temp_dir_next_to(dest) : NULL;
	if (!tmp)
		goto out;
	info("importing %s", file);
	if (import_archive(a, tmp, &(struct import_opts){
				.source = file, .port = p,
				.message = "Imported by 'porttool tree' from a kernel "
					   "tarball, every file as shipped." }) ||
	    move_into_place(tmp, dest))
		goto out;
	rc = EXIT_OK;
print:
	if (rc == EXIT_OK)
		print_path(dest);
out:
	if (tmp && rc)
		remove_tree(tmp);
	archive_close(a);
	free(tmp);
	free(dest);
	return rc;
}

/*
 * Look for the port's base in a clone: base.commit first, then base.tag.
 * *base (if not NULL) gets the commit found.
 */
static int find_base_in_clone(const struct port *p, const char *clone,
			      git_oid *base)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	char *spec = xasprintf("refs/tags/%s^{commit}", p->base_tag);
	char hex[GIT_OID_HEXSZ + 1];
	int rc = -1;

	if (git_repository_open(&repo, clone) < 0) {
		git_fail(clone);
		goto out;
	}
	if (p->base_commit &&
	    !git_revparse_single(&obj, repo, p->base_commit) &&
	    git_object_type(obj) == GIT_OBJECT_COMMIT) {
		if (base)
			git_oid_cpy(base, git_object_id(obj));
		rc = 0;
		goto out;
	}
	git_object_free(obj);
	obj = NULL;
	if (git_revparse_single(&obj, repo, spec) < 0) {
		if (p->base_commit)
			error("%s: has neither base.commit %s nor tag '%s' of port v%s",
			      clone, p->base_commit, p->base_tag, p->version);
		else
			error("%s: has no tag '%s' (base.tag of port v%s)", clone,
			      p->base_tag, p->version);
		goto out;
	}
	git_oid_tostr(hex, sizeof(hex), git_object_id(obj));
	/* An upstream clone's tag is another import of the same release. */
	if (p->base_commit && strcmp(hex, p->base_commit))
		info("%s: tag %s is %s, not the recorded base.commit %s "
		     "(another import of the same release)", clone, p->base_tag,
		     hex, p->base_commit);
	if (base)
		git_oid_cpy(base, git_object_id(obj));
	rc = 0;
out:
	git_object_free(obj);
	git_repository_free(repo);
	free(spec);
	return rc;
}

/* Clone with libgit2 into a temporary directory, then move it into place. */
static int clone_local(const char *from, const char *dir)
{
	git_clone_options o;
	git_repository *repo = NULL;
	char src[PATH_MAX];
	char *tmp = temp_dir_next_to(dir);
	int rc = -1;

	git_clone_options_init(&o, GIT_CLONE_OPTIONS_VERSION);
	if (!tmp)
		return -1;
	if (!realpath(from, src)) {
		error("--from %s: %s", from, strerror(errno));
		goto out;
	}
	/* Every tag, not only those on branches: the base may be off-branch. */
	o.fetch_opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
	info("cloning %s into %s", src, dir);
	if (git_clone(&repo, src, tmp, &o) < 0) {
		git_fail(src);
		goto out;
	}
	git_repository_free(repo);
	rc = move_into_place(tmp, dir);
out:
	if (rc)
		remove_tree(tmp);
	free(tmp);
	return rc;
}

struct missing_walk {
	git_odb *odb;
	struct strlist paths;
};

static int note_missing(const char *root, const git_tree_entry *e, void *data)
{
	struct missing_walk *w = data;

	if (git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
	    !git_odb_exists(w->odb, git_tree_entry_id(e)))
		strlist_push(&w->paths, xasprintf("%s%s", root,
						  git_tree_entry_name(e)));
	return 0;
}

/*
 * Before cloning: if the base names blobs the clone does not have (a
 * public snapshot), say which and return true, since libgit2 cannot copy
 * them and would only say "object not found".
 */
static bool explain_missing_blobs(const struct port *p, const char *from)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_tree *tree = NULL;
	struct missing_walk w = { 0 };
	bool found = false;
	char *spec = xasprintf("refs/tags/%s", p->base_tag);

	if (git_repository_open(&repo, from) < 0)
		goto out;
	/* The base as find_base_in_clone found it: base.commit, else the tag. */
	if (p->base_commit &&
	    git_revparse_single(&obj, repo, p->base_commit) == 0) {
		free(spec);
		spec = xstrdup(p->base_commit);
	}
	if ((!obj && git_revparse_single(&obj, repo, spec) < 0) ||
	    git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE) < 0 ||
	    git_repository_odb(&w.odb, repo) < 0)
		goto out;
	git_tree_walk(tree, GIT_TREEWALK_PRE, note_missing, &w);
	if (!w.paths.n)
		goto out;
	found = true;
	error("%s lacks the contents of %zu file(s) of the base %s (an "
	      "incomplete snapshot?), so it cannot be cloned:", from,
	      w.paths.n, spec);
	for (size_t i = 0; i < w.paths.n; i++)
		fprintf(stderr, "  missing: %s\n", w.paths.items[i]);
	fprintf(stderr, "Use it in place ('porttool tree %s --from %s' without "
		"--dir), or copy its packs into another repository "
		"(ports/v5.11/README.md); porttool leaves those files out.\n",
		p->version, from);
out:
	strlist_free(&w.paths);
	git_odb_free(w.odb);
	git_tree_free(tree);
	git_object_free(obj);
	git_repository_free(repo);
	free(spec);
	return found;
}

/*
 * A new clone starts at the base, not at whatever the source's HEAD was (a
 * snapshot's HEAD is often the original port, one commit past its base).
 */
static int checkout_base(const char *dir, const git_oid *base)
{
	git_repository *repo = NULL;
	git_commit *commit = NULL;
	git_checkout_options o;
	int rc = -1;

	git_checkout_options_init(&o, GIT_CHECKOUT_OPTIONS_VERSION);
	o.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
	if (git_repository_open(&repo, dir) < 0 ||
	    git_commit_lookup(&commit, repo, base) < 0 ||
	    git_checkout_tree(repo, (git_object *)commit, &o) < 0 ||
	    git_repository_set_head_detached(repo, base) < 0) {
		git_fail(dir);
		goto out;
	}
	rc = 0;
out:
	git_commit_free(commit);
	git_repository_free(repo);
	return rc;
}

static int tree_from_clone(const struct port *p, const char *from,
			   const char *dir)
{
	git_oid base;

	if (!is_dir(from)) {
		error("--from %s: no such directory", from);
		return EXIT_FAIL;
	}
	if (find_base_in_clone(p, from, NULL))
		return EXIT_FAIL;
	if (!dir) {
		print_path(from);
		return EXIT_OK;
	}
	if (explain_missing_blobs(p, from) || clone_local(from, dir))
		return EXIT_FAIL;
	if (find_base_in_clone(p, dir, &base) || checkout_base(dir, &base))
		return EXIT_FAIL;
	print_path(dir);
	return EXIT_OK;
}

static int tree_default(const struct port *p, const char *dir)
{
	char *path = NULL;

	if (dir) {
		if (make_default_tree_at(p, dir))
			return EXIT_FAIL;
		print_path(dir);
		return EXIT_OK;
	}
	if (ensure_default_tree(p, &path))
		return EXIT_FAIL;
	print_path(path);
	free(path);
	return EXIT_OK;
}

int cmd_tree(struct porttool_ctx *ctx, int argc, char **argv)
{
	struct port *p;
	int rc;

	opt_dir = opt_from = opt_tarball = NULL;
	argc = parse_options(argc, argv, &tree_usage);
	if (argc != 1)
		usage_error(&tree_usage, argc ? "too many arguments" :
			    "which version? (e.g. porttool tree 5.10)");
	if (opt_from && opt_tarball)
		usage_error(&tree_usage, "--from and --tarball exclude each other");
	if (opt_dir && !*opt_dir)
		usage_error(&tree_usage, "--dir needs a directory");
	p = port_load(ctx, argv[1]);
	if (!p)
		return EXIT_FAIL;
	if (opt_dir && check_dir_usable(opt_dir)) {
		port_free(p);
		return EXIT_FAIL;
	}
	trap_interrupts();
	if (opt_tarball)
		rc = tree_from_tarball(p, opt_tarball, opt_dir);
	else if (opt_from)
		rc = tree_from_clone(p, opt_from, opt_dir);
	else
		rc = tree_default(p, opt_dir);
	port_free(p);
	return rc;
}
