// SPDX-License-Identifier: GPL-2.0
/*
 * porttool patch-id [--stable | --unstable]
 *
 * git patch-id on porttool's reading (patch_id.c): read patches from
 * standard input (git log -p, git format-patch mails, a diff) and print
 * "PATCH-ID COMMIT-ID" for each, the commit named by the "commit ID" or
 * "From ID" line before it (zeros when none).  Stable by default, the
 * kind mail's prerequisite-patch-id: line and 'porttool status' use.
 * t/t0245-patch-id.sh compares it with git patch-id on the ports' own
 * series, git's log and the shapes libgit2 reads otherwise.
 */
#include "builtin.h"
#include "patch_id.h"
#include "porttool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool stable_flag, unstable_flag;

static const struct option patch_id_options[] = {
	{ OPT_BOOL, "stable", &stable_flag, NULL,
	  "each file's hash summed: the order of files does not count (default)" },
	{ OPT_BOOL, "unstable", &unstable_flag, NULL,
	  "one hash over the whole patch, as git's default" },
	{ OPT_END },
};

static const struct usage patch_id_usage = {
	"porttool patch-id [--stable | --unstable] < PATCHES",
	"Print the patch-id of each patch on standard input, as git patch-id\n"
	"does: PATCH-ID COMMIT-ID a line.",
	patch_id_options,
};

/* "commit ID", "From ID" or a line that starts with ID: the next patch. */
static bool commit_line(const char *line, git_oid *id)
{
	const char *p = line;

	if (!strncmp(line, "commit ", 7))
		p = line + 7;
	else if (!strncmp(line, "From ", 5))
		p = line + 5;
	if (strspn(p, "0123456789abcdefABCDEF") < GIT_OID_HEXSZ)
		return false;
	return !git_oid_fromstrn(id, p, GIT_OID_HEXSZ);
}

static void print_id(struct patch_id *pid, const git_oid *commit)
{
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
	git_oid id;

	if (!patch_id_finish(pid, &id))
		return;
	printf("%s %s\n", git_oid_tostr(a, sizeof(a), &id),
	       git_oid_tostr(b, sizeof(b), commit));
}

int cmd_patch_id(struct porttool_ctx *ctx, int argc, char **argv)
{
	int n = parse_options(argc, argv, &patch_id_usage);
	struct patch_id *pid;
	git_oid commit = { { 0 } }, next;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (n > 0)
		usage_error(&patch_id_usage, "patches come on standard input");
	if (stable_flag && unstable_flag)
		usage_error(&patch_id_usage, "--stable or --unstable, not both");
	pid = patch_id_new(!unstable_flag);
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		if (!(line[0] == '\\' && line[1] == ' ') &&
		    commit_line(line, &next)) {
			print_id(pid, &commit);
			git_oid_cpy(&commit, &next);
		} else if (patch_id_line(pid, line, len) == PATCH_ID_ENDED) {
			/* git drops the line that ended it and names no commit */
			print_id(pid, &commit);
			memset(&commit, 0, sizeof(commit));
		}
	}
	print_id(pid, &commit);
	free(line);
	patch_id_free(pid);
	return EXIT_OK;
}
