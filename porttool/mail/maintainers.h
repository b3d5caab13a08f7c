/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mail addresses and MAINTAINERS files (the kernel's format: a section
 * title, then "M:", "R:", "L:", "F:", "X:", "N:" ... lines).
 *
 * Matching follows scripts/get_maintainer.pl's rules, rewritten here:
 * an F:/X: pattern is a shell glob ('*', '?') that must match the start
 * of a path; a pattern ending in '/' (or naming a directory of the tree)
 * matches everything below it; any other pattern only matches paths with
 * as many '/' as itself, so a "*.c" pattern for arch/arm64/kvm does not
 * reach into arch/arm64/kvm/hyp.  N: is an extended regular expression matched
 * anywhere in the path.
 */
#ifndef MAINTAINERS_H
#define MAINTAINERS_H

#include "porttool.h"

#include <regex.h>

struct address {
	char *name;		/* display name, NULL if none */
	char *addr;		/* local@domain */
};

/* A list of addresses without duplicates (addresses compared caselessly). */
struct addrlist {
	struct address *v;
	size_t n, alloc;
};

/*
 * Parse "Name <a@b>", "a@b" or "a@b (comment)" into *out.  Returns -1 (and
 * leaves *out empty) when there is no plausible address in spec.
 */
int address_parse(const char *spec, struct address *out);
/* "Name <a@b>" with the name quoted or RFC 2047-encoded as mail needs. */
char *address_format(const struct address *a);
bool addrlist_has(const struct addrlist *l, const char *addr);
/* Add unless present; returns 1 if added, 0 if a duplicate, -1 if bad. */
int addrlist_add(struct addrlist *l, const char *spec);
void addrlist_free(struct addrlist *l);

struct maint_section {
	char *title;
	int line;			/* where the title stands */
	struct strlist m, r, l;		/* maintainers, reviewers, lists */
	struct strlist f, x;		/* file patterns, exclusions */
	regex_t *n;			/* N: regexes that compiled */
	size_t nn;
	bool catch_all;			/* "THE REST": F: * and F: */
};

struct maintainers {
	char *path;
	struct maint_section *s;
	size_t n;
};

/*
 * Load a MAINTAINERS file.  root is the tree the paths are relative to
 * (a pattern naming one of its directories is taken as a directory, as
 * get_maintainer.pl does); it may be NULL.  Prints an error naming the
 * file and returns NULL when the file cannot be read.
 */
struct maintainers *maintainers_load(const char *path, const char *root);
void maintainers_free(struct maintainers *m);

/* Does one F:/X: pattern (already directory-normalised) match file? */
bool maint_pattern_match(const char *pattern, const char *file);

/*
 * Add the people responsible for file: M: to *to, R: and L: to *cc.
 * A catch-all section ("THE REST") gives its lists always but its
 * maintainers only when no other section matched the file, so that a
 * series is not sent to Linus for every file.  Returns how many
 * sections matched.
 */
int maintainers_for_file(const struct maintainers *m, const char *file,
			 struct addrlist *to, struct addrlist *cc);

#endif
