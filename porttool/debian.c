// SPDX-License-Identifier: GPL-2.0
/*
 * Debian's linux-source packages, fetched with apt-get through a private
 * directory under the cache, so that the machine's own apt state (its lists,
 * its sources, its dpkg status) is never read or changed and no root is
 * needed.  Layout under <cache>/debian:
 *
 *   sources.list   one line: the mirror for the port's suite
 *   lists/         apt's package lists for that sources.list
 *   cache/         apt's archive cache
 *   debs/          the downloaded .deb files, kept so a re-import is offline
 */
#include "tempdir.h"
#include "subproc.h"
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Run a system tool with stdout sent to our stderr (stdout is for paths). */
static int run_tool(const char *cwd, char *const argv[])
{
	return subproc_simple(cwd, (const char *const *)argv, NULL) == 0 &&
	       !interrupted() ? 0 : -1;
}

/* One sources.list line; "main" is enough: linux-source is in main. */
static char *source_line(const char *uri, const char *keyring,
			 const char *suite)
{
	if (keyring)
		return xasprintf("deb [signed-by=%s] %s %s main\n", keyring, uri,
				 suite);
	return xasprintf("deb %s %s main\n", uri, suite);
}

struct apt_dir {
	char *root;		/* <cache>/debian */
	char *opts[8];		/* -o settings for a private apt */
};

static int apt_dir_setup(struct apt_dir *d, const char *suite)
{
	char *cache = cache_dir();
	char *uri = NULL, *keyring = NULL, *list, *line;
	const char *subdirs[] = { "lists/partial", "cache/archives/partial", "debs" };
	int rc = -1;

	d->root = xasprintf("%s/debian", cache);
	free(cache);
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		char *p = xasprintf("%s/%s", d->root, subdirs[i]);

		if (mkdir_p(p)) {
			error("cannot create %s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		free(p);
	}
	if (apt_find_archive(suite, &uri, &keyring))
		return -1;
	line = source_line(uri, keyring, suite);
	info("apt source for %s: %s", suite, uri);
	/*
	 * Debian folds each security update into the next point release and
	 * drops it from -security once superseded there: a package version
	 * published in bullseye-security lives on in bullseye.  List the
	 * release's main suite too, so the pinned version is still found.
	 */
	if (strchr(suite, '-')) {
		char *base = xasprintf("%.*s", (int)strcspn(suite, "-"), suite);
		char *uri2 = NULL, *key2 = NULL;

		if (!apt_find_archive(base, &uri2, &key2)) {
			char *both = source_line(uri2, key2, base);
			char *joined = xasprintf("%s%s", line, both);

			info("apt source for %s: %s", base, uri2);
			free(line);
			free(both);
			line = joined;
		}
		free(base);
		free(uri2);
		free(key2);
	}
	list = xasprintf("%s/sources.list", d->root);
	if (write_file(list, line, strlen(line)))
		error("cannot write %s: %s", list, strerror(errno));
	else
		rc = 0;
	d->opts[0] = xasprintf("Dir::Etc::SourceList=%s", list);
	d->opts[1] = xstrdup("Dir::Etc::SourceParts=/nonexistent");
	d->opts[2] = xasprintf("Dir::State::Lists=%s/lists", d->root);
	d->opts[3] = xasprintf("Dir::Cache=%s/cache", d->root);
	d->opts[4] = xstrdup("Dir::State::status=/dev/null");
	d->opts[5] = xstrdup("Debug::NoLocking=1");
	/*
	 * As root apt drops to its _apt user, who cannot write into root's
	 * cache; say up front that it should not try, instead of a warning.
	 */
	d->opts[6] = geteuid() == 0 ? xstrdup("APT::Sandbox::User=root") : NULL;
	d->opts[7] = NULL;
	free(line);
	free(list);
	free(uri);
	free(keyring);
	return rc;
}

static void apt_dir_free(struct apt_dir *d)
{
	free(d->root);
	for (size_t i = 0; d->opts[i]; i++)
		free(d->opts[i]);
}

/* apt-get -q -o ... VERB [ARG] */
static int apt_get(const struct apt_dir *d, const char *cwd, const char *verb,
		   const char *arg)
{
	char *argv[24];
	size_t n = 0;

	argv[n++] = "apt-get";
	argv[n++] = "-q";
	for (size_t i = 0; d->opts[i]; i++) {
		argv[n++] = "-o";
		argv[n++] = d->opts[i];
	}
	argv[n++] = (char *)verb;
	/* A mirror that cannot be reached must fail the update, not warn. */
	if (!strcmp(verb, "update"))
		argv[n++] = "--error-on=any";
	if (arg)
		argv[n++] = (char *)arg;
	argv[n] = NULL;
	return run_tool(cwd, argv);
}

/* The one .deb apt-get download left in dir (its name escapes epochs). */
static char *find_deb(const char *dir, const char *pkg)
{
	struct strlist found = { 0 };
	char *prefix = xasprintf("%s_", pkg), *r = NULL;
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);

		if (!strncmp(name, prefix, strlen(prefix)) && len > 4 &&
		    !strcmp(name + len - 4, ".deb"))
			strlist_push(&found, name);
		free(names[i]);
	}
	free(names);
	if (found.n == 1)
		r = xasprintf("%s/%s", dir, found.items[0]);
	strlist_free(&found);
	free(prefix);
	return r;
}

static int download_deb(const struct port *p, const char *dest)
{
	struct apt_dir d = { 0 };
	char *spec = xasprintf("%s=%s", p->debian_package, p->debian_version);
	char *tmp = NULL, *got = NULL;
	int rc = -1;

	if (apt_dir_setup(&d, p->debian_suite))
		goto out;
	info("downloading %s %s from %s (apt-get, private lists in %s)",
	     p->debian_package, p->debian_version, p->debian_suite, d.root);
	if (apt_get(&d, NULL, "update", NULL)) {
		error("apt-get update failed for suite '%s' (sources in %s/sources.list)",
		      p->debian_suite, d.root);
		goto out;
	}
	tmp = temp_dir_next_to(dest);
	if (!tmp)
		goto out;
	if (apt_get(&d, tmp, "download", spec)) {
		error("apt-get download %s failed (suite %s, sources in %s/sources.list)",
		      spec, p->debian_suite, d.root);
		goto out;
	}
	got = find_deb(tmp, p->debian_package);
	if (!got) {
		error("apt-get download %s left no %s_*.deb in %s", spec,
		      p->debian_package, tmp);
		goto out;
	}
	if (rename(got, dest)) {
		error("cannot move %s to %s: %s", got, dest, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (tmp)
		remove_tree(tmp);
	free(tmp);
	free(got);
	free(spec);
	apt_dir_free(&d);
	return rc;
}

int debian_fetch_source_deb(const struct port *p, char **deb_path)
{
	char *cache = cache_dir();
	char *debs = xasprintf("%s/debian/debs", cache);
	/* Our own name for the file: Debian versions may hold ':' (epochs). */
	char *path = xasprintf("%s/%s_%s_all.deb", debs, p->debian_package,
			       p->debian_version);

	free(cache);
	if (is_file(path)) {
		info("using cached %s", path);
	} else if (mkdir_p(debs)) {
		error("cannot create %s: %s", debs, strerror(errno));
		goto fail;
	} else if (download_deb(p, path)) {
		goto fail;
	}
	free(debs);
	*deb_path = path;
	return 0;
fail:
	free(debs);
	free(path);
	return -1;
}
