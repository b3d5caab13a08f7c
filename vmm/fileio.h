/* SPDX-License-Identifier: GPL-2.0-only */
/* Whole-file reads and writes with errors that name the file. */
#ifndef VMM_FILEIO_H
#define VMM_FILEIO_H

#include <stddef.h>

/*
 * Read all of path into a malloc'd buffer; *len gets its size.  On error
 * prints "PROG: PATH: reason" and returns NULL.  An empty file is an error
 * (no image, key or signature is ever empty).
 */
void *read_file(const char *prog, const char *path, size_t *len);

/* Write len bytes to path with the given mode; 0 or -1 (error printed). */
int write_file(const char *prog, const char *path, const void *data,
	       size_t len, unsigned int mode);

#endif
