// SPDX-License-Identifier: GPL-2.0
/*
 * Addresses and MAINTAINERS parsing and matching; see maintainers.h for the
 * matching rules and why they are what they are.
 */
#include "maintainers.h"
#include "rfc2047.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- addresses ---- */

static char *trim_dup(const char *b, const char *e)
{
	char *s;

	while (b < e && isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	/* A quoted display name loses its quotes; address_format re-adds them. */
	if (e - b >= 2 && *b == '"' && e[-1] == '"') {
		b++;
		e--;
	}
	s = xmalloc((size_t)(e - b) + 1);
	memcpy(s, b, (size_t)(e - b));
	s[e - b] = '\0';
	return s;
}

static bool plausible_addr(const char *a)
{
	const char *at = strchr(a, '@');

	if (!at || at == a || !at[1] || strchr(at + 1, '@'))
		return false;
	for (const char *p = a; *p; p++)
		if (isspace((unsigned char)*p) || *p == '<' || *p == '>' ||
		    *p == ',' || *p == '"' || (unsigned char)*p < 0x20)
			return false;
	return true;
}

int address_parse(const char *spec, struct address *out)
{
	const char *lt = strchr(spec, '<'), *gt;
	char *addr, *name = NULL;

	memset(out, 0, sizeof(*out));
	if (lt) {
		gt = strchr(lt, '>');
		if (!gt)
			return -1;
		addr = trim_dup(lt + 1, gt);
		name = trim_dup(spec, lt);
	} else {
		/* "list@host (moderated for non-subscribers)": drop the comment. */
		const char *paren = strchr(spec, '(');

		addr = trim_dup(spec, paren ? paren : spec + strlen(spec));
	}
	if (!plausible_addr(addr)) {
		free(addr);
		free(name);
		return -1;
	}
	if (name && !*name) {
		free(name);
		name = NULL;
	}
	out->addr = addr;
	out->name = name;
	return 0;
}

static bool needs_quotes(const char *name)
{
	return strpbrk(name, "()<>[]:;@\\,.\"") != NULL;
}

char *address_format(const struct address *a)
{
	char *name, *s;

	if (!a->name)
		return xstrdup(a->addr);
	if (!is_ascii(a->name)) {
		name = rfc2047_encode(a->name);
	} else if (needs_quotes(a->name)) {
		/* Escape quotes and backslashes inside the quoted string. */
		char *q = xmalloc(strlen(a->name) * 2 + 3), *o = q;

		*o++ = '"';
		for (const char *p = a->name; *p; p++) {
			if (*p == '"' || *p == '\\')
				*o++ = '\\';
			*o++ = *p;
		}
		*o++ = '"';
		*o = '\0';
		name = q;
	} else {
		name = xstrdup(a->name);
	}
	s = xasprintf("%s <%s>", name, a->addr);
	free(name);
	return s;
}

bool addrlist_has(const struct addrlist *l, const char *addr)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcasecmp(l->v[i].addr, addr))
			return true;
	return false;
}

int addrlist_add(struct addrlist *l, const char *spec)
{
	struct address a;

	if (address_parse(spec, &a))
		return -1;
	if (addrlist_has(l, a.addr)) {
		free(a.name);
		free(a.addr);
		return 0;
	}
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = a;
	return 1;
}

void addrlist_free(struct addrlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].addr);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ---- patterns ---- */

/* Shell-glob match of pattern against a prefix of s ('*' may cross '/'). */
static bool glob_prefix(const char *p, const char *s)
{
	for (; *p; p++, s++) {
		if (*p == '*') {
			for (const char *t = s;; t++) {
				if (glob_prefix(p + 1, t))
					return true;
				if (!*t)
					return false;
			}
		}
		if (!*s)
			return false;
		if (*p != '?' && *p != *s)
			return false;
	}
	return true;
}

static int count_slashes(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '/';
	return n;
}

bool maint_pattern_match(const char *pattern, const char *file)
{
	size_t len = strlen(pattern);

	if (!glob_prefix(pattern, file))
		return false;
	if (len && pattern[len - 1] == '/')
		return true;
	/* A file pattern: the same depth, so "*.c" stays in its directory. */
	return count_slashes(pattern) == count_slashes(file);
}

/* ---- the file ---- */

static void section_free(struct maint_section *s)
{
	free(s->title);
	strlist_free(&s->m);
	strlist_free(&s->r);
	strlist_free(&s->l);
	strlist_free(&s->f);
	strlist_free(&s->x);
	for (size_t i = 0; i < s->nn; i++)
		regfree(&s->n[i]);
	free(s->n);
}

void maintainers_free(struct maintainers *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		section_free(&m->s[i]);
	free(m->s);
	free(m->path);
	free(m);
}

/* "drivers/net" names a directory of the tree: treat it as "drivers/net/". */
static char *normalise_pattern(const char *value, const char *root)
{
	size_t len = strlen(value);

	if (root && len && value[len - 1] != '/' && !strpbrk(value, "*?")) {
		char *full = xasprintf("%s/%s", root, value);
		bool dir = is_dir(full);

		free(full);
		if (dir)
			return xasprintf("%s/", value);
	}
	return xstrdup(value);
}

static void section_add_n(struct maintainers *m, struct maint_section *s,
			  const char *value, int line)
{
	regex_t re;

	/* get_maintainer.pl uses Perl regexes; skip the few POSIX cannot read. */
	if (regcomp(&re, value, REG_EXTENDED | REG_NOSUB)) {
		warning("%s:%d: N: pattern '%s' is not a POSIX regex; ignored",
			m->path, line, value);
		return;
	}
	s->n = xrealloc(s->n, (s->nn + 1) * sizeof(*s->n));
	s->n[s->nn++] = re;
}

/* A person or list that cannot be mailed is reported where it stands. */
static bool mailable(const struct maintainers *m, const char *value, int line)
{
	struct address a;

	if (address_parse(value, &a)) {
		warning("%s:%d: '%s' is not a mail address; ignored", m->path,
			line, value);
		return false;
	}
	free(a.name);
	free(a.addr);
	return true;
}

static void section_add(struct maintainers *m, struct maint_section *s,
			char tag, const char *value, int line, const char *root)
{
	char *pat;

	if ((tag == 'M' || tag == 'R' || tag == 'L') && !mailable(m, value, line))
		return;
	switch (tag) {
	case 'M':
		strlist_push(&s->m, value);
		break;
	case 'R':
		strlist_push(&s->r, value);
		break;
	case 'L':
		strlist_push(&s->l, value);
		break;
	case 'F':
	case 'X':
		pat = normalise_pattern(value, root);
		strlist_push(tag == 'F' ? &s->f : &s->x, pat);
		if (tag == 'F' && (!strcmp(pat, "*") || !strcmp(pat, "*/")))
			s->catch_all = true;
		free(pat);
		break;
	case 'N':
		section_add_n(m, s, value, line);
		break;
	default:
		break;		/* S:, T:, W:, Q:, B:, C:, P:, K: do not address mail */
	}
}

static bool is_tag_line(const char *line)
{
	return isupper((unsigned char)line[0]) && line[1] == ':' &&
	       (line[2] == '\t' || line[2] == ' ');
}

static struct maint_section *new_section(struct maintainers *m,
					 const char *title, int line)
{
	struct maint_section *s;

	m->s = xrealloc(m->s, (m->n + 1) * sizeof(*m->s));
	s = &m->s[m->n++];
	memset(s, 0, sizeof(*s));
	s->title = xstrdup(title);
	s->line = line;
	return s;
}

struct maintainers *maintainers_load(const char *path, const char *root)
{
	struct maintainers *m;
	struct maint_section *cur = NULL;
	char *buf = read_file(path, NULL), *line, *save = NULL;
	int lineno = 0;

	if (!buf) {
		error("cannot read MAINTAINERS file '%s'", path);
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->path = xstrdup(path);
	/* strtok_r would skip empty lines, and they end sections: walk by hand. */
	for (line = buf; line; line = save) {
		char *nl = strchr(line, '\n');

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		if (nl && nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		if (!*line) {
			cur = NULL;
			continue;
		}
		if (is_tag_line(line)) {
			char *v = line + 3;

			while (isspace((unsigned char)*v))
				v++;
			/* Tags before any title are the file's preamble. */
			if (cur && *v)
				section_add(m, cur, line[0], v,
					    lineno, root);
			continue;
		}
		/* Indented text is the preamble's description, not a title. */
		if (isspace((unsigned char)line[0]))
			continue;
		if (!cur)
			cur = new_section(m, line, lineno);
	}
	free(buf);
	return m;
}

static bool section_matches(const struct maint_section *s, const char *file)
{
	bool hit = false;

	for (size_t i = 0; i < s->x.n; i++)
		if (maint_pattern_match(s->x.items[i], file))
			return false;
	for (size_t i = 0; i < s->f.n && !hit; i++)
		hit = maint_pattern_match(s->f.items[i], file);
	for (size_t i = 0; i < s->nn && !hit; i++)
		hit = !regexec(&s->n[i], file, 0, NULL, 0);
	return hit;
}

static void add_all(struct addrlist *l, const struct strlist *from)
{
	for (size_t i = 0; i < from->n; i++)
		addrlist_add(l, from->items[i]);
}

int maintainers_for_file(const struct maintainers *m, const char *file,
			 struct addrlist *to, struct addrlist *cc)
{
	int specific = 0;

	/*
	 * The catch-all section ("THE REST": F: *) would put Linus and
	 * linux-kernel on every series; get_maintainer.pl users learn to
	 * drop it, so it is never used.
	 */
	for (size_t i = 0; i < m->n; i++) {
		const struct maint_section *s = &m->s[i];

		if (s->catch_all || !section_matches(s, file))
			continue;
		specific++;
		add_all(to, &s->m);
		add_all(cc, &s->r);
		add_all(cc, &s->l);
	}
	return specific;
}
