// SPDX-License-Identifier: GPL-2.0
/*
 * Checks a patch must pass before libgit2 sees it (see patch_check.h).
 *
 * A binary hunk as git writes it:
 *
 *	GIT binary patch
 *	literal 3000            (or "delta N": N is the inflated size)
 *	zcmV+X3;oo...           (a length byte, then base85 of the bytes)
 *	...
 *	<blank line>
 *	literal 0               (the optional reverse hunk, same form)
 *	HcmV?d00001
 *	<blank line>
 *
 * Each data line's first byte says how many bytes it carries ('A'-'Z' 1
 * to 26, 'a'-'z' 27 to 52), and the line holds exactly 5 base85 characters
 * per 4 of them.  The bytes of all lines are a zlib stream that inflates to
 * exactly N bytes.  Anything else is "corrupt binary patch", as git apply
 * says, with the line it stopped at.
 */
#include "patch_check.h"
#include "porttool.h"
#include "quote.h"
#include "sbuf.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/*
 * The largest hunk we inflate: a kernel tree holds no file this big, and
 * the bound keeps a hostile "literal N" from asking for any amount.
 */
#define MAX_BINARY_SIZE (256UL << 20)

static const char b85_chars[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	"!#$%&()*+-;<=>?@^_`{|}~";

static int b85_value(char c)
{
	const char *p = c ? strchr(b85_chars, c) : NULL;

	return p ? (int)(p - b85_chars) : -1;
}

/* Decode one data line (length byte included) and append its bytes. */
static bool decode_b85_line(const char *s, size_t len, unsigned char **buf,
			    size_t *n, size_t *cap)
{
	size_t bytes, groups;

	if (s[0] >= 'A' && s[0] <= 'Z')
		bytes = (size_t)(s[0] - 'A' + 1);
	else if (s[0] >= 'a' && s[0] <= 'z')
		bytes = (size_t)(s[0] - 'a' + 27);
	else
		return false;
	groups = (bytes + 3) / 4;
	if (len != 1 + groups * 5)
		return false;
	if (*n + groups * 4 > *cap) {
		*cap = (*n + groups * 4) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	for (size_t g = 0; g < groups; g++) {
		unsigned long long acc = 0;

		for (int k = 0; k < 5; k++) {
			int v = b85_value(s[1 + g * 5 + k]);

			if (v < 0)
				return false;
			acc = acc * 85 + (unsigned long long)v;
		}
		if (acc > 0xffffffffULL)
			return false;
		for (int k = 0; k < 4; k++) {
			size_t at = g * 4 + (size_t)k;

			if (at < bytes)
				(*buf)[*n + at] = (unsigned char)(acc >> (24 - 8 * k));
		}
	}
	*n += bytes;
	return true;
}

/* Does data inflate to exactly want bytes, with nothing left over? */
static bool inflates_to(const unsigned char *data, size_t n, size_t want)
{
	unsigned char *out = xmalloc(want + 1);
	z_stream z = { 0 };
	bool ok = false;
	int ret;

	if (inflateInit(&z) != Z_OK) {
		free(out);
		return false;
	}
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)(want + 1);
	ret = inflate(&z, Z_FINISH);
	ok = ret == Z_STREAM_END && z.total_out == want && z.avail_in == 0;
	inflateEnd(&z);
	free(out);
	return ok;
}

/* A line of the diff: [p, p + len) without its newline (and CR). */
struct dline {
	const char *p;
	size_t len;
};

struct cursor {
	const char *buf;
	size_t len, pos;
	int lineno;
};

static bool get_line(struct cursor *c, struct dline *l)
{
	const char *nl;

	if (c->pos >= c->len)
		return false;
	l->p = c->buf + c->pos;
	nl = memchr(l->p, '\n', c->len - c->pos);
	l->len = nl ? (size_t)(nl - l->p) : c->len - c->pos;
	c->pos += l->len + (nl ? 1 : 0);
	c->lineno++;
	if (l->len && l->p[l->len - 1] == '\r')
		l->len--;
	return true;
}

/* "literal N" or "delta N": N into *size. */
static bool hunk_header(const struct dline *l, size_t *size)
{
	const char *num;
	char *end;
	unsigned long long v;

	if (l->len > 8 && !memcmp(l->p, "literal ", 8))
		num = l->p + 8;
	else if (l->len > 6 && !memcmp(l->p, "delta ", 6))
		num = l->p + 6;
	else
		return false;
	if (*num < '0' || *num > '9')
		return false;
	v = strtoull(num, &end, 10);
	if (end != l->p + l->len || v > MAX_BINARY_SIZE)
		return false;
	*size = (size_t)v;
	return true;
}

/*
 * One hunk after its header line: data lines up to a blank line, then
 * the inflate check.  Returns false at the first bad line (c->lineno).
 */
static bool binary_hunk_ok(struct cursor *c, size_t size)
{
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;
	struct dline l;
	bool ok = false;

	while (get_line(c, &l)) {
		if (!l.len) {
			ok = n && inflates_to(buf, n, size);
			break;
		}
		if (!decode_b85_line(l.p, l.len, &buf, &n, &cap))
			break;
	}
	free(buf);
	return ok;
}

/* The blocks after a "GIT binary patch" line: one or two hunks. */
static bool binary_section_ok(struct cursor *c)
{
	struct dline l;
	size_t size;

	if (!get_line(c, &l) || !hunk_header(&l, &size) ||
	    !binary_hunk_ok(c, size))
		return false;
	/* The reverse hunk is optional; anything else ends the section. */
	{
		struct cursor peek = *c;

		if (!get_line(&peek, &l) || !hunk_header(&l, &size))
			return true;
		*c = peek;
		return binary_hunk_ok(c, size);
	}
}

int check_binary_hunks(const char *diff, size_t len, int first_line,
		       const char *patch_path)
{
	struct cursor c = { diff, len, 0, 0 };
	struct dline l;

	while (get_line(&c, &l)) {
		if (l.len != 16 || memcmp(l.p, "GIT binary patch", 16))
			continue;
		if (!binary_section_ok(&c)) {
			error("%s: corrupt binary patch at line %d", patch_path,
			      first_line + c.lineno - 1);
			return -1;
		}
	}
	return 0;
}

bool patch_path_ok(const char *path)
{
	const char *s = path;

	if (!*s || *s == '/')
		return false;
	while (*s) {
		const char *slash = strchr(s, '/');
		size_t n = slash ? (size_t)(slash - s) : strlen(s);

		if (!n || (n == 1 && s[0] == '.') ||
		    (n == 2 && !memcmp(s, "..", 2)) ||
		    (n == 4 && !strncasecmp(s, ".git", 4)))
			return false;
		if (!slash)
			break;
		s = slash + 1;
		if (!*s)
			return false;	/* a trailing '/' */
	}
	return true;
}

/*
 * The path of a header line after skip bytes ("--- a/", "rename to "...);
 * a C-quoted path is unquoted first, and then loses its first pfx bytes
 * (the "a/" or "b/" inside the quotes).
 */
static bool header_path_ok(const struct dline *l, size_t skip, size_t pfx)
{
	size_t n = l->len - skip;
	const char *p = l->p + skip;
	char *path = NULL;
	bool ok;

	while (n && p[n - 1] == '\t')
		n--;
	if (n && *p == '"') {
		if (unquote_path(p, n, &path) != n || strlen(path) < pfx) {
			free(path);
			return false;
		}
		memmove(path, path + pfx, strlen(path + pfx) + 1);
	} else {
		path = xasprintf("%.*s", (int)n, p);
	}
	ok = patch_path_ok(path);
	free(path);
	return ok;
}

static const char *const path_headers[] = {
	"rename from ", "rename to ", "copy from ", "copy to ",
};

/* Is l a header line that names a path, and is the path bad? */
static bool bad_header_path(const struct dline *l)
{
	if (l->len > 6 && (!memcmp(l->p, "--- ", 4) || !memcmp(l->p, "+++ ", 4))) {
		if (l->len == 13 && !memcmp(l->p + 4, "/dev/null", 9))
			return false;
		/* "a/" or "b/" (quoted or not) is a prefix, not the path. */
		return l->p[4] == '"' ? !header_path_ok(l, 4, 2) :
		       !header_path_ok(l, 6, 0);
	}
	if (l->len > 14 && !memcmp(l->p, "diff --git ", 11))
		return l->p[l->p[11] == '"' ? 14 : 13] == '/' ||
		       memmem(l->p, l->len, " b//", 4) ||
		       memmem(l->p, l->len, " \"b//", 5);
	for (size_t i = 0; i < sizeof(path_headers) / sizeof(*path_headers); i++) {
		size_t k = strlen(path_headers[i]);

		if (l->len > k && !memcmp(l->p, path_headers[i], k))
			return !header_path_ok(l, k, 0);
	}
	return false;
}

int check_header_paths(const char *diff, size_t len, int first_line,
		       const char *patch_path)
{
	struct cursor c = { diff, len, 0, 0 };
	struct dline l;
	bool in_hunk = false;

	while (get_line(&c, &l)) {
		/* Hunk bodies may hold any text; headers start a file. */
		if (l.len >= 11 && !memcmp(l.p, "diff --git ", 11))
			in_hunk = false;
		else if (l.len >= 2 && !memcmp(l.p, "@@", 2))
			in_hunk = true;
		if (in_hunk || !bad_header_path(&l))
			continue;
		error("%s:%d: invalid path in '%.*s'", patch_path,
		      first_line + c.lineno - 1, (int)(l.len > 200 ? 200 : l.len),
		      l.p);
		return -1;
	}
	return 0;
}

static bool in_tree(git_tree *tree, const char *path)
{
	git_tree_entry *e;

	if (git_tree_entry_bypath(&e, tree, path) < 0)
		return false;
	git_tree_entry_free(e);
	return true;
}

/*
 * Did an earlier section of the diff delete path?  git writes a file that
 * becomes a symlink (or back) as a deletion and a creation of the same
 * path, so the creation finds the path gone.
 */
static bool deleted_before(git_diff *diff, size_t idx, const char *path)
{
	for (size_t i = 0; i < idx; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_DELETED &&
		    !strcmp(d->old_file.path, path))
			return true;
	}
	return false;
}

static int check_delta(git_diff *diff, size_t idx, git_tree *base,
		       const char *patch_path)
{
	const git_diff_delta *d = git_diff_get_delta(diff, idx);
	const char *oldp = d->old_file.path, *newp = d->new_file.path;
	bool adds = d->status == GIT_DELTA_ADDED;
	bool moves = d->status == GIT_DELTA_RENAMED ||
		     d->status == GIT_DELTA_COPIED;

	if ((oldp && !patch_path_ok(oldp)) || (newp && !patch_path_ok(newp))) {
		error("%s: invalid path '%s'", patch_path,
		      oldp && !patch_path_ok(oldp) ? oldp : newp);
		return -1;
	}
	if ((adds || moves) && in_tree(base, newp) &&
	    !deleted_before(diff, idx, newp)) {
		error("%s: %s: already exists in the tree the patch applies to",
		      patch_path, newp);
		return -1;
	}
	if (!adds && !in_tree(base, oldp)) {
		error("%s: %s: does not exist in the tree the patch applies to",
		      patch_path, oldp);
		return -1;
	}
	return 0;
}

int check_patch_paths(git_diff *diff, git_tree *base, const char *patch_path)
{
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++)
		if (check_delta(diff, i, base, patch_path) < 0)
			return -1;
	return 0;
}

/*
 * One side of a "diff --git" line at s[0..len): prefix ("a/" or "b/")
 * and path, quoted or not.  Returns the path and sets *used to the bytes
 * it took, or NULL.  An unquoted side takes want bytes (the caller knows
 * how long the path must be).
 */
static char *header_side(const char *s, size_t len, char prefix, size_t want,
			 size_t *used)
{
	char *q = NULL;
	size_t n;

	if (len && s[0] == '"') {
		n = unquote_path(s, len, &q);
		if (!n || strlen(q) < 3 || q[0] != prefix || q[1] != '/') {
			free(q);
			return NULL;
		}
		memmove(q, q + 2, strlen(q) - 1);
		*used = n;
		return q;
	}
	if (len < want + 2 || s[0] != prefix || s[1] != '/')
		return NULL;
	*used = want + 2;
	return xasprintf("%.*s", (int)want, s + 2);
}

/*
 * The path of "diff --git a/P b/P" when both sides name the same P, as
 * git reads it: an unquoted name may hold spaces, so the line is cut
 * where its two halves are equal.  NULL for a rename or a bad line.
 */
static char *same_side_path(const struct dline *l)
{
	const char *rest = l->p + 11;
	size_t n = l->len - 11, used_a, used_b, plen = 0;
	char *a, *b;

	if (n && rest[0] != '"') {
		if (n < 7 || (n - 5) % 2)
			return NULL;
		plen = (n - 5) / 2;
	}
	a = header_side(rest, n, 'a', plen, &used_a);
	if (!a)
		return NULL;
	if (used_a + 1 >= n || rest[used_a] != ' ') {
		free(a);
		return NULL;
	}
	b = header_side(rest + used_a + 1, n - used_a - 1, 'b', strlen(a),
			&used_b);
	if (!b || used_a + 1 + used_b != n || strcmp(a, b)) {
		free(a);
		free(b);
		return NULL;
	}
	free(b);
	return a;
}

/* Write the "---"/"+++" lines a section without hunks lacks. */
static void close_section(struct sbuf *out, const char *path, int kind)
{
	if (!path || !kind)
		return;
	sbuf_puts(out, "--- ");
	if (kind > 0)
		sbuf_puts(out, "/dev/null");
	else
		quote_path(out, "a/", path);
	sbuf_puts(out, "\n+++ ");
	if (kind > 0)
		quote_path(out, "b/", path);
	else
		sbuf_puts(out, "/dev/null");
	sbuf_puts(out, "\n");
}

/*
 * libgit2 1.5 ends an unquoted path at the first space, so a name with a
 * space in "diff --git" or "rename/copy from/to" lines is handed to it
 * quoted (git's own form, which both read).  Returns whether it wrote l.
 */
static bool requote_header(struct sbuf *out, const struct dline *l,
			   const char *path)
{
	if (l->len > 11 && !memcmp(l->p, "diff --git ", 11)) {
		if (!path || l->p[11] == '"' || !strchr(path, ' '))
			return false;
		sbuf_puts(out, "diff --git ");
		quote_path_always(out, "a/", path);
		sbuf_puts(out, " ");
		quote_path_always(out, "b/", path);
		sbuf_puts(out, "\n");
		return true;
	}
	for (size_t i = 0; i < sizeof(path_headers) / sizeof(*path_headers); i++) {
		size_t k = strlen(path_headers[i]);
		char *name;

		if (l->len <= k || memcmp(l->p, path_headers[i], k) ||
		    l->p[k] == '"' || !memchr(l->p + k, ' ', l->len - k))
			continue;
		name = xasprintf("%.*s", (int)(l->len - k), l->p + k);
		sbuf_add(out, l->p, k);
		quote_path_always(out, "", name);
		sbuf_puts(out, "\n");
		free(name);
		return true;
	}
	return false;
}

int diff_from_patch_text(git_diff **out, const char *diff, size_t len)
{
	size_t fixed_len;
	char *fixed = diff_for_libgit2(diff, len, &fixed_len);
	int rc = git_diff_from_buffer(out, fixed, fixed_len);

	free(fixed);
	return rc;
}

char *diff_for_libgit2(const char *diff, size_t len, size_t *out_len)
{
	struct cursor c = { diff, len, 0, 0 };
	struct sbuf out = { 0 };
	struct dline l;
	char *path = NULL;
	int kind = 0;	/* +1 new file, -1 deleted file, 0 nothing to add */
	size_t at = 0;

	bool in_header = false;

	while (at = c.pos, get_line(&c, &l)) {
		if (l.len > 11 && !memcmp(l.p, "diff --git ", 11)) {
			close_section(&out, path, kind);
			free(path);
			path = same_side_path(&l);
			kind = 0;
			in_header = true;
		} else if (l.len >= 2 && !memcmp(l.p, "@@", 2)) {
			in_header = false;
		} else if (in_header && l.len > 4 && l.p[l.len - 1] == '\t' &&
			   (!memcmp(l.p, "--- ", 4) || !memcmp(l.p, "+++ ", 4))) {
			/* git's tab after a name with a space is no part of it. */
			kind = 0;
			sbuf_add(&out, diff + at, l.len - 1);
			sbuf_add(&out, diff + at + l.len, c.pos - at - l.len);
			continue;
		} else if (l.len >= 14 && !memcmp(l.p, "new file mode ", 14)) {
			kind = 1;
		} else if (l.len >= 18 && !memcmp(l.p, "deleted file mode ", 18)) {
			kind = -1;
		} else if ((l.len >= 4 && !memcmp(l.p, "--- ", 4)) ||
			   (l.len >= 16 && !memcmp(l.p, "GIT binary patch", 16)) ||
			   (l.len >= 13 && !memcmp(l.p, "Binary files ", 13))) {
			kind = 0;	/* the section has its own */
		}
		if (in_header && requote_header(&out, &l, path))
			continue;
		sbuf_add(&out, diff + at, c.pos - at);
	}
	close_section(&out, path, kind);
	free(path);
	*out_len = out.len;
	return out.buf ? sbuf_detach(&out) : xstrdup("");
}
