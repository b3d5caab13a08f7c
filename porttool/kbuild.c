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
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
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

/* ---- progress and error capture while make runs ---- */

struct make_watch {
	const char *stage;
	unsigned long objects;
	double started, last_report;
	char *errors[ERROR_LINES];	/* ring of the last error-ish lines */
	unsigned nerrors;
	char *tail[ERROR_LINES];	/* ring of the last lines of all */
	unsigned ntail;
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
	if (is_error_line(line))
		ring_push(w->errors, &w->nerrors, line);
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
	struct make_watch w = { .stage = stage };
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
	info("[%s] started", stage);
	w.started = w.last_report = wall_seconds();
	if (subproc_run(&sp))
		goto out;
	if (sp.exit_code != 0) {
		error("build stage '%s' failed (make exit %d); full log: %s",
		      stage, sp.exit_code, kb->log_path);
		if (w.nerrors) {
			fprintf(stderr, "  last errors:\n");
			print_ring(w.errors, w.nerrors);
		} else {
			fprintf(stderr, "  last lines:\n");
			print_ring(w.tail, w.ntail);
		}
		goto out;
	}
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

/* ---- did the fragment take? ---- */

/* The line for sym in a .config ("y", "m", a value, "n"), NULL if absent. */
static char *config_value(const char *config, const char *sym)
{
	size_t len = strlen(sym);

	for (const char *l = config; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
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
static bool fragment_line(const char *line, char *sym, size_t symlen,
			  char *want, size_t wantlen)
{
	const char *eq;

	if (sscanf(line, "# %127s is not set", sym) == 1 &&
	    !strncmp(sym, "CONFIG_", 7) && strstr(line, " is not set")) {
		snprintf(want, wantlen, "n");
		return true;
	}
	if (strncmp(line, "CONFIG_", 7) || !(eq = strchr(line, '=')))
		return false;
	snprintf(sym, symlen, "%.*s", (int)(eq - line), line);
	snprintf(want, wantlen, "%.*s", (int)strcspn(eq + 1, "\n"), eq + 1);
	return true;
}

/*
 * allnoconfig silently drops what it cannot set, so compare: a symbol set
 * to something else is an error (the board would not get what its fragment
 * promises); a symbol absent from .config is one this tree does not have
 * (CONFIG_SEKVM in the stock tree), worth a warning only.
 */
static int verify_config(const struct kbuild *kb)
{
	char *cfg_path = xasprintf("%s/.config", kb->out);
	char *cfg = read_file(cfg_path, NULL);
	char *frag = read_file(kb->fragment, NULL);
	int bad = 0, lineno = 0;

	if (!cfg || !frag) {
		error("cannot read %s: %s", cfg ? kb->fragment : cfg_path,
		      strerror(errno));
		bad = 1;
		goto out;
	}
	for (char *l = frag; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char sym[128], want[256], *have;

		lineno++;
		if (!fragment_line(l, sym, sizeof(sym), want, sizeof(want)))
			continue;
		have = config_value(cfg, sym);
		if (!have && strcmp(want, "n"))
			warning("%s:%d: %s=%s: not in this tree's .config "
				"(unknown symbol or unmet dependency)",
				kb->fragment, lineno, sym, want);
		else if (have && strcmp(have, want)) {
			error("%s:%d: %s=%s, but the kernel's Kconfig made it %s",
			      kb->fragment, lineno, sym, want, have);
			bad++;
		}
		free(have);
	}
out:
	free(cfg_path);
	free(cfg);
	free(frag);
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
		error("the config does not match %s; see %s", fragment,
		      kb->log_path);
		goto out;
	}
	kb->fragment = NULL;	/* only the config stage reads it */
	if (run_make(kb, "compile", compile_targets))
		goto out;
	if (run_make(kb, "modules_install", install_targets))
		goto out;
	ret = 0;
out:
	kb->fragment = fragment;
	free(mod_path);
	return ret;
}
