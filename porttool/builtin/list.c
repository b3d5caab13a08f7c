// SPDX-License-Identifier: GPL-2.0
/*
 * porttool list: one line per port under --ports DIR, in version order.
 *
 * A broken port (no port.conf, a malformed config or series, a series that
 * names a missing patch, a directory name that is not a version) does not
 * stop the listing: its error goes to stderr, the line says ERROR, the
 * other ports are still listed, and the exit status is 1.
 */
#include "builtin.h"
#include "tree.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static const struct option list_options[] = {
	{ OPT_END },
};

static const struct usage list_usage = {
	.synopsis = "porttool list",
	.description =
	"List every port: its base (version, tag, whether base.commit and\n"
	"base.tree are recorded), its boards, the number of patches in its\n"
	"series, and its embedded default tree (a Debian package; 'cached'\n"
	"once 'porttool tree' has prepared it).  Exits 1 when a port is broken,\n"
	"after listing the others.",
	.opts = list_options,
};

#define ROW "%-7s %-10s %-11s %-6s %-6s %-7s %-16s %s\n"

static char *boards_text(const struct port *p)
{
	char *s = xstrdup(p->nboards ? "" : "-");

	for (size_t i = 0; i < p->nboards; i++) {
		char *t = xasprintf("%s%s%s", s, i ? "," : "", p->boards[i].name);

		free(s);
		s = t;
	}
	return s;
}

static char *default_tree_text(const struct port *p)
{
	if (!port_has_default_tree(p))
		return xstrdup("none (--from CLONE or --tarball FILE)");
	if (!p->debian_package) {
		char *url = release_tarball_url(p), *s;

		s = xasprintf("%s%s", url,
			      default_tree_cached(p) ? ", cached" : "");
		free(url);
		return s;
	}
	return xasprintf("debian %s=%s (%s)%s", p->debian_package,
			 p->debian_version, p->debian_suite,
			 default_tree_cached(p) ? ", cached" : "");
}

static void print_port(const struct port *p)
{
	char *name = xasprintf("v%s", p->version);
	char *npatches = xasprintf("%zu", p->npatches);
	char *boards = boards_text(p);
	char *def = default_tree_text(p);

	printf(ROW, name, p->base_version, p->base_tag,
	       p->base_commit ? "known" : "-", p->base_tree ? "known" : "-",
	       npatches, boards, def);
	free(name);
	free(npatches);
	free(boards);
	free(def);
}

/* Directories that look like ports (v...) but are not named vX.Y. */
static int check_port_dir_names(const char *ports_dir)
{
	DIR *d = opendir(ports_dir);
	struct dirent *de;
	int bad = 0;

	if (!d)
		return 0;	/* ports_list reports it */
	while ((de = readdir(d))) {
		char *path, *v;

		if (de->d_name[0] != 'v')
			continue;
		path = xasprintf("%s/%s", ports_dir, de->d_name);
		v = normalize_version(de->d_name);
		if (!v && is_dir(path)) {
			error("%s: not a port directory name (expected vX.Y, e.g. v5.10)",
			      path);
			printf(ROW, de->d_name, "ERROR", "-", "-", "-", "-", "-",
			       "bad directory name (see stderr)");
			bad = 1;
		}
		free(v);
		free(path);
	}
	closedir(d);
	return bad;
}

int cmd_list(struct porttool_ctx *ctx, int argc, char **argv)
{
	struct strlist versions = { 0 };
	int rc = EXIT_OK;

	if (parse_options(argc, argv, &list_usage) != 0)
		usage_error(&list_usage, "list takes no arguments");
	printf(ROW, "PORT", "BASE", "TAG", "COMMIT", "TREE", "PATCHES",
	       "BOARDS", "DEFAULT TREE");
	if (ports_list(ctx->ports_dir, &versions))
		return EXIT_FAIL;
	for (size_t i = 0; i < versions.n; i++) {
		struct port *p = port_load(ctx, versions.items[i]);
		char *name;

		if (p) {
			print_port(p);
			port_free(p);
			continue;
		}
		name = xasprintf("v%s", versions.items[i]);
		printf(ROW, name, "ERROR", "-", "-", "-", "-", "-",
		       "broken port (see stderr)");
		free(name);
		rc = EXIT_FAIL;
	}
	if (check_port_dir_names(ctx->ports_dir))
		rc = EXIT_FAIL;
	if (!versions.n && rc == EXIT_OK)
		info("no ports in %s", ctx->ports_dir);
	strlist_free(&versions);
	return rc;
}
