/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path names in diffs, quoted the way git quotes them (quote.c).
 *
 * git writes a path that holds a control character, a double quote, a
 * backslash or a byte of 0x80 or more (core.quotepath, on by default) as
 * a C string: in double quotes, with \a \b \t \n \v \f \r \" \\ and
 * three-digit octal for the rest.  The same form appears in "diff --git"
 * and "---"/"+++" lines, in the diffstat and in the summary, and a patch
 * reader must undo it.
 */
#ifndef PORTTOOL_QUOTE_H
#define PORTTOOL_QUOTE_H

#include "sbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* Does git C-quote this path? */
bool path_needs_quote(const char *path);

/*
 * Append prefix and path to out as git writes them: "prefixpath" when
 * the path needs quoting (the prefix inside the quotes, as in "a/x"),
 * else prefix and path as they are.
 */
void quote_path(struct sbuf *out, const char *prefix, const char *path);
/* The same, always in quotes (what a reader with no other way needs). */
void quote_path_always(struct sbuf *out, const char *prefix,
		       const char *path);

/*
 * Undo C-quoting: s[0..len) starts with '"'; on success *out is the
 * malloc'd path and the return value is how many bytes of s the quoted
 * string took (closing quote included).  Returns 0 when s is not a
 * well-formed quoted string.
 */
size_t unquote_path(const char *s, size_t len, char **out);

#endif
