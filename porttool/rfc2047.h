/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 2047 encoded words, for the header text mail cannot carry as 8-bit:
 * non-ASCII subjects and display names (git format-patch writes them so,
 * and MAINTAINERS is UTF-8).
 */
#ifndef RFC2047_H
#define RFC2047_H

#include <stdbool.h>
#include <stddef.h>

bool is_ascii(const char *s);
/*
 * Encode s (UTF-8) as "Q" encoded words of at most 75 characters each,
 * split between characters and folded with "\n ".
 */
char *rfc2047_encode(const char *s);
/*
 * Encode a subject (UTF-8) as git format-patch does: "Q" words where all
 * but printable ASCII other than "=", "?" and "_" is =XX (space too),
 * folded with "\n " so no line passes 76 columns; col is the column the
 * encoded text starts at.
 */
char *rfc2047_encode_subject(const char *s, size_t col);
/*
 * Decode every "=?charset?q|b?...?=" word of s; whitespace between two
 * encoded words goes, as the RFC says.  Words in another charset are
 * converted to UTF-8 (iconv), as git mailinfo converts them.
 */
char *rfc2047_decode(const char *s);
/*
 * buf (len bytes in charset) as a UTF-8 string; charset NULL, empty or
 * UTF-8 copies it, and bytes iconv cannot convert are kept.
 */
char *to_utf8(const char *buf, size_t len, const char *charset);

#endif
