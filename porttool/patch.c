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
#include "mailhdr.h"
#include "patch.h"
#include "rfc2047.h"

#include <ctype.h>
#include <stddef.h>
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

/*
 * Undo RFC 2822 quoting in a From value: "quoted strings" lose their
 * quotes and escapes; (comments) keep their parentheses but lose escapes.
 */
static char *unquote_from(const char *s)
{
	char *out = xmalloc(strlen(s) + 1);
	size_t o = 0;
	int depth = 0;
	bool quoted = false;

	for (; *s; s++) {
		if (*s == '\\' && (quoted || depth) && s[1]) {
			out[o++] = *++s;
			continue;
		}
		if (!depth && *s == '"') {
			quoted = !quoted;
			continue;
		}
		if (!quoted && *s == '(')
			depth++;
		else if (!quoted && *s == ')' && depth)
			depth--;
		out[o++] = *s;
	}
	out[o] = '\0';
	return out;
}

/* git's rule: an empty, long or address-like name gives way to the address. */
static char *sane_name(char *name, const char *email)
{
	if (!*name || strlen(name) > 60 || strpbrk(name, "@<>")) {
		free(name);
		return xstrdup(email);
	}
	return name;
}

/*
 * The author from a From value, as git mailinfo reads it: the address is
 * the word around the '@' (after a '<', up to whitespace or '>'); the
 * rest, whitespace squeezed, trimmed and without one outer pair of
 * parentheses, is the name: "Name <a@b>", "a@b (Name)", "Name <a@b>
 * (comment)".  Without an '@', "Name <addr>" still gives both.
 */
int parse_from(const char *from, char **name, char **email)
{
	char *f = unquote_from(from), *at = strchr(f, '@'), *start, *rest;
	size_t el, n;

	*name = *email = NULL;
	if (!at) {
		char *lt = strchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;

		free(f);
		if (!gt || gt == lt + 1)
			return -1;
		*email = line_dup(lt + 1, (size_t)(gt - lt - 1));
		f = line_dup(from, (size_t)(lt - from));
		rest = squeeze_space(f);
		free(f);
		f = rest;
		goto name;
	}
	for (start = at; start > f && !isspace((unsigned char)start[-1]);
	     start--)
		if (start[-1] == '<') {
			start[-1] = ' ';
			break;
		}
	el = strcspn(start, " \n\t\r\v\f>");
	*email = line_dup(start, el);
	memmove(start, start + el + (start[el] ? 1 : 0),
		strlen(start + el + (start[el] ? 1 : 0)) + 1);
	rest = squeeze_space(f);
	free(f);
	f = rest;
name:
	rest = f;
	while (*rest == ' ')
		rest++;
	n = strlen(rest);
	while (n && rest[n - 1] == ' ')
		n--;
	if (n >= 2 && rest[0] == '(' && rest[n - 1] == ')') {
		rest++;
		n -= 2;
	}
	*name = sane_name(line_dup(rest, n), *email);
	free(f);
	return **email ? 0 : -1;
}

/* Headers we keep, unfolded; decoded in take_headers. */
struct headers {
	char *from, *date, *subject, *ctype, *cte;
};

/* The slot for header line l ("Name: value"), and where its value starts. */
static char **header_slot(struct headers *h, const struct line *l,
			  size_t *skip)
{
	static const struct {
		const char *name;
		size_t off;
	} known[] = {
		{ "From:", offsetof(struct headers, from) },
		{ "Date:", offsetof(struct headers, date) },
		{ "Subject:", offsetof(struct headers, subject) },
		{ "Content-Type:", offsetof(struct headers, ctype) },
		{ "Content-Transfer-Encoding:", offsetof(struct headers, cte) },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++) {
		size_t n = strlen(known[i].name);

		if (l->len >= n && !strncasecmp(l->start, known[i].name, n)) {
			*skip = n;
			return (char **)((char *)h + known[i].off);
		}
	}
	return NULL;
}

/*
 * Read the header block; *pos ends after the blank line.  A header is its
 * line and its continuation lines (mailhdr.c unfolds them); a
 * continuation line with no header before it is skipped, as git does.
 */
static int read_headers(const char *buf, size_t len, size_t *pos,
			const char *path, int *lineno, struct headers *h)
{
	struct line l;

	while (*pos < len) {
		size_t start = *pos, hlen, skip;
		char **slot;

		hlen = mail_header_len(buf + start, len - start);
		next_line(buf, len, pos, &l);
		(*lineno)++;
		if (l.len == 0 || line_is(&l, ""))
			return 0;
		if (l.start[0] == ' ' || l.start[0] == '\t')
			continue;
		if (!memchr(l.start, ':', l.len)) {
			error("%s:%d: not a mail header: '%.*s'", path, *lineno,
			      (int)(l.len > 60 ? 60 : l.len), l.start);
			return -1;
		}
		/* The continuation lines are part of this header. */
		for (const char *c = buf + *pos; c < buf + start + hlen; c++)
			if (*c == '\n')
				(*lineno)++;
		*pos = start + hlen;
		slot = header_slot(h, &l, &skip);
		if (!slot)
			continue;
		free(*slot);
		*slot = mail_header_value(l.start + skip, hlen - skip);
	}
	/* Headers alone (no body) are a mail too, as git mailinfo says. */
	return 0;
}

/* Where git mailinfo ends the message: "---", "diff -", "Index: ". */
static bool is_patch_break(const struct line *l)
{
	if (line_starts(l, "---")) {
		/* "---" alone or followed by whitespace, as git mailinfo. */
		for (size_t i = 3; i < l->len; i++)
			if (!isspace((unsigned char)l->start[i]))
				return false;
		return true;
	}
	return line_starts(l, "diff -") || line_starts(l, "Index: ");
}

/*
 * git stripspace: trailing whitespace of each line goes, runs of blank
 * lines become one, and blank lines at the start and end go.
 */
static char *stripspace(const char *s, size_t len)
{
	char *out = xmalloc(len + 2);
	size_t o = 0, pos = 0;
	bool blank = false;
	struct line l;

	while (next_line(s, len, &pos, &l)) {
		size_t n = l.len;

		while (n && isspace((unsigned char)l.start[n - 1]))
			n--;
		if (!n) {
			blank = o > 0;
			continue;
		}
		if (blank)
			out[o++] = '\n';
		blank = false;
		memcpy(out + o, l.start, n);
		o += n;
		out[o++] = '\n';
	}
	out[o] = '\0';
	return out;
}

/* Commit message as git am makes it: subject, blank line, body, stripped. */
static char *build_message(const char *subject, const char *body, size_t n)
{
	char *all = xasprintf("%s\n\n%.*s", subject, (int)n, body);
	char *msg = stripspace(all, strlen(all));

	free(all);
	return msg;
}

/* The diff runs from the first "diff --git" to a "-- " signature line. */
static int find_diff(const char *buf, size_t len, size_t pos, const char *path,
		     int first_line, struct mail_patch *out)
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
	out->diff_line = first_line;
	for (size_t i = 0; i < start; i++)
		out->diff_line += buf[i] == '\n';
	return 0;
}

static void headers_free(struct headers *h)
{
	free(h->from);
	free(h->date);
	free(h->subject);
	free(h->ctype);
	free(h->cte);
}

/* The charset= parameter of a Content-Type value, or NULL. */
static char *charset_of(const char *ctype)
{
	const char *c = ctype ? strcasestr(ctype, "charset=") : NULL;
	size_t n;

	if (!c)
		return NULL;
	c += 8;
	if (*c == '"')
		c++;
	n = strcspn(c, "\"; \t");
	return n ? line_dup(c, n) : NULL;
}

/* A raw header value (bytes in the mail's charset) as UTF-8. */
static void to_utf8_in_place(char **v, const char *charset)
{
	char *u;

	if (!*v)
		return;
	u = to_utf8(*v, strlen(*v), charset);
	free(*v);
	*v = u;
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
	from = rfc2047_decode(h->from);
	ret = parse_from(from, &out->author_name, &out->author_email);
	free(from);
	if (ret < 0) {
		error("%s: cannot read the author in 'From: %.200s'", path,
		      h->from);
		return -1;
	}
	if (parse_rfc2822_date(h->date, &out->author_time,
			       &out->author_offset) < 0) {
		error("%s: cannot read the date in 'Date: %.200s'", path,
		      h->date);
		return -1;
	}
	subject = rfc2047_decode(h->subject);
	out->subject = strip_subject_prefix(subject);
	free(subject);
	if (!*out->subject) {
		error("%s: empty subject", path);
		return -1;
	}
	return 0;
}

/* ">From <40 hex digits> Mon Sep 17 00:00:00 2001": format-patch's line. */
static bool is_separator(const struct line *l)
{
	static const char date[] = " Mon Sep 17 00:00:00 2001";
	size_t n = 6 + 40 + strlen(date);

	if (l->len < n || !line_starts(l, ">From "))
		return false;
	for (size_t i = 6; i < 46; i++)
		if (!isxdigit((unsigned char)l->start[i]))
			return false;
	return !memcmp(l->start + 46, date, strlen(date));
}

/*
 * In-body headers, as git am takes them: at the start of the message,
 * "From:", "Subject:" and "Date:" lines (folded lines joined) replace the
 * mail's, a ">From <id> ..." format-patch separator is skipped and a
 * "[PATCH] subject" line is the subject.  They are read into h and
 * returns where the message proper starts; they count only for a mail
 * that carries a patch (git mailinfo's rule), see parse_body.
 */
static size_t inbody_headers(const char *body, size_t len, struct headers *h)
{
	size_t pos = 0, start;
	struct line l;

	/* Blank lines before in-body headers do not count. */
	for (;;) {
		start = pos;
		if (!next_line(body, len, &pos, &l))
			return 0;
		if (!line_is(&l, ""))
			break;
	}
	pos = start;
	while (next_line(body, len, &pos, &l)) {
		size_t skip = 0, hlen;
		char **slot;

		if (is_separator(&l)) {
			start = pos;
			continue;
		}
		if (line_starts(&l, "[PATCH] "))
			slot = &h->subject, skip = 0;
		else if ((slot = header_slot(h, &l, &skip)) == NULL ||
			 slot == &h->ctype || slot == &h->cte)
			break;
		/* The header with its continuation lines (mailhdr.c). */
		hlen = mail_header_len(l.start, len - (size_t)(l.start - body));
		free(*slot);
		*slot = mail_header_value(l.start + skip, hlen - skip);
		pos = start = (size_t)(l.start - body) + hlen;
	}
	return start;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Quoted-printable: "=XX" is a byte, "=" at a line end joins lines. */
static char *decode_qp(const char *s, size_t n, size_t *out_len)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '=') {
			out[o++] = s[i];
		} else if (i + 1 < n && s[i + 1] == '\n') {
			i++;
		} else if (i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2;
		} else if (i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
			   hexval((unsigned char)s[i + 2]) >= 0) {
			out[o++] = (char)(hexval((unsigned char)s[i + 1]) * 16 +
					  hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

static int b64(int c)
{
	const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789+/";
	const char *f = c ? strchr(abc, c) : NULL;

	return f ? (int)(f - abc) : -1;
}

static char *decode_base64(const char *s, size_t n, size_t *out_len)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;
	unsigned int acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n && s[i] != '='; i++) {
		int v = b64((unsigned char)s[i]);

		if (v < 0)
			continue;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* The part after the headers, with its transfer encoding undone. */
static char *decoded_body(const char *s, size_t n, const char *cte,
			  size_t *out_len)
{
	if (cte && !strcasecmp(cte, "quoted-printable"))
		return decode_qp(s, n, out_len);
	if (cte && !strcasecmp(cte, "base64"))
		return decode_base64(s, n, out_len);
	*out_len = n;
	return line_dup(s, n);
}

/*
 * A patch file saved with CRLF line ends (every line, headers included)
 * is read as git am reads it by default: without the CRs.  A mail whose
 * only CRs are in some diff lines keeps them, as file content.
 */
static char *without_crlf(const char *buf, size_t len, size_t *out_len)
{
	size_t lines = 0, crlf = 0, o = 0;
	char *out;

	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n') {
			lines++;
			crlf += i && buf[i - 1] == '\r';
		}
	if (!lines || crlf != lines)
		return NULL;
	out = xmalloc(len + 1);
	for (size_t i = 0; i < len; i++)
		if (!(buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n'))
			out[o++] = buf[i];
	out[o] = '\0';
	*out_len = o;
	return out;
}

static int parse_mail(const char *buf, size_t len, const char *path,
		      struct mail_patch *out, bool need_diff);

int mail_patch_parse(const char *buf, size_t len, const char *path,
		     struct mail_patch *out)
{
	return parse_mail(buf, len, path, out, true);
}

int mail_patch_info(const char *buf, size_t len, const char *path,
		    struct mail_patch *out)
{
	return parse_mail(buf, len, path, out, false);
}

/*
 * In-body header values replace the mail's.  They were read from the
 * message, already UTF-8, as the mail's own headers are by then.
 */
static void take_inbody(struct headers *h, struct headers *ib)
{
	char **slots[][2] = {
		{ &h->from, &ib->from },
		{ &h->date, &ib->date },
		{ &h->subject, &ib->subject },
	};

	for (size_t i = 0; i < 3; i++) {
		if (!*slots[i][1])
			continue;
		free(*slots[i][0]);
		*slots[i][0] = *slots[i][1];
		*slots[i][1] = NULL;
	}
}

/* Body, in-body headers, message and diff of a mail whose headers are read. */
static int parse_body(const char *rest, size_t rest_len, int lineno,
		      const char *path, struct headers *h,
		      struct mail_patch *out, bool need_diff)
{
	size_t blen, pos = 0, msg_end = 0, start;
	char *body = decoded_body(rest, rest_len, h->cte, &blen);
	char *charset = charset_of(h->ctype), *msg = NULL;
	struct headers ib = { 0 };
	bool has_patch = false;
	struct line l;
	int ret = -1;

	while (next_line(body, blen, &pos, &l)) {
		if ((has_patch = is_patch_break(&l)))
			break;
		msg_end = pos;
	}
	/* Everything in UTF-8 first: the mail's headers and its message. */
	to_utf8_in_place(&h->from, charset);
	to_utf8_in_place(&h->subject, charset);
	msg = to_utf8(body, msg_end, charset);
	start = inbody_headers(msg, strlen(msg), &ib);
	if (has_patch)
		take_inbody(h, &ib);
	if (take_headers(h, path, out) < 0)
		goto out;
	out->message = build_message(out->subject, msg + start,
				     strlen(msg) - start);
	if (need_diff && find_diff(body, blen, msg_end, path, lineno, out) < 0)
		goto out;
	ret = 0;
out:
	headers_free(&ib);
	free(msg);
	free(charset);
	free(body);
	return ret;
}

static int parse_mail(const char *buf, size_t len, const char *path,
		      struct mail_patch *out, bool need_diff)
{
	struct headers h = { 0 };
	size_t pos = 0, plain_len;
	char *plain = without_crlf(buf, len, &plain_len);
	struct line l;
	int lineno = 0, ret = -1;

	memset(out, 0, sizeof(*out));
	if (plain) {
		buf = plain;
		len = plain_len;
	}
	if (memchr(buf, '\0', len)) {
		error("%s: NUL byte in the patch", path);
		goto out;
	}
	/* The mbox separator line, if there is one. */
	if (len >= 5 && !memcmp(buf, "From ", 5)) {
		next_line(buf, len, &pos, &l);
		lineno++;
	}
	if (read_headers(buf, len, &pos, path, &lineno, &h) < 0 ||
	    parse_body(buf + pos, len - pos, lineno + 1, path, &h, out,
		       need_diff) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		mail_patch_free(out);
	headers_free(&h);
	free(plain);
	return ret;
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
