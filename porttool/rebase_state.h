/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state of a stopped 'porttool rebase' (rebase_state.c), kept in
 * <gitdir>/porttool-rebase/ so that --continue and --abort can pick it up:
 * a "state" file of key=value lines, and "index.orig", the bytes of the
 * index before the rebase began, for --abort to put back.
 */
#ifndef PORTTOOL_REBASE_STATE_H
#define PORTTOOL_REBASE_STATE_H

#include "porttool.h"

#include <git2.h>

struct rebase_state {
	char *version;		/* the port being rebased */
	char *as;		/* --as NEWVER, or NULL */
	char *ports_dir;	/* where --as writes the new port */
	char *branch;		/* the port branch (moved, or read for --as) */
	char *orig_head_ref;	/* HEAD's branch before, or NULL if detached */
	char *onto_name;	/* --onto as the user gave it */
	git_oid orig_head;	/* HEAD's commit before */
	git_oid onto;		/* the new base */
	git_oid tip;		/* the last replayed commit */
	git_oid pending;	/* the commit stopped on (conflict) */
	git_oid *commits;	/* everything to replay, oldest first */
	size_t ncommits;
	size_t next;		/* index of the next commit to replay */
};

char *rebase_state_dir(git_repository *repo);
bool rebase_in_progress(git_repository *repo);
/* Save the state; the first save also copies the index bytes aside. */
int rebase_state_save(git_repository *repo, const struct rebase_state *st);
int rebase_state_load(git_repository *repo, struct rebase_state *st);
/* Put the index file back as it was before the rebase. */
int rebase_restore_index(git_repository *repo);
int rebase_state_remove(git_repository *repo);
void rebase_state_free(struct rebase_state *st);

#endif
