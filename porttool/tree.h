/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Base trees: what 'porttool tree' prepares and other commands use.
 *
 * A base tree is a git repository whose base commit holds every file of a
 * kernel release, tagged with the port's base.tag.  The embedded default for
 * a line Debian ships is its linux-source-X.Y package, fetched with apt
 * through a private directory under the cache and imported with libgit2.
 *
 * Files: default_tree.c (the cached default tree, default_tree.h), debian.c
 * (apt download),
 * apt_sources.c (the machine's Debian mirrors), archive.c (reading tarballs
 * and .deb members with libarchive), import.c (tarball -> git repository).
 */
#ifndef PORTTOOL_TREE_H
#define PORTTOOL_TREE_H

#include "default_tree.h"
#include "porttool.h"

struct archive;

/* ---- a release tarball from port.conf [tarball] (release_fetch.c) ---- */

/* tarball.url with "{version}" replaced by base.version (a new string). */
char *release_tarball_url(const struct port *p);
/*
 * Return the path of the port's release tarball in the cache, downloading
 * it first when it is not there; its SHA-256 must be tarball.sha256.
 */
int fetch_release_tarball(const struct port *p, char **path);

/* ---- Debian packages through a private apt directory (debian.c) ---- */

/*
 * Return the path of the port's linux-source .deb in the cache, downloading
 * it with apt-get first when it is not there.
 */
int debian_fetch_source_deb(const struct port *p, char **deb_path);

/* ---- the machine's apt sources (apt_sources.c) ---- */

/*
 * Find the URI of the Debian archive that serves suite ("bullseye-security"
 * goes to the security archive, "bullseye" to the main one) in the
 * machine's apt configuration under etc_dir (normally /etc/apt; the
 * environment variable PORTTOOL_APT_ETC overrides it, for tests).  The
 * Signed-By keyring of that source is returned too when it is a file
 * (NULL otherwise).  Returns 0, or -1 after printing an error.
 */
int apt_find_archive(const char *suite, char **uri, char **signed_by);

/* ---- archives (archive.c) ---- */

/* Open a tarball (.tar, .tar.gz, .tar.xz, ...) for reading. */
struct archive *archive_open_file(const char *path);
/*
 * Open the data of the archive's current entry as an archive of its own,
 * e.g. data.tar.gz inside a .deb.  The parent must outlive the child.
 */
struct archive *archive_open_member(struct archive *parent, const char *name);
/*
 * Advance to the first entry whose name (without a leading "./") matches
 * the shell pattern.  Returns 0, 1 when there is none, -1 on a read error.
 */
int archive_seek_entry(struct archive *a, const char *what, const char *pattern);
void archive_close(struct archive *a);

/* ---- importing a kernel tarball as a git repository (import.c) ---- */

struct import_opts {
	const char *source;	/* shown in messages: the tarball or .deb */
	const struct port *port;	/* for base.version and base.tag */
	const char *message;	/* commit message */
};

/*
 * Read every entry of the archive into a new repository created at dir
 * (which must not exist), strip a single top-level directory, commit once
 * with a fixed author and date, tag the commit and check it out.  The tag
 * is the port's base.tag when the tarball's Makefile says base.version,
 * otherwise vX.Y.Z from the Makefile.  Returns 0 or -1 (dir is then left
 * for the caller to remove).
 */
int import_archive(struct archive *a, const char *dir,
		   const struct import_opts *opts);

#endif
