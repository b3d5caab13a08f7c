/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checks 'porttool mail' runs before a series goes out: the tree's
 * scripts/checkpatch.pl on every patch, and (--build-each) a build after
 * each patch, so the series is bisectable.
 */
#ifndef MAIL_CHECK_H
#define MAIL_CHECK_H

#include "mailfmt.h"

/*
 * Run tree/scripts/checkpatch.pl on each patch file.  Returns the number of
 * patches with errors (each named, with its ERROR lines, on stderr), or -1
 * if checkpatch could not be run.
 */
int checkpatch_series(const char *tree, const char *const *paths, size_t n);

/*
 * Apply the patches one by one on base (a revision of the git repository
 * tree) in a scratch work tree that borrows the repository's objects, and
 * run cmd with /bin/sh there after each.  Returns 0 if every step built;
 * otherwise names the first patch that did not apply or build and
 * returns -1.
 */
int build_each(const char *tree, const char *base, const char *cmd,
	       const struct outgoing_patch *v, size_t n);

#endif
