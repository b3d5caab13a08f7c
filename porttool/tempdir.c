// SPDX-License-Identifier: GPL-2.0
/*
 * Making trees atomically: work happens in a temporary directory next to the
 * destination and is renamed into place at the end, so an interrupted or
 * failed run never leaves a half-made tree where a finished one is expected.
 */
#define _XOPEN_SOURCE 700
#include "tempdir.h"
#include "tree.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	if (remove(path) && errno != ENOENT) {
		error("cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) && errno == ENOENT)
		return 0;
	/* Depth first, never following symlinks out of the tree. */
	return nftw(path, remove_one, 32, FTW_DEPTH | FTW_PHYS) ? -1 : 0;
}

char *temp_dir_next_to(const char *dest)
{
	char *copy1 = xstrdup(dest), *copy2 = xstrdup(dest);
	char *parent = dirname(copy1), *base = basename(copy2);
	char *tmpl = xasprintf("%s/.%s.tmp-XXXXXX", parent, base);
	mode_t mode;

	if (mkdir_p(parent)) {
		error("cannot create %s: %s", parent, strerror(errno));
		goto fail;
	}
	if (!mkdtemp(tmpl)) {
		error("cannot create a temporary directory in %s: %s", parent,
		      strerror(errno));
		goto fail;
	}
	/* mkdtemp makes it private; the finished tree gets the usual mode. */
	mode = umask(0);
	umask(mode);
	chmod(tmpl, 0777 & ~mode);
	free(copy1);
	free(copy2);
	return tmpl;
fail:
	free(copy1);
	free(copy2);
	free(tmpl);
	return NULL;
}

int move_into_place(const char *tmp, const char *dest)
{
	/* rename() replaces an empty directory and refuses a non-empty one. */
	if (!rename(tmp, dest))
		return 0;
	if (errno == ENOTEMPTY || errno == EEXIST)
		error("%s: exists and is not empty", dest);
	else
		error("cannot move %s to %s: %s", tmp, dest, strerror(errno));
	return -1;
}

/*
 * Ctrl-C during a long import: the handler only raises a flag, and the
 * import loop stops at the next entry and unwinds through its usual error
 * path, which removes the temporary directory.  (Removing files from the
 * handler itself would not be async-signal-safe.)
 */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

void trap_interrupts(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

bool interrupted(void)
{
	return got_signal != 0;
}
