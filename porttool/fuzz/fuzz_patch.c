// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the format-patch mail parser (patch.c), which
 * reads every patch file of a port before 'apply' and 'status' use it.
 *
 * Any byte string may come in: the parser must refuse it with an error or
 * return a mail that keeps the promises apply relies on, checked here.
 * The input has no terminating NUL, as a file read into memory.
 */
#include "../mailhdr.h"
#include "../patch.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_subject(const struct mail_patch *m)
{
	char *again;

	if (!m->subject || !*m->subject)
		abort();	/* empty subjects are refused */
	/* Prefixes are gone: stripping again changes nothing. */
	again = strip_subject_prefix(m->subject);
	if (strcmp(again, m->subject))
		abort();
	free(again);
}

static void check_mail(const struct mail_patch *m, size_t size)
{
	size_t sl = strlen(m->subject);

	check_subject(m);
	if (!m->author_name || !m->author_email || !*m->author_email)
		abort();
	/* The message is the subject, then (maybe) a blank line and body. */
	if (strncmp(m->message, m->subject, sl) || m->message[sl] != '\n')
		abort();
	if (m->message[sl + 1] && m->message[sl + 1] != '\n')
		abort();
	if (m->message[strlen(m->message) - 1] != '\n')
		abort();
	/* The diff is a NUL-free slice of the input from "diff --git". */
	if (!m->diff || m->diff_len > size || strlen(m->diff) != m->diff_len ||
	    strncmp(m->diff, "diff --git ", 11))
		abort();
	if (m->author_offset < -24 * 60 || m->author_offset > 24 * 60)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_patch m;
	/* An exact-size copy, so reading past the end is caught by ASan. */
	char *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (!mail_patch_parse(buf, size, "fuzz/patch", &m)) {
		check_mail(&m, size);
		mail_patch_free(&m);
	}
	free(buf);
	return 0;
}
