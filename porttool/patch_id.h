/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Patch-ids as 'git patch-id' computes them, from a diff's text.
 *
 * libgit2's git_diff_patchid() agrees with git on ordinary diffs but not
 * on a file section without hunks (an empty file created or deleted):
 * libgit2 1.5 cannot parse such a section at all, and once it is given
 * the "---"/"+++" lines it needs (diff_for_libgit2()), it hashes them,
 * where git hashes the section's header lines alone.  A patch-id that
 * porttool mails (prerequisite-patch-id:) must be git's, so porttool
 * reads the text by git's rules instead:
 *
 *  - a file section's header lines are hashed without their white space,
 *    except its "index" line, whose two object names are kept;
 *  - from "--- " on, the diff lines are hashed without white space and
 *    the hunk headers ("@@ -a,b +c,d @@") are not: their counts only say
 *    where the hunk ends;
 *  - a binary section is its two object names, nothing of its data;
 *  - "\ No newline at end of file" lines are not hashed;
 *  - stable (git's --stable, what mail and format-patch use): each file
 *    section is hashed alone and the digests are added as 20-byte
 *    little-endian numbers, so the order of files does not matter;
 *    unstable: one digest over the whole patch.
 */
#ifndef PORTTOOL_PATCH_ID_H
#define PORTTOOL_PATCH_ID_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

struct patch_id;

/* What feeding a line did: part of this patch, or it ended the patch. */
enum patch_id_step {
	PATCH_ID_MORE,
	PATCH_ID_ENDED,		/* the line is not the diff's: the patch ended */
};

struct patch_id *patch_id_new(bool stable);
void patch_id_free(struct patch_id *pid);

/* Feed one line (with or without its '\n'); see enum patch_id_step. */
enum patch_id_step patch_id_line(struct patch_id *pid, const char *line,
				 size_t len);

/*
 * The id of what was fed, and start over.  Returns the number of bytes
 * hashed: 0 when nothing was (no diff), and then *out is not set.
 */
size_t patch_id_finish(struct patch_id *pid, git_oid *out);

/*
 * git patch-id --stable of one patch's text (a mail, a diff, or just the
 * diff part); what follows the diff (a "-- " signature) is ignored.
 * 0, or -1 when the text holds no diff.
 */
int patch_id_of_text(git_oid *out, const char *text, size_t len);

#endif
