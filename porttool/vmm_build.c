// SPDX-License-Identifier: GPL-2.0
/*
 * vmm/'s binaries for boot: the static arm64 vmm that goes into the
 * initramfs, the bare-metal test guest (vmm/bmguest/) and the host's
 * sekvm-sign that signs the guests' images.
 *
 * Our own staleness test, not just 'make': make would also refetch the
 * arm64 libraries when their cache is gone, although the binary is up to
 * date.
 */
#include "subproc.h"
#include "vmm_build.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Modification time of path, 0 when it cannot be read. */
static time_t mtime_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_mtime;
}

static bool is_vmm_source(const char *name)
{
	size_t n = strlen(name);

	return !strcmp(name, "Makefile") ||
	       (n > 2 && name[n - 2] == '.' &&
		(name[n - 1] == 'c' || name[n - 1] == 'h' || name[n - 1] == 'S')) ||
	       (n > 4 && !strcmp(name + n - 4, ".lds"));
}

/*
 * True when the binary is missing or older than a source in dir.  Every
 * source counts, not only the binary's own: a few seconds of needless
 * rebuild are cheaper than a Makefile's dependency list copied here.
 */
static bool is_stale(const char *dir, const char *binary)
{
	time_t built = mtime_of(binary);
	struct dirent *de;
	bool stale = built == 0;
	DIR *d;

	if (stale)
		return true;
	d = opendir(dir);
	if (!d)
		return true;
	while (!stale && (de = readdir(d))) {
		char *src;

		if (!is_vmm_source(de->d_name))
			continue;
		src = xasprintf("%s/%s", dir, de->d_name);
		stale = mtime_of(src) > built;
		free(src);
	}
	closedir(d);
	return stale;
}

char *vmm_build(const char *project_dir, const char *target)
{
	char *dir = xasprintf("%s/vmm", project_dir);
	char *goal = xasprintf("build/%s", target);
	char *binary = xasprintf("%s/%s", dir, goal);
	char *bmdir = xasprintf("%s/bmguest", dir);
	const char *argv[] = { "make", "-C", dir, goal, NULL };
	struct subproc sp = { .argv = argv, .log_fd = -1, .echo = true };
	/* bmguest/ holds sources too (the bare-metal guest's) */
	bool stale = is_stale(dir, binary) || is_stale(bmdir, binary);

	free(bmdir);
	if (stale) {
		info("building %s: make -C %s %s", target, dir, goal);
		if (subproc_run(&sp) || sp.exit_code != 0 || !is_file(binary)) {
			error("could not build %s (make -C %s %s exit %d)",
			      binary, dir, goal, sp.exit_code);
			free(binary);
			binary = NULL;
		}
	}
	free(dir);
	free(goal);
	return binary;
}
