/* SPDX-License-Identifier: GPL-2.0 */
/* The previous version of a series, for --since (see mail_since.c). */
#ifndef MAIL_SINCE_H
#define MAIL_SINCE_H

#include "mailfmt.h"

/*
 * since: a directory of patches, or a revision of the git repository tree
 * (the old series is base..since).  Prints an error and returns -1.
 */
int since_load(const char *since, const char *tree, const char *base,
	       struct outgoing_patch **out, size_t *n);

#endif
