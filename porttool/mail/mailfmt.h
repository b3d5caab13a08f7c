/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mail formatting for 'porttool mail': reading a port's format-patch files,
 * and writing the series as mail the way git format-patch and git
 * send-email do (a cover letter, numbered and threaded patches).
 */
#ifndef MAILFMT_H
#define MAILFMT_H

#include "porttool.h"

#include <time.h>

#include "sbuf.h"

/* One patch file in git format-patch form, split into its parts. */
struct outgoing_patch {
	char *name;		/* file name or "commit abc1234" */
	char *commit;		/* from the "From <sha> Mon Sep 17" line, or NULL */
	char *author;		/* From: header */
	char *date;		/* Date: header */
	char *subject;		/* Subject: without the leading [PATCH ...] */
	struct strlist mime;	/* MIME-Version, Content-*: header lines */
	char *message;		/* commit message body, up to the "---" line */
	char *after;		/* from the "---" line to the signature */
	char *diff;		/* from the first "diff --git", without signature */
	struct strlist files;	/* every path the diff names (old and new) */
	char patch_id[41];	/* git patch-id (libgit2's git_diff_patchid) */
};

/*
 * Parse the text of one format-patch file; name is used in errors
 * ("name:LINE: ...").  Returns -1 after printing an error.
 */
int outgoing_patch_parse(const char *name, const char *text, struct outgoing_patch *p);
int outgoing_patch_load(const char *path, struct outgoing_patch *p);
void outgoing_patch_free(struct outgoing_patch *p);
void outgoing_patches_free(struct outgoing_patch *v, size_t n);
/*
 * Load a directory of patches: the files its 'series' lists, or else
 * every *.patch in name order (a cover letter, 0000-*, is skipped).
 */
int outgoing_patches_load_dir(const char *dir, struct outgoing_patch **out, size_t *n);

/* Per-file line counts for a diffstat, summed over the series. */
struct diffstat_file {
	char *path;
	size_t added, deleted;
};

struct diffstat {
	struct diffstat_file *f;
	size_t n;
};

int diffstat_add_patch(struct diffstat *ds, const struct outgoing_patch *p);
void diffstat_format(const struct diffstat *ds, struct sbuf *out);
void diffstat_free(struct diffstat *ds);
/*
 * The exact diffstat of base..tip, the series applied in memory on base (a
 * revision of the git repository tree); -1 if that cannot be done (not a
 * repository, no base, a patch that does not apply), and nothing written.
 */
int diffstat_from_tree(const char *tree, const char *base,
		       const struct outgoing_patch *v, size_t n, struct sbuf *out);
/*
 * "Interdiff against vN:": the code of the previous series' tip against
 * this one's, both applied on base (mail_tree.c); -1 if either cannot be.
 */
int interdiff_from_tree(const char *tree, const char *base,
			const struct outgoing_patch *old, size_t nold,
			const struct outgoing_patch *new, size_t nnew,
			const char *against, struct sbuf *out);

/* One message of the series, ready to write or send. */
struct mail_msg {
	int index;		/* 0 = cover letter, 1..N = patches */
	char *subject;		/* with its [PATCH vN MM/NN] prefix */
	char *message_id;	/* "<...>" */
	char *file_name;	/* 0000-cover-letter.patch, 0001-slug.patch */
	char *mbox_from;	/* "From <commit> Mon Sep 17 ..." line for files */
	char *text;		/* the message as mailed: headers and body, LF */
};

/* What every message of one series shares. */
struct series_mail {
	int reroll;		/* 1 = v1: plain [PATCH MM/NN] */
	const char *prefix;	/* "PATCH", or "RFC PATCH" with --rfc */
	const char *sender;	/* From: of every message; NULL: the author */
	const char *const *to;	/* formatted addresses */
	size_t nto;
	const char *const *cc;
	size_t ncc;
	const char *series_hash; /* mail_series_hash() of the series */
	const char *in_reply_to; /* "<id>" the cover letter answers, or NULL */
	bool send_dates;	/* Date: now (+1 s a message), not the author's */
	time_t now;
};

/* "[PATCH v2 03/12]" style prefix for message index of total. */
char *mail_subject_prefix(const struct series_mail *s, int index, int total);
/*
 * Stable Message-IDs: a hash of every patch's subject, message and diff,
 * and the version, so a resend of the same series has the same ids.
 * mail_series_hash computes it once (hex); mail_message_id makes the id
 * of message index from it.
 */
char *mail_series_hash(const struct outgoing_patch *v, size_t n, int reroll);
char *mail_message_id(const char *series_hash, int reroll, int index);
/* format-patch's file name: 0003-the-subject-made-safe.patch */
char *mail_file_name(int index, const char *subject);
/* Build message index (0 = cover, whose body is cover_body). */
void mail_build(const struct series_mail *s, const struct outgoing_patch *v,
		size_t n, int index, const char *cover_subject,
		const char *cover_body, struct mail_msg *out);
void mail_msg_free(struct mail_msg *m);
/* RFC 2822 date for t in the local zone. */
char *mail_date(time_t t);

/* ---- range-diff (rangediff.c) ---- */
/*
 * "Range-diff against vN:" of the previous series old[] and this one new[]:
 * patches are paired by patch-id, then by subject; each pair is shown
 * unchanged (=) or changed (!, followed by the diff of the two patches),
 * and the rest as added (>) or removed (<).
 */
void rangediff_format(const struct outgoing_patch *old, size_t nold,
		      const struct outgoing_patch *new, size_t nnew,
		      const char *against, struct sbuf *out);

#endif
