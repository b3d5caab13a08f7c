// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the apt sources reader (apt_sources.c), which
 * parses the machine's sources.list (one-line format) and deb822 .sources
 * files to find Debian's mirrors for 'porttool tree'.
 *
 * The input is split at the first line "--sources--": before it goes to
 * sources.list, after it to sources.list.d/debian.sources, in a private
 * directory named by PORTTOOL_APT_ETC.  Whatever was found is written into
 * a one-line sources.list entry by debian.c ("deb [signed-by=KEYRING] URI
 * SUITE main"), so each must be a single word; the URI must not open an
 * option list ('['), and the keyring must be an absolute path without a
 * ']' (which would close it).
 */
#include "../tree.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEPARATOR "\n--sources--\n"

static char *etc_dir, *list_path, *parts_dir, *deb822_path;

static void remove_etc_dir(void)
{
	unlink(list_path);
	unlink(deb822_path);
	rmdir(parts_dir);
	rmdir(etc_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char tmpl[] = "/tmp/porttool-fuzz-apt-XXXXXX";

	if (!mkdtemp(tmpl))
		abort();
	etc_dir = xstrdup(tmpl);
	list_path = xasprintf("%s/sources.list", etc_dir);
	parts_dir = xasprintf("%s/sources.list.d", etc_dir);
	deb822_path = xasprintf("%s/debian.sources", parts_dir);
	if (mkdir_p(parts_dir) || setenv("PORTTOOL_APT_ETC", etc_dir, 1))
		abort();
	atexit(remove_etc_dir);
	return 0;
}

static void check_uri(const char *uri)
{
	if (!*uri || strpbrk(uri, " \t\n\r\v\f") || uri[0] == '[')
		abort();
}

static void check_keyring(const char *keyring)
{
	if (keyring[0] != '/' || strpbrk(keyring, " \t\n\r\v\f]"))
		abort();
}

static void look_up(const char *suite)
{
	char *uri = NULL, *keyring = NULL;

	if (apt_find_archive(suite, &uri, &keyring))
		return;
	check_uri(uri);
	if (keyring)
		check_keyring(keyring);
	free(uri);
	free(keyring);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sep = memmem(data, size, SEPARATOR, strlen(SEPARATOR));
	size_t list_len = sep ? (size_t)(sep - (const char *)data) : size;

	if (write_file(list_path, data, list_len))
		abort();
	unlink(deb822_path);
	if (sep && write_file(deb822_path, sep + strlen(SEPARATOR),
			      size - list_len - strlen(SEPARATOR)))
		abort();
	look_up("bullseye-security");
	look_up("bookworm");
	return 0;
}
