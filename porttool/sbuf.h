/* SPDX-License-Identifier: GPL-2.0 */
/* A growing string (sbuf.c): buf is NUL-terminated, malloc'd, owned. */
#ifndef PORTTOOL_SBUF_H
#define PORTTOOL_SBUF_H

#include "porttool.h"

struct sbuf {
	char *buf;
	size_t len, alloc;
};

void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_addf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *sbuf_detach(struct sbuf *b);
void sbuf_free(struct sbuf *b);

#endif
