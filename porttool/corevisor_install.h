/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Installing the project's corevisor/ into a kernel tree as one commit
 * (corevisor_install.c), so that the trusted core has a single source.
 */
#ifndef PORTTOOL_COREVISOR_INSTALL_H
#define PORTTOOL_COREVISOR_INSTALL_H

#include <git2.h>

/*
 * The install commit's message: this subject, then the trailer, whose
 * value is the corevisor tree's id written as a git revision,
 * "<id>^{tree}": a bare 40-digit id in a commit message is an error to
 * checkpatch.pl (it wants commits cited as 'commit <id> ("title")'), and
 * the install commit is mailed.  A bare id (porttool before 2026-12-06)
 * is still read.
 */
#define COREVISOR_SUBJECT "sekvm: install corevisor"
#define COREVISOR_TRAILER "Corevisor-Tree: "
#define COREVISOR_TRAILER_SUFFIX "^{tree}"
/*
 * Fixed author and committer of the install commit, and a fixed date
 * (2020-01-01 00:00:00 UTC), so that the same corevisor on the same
 * parent always gives the same commit id.
 */
#define COREVISOR_AUTHOR_NAME "SeKVM porttool"
#define COREVISOR_AUTHOR_EMAIL "porttool@sekvm.example.org"
#define COREVISOR_TIME 1577836800

/*
 * Write the corevisor's files into kernel's object database as one tree
 * and return its id.  The files come from corevisor/ in the project's
 * committed HEAD (the blobs are copied from the project's repository);
 * when project_dir is not a git checkout, from the working directory.
 * Left out: test/ and tests/ directories at any depth (host-only tests),
 * corevisor/out/ and corevisor/build/, and build outputs (*.o, *.a, *.d, *.elf, *.bin, *.img, *.map, *.so).
 * Returns 0, or -1 after printing an error.
 */
int corevisor_tree(git_oid *out, git_repository *kernel,
		   const char *project_dir);

/*
 * Create (without moving any ref) the install commit on parent: parent's
 * tree with path replaced by the corevisor tree.
 */
int corevisor_commit(git_oid *out, git_repository *kernel, git_commit *parent,
		     const char *path, const git_oid *corevisor);

/* Read the Corevisor-Tree trailer of a commit message; -1 if none. */
int corevisor_trailer(git_oid *out, const char *message);

/* True when a commit is a corevisor install commit (by its subject). */
bool is_corevisor_commit(git_commit *commit);

/*
 * Return a new tree: base with the entry at path (a/b/c) replaced by the
 * tree subtree, creating the directories on the way.
 */
int tree_with_subtree(git_oid *out, git_repository *repo, git_tree *base,
		      const char *path, const git_oid *subtree);

#endif
