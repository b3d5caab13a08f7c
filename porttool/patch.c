// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing 'git format-patch' mails the way 'git am' reads them.
 *
 * A mail is: an optional mbox "From <id> <date>" line, RFC 2822 headers
 * (folded lines joined, RFC 2047 encoded words decoded), a blank line, the
 * message body up to the "---" line, the diffstat, and the diff from the
 * first "diff --git" line on.  A trailing "-- " signature is dropped.
 * Only what git am takes from a mail is kept: author name and address
 * (From), author date (Date), subject (prefixes stripped), body and diff.
 */
#include "patch.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A line of the buffer: [start, end) without the newline. */
struct line {
	const char *start;
	size_t len;
};

static bool next_line(const char *buf, size_t len, size_t *pos,
		      struct line *l)
{
	const char *nl;

	if (*pos >= len)
		return false;
	l->start = buf + *pos;
	nl = memchr(l->start, '\n', len - *pos);
	l->len = nl ? (size_t)(nl - l->start) : len - *pos;
	*pos += l->len + (nl ? 1 : 0);
	return true;
}

static bool line_is(const struct line *l, const char *s)
{
	size_t n = strlen(s);

	/* A CR before the newline is part of the line ending, not content. */
	if (l->len == n + 1 && l->start[n] == '\r')
		return !memcmp(l->start, s, n);
	return l->len == n && !memcmp(l->start, s, n);
}

static bool line_starts(const struct line *l, const char *s)
{
	size_t n = strlen(s);

	return l->len >= n && !memcmp(l->start, s, n);
}

static char *line_dup(const char *s, size_t n)
{
	char *r = xmalloc(n + 1);

	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode the text of one "Q" encoded word into out; returns bytes written. */
static size_t decode_q(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_') {
			out[o++] = ' ';
		} else if (s[i] == '=' && i + 2 < n &&
			   hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	return o;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static size_t decode_b(const char *s, size_t n, char *out)
{
	size_t o = 0;
	unsigned int acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		int v = b64val((unsigned char)s[i]);

		if (v < 0)
			continue;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	return o;
}

/*
 * Decode RFC 2047 encoded words (=?charset?q?text?= and ?b?).  Whitespace
 * between two adjacent encoded words is dropped, as the RFC says.  The
 * charset is not converted: format-patch writes UTF-8, and so do we.
 */
static char *decode_rfc2047(const char *s)
{
	size_t n = strlen(s), o = 0, i = 0;
	char *out = xmalloc(n + 1);
	bool last_was_word = false;

	while (i < n) {
		const char *q1, *q2, *end;

		if (s[i] == '=' && s[i + 1] == '?' &&
		    (q1 = strchr(s + i + 2, '?')) && q1[1] && q1[2] == '?' &&
		    (end = strstr(q1 + 3, "?="))) {
			char enc = (char)tolower((unsigned char)q1[1]);

			q2 = q1 + 3;
			if (enc == 'q' || enc == 'b') {
				if (enc == 'q')
					o += decode_q(q2, (size_t)(end - q2), out + o);
				else
					o += decode_b(q2, (size_t)(end - q2), out + o);
				i = (size_t)(end - s) + 2;
				last_was_word = true;
				continue;
			}
		}
		if (last_was_word && (s[i] == ' ' || s[i] == '\t')) {
			size_t j = i;

			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (j < n && s[j] == '=' && s[j + 1] == '?') {
				i = j;
				continue;
			}
		}
		last_was_word = false;
		out[o++] = s[i++];
	}
	out[o] = '\0';
	return out;
}

char *strip_subject_prefix(const char *subject)
{
	const char *s = subject;
	size_t n;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!strncasecmp(s, "re:", 3)) {
			s += 3;
			continue;
		}
		if (*s == '[') {
			const char *close = strchr(s, ']');

			if (close) {
				s = close + 1;
				continue;
			}
		}
		break;
	}
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return line_dup(s, n);
}

static const char *const month_names[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Parse "[Day, ]DD Mon YYYY HH:MM:SS +ZZZZ". */
static int parse_rfc2822_date(const char *s, git_time_t *t, int *offset)
{
	struct tm tm = { 0 };
	char mon[4] = "", sign;
	int day, year, h, m, sec, zone, used = 0;
	const char *comma = strchr(s, ',');

	if (comma)
		s = comma + 1;
	if (sscanf(s, " %d %3s %d %d:%d:%d %c%4d%n", &day, mon, &year, &h, &m,
		   &sec, &sign, &zone, &used) != 8 || (sign != '+' && sign != '-'))
		return -1;
	tm.tm_mon = -1;
	for (int i = 0; i < 12; i++)
		if (!strcasecmp(mon, month_names[i]))
			tm.tm_mon = i;
	if (tm.tm_mon < 0 || day < 1 || day > 31 || h > 23 || m > 59 ||
	    sec > 60 || year < 1970 || year > 9999 || zone > 1459)
		return -1;
	tm.tm_mday = day;
	tm.tm_year = year - 1900;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	*offset = (zone / 100) * 60 + zone % 100;
	if (sign == '-')
		*offset = -*offset;
	*t = (git_time_t)timegm(&tm) - (git_time_t)*offset * 60;
	return 0;
}

/* Split 'Name <addr>' or '"Name" <addr>' or a bare address. */
static int parse_from(const char *from, char **name, char **email)
{
	const char *lt = strrchr(from, '<'), *gt;
	size_t n;
	const char *s = from;

	if (!lt) {
		if (!strchr(from, '@'))
			return -1;
		*name = xstrdup(from);
		*email = xstrdup(from);
		return 0;
	}
	gt = strchr(lt, '>');
	if (!gt)
		return -1;
	*email = line_dup(lt + 1, (size_t)(gt - lt - 1));
	if (!**email) {
		/* git am needs an address to make the author from. */
		free(*email);
		*email = NULL;
		return -1;
	}
	n = (size_t)(lt - s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	/* format-patch quotes names with RFC 2822 specials; undo that. */
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		char *out = xmalloc(n);
		size_t o = 0;

		for (size_t i = 1; i + 1 < n; i++) {
			if (s[i] == '\\' && i + 2 < n)
				i++;
			out[o++] = s[i];
		}
		out[o] = '\0';
		*name = out;
	} else {
		*name = line_dup(s, n);
	}
	if (!**name) {
		free(*name);
		*name = xstrdup(*email);
	}
	return 0;
}

/* Headers we keep, unfolded and decoded. */
struct headers {
	char *from, *date, *subject;
};

static void set_header(char **slot, const struct line *l, size_t skip)
{
	const char *v = l->start + skip;
	size_t n = l->len - skip;

	while (n && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	free(*slot);
	*slot = line_dup(v, n);
	if (n && (*slot)[n - 1] == '\r')
		(*slot)[n - 1] = '\0';
}

static void append_folded(char **slot, const struct line *l)
{
	size_t n = l->len, old = strlen(*slot);
	const char *v = l->start;

	if (n && v[n - 1] == '\r')
		n--;
	/* Unfolding removes the line break and keeps the whitespace. */
	*slot = xrealloc(*slot, old + n + 1);
	memcpy(*slot + old, v, n);
	(*slot)[old + n] = '\0';
}

/* Read the header block; *pos ends after the blank line. */
static int read_headers(const char *buf, size_t len, size_t *pos,
			const char *path, int *lineno, struct headers *h)
{
	struct line l;
	char **last = NULL;

	while (next_line(buf, len, pos, &l)) {
		(*lineno)++;
		if (l.len == 0 || line_is(&l, ""))
			return 0;
		if ((l.start[0] == ' ' || l.start[0] == '\t')) {
			if (last)
				append_folded(last, &l);
			continue;
		}
		last = NULL;
		if (!memchr(l.start, ':', l.len)) {
			error("%s:%d: not a mail header: '%.*s'", path, *lineno,
			      (int)(l.len > 60 ? 60 : l.len), l.start);
			return -1;
		}
		if (l.len >= 5 && !strncasecmp(l.start, "From:", 5)) {
			set_header(&h->from, &l, 5);
			last = &h->from;
		} else if (l.len >= 5 && !strncasecmp(l.start, "Date:", 5)) {
			set_header(&h->date, &l, 5);
			last = &h->date;
		} else if (l.len >= 8 && !strncasecmp(l.start, "Subject:", 8)) {
			set_header(&h->subject, &l, 8);
			last = &h->subject;
		}
	}
	error("%s: the mail headers do not end (no blank line)", path);
	return -1;
}

static bool is_patch_break(const struct line *l)
{
	if (line_starts(l, "---")) {
		/* "---" alone or followed by whitespace, as git mailinfo. */
		for (size_t i = 3; i < l->len; i++)
			if (!isspace((unsigned char)l->start[i]))
				return false;
		return true;
	}
	return line_starts(l, "diff --git ");
}

/* Commit message: subject, blank line, body without trailing blank lines. */
static char *build_message(const char *subject, const char *body, size_t n)
{
	while (n && isspace((unsigned char)body[n - 1]))
		n--;
	while (n && (*body == '\n' || *body == '\r')) {
		body++;
		n--;
	}
	if (!n)
		return xasprintf("%s\n", subject);
	return xasprintf("%s\n\n%.*s\n", subject, (int)n, body);
}

/* The diff runs from the first "diff --git" to a "-- " signature line. */
static int find_diff(const char *buf, size_t len, size_t pos, const char *path,
		     struct mail_patch *out)
{
	size_t start = SIZE_MAX, end = len;
	struct line l;

	while (next_line(buf, len, &pos, &l)) {
		if (start == SIZE_MAX && line_starts(&l, "diff --git ")) {
			start = (size_t)(l.start - buf);
		} else if (start != SIZE_MAX && line_is(&l, "-- ")) {
			end = (size_t)(l.start - buf);
			break;
		}
	}
	if (start == SIZE_MAX) {
		error("%s: no 'diff --git' in the patch", path);
		return -1;
	}
	out->diff = line_dup(buf + start, end - start);
	out->diff_len = end - start;
	out->diff_line = 1;
	for (size_t i = 0; i < start; i++)
		out->diff_line += buf[i] == '\n';
	return 0;
}

static void headers_free(struct headers *h)
{
	free(h->from);
	free(h->date);
	free(h->subject);
}

static int take_headers(struct headers *h, const char *path,
			struct mail_patch *out)
{
	char *from, *subject;
	int ret;

	if (!h->from || !h->date || !h->subject) {
		error("%s: missing %s header", path,
		      !h->from ? "From:" : !h->date ? "Date:" : "Subject:");
		return -1;
	}
	from = decode_rfc2047(h->from);
	ret = parse_from(from, &out->author_name, &out->author_email);
	free(from);
	if (ret < 0) {
		error("%s: cannot read the author in 'From: %s'", path, h->from);
		return -1;
	}
	if (parse_rfc2822_date(h->date, &out->author_time,
			       &out->author_offset) < 0) {
		error("%s: cannot read the date in 'Date: %s'", path, h->date);
		return -1;
	}
	subject = decode_rfc2047(h->subject);
	out->subject = strip_subject_prefix(subject);
	free(subject);
	if (!*out->subject) {
		error("%s: empty subject", path);
		return -1;
	}
	return 0;
}

int mail_patch_parse(const char *buf, size_t len, const char *path,
		     struct mail_patch *out)
{
	struct headers h = { 0 };
	size_t pos = 0, body_start, body_end;
	struct line l;
	int lineno = 0;

	memset(out, 0, sizeof(*out));
	if (memchr(buf, '\0', len)) {
		error("%s: NUL byte in the patch", path);
		return -1;
	}
	/* The mbox separator line, if there is one. */
	if (len >= 5 && !memcmp(buf, "From ", 5)) {
		next_line(buf, len, &pos, &l);
		lineno++;
	}
	if (read_headers(buf, len, &pos, path, &lineno, &h) < 0 ||
	    take_headers(&h, path, out) < 0)
		goto fail;
	body_start = body_end = pos;
	while (next_line(buf, len, &pos, &l)) {
		if (is_patch_break(&l))
			break;
		body_end = pos;
	}
	out->message = build_message(out->subject, buf + body_start,
				     body_end - body_start);
	if (find_diff(buf, len, body_end, path, out) < 0)
		goto fail;
	headers_free(&h);
	return 0;
fail:
	headers_free(&h);
	mail_patch_free(out);
	return -1;
}

void mail_patch_free(struct mail_patch *m)
{
	free(m->author_name);
	free(m->author_email);
	free(m->subject);
	free(m->message);
	free(m->diff);
	memset(m, 0, sizeof(*m));
}
