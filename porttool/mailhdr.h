/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mail header lines as git mailinfo reads them (mailhdr.c): where a
 * folded header ends, its value unfolded, and what is kept of a Subject.
 * The one place for these rules: the patch reader (patch.c) and the
 * mailer's reader of exported patches (mailfmt.c) both use it, so a fix
 * to either reaches both.
 */
#ifndef PORTTOOL_MAILHDR_H
#define PORTTOOL_MAILHDR_H

#include <stddef.h>

/*
 * The length of the header that starts at s: its first line and every
 * continuation line (one that starts with a space or a tab), each with
 * its newline.
 */
size_t mail_header_len(const char *s, size_t len);

/*
 * The value s[0..len) of a header (after its "Name:"), unfolded as RFC
 * 5322 and git mailinfo unfold: each line break (CR LF or LF) goes and
 * the whitespace after it stays; leading whitespace and trailing line
 * ends go.  Encoded words are left for rfc2047_decode.
 */
char *mail_header_value(const char *s, size_t len);

/*
 * What git mailinfo keeps of a subject: leading "Re:" (any case, when
 * more follows), whitespace, ':' and "[...]" groups ("[PATCH v2 1/3]")
 * go, whitespace runs become one space and the ends are trimmed.
 */
char *strip_subject_prefix(const char *subject);

/* Runs of whitespace become one space, as in git mailinfo's headers. */
char *squeeze_space(const char *s);

#endif
