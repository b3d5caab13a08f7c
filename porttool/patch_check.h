/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks a patch must pass before libgit2 sees it (patch_check.c).
 *
 * libgit2's patch parser and git_apply_to_tree trust their input more
 * than 'git am' does: a truncated "GIT binary patch" section can make
 * git_apply_to_tree loop forever, an absolute path is applied under the
 * stripped name, and a "new file" over an existing file is prepended to
 * it.  These checks refuse such patches with the error git am gives.
 */
#ifndef PORTTOOL_PATCH_CHECK_H
#define PORTTOOL_PATCH_CHECK_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Check every binary hunk of diff: "literal N"/"delta N" headers, each
 * data line's length byte and base85 text, the blank line that ends the
 * hunk, and that the data inflates to exactly N bytes.  first_line is the
 * line of the patch file the diff starts on, for messages.  Returns 0, or
 * -1 after "PATCH: corrupt binary patch at line N".
 */
int check_binary_hunks(const char *diff, size_t len, int first_line,
		       const char *patch_path);

/*
 * Check the paths the diff's header lines name ("diff --git", "---",
 * "+++", "rename/copy from/to") before libgit2 strips "a/" and "b/": an
 * absolute path such as "a//etc/passwd" is refused, as git am refuses it,
 * with "PATCH:LINE: invalid path".  Returns 0 or -1.
 */
int check_header_paths(const char *diff, size_t len, int first_line,
		       const char *patch_path);

/* git's verify_path: no leading '/', no empty, ".", ".." or ".git" part. */
bool patch_path_ok(const char *path);

/*
 * Check the parsed patch against the tree it applies to: every path is
 * valid, a new file (or a rename or copy target) does not exist yet, and
 * a changed or deleted file does.  Returns 0, or -1 after an error naming
 * the patch and the path.
 */
int check_patch_paths(git_diff *diff, git_tree *base, const char *patch_path);

/*
 * A copy of the diff that libgit2 1.5's parser reads as git does: git
 * writes an empty file's creation or deletion without "---"/"+++" lines
 * (there is no hunk), which libgit2 refuses, so they are added; git
 * ends a "---"/"+++" line with a tab when the name has a space, which
 * libgit2 would take as part of the name, so it goes; and libgit2 ends an
 * unquoted name at its first space in "diff --git" and "rename/copy
 * from/to" lines, so a name with a space is handed to it C-quoted.
 */
char *diff_for_libgit2(const char *diff, size_t len, size_t *out_len);

/*
 * git_diff_from_buffer() on diff_for_libgit2()'s copy: a patch's diff as
 * libgit2 objects, read as git reads it.  libgit2 keeps its own copy.
 */
int diff_from_patch_text(git_diff **out, const char *diff, size_t len);

#endif
