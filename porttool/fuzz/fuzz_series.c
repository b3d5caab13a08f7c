// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the series parser (port.c series_parse).
 *
 * Any byte string may come in: the parser must either refuse it with an
 * error or return entries that keep the series' promises, which this
 * harness checks and turns into a crash when broken.  The input is passed
 * without a terminating NUL, as a file read into memory would be.
 */
#include "../porttool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What every accepted series guarantees to apply/export/mail. */
static void check_series(const struct series_entry *s, size_t n)
{
	size_t markers = 0;

	for (size_t i = 0; i < n; i++) {
		if (i && s[i].line <= s[i - 1].line)
			abort();	/* entries in file order */
		if (s[i].corevisor) {
			if (s[i].patch)
				abort();
			markers++;
			continue;
		}
		if (!s[i].patch || !*s[i].patch || strchr(s[i].patch, '/') ||
		    strpbrk(s[i].patch, " \t\n\r") || s[i].patch[0] == '.')
			abort();	/* a plain file name in the port dir */
		for (size_t j = 0; j < i; j++)
			if (s[j].patch && !strcmp(s[j].patch, s[i].patch))
				abort();	/* no patch twice */
	}
	if (markers > 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct series_entry *s = NULL;
	size_t n = 0;
	/* An exact-size copy, so reading past the end is caught by ASan. */
	char *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (!series_parse(buf, size, "fuzz/series", &s, &n)) {
		check_series(s, n);
		series_free(s, n);
	}
	free(buf);
	return 0;
}
