// SPDX-License-Identifier: GPL-2.0
/*
 * Moving hunks to where their preimage is (see hunk_apply.h).
 *
 * The diff is copied line by line; only hunks change: each is parsed, its
 * preimage (context and '-' lines) searched for in the file's lines from
 * the stated line outward, nearest first, earlier lines before later ones
 * at the same distance, never before the end of the previous hunk's match
 * (hunks apply in order and do not overlap).  A hunk whose context reaches
 * the start of the file (it begins at line 1) or its end (no trailing
 * context) must match there, because that is what its context says.
 * Fuzz level f drops up to f context lines at each end of the hunk, only
 * after every smaller level found no match.  The hunk is written back with
 * a header naming the lines it matched, which libgit2 then applies as is.
 * Lines are compared as bytes: a CR is content, and a line followed by
 * "\ No newline at end of file" matches only a last line without one.
 */
#include "hunk_apply.h"
#include "porttool.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line of a buffer, with its newline if it has one. */
struct span {
	const char *p;
	size_t len;
};

struct span_list {
	struct span *v;
	size_t n;
};

/* One line of a hunk body. */
struct hunk_line {
	char origin;		/* ' ', '-' or '+' */
	struct span text;	/* the whole patch line, origin included */
	struct span marker;	/* a following "\ No newline..." line, or empty */
};

struct hunk {
	size_t old_start, old_count, new_start, new_count;
	struct span tail;	/* the header after its second "@@" */
	struct span header;	/* the whole header line, for messages */
	struct hunk_line *lines;
	size_t n;
};

/* Per file: the preimage's lines and where the previous hunk left off. */
struct file_state {
	const char *path;
	struct span_list pre;
	size_t next_free;	/* first line a later hunk may match at */
	long shift;		/* lines added minus removed by earlier hunks */
	int hunk_no;
	bool loaded;
};

/* An absent marker is added with p NULL and n 0: nothing to copy. */
static void put(struct sbuf *b, const char *p, size_t n)
{
	if (n)
		sbuf_add(b, p, n);
}

static void split_lines(const char *buf, size_t len, struct span_list *out)
{
	size_t cap = 0;

	out->v = NULL;
	out->n = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;

		if (out->n == cap) {
			cap = cap ? cap * 2 : 64;
			out->v = xrealloc(out->v, cap * sizeof(*out->v));
		}
		out->v[out->n].p = buf + pos;
		out->v[out->n].len = n;
		out->n++;
		pos += n;
	}
}

static bool starts(const struct span *l, const char *s)
{
	size_t n = strlen(s);

	return l->len >= n && !memcmp(l->p, s, n);
}

size_t diff_file_count(const char *diff, size_t len)
{
	struct span_list lines;
	size_t n = 0;

	split_lines(diff, len, &lines);
	for (size_t i = 0; i < lines.n; i++)
		if (starts(&lines.v[i], "diff --git "))
			n++;
	free(lines.v);
	return n;
}

/* "N" or "N,M" at *s; a missing count means 1, as in diff's headers. */
static bool parse_range(const char **s, size_t *start, size_t *count)
{
	char *end;

	if (**s < '0' || **s > '9')
		return false;
	*start = strtoul(*s, &end, 10);
	*count = 1;
	if (*end == ',') {
		if (end[1] < '0' || end[1] > '9')
			return false;
		*count = strtoul(end + 1, &end, 10);
	}
	*s = end;
	return true;
}

/* "@@ -a[,b] +c[,d] @@tail" */
static bool parse_hunk_header(const struct span *l, struct hunk *h)
{
	char *line = xasprintf("%.*s", (int)l->len, l->p);
	const char *s = line + 4, *close;
	bool ok = false;

	if (!parse_range(&s, &h->old_start, &h->old_count) ||
	    strncmp(s, " +", 2))
		goto out;
	s += 2;
	if (!parse_range(&s, &h->new_start, &h->new_count) ||
	    strncmp(s, " @@", 3))
		goto out;
	close = s + 3;
	h->tail.p = l->p + (close - line);
	h->tail.len = l->len - (size_t)(close - line);
	h->header = *l;
	ok = true;
out:
	free(line);
	return ok;
}

static char origin_of(const struct span *l)
{
	/* A context line whose lone space a mailer stripped. */
	if (l->len == 1 && l->p[0] == '\n')
		return ' ';
	if (l->len && (l->p[0] == ' ' || l->p[0] == '-' || l->p[0] == '+'))
		return l->p[0];
	return 0;
}

/*
 * Read a hunk's body from lines[*i] on, as many lines as its header
 * counts, with the "\ No newline" markers that follow lines.
 */
static bool read_hunk_body(const struct span_list *lines, size_t *i,
			   struct hunk *h)
{
	size_t old_left = h->old_count, new_left = h->new_count;

	h->lines = xcalloc(h->old_count + h->new_count + 1, sizeof(*h->lines));
	h->n = 0;
	while (old_left || new_left) {
		struct hunk_line *hl;
		char o;

		if (*i >= lines->n)
			return false;
		o = origin_of(&lines->v[*i]);
		if (!o || (o != '+' && !old_left) || (o != '-' && !new_left))
			return false;
		if (o != '+')
			old_left--;
		if (o != '-')
			new_left--;
		hl = &h->lines[h->n++];
		hl->origin = o;
		hl->text = lines->v[(*i)++];
		if (*i < lines->n && starts(&lines->v[*i], "\\"))
			hl->marker = lines->v[(*i)++];
	}
	return true;
}

/* What a hunk line says the file holds: no origin, no newline if marked. */
static struct span content_of(const struct hunk_line *hl)
{
	struct span c = { hl->text.p + 1, hl->text.len ? hl->text.len - 1 : 0 };

	if (hl->text.len == 1 && hl->text.p[0] == '\n')
		c = hl->text;	/* the stripped-space context line: "\n" */
	if (hl->marker.len && c.len && c.p[c.len - 1] == '\n')
		c.len--;
	return c;
}

/* The part of a hunk tried at one fuzz level: lines [first, last). */
struct hunk_view {
	size_t first, last;
	size_t npre, npost;	/* preimage and postimage line counts */
};

static struct hunk_view view_of(const struct hunk *h, size_t lead, size_t trail)
{
	struct hunk_view v = { lead, h->n - trail, 0, 0 };

	for (size_t k = v.first; k < v.last; k++) {
		if (h->lines[k].origin != '+')
			v.npre++;
		if (h->lines[k].origin != '-')
			v.npost++;
	}
	return v;
}

static bool matches_at(const struct span_list *file, const struct hunk *h,
		       const struct hunk_view *v, size_t pos)
{
	size_t at = pos;

	for (size_t k = v->first; k < v->last; k++) {
		struct span want;

		if (h->lines[k].origin == '+')
			continue;
		want = content_of(&h->lines[k]);
		if (file->v[at].len != want.len ||
		    memcmp(file->v[at].p, want.p, want.len))
			return false;
		at++;
	}
	return true;
}

/* Context lines at the start and at the end of the hunk. */
static void context_edges(const struct hunk *h, size_t *lead, size_t *trail)
{
	*lead = *trail = 0;
	while (*lead < h->n && h->lines[*lead].origin == ' ')
		(*lead)++;
	while (*trail < h->n - *lead &&
	       h->lines[h->n - 1 - *trail].origin == ' ')
		(*trail)++;
}

struct placement {
	struct hunk_view view;
	size_t pos;		/* 0-based first preimage line in the file */
	long offset;		/* pos minus the stated line */
	int fuzz;
	size_t lead, trail;	/* context lines fuzz dropped */
};

/*
 * Search [lo, hi] for the view's preimage, nearest to want first; the
 * anchors pin it to the file's start or end.
 */
static bool search(const struct span_list *file, const struct hunk *h,
		   const struct hunk_view *v, size_t want, size_t lo,
		   bool at_start, bool at_end, size_t *found)
{
	size_t hi;

	if (v->npre > file->n || file->n - v->npre < lo)
		return false;
	hi = file->n - v->npre;
	if (at_start)
		lo = hi = 0;
	if (at_end) {
		if (hi < lo)
			return false;
		lo = hi;
	}
	for (size_t d = 0;; d++) {
		bool below_gone = want < d || want - d < lo;
		bool above_gone = want + d > hi;

		if (below_gone && above_gone)
			return false;
		if (!below_gone && want - d <= hi &&
		    matches_at(file, h, v, want - d)) {
			*found = want - d;
			return true;
		}
		if (d && !above_gone && want + d >= lo &&
		    matches_at(file, h, v, want + d)) {
			*found = want + d;
			return true;
		}
	}
}

/* Find where the hunk goes, trying fuzz levels 0..max_fuzz in turn. */
static bool place_hunk(const struct file_state *f, const struct hunk *h,
		       int max_fuzz, struct placement *pl)
{
	size_t lead_ctx, trail_ctx;
	size_t prev_lead = SIZE_MAX, prev_trail = SIZE_MAX;

	context_edges(h, &lead_ctx, &trail_ctx);
	/* A marked last line must stay: it is what says "end of file". */
	if (trail_ctx && h->lines[h->n - 1].marker.len)
		trail_ctx = 0;
	for (int fz = 0; fz <= max_fuzz; fz++) {
		size_t lead = (size_t)fz < lead_ctx ? (size_t)fz : lead_ctx;
		size_t trail = (size_t)fz < trail_ctx ? (size_t)fz : trail_ctx;
		struct hunk_view v;
		size_t stated, pos;
		bool at_start, at_end;

		if (lead == prev_lead && trail == prev_trail)
			break;	/* no more context to drop */
		prev_lead = lead;
		prev_trail = trail;
		v = view_of(h, lead, trail);
		stated = (h->old_count ? h->old_start - 1 : h->old_start) + lead;
		at_start = !lead && h->old_start <= 1 && v.npre;
		at_end = !trail && !trail_ctx && lead_ctx && v.npre;
		if (!search(&f->pre, h, &v, stated, f->next_free, at_start,
			    at_end, &pos))
			continue;
		pl->view = v;
		pl->pos = pos;
		pl->offset = (long)pos - (long)stated;
		pl->fuzz = fz;
		pl->lead = lead;
		pl->trail = trail;
		return true;
	}
	return false;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Every hunk placed elsewhere than its header said, for the summary. */
static struct strlist placed;

void take_placed_hunks(struct strlist *out)
{
	*out = placed;
	memset(&placed, 0, sizeof(placed));
}

static void record_placement(const char *patch_name, const struct file_state *f,
			     const struct placement *pl)
{
	char *fuzz = pl->fuzz ? xasprintf(" with fuzz %d", pl->fuzz) :
			       xstrdup("");
	char *line = xasprintf("%s: %s:%ld: hunk %d at offset %+ld%s",
			       base_name(patch_name), f->path,
			       (long)pl->pos + f->shift + 1, f->hunk_no,
			       pl->offset, fuzz);

	strlist_push(&placed, line);
	free(line);
	free(fuzz);
}

static void report_placement(const char *patch_name, const struct file_state *f,
			     const struct placement *pl)
{
	if (!pl->offset && !pl->fuzz)
		return;
	record_placement(patch_name, f, pl);
	fprintf(stderr, "%s: file %s: hunk %d applied at offset %+ld",
		base_name(patch_name), f->path, f->hunk_no, pl->offset);
	if (pl->fuzz)
		fprintf(stderr, " with fuzz %d (%zu leading and %zu trailing "
			"context lines ignored)", pl->fuzz, pl->lead, pl->trail);
	fputc('\n', stderr);
}

/* The hunk as libgit2 will apply it: at the placement, fuzzed lines gone. */
static void write_hunk(struct sbuf *out, struct file_state *f,
		       const struct hunk *h, const struct placement *pl)
{
	const struct hunk_view *v = &pl->view;
	size_t old_start = v->npre ? pl->pos + 1 : pl->pos;
	long new_pos = (long)pl->pos + f->shift;
	size_t new_start = (size_t)(v->npost ? new_pos + 1 : new_pos);

	sbuf_addf(out, "@@ -%zu,%zu +%zu,%zu @@", old_start, v->npre,
		new_start, v->npost);
	put(out, h->tail.p, h->tail.len);
	for (size_t k = v->first; k < v->last; k++) {
		put(out, h->lines[k].text.p, h->lines[k].text.len);
		put(out, h->lines[k].marker.p, h->lines[k].marker.len);
	}
	f->shift += (long)v->npost - (long)v->npre;
	f->next_free = pl->pos + v->npre;
}

static int load_preimage(struct file_state *f, size_t idx,
			 const struct preimage_source *src)
{
	const char *buf;
	size_t len;

	if (src->read(src->payload, idx, &f->path, &buf, &len) < 0)
		return -1;
	split_lines(buf, len, &f->pre);
	f->loaded = true;
	return 0;
}

static void hunk_failed(const char *patch_name, const struct file_state *f,
			const struct hunk *h, int max_fuzz)
{
	size_t n = h->header.len;

	while (n && (h->header.p[n - 1] == '\n' || h->header.p[n - 1] == '\r'))
		n--;
	if (max_fuzz)
		error("%s does not apply: %s: hunk '%.*s' failed (hunk %d of "
		      "the file matches nowhere, not at an offset and not with "
		      "up to %d context lines ignored at each end)",
		      patch_name, f->path, (int)n, h->header.p, f->hunk_no,
		      max_fuzz);
	else
		error("%s does not apply: %s: hunk '%.*s' failed (hunk %d of "
		      "the file matches nowhere, not even at an offset; "
		      "--fuzz N ignores up to N outer context lines)",
		      patch_name, f->path, (int)n, h->header.p, f->hunk_no);
}

/* Parse, place and rewrite the hunk whose header is lines[*i]. */
static int relocate_one(struct sbuf *out, const struct span_list *lines,
			size_t *i, struct file_state *f, int max_fuzz,
			const char *patch_name)
{
	struct hunk h = { 0 };
	struct placement pl;
	int ret = -1;

	f->hunk_no++;
	if (!parse_hunk_header(&lines->v[*i], &h)) {
		error("%s: %s: hunk %d: malformed header '%.*s'", patch_name,
		      f->path, f->hunk_no, (int)lines->v[*i].len,
		      lines->v[*i].p);
		return -1;
	}
	(*i)++;
	if (!read_hunk_body(lines, i, &h)) {
		error("%s: %s: hunk %d: the body does not match its header's "
		      "line counts", patch_name, f->path, f->hunk_no);
		goto out;
	}
	if (!place_hunk(f, &h, max_fuzz, &pl)) {
		hunk_failed(patch_name, f, &h, max_fuzz);
		goto out;
	}
	report_placement(patch_name, f, &pl);
	write_hunk(out, f, &h, &pl);
	ret = 0;
out:
	free(h.lines);
	return ret;
}

static void file_state_reset(struct file_state *f)
{
	free(f->pre.v);
	memset(f, 0, sizeof(*f));
}

int relocate_hunks(struct sbuf *out, const char *diff, size_t len,
		   int max_fuzz, const char *patch_name,
		   const struct preimage_source *src)
{
	struct span_list lines;
	struct file_state f = { 0 };
	size_t file_idx = 0, i = 0;
	bool in_file = false;
	int ret = -1;

	split_lines(diff, len, &lines);
	while (i < lines.n) {
		const struct span *l = &lines.v[i];

		if (starts(l, "diff --git ")) {
			if (in_file)
				file_idx++;
			in_file = true;
			file_state_reset(&f);
		} else if (in_file && starts(l, "@@ -")) {
			if (!f.loaded && load_preimage(&f, file_idx, src) < 0)
				goto out;
			if (relocate_one(out, &lines, &i, &f, max_fuzz,
					 patch_name) < 0)
				goto out;
			continue;
		}
		put(out, l->p, l->len);
		i++;
	}
	ret = 0;
out:
	file_state_reset(&f);
	free(lines.v);
	return ret;
}
