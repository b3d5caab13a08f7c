// SPDX-License-Identifier: GPL-2.0
/* Checks before mailing a series: see mail_check.h. */
#include "tempdir.h"
#include "mail_check.h"
#include "patch_check.h"
#include "subproc.h"
#include "tree.h"

#include <errno.h>
#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/* The ERROR: paragraphs of checkpatch's report, indented under the patch. */
static int show_errors(const char *path, const char *report)
{
	int errors = 0;
	bool in_error = false;

	for (const char *s = report; *s;) {
		const char *e = strchrnul(s, '\n');

		if (!strncmp(s, "ERROR:", 6)) {
			if (!errors)
				error("checkpatch: %s has errors:", path);
			errors++;
			in_error = true;
		} else if (s == e) {
			in_error = false;
		}
		if (in_error)
			fprintf(stderr, "    %.*s\n", (int)(e - s), s);
		s = *e ? e + 1 : e;
	}
	return errors;
}

int checkpatch_series(const char *tree, const char *const *paths, size_t n)
{
	char *script = xasprintf("%s/scripts/checkpatch.pl", tree);
	int bad = 0;

	for (size_t i = 0; i < n && bad >= 0; i++) {
		char *abs = realpath(paths[i], NULL);
		char *argv[] = { "perl", script, "--color=never", abs,
				 NULL };
		struct sbuf out = { 0 };
		int rc;

		if (!abs) {
			error("cannot find patch '%s': %s", paths[i], strerror(errno));
			bad = -1;
			break;
		}
		/* checkpatch wants to run from the top of the kernel tree. */
		rc = subproc_simple(tree, (const char *const *)argv, &out);
		if (rc < 0 || rc == 127 || (rc && !strstr(out.buf ? out.buf : "", "total:"))) {
			error("cannot run %s on %s (exit %d): %s", script, paths[i],
			      rc, out.buf ? out.buf : "");
			bad = -1;
		} else if (show_errors(paths[i], out.buf ? out.buf : "")) {
			bad++;
		}
		sbuf_free(&out);
		free(abs);
	}
	free(script);
	return bad;
}

/* ---- build each ---- */


/*
 * A work tree for the build that shares the repository's objects through
 * objects/info/alternates: nothing of a kernel history is copied.
 */
static git_repository *scratch_repo(git_repository *src, const char *dir)
{
	git_repository *repo = NULL;
	char *alt;
	char *objects = xasprintf("%sobjects\n", git_repository_path(src));
	int rc;

	if (git_repository_init(&repo, dir, 0) < 0) {
		git_fail(dir);
		free(objects);
		return NULL;
	}
	alt = xasprintf("%sobjects/info/alternates", git_repository_path(repo));
	git_repository_free(repo);
	rc = write_file(alt, objects, strlen(objects));
	free(objects);
	if (rc) {
		error("cannot write '%s': %s", alt, strerror(errno));
		free(alt);
		return NULL;
	}
	free(alt);
	/* Reopen so that the object database sees the alternate. */
	if (git_repository_open(&repo, dir) < 0) {
		git_fail(dir);
		return NULL;
	}
	return repo;
}

static int checkout_base(git_repository *repo, const char *base)
{
	git_object *obj = NULL;
	git_checkout_options co;
	char *spec = xasprintf("%s^{commit}", base);
	int rc = -1;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	if (git_revparse_single(&obj, repo, spec) < 0) {
		git_fail(spec);
		goto out;
	}
	if (git_checkout_tree(repo, obj, &co) < 0 ||
	    git_repository_set_head_detached(repo, git_object_id(obj)) < 0) {
		git_fail("checking out the base");
		goto out;
	}
	rc = 0;
out:
	git_object_free(obj);
	free(spec);
	return rc;
}

static int apply_one(git_repository *repo, const struct outgoing_patch *p)
{
	git_diff *diff = NULL;
	int rc;

	if (diff_from_patch_text(&diff, p->diff, strlen(p->diff)) < 0)
		return git_fail(p->name);
	rc = git_apply(repo, diff, GIT_APPLY_LOCATION_BOTH, NULL);
	git_diff_free(diff);
	if (rc < 0) {
		const git_error *e = git_error_last();

		error("%s does not apply on the patches before it: %s", p->name,
		      e && e->message ? e->message : "unknown error");
		return -1;
	}
	return 0;
}

int build_each(const char *tree, const char *base, const char *cmd,
	       const struct outgoing_patch *v, size_t n)
{
	git_repository *src = NULL, *repo = NULL;
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/porttool-build-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	bool keep = false;
	int rc = -1;

	if (git_repository_open(&src, tree) < 0) {
		git_fail("--build-each needs --tree to be a git repository");
		free(dir);
		return -1;
	}
	if (!mkdtemp(dir)) {
		error("cannot make a scratch directory '%s': %s", dir,
		      strerror(errno));
		goto out;
	}
	repo = scratch_repo(src, dir);
	if (!repo || checkout_base(repo, base))
		goto out;
	for (size_t i = 0; i < n; i++) {
		int st;

		if (apply_one(repo, &v[i])) {
			keep = true;
			goto out;
		}
		info("build-each: %zu/%zu %s: running '%s'", i + 1, n,
		     v[i].subject, cmd);
		st = subproc_simple(dir, (const char *const *)argv, NULL);
		if (st) {
			error("patch %zu/%zu '%s' (%s) does not build: '%s' exited "
			      "with status %d; the work tree is kept in %s", i + 1,
			      n, v[i].subject, v[i].name, cmd, st, dir);
			keep = true;
			goto out;
		}
	}
	info("build-each: every patch builds");
	rc = 0;
out:
	git_repository_free(repo);
	git_repository_free(src);
	if (!keep)
		remove_tree(dir);
	free(dir);
	return rc;
}
