// SPDX-License-Identifier: GPL-2.0
/*
 * The embedded default tree of a port: Debian's linux-source-X.Y package
 * named in port.conf's [debian] section, imported once into
 * <cache>/trees/vX.Y and reused from then on.
 *
 * Several processes may ask for the same tree at once (the tests do): a lock
 * file next to the tree serialises the preparation, and the tree only
 * appears, by rename, once it is complete.
 */
#include "tempdir.h"
#include "tree.h"

#include <archive.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

char *default_tree_path(const struct port *p)
{
	char *cache = cache_dir();
	char *path = xasprintf("%s/trees/v%s", cache, p->version);

	free(cache);
	return path;
}

static bool port_has_debian(const struct port *p)
{
	return p->debian_package && p->debian_version && p->debian_suite;
}

bool port_has_default_tree(const struct port *p)
{
	return port_has_debian(p) || p->tarball_url;
}

static bool is_repo(const char *dir)
{
	char *git = xasprintf("%s/.git", dir);
	bool r = is_dir(git);

	free(git);
	return r;
}

bool default_tree_cached(const struct port *p)
{
	char *path = default_tree_path(p);
	bool r = port_has_default_tree(p) && is_repo(path);

	free(path);
	return r;
}

static int resolve_commit(git_repository *repo, const char *spec, git_oid *id)
{
	git_object *obj = NULL;

	if (git_revparse_single(&obj, repo, spec) < 0)
		return -1;
	git_oid_cpy(id, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

int check_base_tree(const struct port *p, const char *repo_dir)
{
	git_repository *repo = NULL;
	git_commit *commit = NULL;
	char *spec = xasprintf("refs/tags/%s^{commit}", p->base_tag);
	char hex[GIT_OID_HEXSZ + 1];
	git_oid id;
	int rc = -1;

	if (git_repository_open(&repo, repo_dir) < 0) {
		git_fail(repo_dir);
		goto out;
	}
	if (resolve_commit(repo, spec, &id) < 0) {
		error("%s: has no tag '%s' (base.tag of v%s)", repo_dir,
		      p->base_tag, p->version);
		goto out;
	}
	git_oid_tostr(hex, sizeof(hex), &id);
	if (p->base_commit && strcmp(hex, p->base_commit)) {
		error("%s: tag %s is commit %s, but port v%s records base.commit %s",
		      repo_dir, p->base_tag, hex, p->version, p->base_commit);
		goto out;
	}
	if (git_commit_lookup(&commit, repo, &id) < 0) {
		git_fail(hex);
		goto out;
	}
	git_oid_tostr(hex, sizeof(hex), git_commit_tree_id(commit));
	if (p->base_tree && strcmp(hex, p->base_tree)) {
		error("%s: tag %s has tree %s, but port v%s records base.tree %s",
		      repo_dir, p->base_tag, hex, p->version, p->base_tree);
		goto out;
	}
	rc = 0;
out:
	git_commit_free(commit);
	git_repository_free(repo);
	free(spec);
	return rc;
}

/* Open usr/src/<package>.tar.* inside the .deb's data.tar.*. */
static int open_deb_tarball(const struct port *p, const char *deb,
			    struct archive *chain[3])
{
	char *pattern = xasprintf("usr/src/%s.tar.*", p->debian_package);
	int rc = -1, r;

	chain[0] = archive_open_file(deb);
	if (!chain[0])
		goto out;
	r = archive_seek_entry(chain[0], deb, "data.tar*");
	if (r) {
		if (r > 0)
			error("%s: not a Debian package: no data.tar member", deb);
		goto out;
	}
	chain[1] = archive_open_member(chain[0], deb);
	if (!chain[1])
		goto out;
	r = archive_seek_entry(chain[1], deb, pattern);
	if (r) {
		if (r > 0)
			error("%s: has no %s", deb, pattern);
		goto out;
	}
	chain[2] = archive_open_member(chain[1], pattern);
	rc = chain[2] ? 0 : -1;
out:
	free(pattern);
	return rc;
}

/* A line no distribution ships: the release tarball of port.conf. */
static int make_tree_from_release(const struct port *p, const char *dir)
{
	struct archive *a = NULL;
	char *file = NULL, *tmp = NULL, *msg = NULL, *url;
	int rc = -1;

	trap_interrupts();
	if (fetch_release_tarball(p, &file))
		return -1;
	url = release_tarball_url(p);
	tmp = temp_dir_next_to(dir);
	a = tmp ? archive_open_file(file) : NULL;
	if (!a)
		goto out;
	info("unpacking %s into %s", file, dir);
	msg = xasprintf("Imported by 'porttool tree' from %s\n"
			"(SHA-256 %s), every file as shipped.", url,
			p->tarball_sha256);
	if (import_archive(a, tmp, &(struct import_opts){
				.source = file, .port = p, .message = msg }) ||
	    move_into_place(tmp, dir))
		goto out;
	rc = 0;
out:
	archive_close(a);
	if (rc && tmp)
		remove_tree(tmp);
	free(tmp);
	free(msg);
	free(url);
	free(file);
	return rc;
}

int make_default_tree_at(const struct port *p, const char *dir)
{
	struct archive *chain[3] = { NULL, NULL, NULL };
	char *deb = NULL, *tmp = NULL, *msg = NULL;
	struct import_opts opts = { .port = p };
	int rc = -1;

	if (!port_has_default_tree(p)) {
		error("no embedded default tree for v%s; use --from CLONE or --tarball FILE",
		      p->version);
		return -1;
	}
	if (!port_has_debian(p))
		return make_tree_from_release(p, dir);
	trap_interrupts();
	if (debian_fetch_source_deb(p, &deb))
		return -1;
	tmp = temp_dir_next_to(dir);
	if (!tmp)
		goto out;
	info("unpacking %s into %s", deb, dir);
	if (open_deb_tarball(p, deb, chain))
		goto out;
	msg = xasprintf("Imported by 'porttool tree' from Debian's %s %s\n"
			"(usr/src/%s.tar.xz), every file as shipped.",
			p->debian_package, p->debian_version, p->debian_package);
	opts.source = deb;
	opts.message = msg;
	if (import_archive(chain[2], tmp, &opts)) {
		if (!interrupted())
			info("if %s is damaged, remove it to download it again", deb);
		goto out;
	}
	if (move_into_place(tmp, dir))
		goto out;
	rc = 0;
out:
	for (int i = 2; i >= 0; i--)
		archive_close(chain[i]);
	if (rc && tmp)
		remove_tree(tmp);
	free(tmp);
	free(deb);
	free(msg);
	return rc;
}

/* Leftovers of interrupted runs: .vX.Y.tmp-* next to the tree. */
static void remove_stale_temps(const char *dest)
{
	char *slash = strrchr(dest, '/');
	char *parent = xstrdup(dest), *prefix;
	DIR *d;
	struct dirent *de;

	parent[slash - dest] = '\0';
	prefix = xasprintf(".%s.tmp-", slash + 1);
	d = opendir(parent);
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		char *path = xasprintf("%s/%s", parent, de->d_name);

		info("removing %s, left by an interrupted run", path);
		remove_tree(path);
		free(path);
	}
	if (d)
		closedir(d);
	free(prefix);
	free(parent);
}

static int lock_tree(const char *dest)
{
	char *lock = xasprintf("%s.lock", dest);
	char *parent = xstrdup(dest);
	int fd;

	*strrchr(parent, '/') = '\0';
	mkdir_p(parent);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		error("cannot open lock file %s: %s", lock, strerror(errno));
	} else if (flock(fd, LOCK_EX | LOCK_NB)) {
		info("waiting for another porttool preparing %s", dest);
		if (flock(fd, LOCK_EX)) {
			error("cannot lock %s: %s", lock, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	free(parent);
	free(lock);
	return fd;
}

int ensure_default_tree(const struct port *p, char **path)
{
	char *dest;
	int fd, rc;

	if (!port_has_default_tree(p)) {
		error("no embedded default tree for v%s; use --from CLONE or --tarball FILE",
		      p->version);
		return -1;
	}
	dest = default_tree_path(p);
	if (!is_repo(dest)) {
		fd = lock_tree(dest);
		if (fd < 0) {
			free(dest);
			return -1;
		}
		/* Someone else may have finished it while we waited. */
		rc = 0;
		if (!is_repo(dest)) {
			remove_stale_temps(dest);
			rc = make_default_tree_at(p, dest);
		}
		close(fd);
		if (rc) {
			free(dest);
			return -1;
		}
	}
	if (check_base_tree(p, dest)) {
		error("the cached tree %s does not match port v%s; move it away "
		      "to prepare it again", dest, p->version);
		free(dest);
		return -1;
	}
	*path = dest;
	return 0;
}

/* Which kernel tree a command works on: --tree DIR or the default tree. */
int resolve_tree_dir(const struct port *p, const char *given, char **out)
{
	if (given) {
		*out = xstrdup(given);
		return 0;
	}
	if (!port_has_default_tree(p)) {
		error("%s has no default tree; give one with --tree DIR",
		      p->dir);
		return -1;
	}
	/* Prepares the tree on first use, as 'porttool tree' does. */
	return ensure_default_tree(p, out);
}
