/* SPDX-License-Identifier: GPL-2.0 */
/* The base commit, checked out outside the user's tree (basesrc.c). */
#ifndef PORTTOOL_BASESRC_H
#define PORTTOOL_BASESRC_H

#include "porttool.h"

/*
 * Check out the commit that tag names in the repository at repo_dir into
 * dest (created or refreshed), leaving the repository's work tree, index
 * and HEAD alone.  Returns 0 or -1 after printing an error.
 */
int checkout_tag_to(const char *repo_dir, const char *tag, const char *dest);

#endif
