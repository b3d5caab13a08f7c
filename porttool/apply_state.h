/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The switch 'porttool apply' makes to its new branch, journaled so that
 * a crash at any point can be finished or undone (apply_state.c).
 *
 * Every commit is built before anything visible changes.  The switch then
 * goes, in this order: write <gitdir>/porttool-apply (the journal: the
 * branch, its commit, and HEAD before), check out the changed paths (the
 * index is written last, by libgit2), create the branch, point HEAD at it,
 * remove the journal.  While the journal exists, 'porttool status' names
 * the half-done apply, 'porttool apply VER' finishes it and 'porttool
 * apply VER --abort' puts HEAD, the index and the files back.  Each of
 * those steps can itself be interrupted and run again.
 */
#ifndef PORTTOOL_APPLY_STATE_H
#define PORTTOOL_APPLY_STATE_H

#include "porttool.h"

#include <git2.h>

struct apply_state {
	char *port_dir;		/* ports/vX.Y the commits came from */
	char *branch;		/* the branch being created */
	git_oid target;		/* its commit */
	char *orig_ref;		/* HEAD's branch before, or NULL if detached */
	git_oid orig;		/* HEAD's commit before */
};

bool apply_in_progress(git_repository *repo);
int apply_state_load(git_repository *repo, struct apply_state *st);
void apply_state_free(struct apply_state *st);

/*
 * Create branch at target and switch to it from HEAD, journaled.  A safe
 * checkout refuses (and nothing changes) when a file is in the way.
 */
int apply_switch(git_repository *repo, const char *port_dir,
		 const char *branch, const git_oid *target);
/* Finish the journaled switch, from wherever it stopped. */
int apply_finish(git_repository *repo);
/* Undo it: HEAD, the index and the files as before, the branch gone. */
int apply_abort(git_repository *repo);

/*
 * The hunks an apply placed at an offset or with fuzz (hunk_apply.h), kept
 * in <gitdir>/porttool-hunks/<commit> for the tip it built, so that
 * 'porttool status' can list them later.  load returns 1 and fills out
 * when commit has a record, 0 when not.
 */
int placed_hunks_save(git_repository *repo, const git_oid *commit,
		      const struct strlist *hunks);
int placed_hunks_load(git_repository *repo, const git_oid *commit,
		      struct strlist *out);

#endif
