// SPDX-License-Identifier: GPL-2.0
/*
 * Reading format-patch files and writing the series as mail: see mailfmt.h.
 * Diffs are parsed by libgit2 (diff_from_patch_text(): git_diff_from_buffer
 * on a copy it reads as git does), which gives the files and line counts;
 * the patch-id is git's, read from the text (patch_id.c), so porttool and
 * git agree on both.
 */
#include "mailfmt.h"
#include "mailhdr.h"
#include "maintainers.h"
#include "patch_check.h"
#include "patch_id.h"
#include "rfc2047.h"

#include <ctype.h>
#include <dirent.h>
#include <git2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


/* ---- parsing a format-patch file ---- */

static char *dup_range(const char *b, const char *e)
{
	char *s = xmalloc((size_t)(e - b) + 1);

	memcpy(s, b, (size_t)(e - b));
	s[e - b] = '\0';
	return s;
}

static int header_field(struct outgoing_patch *p, const char *name,
			const char *line, const char *end, int lineno)
{
	const char *colon = memchr(line, ':', (size_t)(end - line));
	size_t nlen;
	char *value;

	if (!colon || colon == line) {
		error("%s:%d: not a mail header: '%.*s'", name, lineno,
		      (int)(strchrnul(line, '\n') - line), line);
		return -1;
	}
	nlen = (size_t)(colon - line);
	value = mail_header_value(colon + 1, (size_t)(end - colon - 1));
	if (nlen == 4 && !strncasecmp(line, "From", 4)) {
		/* Kept decoded (UTF-8); encoded again whenever it is a header. */
		free(p->author);
		p->author = rfc2047_decode(value);
		free(value);
	} else if (nlen == 4 && !strncasecmp(line, "Date", 4)) {
		free(p->date);
		p->date = value;
	} else if (nlen == 7 && !strncasecmp(line, "Subject", 7)) {
		char *decoded = rfc2047_decode(value);

		free(p->subject);
		p->subject = strip_subject_prefix(decoded);
		free(decoded);
		free(value);
	} else if ((nlen == 12 && !strncasecmp(line, "MIME-Version", 12)) ||
		   !strncasecmp(line, "Content-", 8)) {
		if (nlen == 25 &&
		    !strncasecmp(line, "Content-Transfer-Encoding", nlen) &&
		    (strcasestr(value, "base64") ||
		     strcasestr(value, "quoted-printable"))) {
			error("%s:%d: Content-Transfer-Encoding '%s' is not supported "
			      "(write the patch with 8bit)", name, lineno, value);
			free(value);
			return -1;
		}
		char *full = xasprintf("%.*s: %s", (int)nlen, line, value);

		strlist_push(&p->mime, full);
		free(full);
		free(value);
	} else {
		free(value);	/* Message-ID, To, Cc of an earlier mailing */
	}
	return 0;
}

/* Headers run to the first empty line; returns where the body starts. */
static const char *parse_headers(struct outgoing_patch *p, const char *name,
				 const char *text, int *lineno)
{
	const char *s = text;

	if (!strncmp(s, "From ", 5)) {
		const char *sp = s + 5, *e = strpbrk(sp, " \n");

		if (e && e - sp == 40)
			p->commit = dup_range(sp, e);
		s = strchrnul(s, '\n');
		if (*s)
			s++;
		(*lineno)++;
	}
	while (*s && *s != '\n') {
		const char *e = s;
		int first = *lineno;

		/* A header is its line and every continuation line after it. */
		do {
			e = strchrnul(e, '\n');
			if (*e)
				e++;
			(*lineno)++;
		} while (*e == ' ' || *e == '\t');
		if (header_field(p, name, s, e[-1] == '\n' ? e - 1 : e, first))
			return NULL;
		s = e;
	}
	if (*s == '\n') {
		s++;
		(*lineno)++;
	}
	return s;
}

/* The first line of text that is exactly line. */
static const char *find_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *s = text;;) {
		if (!strncmp(s, line, n) && (s[n] == '\n' || !s[n]))
			return s;
		s = strchr(s, '\n');
		if (!s)
			return NULL;
		s++;
	}
}

static const char *find_line_prefix(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *s = text;;) {
		if (!strncmp(s, prefix, n))
			return s;
		s = strchr(s, '\n');
		if (!s)
			return NULL;
		s++;
	}
}

/*
 * The signature git appends ("-- \n2.39.2\n"; libgit2 writes "--\n"): the
 * last such line with at most one line of text after it.
 */
static bool is_signature_at(const char *s)
{
	const char *rest;

	if (!strncmp(s, "-- \n", 4))
		rest = s + 4;
	else if (!strncmp(s, "--\n", 3))
		rest = s + 3;
	else
		return false;
	rest = strchrnul(rest, '\n');
	while (*rest == '\n')
		rest++;
	return !*rest;
}

static const char *find_signature(const char *text)
{
	for (const char *s = text; s && *s; s = strchr(s, '\n')) {
		if (*s == '\n')
			s++;
		if (is_signature_at(s))
			return s;
	}
	return text + strlen(text);
}

static int diff_stats_and_id(struct outgoing_patch *p, const char *name)
{
	git_diff *diff = NULL;
	git_oid id;

	if (diff_from_patch_text(&diff, p->diff, strlen(p->diff)) < 0) {
		const git_error *e = git_error_last();

		error("%s: cannot parse the diff: %s", name,
		      e && e->message ? e->message : "unknown error");
		return -1;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->old_file.path && !strlist_has(&p->files, d->old_file.path))
			strlist_push(&p->files, d->old_file.path);
		if (d->new_file.path && !strlist_has(&p->files, d->new_file.path))
			strlist_push(&p->files, d->new_file.path);
	}
	git_diff_free(diff);
	if (patch_id_of_text(&id, p->diff, strlen(p->diff)) < 0) {
		error("%s: no diff to compute a patch-id of", name);
		return -1;
	}
	git_oid_tostr(p->patch_id, sizeof(p->patch_id), &id);
	return 0;
}

int outgoing_patch_parse(const char *name, const char *text, struct outgoing_patch *p)
{
	const char *body, *dashes, *sig, *diff;
	int lineno = 1;

	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	body = parse_headers(p, name, text, &lineno);
	if (!body)
		goto fail;
	if (!p->author || !p->subject) {
		error("%s: no %s header: not a git format-patch file", name,
		      p->author ? "Subject:" : "From:");
		goto fail;
	}
	dashes = find_line(body, "---");
	if (!dashes) {
		error("%s: no '---' line between the message and the diff", name);
		goto fail;
	}
	sig = find_signature(dashes);
	diff = find_line_prefix(dashes, "diff --git ");
	if (!diff || diff > sig) {
		error("%s: no 'diff --git' in the patch", name);
		goto fail;
	}
	p->message = dup_range(body, dashes);
	p->after = dup_range(dashes, sig);
	p->diff = dup_range(diff, sig);
	if (!p->date)
		p->date = xstrdup("");
	if (diff_stats_and_id(p, name))
		goto fail;
	return 0;
fail:
	outgoing_patch_free(p);
	return -1;
}

int outgoing_patch_load(const char *path, struct outgoing_patch *p)
{
	size_t len;
	char *text = read_file(path, &len);
	int rc;

	if (!text) {
		error("cannot read patch '%s'", path);
		return -1;
	}
	if (strlen(text) != len) {
		error("%s: contains a NUL byte; not a mail", path);
		free(text);
		return -1;
	}
	rc = outgoing_patch_parse(path, text, p);
	free(text);
	return rc;
}

void outgoing_patch_free(struct outgoing_patch *p)
{
	free(p->name);
	free(p->commit);
	free(p->author);
	free(p->date);
	free(p->subject);
	strlist_free(&p->mime);
	free(p->message);
	free(p->after);
	free(p->diff);
	strlist_free(&p->files);
	memset(p, 0, sizeof(*p));
}

void outgoing_patches_free(struct outgoing_patch *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outgoing_patch_free(&v[i]);
	free(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The patch names of a directory: its series, or its *.patch files. */
static int patch_names(const char *dir, struct strlist *names)
{
	char *series = xasprintf("%s/series", dir);
	DIR *d;
	struct dirent *de;

	if (is_file(series)) {
		size_t len;
		char *buf = read_file(series, &len);
		struct series_entry *s;
		size_t n;
		int rc = buf ? series_parse(buf, len, series, &s, &n) : -1;

		if (!buf)
			error("cannot read '%s'", series);
		free(buf);
		free(series);
		if (rc)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (s[i].patch)
				strlist_push(names, s[i].patch);
		series_free(s, n);
		return 0;
	}
	free(series);
	d = opendir(dir);
	if (!d) {
		error("cannot open the patch directory '%s'", dir);
		return -1;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 6 && !strcmp(de->d_name + l - 6, ".patch") &&
		    !strstr(de->d_name, "0000-cover-letter"))
			strlist_push(names, de->d_name);
	}
	closedir(d);
	if (names->n)
		qsort(names->items, names->n, sizeof(char *), cmp_str);
	return 0;
}

int outgoing_patches_load_dir(const char *dir, struct outgoing_patch **out, size_t *n)
{
	struct strlist names = { 0 };
	struct outgoing_patch *v;

	if (patch_names(dir, &names))
		return -1;
	v = xcalloc(names.n, sizeof(*v));
	for (size_t i = 0; i < names.n; i++) {
		char *path = xasprintf("%s/%s", dir, names.items[i]);
		int rc = outgoing_patch_load(path, &v[i]);

		free(path);
		if (rc) {
			outgoing_patches_free(v, i);
			strlist_free(&names);
			return -1;
		}
	}
	*out = v;
	*n = names.n;
	strlist_free(&names);
	return 0;
}

/* ---- diffstat ---- */

static struct diffstat_file *diffstat_get(struct diffstat *ds, const char *path)
{
	for (size_t i = 0; i < ds->n; i++)
		if (!strcmp(ds->f[i].path, path))
			return &ds->f[i];
	ds->f = xrealloc(ds->f, (ds->n + 1) * sizeof(*ds->f));
	ds->f[ds->n].path = xstrdup(path);
	ds->f[ds->n].added = ds->f[ds->n].deleted = 0;
	return &ds->f[ds->n++];
}

/*
 * The series diffstat sums each patch's counts per file: without the tree
 * at hand this is what the patches themselves say, and it equals
 * git diff --stat base..tip unless a later patch undoes an earlier one.
 */
int diffstat_add_patch(struct diffstat *ds, const struct outgoing_patch *p)
{
	git_diff *diff = NULL;

	if (diff_from_patch_text(&diff, p->diff, strlen(p->diff)) < 0)
		return git_fail(p->name);
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		git_patch *patch = NULL;
		size_t ctx, add = 0, del = 0;
		const char *path = d->status == GIT_DELTA_DELETED ?
				   d->old_file.path : d->new_file.path;
		struct diffstat_file *f;

		if (git_patch_from_diff(&patch, diff, i) < 0) {
			git_diff_free(diff);
			return git_fail(p->name);
		}
		git_patch_line_stats(&ctx, &add, &del, patch);
		git_patch_free(patch);
		f = diffstat_get(ds, path);
		f->added += add;
		f->deleted += del;
	}
	git_diff_free(diff);
	return 0;
}

static int cmp_stat(const void *a, const void *b)
{
	return strcmp(((const struct diffstat_file *)a)->path,
		      ((const struct diffstat_file *)b)->path);
}

void diffstat_format(const struct diffstat *ds, struct sbuf *out)
{
	size_t namew = 0, maxchg = 0, adds = 0, dels = 0, graphw;
	int countw;

	qsort(ds->f, ds->n, sizeof(*ds->f), cmp_stat);
	for (size_t i = 0; i < ds->n; i++) {
		size_t l = strlen(ds->f[i].path);
		size_t c = ds->f[i].added + ds->f[i].deleted;

		namew = l > namew ? l : namew;
		maxchg = c > maxchg ? c : maxchg;
		adds += ds->f[i].added;
		dels += ds->f[i].deleted;
	}
	countw = snprintf(NULL, 0, "%zu", maxchg);
	/* Like git: the graph shrinks so a line fits in 72 columns. */
	graphw = 72 > namew + (size_t)countw + 4 ? 72 - namew - (size_t)countw - 4 : 10;
	if (graphw > 53)
		graphw = 53;
	for (size_t i = 0; i < ds->n; i++) {
		const struct diffstat_file *f = &ds->f[i];
		size_t a = f->added, d = f->deleted;

		if (maxchg > graphw) {
			/* Scale, but keep at least one mark for any change. */
			a = a ? (a * graphw + maxchg - 1) / maxchg : 0;
			d = d ? (d * graphw + maxchg - 1) / maxchg : 0;
		}
		/* git: no space after the count when there is no graph */
		sbuf_addf(out, " %-*s | %*zu%s", (int)namew, f->path, countw,
			  f->added + f->deleted,
			  f->added + f->deleted ? " " : "");
		for (size_t k = 0; k < a; k++)
			sbuf_add(out, "+", 1);
		for (size_t k = 0; k < d; k++)
			sbuf_add(out, "-", 1);
		sbuf_add(out, "\n", 1);
	}
	sbuf_addf(out, " %zu file%s changed", ds->n, ds->n == 1 ? "" : "s");
	if (adds || !dels)
		sbuf_addf(out, ", %zu insertion%s(+)", adds, adds == 1 ? "" : "s");
	if (dels || !adds)
		sbuf_addf(out, ", %zu deletion%s(-)", dels, dels == 1 ? "" : "s");
	sbuf_add(out, "\n", 1);
}

void diffstat_free(struct diffstat *ds)
{
	for (size_t i = 0; i < ds->n; i++)
		free(ds->f[i].path);
	free(ds->f);
	memset(ds, 0, sizeof(*ds));
}

/* ---- composing messages ---- */

char *mail_subject_prefix(const struct series_mail *s, int index, int total)
{
	int w = snprintf(NULL, 0, "%d", total);

	if (s->reroll > 1)
		return xasprintf("[%s v%d %0*d/%d]", s->prefix, s->reroll, w,
				 index, total);
	return xasprintf("[%s %0*d/%d]", s->prefix, w, index, total);
}

char *mail_series_hash(const struct outgoing_patch *v, size_t n, int reroll)
{
	struct sbuf b = { 0 };
	git_oid id;
	char hex[GIT_OID_HEXSZ + 1];

	sbuf_addf(&b, "porttool mail series\nversion %d\n", reroll);
	for (size_t i = 0; i < n; i++) {
		/* NUL-separated, so that no two series hash the same text. */
		sbuf_puts(&b, v[i].subject);
		sbuf_add(&b, "", 1);
		sbuf_puts(&b, v[i].message);
		sbuf_add(&b, "", 1);
		sbuf_puts(&b, v[i].diff);
		sbuf_add(&b, "", 1);
	}
	git_odb_hash(&id, b.buf, b.len, GIT_OBJECT_BLOB);
	git_oid_tostr(hex, sizeof(hex), &id);
	sbuf_free(&b);
	return xstrdup(hex);
}

char *mail_message_id(const char *series_hash, int reroll, int index)
{
	return xasprintf("<porttool.%.20s.v%d.%d@sekvm.invalid>", series_hash,
			 reroll, index);
}

char *mail_file_name(int index, const char *subject)
{
	struct sbuf b = { 0 };
	bool dash = false;

	sbuf_addf(&b, "%04d-", index);
	for (const char *p = subject; *p && b.len < 5 + 52; p++) {
		if (isalnum((unsigned char)*p) || *p == '_' || *p == '.') {
			if (dash && b.len > 5)
				sbuf_add(&b, "-", 1);
			dash = false;
			sbuf_add(&b, p, 1);
		} else {
			dash = true;
		}
	}
	while (b.len > 5 && b.buf[b.len - 1] == '.')
		b.buf[--b.len] = '\0';
	sbuf_puts(&b, ".patch");
	return sbuf_detach(&b);
}

char *mail_date(time_t t)
{
	char buf[64];
	struct tm tm;

	localtime_r(&t, &tm);
	/* %a and %b are locale-dependent; mail wants the English names. */
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
					    "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
					      "Jun", "Jul", "Aug", "Sep", "Oct",
					      "Nov", "Dec" };
	char zone[8];

	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf, sizeof(buf), "%s, %d %s %d %02d:%02d:%02d %s",
		 days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
	return xstrdup(buf);
}

/* "To: a,\n\tb": one address a line keeps every line short. */
static void add_address_header(struct sbuf *b, const char *name,
			       const char *const *v, size_t n)
{
	if (!n)
		return;
	sbuf_addf(b, "%s: ", name);
	for (size_t i = 0; i < n; i++)
		sbuf_addf(b, "%s%s", v[i], i + 1 < n ? ",\n\t" : "\n");
}

static bool same_person(const char *a, const char *b)
{
	struct address x, y;
	bool same;

	if (address_parse(a, &x))
		return !strcmp(a, b);
	if (address_parse(b, &y)) {
		free(x.name);
		free(x.addr);
		return false;
	}
	same = !strcasecmp(x.addr, y.addr) &&
	       !strcmp(x.name ? x.name : "", y.name ? y.name : "");
	free(x.name);
	free(x.addr);
	free(y.name);
	free(y.addr);
	return same;
}

/* "Name <addr>" as a header carries it: quoted or encoded as needed. */
static char *header_address(const char *spec)
{
	struct address a;
	char *s;

	if (address_parse(spec, &a))
		return is_ascii(spec) ? xstrdup(spec) : rfc2047_encode(spec);
	s = address_format(&a);
	free(a.name);
	free(a.addr);
	return s;
}

static void build_headers(const struct series_mail *s, struct sbuf *b,
			  const char *from, const char *date,
			  const char *subject, const char *id,
			  const char *parent)
{
	char *from_h = header_address(from);
	char *subject_h = is_ascii(subject) ? xstrdup(subject) :
			  rfc2047_encode(subject);

	sbuf_addf(b, "From: %s\n", from_h);
	sbuf_addf(b, "Date: %s\n", date);
	sbuf_addf(b, "Subject: %s\n", subject_h);
	free(from_h);
	free(subject_h);
	sbuf_addf(b, "Message-ID: %s\n", id);
	/*
	 * Patches answer the cover letter; the cover letter answers
	 * --in-reply-to (say, the previous version), and References carries
	 * the whole chain, oldest first, as RFC 5322 asks.
	 */
	if (parent) {
		sbuf_addf(b, "In-Reply-To: %s\n", parent);
		if (s->in_reply_to)
			sbuf_addf(b, "References: %s %s\n", s->in_reply_to,
				  parent);
		else
			sbuf_addf(b, "References: %s\n", parent);
	} else if (s->in_reply_to) {
		sbuf_addf(b, "In-Reply-To: %s\n", s->in_reply_to);
		sbuf_addf(b, "References: %s\n", s->in_reply_to);
	}
	add_address_header(b, "To", s->to, s->nto);
	add_address_header(b, "Cc", s->cc, s->ncc);
}

/* 0000-cover-letter.patch, 0001-subject.patch; vN- first from v2 on. */
static char *series_file_name(const struct series_mail *s, int index,
			      const char *subject)
{
	char *name = mail_file_name(index, subject ? subject : "cover-letter");
	char *full;

	if (s->reroll <= 1)
		return name;
	full = xasprintf("v%d-%s", s->reroll, name);
	free(name);
	return full;
}

void mail_build(const struct series_mail *s, const struct outgoing_patch *v,
		size_t n, int index, const char *cover_subject,
		const char *cover_body, struct mail_msg *out)
{
	const struct outgoing_patch *p = index ? &v[index - 1] : NULL;
	const char *author = p ? p->author : v[n - 1].author;
	const char *from = s->sender ? s->sender : author;
	char *prefix = mail_subject_prefix(s, index, (int)n);
	char *cover_id = mail_message_id(s->series_hash, s->reroll, 0);
	char *date;
	struct sbuf b = { 0 };

	memset(out, 0, sizeof(*out));
	out->index = index;
	out->subject = xasprintf("%s %s", prefix, p ? p->subject : cover_subject);
	out->message_id = mail_message_id(s->series_hash, s->reroll, index);
	/*
	 * Mail is dated when sent, a second apart so that readers sort the
	 * series; files keep the author's date, which git am keeps (the cover
	 * letter takes the last patch's, so that the files are reproducible).
	 */
	if (s->send_dates)
		date = mail_date(s->now + index);
	else
		date = xstrdup(p ? p->date : v[n - 1].date);
	out->file_name = series_file_name(s, index, p ? p->subject : NULL);
	/* The mbox separator format-patch writes; not part of the mail. */
	out->mbox_from = xasprintf("From %s Mon Sep 17 00:00:00 2001\n",
				   p && p->commit ? p->commit :
				   "0000000000000000000000000000000000000000");
	build_headers(s, &b, from, date, out->subject, out->message_id,
		      index ? cover_id : NULL);
	if (p) {
		for (size_t i = 0; i < p->mime.n; i++)
			sbuf_addf(&b, "%s\n", p->mime.items[i]);
		sbuf_add(&b, "\n", 1);
		/* Someone else's patch: say whose, as git send-email does. */
		if (!same_person(from, p->author)) {
			char *author = header_address(p->author);

			sbuf_addf(&b, "From: %s\n\n", author);
			free(author);
		}
		sbuf_puts(&b, p->message);
		sbuf_puts(&b, p->after);
	} else {
		sbuf_puts(&b, "MIME-Version: 1.0\n"
			      "Content-Type: text/plain; charset=UTF-8\n"
			      "Content-Transfer-Encoding: 8bit\n\n");
		sbuf_puts(&b, cover_body);
	}
	sbuf_puts(&b, "-- \nporttool " PORTTOOL_VERSION "\n\n");
	out->text = sbuf_detach(&b);
	free(date);
	free(prefix);
	free(cover_id);
}

void mail_msg_free(struct mail_msg *m)
{
	free(m->subject);
	free(m->message_id);
	free(m->file_name);
	free(m->mbox_from);
	free(m->text);
	memset(m, 0, sizeof(*m));
}
