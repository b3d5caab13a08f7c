/* SPDX-License-Identifier: GPL-2.0 */
/*
 * porttool: shared declarations.
 *
 * Every subcommand lives in its own cmd_<name>.c and is registered in the
 * command table in main.c.  Shared concerns (option parsing, ports, errors,
 * libgit2 helpers) live in their own files, declared here.
 */
#ifndef PORTTOOL_H
#define PORTTOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes: 0 success, 1 failure of the operation, 2 usage error. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* ---- global context shared by every command (main.c) ---- */
struct porttool_ctx {
	const char *ports_dir;	/* --ports DIR, default: <project>/ports */
	const char *project_dir;	/* top of the porttool project checkout */
	const char *argv0;
};

/* ---- command table (main.c) ---- */
struct command {
	const char *name;
	int (*fn)(struct porttool_ctx *ctx, int argc, char **argv);
	const char *summary;
};

const struct command *find_command(const char *name);

/* ---- option parsing (options.c) ----
 * Each subcommand declares one array of struct option; the same array
 * parses argv and prints the --help text, so the two never disagree.
 */
enum opt_kind {
	OPT_END = 0,
	OPT_STRING,	/* --name VALUE, stored in *(const char **)value */
	OPT_BOOL,	/* --name, sets *(bool *)value = true */
	OPT_INT,	/* --name N, stored in *(int *)value */
	OPT_LIST,	/* --name VALUE, may repeat; appended to struct strlist */
};

struct strlist {
	char **items;
	size_t n, alloc;
};

void strlist_push(struct strlist *l, const char *s);
bool strlist_has(const struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

struct option {
	enum opt_kind kind;
	const char *name;	/* long name without the leading "--" */
	void *value;
	const char *argname;	/* shown in usage, e.g. "DIR" */
	const char *help;
};

struct usage {
	const char *synopsis;	/* e.g. "porttool apply VER [options]" */
	const char *description;	/* one paragraph, may be NULL */
	const struct option *opts;
};

/*
 * Parse options of one subcommand.  Options may appear anywhere; the
 * positional arguments are moved to the front of argv and their number is
 * returned.  "--help" prints the usage and exits 0; an unknown option or a
 * missing value prints an error and the usage and exits 2.
 */
int parse_options(int argc, char **argv, const struct usage *u);
void print_usage(FILE *out, const struct usage *u);
/* Report a usage error (missing/extra positional argument) and exit 2. */
void usage_error(const struct usage *u, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* ---- errors (util.c) ---- */
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report the last libgit2 error with the operation that failed; returns -1. */
int git_fail(const char *what);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Read a whole file; returns NULL and sets errno on failure. */
char *read_file(const char *path, size_t *len);
int write_file(const char *path, const void *buf, size_t len);
int copy_file(const char *from, const char *to);
int mkdir_p(const char *path);
bool is_dir(const char *path);
bool is_file(const char *path);
/*
 * fn on every entry under dir (not dir itself), parents first, by name,
 * with its path, its path relative to dir (under rel when not NULL) and
 * its lstat; a non-zero return stops the walk and is returned.
 */
struct stat;
typedef int (*walk_fn)(const char *path, const char *rel,
		       const struct stat *st, void *arg);
int walk_sorted(const char *dir, const char *rel, walk_fn fn, void *arg);
/*
 * A point right after a write that must survive a crash.  With
 * PORTTOOL_CRASH_AFTER=N in the environment the N-th point reached kills
 * the process with SIGKILL, as kill -9 would: the tests use it to check
 * that a command interrupted anywhere can be finished or undone.
 */
void crash_point(const char *what);
/* XDG cache dir for porttool: $XDG_CACHE_HOME/porttool or ~/.cache/porttool. */
char *cache_dir(void);
/* SHA-256 of a buffer as sha256sum prints it (release_fetch.c). */
void sha256_hex(const void *data, size_t len, char hex[65]);

/* ---- ports (port.c) ---- */
struct board {
	char *name;		/* qemu, pi4b, m400 */
	char *defconfig;	/* config file, relative to the port dir */
	char *dtb;		/* device tree blob path in the build output */
};

/* One entry of a series file: a patch, or the corevisor install marker. */
struct series_entry {
	char *patch;		/* NULL for the corevisor marker */
	bool corevisor;		/* true: install corevisor/ here */
	int line;		/* line number in the series file */
};

struct port {
	char *dir;		/* ports/vX.Y */
	char *version;		/* "5.10" */
	char *base_version;	/* "5.10.223" */
	char *base_tag;		/* tag that names the base in a tree */
	char *base_commit;	/* commit id, when known (may be NULL) */
	char *base_tree;	/* tree id, when known (may be NULL) */
	char *debian_package;	/* linux-source-5.10, when Debian ships it */
	char *debian_version;	/* 5.10.223-1 */
	char *debian_suite;	/* bullseye-security */
	char *tarball_url;	/* release tarball, "{version}" = base.version */
	char *tarball_sha256;	/* its expected SHA-256, 64 hex digits */
	char *corevisor_path;	/* install path in the kernel tree */
	char *branch;		/* default branch: sekvm/vX.Y */
	char *build_hostcc;	/* HOSTCC for kbuild, when the line needs one */
	struct board *boards;
	size_t nboards;
	struct series_entry *series;
	size_t nseries;
	size_t npatches;	/* entries that are patches */
};

/*
 * Normalise a user-given version ("5.10", "v5.10") to "5.10".  Returns NULL
 * for something that is not a version.
 */
char *normalize_version(const char *ver);
/* Dotted versions in numeric order (4.18 < 5.4 < 5.10): <0, 0 or >0. */
int version_compare(const char *x, const char *y);
/* Load ports/vVER; prints an error naming the file and line and returns NULL. */
struct port *port_load(const struct porttool_ctx *ctx, const char *ver);
struct port *port_load_dir(const char *dir);
void port_free(struct port *p);
/* Parse a series file buffer; exposed for the fuzzers and tests. */
int series_parse(const char *buf, size_t len, const char *path,
		 struct series_entry **out, size_t *n);
void series_free(struct series_entry *s, size_t n);
/* List the version directories under ports_dir, sorted by version. */
int ports_list(const char *ports_dir, struct strlist *versions);

#endif
