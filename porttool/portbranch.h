/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A port in a kernel repository (portbranch.c): its base commit, the
 * commits a port branch carries on top of it, and the repository checks
 * every command that changes a tree makes first.  Building a port's
 * commits from its patch files lives in series_apply.c.
 */
#ifndef PORTTOOL_PORTBRANCH_H
#define PORTTOOL_PORTBRANCH_H

#include "porttool.h"

#include <git2.h>

/* Open the kernel repository at dir (no search upwards); prints errors. */
git_repository *open_kernel_repo(const char *dir);
/* The port's kernel repository: GIVEN (--tree), else its default tree. */
git_repository *open_port_tree(const struct port *p, const char *given);

/*
 * Find the port's base commit: base.commit if set, else the tag base.tag;
 * check base.tree when known.  Returns 0, or -1 after printing an error.
 */
int port_base_commit(git_repository *repo, const struct port *p,
		     git_commit **out);

/*
 * Fail (print and return -1) when tracked files are modified or staged.
 * what names the operation in the message.
 */
int require_clean_tree(git_repository *repo, const char *what);

/*
 * Count tracked files modified in the work tree (conflicted paths count
 * once) and staged changes, without listing the work tree (worktree.c).
 */
int count_changes(git_repository *repo, size_t *modified, size_t *staged);

/*
 * Check out target over HEAD, touching only the paths in which the two
 * trees differ (worktree.c).  strategy: GIT_CHECKOUT_SAFE or _FORCE, plus
 * flags.  Returns 0, or -1 after printing an error, having written
 * nothing when SAFE refused.
 */
int checkout_changed(git_repository *repo, git_commit *target,
		     unsigned int strategy);

/*
 * Check out to over from: only the paths in which the two trees differ,
 * with from as the baseline (what those paths are taken to hold now).
 * Used to finish or undo an interrupted apply, whose HEAD is not yet (or
 * no longer) the tree the work tree holds.
 */
int checkout_between(git_repository *repo, git_tree *from, git_tree *to,
		     unsigned int strategy);
/*
 * The same into target_dir (NULL: the work tree) through the index the
 * repository object is given (git_repository_set_index: a private one
 * keeps the user's index out of it); from NULL means target_dir is empty.
 */
int checkout_between_in(git_repository *repo, git_tree *from, git_tree *to,
			unsigned int strategy, const char *target_dir);

/*
 * The committer 'git am' would use: GIT_COMMITTER_NAME / _EMAIL from the
 * environment, else user.name / user.email from the repository's config,
 * else the author; the time is now.
 */
int committer_signature(git_signature **out, git_repository *repo,
			const git_signature *author);

/*
 * The commits of a port branch, oldest first: every commit from the base
 * (exclusive) to tip, following first parents.  corevisor is the index of
 * the corevisor install commit, or -1.  Returns 0, or -1 after printing an
 * error (e.g. the base is not an ancestor of tip).
 */
struct branch_commits {
	git_oid *ids;
	size_t n;
	long corevisor;
};

int list_branch_commits(git_repository *repo, const git_oid *base,
			const git_oid *tip, struct branch_commits *out);
void branch_commits_free(struct branch_commits *bc);

/* Read ports/vX.Y/<name> for series entry name and parse it. */
struct mail_patch;
int load_port_patch(const struct port *p, const char *name,
		    struct mail_patch *out);

/*
 * git_index_write_tree that accepts entries whose blobs the repository
 * lacks (left out of the work tree by checkout_changed).
 */
int write_tree_allow_missing(git_oid *out, git_index *index);

#endif
