// SPDX-License-Identifier: GPL-2.0
/* Mail header lines as git mailinfo reads them (see mailhdr.h). */
#include "mailhdr.h"
#include "sbuf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

size_t mail_header_len(const char *s, size_t len)
{
	size_t pos = 0;

	do {
		const char *nl = memchr(s + pos, '\n', len - pos);

		pos = nl ? (size_t)(nl - s) + 1 : len;
	} while (pos < len && (s[pos] == ' ' || s[pos] == '\t'));
	return pos;
}

char *mail_header_value(const char *s, size_t len)
{
	struct sbuf out = { 0 };

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && i + 1 < len &&
				     s[i + 1] == '\n') ||
		    (s[i] == '\r' && i + 1 == len))
			continue;
		sbuf_add(&out, s + i, 1);
	}
	return sbuf_detach(&out);
}

char *squeeze_space(const char *s)
{
	char *out = xmalloc(strlen(s) + 1);
	size_t o = 0;

	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			if (o && out[o - 1] == ' ')
				continue;
			out[o++] = ' ';
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
	return out;
}

char *strip_subject_prefix(const char *subject)
{
	char *sq = squeeze_space(subject);
	const char *s = sq;
	size_t n;
	char *r;

	for (;;) {
		if ((s[0] == 'r' || s[0] == 'R') && (s[1] == 'e' || s[1] == 'E') &&
		    s[2] == ':' && s[3]) {
			s += 3;
		} else if (*s == ' ' || *s == '\t' || *s == ':') {
			s++;
		} else if (*s == '[' && strchr(s, ']')) {
			s = strchr(s, ']') + 1;
		} else {
			break;
		}
	}
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	r = xmalloc(n + 1);
	memcpy(r, s, n);
	r[n] = '\0';
	free(sq);
	return r;
}
