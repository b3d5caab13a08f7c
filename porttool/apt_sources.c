// SPDX-License-Identifier: GPL-2.0
/*
 * The machine's Debian mirrors, read from its apt configuration.
 *
 * porttool never names a mirror itself: the archive and security URIs are
 * whatever the machine already uses (/etc/apt/sources.list, and *.list and
 * deb822 *.sources files in /etc/apt/sources.list.d), so that the default
 * tree downloads through the same mirror, proxy or snapshot as apt does.
 * Only sources that serve the machine's own Debian release (its
 * VERSION_CODENAME, e.g. bookworm, bookworm-security) count as Debian's
 * archive: third-party repositories in the same files are left alone.
 */
#include "tree.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* apt splits on any blank; CRLF files leave '\r' at line ends. */
#define BLANKS " \t\r\n\v\f"

struct apt_source {
	char *uri;
	char *signed_by;	/* keyring file, or NULL */
	struct strlist suites;
};

struct apt_sources {
	struct apt_source *v;
	size_t n;
};

static void sources_free(struct apt_sources *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].uri);
		free(s->v[i].signed_by);
		strlist_free(&s->v[i].suites);
	}
	free(s->v);
}

static struct apt_source *sources_add(struct apt_sources *s)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	return &s->v[s->n++];
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void push_words(struct strlist *l, char *words)
{
	for (char *w = strtok(words, BLANKS); w; w = strtok(NULL, BLANKS))
		strlist_push(l, w);
}

/* Only a keyring path can be carried to a one-line sources.list entry. */
static char *keyring_path(const char *value)
{
	char *v = xstrdup(value), *t = trim(v), *r = NULL;

	/* It goes inside "[signed-by=...]": a ']' would end the options. */
	if (t[0] == '/' && !strpbrk(t, BLANKS "]"))
		r = xstrdup(t);
	free(v);
	return r;
}

/* One line of the one-line format: deb [opt=val ...] URI SUITE COMP... */
static void parse_list_line(struct apt_sources *s, char *line)
{
	char *opts = NULL, *uri, *suite, *p;
	struct apt_source *src;

	p = strchr(line, '#');
	if (p)
		*p = '\0';
	line = trim(line);
	if (strncmp(line, "deb", 3) || !strchr(BLANKS, line[3]) || !line[3])
		return;	/* deb-src, or not an entry */
	line = trim(line + 3);
	if (*line == '[') {
		p = strchr(line, ']');
		if (!p)
			return;
		*p = '\0';
		opts = line + 1;
		line = trim(p + 1);
	}
	uri = strtok(line, BLANKS);
	suite = strtok(NULL, BLANKS);
	if (!uri || !suite || uri[0] == '[')
		return;	/* not an entry apt would take either */
	src = sources_add(s);
	src->uri = xstrdup(uri);
	strlist_push(&src->suites, suite);
	for (p = opts ? strtok(opts, BLANKS) : NULL; p; p = strtok(NULL, BLANKS))
		if (!strncmp(p, "signed-by=", 10)) {
			free(src->signed_by);	/* the last one counts */
			src->signed_by = keyring_path(p + 10);
		}
}

static void parse_list_file(struct apt_sources *s, const char *path)
{
	char *buf = read_file(path, NULL), *save = NULL;

	if (!buf)
		return;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		parse_list_line(s, l);
	free(buf);
}

/* A deb822 stanza's fields, the ones that matter here. */
struct stanza {
	char *types, *uris, *suites, *signed_by, *enabled;
};

static void stanza_free(struct stanza *st)
{
	free(st->types);
	free(st->uris);
	free(st->suites);
	free(st->signed_by);
	free(st->enabled);
	memset(st, 0, sizeof(*st));
}

static void stanza_flush(struct apt_sources *s, struct stanza *st)
{
	struct strlist types = { 0 }, uris = { 0 }, suites = { 0 };

	if (st->types && st->uris && st->suites &&
	    !(st->enabled && !strcasecmp(trim(st->enabled), "no"))) {
		push_words(&types, st->types);
		push_words(&uris, st->uris);
		push_words(&suites, st->suites);
		for (size_t i = 0; strlist_has(&types, "deb") && i < uris.n; i++) {
			struct apt_source *src;

			if (uris.items[i][0] == '[')
				continue;	/* would read as options */
			src = sources_add(s);

			src->uri = xstrdup(uris.items[i]);
			src->signed_by = st->signed_by ? keyring_path(st->signed_by) : NULL;
			for (size_t j = 0; j < suites.n; j++)
				strlist_push(&src->suites, suites.items[j]);
		}
	}
	strlist_free(&types);
	strlist_free(&uris);
	strlist_free(&suites);
	stanza_free(st);
}

static char **stanza_field(struct stanza *st, const char *name)
{
	if (!strcasecmp(name, "Types"))
		return &st->types;
	if (!strcasecmp(name, "URIs"))
		return &st->uris;
	if (!strcasecmp(name, "Suites"))
		return &st->suites;
	if (!strcasecmp(name, "Signed-By"))
		return &st->signed_by;
	if (!strcasecmp(name, "Enabled"))
		return &st->enabled;
	return NULL;
}

static void parse_sources_file(struct apt_sources *s, const char *path)
{
	char *buf = read_file(path, NULL), *line, *next;
	struct stanza st = { 0 };
	char **last = NULL;	/* the field a continuation line extends */

	if (!buf)
		return;
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == '#')
			continue;
		if (!*trim(line)) {
			stanza_flush(s, &st);
			last = NULL;
		} else if (isspace((unsigned char)line[0])) {
			if (last && *last) {
				char *joined = xasprintf("%s\n%s", *last, trim(line));

				free(*last);
				*last = joined;
			}
		} else {
			char *colon = strchr(line, ':');

			last = NULL;
			if (!colon)
				continue;
			*colon = '\0';
			last = stanza_field(&st, trim(line));
			if (last) {
				free(*last);
				*last = xstrdup(trim(colon + 1));
			}
		}
	}
	stanza_flush(s, &st);
	free(buf);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static void parse_parts_dir(struct apt_sources *s, const char *dir)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]->d_name);

		if (has_suffix(names[i]->d_name, ".list"))
			parse_list_file(s, path);
		else if (has_suffix(names[i]->d_name, ".sources"))
			parse_sources_file(s, path);
		free(path);
		free(names[i]);
	}
	free(names);
}

/* The codename a suite belongs to: "bullseye-security" -> "bullseye". */
static char *suite_codename(const char *suite)
{
	size_t n = strcspn(suite, "-/");
	char *c = xmalloc(n + 1);

	memcpy(c, suite, n);
	c[n] = '\0';
	return c;
}

static bool is_security_suite(const char *suite)
{
	return has_suffix(suite, "-security") || has_suffix(suite, "/updates");
}

/* The machine's release codename, from os-release; NULL when unknown. */
static char *machine_codename(void)
{
	const char *env = getenv("PORTTOOL_APT_ETC");
	char *path = env && *env ? xasprintf("%s/os-release", env) : NULL;
	char *buf = NULL, *r = NULL, *p;

	if (path && is_file(path))
		buf = read_file(path, NULL);
	if (!buf)
		buf = read_file("/etc/os-release", NULL);
	free(path);
	if (!buf)
		return NULL;
	for (p = buf; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, "VERSION_CODENAME=", 17)) {
			size_t n = strcspn(p + 17, "\n\"'");

			r = xmalloc(n + 1);
			memcpy(r, p + 17, n);
			r[n] = '\0';
			break;
		}
	}
	free(buf);
	return r;
}

/* A Debian source: one that serves the machine's own release. */
static bool is_debian_source(const struct apt_source *src, const char *codename)
{
	bool found = false;

	if (!codename || !*codename)
		return true;
	for (size_t i = 0; i < src->suites.n && !found; i++) {
		char *c = suite_codename(src->suites.items[i]);

		found = !strcmp(c, codename);
		free(c);
	}
	return found;
}

/*
 * Pick the source for suite: one that lists the suite itself wins;
 * otherwise the first Debian source of the same kind (security archive for
 * "-security" suites, the main archive for the rest).
 */
static const struct apt_source *pick_source(const struct apt_sources *s,
					    const char *suite,
					    const char *codename)
{
	bool want_security = is_security_suite(suite);
	const struct apt_source *best = NULL;

	for (size_t i = 0; i < s->n; i++) {
		const struct apt_source *src = &s->v[i];

		if (strlist_has(&src->suites, suite))
			return src;
		if (best || !is_debian_source(src, codename))
			continue;
		for (size_t j = 0; j < src->suites.n; j++)
			if (is_security_suite(src->suites.items[j]) == want_security)
				best = src;
	}
	return best;
}

int apt_find_archive(const char *suite, char **uri, char **signed_by)
{
	const char *env = getenv("PORTTOOL_APT_ETC");
	const char *etc = env && *env ? env : "/etc/apt";
	char *list = xasprintf("%s/sources.list", etc);
	char *parts = xasprintf("%s/sources.list.d", etc);
	char *codename = machine_codename();
	struct apt_sources s = { 0 };
	const struct apt_source *src;
	int rc = -1;

	parse_list_file(&s, list);
	parse_parts_dir(&s, parts);
	src = pick_source(&s, suite, codename);
	if (!src) {
		error("no Debian %s archive for suite '%s' in %s or %s/*.{list,sources}",
		      is_security_suite(suite) ? "security" : "main", suite,
		      list, parts);
	} else {
		*uri = xstrdup(src->uri);
		*signed_by = src->signed_by ? xstrdup(src->signed_by) : NULL;
		rc = 0;
	}
	sources_free(&s);
	free(codename);
	free(list);
	free(parts);
	return rc;
}
