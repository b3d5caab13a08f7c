// SPDX-License-Identifier: GPL-2.0
/*
 * porttool bench VER [--sekvm-out DIR] [--kvm-out DIR] [--reps N]
 *                    [--dir DIR] [--json FILE] [--timeout S]
 * porttool bench VER --from-logs DIR [--json FILE]
 *
 * The guest benchmark: the SeKVM build and the stock-KVM build of the same
 * tree boot in QEMU as 'porttool boot' boots them (qemu.c), alternating,
 * N times each.  Each host's init (bench/host-init.sh) runs the vmm once
 * on the same guest: the SeKVM build's Image, signed, with a guest
 * initramfs whose bench/bench-init.sh runs the workloads of
 * bench/guest-bench.c, each timed by the guest's own clock.  The serial
 * logs are read by bench_report.c, which prints both medians and their
 * ratio per workload.
 *
 * The guest and the host initramfs are the same bytes for both kernels,
 * so the only difference between the columns is the host kernel.
 */
#include "bench.h"
#include "buildboot.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_REPS 3
#define MAX_REPS 100
/*
 * One boot: host boot, guest boot and the workloads.  porttool boot's
 * SeKVM boot, three guests in it, takes 16 s here (cmd_boot.c); the same
 * margin as boot's.
 */
#define DEFAULT_TIMEOUT_S 600
#define UNSET INT_MIN
/* porttool boot's kernel command line (cmd_boot.c). */
#define APPEND "console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1 rdinit=/init"

static const char *opt_sekvm_out, *opt_kvm_out, *opt_dir, *opt_json,
	*opt_from_logs;
static int opt_reps = UNSET, opt_timeout = UNSET;
static bool opt_verbose;

static const struct option bench_options[] = {
	{ OPT_STRING, "sekvm-out", &opt_sekvm_out, "DIR", "the SeKVM build (default: build's default)" },
	{ OPT_STRING, "kvm-out", &opt_kvm_out, "DIR", "the stock-KVM build (default: build --kvm's default)" },
	{ OPT_INT, "reps", &opt_reps, "N", "boots of each kernel (default: 3)" },
	{ OPT_STRING, "dir", &opt_dir, "DIR", "initramfs, keys and serial logs (default: SEKVM-OUT/bench)" },
	{ OPT_STRING, "json", &opt_json, "FILE", "also write the results as JSON" },
	{ OPT_INT, "timeout", &opt_timeout, "S", "kill a boot's QEMU after S seconds (default: 600)" },
	{ OPT_BOOL, "verbose", &opt_verbose, NULL, "show the serial console while booting" },
	{ OPT_STRING, "from-logs", &opt_from_logs, "DIR", "report on kept logs DIR/{sekvm,kvm}-N.log, no boot" },
	{ OPT_END },
};

static const struct usage bench_usage = {
	.synopsis = "porttool bench VER [--sekvm-out DIR] [--kvm-out DIR] [--reps N] [--dir DIR]\n"
		    "                   [--json FILE] [--timeout S]\n"
		    "       porttool bench VER --from-logs DIR [--json FILE]",
	.description =
		"Benchmark a guest under SeKVM against the same guest under stock KVM.  Boots\n"
		"the qemu builds of 'porttool build VER' and 'porttool build VER --kvm' in QEMU\n"
		"as 'porttool boot' does, alternating, N times each; each host runs the vmm on\n"
		"the SeKVM build's Image (signed) with a guest that times, with its own clock:\n"
		"its boot to /init, touching 64 MiB of fresh memory (stage-2 faults), a compute\n"
		"loop, 128 KiB to the virtio console and 4 KiB to the PL011 (MMIO exits); plus\n"
		"the vmm's power-on to power-off.  Prints per workload both medians and the\n"
		"ratio SeKVM/KVM.  A boot that fails or misses a result fails the benchmark\n"
		"(exit 1).  Under QEMU TCG these are not hardware numbers: compare the ratio.\n"
		"Serial logs: DIR/sekvm-N.log and DIR/kvm-N.log; --from-logs reads them again.",
	.opts = bench_options,
};

/* Everything a boot needs, made once and shared by both kernels. */
struct bench_setup {
	char *dir;
	char *image[BENCH_KERNELS];	/* the host kernels */
	char *initrd;			/* the host initramfs, with the guest */
	char *dtb;
};

static void setup_free(struct bench_setup *s)
{
	free(s->dir);
	for (int k = 0; k < BENCH_KERNELS; k++)
		free(s->image[k]);
	free(s->initrd);
	free(s->dtb);
}

static char *log_path(const char *dir, enum bench_kernel k, int rep)
{
	return xasprintf("%s/%s-%d.log", dir, bench_kernel_name(k), rep);
}

/* ---- preparing ---- */

/* Compile src to the static arm64 bin; 0 or -1 after saying why. */
static int compile_static_arm64(const char *src, const char *bin)
{
	const char *argv[] = { CROSS_PREFIX "gcc", "-static", "-O2", "-std=gnu11",
			       "-Wall", "-Wextra", "-Werror", "-o", bin, src, NULL };
	struct subproc sp = { .argv = argv, .log_fd = -1, .echo = true };
	char *cc = find_program(CROSS_PREFIX "gcc");

	if (!cc) {
		error(CROSS_PREFIX "gcc not found in PATH; install the Debian "
		      "package " CROSS_PACKAGE);
		return -1;
	}
	free(cc);
	if (!is_file(src)) {
		error("the guest benchmark %s is missing", src);
		return -1;
	}
	if (subproc_run(&sp) || sp.exit_code != 0 || !is_file(bin)) {
		error("could not build %s from %s (exit %d)", bin, src, sp.exit_code);
		return -1;
	}
	return 0;
}

/*
 * porttool/bench/guest-bench.c into dir, built every run (a second): no
 * staleness test to get wrong.  Its path, or NULL on error.
 */
static char *build_guest_bench(const struct porttool_ctx *ctx, const char *dir)
{
	char *src = xasprintf("%s/porttool/bench/guest-bench.c", ctx->project_dir);
	char *bin = xasprintf("%s/guest-bench", dir);

	if (compile_static_arm64(src, bin)) {
		free(bin);
		bin = NULL;
	}
	free(src);
	return bin;
}

/* The guest's initramfs in s->dir; its path, or NULL on error. */
static char *prepare_guest(const struct porttool_ctx *ctx,
			   const struct bench_setup *s, const char *busybox)
{
	char *script = xasprintf("%s/porttool/bench/bench-init.sh", ctx->project_dir);
	char *initrd = xasprintf("%s/guest-initrd.cpio", s->dir);
	char *guest_bench = NULL;
	int ret = -1;

	if (!is_file(script))
		error("the guest's init script %s is missing", script);
	else if ((guest_bench = build_guest_bench(ctx, s->dir)))
		/* the vmm's guest command line says rdinit=/bench-init.sh */
		ret = make_guest_initramfs(initrd, busybox, &(struct guest_files){
			.init_name = "bench-init.sh", .init = script,
			.tool_name = "bin/guest-bench", .tool = guest_bench });
	free(script);
	free(guest_bench);
	if (ret) {
		free(initrd);
		return NULL;
	}
	return initrd;
}

/*
 * The host initramfs both kernels boot: host-init.sh as /init, the vmm,
 * the SeKVM Image as guest kernel with its signature and key, and the
 * guest's initramfs.
 */
static int prepare_initramfs(const struct porttool_ctx *ctx, struct bench_setup *s)
{
	char *init = xasprintf("%s/porttool/bench/host-init.sh", ctx->project_dir);
	char *busybox = NULL, *vmm = NULL, *guest_initrd = NULL, *why = NULL;
	struct guest_keys keys = { 0 };
	struct boot_guest guest = { .image = s->image[BENCH_SEKVM], .keys = &keys };
	int ret = -1;

	s->initrd = xasprintf("%s/initramfs.cpio", s->dir);
	if (!is_file(init)) {
		error("the host's init script %s is missing", init);
		goto out;
	}
	if (fetch_arm64_busybox(&busybox) || !(vmm = vmm_build(ctx->project_dir, "vmm")))
		goto out;
	why = make_guest_keys(ctx->project_dir, s->dir, guest.image, &keys);
	if (why) {
		error("cannot sign the guest's image: %s", why);
		goto out;
	}
	guest_initrd = prepare_guest(ctx, s, busybox);
	if (!guest_initrd)
		goto out;
	guest.vmm = vmm;
	guest.initrd = guest_initrd;
	ret = make_boot_initramfs(s->initrd, busybox, init, &guest);
out:
	free(init);
	free(busybox);
	free(vmm);
	free(guest_initrd);
	free(why);
	guest_keys_free(&keys);
	return ret;
}

static int check_images(const struct port *p, const struct bench_setup *s)
{
	for (int k = 0; k < BENCH_KERNELS; k++) {
		if (is_file(s->image[k]))
			continue;
		error("no %s kernel at %s; run 'porttool build %s%s' first "
		      "(or give --%s-out DIR)",
		      k == BENCH_SEKVM ? "SeKVM" : "stock-KVM", s->image[k],
		      p->version, k == BENCH_KVM ? " --kvm" : "",
		      bench_kernel_name(k));
		return -1;
	}
	return 0;
}

static int prepare(const struct porttool_ctx *ctx, const struct port *p,
		   struct bench_setup *s)
{
	char *out[BENCH_KERNELS] = {
		opt_sekvm_out ? xstrdup(opt_sekvm_out) : default_build_dir(p, "qemu", false),
		opt_kvm_out ? xstrdup(opt_kvm_out) : default_build_dir(p, "qemu", true),
	};
	struct qemu_run q = { .append = APPEND };
	int ret = -1;

	for (int k = 0; k < BENCH_KERNELS; k++)
		s->image[k] = xasprintf("%s/arch/arm64/boot/Image", out[k]);
	s->dir = opt_dir ? xstrdup(opt_dir) : xasprintf("%s/bench", out[BENCH_SEKVM]);
	s->dtb = xasprintf("%s/qemu-virt.dtb", s->dir);
	if (check_images(p, s))
		goto out;
	if (mkdir_p(s->dir)) {
		error("cannot create %s: %s", s->dir, strerror(errno));
		goto out;
	}
	if (prepare_initramfs(ctx, s))
		goto out;
	/* As boot does: the DTB QEMU makes, packed, given back with -dtb. */
	q.kernel = s->image[BENCH_SEKVM];
	q.initrd = s->initrd;
	ret = qemu_dump_dtb(&q, s->dtb);
out:
	for (int k = 0; k < BENCH_KERNELS; k++)
		free(out[k]);
	return ret;
}

/* ---- booting ---- */

/*
 * The machine's 1-minute load average, from /proc/loadavg, or -1: shown
 * beside each boot, since other work on the machine shows in its numbers.
 */
static double load_average(void)
{
	char *text = read_file("/proc/loadavg", NULL);
	double load = text ? strtod(text, NULL) : -1;

	free(text);
	return load;
}

/* One boot of kernel k; 0 with its results in r, or -1 saying why. */
static int boot_once(const struct bench_setup *s, enum bench_kernel k, int rep,
		     struct bench_run *r)
{
	char *serial = log_path(s->dir, k, rep), *log = NULL, *why = NULL;
	struct qemu_run q = { .kernel = s->image[k], .initrd = s->initrd,
			      .dtb = s->dtb, .append = APPEND, .log_path = serial,
			      .timeout_s = opt_timeout, .echo = opt_verbose };
	int ret = -1;

	info("%s boot %d of %d: %s (load average %.2f)", bench_kernel_name(k),
	     rep, opt_reps, s->image[k], load_average());
	if (qemu_boot(&q))
		goto out;
	log = read_file(serial, NULL);
	if (!log) {
		error("cannot read %s: %s", serial, strerror(errno));
		goto out;
	}
	why = bench_parse_log(log, k, r);
	if (why) {
		error("%s boot %d failed: %s (serial log %s)",
		      bench_kernel_name(k), rep, why, serial);
		goto out;
	}
	info("%s boot %d: %.1f s, every workload measured",
	     bench_kernel_name(k), rep, q.seconds);
	ret = 0;
out:
	free(serial);
	free(log);
	free(why);
	return ret;
}

/*
 * Alternate the kernels, and which goes first (ABBA): a machine that
 * slows down or speeds up during the run weighs on both the same.
 */
static int boot_all(const struct bench_setup *s, struct bench_results *res)
{
	for (int i = 0; i < res->reps; i++) {
		enum bench_kernel first = i % 2 ? BENCH_KVM : BENCH_SEKVM;

		for (int j = 0; j < BENCH_KERNELS; j++) {
			enum bench_kernel k = (first + j) % BENCH_KERNELS;

			if (boot_once(s, k, i + 1, &res->runs[k][i]))
				return -1;
		}
	}
	return 0;
}

/* ---- kept logs ---- */

/* How many DIR/KERNEL-N.log exist from N = 1 on. */
static int count_logs(const char *dir, enum bench_kernel k)
{
	int n = 0;

	for (;;) {
		char *path = log_path(dir, k, n + 1);
		bool there = is_file(path);

		free(path);
		if (!there || n >= MAX_REPS)
			return n;
		n++;
	}
}

static int read_logs(const char *dir, struct bench_results *res)
{
	for (int k = 0; k < BENCH_KERNELS; k++) {
		for (int i = 0; i < res->reps; i++) {
			char *path = log_path(dir, k, i + 1);
			char *log = read_file(path, NULL), *why;

			if (!log) {
				error("cannot read %s: %s", path, strerror(errno));
				free(path);
				return -1;
			}
			why = bench_parse_log(log, k, &res->runs[k][i]);
			free(log);
			if (why) {
				error("%s: %s", path, why);
				free(why);
				free(path);
				return -1;
			}
			free(path);
		}
	}
	return 0;
}

/* --from-logs: the number of runs is what DIR holds, the same for both. */
static int logs_reps(const char *dir)
{
	int n[BENCH_KERNELS];

	if (!is_dir(dir)) {
		error("log directory %s does not exist", dir);
		return -1;
	}
	for (int k = 0; k < BENCH_KERNELS; k++)
		n[k] = count_logs(dir, k);
	if (n[BENCH_SEKVM] == 0 || n[BENCH_SEKVM] != n[BENCH_KVM]) {
		error("%s holds %d sekvm-N.log and %d kvm-N.log; the benchmark "
		      "needs the same number, at least one, of each",
		      dir, n[BENCH_SEKVM], n[BENCH_KVM]);
		return -1;
	}
	return n[BENCH_SEKVM];
}

/* ---- the command ---- */

static int report(struct bench_results *res)
{
	char *why = bench_check_sizes(res);

	if (why) {
		error("the runs do not compare: %s", why);
		free(why);
		return EXIT_FAIL;
	}
	bench_print_table(stdout, res);
	if (opt_json && bench_write_json(opt_json, res))
		return EXIT_FAIL;
	return EXIT_OK;
}

static void check_usage(int n)
{
	if (n != 1)
		usage_error(&bench_usage, n ? "too many arguments" :
			    "which version? e.g. 'porttool bench 5.10'");
	if (opt_from_logs && (opt_sekvm_out || opt_kvm_out || opt_dir || opt_verbose ||
			      opt_reps != UNSET || opt_timeout != UNSET))
		usage_error(&bench_usage, "--from-logs boots nothing; it takes only --json");
	if (opt_reps == UNSET)
		opt_reps = DEFAULT_REPS;
	else if (opt_reps < 1 || opt_reps > MAX_REPS)
		usage_error(&bench_usage, "--reps needs a number from 1 to %d, not %d",
			    MAX_REPS, opt_reps);
	if (opt_timeout == UNSET)
		opt_timeout = DEFAULT_TIMEOUT_S;
	else if (opt_timeout <= 0)
		usage_error(&bench_usage, "--timeout needs a positive number of seconds");
}

static int run(const struct porttool_ctx *ctx, const struct port *p,
	       struct bench_results *res)
{
	struct bench_setup s = { 0 };
	int ret = EXIT_FAIL;

	if (opt_from_logs) {
		res->reps = logs_reps(opt_from_logs);
		if (res->reps < 0)
			return EXIT_FAIL;
	}
	for (int k = 0; k < BENCH_KERNELS; k++)
		res->runs[k] = xcalloc((size_t)res->reps, sizeof(struct bench_run));
	if (opt_from_logs) {
		if (read_logs(opt_from_logs, res) == 0)
			ret = report(res);
		return ret;
	}
	if (prepare(ctx, p, &s) == 0 && boot_all(&s, res) == 0) {
		ret = report(res);
		printf("serial logs: %s/{sekvm,kvm}-N.log\n", s.dir);
	}
	setup_free(&s);
	return ret;
}

int cmd_bench(struct porttool_ctx *ctx, int argc, char **argv)
{
	struct bench_results res = { 0 };
	struct port *p;
	int ret = EXIT_FAIL;

	check_usage(parse_options(argc, argv, &bench_usage));
	p = port_load(ctx, argv[1]);
	if (!p)
		return EXIT_FAIL;
	if (port_board_or_error(p, "qemu")) {
		res.version = p->version;
		res.reps = opt_reps;
		ret = run(ctx, p, &res);
	}
	for (int k = 0; k < BENCH_KERNELS; k++)
		free(res.runs[k]);
	port_free(p);
	return ret;
}
