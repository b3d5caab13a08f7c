// SPDX-License-Identifier: GPL-2.0
/* C-quoting of path names, as git's quote.c does it (see quote.h). */
#include "quote.h"

#include <string.h>

/* git's escapes for the characters that have a letter, else octal. */
static const char *const letter_escape = "\aa\bb\tt\nn\vv\ff\rr\"\"\\\\";

static bool byte_needs_quote(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c >= 0x7f;
}

bool path_needs_quote(const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (byte_needs_quote(*p))
			return true;
	return false;
}

static void quote_bytes(struct sbuf *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *e = *p ? strchr(letter_escape, *p) : NULL;

		if (!byte_needs_quote(*p)) {
			sbuf_add(out, (const char *)p, 1);
		} else if (e && (e - letter_escape) % 2 == 0) {
			char esc[2] = { '\\', e[1] };

			sbuf_add(out, esc, 2);
		} else {
			sbuf_addf(out, "\\%03o", *p);
		}
	}
}

void quote_path(struct sbuf *out, const char *prefix, const char *path)
{
	if (!path_needs_quote(path)) {
		sbuf_puts(out, prefix);
		sbuf_puts(out, path);
		return;
	}
	quote_path_always(out, prefix, path);
}

void quote_path_always(struct sbuf *out, const char *prefix,
		       const char *path)
{
	sbuf_puts(out, "\"");
	quote_bytes(out, prefix);
	quote_bytes(out, path);
	sbuf_puts(out, "\"");
}

/* The byte an escape letter stands for, or -1. */
static int unescape_letter(char c)
{
	for (const char *e = letter_escape; *e; e += 2)
		if (e[1] == c)
			return (unsigned char)e[0];
	return -1;
}

size_t unquote_path(const char *s, size_t len, char **out)
{
	struct sbuf b = { 0 };
	size_t i = 1;

	if (!len || s[0] != '"')
		return 0;
	while (i < len && s[i] != '"') {
		char c = s[i];
		int v;

		if (c != '\\') {
			sbuf_add(&b, &c, 1);
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		v = unescape_letter(s[i + 1]);
		if (v >= 0) {
			i += 2;
		} else if (i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' &&
			   s[i + 2] >= '0' && s[i + 2] <= '7' &&
			   s[i + 3] >= '0' && s[i + 3] <= '7') {
			v = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
			    (s[i + 3] - '0');
			i += 4;
		} else {
			break;
		}
		c = (char)v;
		sbuf_add(&b, &c, 1);
	}
	if (i >= len || s[i] != '"' || !b.len) {
		sbuf_free(&b);
		return 0;
	}
	*out = sbuf_detach(&b);
	return i + 1;
}
