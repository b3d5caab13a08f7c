// SPDX-License-Identifier: GPL-2.0
/*
 * Reading archives with libarchive: kernel tarballs, and archives nested in
 * archives (a .deb is an ar archive holding data.tar.gz, which holds
 * usr/src/linux-source-X.Y.tar.xz).  Nested archives are streamed: nothing
 * is unpacked to disk on the way to the files of the kernel tree.
 */
#include "tree.h"

#include <archive.h>
#include <archive_entry.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

struct archive *archive_open_file(const char *path)
{
	struct archive *a = archive_read_new();

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_ar(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		error("%s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* A member's data feeds the child archive, one block at a time. */
struct member {
	struct archive *parent;
	char buf[1 << 16];
};

static la_ssize_t member_read(struct archive *child, void *data,
			      const void **block)
{
	struct member *m = data;
	la_ssize_t n = archive_read_data(m->parent, m->buf, sizeof(m->buf));

	if (n < 0)
		archive_set_error(child, archive_errno(m->parent), "%s",
				  archive_error_string(m->parent));
	*block = m->buf;
	return n;
}

static int member_close(struct archive *child, void *data)
{
	free(data);
	return ARCHIVE_OK;
}

struct archive *archive_open_member(struct archive *parent, const char *name)
{
	struct archive *a = archive_read_new();
	struct member *m = xcalloc(1, sizeof(*m));

	m->parent = parent;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open(a, m, NULL, member_read, member_close) != ARCHIVE_OK) {
		error("%s: %s", name, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

int archive_seek_entry(struct archive *a, const char *what, const char *pattern)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);

		if (!name)
			continue;
		if (!strncmp(name, "./", 2))
			name += 2;
		if (!fnmatch(pattern, name, FNM_PATHNAME))
			return 0;
	}
	if (r == ARCHIVE_EOF)
		return 1;
	error("%s: %s", what, archive_error_string(a));
	return -1;
}

void archive_close(struct archive *a)
{
	if (a)
		archive_read_free(a);
}
