// SPDX-License-Identifier: GPL-2.0
/*
 * Did a board's config fragment take?  build runs this right after
 * allnoconfig (kbuild.c), check on a finished build (builtin/check.c).
 */
#include "config_check.h"
#include "porttool.h"

#include <ctype.h>
#include <errno.h>
#include <fts.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One symbol the fragment sets, and what the .config says of it. */
struct wanted {
	char sym[128];		/* CONFIG_FOO */
	char want[256];		/* "y", "m", a value, or "n" */
	char *have;		/* .config's value, "n", or NULL: absent */
	int line;
	bool defined;		/* srctree's Kconfig has "config FOO" */
};

/* The line after l, NULL after the last. */
static const char *next_line(const char *l)
{
	const char *nl = strchr(l, '\n');

	return nl ? nl + 1 : NULL;
}

/* The value of sym in a .config ("y", "m", a value, "n"), NULL if absent. */
static char *config_value(const char *config, const char *sym)
{
	size_t len = strlen(sym);

	for (const char *l = config; l && *l; l = next_line(l)) {
		if (!strncmp(l, sym, len) && l[len] == '=') {
			const char *v = l + len + 1;

			return strndup(v, strcspn(v, "\n"));
		}
		if (!strncmp(l, "# ", 2) && !strncmp(l + 2, sym, len) &&
		    !strncmp(l + 2 + len, " is not set", 11))
			return xstrdup("n");
	}
	return NULL;
}

/* Parse one fragment line into symbol and wanted value; false: skip it. */
static bool fragment_line(const char *line, struct wanted *w)
{
	const char *eq;

	if (sscanf(line, "# %127s is not set", w->sym) == 1 &&
	    !strncmp(w->sym, "CONFIG_", 7) && strstr(line, " is not set")) {
		snprintf(w->want, sizeof(w->want), "n");
		return true;
	}
	if (strncmp(line, "CONFIG_", 7) || !(eq = strchr(line, '=')) ||
	    eq - line >= (long)sizeof(w->sym))
		return false;
	snprintf(w->sym, sizeof(w->sym), "%.*s", (int)(eq - line), line);
	snprintf(w->want, sizeof(w->want), "%.*s", (int)strcspn(eq + 1, "\n"),
		 eq + 1);
	return true;
}

/* Mark the symbols that one Kconfig file defines ("config FOO"). */
static void scan_kconfig(const char *path, struct wanted *w, size_t n)
{
	char *text = read_file(path, NULL);

	if (!text)
		return;
	for (const char *l = text; l && *l; l = next_line(l)) {
		const char *p = l;
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "config", 6))
			p += 6;
		else if (!strncmp(p, "menuconfig", 10))
			p += 10;
		else
			continue;
		if (*p != ' ' && *p != '\t')
			continue;
		while (*p == ' ' || *p == '\t')
			p++;
		len = 0;
		while (isalnum((unsigned char)p[len]) || p[len] == '_')
			len++;
		for (size_t i = 0; i < n; i++)
			if (!w[i].defined && strlen(w[i].sym) == 7 + len &&
			    !strncmp(w[i].sym + 7, p, len))
				w[i].defined = true;
	}
	free(text);
}

/*
 * Which of the absent symbols srctree's Kconfig files define: one walk of
 * the tree (about 1,700 Kconfig files in 80,000), skipping .git.
 */
static void find_defined(const char *srctree, struct wanted *w, size_t n)
{
	char *roots[] = { (char *)srctree, NULL };
	FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOSTAT, NULL);
	FTSENT *e;

	if (!fts)
		return;
	while ((e = fts_read(fts))) {
		if (e->fts_info == FTS_D && !strcmp(e->fts_name, ".git")) {
			fts_set(fts, e, FTS_SKIP);
			continue;
		}
		if ((e->fts_info == FTS_F || e->fts_info == FTS_NSOK) &&
		    !strncmp(e->fts_name, "Kconfig", 7))
			scan_kconfig(e->fts_accpath, w, n);
	}
	fts_close(fts);
}

static void notef(config_note_fn note, void *ctx, bool is_error,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void notef(config_note_fn note, void *ctx, bool is_error,
		  const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg)
		note(ctx, is_error, msg);
	free(msg);
}

/* The fragment's symbols, with .config's value of each. */
static struct wanted *read_wanted(const char *frag, const char *cfg,
				  size_t *n)
{
	struct wanted *w = NULL;
	size_t alloc = 0;
	int lineno = 0;

	*n = 0;
	for (const char *l = frag; l && *l; l = next_line(l)) {
		struct wanted one = { .line = ++lineno };

		if (!fragment_line(l, &one))
			continue;
		one.have = config_value(cfg, one.sym);
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			w = xrealloc(w, alloc * sizeof(*w));
		}
		w[(*n)++] = one;
	}
	return w;
}

int config_compare(const char *fragment, const char *config_path,
		   const char *srctree, config_note_fn note, void *ctx,
		   int *checked)
{
	char *cfg = read_file(config_path, NULL);
	char *frag = read_file(fragment, NULL);
	struct wanted *w = NULL;
	size_t n = 0, absent = 0;
	int bad = 0;

	if (!cfg || !frag) {
		notef(note, ctx, true, "cannot read %s: %s",
		      cfg ? fragment : config_path, strerror(errno));
		free(cfg);
		free(frag);
		return -1;
	}
	w = read_wanted(frag, cfg, &n);
	for (size_t i = 0; i < n; i++)
		absent += !w[i].have && strcmp(w[i].want, "n");
	if (absent && srctree)
		find_defined(srctree, w, n);
	for (size_t i = 0; i < n; i++) {
		if (!w[i].have && strcmp(w[i].want, "n")) {
			bool err = !srctree || w[i].defined;

			notef(note, ctx, err, "%s:%d: %s=%s: not in %s (%s)",
			      fragment, w[i].line, w[i].sym, w[i].want,
			      config_path, !srctree ?
			      "no source tree to tell an unknown symbol from an unmet dependency" :
			      w[i].defined ?
			      "its Kconfig dependencies are not met" :
			      "this tree's Kconfig does not define it");
			bad += err;
		} else if (w[i].have && strcmp(w[i].have, w[i].want)) {
			notef(note, ctx, true, "%s:%d: %s=%s, but the kernel's "
			      "Kconfig made it %s", fragment, w[i].line,
			      w[i].sym, w[i].want, w[i].have);
			bad++;
		}
		free(w[i].have);
	}
	if (checked)
		*checked = (int)n;
	free(w);
	free(cfg);
	free(frag);
	return bad;
}
