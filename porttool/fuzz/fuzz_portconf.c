// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the port loader (port.c port_load_dir): port.conf
 * through libgit2's config parser and our checks, then the series.
 *
 * The input is split at the first line "--series--": what comes before is
 * written to port.conf, what comes after to series, in a private temporary
 * port directory that also holds two patch files (0001-a.patch,
 * 0002-b.patch) so that series naming them get past the existence check.
 * A port that loads must keep the promises the commands rely on.
 */
#include "../porttool.h"

#include <git2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEPARATOR "\n--series--\n"

static char *port_dir, *conf_path, *series_path;

static void remove_port_dir(void)
{
	char *p;

	unlink(conf_path);
	unlink(series_path);
	p = xasprintf("%s/0001-a.patch", port_dir);
	unlink(p);
	free(p);
	p = xasprintf("%s/0002-b.patch", port_dir);
	unlink(p);
	free(p);
	rmdir(port_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char tmpl[] = "/tmp/porttool-fuzz-port-XXXXXX";

	git_libgit2_init();
	if (!mkdtemp(tmpl))
		abort();
	port_dir = xstrdup(tmpl);
	conf_path = xasprintf("%s/port.conf", port_dir);
	series_path = xasprintf("%s/series", port_dir);
	for (int i = 0; i < 2; i++) {
		char *p = xasprintf("%s/%s", port_dir,
				    i ? "0002-b.patch" : "0001-a.patch");

		if (write_file(p, "", 0))
			abort();
		free(p);
	}
	atexit(remove_port_dir);
	return 0;
}

static bool is_release_of(const char *base, const char *line)
{
	size_t n = strlen(line);

	return !strncmp(base, line, n) && (!base[n] || base[n] == '.');
}

static void check_port(const struct port *p)
{
	size_t patches = 0;

	const char *strings[] = { p->version, p->base_version, p->base_tag,
				  p->base_commit, p->base_tree, p->debian_package,
				  p->debian_version, p->debian_suite,
				  p->corevisor_path, p->branch };

	if (!p->version || !p->base_version || !p->base_tag || !p->branch)
		abort();	/* required keys, and the derived branch */
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (strings[i] && !*strings[i])
			abort();	/* a key without a value is refused */
	if (!is_release_of(p->base_version, p->version))
		abort();
	if ((p->base_commit && strlen(p->base_commit) != 40) ||
	    (p->base_tree && strlen(p->base_tree) != 40))
		abort();
	if (p->corevisor_path && (p->corevisor_path[0] == '/' ||
				  strstr(p->corevisor_path, "..")))
		abort();	/* apply writes there: it must stay in the tree */
	for (size_t i = 0; i < p->nboards; i++)
		if (!p->boards[i].name || !*p->boards[i].name)
			abort();
	for (size_t i = 0; i < p->nseries; i++)
		patches += p->series[i].patch != NULL;
	if (patches != p->npatches)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sep = memmem(data, size, SEPARATOR, strlen(SEPARATOR));
	size_t conf_len = sep ? (size_t)(sep - (const char *)data) : size;
	struct port *p;

	if (write_file(conf_path, data, conf_len))
		abort();
	unlink(series_path);
	if (sep && write_file(series_path, sep + strlen(SEPARATOR),
			      size - conf_len - strlen(SEPARATOR)))
		abort();
	p = port_load_dir(port_dir);
	if (p) {
		check_port(p);
		port_free(p);
	}
	return 0;
}
