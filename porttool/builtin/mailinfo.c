// SPDX-License-Identifier: GPL-2.0
/*
 * porttool mailinfo FILE...
 *
 * Print what 'porttool apply' takes from each patch mail: the author's
 * name and address, the author date as seconds and zone, the subject and
 * the whole commit message, the way 'git am' would make the commit.  The
 * parity test (t/t0240-am-parity.sh) compares it with git mailinfo and
 * git am on git's own mailinfo test messages.
 */
#include "builtin.h"
#include "porttool.h"
#include "patch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct option mailinfo_options[] = {
	{ OPT_END },
};

static const struct usage mailinfo_usage = {
	"porttool mailinfo FILE...",
	"Show the author, date, subject and commit message that apply takes\n"
	"from each patch mail.",
	mailinfo_options,
};

static int show(const char *path)
{
	struct mail_patch m;
	size_t len;
	char *buf = read_file(path, &len);
	int sign, off;

	if (!buf) {
		error("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if (mail_patch_info(buf, len, path, &m) < 0) {
		free(buf);
		return -1;
	}
	sign = m.author_offset < 0 ? '-' : '+';
	off = abs(m.author_offset);
	printf("Author: %s\nEmail: %s\nDate: %lld %c%02d%02d\nSubject: %s\n\n%s",
	       m.author_name, m.author_email, (long long)m.author_time, sign,
	       off / 60, off % 60, m.subject, m.message);
	mail_patch_free(&m);
	free(buf);
	return 0;
}

int cmd_mailinfo(struct porttool_ctx *ctx, int argc, char **argv)
{
	int n = parse_options(argc, argv, &mailinfo_usage), ret = EXIT_OK;

	if (n < 1)
		usage_error(&mailinfo_usage, "expected a patch file");
	for (int i = 1; i <= n; i++)
		if (show(argv[i]) < 0)
			ret = EXIT_FAIL;
	return ret;
}
