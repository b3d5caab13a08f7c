/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Placing a patch's hunks where their preimage really is (hunk_apply.c).
 *
 * libgit2's git_apply_to_tree applies a hunk only at exactly the line its
 * header names.  'git am' also accepts a hunk whose lines are found
 * elsewhere in the file (an offset) and, with -C, with some outer context
 * lines ignored (fuzz).  relocate_hunks rewrites a diff so that every text
 * hunk's header names the lines where its preimage matches (and drops the
 * context lines fuzz ignored), so that libgit2 can then apply it exactly:
 * added, deleted, renamed and binary files and mode changes stay libgit2's.
 */
#ifndef PORTTOOL_HUNK_APPLY_H
#define PORTTOOL_HUNK_APPLY_H

#include "sbuf.h"

#include <stddef.h>

/*
 * Where the files' preimages come from: the content of the idx-th file of
 * the diff (in "diff --git" order) before the patch, and its path for
 * messages.  An added file's preimage is empty.  Returns 0, or -1 after
 * printing an error.
 */
struct preimage_source {
	int (*read)(void *payload, size_t idx, const char **path,
		    const char **buf, size_t *len);
	void *payload;
};

/*
 * Write to out the diff with every text hunk moved to where its preimage
 * (context and removed lines, compared byte for byte) matches: at the
 * stated line, else the nearest line before or after it, keeping hunks in
 * order and apart.  When no exact match exists anywhere, up to max_fuzz
 * leading and trailing context lines are dropped and the search repeated.
 * Each moved or fuzzed hunk is reported on stderr as
 * "PATCH: file F: hunk N applied at offset +K".  patch_name names the
 * patch in messages.  Returns 0, or -1 after an error naming the patch,
 * the file and the hunk that matched nowhere.
 */
int relocate_hunks(struct sbuf *out, const char *diff, size_t len,
		   int max_fuzz, const char *patch_name,
		   const struct preimage_source *src);

/*
 * Hand over (and forget) the hunks relocate_hunks placed elsewhere than
 * their header said since the last call, one line each:
 * "PATCH: FILE:LINE: hunk N at offset +K[ with fuzz F]", LINE being where
 * the hunk's text now starts in the patched file.
 */
struct strlist;
void take_placed_hunks(struct strlist *out);

/* How many "diff --git" file sections the diff holds. */
size_t diff_file_count(const char *diff, size_t len);

#endif
