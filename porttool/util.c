// SPDX-License-Identifier: GPL-2.0
/* Error reporting, allocation and file helpers shared by every command. */
#include "porttool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * One message line, cut when it runs long: an error that quotes what it
 * read (a port.conf value, a header) must not echo 300 KB of it.
 */
#define MAX_MESSAGE 1000

static void report(const char *prefix, const char *fmt, va_list ap)
{
	char buf[MAX_MESSAGE + 1];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	fprintf(stderr, "porttool: %s%s", prefix, buf);
	if (n > MAX_MESSAGE)
		fprintf(stderr, "... [%d more bytes not shown]",
			n - MAX_MESSAGE);
	fputc('\n', stderr);
}

void error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("error: ", fmt, ap);
	va_end(ap);
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("warning: ", fmt, ap);
	va_end(ap);
}

void info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("", fmt, ap);
	va_end(ap);
}

int git_fail(const char *what)
{
	const git_error *e = git_error_last();

	error("%s: %s", what, e && e->message ? e->message : "unknown error");
	return -1;
}

static void *check_alloc(void *p)
{
	if (!p) {
		fputs("porttool: out of memory\n", stderr);
		exit(EXIT_FAIL);
	}
	return p;
}

void *xmalloc(size_t n)
{
	return check_alloc(malloc(n ? n : 1));
}

void *xcalloc(size_t n, size_t m)
{
	return check_alloc(calloc(n ? n : 1, m ? m : 1));
}

void *xrealloc(void *p, size_t n)
{
	return check_alloc(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
	return check_alloc(strdup(s));
}

char *xstrndup(const char *s, size_t n)
{
	return check_alloc(strndup(s, n));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		check_alloc(NULL);
	return s;
}

char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, alloc = 0, got;

	if (!f)
		return NULL;
	do {
		if (alloc - n < 65536) {
			alloc = alloc ? alloc * 2 : 65536;
			buf = xrealloc(buf, alloc + 1);
		}
		got = fread(buf + n, 1, alloc - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		free(buf);
		errno = e;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int write_file(const char *path, const void *buf, size_t len)
{
	/* Write to a temporary name and rename: a crash never leaves half a file. */
	char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "wb");
	int ret = -1;

	if (!f)
		goto out;
	if (fwrite(buf, 1, len, f) != len) {
		fclose(f);
		unlink(tmp);
		goto out;
	}
	if (fclose(f)) {
		unlink(tmp);
		goto out;
	}
	ret = rename(tmp, path);
	if (ret)
		unlink(tmp);
out:
	free(tmp);
	return ret;
}

/* Copy the file at from to to (replaced whole, as write_file does); 0 or -1, errno set. */
int copy_file(const char *from, const char *to)
{
	size_t len;
	char *buf = read_file(from, &len);
	int ret;

	if (!buf)
		return -1;
	ret = write_file(to, buf, len);
	free(buf);
	return ret;
}

int mkdir_p(const char *path)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(p, 0777) && errno != EEXIST) {
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

char *cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg == '/')
		return xasprintf("%s/porttool", xdg);
	return xasprintf("%s/.cache/porttool", home && *home ? home : "/tmp");
}

void crash_point(const char *what)
{
	static long count, limit = -1;

	if (limit < 0) {
		const char *env = getenv("PORTTOOL_CRASH_AFTER");

		limit = env ? strtol(env, NULL, 10) : 0;
	}
	if (limit > 0 && ++count == limit) {
		fprintf(stderr, "porttool: PORTTOOL_CRASH_AFTER=%ld: killed "
			"after %s\n", limit, what);
		raise(SIGKILL);
	}
}

/* ---- walking a tree in a fixed order (porttool.h) ---- */

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_dots(const struct dirent *e)
{
	return strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
}

int walk_sorted(const char *dir, const char *rel, walk_fn fn, void *arg)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, skip_dots, name_cmp), ret = 0;

	if (n < 0) {
		error("cannot read directory %s: %s", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, ents[i]->d_name);
		char *r = rel ? xasprintf("%s/%s", rel, ents[i]->d_name)
			      : xstrdup(ents[i]->d_name);
		struct stat st;

		if (!ret && lstat(path, &st)) {
			error("cannot stat %s: %s", path, strerror(errno));
			ret = -1;
		}
		if (!ret)
			ret = fn(path, r, &st, arg);
		if (!ret && S_ISDIR(st.st_mode))
			ret = walk_sorted(path, r, fn, arg);
		free(path);
		free(r);
		free(ents[i]);
	}
	free(ents);
	return ret;
}
