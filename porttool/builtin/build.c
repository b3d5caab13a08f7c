// SPDX-License-Identifier: GPL-2.0
/*
 * porttool build VER --board B [--tree DIR] [--out DIR] [--kvm]
 * porttool build VER --each-patch [--board B] [--tree DIR] [--out DIR]
 *
 * Cross-compiles a port's kernel for one board with Debian's
 * aarch64-linux-gnu-gcc, out of tree, from the board's config fragment in
 * the port.  --kvm builds the port's base tag instead (stock KVM, the
 * baseline SeKVM is measured against), from a checkout under the cache.
 */
#include "builtin.h"
#include "basesrc.h"
#include "dtb.h"
#include "each_patch.h"
#include "kbuild.h"
#include "subproc.h"
#include "tree.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *opt_board = "qemu";
static const char *opt_tree;
static const char *opt_out;
static bool opt_kvm;
static bool opt_each_patch;
static bool opt_stop_on_failure;

static const struct option build_options[] = {
	{ OPT_STRING, "board", &opt_board, "B", "board: qemu, pi4b, m400 (default: qemu)" },
	{ OPT_STRING, "tree", &opt_tree, "DIR", "kernel tree (default: the cached default tree)" },
	{ OPT_STRING, "out", &opt_out, "DIR", "build output (default: <cache>/build/vVER-BOARD[-kvm])" },
	{ OPT_BOOL, "kvm", &opt_kvm, NULL, "build the base tag without the port (stock KVM)" },
	{ OPT_BOOL, "each-patch", &opt_each_patch, NULL,
	  "build every commit of the port's branch, SEKVM on and off (below)" },
	{ OPT_BOOL, "stop-on-failure", &opt_stop_on_failure, NULL,
	  "with --each-patch: stop at the first failed build" },
	{ OPT_END },
};

static const struct usage build_usage = {
	.synopsis = "porttool build VER [--board B] [--tree DIR] [--out DIR] [--kvm]\n"
		    "       porttool build VER --each-patch [--board B] [--tree DIR] [--out DIR]\n"
		    "                          [--stop-on-failure]",
	.description =
		"Cross-compile the kernel for a board (ARCH=arm64, CROSS_COMPILE=aarch64-linux-gnu-,\n"
		"ccache when installed, -j2), out of tree: Image, the board's DTB and modules\n"
		"(in OUT/modules).  The full log is OUT/build.log.\n"
		"\n"
		"--each-patch checks that the tree builds after each patch: it builds every\n"
		"commit of the port's branch ('porttool apply' made it: the base, the corevisor\n"
		"commit, one commit per patch), oldest first, twice: SEKVM=on with the board's\n"
		"fragment as it is, SEKVM=off with every CONFIG_SEKVM* symbol the fragment sets\n"
		"(CONFIG_SEKVM, CONFIG_SEKVM_SELFTEST, CONFIG_SEKVM_GUEST in the 5.10 port)\n"
		"turned off.  The commits are checked out into OUT/src (default OUT:\n"
		"<cache>/build/vVER-BOARD-each); the tree's work tree, index, HEAD and branches\n"
		"are not touched.  OUT/on and OUT/off are kept from commit to commit and run to\n"
		"run, so each build after the first is incremental.  One line per build, then\n"
		"'each-patch: N builds, N ok, N failed'.  A build fails when make fails, or when\n"
		"the compiler warns in a file the commit adds or changes with a warning the\n"
		"base commit's build did not give for that file (a new warning); it shows its\n"
		"first error lines or new warnings and its log (OUT/logs), and the run goes\n"
		"on with the other builds, exiting 1 at the end.",
	.opts = build_options,
};

/* What boot and check read back: which port, board and source. */
static void write_build_info(const char *out, const struct port *p,
			     const char *board, const char *src)
{
	char *path = xasprintf("%s/porttool-build.conf", out);
	char *text = xasprintf("version=%s\nboard=%s\nkvm=%d\nsource=%s\n",
			       p->version, board, opt_kvm, src);

	if (write_file(path, text, strlen(text)))
		warning("cannot write %s: %s", path, strerror(errno));
	free(path);
	free(text);
}

static void report_outputs(const char *out, const struct board *b,
			   double seconds)
{
	char *image = xasprintf("%s/arch/arm64/boot/Image", out);
	char *dtb = board_dtb_path(b, out);

	printf("Image:   %s\n", image);
	printf("DTB:     %s\n", dtb ? dtb : "(QEMU generates it at boot)");
	printf("modules: %s/modules\n", out);
	printf("log:     %s/build.log\n", out);
	printf("built in %.0f s\n", seconds);
	free(image);
	free(dtb);
}

static int verify_outputs(const char *out, const struct board *b)
{
	char *image = xasprintf("%s/arch/arm64/boot/Image", out);
	char *dtb = board_dtb_path(b, out);
	int ret = 0;

	if (!is_file(image)) {
		error("the build finished but %s is missing", image);
		ret = -1;
	}
	if (dtb && !is_file(dtb)) {
		error("the build finished but %s is missing", dtb);
		ret = -1;
	}
	free(image);
	free(dtb);
	return ret;
}

/*
 * A board DTB that lacks the memory, GIC (with GICH/GICV) or UART nodes
 * cannot run the corevisor: fail the build and name what is missing.
 */
static int check_board_dtb(const char *out, const struct board *b)
{
	char *dtb = board_dtb_path(b, out);
	int failed;

	if (!dtb)	/* qemu: QEMU makes the DTB; boot checks it */
		return 0;
	fflush(stdout);
	failed = dtb_check_nodes(dtb, stdout);
	if (failed)
		error("%s lacks what the corevisor needs (FAIL lines above)", dtb);
	free(dtb);
	return failed ? -1 : 0;
}

/* For --kvm: the base tag written out under the cache. */
static char *base_source(const struct port *p, const char *tree)
{
	char *cache = cache_dir();
	char *dest = xasprintf("%s/src/v%s-base", cache, p->version);

	free(cache);
	if (checkout_tag_to(tree, p->base_tag, dest)) {
		free(dest);
		return NULL;
	}
	return dest;
}

static int open_log(struct kbuild *kb)
{
	kb->log_path = xasprintf("%s/build.log", kb->out);
	kb->log_fd = open(kb->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (kb->log_fd < 0) {
		error("cannot create %s: %s", kb->log_path, strerror(errno));
		return -1;
	}
	return 0;
}

static int do_build(const struct port *p, const struct board *b)
{
	struct kbuild kb = { .log_fd = -1 };
	char *tree = NULL, *src = NULL, *out = NULL, *fragment = NULL;
	char *dtb_target = board_dtb_target(b), *ccache = find_program("ccache");
	char *want_out = opt_out ? xstrdup(opt_out) : default_build_dir(p, b->name, opt_kvm);
	struct timespec t0, t1;
	int ret = EXIT_FAIL;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!(fragment = board_fragment(p, b)))
		goto out;
	if (kbuild_check_cross_compiler() ||
	    !(tree = kbuild_resolve_tree(p, opt_tree)))
		goto out;
	src = opt_kvm ? base_source(p, tree) : xstrdup(tree);
	if (!src || !(out = kbuild_prepare_out(want_out, src, tree)))
		goto out;
	kb = (struct kbuild){ .src = src, .out = out, .fragment = fragment,
			      .dtb_target = dtb_target, .hostcc = p->build_hostcc,
			      .ccache = ccache != NULL };
	if (open_log(&kb))
		goto out;
	info("building v%s for %s%s from %s into %s%s", p->version, b->name,
	     opt_kvm ? " (stock KVM, the base tree)" : "", src, out,
	     ccache ? " (ccache)" : "");
	if (opt_kvm)
		info("  base tag: %s", p->base_tag);
	if (p->build_hostcc)
		info("  HOSTCC=%s (port.conf build.hostcc)", p->build_hostcc);
	if (kbuild_run(&kb) || verify_outputs(out, b) || check_board_dtb(out, b))
		goto out;
	write_build_info(out, p, b->name, src);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	report_outputs(out, b, (double)(t1.tv_sec - t0.tv_sec) +
		       (t1.tv_nsec - t0.tv_nsec) / 1e9);
	ret = EXIT_OK;
out:
	if (kb.log_fd >= 0)
		close(kb.log_fd);
	free(kb.log_path);
	free(tree);
	free(src);
	free(out);
	free(want_out);
	free(fragment);
	free(dtb_target);
	free(ccache);
	return ret;
}

int cmd_build(struct porttool_ctx *ctx, int argc, char **argv)
{
	int n = parse_options(argc, argv, &build_usage);
	struct port *p;
	struct board *b;
	int ret;

	if (n != 1)
		usage_error(&build_usage, n ? "too many arguments" :
			    "which version? e.g. 'porttool build 5.10'");
	if (opt_each_patch && opt_kvm)
		usage_error(&build_usage, "--each-patch builds the port's "
			    "commits; --kvm builds the base alone: choose one");
	if (opt_stop_on_failure && !opt_each_patch)
		usage_error(&build_usage, "--stop-on-failure goes with "
			    "--each-patch");
	p = port_load(ctx, argv[1]);
	if (!p)
		return EXIT_FAIL;
	b = port_board_or_error(p, opt_board);
	if (!b) {
		ret = EXIT_FAIL;
	} else if (opt_each_patch) {
		struct each_patch_opts o = {
			.tree = opt_tree, .out = opt_out,
			.stop_on_failure = opt_stop_on_failure,
		};

		ret = build_each_patch(p, b, &o);
	} else {
		ret = do_build(p, b);
	}
	port_free(p);
	return ret;
}
