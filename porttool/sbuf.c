// SPDX-License-Identifier: GPL-2.0
/* The growing string of the mail and patch code (see sbuf.h). */
#include "sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->alloc) {
		b->alloc = (b->len + n + 1) * 2;
		b->buf = xrealloc(b->buf, b->alloc);
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("porttool: out of memory\n", stderr);
		exit(EXIT_FAIL);
	}
	sbuf_add(b, s, (size_t)n);
	free(s);
}

char *sbuf_detach(struct sbuf *b)
{
	char *s = b->buf ? b->buf : xstrdup("");

	memset(b, 0, sizeof(*b));
	return s;
}

void sbuf_free(struct sbuf *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}
