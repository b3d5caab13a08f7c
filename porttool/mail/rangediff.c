// SPDX-License-Identifier: GPL-2.0
/*
 * The range-diff of a cover letter: how this version of a series differs
 * from the previous one, patch by patch (see mailfmt.h).  Written here on
 * libgit2's buffer diff; git range-diff is not run.
 */
#include "mailfmt.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

enum pair_kind { PAIR_NONE, PAIR_SAME, PAIR_CHANGED };

/*
 * What range-diff compares: the subject, the message and the diff, with
 * what changes whenever the base moves removed (index lines, hunk line
 * numbers), so a plain rebase shows as unchanged.
 */
static char *comparable_text(const struct outgoing_patch *p)
{
	struct sbuf b = { 0 };
	const char *s = p->diff;

	sbuf_addf(&b, "## Subject ##\n%s\n\n## Message ##\n%s\n## Diff ##\n",
		  p->subject, p->message);
	while (*s) {
		const char *e = strchrnul(s, '\n');
		size_t n = (size_t)(e - s) + (*e ? 1 : 0);

		if (!strncmp(s, "index ", 6)) {
			/* blob ids depend on the base */
		} else if (!strncmp(s, "@@ ", 3)) {
			const char *end = strstr(s + 3, " @@");

			sbuf_puts(&b, "@@");
			if (end && end < e)
				sbuf_add(&b, end + 3, (size_t)(e - end - 3));
			sbuf_add(&b, "\n", 1);
		} else {
			sbuf_add(&b, s, n);
		}
		s += n;
	}
	return sbuf_detach(&b);
}

static const char *short_id(const struct outgoing_patch *p)
{
	return p->commit ? p->commit : p->patch_id;
}

/* The diff of the two patches' texts, indented as range-diff shows it. */
static void add_patch_diff(const char *a, const char *b, struct sbuf *out)
{
	git_patch *patch = NULL;
	git_buf buf = { 0 };
	const char *s;

	if (git_patch_from_buffers(&patch, a, strlen(a), "old", b, strlen(b),
				   "new", NULL) < 0 ||
	    git_patch_to_buf(&buf, patch) < 0) {
		git_patch_free(patch);
		sbuf_puts(out, "    (the difference could not be computed)\n");
		return;
	}
	/* Skip the "diff --git", "---" and "+++" lines about the buffers. */
	s = strstr(buf.ptr, "\n@@");
	s = s ? s + 1 : buf.ptr;
	while (*s) {
		const char *e = strchrnul(s, '\n');

		sbuf_puts(out, "    ");
		sbuf_add(out, s, (size_t)(e - s));
		sbuf_add(out, "\n", 1);
		s = *e ? e + 1 : e;
	}
	git_buf_dispose(&buf);
	git_patch_free(patch);
}

static void pair_patches(const struct outgoing_patch *old, size_t nold,
			 const struct outgoing_patch *new, size_t nnew,
			 long *match_of_new, bool *old_used)
{
	for (size_t j = 0; j < nnew; j++) {
		match_of_new[j] = -1;
		for (size_t i = 0; i < nold; i++) {
			if (!old_used[i] &&
			    !strcmp(old[i].patch_id, new[j].patch_id)) {
				match_of_new[j] = (long)i;
				old_used[i] = true;
				break;
			}
		}
	}
	/* What patch-id did not pair, the subject may: a changed patch. */
	for (size_t j = 0; j < nnew; j++) {
		if (match_of_new[j] >= 0)
			continue;
		for (size_t i = 0; i < nold; i++) {
			if (!old_used[i] &&
			    !strcmp(old[i].subject, new[j].subject)) {
				match_of_new[j] = (long)i;
				old_used[i] = true;
				break;
			}
		}
	}
}

void rangediff_format(const struct outgoing_patch *old, size_t nold,
		      const struct outgoing_patch *new, size_t nnew,
		      const char *against, struct sbuf *out)
{
	long *match = xcalloc(nnew, sizeof(*match));
	bool *used = xcalloc(nold, sizeof(*used));
	int wo = snprintf(NULL, 0, "%zu", nold), wn = snprintf(NULL, 0, "%zu", nnew);
	int w = wo > wn ? wo : wn;

	pair_patches(old, nold, new, nnew, match, used);
	sbuf_addf(out, "Range-diff against %s:\n", against);
	for (size_t j = 0; j < nnew; j++) {
		if (match[j] < 0) {
			sbuf_addf(out, "%*s:  %s > %*zu:  %.7s %s\n", w, "-",
				  "-------", w, j + 1, short_id(&new[j]),
				  new[j].subject);
			continue;
		}
		const struct outgoing_patch *o = &old[match[j]];
		char *a = comparable_text(o), *b = comparable_text(&new[j]);
		bool same = !strcmp(a, b);

		sbuf_addf(out, "%*ld:  %.7s %c %*zu:  %.7s %s\n", w, match[j] + 1,
			  short_id(o), same ? '=' : '!', w, j + 1,
			  short_id(&new[j]), new[j].subject);
		if (!same)
			add_patch_diff(a, b, out);
		free(a);
		free(b);
	}
	for (size_t i = 0; i < nold; i++)
		if (!used[i])
			sbuf_addf(out, "%*zu:  %.7s < %*s:  %s %s\n", w, i + 1,
				  short_id(&old[i]), w, "-", "-------",
				  old[i].subject);
	free(match);
	free(used);
}
