// SPDX-License-Identifier: GPL-2.0
/*
 * Import a kernel tarball as a git repository, with libgit2 only.
 *
 * The entries are streamed from libarchive straight into the object
 * database and an index built here, instead of unpacking and then adding
 * the work tree: Debian's linux-source tarball ships a top-level .gitignore
 * whose last rules ignore every top-level entry but debian/ (a packaging
 * leftover), and the base commit must hold every file of the tarball
 * regardless.  The work
 * tree is then written by a libgit2 checkout, which also fills the index's
 * stat data so that 'git status' is clean and fast afterwards.
 *
 * The commit is reproducible: the author and committer are always
 * "porttool <porttool@sekvm.invalid>", the date is the newest modification
 * time of any entry in the tarball (UTC), and the message depends only on
 * the kernel version and the caller's fixed text.  The same tarball
 * therefore gives the same commit id on every machine.  The tag is
 * lightweight (an annotated tag would add a tagger date for nothing).
 */
#include "tempdir.h"
#include "tree.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IMPORT_NAME "porttool"
#define IMPORT_EMAIL "porttool@sekvm.invalid"
#define INITIAL_BRANCH "master"

struct imported_file {
	char *path;
	unsigned int mode;	/* GIT_FILEMODE_BLOB{,_EXECUTABLE}, _LINK */
	git_oid id;
	size_t seq;		/* order in the tarball: a later entry wins */
};

struct import {
	const struct import_opts *opts;
	git_repository *repo;
	git_odb *odb;
	struct imported_file *files;
	size_t n, alloc;
	time_t newest;
	char *tag;
	char *version;		/* X.Y.Z from the Makefile */
};

/*
 * A progress counter on stderr: rewritten in place on a terminal, and a
 * line every 20000 files (and at the end) in logs.  total 0: unknown.
 */
static void progress(const char *what, size_t done, size_t total, bool last)
{
	static int tty = -1;
	char count[64];

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (!tty && !last && done % 20000)
		return;
	if (total)
		snprintf(count, sizeof(count), "%zu/%zu", done, total);
	else
		snprintf(count, sizeof(count), "%zu", done);
	fprintf(stderr, "%sporttool: %s: %s files%s", tty ? "\r" : "", what,
		count, tty && !last ? "" : "\n");
}

/* Paths must stay inside the tree and out of its .git directory. */
static bool safe_path(const char *path)
{
	const char *p = path;

	if (!*p || *p == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && !strncmp(p, "..", 2)) ||
		    (n == 4 && !strncasecmp(p, ".git", 4)))
			return false;
		p += n;
		if (*p == '/')
			p++;
	}
	return true;
}

static char *entry_path(struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	char *p;
	size_t n;

	if (!name)
		return NULL;
	while (!strncmp(name, "./", 2))
		name += 2;
	p = xstrdup(name);
	n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		p[--n] = '\0';
	return p;
}

static struct imported_file *add_file(struct import *imp, char *path,
				      unsigned int mode)
{
	struct imported_file *f;

	if (imp->n == imp->alloc) {
		imp->alloc = imp->alloc ? imp->alloc * 2 : 4096;
		imp->files = xrealloc(imp->files, imp->alloc * sizeof(*f));
	}
	f = &imp->files[imp->n];
	f->path = path;
	f->mode = mode;
	f->seq = imp->n++;
	return f;
}

/* Read the entry's data into the object database as a blob. */
static int store_data(struct import *imp, struct archive *a,
		      struct archive_entry *e, const char *path, git_oid *id)
{
	size_t len = 0, alloc = archive_entry_size_is_set(e) ?
		(size_t)archive_entry_size(e) : 65536;
	char *buf = xmalloc(alloc + 1);
	la_ssize_t got;
	int rc;

	for (;;) {
		if (len == alloc) {
			alloc *= 2;
			buf = xrealloc(buf, alloc + 1);
		}
		got = archive_read_data(a, buf + len, alloc - len);
		if (got < 0) {
			error("%s: reading %s: %s", imp->opts->source, path,
			      archive_error_string(a));
			free(buf);
			return -1;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	rc = git_odb_write(id, imp->odb, buf, len, GIT_OBJECT_BLOB);
	free(buf);
	return rc < 0 ? git_fail(path) : 0;
}

static const struct imported_file *find_file(const struct import *imp,
					     const char *path)
{
	for (size_t i = imp->n; i-- > 0;)
		if (!strcmp(imp->files[i].path, path))
			return &imp->files[i];
	return NULL;
}

static int store_hardlink(struct import *imp, struct archive_entry *e,
			  char *path)
{
	const char *target = archive_entry_hardlink(e);
	char *t = xstrdup(target);
	const struct imported_file *orig;
	struct imported_file *f;

	while (!strncmp(t, "./", 2))
		memmove(t, t + 2, strlen(t + 2) + 1);
	orig = find_file(imp, t);
	if (!orig) {
		error("%s: %s: hard link to '%s', which comes nowhere before it",
		      imp->opts->source, path, target);
		free(t);
		free(path);
		return -1;
	}
	free(t);
	f = add_file(imp, path, orig->mode);
	git_oid_cpy(&f->id, &orig->id);
	return 0;
}

static int store_entry(struct import *imp, struct archive *a,
		       struct archive_entry *e)
{
	char *path = entry_path(e);
	mode_t type = archive_entry_filetype(e);
	struct imported_file *f;
	const char *target;

	if (!path || !*path || type == AE_IFDIR) {
		free(path);
		return 0;	/* git tracks no directories */
	}
	if (!safe_path(path)) {
		error("%s: unsafe path '%s' (absolute, '..' or .git)",
		      imp->opts->source, path);
		free(path);
		return -1;
	}
	if (archive_entry_hardlink(e))
		return store_hardlink(imp, e, path);
	if (type == AE_IFLNK) {
		target = archive_entry_symlink(e);
		f = add_file(imp, path, GIT_FILEMODE_LINK);
		if (git_odb_write(&f->id, imp->odb, target ? target : "",
				  target ? strlen(target) : 0, GIT_OBJECT_BLOB) < 0)
			return git_fail(path);
		return 0;
	}
	if (type != AE_IFREG) {
		error("%s: '%s' is neither a file, a directory nor a symlink",
		      imp->opts->source, path);
		free(path);
		return -1;
	}
	f = add_file(imp, path, (archive_entry_perm(e) & 0111) ?
		     GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB);
	return store_data(imp, a, e, f->path, &f->id);
}

static int read_entries(struct import *imp, struct archive *a)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		if (interrupted()) {
			error("interrupted while reading %s", imp->opts->source);
			return -1;
		}
		if (archive_entry_mtime(e) > imp->newest)
			imp->newest = archive_entry_mtime(e);
		if (store_entry(imp, a, e))
			return -1;
		if (imp->n && imp->n % 1000 == 0)
			progress("reading tarball", imp->n, 0, false);
	}
	if (r != ARCHIVE_EOF) {
		error("%s: %s", imp->opts->source, archive_error_string(a));
		return -1;
	}
	progress("reading tarball", imp->n, 0, true);
	return 0;
}

/* Kernel tarballs hold one directory (linux-5.10.223/): drop it. */
static void strip_top_dir(struct import *imp)
{
	const char *first;
	size_t len;

	if (!imp->n)
		return;
	first = imp->files[0].path;
	len = strcspn(first, "/");
	if (!first[len])
		return;	/* a file at the top: nothing to strip */
	for (size_t i = 0; i < imp->n; i++) {
		const char *p = imp->files[i].path;

		if (strncmp(p, first, len) || p[len] != '/')
			return;
	}
	len++;
	for (size_t i = 0; i < imp->n; i++) {
		char *p = imp->files[i].path;

		memmove(p, p + len, strlen(p + len) + 1);
	}
}

static int cmp_files(const void *a, const void *b)
{
	const struct imported_file *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort by path (the index's order) and keep the last of repeated paths. */
static void sort_and_dedupe(struct import *imp)
{
	size_t out = 0;

	qsort(imp->files, imp->n, sizeof(*imp->files), cmp_files);
	for (size_t i = 0; i < imp->n; i++) {
		if (i + 1 < imp->n &&
		    !strcmp(imp->files[i].path, imp->files[i + 1].path)) {
			free(imp->files[i].path);
			continue;
		}
		imp->files[out++] = imp->files[i];
	}
	imp->n = out;
}

static const struct imported_file *find_sorted(const struct import *imp,
					       const char *path)
{
	struct imported_file key = { .path = (char *)path, .seq = 0 };
	size_t lo = 0, hi = imp->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(imp->files[mid].path, key.path);

		if (!c)
			return &imp->files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The first index at or after path in the sorted files. */
static size_t lower_bound(const struct import *imp, const char *path)
{
	size_t lo = 0, hi = imp->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(imp->files[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * A path that is a file and also a directory ("arch" and "arch/Kconfig")
 * cannot be in one git tree; libgit2's index would silently keep only one
 * of them, and the base must hold every file of the tarball.
 */
static int check_file_dir_conflicts(const struct import *imp)
{
	for (size_t i = 0; i < imp->n; i++) {
		char *dir = xasprintf("%s/", imp->files[i].path);
		size_t j = lower_bound(imp, dir);
		bool clash = j < imp->n &&
			!strncmp(imp->files[j].path, dir, strlen(dir));

		if (clash)
			error("%s: '%s' is both a file and a directory (holding '%s')",
			      imp->opts->source, imp->files[i].path,
			      imp->files[j].path);
		free(dir);
		if (clash)
			return -1;
	}
	return 0;
}

/* The number after "NAME =" on a line of the top Makefile, or -1. */
static long makefile_number(const char *mk, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = mk; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *p = l;
		char *end;
		long v;

		if (strncmp(p, name, n))
			continue;
		p += n;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p++ != '=')
			continue;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		v = strtol(p, &end, 10);
		/* "SUBLEVEL = 223" alone on its line, nothing after the number */
		while (*end == ' ' || *end == '\t')
			end++;
		return *end == '\n' || *end == '\r' || !*end ? v : -1;
	}
	return -1;
}

/* Read VERSION, PATCHLEVEL and SUBLEVEL from the tarball's top Makefile. */
static int kernel_version(struct import *imp)
{
	const struct imported_file *mk = find_sorted(imp, "Makefile");
	git_blob *blob = NULL;
	char *text;
	long v, pl, sl;

	if (!mk || mk->mode == GIT_FILEMODE_LINK ||
	    git_blob_lookup(&blob, imp->repo, &mk->id) < 0) {
		error("%s: not a kernel tarball: no top-level Makefile",
		      imp->opts->source);
		return -1;
	}
	text = xmalloc((size_t)git_blob_rawsize(blob) + 1);
	memcpy(text, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	text[git_blob_rawsize(blob)] = '\0';
	git_blob_free(blob);
	v = makefile_number(text, "VERSION");
	pl = makefile_number(text, "PATCHLEVEL");
	sl = makefile_number(text, "SUBLEVEL");
	free(text);
	if (v < 0 || pl < 0 || sl < 0) {
		error("%s: not a kernel tarball: its Makefile has no numeric "
		      "VERSION, PATCHLEVEL and SUBLEVEL", imp->opts->source);
		return -1;
	}
	/* Kernel releases write x.y.0 as x.y (and tag it vX.Y). */
	imp->version = sl ? xasprintf("%ld.%ld.%ld", v, pl, sl) :
		xasprintf("%ld.%ld", v, pl);
	return 0;
}

/* base.tag when the tarball is the port's base release, else vX.Y.Z. */
static void choose_tag(struct import *imp)
{
	const struct port *p = imp->opts->port;
	char *line = NULL;

	if (p && !strcmp(imp->version, p->base_version)) {
		imp->tag = xstrdup(p->base_tag);
		return;
	}
	imp->tag = xasprintf("v%s", imp->version);
	if (!p)
		return;
	line = xasprintf("%s.", p->version);
	if (strcmp(imp->version, p->version) && strncmp(imp->version, line, strlen(line)))
		warning("%s holds Linux %s, not the %s line of port v%s",
			imp->opts->source, imp->version, p->version, p->version);
	else
		info("%s holds Linux %s, not the port's base %s: tagging it %s",
		     imp->opts->source, imp->version, p->base_version, imp->tag);
	free(line);
}

static int build_index(struct import *imp, git_oid *tree_id)
{
	git_index *idx = NULL;
	int rc = -1;

	if (git_repository_index(&idx, imp->repo) < 0)
		return git_fail("opening the index");
	for (size_t i = 0; i < imp->n; i++) {
		git_index_entry e;

		memset(&e, 0, sizeof(e));
		e.mode = imp->files[i].mode;
		e.path = imp->files[i].path;
		git_oid_cpy(&e.id, &imp->files[i].id);
		if (git_index_add(idx, &e) < 0) {
			git_fail(imp->files[i].path);
			goto out;
		}
	}
	if (git_index_write_tree(tree_id, idx) < 0 || git_index_write(idx) < 0) {
		git_fail("writing the tree");
		goto out;
	}
	rc = 0;
out:
	git_index_free(idx);
	return rc;
}

static int make_commit(struct import *imp, const git_oid *tree_id,
		       git_oid *commit_id)
{
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	char *msg = xasprintf("Linux %s\n\n%s\n", imp->version, imp->opts->message);
	int rc = -1;

	if (git_signature_new(&sig, IMPORT_NAME, IMPORT_EMAIL,
			      (git_time_t)imp->newest, 0) < 0 ||
	    git_tree_lookup(&tree, imp->repo, tree_id) < 0 ||
	    git_commit_create(commit_id, imp->repo, "HEAD", sig, sig, NULL, msg,
			      tree, 0, NULL) < 0) {
		git_fail("creating the base commit");
		goto out;
	}
	rc = 0;
out:
	git_tree_free(tree);
	git_signature_free(sig);
	free(msg);
	return rc;
}

static int make_tag(struct import *imp, const git_oid *commit_id)
{
	git_object *commit = NULL;
	git_oid tag_id;
	int rc = 0;

	if (git_object_lookup(&commit, imp->repo, commit_id, GIT_OBJECT_COMMIT) < 0 ||
	    git_tag_create_lightweight(&tag_id, imp->repo, imp->tag, commit, 0) < 0)
		rc = git_fail(imp->tag);
	git_object_free(commit);
	return rc;
}

static void on_checkout(const char *path, size_t done, size_t total, void *data)
{
	if (done && (done % 1000 == 0 || done == total))
		progress("checking out", done, total, done == total);
}

static int check_out(struct import *imp)
{
	git_checkout_options co;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	/* FORCE: the work tree is empty, every file is (re)created. */
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	co.progress_cb = on_checkout;
	if (git_checkout_head(imp->repo, &co) < 0)
		return git_fail("checking out the base tree");
	if (interrupted()) {
		error("interrupted while checking out");
		return -1;
	}
	return 0;
}

static int init_repo(struct import *imp, const char *dir)
{
	git_repository_init_options o;

	/* the _INIT macro leaves fields out, which -Wextra flags */
	git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	o.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	o.initial_head = INITIAL_BRANCH;
	if (git_repository_init_ext(&imp->repo, dir, &o) < 0)
		return git_fail(dir);
	if (git_repository_odb(&imp->odb, imp->repo) < 0)
		return git_fail(dir);
	return 0;
}

static void import_free(struct import *imp)
{
	for (size_t i = 0; i < imp->n; i++)
		free(imp->files[i].path);
	free(imp->files);
	free(imp->tag);
	free(imp->version);
	git_odb_free(imp->odb);
	git_repository_free(imp->repo);
}

int import_archive(struct archive *a, const char *dir,
		   const struct import_opts *opts)
{
	struct import imp = { .opts = opts };
	git_oid tree_id, commit_id;
	char hex[GIT_OID_HEXSZ + 1];
	int rc = -1;

	if (init_repo(&imp, dir) || read_entries(&imp, a))
		goto out;
	strip_top_dir(&imp);
	sort_and_dedupe(&imp);
	if (check_file_dir_conflicts(&imp) || kernel_version(&imp))
		goto out;
	choose_tag(&imp);
	info("writing the index and tree of %zu files", imp.n);
	if (build_index(&imp, &tree_id))
		goto out;
	info("committing Linux %s as %s <%s>", imp.version, IMPORT_NAME, IMPORT_EMAIL);
	if (make_commit(&imp, &tree_id, &commit_id) || make_tag(&imp, &commit_id))
		goto out;
	git_oid_tostr(hex, sizeof(hex), &commit_id);
	info("tagged %s as %s", hex, imp.tag);
	if (check_out(&imp))
		goto out;
	rc = 0;
out:
	import_free(&imp);
	return rc;
}
