/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Patch files in 'git format-patch' form: parsing them (patch.c), writing
 * them (format_patch.c), and applying a series of them in memory
 * (series_apply.c).
 */
#ifndef PORTTOOL_PATCH_H
#define PORTTOOL_PATCH_H

#include "porttool.h"

#include <git2.h>

/*
 * One mail of a format-patch file, split the way 'git am' splits it.
 * All strings are NUL-terminated copies owned by the struct.
 */
struct mail_patch {
	char *author_name;
	char *author_email;
	git_time_t author_time;	/* seconds since the epoch, UTC */
	int author_offset;	/* minutes east of UTC, from the Date header */
	char *subject;		/* "[PATCH ...]" prefixes stripped */
	char *message;		/* subject, blank line, body: the commit message */
	char *diff;		/* from the first "diff --git" line to the end */
	size_t diff_len;
	int diff_line;		/* the line of the file the diff starts on */
};

/*
 * Parse one format-patch mail from buf.  path names the file in error
 * messages.  Returns 0, or -1 after printing an error that names the file
 * and line.
 */
/*
 * Name and address of a From value ("Name <a@b>", "a@b (Name)"), as git
 * mailinfo reads them; -1 without an address.  The caller frees both.
 */
int parse_from(const char *from, char **name, char **email);

int mail_patch_parse(const char *buf, size_t len, const char *path,
		     struct mail_patch *out);
/* The same without the diff (diff stays NULL): for 'porttool mailinfo'. */
int mail_patch_info(const char *buf, size_t len, const char *path,
		    struct mail_patch *out);
void mail_patch_free(struct mail_patch *m);


/*
 * Write a commit as 'git format-patch --zero-commit --no-signature -N
 * --full-index' writes it: the mbox "From 000...0" line, From/Date/Subject headers, the
 * message body, "---", a diffstat with summary, and the diff.  Appends to
 * out (see sbuf.h).
 */
struct sbuf;
int format_patch_commit(struct sbuf *out, git_repository *repo,
			git_commit *commit);
/*
 * The commit's diff against its first parent with format-patch's
 * settings (renames found, binary shown, full ids, indent heuristic).
 */
int commit_diff(git_diff **diff, git_repository *repo, git_commit *commit);
/* The text of commit_diff()'s diff as format-patch writes it; appends. */
int commit_diff_text(struct sbuf *out, git_repository *repo, git_diff *diff);

/*
 * The file name format-patch gives the commit's patch: NNNN-subject.patch,
 * with the subject reduced to letters, digits, '.', '_' and '-'.
 */
char *format_patch_filename(int number, const char *subject);

#endif
