/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Making a tree in a temporary directory and moving it into place, or
 * removing it when the step fails or is interrupted (tempdir.c).  The one
 * remove_tree of porttool.
 */
#ifndef PORTTOOL_TEMPDIR_H
#define PORTTOOL_TEMPDIR_H

#include <stdbool.h>

/*
 * Remove a directory tree, depth first, never following a symlink out of
 * it.  A missing path is no error.  Returns 0, or -1 after an error
 * naming what could not be removed.
 */
int remove_tree(const char *path);
/*
 * A fresh temporary directory next to dest (same file system, so that
 * rename() can move it into place).  Returns NULL after printing an error.
 */
char *temp_dir_next_to(const char *dest);
/* Move a finished tree from tmp to dest (dest missing or an empty dir). */
int move_into_place(const char *tmp, const char *dest);
/*
 * Turn SIGINT, SIGTERM and SIGHUP into a flag that long steps poll with
 * interrupted(), so they stop and remove what they half made.
 */
void trap_interrupts(void);
bool interrupted(void);

#endif
