// SPDX-License-Identifier: GPL-2.0
/*
 * Cross-compiling a kernel out of tree, the way kbuild wants it:
 *
 *   make -C SRC O=OUT ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
 *        KCONFIG_ALLCONFIG=<board fragment> allnoconfig
 *   make ... -j2 Image modules [<board dtb>]
 *   make ... INSTALL_MOD_PATH=OUT/modules modules_install
 *
 * Every stage appends to OUT/build.log.  On the terminal each stage gets a
 * line, and the compile stage a count of objects built every few seconds,
 * because a cold build takes minutes and silence looks like a hang.
 */
#include "kbuild.h"
#include "config_check.h"
#include "subproc.h"
#include "tree.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KBUILD_JOBS "-j2"	/* the machines this runs on have 2 cores */
#define PROGRESS_EVERY_S 15
#define ERROR_LINES 12

struct board *port_find_board(const struct port *p, const char *name)
{
	for (size_t i = 0; i < p->nboards; i++)
		if (!strcmp(p->boards[i].name, name))
			return &p->boards[i];
	return NULL;
}

struct board *port_board_or_error(const struct port *p, const char *name)
{
	struct board *b = port_find_board(p, name);
	char known[256] = "";

	if (b)
		return b;
	for (size_t i = 0; i < p->nboards; i++) {
		if (i)
			strncat(known, ", ", sizeof(known) - strlen(known) - 1);
		strncat(known, p->boards[i].name,
			sizeof(known) - strlen(known) - 1);
	}
	error("unknown board '%s' for v%s (%s/port.conf knows: %s)", name,
	      p->version, p->dir, *known ? known : "none");
	return NULL;
}

char *default_build_dir(const struct port *p, const char *board, bool kvm)
{
	char *cache = cache_dir();
	char *dir = xasprintf("%s/build/v%s-%s%s", cache, p->version, board,
			      kvm ? "-kvm" : "");

	free(cache);
	return dir;
}

/* port.conf names a DTB by its path in the build output, or "virt". */
#define DTS_PREFIX "arch/arm64/boot/dts/"

char *board_dtb_target(const struct board *b)
{
	if (!b->dtb || strncmp(b->dtb, DTS_PREFIX, strlen(DTS_PREFIX)))
		return NULL;
	return xstrdup(b->dtb + strlen(DTS_PREFIX));
}

char *board_dtb_path(const struct board *b, const char *out)
{
	if (!b->dtb || strncmp(b->dtb, DTS_PREFIX, strlen(DTS_PREFIX)))
		return NULL;
	return xasprintf("%s/%s", out, b->dtb);
}

/* ---- the tree, the output directory, the compiler ---- */

static bool path_is_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

/*
 * Resolve the tree; kbuild wants absolute paths for O= and -C.  Without
 * --tree, the port's default tree (Debian's linux-source, prepared by
 * 'porttool tree' and cached), made on first use.
 */
char *kbuild_resolve_tree(const struct port *p, const char *given)
{
	char *tree = NULL, *mk = NULL, *kconfig = NULL, *real = NULL;

	if (given) {
		tree = xstrdup(given);
	} else if (!port_has_default_tree(p)) {
		error("v%s has no default tree; give one with --tree DIR",
		      p->version);
		return NULL;
	} else if (ensure_default_tree(p, &tree)) {
		return NULL;
	}
	mk = xasprintf("%s/Makefile", tree);
	kconfig = xasprintf("%s/arch/arm64/Kconfig", tree);
	if (!is_dir(tree))
		error("kernel tree '%s' does not exist", tree);
	else if (!is_file(mk) || !is_file(kconfig))
		error("'%s' is not an arm64 Linux tree (no Makefile or "
		      "arch/arm64/Kconfig)", tree);
	else
		real = realpath(tree, NULL);
	free(tree);
	free(mk);
	free(kconfig);
	return real;
}

int kbuild_check_cross_compiler(void)
{
	char *gcc = find_program(CROSS_PREFIX "gcc");

	if (!gcc) {
		error(CROSS_PREFIX "gcc not found in PATH; install the Debian "
		      "package " CROSS_PACKAGE " (ci/deps.sh does)");
		return -1;
	}
	free(gcc);
	return 0;
}

/*
 * The absolute, symlink-free form of a path that may not exist yet: the
 * deepest existing ancestor resolved by realpath, plus the rest.
 */
static char *absolute_path(const char *path)
{
	char *cwd = getcwd(NULL, 0);
	char *abs = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", cwd ? cwd : ".", path);
	char *cut = abs + strlen(abs), *real = NULL, *ret;

	free(cwd);
	for (;;) {
		char saved = *cut;

		*cut = '\0';
		real = realpath(*abs ? abs : "/", NULL);
		*cut = saved;
		if (real || cut == abs)
			break;
		while (cut > abs && *--cut != '/')
			;
	}
	ret = xasprintf("%s%s", real ? real : "", real && !strcmp(real, "/") && *cut == '/' ? cut + 1 : cut);
	free(real);
	free(abs);
	return ret;
}

/* Make out absolute; refuse it inside the kernel tree before creating it. */
char *kbuild_prepare_out(const char *out, const char *src, const char *user_tree)
{
	char *real = absolute_path(out);

	if (path_is_inside(real, src) || (user_tree && path_is_inside(real, user_tree))) {
		error("output directory %s is inside the kernel tree %s; "
		      "builds must stay out of tree", real,
		      path_is_inside(real, src) ? src : user_tree);
		free(real);
		return NULL;
	}
	if (mkdir_p(real)) {
		error("cannot create the output directory %s: %s", real,
		      strerror(errno));
		free(real);
		return NULL;
	}
	return real;
}

char *board_fragment(const struct port *p, const struct board *b)
{
	char *fragment = xasprintf("%s/%s", p->dir, b->defconfig);
	char *abs;

	if (!is_file(fragment)) {
		error("board '%s': config fragment %s does not exist", b->name,
		      fragment);
		free(fragment);
		return NULL;
	}
	/* Absolute: make runs in the kernel tree (a relative --ports). */
	abs = realpath(fragment, NULL);
	if (!abs)
		error("%s: %s", fragment, strerror(errno));
	free(fragment);
	return abs;
}

/* ---- progress and error capture while make runs ---- */

struct make_watch {
	const char *stage;
	unsigned long objects;
	double started, last_report;
	char *errors[ERROR_LINES];	/* ring of the last error-ish lines */
	unsigned nerrors;
	char *tail[ERROR_LINES];	/* ring of the last lines of all */
	unsigned ntail;
	struct strlist first;		/* the first error-ish lines */
	struct strlist *warnings;	/* kb->warnings: every warning line */
};

static double wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* kbuild's quiet output: two spaces, a short upper-case verb, spaces. */
static bool is_kbuild_step(const char *line)
{
	const char *p = line + 2;

	if (strncmp(line, "  ", 2) || *p < 'A' || *p > 'Z')
		return false;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	       *p == '_' || *p == '-' || *p == '[' || *p == ']')
		p++;
	return *p == ' ';
}

static bool is_error_line(const char *line)
{
	return strstr(line, "error:") || strstr(line, "Error ") ||
	       strstr(line, "*** ") || strstr(line, "undefined reference") ||
	       strstr(line, "fatal:");
}

static void ring_push(char **ring, unsigned *n, const char *line)
{
	unsigned slot = *n % ERROR_LINES;

	free(ring[slot]);
	ring[slot] = xstrdup(line);
	(*n)++;
}

static void watch_line(const char *line, void *arg)
{
	struct make_watch *w = arg;

	if (is_kbuild_step(line))
		w->objects++;
	if (is_error_line(line)) {
		ring_push(w->errors, &w->nerrors, line);
		if (w->first.n < ERROR_LINES)
			strlist_push(&w->first, line);
	}
	if (w->warnings && strstr(line, ": warning: "))
		strlist_push(w->warnings, line);
	ring_push(w->tail, &w->ntail, line);
}

static void watch_tick(void *arg)
{
	struct make_watch *w = arg;
	double t = wall_seconds();

	if (t - w->last_report < PROGRESS_EVERY_S)
		return;
	w->last_report = t;
	info("  %s: %lu steps done, %.0f s", w->stage, w->objects,
	     t - w->started);
}

static void print_ring(char **ring, unsigned n)
{
	unsigned first = n > ERROR_LINES ? n - ERROR_LINES : 0;

	for (unsigned i = first; i < n; i++)
		fprintf(stderr, "    %s\n", ring[i % ERROR_LINES]);
}

static void watch_free(struct make_watch *w)
{
	for (unsigned i = 0; i < ERROR_LINES; i++) {
		free(w->errors[i]);
		free(w->tail[i]);
	}
	strlist_free(&w->first);
}

/*
 * What a failed stage shows: on the terminal the last error lines (the
 * ones next to make's "Error 2"); for a quiet build (build --each-patch,
 * which prints one line per build) the first ones, the cause, are kept
 * in kb->errors for the caller to print under its line.
 */
static void report_failure(const struct kbuild *kb, struct make_watch *w,
			   int exit_code)
{
	if (kb->quiet) {
		for (size_t i = 0; i < w->first.n; i++)
			strlist_push(kb->errors, w->first.items[i]);
		if (!w->first.n)
			for (unsigned i = w->ntail > ERROR_LINES ? w->ntail - ERROR_LINES : 0;
			     i < w->ntail; i++)
				strlist_push(kb->errors, w->tail[i % ERROR_LINES]);
		return;
	}
	error("build stage '%s' failed (make exit %d); full log: %s",
	      w->stage, exit_code, kb->log_path);
	if (w->nerrors) {
		fprintf(stderr, "  last errors:\n");
		print_ring(w->errors, w->nerrors);
	} else {
		fprintf(stderr, "  last lines:\n");
		print_ring(w->tail, w->ntail);
	}
}

/* ---- the make invocations ---- */

static int run_make(struct kbuild *kb, const char *stage,
		    const char *const *targets)
{
	const char *argv[32];
	char *dir_arg = xasprintf("O=%s", kb->out);
	char *cc_arg = xasprintf("CC=%s" CROSS_PREFIX "gcc",
				 kb->ccache ? "ccache " : "");
	char *allconfig = kb->fragment ?
		xasprintf("KCONFIG_ALLCONFIG=%s", kb->fragment) : NULL;
	/* An old line's host tools may need flags today's gcc dropped. */
	char *hostcc = kb->hostcc ? xasprintf("HOSTCC=%s", kb->hostcc) : NULL;
	struct make_watch w = { .stage = stage, .warnings = kb->warnings };
	struct subproc sp = {
		.argv = argv, .log_fd = kb->log_fd,
		.on_line = watch_line, .on_tick = watch_tick, .arg = &w,
	};
	int n = 0, ret = -1;

	argv[n++] = "make";
	argv[n++] = "-C";
	argv[n++] = kb->src;
	argv[n++] = dir_arg;
	argv[n++] = "ARCH=arm64";
	argv[n++] = "CROSS_COMPILE=" CROSS_PREFIX;
	argv[n++] = cc_arg;
	argv[n++] = KBUILD_JOBS;
	if (allconfig)
		argv[n++] = allconfig;
	if (hostcc)
		argv[n++] = hostcc;
	for (; *targets && n < 31; targets++)
		argv[n++] = *targets;
	argv[n] = NULL;

	dprintf(kb->log_fd, "\n### porttool stage %s:", stage);
	for (int i = 0; argv[i]; i++)
		dprintf(kb->log_fd, " %s", argv[i]);
	dprintf(kb->log_fd, "\n");
	if (!kb->quiet)
		info("[%s] started", stage);
	w.started = w.last_report = wall_seconds();
	if (subproc_run(&sp))
		goto out;
	if (sp.exit_code != 0) {
		report_failure(kb, &w, sp.exit_code);
		goto out;
	}
	if (!kb->quiet)
		info("[%s] done: %lu steps, %.0f s", stage, w.objects,
		     wall_seconds() - w.started);
	ret = 0;
out:
	watch_free(&w);
	free(dir_arg);
	free(cc_arg);
	free(allconfig);
	free(hostcc);
	return ret;
}

/* ---- did the fragment take? (config_check.c) ---- */

/*
 * A config finding: on the terminal, or for a quiet build in the log (a
 * warning) and in kb->errors (an error).
 */
static void config_note(void *ctx, bool is_error, const char *msg)
{
	const struct kbuild *kb = ctx;

	if (!kb->quiet) {
		if (is_error)
			error("%s", msg);
		else
			warning("%s", msg);
	} else {
		dprintf(kb->log_fd, "porttool: %s: %s\n",
			is_error ? "error" : "warning", msg);
		if (is_error)
			strlist_push(kb->errors, msg);
	}
}

static int verify_config(const struct kbuild *kb)
{
	char *cfg_path = xasprintf("%s/.config", kb->out);
	int bad = config_compare(kb->fragment, cfg_path, kb->src, config_note,
				 (void *)kb, NULL);

	free(cfg_path);
	return bad ? -1 : 0;
}

int kbuild_run(struct kbuild *kb)
{
	const char *config_targets[] = { "allnoconfig", NULL };
	const char *compile_targets[] = { "Image", "modules", kb->dtb_target, NULL };
	char *mod_path = xasprintf("INSTALL_MOD_PATH=%s/modules", kb->out);
	const char *install_targets[] = { mod_path, "modules_install", NULL };
	const char *fragment = kb->fragment;
	int ret = -1;

	if (run_make(kb, "config", config_targets))
		goto out;
	if (verify_config(kb)) {
		if (!kb->quiet)
			error("the config does not match %s; see %s", fragment,
			      kb->log_path);
		goto out;
	}
	kb->fragment = NULL;	/* only the config stage reads it */
	if (run_make(kb, "compile", compile_targets))
		goto out;
	if (!kb->no_install &&
	    run_make(kb, "modules_install", install_targets))
		goto out;
	ret = 0;
out:
	kb->fragment = fragment;
	free(mod_path);
	return ret;
}
