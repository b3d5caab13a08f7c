// SPDX-License-Identifier: GPL-2.0
/*
 * Writing a port branch into a port directory: the patch files and the
 * series.  Everything is formatted in memory first, so that a failure
 * (say, a merge commit on the branch) writes nothing.
 */
#include "export_port.h"
#include "corevisor_install.h"
#include "patch.h"
#include "portbranch.h"
#include "sbuf.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MARKER "#@corevisor"

/* export --force: overwrite local edits, allow removing every patch. */
static bool force_export;

void set_export_force(bool force)
{
	force_export = force;
}

struct exported {
	char *name;		/* NNNN-subject.patch */
	struct sbuf text;
	bool before_marker;	/* comes before the corevisor commit */
};

static int format_commits(git_repository *repo, const struct branch_commits *bc,
			  struct exported **out, size_t *n)
{
	struct exported *ex = xcalloc(bc->n, sizeof(*ex));
	size_t count = 0;

	for (size_t i = 0; i < bc->n; i++) {
		git_commit *c;
		const char *subject;

		if ((long)i == bc->corevisor)
			continue;
		if (git_commit_lookup(&c, repo, &bc->ids[i]) < 0) {
			git_fail("reading a branch commit");
			goto fail;
		}
		if (git_commit_parentcount(c) != 1) {
			char hex[GIT_OID_HEXSZ + 1];

			error("commit %s is a merge; a port is a linear series",
			      git_oid_tostr(hex, sizeof(hex), &bc->ids[i]));
			git_commit_free(c);
			goto fail;
		}
		subject = git_commit_summary(c);
		ex[count].name = format_patch_filename((int)count + 1,
						       subject ? subject : "");
		ex[count].before_marker = bc->corevisor < 0 ||
					  (long)i < bc->corevisor;
		if (format_patch_commit(&ex[count].text, repo, c) < 0) {
			git_commit_free(c);
			count++;
			goto fail;
		}
		count++;
		git_commit_free(c);
	}
	*out = ex;
	*n = count;
	return 0;
fail:
	for (size_t i = 0; i < count; i++) {
		free(ex[i].name);
		sbuf_free(&ex[i].text);
	}
	free(ex);
	return -1;
}

static void emit_line(struct sbuf *b, const char *s, size_t len)
{
	sbuf_add(b, s, len);
	sbuf_puts(b, "\n");
}

static void emit_patch(struct sbuf *b, const struct exported *e)
{
	emit_line(b, e->name, strlen(e->name));
}

/* Classify a series line the way port.c's series parser does. */
enum line_kind { LINE_OTHER, LINE_MARKER, LINE_PATCH };

static enum line_kind classify(const char *s, size_t len)
{
	size_t b = 0, e = len;

	while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r'))
		b++;
	while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
		e--;
	if (b == e)
		return LINE_OTHER;
	if (e - b == strlen(MARKER) && !memcmp(s + b, MARKER, e - b))
		return LINE_MARKER;
	return s[b] == '#' ? LINE_OTHER : LINE_PATCH;
}

/*
 * New series text: the old file's comments and marker where they were;
 * the k-th patch line of a section (before or after the marker) becomes
 * the k-th exported patch of that section, extra patches follow the
 * section's last patch line (or the marker), surplus old lines go.
 */
static char *rewrite_series(const char *old, size_t old_len,
			    const struct exported *ex, size_t n,
			    bool has_corevisor)
{
	struct sbuf b = { 0 };
	size_t pos = 0, next = 0;
	bool seen_marker = false;

	while (pos < old_len) {
		const char *nl = memchr(old + pos, '\n', old_len - pos);
		size_t len = nl ? (size_t)(nl - old - pos) : old_len - pos;
		enum line_kind k = classify(old + pos, len);

		if (k == LINE_PATCH) {
			if (next < n && ex[next].before_marker == !seen_marker)
				emit_patch(&b, &ex[next++]);
		} else if (k == LINE_MARKER) {
			while (next < n && ex[next].before_marker)
				emit_patch(&b, &ex[next++]);
			seen_marker = true;
			emit_line(&b, old + pos, len);
			/* after-marker patches follow old patch lines, or here */
		} else {
			/* A comment ends a section's run of patch lines. */
			emit_line(&b, old + pos, len);
		}
		pos += len + (nl ? 1 : 0);
	}
	if (!seen_marker && has_corevisor) {
		while (next < n && ex[next].before_marker)
			emit_patch(&b, &ex[next++]);
		emit_line(&b, MARKER, strlen(MARKER));
	}
	while (next < n)
		emit_patch(&b, &ex[next++]);
	return sbuf_detach(&b);
}

static int write_if_changed(const char *path, const char *buf, size_t len)
{
	size_t old_len;
	char *old = read_file(path, &old_len);
	bool same = old && old_len == len && !memcmp(old, buf, len);

	free(old);
	if (same)
		return 0;
	if (write_file(path, buf, len) < 0) {
		error("cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static bool listed(const struct exported *ex, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ex[i].name, name))
			return true;
	return false;
}

static bool is_patch_name(const char *name)
{
	size_t n = strlen(name);

	return n > 6 && !strcmp(name + n - 6, ".patch");
}

/* Remove *.patch files of the port directory that the series dropped. */
static int remove_unlisted(const char *port_dir, const struct exported *ex,
			   size_t n)
{
	DIR *d = opendir(port_dir);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		error("cannot open '%s'", port_dir);
		return -1;
	}
	while ((de = readdir(d))) {
		char *path;

		if (!is_patch_name(de->d_name) || listed(ex, n, de->d_name))
			continue;
		path = xasprintf("%s/%s", port_dir, de->d_name);
		if (unlink(path) < 0) {
			error("cannot remove '%s': %s", path, strerror(errno));
			ret = -1;
		} else {
			printf("removed %s\n", path);
		}
		free(path);
	}
	closedir(d);
	return ret;
}

/* The *.patch files of port_dir, sorted. */
static void patch_files(const char *port_dir, struct strlist *out)
{
	DIR *d = opendir(port_dir);
	struct dirent *de;

	memset(out, 0, sizeof(*out));
	if (!d)
		return;
	while ((de = readdir(d)))
		if (is_patch_name(de->d_name))
			strlist_push(out, de->d_name);
	closedir(d);
}

/*
 * Does the file at path differ from the version the repository holding it
 * (ports/ in the project's git) has at HEAD?  A file git does not track,
 * or a port directory outside any repository, has no such version: false.
 */
static bool locally_edited(git_repository *repo, const char *path)
{
	char *real = realpath(path, NULL);
	const char *wd = repo ? git_repository_workdir(repo) : NULL;
	git_object *blob = NULL;
	char *spec = NULL, *buf = NULL;
	size_t len = 0;
	bool edited = false;

	if (!real || !wd || strncmp(real, wd, strlen(wd)))
		goto out;
	spec = xasprintf("HEAD:%s", real + strlen(wd));
	if (git_revparse_single(&blob, repo, spec) < 0 ||
	    git_object_type(blob) != GIT_OBJECT_BLOB)
		goto out;
	buf = read_file(path, &len);
	edited = !buf || len != git_blob_rawsize((git_blob *)blob) ||
		 memcmp(buf, git_blob_rawcontent((git_blob *)blob), len);
out:
	free(buf);
	free(spec);
	git_object_free(blob);
	free(real);
	return edited;
}

static const struct exported *find_exported(const struct exported *ex,
					    size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ex[i].name, name))
			return &ex[i];
	return NULL;
}

/* Would writing (or removing) name lose an edit made since the last commit? */
static bool loses_edit(git_repository *repo, const char *port_dir,
		       const char *name, const struct exported *e)
{
	char *path = xasprintf("%s/%s", port_dir, name);
	size_t len = 0;
	char *cur = read_file(path, &len);
	bool same = cur && e && len == e->text.len &&
		    !memcmp(cur, e->text.buf, len);
	bool lost = cur && !same && locally_edited(repo, path);

	free(cur);
	free(path);
	return lost;
}

/*
 * Refuse, before anything is written, an export that removes every patch
 * (a branch with no commits after the base: usually the wrong branch or
 * tree) or that overwrites or removes a patch file edited since ports/
 * was last committed.  --force allows both.
 */
static int check_losses(const char *port_dir, const struct exported *ex,
			size_t n)
{
	struct strlist files;
	git_repository *repo = NULL;
	int ret = 0;

	if (force_export)
		return 0;
	patch_files(port_dir, &files);
	if (!n && files.n) {
		error("the branch has no commits after the port's base: export "
		      "would remove all %zu patch(es) of %s; check --tree and "
		      "--branch (or use --force)", files.n, port_dir);
		strlist_free(&files);
		return -1;
	}
	if (git_repository_open_ext(&repo, port_dir, 0, NULL) < 0)
		repo = NULL;	/* not in a repository: nothing to compare */
	for (size_t i = 0; i < files.n; i++) {
		const char *name = files.items[i];

		if (!loses_edit(repo, port_dir, name,
				find_exported(ex, n, name)))
			continue;
		error("%s/%s has changes not committed to git that export "
		      "would %s; commit or discard them first (or use "
		      "--force)", port_dir, name,
		      find_exported(ex, n, name) ? "overwrite" : "remove");
		ret = -1;
	}
	git_repository_free(repo);
	strlist_free(&files);
	return ret;
}

static int write_port(const char *port_dir, const struct exported *ex,
		      size_t n, bool has_corevisor)
{
	char *series_path = xasprintf("%s/series", port_dir);
	size_t old_len = 0;
	char *old = read_file(series_path, &old_len);
	char *series;
	int ret = 0;

	if (check_losses(port_dir, ex, n) < 0) {
		free(old);
		free(series_path);
		return -1;
	}
	if (!old) {
		old = xstrdup("# Patch series (quilt style), written by "
			      "'porttool export'.\n");
		old_len = strlen(old);
	}
	if (mkdir_p(port_dir) < 0) {
		error("cannot create '%s'", port_dir);
		free(old);
		free(series_path);
		return -1;
	}
	series = rewrite_series(old, old_len, ex, n, has_corevisor);
	for (size_t i = 0; i < n && !ret; i++) {
		char *path = xasprintf("%s/%s", port_dir, ex[i].name);

		ret = write_if_changed(path, ex[i].text.buf, ex[i].text.len);
		free(path);
	}
	if (!ret)
		ret = write_if_changed(series_path, series, strlen(series));
	if (!ret)
		ret = remove_unlisted(port_dir, ex, n);
	free(series);
	free(old);
	free(series_path);
	return ret;
}

int export_range(git_repository *repo, const git_oid *base, const git_oid *tip,
		 const char *port_dir)
{
	struct branch_commits bc;
	struct exported *ex = NULL;
	size_t n = 0;
	int ret;

	if (list_branch_commits(repo, base, tip, &bc) < 0)
		return -1;
	ret = format_commits(repo, &bc, &ex, &n);
	if (!ret)
		ret = write_port(port_dir, ex, n, bc.corevisor >= 0);
	if (!ret)
		printf("Exported %zu patch(es) to %s\n", n, port_dir);
	for (size_t i = 0; i < n; i++) {
		free(ex[i].name);
		sbuf_free(&ex[i].text);
	}
	free(ex);
	branch_commits_free(&bc);
	return ret;
}

int export_branch(git_repository *repo, const struct port *p,
		  const char *branch, const char *port_dir)
{
	git_reference *ref;
	git_commit *base;
	char *refname = xasprintf("refs/heads/%s", branch);
	int ret;

	if (git_reference_lookup(&ref, repo, refname) < 0) {
		error("no branch '%s' in '%s' (apply the port first, or name "
		      "the branch with --branch)", branch,
		      git_repository_workdir(repo));
		free(refname);
		return -1;
	}
	free(refname);
	if (port_base_commit(repo, p, &base) < 0) {
		git_reference_free(ref);
		return -1;
	}
	ret = export_range(repo, git_commit_id(base),
			   git_reference_target(ref), port_dir);
	git_commit_free(base);
	git_reference_free(ref);
	return ret;
}
