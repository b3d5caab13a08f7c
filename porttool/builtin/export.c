// SPDX-License-Identifier: GPL-2.0
/*
 * porttool export VER [--tree DIR] [--branch NAME]
 *
 * Write a port branch back into ports/vX.Y: every commit between the base
 * and the branch tip except the corevisor install commit becomes
 * NNNN-subject.patch, as 'git format-patch --zero-commit --no-signature -N
 * --full-index' writes it (format_patch.c), and series is rewritten in
 * place: comments, blank lines and the corevisor marker stay where they
 * are, patch lines are replaced in order.  Patch files the new series no
 * longer lists are removed.  Exporting an unchanged branch rewrites the
 * same bytes.
 */
#include "builtin.h"
#include "porttool.h"
#include "export_port.h"
#include "portbranch.h"
#include "default_tree.h"

#include <stdlib.h>

static const char *tree_dir, *branch_name;
static bool force;

static const struct option export_options[] = {
	{ OPT_STRING, "tree", &tree_dir, "DIR",
	  "kernel git repository (default: the port's default tree)" },
	{ OPT_STRING, "branch", &branch_name, "NAME",
	  "branch to export (default: sekvm/vX.Y)" },
	{ OPT_BOOL, "force", &force, NULL,
	  "overwrite patch files with uncommitted edits; allow removing "
	  "every patch" },
	{ OPT_END },
};

static const struct usage export_usage = {
	"porttool export VER [--tree DIR] [--branch NAME] [--force]",
	"Write the commits of the port branch after its base back into\n"
	"ports/vVER as format-patch files and rewrite the series.  A patch\n"
	"file with changes not committed to git is not overwritten, and an\n"
	"export that would remove every patch is refused, unless --force.",
	export_options,
};

int cmd_export(struct porttool_ctx *ctx, int argc, char **argv)
{
	struct port *p;
	git_repository *repo;
	int ret = EXIT_FAIL;

	tree_dir = branch_name = NULL;
	force = false;
	if (parse_options(argc, argv, &export_usage) != 1)
		usage_error(&export_usage, "expected one version, e.g. 5.10");
	set_export_force(force);
	p = port_load(ctx, argv[1]);
	if (!p)
		return EXIT_FAIL;
	repo = open_port_tree(p, tree_dir);
	if (!repo)
		goto out;
	if (export_branch(repo, p, branch_name ? branch_name : p->branch,
			  p->dir) == 0)
		ret = EXIT_OK;
	git_repository_free(repo);
out:
	port_free(p);
	return ret;
}
