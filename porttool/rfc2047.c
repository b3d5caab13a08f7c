// SPDX-License-Identifier: GPL-2.0
/* RFC 2047 encoded words: see rfc2047.h. */
#include "rfc2047.h"
#include "sbuf.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Characters that stand for themselves inside a "Q" word of a phrase. */
static bool q_plain(unsigned char c)
{
	return isalnum(c) || c == '!' || c == '*' || c == '+' || c == '-' ||
	       c == '/';
}

/* Length of the UTF-8 sequence that starts with c (1 for a stray byte). */
static size_t utf8_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

char *rfc2047_encode(const char *s)
{
	static const char open[] = "=?UTF-8?q?", close[] = "?=";
	const size_t limit = 75 - (sizeof(open) - 1) - (sizeof(close) - 1);
	struct sbuf out = { 0 };
	size_t used = 0;

	sbuf_puts(&out, open);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(*p), need = 0;
		char enc[16];

		for (size_t k = 0; k < n && p[k]; k++)
			need += (p[k] == ' ' || q_plain(p[k])) ? 1 : 3;
		/* A character never straddles two words. */
		if (used + need > limit) {
			sbuf_puts(&out, close);
			sbuf_puts(&out, "\n ");
			sbuf_puts(&out, open);
			used = 0;
		}
		for (size_t k = 0; k < n && *p; k++, p++) {
			if (*p == ' ')
				sbuf_add(&out, "_", 1);
			else if (q_plain(*p))
				sbuf_add(&out, (const char *)p, 1);
			else {
				snprintf(enc, sizeof(enc), "=%02X", *p);
				sbuf_puts(&out, enc);
			}
		}
		used += need;
	}
	sbuf_puts(&out, close);
	return sbuf_detach(&out);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void decode_q(const char *b, const char *e, struct sbuf *out)
{
	for (const char *p = b; p < e; p++) {
		if (*p == '_') {
			sbuf_add(out, " ", 1);
		} else if (*p == '=' && p + 2 < e && hexval(p[1]) >= 0 &&
			   hexval(p[2]) >= 0) {
			char c = (char)(hexval(p[1]) * 16 + hexval(p[2]));

			sbuf_add(out, &c, 1);
			p += 2;
		} else {
			sbuf_add(out, p, 1);
		}
	}
}

static int b64val(char c)
{
	const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *f = c ? strchr(abc, c) : NULL;

	return f ? (int)(f - abc) : -1;
}

static void decode_b(const char *b, const char *e, struct sbuf *out)
{
	unsigned int acc = 0;
	int bits = 0;

	for (const char *p = b; p < e && *p != '='; p++) {
		int v = b64val(*p);

		if (v < 0)
			continue;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			char c = (char)((acc >> (bits - 8)) & 0xff);

			sbuf_add(out, &c, 1);
			bits -= 8;
		}
	}
}

/* The charset of an encoded word, without an RFC 2231 "*language". */
static char *dup_charset(const char *b, const char *e)
{
	const char *star = memchr(b, '*', (size_t)(e - b));

	return xasprintf("%.*s", (int)((star ? star : e) - b), b);
}

static bool is_utf8_name(const char *charset)
{
	return !charset || !*charset || !strcasecmp(charset, "utf-8") ||
	       !strcasecmp(charset, "utf8") || !strcasecmp(charset, "us-ascii");
}

char *to_utf8(const char *buf, size_t len, const char *charset)
{
	iconv_t cd;
	struct sbuf out = { 0 };
	char chunk[4096];
	char *in = (char *)buf;
	size_t left = len;

	if (is_utf8_name(charset) ||
	    (cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return xasprintf("%.*s", (int)len, buf);
	while (left) {
		char *o = chunk;
		size_t room = sizeof(chunk);

		if (iconv(cd, &in, &left, &o, &room) == (size_t)-1 &&
		    errno != E2BIG) {
			/* Not in that charset after all: keep the byte. */
			sbuf_add(&out, chunk, sizeof(chunk) - room);
			sbuf_add(&out, in, 1);
			in++;
			left--;
			continue;
		}
		sbuf_add(&out, chunk, sizeof(chunk) - room);
	}
	{
		char *o = chunk;
		size_t room = sizeof(chunk);

		iconv(cd, NULL, NULL, &o, &room);
		sbuf_add(&out, chunk, sizeof(chunk) - room);
	}
	iconv_close(cd);
	return out.buf ? sbuf_detach(&out) : xstrdup("");
}

/* In a subject, git encodes all but printable ASCII other than "=?_". */
static bool subject_special(unsigned char c)
{
	return c >= 0x80 || !isprint(c) || isspace(c) || c == '=' ||
	       c == '?' || c == '_';
}

char *rfc2047_encode_subject(const char *s, size_t col)
{
	static const char open[] = "=?UTF-8?q?";
	const size_t max = 76;	/* RFC 2047's line length */
	struct sbuf out = { 0 };
	size_t line = col + strlen(open);

	sbuf_puts(&out, open);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(*p), k;
		bool special = n > 1 || subject_special(*p);

		for (k = 1; k < n && p[k]; k++)
			;
		n = k;
		/* A character never straddles two words; "?=" must fit. */
		if (line + (special ? 3 * n : 1) + 2 > max) {
			sbuf_puts(&out, "?=\n ");
			sbuf_puts(&out, open);
			line = strlen(open) + 1;
		}
		for (k = 0; k < n; k++, p++) {
			if (special)
				sbuf_addf(&out, "=%02X", *p);
			else
				sbuf_add(&out, (const char *)p, 1);
		}
		line += special ? 3 * n : 1;
	}
	sbuf_puts(&out, "?=");
	return sbuf_detach(&out);
}

/*
 * If s starts an encoded word, decode it into out and return where it
 * ends; otherwise return NULL.
 */
static const char *decode_word(const char *s, struct sbuf *out)
{
	const char *cs, *q1, *q2, *end;

	if (strncmp(s, "=?", 2))
		return NULL;
	cs = s + 2;
	q1 = strchr(cs, '?');
	if (!q1 || !q1[1] || q1[2] != '?')
		return NULL;
	q2 = q1 + 2;
	end = strstr(q2 + 1, "?=");
	if (!end || memchr(q2 + 1, ' ', (size_t)(end - q2 - 1)))
		return NULL;
	{
		struct sbuf raw = { 0 };
		char *charset = dup_charset(cs, q1);
		char *text;

		if (tolower((unsigned char)q1[1]) == 'q')
			decode_q(q2 + 1, end, &raw);
		else if (tolower((unsigned char)q1[1]) == 'b')
			decode_b(q2 + 1, end, &raw);
		else {
			free(charset);
			sbuf_free(&raw);
			return NULL;
		}
		text = to_utf8(raw.buf ? raw.buf : "", raw.len, charset);
		sbuf_puts(out, text);
		free(text);
		free(charset);
		sbuf_free(&raw);
	}
	return end + 2;
}

static bool starts_encoded_word(const char *s)
{
	struct sbuf tmp = { 0 };
	bool yes = decode_word(s, &tmp) != NULL;

	sbuf_free(&tmp);
	return yes;
}

char *rfc2047_decode(const char *s)
{
	struct sbuf out = { 0 };
	bool after_word = false;

	while (*s) {
		const char *next = decode_word(s, &out);
		size_t ws;

		if (next) {
			s = next;
			after_word = true;
			continue;
		}
		ws = strspn(s, " \t");
		/* Space between two encoded words is not part of the text. */
		if (ws && after_word && starts_encoded_word(s + ws)) {
			s += ws;
			continue;
		}
		if (ws) {
			sbuf_add(&out, s, ws);
			s += ws;
		} else {
			sbuf_add(&out, s, 1);
			s++;
			after_word = false;
		}
	}
	return sbuf_detach(&out);
}
