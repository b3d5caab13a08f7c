// SPDX-License-Identifier: GPL-2.0
/*
 * porttool apply VER [--tree DIR] [--branch NAME] [--fuzz N]
 *
 * Create a branch at the port's base carrying the corevisor install commit
 * and one commit per patch, as 'git am' would make them (author, date and
 * message from the mail; committer from the environment or the repository's
 * config).  All commits are built in memory first; only when every patch
 * applied is the branch created and checked out, once, writing only the
 * paths that change.  A hunk found at another line than its header says
 * applies there (an offset, as git am does); with --fuzz N up to N outer
 * context lines of a hunk may differ (git am -C).  Any failure leaves HEAD, the index, the working
 * files and every branch as they were.
 */
#include "builtin.h"
#include "porttool.h"
#include "portbranch.h"
#include "series_apply.h"
#include "default_tree.h"
#include "patch.h"
#include "apply_state.h"
#include "hunk_apply.h"

#include <stdlib.h>
#include <string.h>

static const char *tree_dir, *branch_name;
static int fuzz_lines;
static bool abort_apply;

static const struct option apply_options[] = {
	{ OPT_STRING, "tree", &tree_dir, "DIR",
	  "kernel git repository (default: the port's default tree)" },
	{ OPT_STRING, "branch", &branch_name, "NAME",
	  "branch to create (default: sekvm/vX.Y)" },
	{ OPT_INT, "fuzz", &fuzz_lines, "N",
	  "let a hunk ignore up to N leading and trailing context lines "
	  "(default 0)" },
	{ OPT_BOOL, "abort", &abort_apply, NULL,
	  "undo an apply that was interrupted (killed, crashed) half-way" },
	{ OPT_END },
};

static const struct usage apply_usage = {
	"porttool apply VER [--tree DIR] [--branch NAME] [--fuzz N] [--abort]",
	"Create a branch at the port's base with the corevisor install commit\n"
	"and one commit per patch of ports/vVER/series, and check it out.\n"
	"Nothing changes unless every patch applies.  An apply interrupted\n"
	"while it switches to the branch is finished by running it again, or\n"
	"undone with --abort.",
	apply_options,
};

static int check_branch_free(git_repository *repo, const char *branch)
{
	git_reference *ref;
	char *refname = xasprintf("refs/heads/%s", branch);
	int valid = 0;

	/* git refuses "@" (it means HEAD) and a leading '-' (an option). */
	if (!strcmp(branch, "@") || branch[0] == '-' ||
	    git_reference_name_is_valid(&valid, refname) < 0 || !valid) {
		error("'%s' is not a valid branch name", branch);
		free(refname);
		return -1;
	}
	if (git_reference_lookup(&ref, repo, refname) == 0) {
		git_reference_free(ref);
		error("branch '%s' already exists in '%s'; delete it or choose "
		      "another name with --branch", branch,
		      git_repository_workdir(repo));
		free(refname);
		return -1;
	}
	free(refname);
	return 0;
}

/*
 * A port directory without a series file would apply as "0 patches":
 * that is a mistake (a typo'd --ports, a half-copied port), not a port.
 */
static int require_series(const struct port *p)
{
	char *path = xasprintf("%s/series", p->dir);
	bool ok = is_file(path);

	if (!ok)
		error("%s: no such file; a port lists its patches there (one "
		      "a line, '#@corevisor' where the corevisor goes)", path);
	free(path);
	return ok ? 0 : -1;
}

/*
 * Hunks that landed elsewhere than their patch said are where a port most
 * often goes wrong on a new base (a hunk fuzzed into a comment applies
 * "fine"), so the run ends by listing each of them, file and line.
 */
static void print_placed(const struct strlist *placed)
{
	if (!placed->n)
		return;
	printf("Hunks applied elsewhere than their patch says (check each; "
	       "'porttool status' lists them again):\n");
	for (size_t i = 0; i < placed->n; i++)
		printf("  %s\n", placed->items[i]);
}

static void print_placed_counts(const struct strlist *placed)
{
	size_t fuzzed = 0;

	for (size_t i = 0; i < placed->n; i++)
		fuzzed += strstr(placed->items[i], " with fuzz ") != NULL;
	if (fuzzed)
		printf("; NEEDED FUZZ: %zu hunk(s) with fuzz, %zu at an offset",
		       fuzzed, placed->n - fuzzed);
	else if (placed->n)
		printf("; %zu hunk(s) at an offset", placed->n);
	printf("\n");
}

static int apply_port(const struct porttool_ctx *ctx, const struct port *p,
		      git_repository *repo, const char *branch)
{
	git_commit *base = NULL;
	struct strlist placed = { 0 };
	git_oid tip;
	char hex[GIT_OID_HEXSZ + 1];
	int ret = -1;

	if (check_branch_free(repo, branch) < 0 ||
	    require_clean_tree(repo, "applying a port") < 0 ||
	    port_base_commit(repo, p, &base) < 0)
		goto out;
	if (build_port_commits(repo, ctx, p, base, &tip) < 0)
		goto out;
	take_placed_hunks(&placed);
	if ((placed.n && placed_hunks_save(repo, &tip, &placed) < 0) ||
	    apply_switch(repo, p->dir, branch, &tip) < 0)
		goto out;
	git_oid_tostr(hex, sizeof(hex), &tip);
	print_placed(&placed);
	printf("Applied %s: %zu patch(es) and the corevisor on %s, branch %s "
	       "at %.12s", p->dir, p->npatches,
	       p->base_tag ? p->base_tag : p->base_commit, branch, hex);
	print_placed_counts(&placed);
	ret = 0;
out:
	strlist_free(&placed);
	git_commit_free(base);
	return ret;
}

/* An interrupted apply is finished (or undone) before anything else. */
static int run_apply(const struct porttool_ctx *ctx, const struct port *p,
		     git_repository *repo, const char *branch)
{
	if (abort_apply) {
		if (apply_in_progress(repo))
			return apply_abort(repo);
		error("no interrupted apply in '%s' to abort",
		      git_repository_workdir(repo));
		return -1;
	}
	if (apply_in_progress(repo)) {
		if (apply_finish(repo) < 0)
			return -1;
		printf("Finished the interrupted apply; HEAD is on its branch\n");
		return 0;
	}
	return apply_port(ctx, p, repo, branch);
}

int cmd_apply(struct porttool_ctx *ctx, int argc, char **argv)
{
	struct port *p;
	git_repository *repo;
	int ret = EXIT_FAIL;

	tree_dir = branch_name = NULL;
	fuzz_lines = 0;
	abort_apply = false;
	if (parse_options(argc, argv, &apply_usage) != 1)
		usage_error(&apply_usage, "expected one version, e.g. 5.10");
	if (fuzz_lines < 0)
		usage_error(&apply_usage, "--fuzz takes a number of lines >= 0");
	set_apply_fuzz(fuzz_lines);
	p = port_load(ctx, argv[1]);
	if (!p)
		return EXIT_FAIL;
	if (require_series(p) < 0)
		goto out;
	repo = open_port_tree(p, tree_dir);
	if (!repo)
		goto out;
	if (run_apply(ctx, p, repo, branch_name ? branch_name : p->branch) == 0)
		ret = EXIT_OK;
	git_repository_free(repo);
out:
	port_free(p);
	return ret;
}
