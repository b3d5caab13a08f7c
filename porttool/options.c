// SPDX-License-Identifier: GPL-2.0
/*
 * Option parsing for subcommands.  One array of struct option per command
 * both parses argv and prints --help, as git's parse-options does.
 */
#include "porttool.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void strlist_push(struct strlist *l, const char *s)
{
	if (l->n + 1 >= l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->items = xrealloc(l->items, l->alloc * sizeof(*l->items));
	}
	l->items[l->n++] = xstrdup(s);
	l->items[l->n] = NULL;
}

bool strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i], s))
			return true;
	return false;
}

void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void print_usage(FILE *out, const struct usage *u)
{
	fprintf(out, "usage: %s\n", u->synopsis);
	if (u->description)
		fprintf(out, "\n%s\n", u->description);
	fprintf(out, "\nOptions:\n");
	for (const struct option *o = u->opts; o && o->kind != OPT_END; o++) {
		char left[64];

		if (o->argname)
			snprintf(left, sizeof(left), "--%s %s", o->name,
				 o->argname);
		else
			snprintf(left, sizeof(left), "--%s", o->name);
		fprintf(out, "  %-24s %s\n", left, o->help);
	}
	fprintf(out, "  %-24s %s\n", "--ports DIR",
		"ports directory (default: the project's ports/)");
	fprintf(out, "  %-24s %s\n", "--help", "show this help");
}

void usage_error(const struct usage *u, const char *fmt, ...)
{
	va_list ap;

	fputs("porttool: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	print_usage(stderr, u);
	exit(EXIT_USAGE);
}

static const struct option *find_option(const struct usage *u,
					const char *name, size_t len)
{
	for (const struct option *o = u->opts; o && o->kind != OPT_END; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

static void set_option(const struct usage *u, const struct option *o,
		       const char *val)
{
	char *end;
	long n;

	switch (o->kind) {
	case OPT_STRING:
		*(const char **)o->value = val;
		break;
	case OPT_BOOL:
		*(bool *)o->value = true;
		break;
	case OPT_INT:
		errno = 0;
		n = strtol(val, &end, 10);
		if (errno || *end || end == val || n < INT_MIN || n > INT_MAX)
			usage_error(u, "option '--%s' needs a number, not '%s'",
				    o->name, val);
		*(int *)o->value = (int)n;
		break;
	case OPT_LIST:
		strlist_push(o->value, val);
		break;
	case OPT_END:
		break;
	}
}

int parse_options(int argc, char **argv, const struct usage *u)
{
	int npos = 0, i;
	/* argv[0] is the command name and stays where it is. */
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct option *o;
		const char *eq, *val = NULL;

		if (!strcmp(a, "--")) {
			while (++i < argc)
				pos[npos++] = argv[i];
			break;
		}
		if (a[0] != '-' || !a[1]) {
			pos[npos++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			print_usage(stdout, u);
			exit(EXIT_OK);
		}
		if (a[1] != '-')
			usage_error(u, "unknown option '%s'", a);
		eq = strchr(a + 2, '=');
		o = find_option(u, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		if (!o)
			usage_error(u, "unknown option '%s'", a);
		if (o->kind == OPT_BOOL) {
			if (eq)
				usage_error(u, "option '--%s' takes no value",
					    o->name);
		} else if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			usage_error(u, "option '--%s' needs a value (%s)",
				    o->name, o->argname ? o->argname : "VALUE");
		}
		set_option(u, o, val);
	}
	for (i = 0; i < npos; i++)
		argv[i + 1] = pos[i];
	argv[npos + 1] = NULL;
	free(pos);
	return npos;
}
