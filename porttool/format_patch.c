// SPDX-License-Identifier: GPL-2.0
/*
 * Writing a commit as a patch mail, byte for byte as
 *
 *	git format-patch --zero-commit --no-signature -N --full-index
 *
 * writes it with git's default diff settings (rename detection on, no copy
 * detection, 3 lines of context, the indent heuristic).  That option set
 * is chosen so that a port's patches do not change when the commits are
 * re-created on another base or under another corevisor: no commit ids,
 * no patch numbers, no git version, and full blob ids that do not depend
 * on how many objects the repository holds (git's abbreviation does).
 *
 * The diff text comes from libgit2; the mail headers and the diffstat are
 * written here in git's format (libgit2's own diffstat differs from git's
 * in how it pads, scales the graph and names renames).
 *
 * Not reproduced: RFC 2047 folding of very long non-ASCII subjects, and
 * the delta-or-literal choice for modified binary files (see
 * add_binary_hunk).
 */
#include "patch.h"
#include "quote.h"
#include "rfc2047.h"
#include "sbuf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define MAIL_WRAP 78		/* rfc2822 line length for the Subject */
#define STAT_WIDTH 72		/* format-patch's diffstat width */

static void buf_repeat(struct sbuf *b, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sbuf_add(b, &c, 1);
}

static bool has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

/* RFC 2822 specials force a quoted display name, as git does. */
static bool needs_quoting(const char *name)
{
	for (; *name; name++)
		if (strchr("()<>[]:;@\\,.\"", *name))
			return true;
	return false;
}

/* RFC 2047 "Q" encoding of a display name (git: RFC2047_ADDRESS). */
static void add_encoded_name(struct sbuf *b, const char *name)
{
	sbuf_puts(b, "=?UTF-8?q?");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p == ' ')
			sbuf_puts(b, "=20");
		else if (*p >= 0x80 || !(isalnum(*p) || strchr("!*+-/", *p)))
			sbuf_addf(b, "=%02X", *p);
		else
			sbuf_add(b, (const char *)p, 1);
	}
	sbuf_puts(b, "?=");
}

/*
 * Append text folded at spaces so that no line passes MAIL_WRAP columns,
 * continuation lines starting with one space; col is the column the text
 * starts at.  A word longer than a line is not broken.  Returns the
 * column after the text.
 */
static size_t add_wrapped(struct sbuf *b, const char *text, size_t col)
{
	const char *p = text;
	bool first = true;

	while (*p) {
		const char *w = p;
		size_t n;

		while (*w == ' ')
			w++;
		if (!*w)
			break;
		n = strcspn(w, " ");
		if (first) {
			sbuf_add(b, w, n);
			col += n;
		} else if (col + 1 + n > MAIL_WRAP) {
			sbuf_puts(b, "\n ");
			sbuf_add(b, w, n);
			col = 1 + n;
		} else {
			sbuf_puts(b, " ");
			sbuf_add(b, w, n);
			col += 1 + n;
		}
		first = false;
		p = w + n;
	}
	return col;
}

/*
 * From: as git writes it: a plain name folded like the subject, a name
 * with specials quoted, a non-ASCII one RFC 2047 encoded (line limit 76
 * then); the address goes on a line of its own when it would pass the
 * limit.
 */
static void add_from(struct sbuf *b, const git_signature *a)
{
	size_t start = b->len, col, limit = MAIL_WRAP;

	sbuf_puts(b, "From: ");
	if (has_non_ascii(a->name)) {
		add_encoded_name(b, a->name);
		limit = 76;
		col = b->len - start;
	} else if (needs_quoting(a->name)) {
		sbuf_puts(b, "\"");
		for (const char *p = a->name; *p; p++) {
			if (*p == '"' || *p == '\\')
				sbuf_puts(b, "\\");
			sbuf_add(b, p, 1);
		}
		sbuf_puts(b, "\"");
		col = b->len - start;
	} else {
		col = add_wrapped(b, a->name, strlen("From: "));
	}
	if (limit < col + strlen(" <") + strlen(a->email) + strlen(">"))
		sbuf_puts(b, "\n");
	sbuf_addf(b, " <%s>\n", a->email);
}

static void add_date(struct sbuf *b, const git_time *when)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t local = (time_t)(when->time + (git_time_t)when->offset * 60);
	int off = when->offset < 0 ? -when->offset : when->offset;
	struct tm tm;

	gmtime_r(&local, &tm);
	sbuf_addf(b, "Date: %s, %d %s %d %02d:%02d:%02d %c%02d%02d\n",
		   days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		   tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		   when->offset < 0 ? '-' : '+', off / 60, off % 60);
}

/*
 * The subject is the message's first paragraph on one line, folded at
 * spaces so that no line passes 78 columns; continuation lines start with
 * one space.  A word longer than a line is not broken.
 */
/* The subject: the message's first paragraph on one line, folded. */
static void add_subject(struct sbuf *b, const char *title)
{
	const char *prefix = "Subject: [PATCH] ";

	sbuf_puts(b, prefix);
	if (has_non_ascii(title)) {
		/* git format-patch: RFC 2047 words, folded by the encoder. */
		char *enc = rfc2047_encode_subject(title, strlen(prefix));

		sbuf_puts(b, enc);
		free(enc);
	} else {
		add_wrapped(b, title, strlen(prefix));
	}
	sbuf_puts(b, "\n");
}

/*
 * The body as git format-patch writes it: trailing whitespace of each
 * line and trailing blank lines go; inner blank lines stay.
 */
static void add_body(struct sbuf *b, const char *body)
{
	size_t end = strlen(body);

	while (end && isspace((unsigned char)body[end - 1]))
		end--;
	for (size_t pos = 0; pos < end;) {
		const char *nl = memchr(body + pos, '\n', end - pos);
		size_t n = nl ? (size_t)(nl - body - pos) : end - pos;
		size_t k = n;

		while (k && isspace((unsigned char)body[pos + k - 1]))
			k--;
		sbuf_add(b, body + pos, k);
		sbuf_puts(b, "\n");
		pos += n + 1;
	}
}

/* Split a message into the title (first paragraph, one line) and body. */
static char *message_title(const char *msg, const char **body)
{
	struct sbuf t = { 0 };
	const char *p = msg;

	while (*p == '\n')
		p++;
	while (*p && *p != '\n') {
		size_t n = strcspn(p, "\n");

		if (t.len)
			sbuf_puts(&t, " ");
		sbuf_add(&t, p, n);
		p += n;
		if (*p == '\n')
			p++;
		if (*p == '\n')
			break;
	}
	while (*p == '\n')
		p++;
	*body = p;
	return sbuf_detach(&t);
}

/* ---- the diffstat, in git's format ---- */

struct stat_file {
	char *name;		/* path, or "pfx{old => new}sfx" for renames */
	size_t added, deleted;
	bool binary;
	git_off_t old_size, new_size;
};

/* A path as the diffstat and summary name it: C-quoted when git would. */
static char *quoted_name(const char *path)
{
	struct sbuf q = { 0 };

	quote_path(&q, "", path);
	return sbuf_detach(&q);
}

/*
 * "a/{x => y}/c" form of a rename, as git's diffstat shows it; when either
 * name needs C-quoting, git writes both whole: "a" => "b".
 */
static char *rename_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), pfx = 0, sfx = 0;
	const char *pa, *pb;
	long amid, bmid;

	if (path_needs_quote(a) || path_needs_quote(b)) {
		struct sbuf q = { 0 };

		quote_path(&q, "", a);
		sbuf_puts(&q, " => ");
		quote_path(&q, "", b);
		return sbuf_detach(&q);
	}
	for (size_t i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			pfx = i + 1;
	/* Common suffix that starts with '/', not overlapping the prefix. */
	pa = a + la;
	pb = b + lb;
	while (pa >= a + pfx - (pfx ? 1 : 0) && pb >= b + pfx - (pfx ? 1 : 0) &&
	       *pa == *pb) {
		if (*pa == '/')
			sfx = la - (size_t)(pa - a);
		if (pa == a || pb == b)
			break;
		pa--;
		pb--;
	}
	amid = (long)la - (long)pfx - (long)sfx;
	bmid = (long)lb - (long)pfx - (long)sfx;
	if (amid < 0)
		amid = 0;
	if (bmid < 0)
		bmid = 0;
	if (pfx + sfx)
		return xasprintf("%.*s{%.*s => %.*s}%s", (int)pfx, a, (int)amid,
				 a + pfx, (int)bmid, b + pfx, a + la - sfx);
	return xasprintf("%.*s => %.*s", (int)amid, a, (int)bmid, b);
}

/*
 * Is delta idx the deletion half of a type change (a file that becomes a
 * symlink or back)?  libgit2 writes one as a deletion and a creation of
 * the same path, next to each other, as git's patch text does; git's
 * diffstat and summary show the pair as one changed file.
 */
static bool is_type_change(git_diff *diff, size_t idx)
{
	const git_diff_delta *d = git_diff_get_delta(diff, idx), *next;

	if (idx + 1 >= git_diff_num_deltas(diff) ||
	    d->status != GIT_DELTA_DELETED)
		return false;
	next = git_diff_get_delta(diff, idx + 1);
	return next->status == GIT_DELTA_ADDED &&
	       !strcmp(d->old_file.path, next->new_file.path);
}

/* The stat of a type change: git diffs the old content with the new. */
static int type_change_stat(struct stat_file *f, git_repository *repo,
			    const git_diff_delta *del, const git_diff_delta *add)
{
	git_blob *a = NULL, *b = NULL;
	git_patch *patch = NULL;
	size_t ctx;
	int ret = -1;

	if (git_blob_lookup(&a, repo, &del->old_file.id) < 0 ||
	    git_blob_lookup(&b, repo, &add->new_file.id) < 0 ||
	    git_patch_from_blobs(&patch, a, NULL, b, NULL, NULL) < 0) {
		git_fail("diffstat of a type change");
		goto out;
	}
	f->name = quoted_name(add->new_file.path);
	f->binary = git_patch_get_delta(patch)->flags & GIT_DIFF_FLAG_BINARY;
	f->old_size = (git_off_t)del->old_file.size;
	f->new_size = (git_off_t)add->new_file.size;
	git_patch_line_stats(&ctx, &f->added, &f->deleted, patch);
	ret = 0;
out:
	git_patch_free(patch);
	git_blob_free(a);
	git_blob_free(b);
	return ret;
}

static int delta_stat(struct stat_file *f, git_diff *diff, size_t idx)
{
	const git_diff_delta *d = git_diff_get_delta(diff, idx);
	git_patch *patch;
	size_t ctx;

	if (git_patch_from_diff(&patch, diff, idx) < 0)
		return git_fail("diffstat");
	if (d->status == GIT_DELTA_RENAMED || d->status == GIT_DELTA_COPIED)
		f->name = rename_name(d->old_file.path, d->new_file.path);
	else
		f->name = quoted_name(d->new_file.path);
	f->binary = d->flags & GIT_DIFF_FLAG_BINARY;
	f->old_size = (git_off_t)d->old_file.size;
	f->new_size = (git_off_t)d->new_file.size;
	git_patch_line_stats(&ctx, &f->added, &f->deleted, patch);
	git_patch_free(patch);
	return 0;
}

static int collect_stats(git_repository *repo, git_diff *diff,
			 struct stat_file **out, size_t *n)
{
	size_t count = git_diff_num_deltas(diff), k = 0;
	struct stat_file *files = xcalloc(count ? count : 1, sizeof(*files));

	for (size_t i = 0; i < count; i++, k++) {
		int r;

		if (is_type_change(diff, i)) {
			r = type_change_stat(&files[k], repo,
					     git_diff_get_delta(diff, i),
					     git_diff_get_delta(diff, i + 1));
			i++;
		} else {
			r = delta_stat(&files[k], diff, i);
		}
		if (r < 0) {
			while (k)
				free(files[--k].name);
			free(files);
			return -1;
		}
	}
	*out = files;
	*n = k;
	return 0;
}

static int decimal_width(size_t n)
{
	int w = 1;

	while (n >= 10) {
		n /= 10;
		w++;
	}
	return w;
}

/* Scale a count into the graph width as git does (at least 1 if non-zero). */
static size_t scale_linear(size_t it, size_t width, size_t max_change)
{
	if (!it)
		return 0;
	return 1 + (it * (width - 1) / max_change);
}

struct stat_layout {
	int name_width, number_width, graph_width;
	size_t max_change;
};

static void layout_stats(const struct stat_file *f, size_t n,
			 struct stat_layout *l)
{
	int width = STAT_WIDTH, max_len = 0, bin_width = 0;
	size_t max_change = 0;

	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(f[i].name);

		if (len > max_len)
			max_len = len;
		if (f[i].binary) {
			int w = 14 + decimal_width((size_t)f[i].old_size) +
				decimal_width((size_t)f[i].new_size);

			if (w > bin_width)
				bin_width = w;
			continue;
		}
		if (f[i].added + f[i].deleted > max_change)
			max_change = f[i].added + f[i].deleted;
	}
	l->number_width = decimal_width(max_change);
	if (bin_width && l->number_width < 3)
		l->number_width = 3;	/* "Bin" */
	if (width < 16 + 6 + l->number_width)
		width = 16 + 6 + l->number_width;
	l->graph_width = (int)max_change + 4 > bin_width ? (int)max_change :
			 bin_width - 4;
	l->name_width = max_len;
	if (l->name_width + l->number_width + 6 + l->graph_width > width) {
		if (l->graph_width > width * 3 / 8 - l->number_width - 6) {
			l->graph_width = width * 3 / 8 - l->number_width - 6;
			if (l->graph_width < 6)
				l->graph_width = 6;
		}
		if (l->name_width > width - l->number_width - 6 - l->graph_width)
			l->name_width = width - l->number_width - 6 -
					l->graph_width;
		else
			l->graph_width = width - l->number_width - 6 -
					 l->name_width;
	}
	l->max_change = max_change;
}

static void add_stat_line(struct sbuf *b, const struct stat_file *f,
			  const struct stat_layout *l)
{
	const char *name = f->name, *prefix = "";
	int len = l->name_width, name_len = (int)strlen(name), pad;

	if (l->name_width < name_len) {
		const char *slash;

		prefix = "...";
		len -= 3;
		name += name_len - len;
		slash = strchr(name, '/');
		if (slash)
			name = slash;
	}
	pad = len - (int)strlen(name);
	if (pad < 0)
		pad = 0;
	sbuf_addf(b, " %s%s%*s | ", prefix, name, pad, "");
	if (f->binary) {
		sbuf_addf(b, "%*s", l->number_width, "Bin");
		if (f->old_size || f->new_size)
			sbuf_addf(b, " %lld -> %lld bytes",
				   (long long)f->old_size,
				   (long long)f->new_size);
		sbuf_puts(b, "\n");
		return;
	}
	{
		size_t add = f->added, del = f->deleted;

		sbuf_addf(b, "%*zu%s", l->number_width, add + del,
			   add + del ? " " : "");
		if ((size_t)l->graph_width <= l->max_change) {
			size_t total = scale_linear(add + del,
						    (size_t)l->graph_width,
						    l->max_change);

			if (total < 2 && add && del)
				total = 2;
			if (add < del) {
				add = scale_linear(add, (size_t)l->graph_width,
						   l->max_change);
				del = total - add;
			} else {
				del = scale_linear(del, (size_t)l->graph_width,
						   l->max_change);
				add = total - del;
			}
		}
		buf_repeat(b, '+', add);
		buf_repeat(b, '-', del);
		sbuf_puts(b, "\n");
	}
}

static void add_stat_totals(struct sbuf *b, const struct stat_file *f, size_t n)
{
	size_t ins = 0, del = 0;

	for (size_t i = 0; i < n; i++) {
		if (f[i].binary)
			continue;
		ins += f[i].added;
		del += f[i].deleted;
	}
	sbuf_addf(b, " %zu file%s changed", n, n == 1 ? "" : "s");
	if (ins || !del)
		sbuf_addf(b, ", %zu insertion%s(+)", ins, ins == 1 ? "" : "s");
	if (del || !ins)
		sbuf_addf(b, ", %zu deletion%s(-)", del, del == 1 ? "" : "s");
	sbuf_puts(b, "\n");
}

/*
 * Rename similarity as git computes it (diffcore-delta.c), since libgit2's
 * own score differs: each file is cut into spans that end at a newline or
 * after 64 bytes (a CR before LF is ignored in text), each span is hashed
 * with git's span hash, the bytes of spans whose hash appears on both
 * sides count as copied (the smaller count), and the score is
 * copied / max(size) in git's two-step integer arithmetic.
 */
#define SPAN_HASHBASE 107927u

struct span {
	unsigned int hash;
	size_t bytes;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

static struct span *hash_spans(const unsigned char *buf, size_t size,
			       size_t *n)
{
	struct span *sp = xcalloc(size + 1, sizeof(*sp));
	bool is_text = !memchr(buf, '\0', size < 8000 ? size : 8000);
	unsigned int accum1 = 0, accum2 = 0, hashval = 0;
	size_t count = 0, len = 0;

	for (size_t i = 0; i < size; i++) {
		unsigned int c = buf[i], old1 = accum1;

		if (is_text && c == '\r' && i + 1 < size && buf[i + 1] == '\n')
			continue;
		accum1 = (accum1 << 7) ^ (accum2 >> 25);
		accum2 = (accum2 << 7) ^ (old1 >> 25);
		accum1 += c;
		if (++len < 64 && c != '\n')
			continue;
		hashval = (accum1 + accum2 * 0x61) % SPAN_HASHBASE;
		sp[count++] = (struct span){ hashval, len };
		len = 0;
		accum1 = accum2 = 0;
	}
	if (len) {
		hashval = (accum1 + accum2 * 0x61) % SPAN_HASHBASE;
		sp[count++] = (struct span){ hashval, len };
	}
	qsort(sp, count, sizeof(*sp), span_cmp);
	*n = count;
	return sp;
}

static size_t common_span_bytes(const struct span *a, size_t na,
				const struct span *b, size_t nb)
{
	size_t i = 0, j = 0, copied = 0;

	while (i < na && j < nb) {
		if (a[i].hash < b[j].hash) {
			i++;
		} else if (a[i].hash > b[j].hash) {
			j++;
		} else {
			unsigned int h = a[i].hash;
			size_t ba = 0, bb = 0;

			while (i < na && a[i].hash == h)
				ba += a[i++].bytes;
			while (j < nb && b[j].hash == h)
				bb += b[j++].bytes;
			copied += ba < bb ? ba : bb;
		}
	}
	return copied;
}

static int git_similarity(git_repository *repo, const git_diff_delta *d)
{
	git_blob *a = NULL, *b = NULL;
	struct span *sa, *sb;
	size_t na, nb, max, sza, szb;
	unsigned long long score;
	int pct = d->similarity;

	if (git_blob_lookup(&a, repo, &d->old_file.id) < 0 ||
	    git_blob_lookup(&b, repo, &d->new_file.id) < 0)
		goto out;
	sza = (size_t)git_blob_rawsize(a);
	szb = (size_t)git_blob_rawsize(b);
	max = sza > szb ? sza : szb;
	if (git_oid_equal(&d->old_file.id, &d->new_file.id) || !max) {
		pct = 100;
		goto out;
	}
	sa = hash_spans(git_blob_rawcontent(a), sza, &na);
	sb = hash_spans(git_blob_rawcontent(b), szb, &nb);
	/* git: score = copied * MAX_SCORE / max; percent = score * 100 / MAX_SCORE */
	score = (unsigned long long)common_span_bytes(sa, na, sb, nb) * 60000 /
		max;
	pct = (int)(score * 100 / 60000);
	free(sa);
	free(sb);
out:
	git_blob_free(a);
	git_blob_free(b);
	return pct;
}

static void add_mode_change(struct sbuf *b, unsigned int from, unsigned int to,
			    const char *path)
{
	sbuf_addf(b, " mode change %06o => %06o", from, to);
	if (path) {
		char *name = quoted_name(path);

		sbuf_addf(b, " %s", name);
		free(name);
	}
	sbuf_puts(b, "\n");
}

static void add_mode_name(struct sbuf *b, const char *what, unsigned int mode,
			  const char *path)
{
	char *name = quoted_name(path);

	sbuf_addf(b, " %s mode %06o %s\n", what, mode, name);
	free(name);
}

/* --summary: creations, deletions, renames and mode changes. */
static void add_summary(struct sbuf *b, git_repository *repo, git_diff *diff)
{
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (is_type_change(diff, i)) {
			add_mode_change(b, d->old_file.mode,
					git_diff_get_delta(diff, i + 1)->new_file.mode,
					d->old_file.path);
			i++;
		} else if (d->status == GIT_DELTA_ADDED) {
			add_mode_name(b, "create", d->new_file.mode,
				      d->new_file.path);
		} else if (d->status == GIT_DELTA_DELETED) {
			add_mode_name(b, "delete", d->old_file.mode,
				      d->old_file.path);
		} else if (d->status == GIT_DELTA_RENAMED) {
			char *name = rename_name(d->old_file.path,
						 d->new_file.path);

			sbuf_addf(b, " rename %s (%d%%)\n", name,
				   git_similarity(repo, d));
			free(name);
			if (d->old_file.mode != d->new_file.mode)
				add_mode_change(b, d->old_file.mode,
						d->new_file.mode, NULL);
		} else if (d->old_file.mode != d->new_file.mode) {
			add_mode_change(b, d->old_file.mode, d->new_file.mode,
					d->new_file.path);
		}
	}
}

/*
 * The diffstat is written here, not by libgit2's git_diff_get_stats and
 * git_diff_stats_to_buf, because libgit2 1.5's text is not git's: it
 * scales the graph by rounding (git: 1 + (n * (width - 1)) / max) and
 * always draws at least one '+' and one '-', pads a binary file's "Bin"
 * without git's number column, names a rename "old => new" where git
 * writes "dir/{old => new}", quotes no name, lists a type change as two
 * files, and its summary has no "rename" lines.  The line counts do come
 * from libgit2 (git_patch_line_stats), which are git's xdiff counts.
 */
static int add_diffstat(struct sbuf *b, git_repository *repo, git_diff *diff)
{
	struct stat_file *files = NULL;
	struct stat_layout layout;
	size_t n = 0;

	if (collect_stats(repo, diff, &files, &n) < 0)
		return -1;
	layout_stats(files, n, &layout);
	for (size_t i = 0; i < n; i++)
		add_stat_line(b, &files[i], &layout);
	add_stat_totals(b, files, n);
	add_summary(b, repo, diff);
	for (size_t i = 0; i < n; i++)
		free(files[i].name);
	free(files);
	return 0;
}

/* The commit's diff against its first parent, with git's defaults. */
int commit_diff(git_diff **diff, git_repository *repo,
		       git_commit *commit)
{
	git_diff_options opts;
	git_diff_find_options find;
	git_tree *old_tree = NULL, *new_tree = NULL;
	git_commit *parent = NULL;
	int ret = -1;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);

	opts.flags = GIT_DIFF_SHOW_BINARY | GIT_DIFF_INDENT_HEURISTIC;
	opts.id_abbrev = GIT_OID_HEXSZ;
	find.flags = GIT_DIFF_FIND_RENAMES;
	if (git_commit_parentcount(commit) &&
	    git_commit_parent(&parent, commit, 0) < 0)
		return git_fail("reading the parent commit");
	if ((parent && git_commit_tree(&old_tree, parent) < 0) ||
	    git_commit_tree(&new_tree, commit) < 0) {
		git_fail("reading a commit's tree");
		goto out;
	}
	if (git_diff_tree_to_tree(diff, repo, old_tree, new_tree, &opts) < 0 ||
	    git_diff_find_similar(*diff, &find) < 0) {
		git_fail("diffing a commit against its parent");
		goto out;
	}
	ret = 0;
out:
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	git_commit_free(parent);
	return ret;
}

struct print_state {
	struct sbuf *out;
	git_repository *repo;
};

/* An empty file created or deleted: git writes no "---"/"+++" for it. */
static bool is_empty_add_or_delete(const git_diff_delta *d)
{
	git_oid empty;

	if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_DELETED)
		return false;
	git_oid_fromstr(&empty, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
	return git_oid_equal(d->status == GIT_DELTA_ADDED ? &d->new_file.id :
			     &d->old_file.id, &empty);
}

/*
 * Header lines as git writes them: a "---"/"+++" line whose name has a
 * space ends with a tab (so that a trailing space can be told from none;
 * git looks at the name itself, quoted or not); no_names drops the
 * "---"/"+++" lines (an empty file's add or delete).
 */
static void add_header_lines(struct sbuf *b, const git_diff_delta *d,
			     const char *text, size_t len, bool no_names)
{
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text - pos) : len - pos;
		const char *l = text + pos;
		bool names = n > 4 && (!memcmp(l, "--- ", 4) ||
				       !memcmp(l, "+++ ", 4));
		const char *path = l[0] == '-' ? d->old_file.path :
				   d->new_file.path;
		bool tab = names &&
			   (n != 13 || memcmp(l + 4, "/dev/null", 9)) &&
			   path && strchr(path, ' ');

		if (no_names && names) {
			pos += n + 1;
			continue;
		}
		sbuf_add(b, l, n);
		if (tab)
			sbuf_puts(b, "\t");
		if (nl)
			sbuf_puts(b, "\n");
		pos += n + 1;
	}
}

/* Replace libgit2's "similarity index N%" in a file header with git's. */
static void add_file_header(struct print_state *st, const git_diff_delta *d,
			    const char *text, size_t len)
{
	const char *key = "similarity index ";
	const char *hit = d->status == GIT_DELTA_RENAMED ?
			  memmem(text, len, key, strlen(key)) : NULL;
	const char *nl;

	if (!hit || !(nl = memchr(hit, '\n', len - (size_t)(hit - text)))) {
		add_header_lines(st->out, d, text, len, is_empty_add_or_delete(d));
		return;
	}
	add_header_lines(st->out, d, text, (size_t)(hit - text), false);
	sbuf_addf(st->out, "%s%d%%", key, git_similarity(st->repo, d));
	add_header_lines(st->out, d, nl, len - (size_t)(nl - text), false);
}

/*
 * Binary hunks of added and deleted files, as git writes them: the blob
 * deflated at zlib level 1 (git's default, Z_BEST_SPEED; libgit2 uses
 * the zlib default, so its bytes differ), in git's base85 with a length
 * letter per line of up to 52 bytes.  A modified binary file keeps
 * libgit2's hunk: git would choose between a delta and a literal by its
 * own delta encoder, which is not reproduced.
 */
static const char base85[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			     "abcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";

static void add_base85_line(struct sbuf *b, const unsigned char *p, size_t n)
{
	char c = n <= 26 ? (char)('A' + n - 1) : (char)('a' + n - 27);

	sbuf_add(b, &c, 1);
	for (size_t i = 0; i < n; i += 4) {
		uint32_t v = 0;
		char out[5];

		for (size_t k = 0; k < 4; k++)
			v = (v << 8) | (i + k < n ? p[i + k] : 0);
		for (int k = 4; k >= 0; k--) {
			out[k] = base85[v % 85];
			v /= 85;
		}
		sbuf_add(b, out, 5);
	}
	sbuf_puts(b, "\n");
}

static int add_literal(struct sbuf *b, const void *data, size_t size)
{
	uLongf len = compressBound((uLong)size);
	unsigned char *z = xmalloc(len);

	if (compress2(z, &len, data, (uLong)size, Z_BEST_SPEED) != Z_OK) {
		free(z);
		error("deflating a binary file failed");
		return -1;
	}
	sbuf_addf(b, "literal %zu\n", size);
	for (size_t i = 0; i < len; i += 52)
		add_base85_line(b, z + i, len - i < 52 ? len - i : 52);
	sbuf_puts(b, "\n");
	free(z);
	return 0;
}

static int add_blob_literal(struct sbuf *b, git_repository *repo, const git_oid *id)
{
	git_blob *blob;
	int ret;

	if (git_blob_lookup(&blob, repo, id) < 0)
		return git_fail("reading a binary file");
	ret = add_literal(b, git_blob_rawcontent(blob),
			  (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return ret;
}

/* Returns 1 when it wrote the hunk, 0 to keep libgit2's, -1 on error. */
static int add_binary_hunk(struct print_state *st, const git_diff_delta *d)
{
	if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_DELETED)
		return 0;
	sbuf_puts(st->out, "GIT binary patch\n");
	if (d->status == GIT_DELTA_ADDED) {
		if (add_blob_literal(st->out, st->repo, &d->new_file.id) < 0 ||
		    add_literal(st->out, "", 0) < 0)
			return -1;
	} else if (add_literal(st->out, "", 0) < 0 ||
		   add_blob_literal(st->out, st->repo, &d->old_file.id) < 0) {
		return -1;
	}
	return 1;
}

static int print_line(const git_diff_delta *d, const git_diff_hunk *h,
		      const git_diff_line *l, void *payload)
{
	struct print_state *st = payload;

	if (l->origin == GIT_DIFF_LINE_BINARY) {
		int r = add_binary_hunk(st, d);

		if (r)
			return r < 0 ? r : 0;
	}
	if (l->origin == GIT_DIFF_LINE_FILE_HDR) {
		add_file_header(st, d, l->content, l->content_len);
		return 0;
	}
	if (l->origin == GIT_DIFF_LINE_CONTEXT ||
	    l->origin == GIT_DIFF_LINE_ADDITION ||
	    l->origin == GIT_DIFF_LINE_DELETION)
		sbuf_add(st->out, &l->origin, 1);
	sbuf_add(st->out, l->content, l->content_len);
	return 0;
}

int commit_diff_text(struct sbuf *b, git_repository *repo, git_diff *diff)
{
	struct print_state st = { b, repo };

	if (git_diff_print(diff, GIT_DIFF_FORMAT_PATCH, print_line, &st) < 0)
		return git_fail("formatting the diff");
	return 0;
}

int format_patch_commit(struct sbuf *out, git_repository *repo,
			git_commit *commit)
{
	const git_signature *author = git_commit_author(commit);
	const char *msg = git_commit_message_raw(commit), *body;
	git_diff *diff = NULL;
	char *title;
	int ret;

	if (commit_diff(&diff, repo, commit) < 0)
		return -1;
	title = message_title(msg, &body);
	sbuf_puts(out, "From 0000000000000000000000000000000000000000 "
		      "Mon Sep 17 00:00:00 2001\n");
	add_from(out, author);
	add_date(out, &author->when);
	add_subject(out, title);
	if (has_non_ascii(msg) || has_non_ascii(author->name))
		sbuf_puts(out, "MIME-Version: 1.0\n"
			      "Content-Type: text/plain; charset=UTF-8\n"
			      "Content-Transfer-Encoding: 8bit\n");
	sbuf_puts(out, "\n");
	add_body(out, body);
	sbuf_puts(out, "---\n");
	ret = add_diffstat(out, repo, diff);
	if (!ret) {
		sbuf_puts(out, "\n");
		ret = commit_diff_text(out, repo, diff);
	}
	free(title);
	git_diff_free(diff);
	return ret;
}

char *format_patch_filename(int number, const char *subject)
{
	/*
	 * git: letters, digits, '.' and '_' stay, every other run becomes
	 * one '-', trailing '.' and '-' go; then "NNNN-subject" is cut to
	 * 57 characters (64 with ".patch", less one), which may leave a
	 * trailing '-'.
	 */
	const size_t max = 57;
	char *prefix = xasprintf("%04d-", number);
	size_t n = strlen(prefix);
	char *name = xmalloc(n + strlen(subject) + 1);
	bool dash = false;
	char *r;

	memcpy(name, prefix, n);
	for (const char *p = subject; *p; p++) {
		if (isalnum((unsigned char)*p) || *p == '.' || *p == '_') {
			if (dash && n > strlen(prefix))
				name[n++] = '-';
			dash = false;
			name[n++] = *p;
		} else {
			dash = true;
		}
	}
	while (n > strlen(prefix) && (name[n - 1] == '.' || name[n - 1] == '-'))
		n--;
	if (n > max)
		n = max;
	name[n] = '\0';
	r = xasprintf("%s.patch", name);
	free(name);
	free(prefix);
	return r;
}
