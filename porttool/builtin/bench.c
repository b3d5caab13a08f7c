// SPDX-License-Identifier: GPL-2.0
/*
 * porttool bench VER [--suite guest|micro|all|apps] [--sekvm-out DIR] [--kvm-out DIR]
 *                    [--reps N] [--iters N] [--dir DIR] [--json FILE]
 *                    [--timeout S] [--db FILE]
 * porttool bench VER --from-logs DIR [--suite S] [--json FILE] [--db FILE]
 * porttool bench --matrix [--lines 5.10,...] [--boards qemu,...] [--suite S] ...
 * porttool bench VER --target ssh://user@host[:port] [--ssh-config FILE] [--suite S] ...
 *
 * The SeKVM build and the stock-KVM build of the same tree boot in QEMU
 * as 'porttool boot' boots them (qemu.c), alternating, N times each, each
 * host running the vmm once on the same signed guest:
 *
 *  - guest: the SeKVM build's Image with a guest initramfs whose
 *    qemu/bench/bench-init.sh runs the workloads of qemu/bench/guest-bench.c, each
 *    timed by the guest's own clock (bench_report.c reads the logs);
 *  - micro: the bare-metal guest of qemu/bench/micro/, under QEMU -icount so
 *    that its counter reads are instruction counts (bench_micro.c);
 *  - apps: the application workloads ([--apps A,...] [--redis-requests N]
 *    ...) in a guest whose disk is porttool rootfs's image, driven from
 *    the host over a tap (rootfs.c, qemu/rootfs/, qemu/bench/
 *    apps-host-init.sh; bench_apps.c reads the logs).
 *
 * With --target ssh://user@host[:port] a board that booted one of the
 * builds runs the suites instead of QEMU: the same host init script and
 * files, unpacked there over ssh (bench_ssh.c); the kernel it runs is the
 * one column it fills.  The apps suite's bundle also carries the client
 * programs' tree, and its image goes there gzipped (prepare_board_apps).
 *
 * Every measurement goes to the results database (bench_db.c) with what
 * identifies it; --matrix benches every line that has both builds and
 * prints one row per line and benchmark, or why a line has none
 * (bench_matrix.c).  The guest and the host initramfs are the same bytes
 * for both kernels, so the only difference between the columns is the
 * host kernel.
 */
#include "builtin.h"
#include "bench.h"
#include "bench_apps.h"
#include "bench_db.h"
#include "bench_matrix.h"
#include "bench_ssh.h"
#include "debfetch.h"
#include "guest_keys.h"
#include "initramfs.h"
#include "kbuild.h"
#include "qemu.h"
#include "rootfs.h"
#include "sbuf.h"
#include "subproc.h"
#include "vmm_build.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define DEFAULT_REPS 3
#define MAX_REPS 100
#define DEFAULT_ITERS 65536
#define MAX_ITERS 10000000
/*
 * One boot: host boot, guest boot and the workloads.  porttool boot's
 * SeKVM boot, three guests in it, takes 16 s here (builtin/boot.c); the same
 * margin as boot's.
 */
#define DEFAULT_TIMEOUT_S 600
/*
 * --suite apps: a guest that starts four servers and runs two local
 * workloads under nested TCG, then the clients; 30 minutes.
 */
#define DEFAULT_APPS_TIMEOUT_S 1800
/*
 * --vms: the QEMU host has 2 GiB (qemu.c); a lone guest gets 256 MiB, each
 * of several 128 MiB (host-init.sh), so 10 fit beside the host and the
 * corevisor's region.
 */
#define MAX_VMS 10
/* --suite apps --vms: 160 MiB guests (apps-host-init.sh) */
#define MAX_APPS_VMS 8
#define UNSET INT_MIN
/* porttool boot's kernel command line (builtin/boot.c). */
#define APPEND "console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1 rdinit=/init"

enum { SUITE_GUEST = 1, SUITE_MICRO = 2, SUITE_APPS = 4 };

static const char *opt_sekvm_out, *opt_kvm_out, *opt_dir, *opt_json,
	*opt_from_logs, *opt_suite, *opt_db, *opt_lines, *opt_boards,
	*opt_target, *opt_ssh_config;
static int opt_reps = UNSET, opt_timeout = UNSET, opt_iters = UNSET, opt_vms = UNSET;
static int opt_halt_poll_ns = UNSET, opt_client_timeout = UNSET;
static const char *opt_apps;

/*
 * The application workloads' parameters: each a flag, passed to the
 * root filesystem's lib.sh as apps.KEY=VALUE on the kernel command line.
 * The defaults finish in minutes under QEMU's TCG.
 */
static struct app_param {
	const char *flag, *key;	/* flag: bench_options' name of it */
	int value, max;
	const char *help;
} app_params[] = {
	{ "redis-requests", "redis_requests", 2000, 10000000, "redis-benchmark -n (default: 2000)" },
	{ "redis-clients", "redis_clients", 10, 1000, "redis-benchmark -c (default: 10)" },
	{ "memcached-seconds", "memcached_seconds", 10, 3600, "memcaslap -t (default: 10)" },
	{ "memcached-concurrency", "memcached_concurrency", 8, 1000, "memcaslap -c (default: 8)" },
	{ "apache-requests", "apache_requests", 500, 10000000, "ab -n (default: 500)" },
	{ "apache-concurrency", "apache_concurrency", 8, 1000, "ab -c (default: 8)" },
	{ "mysql-rows", "mysql_rows", 1000, 10000000, "sysbench --table-size (default: 1000)" },
	{ "mysql-seconds", "mysql_seconds", 10, 3600, "sysbench --time (default: 10)" },
	{ "mysql-threads", "mysql_threads", 2, 256, "sysbench --threads (default: 2)" },
	{ "hackbench-groups", "hackbench_groups", 2, 100, "hackbench -g (default: 2)" },
	{ "hackbench-loops", "hackbench_loops", 20, 1000000, "hackbench -l (default: 20)" },
	{ "kbuild-files", "kbuild_files", 24, 10000, "kbuild: C files to compile (default: 24)" },
	{ "kbuild-jobs", "kbuild_jobs", 2, 64, "kbuild: make -j (default: 2)" },
};
#define APP_PARAMS (sizeof(app_params) / sizeof(app_params[0]))
static int app_param_opt[APP_PARAMS] = { [0 ... APP_PARAMS - 1] = UNSET };
static unsigned apps_wanted = APPS_ALL;
static bool opt_verbose, opt_matrix, opt_icount;
static int suites;

static const struct option bench_options[] = {
	{ OPT_STRING, "suite", &opt_suite, "S", "guest (default), micro, all (guest and micro) or apps" },
	{ OPT_STRING, "sekvm-out", &opt_sekvm_out, "DIR", "the SeKVM build (default: build's default)" },
	{ OPT_STRING, "kvm-out", &opt_kvm_out, "DIR", "the stock-KVM build (default: build --kvm's default)" },
	{ OPT_INT, "reps", &opt_reps, "N", "boots of each kernel (default: 3)" },
	{ OPT_INT, "iters", &opt_iters, "N", "micro: iterations of each operation (default: 65536)" },
	{ OPT_INT, "vms", &opt_vms, "N", "guest, apps suites: N guests at once in each boot (default: 1, at most 10; apps 8)" },
	{ OPT_STRING, "dir", &opt_dir, "DIR", "initramfs, keys and serial logs (default: SEKVM-OUT/bench)" },
	{ OPT_STRING, "json", &opt_json, "FILE", "also write the guest suite's results as JSON" },
	{ OPT_STRING, "db", &opt_db, "FILE", "results database (default: ~/.cache/porttool/bench/results.sqlite)" },
	{ OPT_INT, "timeout", &opt_timeout, "S", "kill a boot's QEMU after S seconds (default: 600; apps: 1800)" },
	{ OPT_INT, "client-timeout", &opt_client_timeout, "S", "apps: kill a server's client after S seconds (default: a sixth of --timeout)" },
	{ OPT_BOOL, "verbose", &opt_verbose, NULL, "show the serial console while booting" },
	{ OPT_BOOL, "icount", &opt_icount, NULL, "apps: QEMU -icount shift=0,sleep=off: time is instructions executed" },
	{ OPT_INT, "halt-poll-ns", &opt_halt_poll_ns, "N", "apps: both hosts' kvm.halt_poll_ns (default: the kernel's, 500000 on arm64)" },
	{ OPT_STRING, "from-logs", &opt_from_logs, "DIR", "report on kept logs DIR/{sekvm,kvm}-N.log, no boot" },
	{ OPT_BOOL, "matrix", &opt_matrix, NULL, "bench every line with both builds; one row per line and benchmark" },
	{ OPT_STRING, "lines", &opt_lines, "L,...", "--matrix: these kernel lines (default: every port)" },
	{ OPT_STRING, "boards", &opt_boards, "B,...", "--matrix: these boards (default: qemu)" },
	{ OPT_STRING, "target", &opt_target, "URL", "ssh://user@host[:port]: run on that board, which booted a built kernel" },
	{ OPT_STRING, "ssh-config", &opt_ssh_config, "FILE", "--target: ssh -F FILE (key, known_hosts, host-key policy)" },
	{ OPT_STRING, "apps", &opt_apps, "A,...", "apps: apache, redis, memcached, mysql, hackbench, kbuild (default: all)" },
	{ OPT_INT, "redis-requests", &app_param_opt[0], "N", "apps: redis-benchmark -n (default: 2000)" },
	{ OPT_INT, "redis-clients", &app_param_opt[1], "N", "apps: redis-benchmark -c (default: 10)" },
	{ OPT_INT, "memcached-seconds", &app_param_opt[2], "N", "apps: memcaslap -t (default: 10)" },
	{ OPT_INT, "memcached-concurrency", &app_param_opt[3], "N", "apps: memcaslap -c (default: 8)" },
	{ OPT_INT, "apache-requests", &app_param_opt[4], "N", "apps: ab -n (default: 500)" },
	{ OPT_INT, "apache-concurrency", &app_param_opt[5], "N", "apps: ab -c (default: 8)" },
	{ OPT_INT, "mysql-rows", &app_param_opt[6], "N", "apps: sysbench --table-size (default: 1000)" },
	{ OPT_INT, "mysql-seconds", &app_param_opt[7], "N", "apps: sysbench --time (default: 10)" },
	{ OPT_INT, "mysql-threads", &app_param_opt[8], "N", "apps: sysbench --threads (default: 2)" },
	{ OPT_INT, "hackbench-groups", &app_param_opt[9], "N", "apps: hackbench -g (default: 2)" },
	{ OPT_INT, "hackbench-loops", &app_param_opt[10], "N", "apps: hackbench -l (default: 20)" },
	{ OPT_INT, "kbuild-files", &app_param_opt[11], "N", "apps: kbuild: C files to compile (default: 24)" },
	{ OPT_INT, "kbuild-jobs", &app_param_opt[12], "N", "apps: kbuild: make -j (default: 2)" },
	{ OPT_END },
};

static const struct usage bench_usage = {
	.synopsis = "porttool bench VER [--suite guest|micro|all|apps] [--sekvm-out DIR] [--kvm-out DIR]\n"
		    "                   [--reps N] [--iters N] [--vms N] [--dir DIR] [--json FILE]\n"
		    "                   [--timeout S] [--db FILE] [--apps A,...] [--redis-requests N ...]\n"
		    "                   [--icount] [--halt-poll-ns N] [--client-timeout S]\n"
		    "       porttool bench VER --target ssh://user@host[:port] [--ssh-config FILE]\n"
		    "                   [--suite guest|micro|all|apps] [--sekvm-out DIR] [--reps N]\n"
		    "                   [--iters N] [--vms N] [--dir DIR] [--timeout S] [--db FILE]\n"
		    "                   [--apps A,...] [--redis-requests N ...] [--client-timeout S]\n"
		    "       porttool bench VER --from-logs DIR [--suite S] [--vms N] [--json FILE] [--db FILE]\n"
		    "       porttool bench --matrix [--lines 5.10,...] [--boards qemu,...] [--suite S]\n"
		    "                   [--reps N] [--iters N] [--db FILE]",
	.description =
		"Benchmark a guest under SeKVM against the same guest under stock KVM.  Boots\n"
		"the qemu builds of 'porttool build VER' and 'porttool build VER --kvm' in QEMU\n"
		"as 'porttool boot' does, alternating, N times each.\n"
		"guest: each host runs the vmm on the SeKVM build's Image (signed) with a guest\n"
		"that times, with its own clock: its boot to /init, touching 64 MiB of fresh\n"
		"memory (stage-2 faults), a compute loop, 128 KiB to the virtio console and 4 KiB\n"
		"to the PL011 (MMIO exits); plus the vmm's power-on to power-off.  Under QEMU\n"
		"TCG these are not hardware numbers: compare the ratio.\n"
		"micro: a bare-metal guest of this project (signed like any SeKVM guest) times\n"
		"a hypercall, MMIO reads handled in the host kernel and in the vmm, a virtual\n"
		"IPI, an EOI and a stage-2 fault, 65536 times each, under QEMU -icount\n"
		"shift=0,sleep=off: instruction counts, the same on every run.\n"
		"Prints per benchmark both medians and the ratio SeKVM/KVM, and adds every\n"
		"measurement to the results database.  A boot that fails or misses a result\n"
		"fails the benchmark (exit 1).  Serial logs: DIR/sekvm-N.log and DIR/kvm-N.log\n"
		"(micro: DIR/micro-sekvm-N.log ...); --from-logs reads them again.\n"
		"apps: the application workloads of the SeKVM papers on the root filesystem of\n"
		"'porttool rootfs' (QEMU's virtio-blk, snapshot=on): Apache (ab), Redis GET and\n"
		"SET (redis-benchmark), memcached (memcaslap), MariaDB (sysbench\n"
		"oltp_read_only), hackbench and a kernel-build-like gcc/make job; each\n"
		"parameter a flag (--redis-requests ...).  Each host runs the vmm on a 2-vCPU,\n"
		"512 MiB guest (the SeKVM build's Image, signed) whose disk is that image\n"
		"(read-only) and whose NIC is a tap: the guest starts the servers and runs\n"
		"hackbench and the build, the host's clients (from the same image) drive the\n"
		"servers over virtio-net; nested emulation under QEMU TCG, results in ops/s\n"
		"and s.\n"
		"Under the table: each run with the machine's load, the spread, the exits\n"
		"each workload caused under each kernel (the corevisor's counters, KVM's\n"
		"debugfs statistics, the taps' bytes, the host's interrupts) and, when the\n"
		"database has a micro run of the line, what SeKVM's exits cost by it.\n"
		"--icount: QEMU -icount shift=0,sleep=off, time is instructions (the\n"
		"fixed-time clients then take minutes per second: give them few).\n"
		"--vms N: N guests of 160 MiB at once (at most 8), each on its own tap.\n"
		"--client-timeout S: a client still running after S seconds is killed, the\n"
		"run fails saying which, and the next server's client runs.\n"
		"MongoDB, which the papers ran, is not in Debian: its row says so.  Logs:\n"
		"DIR/apps-{sekvm,kvm}-N.log.\n"
		"--matrix benches every line whose two builds exist in porttool build's default\n"
		"directories and prints one row per line and benchmark; a line without numbers\n"
		"says why (not built, boot failed with the log).\n"
		"--target ssh://user@host[:port]: instead of QEMU, a board that already booted\n"
		"the SeKVM or the stock-KVM build (a Pi 4B, an m400) runs the suite: porttool\n"
		"copies the host initramfs's files (the same init script, busybox, the vmm,\n"
		"the signed guest) into /tmp there over ssh (OpenSSH's client, keys only,\n"
		"BatchMode: no password or host-key prompt; --ssh-config FILE is ssh -F FILE),\n"
		"runs the script there --reps times and reads its output as a serial log.  The\n"
		"board's kernel decides the column (a corevisor line in its kernel log, or\n"
		"sekvm in its debugfs: SeKVM; else stock KVM); one run fills one column, and\n"
		"a board booted into the other kernel is a second run.  The database's board\n"
		"is the URL, its host the board's name and kernel.  micro: nanoseconds by the\n"
		"board's counter, not instructions.  guest and apps need the SeKVM build (its\n"
		"Image is the guest).  apps: porttool also sends the root filesystem image\n"
		"(gzipped; the guest's disk) and the client programs with their libraries\n"
		"(redis-benchmark, memcaslap, ab, sysbench: Debian's packages, a tree the\n"
		"clients run chrooted in), so the board needs none of its own; it needs root\n"
		"(the taps, the chroot), /dev/net/tun (CONFIG_TUN), no interfaces tap0.. and\n"
		"no address in 10.0.2.0/24 and up (the guests' networks), and room in /tmp\n"
		"for the image (about 1 GiB); what it lacks is named (exit 1).  --icount and\n"
		"--halt-poll-ns are QEMU's.  A bad URL, a refused connection, a refused key,\n"
		"an unknown host key or a board without KVM fails with the cause (exit 1).\n"
		"Logs: DIR (default <cache>/bench/target-HOST-PORT)/[micro-|apps-]{sekvm,kvm}-N.log.",
	.opts = bench_options,
};

/* ---- progress over a whole run ---- */

static struct {
	int done, total;
	double t0;
	const char *noun;	/* "boot" (QEMU), "run" (a board's) */
} progress = { .noun = "boot" };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void format_duration(char *buf, size_t len, double s)
{
	int t = (int)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%dh%02dm", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(buf, len, "%dm%02ds", t / 60, t % 60);
	else
		snprintf(buf, len, "%ds", t);
}

/*
 * "boot 3 of 12 ..., 2m10s elapsed, about 5m left": the estimate is the
 * mean of the boots so far times the boots left.
 */
static void progress_boot(const char *what)
{
	double elapsed = now_s() - progress.t0;
	char el[32], left[64] = "";

	progress.done++;
	format_duration(el, sizeof(el), elapsed);
	if (progress.done > 1) {
		char d[24];

		format_duration(d, sizeof(d), elapsed / (progress.done - 1) *
				(progress.total - progress.done + 1));
		snprintf(left, sizeof(left), ", about %s left", d);
	}
	info("%s %d of %d: %s; %s elapsed%s", progress.noun, progress.done,
	     progress.total, what, el, left);
}

/* ---- one line's run ---- */

struct line_run {
	const struct porttool_ctx *ctx;
	const struct port *p;
	const char *board;
	char *out[BENCH_KERNELS];
	char *image[BENCH_KERNELS];	/* the host kernels */
	char *dir;			/* initramfs, keys, logs */
	char *dtb;
	struct bench_db *db;
	const char *run_id;
	bool tables;			/* print the suite's table (not --matrix) */
	char *rootfs;			/* apps: porttool rootfs's image */
	char *clients;			/* apps on a board: the clients' tree */
	/* --target: the board, and the kernel it runs (the one column) */
	const struct ssh_target *target;
	struct board_info board_info;
};

static void line_free(struct line_run *l)
{
	for (int k = 0; k < BENCH_KERNELS; k++) {
		free(l->out[k]);
		free(l->image[k]);
	}
	free(l->dir);
	free(l->dtb);
	free(l->rootfs);
	free(l->clients);
	board_info_free(&l->board_info);
}

static const char *suite_name(int suite)
{
	return suite == SUITE_MICRO ? "micro" : suite == SUITE_APPS ? "apps" : "guest";
}

/* The serial logs' names: [micro-|apps-]KERNEL-N.log. */
static const char *log_prefix(int suite)
{
	return suite == SUITE_MICRO ? "micro-" : suite == SUITE_APPS ? "apps-" : "";
}

static char *log_path(const char *dir, int suite, enum bench_kernel k, int rep)
{
	return xasprintf("%s/%s%s-%d.log", dir, log_prefix(suite),
			 bench_kernel_name(k), rep);
}

static void meta_init(struct bench_meta *m, const struct line_run *l, int suite,
		      const char *source)
{
	memset(m, 0, sizeof(*m));
	m->run = xstrdup(l->run_id);
	m->line = xstrdup(l->p->version);
	m->board = xstrdup(l->board);
	m->suite = xstrdup(suite_name(suite));
	m->source = xstrdup(source);
	bench_meta_fill(m, l->p, l->out[BENCH_SEKVM]);
	if (l->target) {
		/* the board ran it, not this machine's QEMU */
		free(m->host);
		free(m->qemu_version);
		m->host = xstrdup(l->board_info.host);
		m->qemu_version = NULL;
	}
}

/* A cell the run could not fill, for the matrix; errors are printed. */
static void record_failure(const struct line_run *l, int suite,
			   const char *hv, const char *why, const char *log)
{
	struct bench_meta m;

	if (!l->db)
		return;
	meta_init(&m, l, suite, "boot");
	if (bench_db_add_failure(l->db, &m, hv, why, log))
		error("the failure above is not in the results database");
	bench_meta_free(&m);
}

/* ---- preparing ---- */

/* Compile with the cross compiler; 0 or -1 after saying why. */
static int cross_compile(const char *const *args, const char *what, const char *bin)
{
	const char *argv[40];
	char *cc = find_program(CROSS_PREFIX "gcc");
	struct subproc sp = { .argv = argv, .log_fd = -1, .echo = true };
	int n = 0;

	if (!cc) {
		error(CROSS_PREFIX "gcc not found in PATH; install the Debian "
		      "package " CROSS_PACKAGE);
		return -1;
	}
	free(cc);
	argv[n++] = CROSS_PREFIX "gcc";
	while (*args && n < 38)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (subproc_run(&sp) || sp.exit_code != 0 || !is_file(bin)) {
		error("could not build %s from %s (exit %d)", bin, what, sp.exit_code);
		return -1;
	}
	return 0;
}

/*
 * porttool/qemu/bench/guest-bench.c into dir, built every run (a second): no
 * staleness test to get wrong.  Its path, or NULL on error.
 */
static char *build_guest_bench(const struct porttool_ctx *ctx, const char *dir)
{
	char *src = xasprintf("%s/porttool/qemu/bench/guest-bench.c", ctx->project_dir);
	char *bin = xasprintf("%s/guest-bench", dir);
	const char *args[] = { "-static", "-O2", "-std=gnu11", "-Wall", "-Wextra",
			       "-Werror", "-o", bin, src, NULL };

	if (!is_file(src)) {
		error("the guest benchmark %s is missing", src);
		free(bin);
		bin = NULL;
	} else if (cross_compile(args, src, bin)) {
		free(bin);
		bin = NULL;
	}
	free(src);
	return bin;
}

/*
 * The micro guest: make -C qemu/bench/micro OUT=dir (its Makefile has the
 * flags, so the tests build it the same way), every run like
 * guest-bench (a second).  The image's path, or NULL.
 */
static char *build_micro_guest(const struct porttool_ctx *ctx, const char *dir)
{
	char *src = xasprintf("%s/porttool/qemu/bench/micro", ctx->project_dir);
	char *cwd = dir[0] == '/' ? NULL : getcwd(NULL, 0);
	/* make -C runs in src: a relative --dir is ours, not src's */
	char *mk = xasprintf("%s/Makefile", src),
	     *outarg = cwd ? xasprintf("OUT=%s/%s", cwd, dir) : xasprintf("OUT=%s", dir);
	char *img = xasprintf("%s/micro.img", dir), *cc = find_program(CROSS_PREFIX "gcc");
	const char *argv[] = { "make", "-s", "-B", "-C", src, outarg, NULL };
	struct subproc sp = { .argv = argv, .log_fd = -1, .echo = true };
	char *ret = NULL;

	if (!cc)
		error(CROSS_PREFIX "gcc not found in PATH; install the Debian "
		      "package " CROSS_PACKAGE);
	else if (!is_file(mk))
		error("the micro-benchmark guest's sources are missing in %s", src);
	else if (subproc_run(&sp) == 0 && sp.exit_code == 0 && is_file(img))
		ret = xstrdup(img);
	else
		error("could not build the micro-benchmark guest %s from %s (exit %d)",
		      img, src, sp.exit_code);
	free(src); free(mk); free(outarg); free(img); free(cc); free(cwd);
	return ret;
}

/* The Linux guest's initramfs in dir; its path, or NULL on error. */
static char *prepare_guest_initrd(const struct porttool_ctx *ctx, const char *dir,
				  const char *busybox)
{
	char *script = xasprintf("%s/porttool/qemu/bench/bench-init.sh", ctx->project_dir);
	char *initrd = xasprintf("%s/guest-initrd.cpio", dir);
	char *guest_bench = NULL;
	int ret = -1;

	if (!is_file(script))
		error("the guest's init script %s is missing", script);
	else if ((guest_bench = build_guest_bench(ctx, dir)))
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

/* The host's init script of a suite, in porttool/qemu/bench/. */
static const char *host_init_name(int suite)
{
	return suite == SUITE_MICRO ? "micro-host-init.sh"
	       : suite == SUITE_APPS ? "apps-host-init.sh" : "host-init.sh";
}

/*
 * The host's /init for a suite: its script (host_init_name) with the line
 * starting "#@host-lib.sh" replaced by host-lib.sh, the start they share,
 * written to dir.  Its path, or NULL.
 */
static char *compose_host_init(const char *project_dir, const char *dir,
			       int suite, int vms)
{
	const char *name = host_init_name(suite);
	char *script_path = xasprintf("%s/porttool/qemu/bench/%s", project_dir, name);
	char *lib_path = xasprintf("%s/porttool/qemu/bench/host-lib.sh", project_dir);
	char *out = xasprintf("%s/%s", dir, name);
	char *script = NULL, *lib = NULL, *mark, *rest;
	struct sbuf init = { 0 };
	bool ok = false;
	size_t len;

	if (mkdir_p(dir)) {
		error("cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	if (!(script = read_file(script_path, &len)) || !(lib = read_file(lib_path, &len))) {
		error("the host's init script %s or %s cannot be read: %s",
		      script_path, lib_path, strerror(errno));
		goto out;
	}
	mark = strstr(script, "\n#@host-lib.sh");
	if (!mark) {
		error("%s has no '#@host-lib.sh' line for host-lib.sh", script_path);
		goto out;
	}
	rest = strchr(mark + 1, '\n');
	sbuf_add(&init, script, (size_t)(mark + 1 - script));
	/* host-init.sh starts this many vmms at once (--vms) */
	sbuf_addf(&init, "%sVMS=%d\n%s", lib, vms, rest ? rest + 1 : "");
	if (write_file(out, init.buf, init.len) < 0) {
		error("cannot write '%s': %s", out, strerror(errno));
		goto out;
	}
	ok = true;
out:
	sbuf_free(&init);
	free(script); free(lib); free(script_path); free(lib_path);
	if (!ok) {
		free(out);
		out = NULL;
	}
	return out;
}

/*
 * The host initramfs both kernels boot for a suite: its host init script
 * as /init, the vmm, the guest image with its signature and key, and (the
 * guest suite) the guest's initramfs; the apps suite's guest boots the
 * root filesystem instead.  Its path, or NULL.
 */
static char *prepare_initramfs(const struct line_run *l, int suite)
{
	const struct porttool_ctx *ctx = l->ctx;
	bool micro = suite == SUITE_MICRO;
	char *init = compose_host_init(ctx->project_dir, l->dir, suite,
				       micro ? 1 : opt_vms);
	char *busybox = NULL, *vmm = NULL, *guest_initrd = NULL, *why = NULL;
	char *image = NULL, *keydir = xasprintf("%s/%s-keys", l->dir, suite_name(suite));
	char *initrd = xasprintf("%s/%s-%s.cpio", l->dir, suite_name(suite),
				 l->target ? "board" : "initramfs");
	struct guest_keys keys = { 0 };
	struct boot_guest guest = { .keys = &keys };
	int ret = -1;

	if (!init)
		goto out;
	if (fetch_arm64_busybox(&busybox) || !(vmm = vmm_build(ctx->project_dir, "vmm")))
		goto out;
	image = micro ? build_micro_guest(ctx, l->dir) : xstrdup(l->image[BENCH_SEKVM]);
	if (!image)
		goto out;
	if (mkdir_p(keydir)) {
		error("cannot create %s: %s", keydir, strerror(errno));
		goto out;
	}
	why = make_guest_keys(ctx->project_dir, keydir, image, &keys);
	if (why) {
		error("cannot sign the guest's image %s: %s", image, why);
		goto out;
	}
	if (suite == SUITE_GUEST &&
	    !(guest_initrd = prepare_guest_initrd(ctx, l->dir, busybox)))
		goto out;
	guest.image = image;
	guest.vmm = vmm;
	guest.initrd = guest_initrd;
	guest.clients = suite == SUITE_APPS ? l->clients : NULL;
	ret = (l->target ? make_board_bundle : make_boot_initramfs)(initrd, busybox,
								    init, &guest);
out:
	free(init); free(busybox); free(vmm); free(guest_initrd); free(why);
	free(image); free(keydir);
	guest_keys_free(&keys);
	if (ret) {
		free(initrd);
		return NULL;
	}
	return initrd;
}

/* Where the two builds are; both Images must exist. */
static void line_paths(struct line_run *l, const char *sekvm_out, const char *kvm_out)
{
	l->out[BENCH_SEKVM] = sekvm_out ? xstrdup(sekvm_out)
					: default_build_dir(l->p, l->board, false);
	l->out[BENCH_KVM] = kvm_out ? xstrdup(kvm_out)
				    : default_build_dir(l->p, l->board, true);
	for (int k = 0; k < BENCH_KERNELS; k++)
		l->image[k] = xasprintf("%s/arch/arm64/boot/Image", l->out[k]);
	l->dir = opt_dir ? xstrdup(opt_dir) : xasprintf("%s/bench", l->out[BENCH_SEKVM]);
	l->dtb = xasprintf("%s/qemu-virt.dtb", l->dir);
}

/* The first kernel that is not built, or -1. */
static int missing_image(const struct line_run *l)
{
	for (int k = 0; k < BENCH_KERNELS; k++)
		if (!is_file(l->image[k]))
			return k;
	return -1;
}

static int check_images(const struct line_run *l)
{
	int k = missing_image(l);

	if (k < 0)
		return 0;
	error("no %s kernel at %s; run 'porttool build %s%s' first "
	      "(or give --%s-out DIR)",
	      k == BENCH_SEKVM ? "SeKVM" : "stock-KVM", l->image[k],
	      l->p->version, k == BENCH_KVM ? " --kvm" : "", bench_kernel_name(k));
	return -1;
}

/* The DTB QEMU makes, packed, given back with -dtb (as boot does). */
static int prepare_dtb(const struct line_run *l, const char *initrd)
{
	struct qemu_run q = { .append = APPEND, .kernel = l->image[BENCH_SEKVM],
			      .initrd = initrd };

	if (mkdir_p(l->dir)) {
		error("cannot create %s: %s", l->dir, strerror(errno));
		return -1;
	}
	return qemu_dump_dtb(&q, l->dtb);
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

/*
 * The apps suite's host kernel command line: rdinit=/init is
 * apps-host-init.sh, which passes every apps.KEY=VALUE on to the guest's
 * (APPS_KEY in lib.sh): the workloads --apps names, as the servers the
 * guest starts and the host drives and the local ones the guest runs, and
 * every parameter.  apps.ready_wait: the host's bound on the guest's
 * start, two thirds of the boot's timeout, so that the log still gets
 * the guest's output when it runs out; apps.client_wait, the bound on
 * each server's client (--client-timeout, by default a sixth), after
 * which the host kills it and goes on with the next server.  A board's
 * script takes the same apps.* words (its CMDLINE), without the QEMU
 * host kernel's own.
 */
static char *apps_cmdline(const struct line_run *l)
{
	struct sbuf b = { 0 }, servers = { 0 }, local = { 0 };

	if (!l->target)
		sbuf_addf(&b, "%s ", APPEND);
	sbuf_addf(&b, "apps.ready_wait=%d apps.client_wait=%d",
		  opt_timeout / 3 * 2, opt_client_timeout);
	/* the host kernel's own parameter: apps-host-init.sh passes on apps.* only */
	if (opt_halt_poll_ns != UNSET)
		sbuf_addf(&b, " kvm.halt_poll_ns=%d", opt_halt_poll_ns);
	for (int a = 0; a < APP_BENCHES; a++) {
		const char *f = app_bench_info(a)->frame;
		bool is_local = a == A_HACKBENCH || a == A_KBUILD;
		struct sbuf *to = is_local ? &local : &servers;

		if (!(apps_wanted & (1u << a)) || (to->buf && strstr(to->buf, f)))
			continue;
		sbuf_addf(to, "%s%s", to->len ? "," : "", f);
	}
	sbuf_addf(&b, " apps.servers=%s apps.local=%s",
		  servers.len ? servers.buf : "none", local.len ? local.buf : "none");
	for (size_t i = 0; i < APP_PARAMS; i++)
		sbuf_addf(&b, " apps.%s=%d", app_params[i].key, app_params[i].value);
	sbuf_free(&servers);
	sbuf_free(&local);
	return sbuf_detach(&b);
}

/* What the database's parameters column says of an apps run. */
static char *apps_parameters(void)
{
	struct sbuf b = { 0 };

	for (size_t i = 0; i < APP_PARAMS; i++)
		sbuf_addf(&b, "%s%s=%d", i ? " " : "", app_params[i].key,
			  app_params[i].value);
	return sbuf_detach(&b);
}

/*
 * The apps suite's table shows each run's load beside it, --from-logs
 * too: the log keeps it (bench_apps_exits.c reads it).  0 or -1.
 */
static int note_load(const char *serial, double load)
{
	FILE *f = fopen(serial, "a");

	if (!f)
		return -1;
	fprintf(f, "\n# porttool: load average %.2f at the boot's start\n", load);
	return fclose(f) ? -1 : 0;
}

/*
 * One boot of kernel k; its serial log's text, or NULL after an error
 * (then *why says so, allocated).  *serial is the log's path.
 */
static char *boot_once(const struct line_run *l, int suite, const char *initrd,
		       enum bench_kernel k, int rep, char **serial, char **why)
{
	char *append = suite == SUITE_MICRO
		? xasprintf("%s micro.iters=%d", APPEND, opt_iters)
		: suite == SUITE_APPS ? apps_cmdline(l) : xstrdup(APPEND);
	struct qemu_run q = { .kernel = l->image[k], .initrd = initrd,
			      .dtb = l->dtb, .append = append,
			      .timeout_s = opt_timeout, .echo = opt_verbose,
			      .icount = suite == SUITE_MICRO ||
					(suite == SUITE_APPS && opt_icount),
			      .drive = suite == SUITE_APPS ? l->rootfs : NULL };
	char *what, *log = NULL;
	double load = load_average();

	*serial = log_path(l->dir, suite, k, rep);
	*why = NULL;
	q.log_path = *serial;
	what = xasprintf("v%s %s %s, %s rep %d of %d (load average %.2f)",
			 l->p->version, l->board, suite_name(suite),
			 bench_kernel_name(k), rep, opt_reps, load);
	progress_boot(what);
	free(what);
	if (qemu_boot(&q)) {
		*why = xstrdup("QEMU could not be started");
	} else if (suite == SUITE_APPS && note_load(*serial, load)) {
		*why = xasprintf("cannot append to the serial log: %s", strerror(errno));
	} else if (!(log = read_file(*serial, NULL))) {
		*why = xasprintf("cannot read the serial log: %s", strerror(errno));
	} else {
		info("%s boot %d: %.1f s", bench_kernel_name(k), rep, q.seconds);
	}
	free(append);
	return log;
}

/* The kernel of the j-th boot of round i: ABBA, so drift weighs on both. */
static enum bench_kernel abba(int i, int j)
{
	enum bench_kernel first = i % 2 ? BENCH_KVM : BENCH_SEKVM;

	return (enum bench_kernel)((first + j) % BENCH_KERNELS);
}

/* A failed boot: said, and kept in the database for the matrix. */
static void boot_failed(const struct line_run *l, int suite, enum bench_kernel k,
			int rep, const char *why, const char *serial)
{
	char *reason = xasprintf("boot failed: %s", why);

	error("%s boot %d failed: %s (serial log %s)", bench_kernel_name(k), rep,
	      why, serial);
	record_failure(l, suite, bench_kernel_name(k), reason, serial);
	free(reason);
}

/*
 * A guest-suite log into runs[boot * vms ..]: with --vms N each VM's part
 * is judged as a lone guest's log; NULL or why not (allocated), naming
 * the VM.
 */
static char *parse_guest_log(const char *log, enum bench_kernel k, int boot,
			     struct bench_run *runs)
{
	char *why = NULL;

	for (int v = 1; v <= opt_vms && !why; v++) {
		char *part = bench_vm_log(log, opt_vms, v, &why), *bad;

		if (!part)
			break;
		bad = bench_parse_log(part, k, &runs[boot * opt_vms + v - 1]);
		if (bad && opt_vms == 1) {
			why = bad;
			bad = NULL;
		} else if (bad) {
			why = xasprintf("VM %d of %d: %s", v, opt_vms, bad);
			free(bad);
		}
		free(part);
	}
	return why;
}

static int boot_guest_runs(const struct line_run *l, const char *initrd,
			   struct bench_run *runs[BENCH_KERNELS])
{
	for (int i = 0; i < opt_reps; i++) {
		for (int j = 0; j < BENCH_KERNELS; j++) {
			enum bench_kernel k = abba(i, j);
			char *serial, *why, *log = boot_once(l, SUITE_GUEST, initrd, k,
							     i + 1, &serial, &why);

			if (log && !(why = parse_guest_log(log, k, i, runs[k])))
				info("%s boot %d: every workload measured%s",
				     bench_kernel_name(k), i + 1,
				     opt_vms > 1 ? " in every VM" : "");
			free(log);
			if (why) {
				boot_failed(l, SUITE_GUEST, k, i + 1, why, serial);
				free(why);
				free(serial);
				return -1;
			}
			free(serial);
		}
	}
	return 0;
}

static int boot_micro_runs(const struct line_run *l, const char *initrd,
			   struct micro_run *runs[BENCH_KERNELS])
{
	for (int i = 0; i < opt_reps; i++) {
		for (int j = 0; j < BENCH_KERNELS; j++) {
			enum bench_kernel k = abba(i, j);
			char *serial, *why, *log = boot_once(l, SUITE_MICRO, initrd, k,
							     i + 1, &serial, &why);

			if (log && !(why = micro_parse_log(log, k, &runs[k][i])))
				info("%s boot %d: every operation measured",
				     bench_kernel_name(k), i + 1);
			free(log);
			if (why) {
				boot_failed(l, SUITE_MICRO, k, i + 1, why, serial);
				free(why);
				free(serial);
				return -1;
			}
			free(serial);
		}
	}
	return 0;
}

/* ---- results into the database ---- */

/* Whether kernel k's runs are real: on a board, only the one it runs. */
static bool kernel_ran(const struct line_run *l, enum bench_kernel k)
{
	return !l->target || l->board_info.kernel == k;
}

static int store_guest(const struct line_run *l, const struct bench_results *res,
		       const char *source)
{
	struct bench_meta m;
	int ret = bench_db_begin(l->db);

	meta_init(&m, l, SUITE_GUEST, source);
	for (int k = 0; k < BENCH_KERNELS && !ret; k++)
		for (int i = 0; i < res->reps && !ret && kernel_ran(l, k); i++)
			for (int w = 0; w < BENCH_WORKLOADS && !ret; w++) {
				/* several at once: another benchmark than one alone */
				char *params = res->vms > 1
					? xasprintf("%s vms=%d vm=%d", res->runs[k][i].size[w],
						    res->vms, i % res->vms + 1)
					: xstrdup(res->runs[k][i].size[w]);

				ret = bench_db_add(l->db, &m, &(struct bench_row){
					.hypervisor = bench_kernel_name(k),
					.benchmark = bench_workload_name(w),
					.parameters = params,
					.rep = i + 1, .value = res->runs[k][i].ns[w],
					.unit = "ns" });
				free(params);
			}
	if (!ret)
		ret = bench_db_commit(l->db);
	bench_meta_free(&m);
	return ret;
}

static int store_micro(const struct line_run *l, struct micro_run *const runs[BENCH_KERNELS],
		       int reps, const char *source)
{
	struct bench_meta m;
	int ret = bench_db_begin(l->db);

	meta_init(&m, l, SUITE_MICRO, source);
	for (int k = 0; k < BENCH_KERNELS && !ret; k++)
		for (int i = 0; i < reps && !ret && kernel_ran(l, k); i++)
			for (int b = 0; b < MICRO_BENCHES && !ret; b++) {
				char params[32];

				snprintf(params, sizeof(params), "iters=%u", runs[k][i].iters[b]);
				ret = bench_db_add(l->db, &m, &(struct bench_row){
					.hypervisor = bench_kernel_name(k),
					.benchmark = micro_bench_name(b),
					.parameters = params, .rep = i + 1,
					.value = runs[k][i].insn[b],
					/* a board has no -icount: its counter's time */
					.unit = l->target ? "ns" : "insn" });
			}
	if (!ret)
		ret = bench_db_commit(l->db);
	bench_meta_free(&m);
	return ret;
}

/* ---- the suites ---- */

static int report_guest(const struct line_run *l, struct bench_results *res,
			const char *source)
{
	char *why = bench_check_sizes(res);

	if (why) {
		error("the runs do not compare: %s", why);
		free(why);
		return -1;
	}
	if (l->tables && l->target)
		bench_print_column(stdout, res, l->board_info.kernel, l->target->url);
	else if (l->tables)
		bench_print_table(stdout, res);
	if (opt_json && bench_write_json(opt_json, res))
		return -1;
	if (store_guest(l, res, source)) {
		error("the results above are not in the database");
		return -1;
	}
	return 0;
}

static int report_micro(const struct line_run *l, struct micro_run *runs[BENCH_KERNELS],
			int reps, const char *source)
{
	char *why = micro_check_iters((const struct micro_run *const *)runs, reps);

	if (why) {
		error("the runs do not compare: %s", why);
		free(why);
		return -1;
	}
	if (l->tables && l->target)
		micro_print_column(stdout, l->p->version, l->target->url,
				   l->board_info.kernel, runs[l->board_info.kernel], reps);
	else if (l->tables)
		micro_print_table(stdout, l->p->version,
				  (const struct micro_run *const *)runs, reps);
	if (store_micro(l, runs, reps, source)) {
		error("the results above are not in the database");
		return -1;
	}
	return 0;
}

/*
 * The parameters column of a run: in a guest or on the host, one guest
 * or several, -icount or the wall clock: not the same benchmark.
 */
static char *apps_where(const char *params, const struct apps_run *r, int i)
{
	char *hp = r->halt_poll_ns >= 0 ? xasprintf(" halt_poll_ns=%d", r->halt_poll_ns)
					  : xstrdup("");
	const char *ic = r->icount ? " icount" : "";
	char *w = opt_vms > 1
		? xasprintf("%s run=guest vms=%d vm=%d%s%s", params, opt_vms,
			    i % opt_vms + 1, ic, hp)
		: xasprintf("%s %s%s%s", params, r->in_guest ? "run=guest" : "run=selftest",
			    ic, hp);

	free(hp);
	return w;
}

/* The unit of an exit counter's row. */
static const char *exit_unit(const struct apps_exit *e)
{
	if (!strcmp(e->src, "host"))
		return "ms";
	if (!strcmp(e->src, "net"))
		return strstr(e->name, "bytes") ? "bytes" : "packets";
	return "events";
}

/*
 * Every exit count of the runs, suite "apps-exits" (benchmark "WORKLOAD
 * SRC.NAME", the corevisor's ticks as "... SRC.NAME.ticks"), and each
 * run's load average ("load-average"): what explains the apps rows, kept
 * beside them.  0 or -1 (error printed).
 */
static int store_apps_exits(const struct line_run *l,
			    struct apps_run *const runs[BENCH_KERNELS], int reps,
			    const char *source, const char *params)
{
	struct bench_meta m;
	int ret = 0;

	meta_init(&m, l, SUITE_APPS, source);
	free(m.suite);
	m.suite = xstrdup("apps-exits");
	for (int k = 0; k < BENCH_KERNELS && !ret; k++)
		for (int i = 0; i < reps && !ret && kernel_ran(l, k); i++) {
			const struct apps_run *r = &runs[k][i];
			char *where = apps_where(params, r, i);
			struct bench_row row = { .hypervisor = bench_kernel_name(k),
						 .parameters = where, .rep = i + 1 };

			if (r->load >= 0) {
				row.benchmark = "load-average";
				row.value = r->load;
				row.unit = "load";
				ret = bench_db_add(l->db, &m, &row);
			}
			for (int e = 0; e < r->nexits && !ret; e++) {
				const struct apps_exit *x = &r->exits[e];
				char *name = xasprintf("%s %s.%s", x->window, x->src, x->name);

				row.benchmark = name;
				row.value = (double)x->count;
				row.unit = exit_unit(x);
				ret = bench_db_add(l->db, &m, &row);
				free(name);
				if (ret || !x->ticks)
					continue;
				name = xasprintf("%s %s.%s.ticks", x->window, x->src, x->name);
				row.benchmark = name;
				row.value = (double)x->ticks;
				row.unit = "ticks";
				ret = bench_db_add(l->db, &m, &row);
				free(name);
			}
			free(where);
		}
	bench_meta_free(&m);
	return ret;
}

static int store_apps(const struct line_run *l, struct apps_run *const runs[BENCH_KERNELS],
		      int reps, const char *source)
{
	struct bench_meta m;
	char *params = apps_parameters();
	int ret = bench_db_begin(l->db);

	meta_init(&m, l, SUITE_APPS, source);
	for (int k = 0; k < BENCH_KERNELS && !ret; k++)
		for (int i = 0; i < reps && !ret && kernel_ran(l, k); i++)
			for (int a = 0; a < APP_BENCHES && !ret; a++) {
				/* in a guest or on the host: not the same benchmark */
				char *where = apps_where(params, &runs[k][i], i);

				if ((apps_wanted & (1u << a)) && runs[k][i].have[a])
					ret = bench_db_add(l->db, &m, &(struct bench_row){
						.hypervisor = bench_kernel_name(k),
						.benchmark = app_bench_info(a)->name,
						.parameters = where, .rep = i + 1,
						.value = runs[k][i].value[a],
						.unit = app_bench_info(a)->unit });
				free(where);
			}
	if (!ret)
		ret = store_apps_exits(l, runs, reps, source, params);
	if (!ret)
		ret = bench_db_commit(l->db);
	bench_meta_free(&m);
	free(params);
	return ret;
}

static int report_apps(const struct line_run *l, struct apps_run *runs[BENCH_KERNELS],
		       int reps, const char *source)
{
	if (l->tables) {
		const struct apps_run *const *r = (const struct apps_run *const *)runs;
		struct apps_costs costs = { 0 };
		struct bench_data d;
		/* a board's runs are its kernel's only */
		unsigned kernels = l->target ? 1u << l->board_info.kernel : 3;

		if (l->target)
			apps_print_column(stdout, l->p->version, l->target->url,
					  l->board_info.kernel, apps_wanted,
					  runs[l->board_info.kernel], reps, opt_vms);
		else
			apps_print_table(stdout, l->p->version, apps_wanted, r, reps,
					 opt_vms);
		apps_print_runs(stdout, apps_wanted, r, reps, kernels);
		/* the micro suite's rows of this line, if any, give the costs */
		if (!bench_db_load(l->db, &d)) {
			apps_micro_costs(&d, l->p->version, &costs);
			bench_data_free(&d);
		}
		apps_print_exits(stdout, apps_wanted, r, reps, &costs, kernels);
	}
	if (store_apps(l, runs, reps, source)) {
		error("the results above are not in the database");
		return -1;
	}
	return 0;
}

/*
 * One boot's log into runs[0 .. opt_vms - 1], a guest each; NULL or why
 * not, naming the guest when there are several (allocated).  *some: every
 * guest measured something.
 */
static char *parse_apps_vms(const char *log, struct apps_run *runs, bool *some)
{
	char *why = NULL;

	*some = true;
	for (int v = 1; v <= opt_vms; v++) {
		char *part = apps_vm_log(log, opt_vms, v);
		char *bad = apps_parse_log(part, apps_wanted, &runs[v - 1]);

		*some = *some && apps_any_result(&runs[v - 1]);
		if (bad && !why)
			why = opt_vms > 1 ? xasprintf("guest %d of %d: %s", v, opt_vms, bad)
					  : xstrdup(bad);
		free(bad);
		free(part);
	}
	return why;
}

/*
 * A workload that cannot run on a kernel (a server needing a system call
 * its config left out) should not cost the others their numbers: a run
 * that measured something but not everything is said and recorded as a
 * failure, and the runs go on (1 in the end); one that measured nothing,
 * or a QEMU that did not start, stops them (-1).
 */
static int boot_apps_runs(const struct line_run *l, const char *initrd,
			  struct apps_run *runs[BENCH_KERNELS])
{
	int ret = 0;

	for (int i = 0; i < opt_reps; i++) {
		for (int j = 0; j < BENCH_KERNELS; j++) {
			enum bench_kernel k = abba(i, j);
			char *serial, *why, *log = boot_once(l, SUITE_APPS, initrd, k,
							     i + 1, &serial, &why);
			bool some = false;

			if (log && !(why = parse_apps_vms(log, &runs[k][i * opt_vms], &some)))
				info("%s boot %d: every application measured%s",
				     bench_kernel_name(k), i + 1,
				     opt_vms > 1 ? " in every guest" : "");
			free(log);
			if (why) {
				boot_failed(l, SUITE_APPS, k, i + 1, why, serial);
				free(why);
				ret = 1;
			}
			free(serial);
			if (!some)
				return -1;
		}
	}
	return ret;
}

/* porttool rootfs's image of packages (built or cached) into *image; 0 or -1. */
static int build_rootfs(const struct line_run *l, const char *const *packages,
			char **image)
{
	struct strlist pkgs = { 0 };
	int ret;

	for (const char *const *p = packages; *p; p++)
		strlist_push(&pkgs, *p);
	ret = rootfs_build(l->ctx->project_dir, &pkgs, false, image);
	strlist_free(&pkgs);
	return ret;
}

/*
 * The root filesystem (built or cached), the host initramfs and the DTB;
 * the initramfs's path, or NULL.
 */
static char *prepare_apps(struct line_run *l)
{
	char *initrd = NULL;

	if (build_rootfs(l, rootfs_default_packages, &l->rootfs))
		return NULL;
	/* QEMU's -drive splits its value at commas. */
	if (strchr(l->rootfs, ',')) {
		error("the root filesystem's path %s has a comma, which QEMU's "
		      "-drive cannot take; set XDG_CACHE_HOME elsewhere", l->rootfs);
		return NULL;
	}
	initrd = prepare_initramfs(l, SUITE_APPS);
	if (initrd && prepare_dtb(l, initrd)) {
		free(initrd);
		initrd = NULL;
	}
	return initrd;
}

static int run_apps(struct line_run *l)
{
	struct apps_run *runs[BENCH_KERNELS];
	char *initrd = prepare_apps(l);
	int ret = -1;

	if (!initrd) {
		record_failure(l, SUITE_APPS, NULL, "could not prepare the root "
			       "filesystem or the host's initramfs (see porttool's "
			       "errors)", NULL);
		return -1;
	}
	for (int k = 0; k < BENCH_KERNELS; k++)
		runs[k] = xcalloc((size_t)(opt_reps * opt_vms), sizeof(struct apps_run));
	ret = boot_apps_runs(l, initrd, runs);
	if (ret >= 0 && report_apps(l, runs, opt_reps * opt_vms, "boot"))
		ret = -1;
	if (l->tables && ret >= 0)
		printf("serial logs: %s/apps-{sekvm,kvm}-N.log\n", l->dir);
	ret = ret ? -1 : 0;
	for (int k = 0; k < BENCH_KERNELS; k++) {
		apps_runs_release(runs[k], opt_reps * opt_vms);
		free(runs[k]);
	}
	free(initrd);
	return ret;
}

static int logs_reps(const char *dir, int suite);

static int from_logs_apps(struct line_run *l)
{
	struct apps_run *runs[BENCH_KERNELS] = { 0 };
	char *source = xasprintf("from-logs %s", opt_from_logs);
	int ret = -1, reps = logs_reps(opt_from_logs, SUITE_APPS);

	if (reps < 0)
		goto out;
	for (int k = 0; k < BENCH_KERNELS; k++)
		runs[k] = xcalloc((size_t)(reps * opt_vms), sizeof(struct apps_run));
	/* as boot_apps_runs: a log with some results still counts (1) */
	ret = 0;
	for (int k = 0; k < BENCH_KERNELS && ret >= 0; k++)
		for (int i = 0; i < reps && ret >= 0; i++) {
			char *path = log_path(opt_from_logs, SUITE_APPS, k, i + 1);
			char *log = read_file(path, NULL), *why = NULL;
			bool some = false;

			if (!log)
				error("cannot read %s: %s", path, strerror(errno));
			else if ((why = parse_apps_vms(log, &runs[k][i * opt_vms], &some)))
				error("%s: %s", path, why);
			if (!log || !some)
				ret = -1;
			else if (why)
				ret = 1;
			free(log);
			free(why);
			free(path);
		}
	if (ret >= 0 && report_apps(l, runs, reps * opt_vms, source))
		ret = -1;
	ret = ret ? -1 : 0;
out:
	for (int k = 0; k < BENCH_KERNELS; k++) {
		apps_runs_release(runs[k], reps * opt_vms);
		free(runs[k]);
	}
	free(source);
	return ret;
}

static int run_suite(struct line_run *l, int suite)
{
	struct bench_results res = { .version = l->p->version,
				     .reps = opt_reps * opt_vms, .vms = opt_vms };
	struct micro_run *micro[BENCH_KERNELS] = { 0 };
	char *initrd;
	int ret = -1;

	if (suite == SUITE_APPS)
		return run_apps(l);
	initrd = prepare_initramfs(l, suite);

	if (!initrd || prepare_dtb(l, initrd)) {
		record_failure(l, suite, NULL, "could not prepare the boot (see "
			       "porttool's errors)", NULL);
		free(initrd);
		return -1;
	}
	for (int k = 0; k < BENCH_KERNELS; k++) {
		res.runs[k] = xcalloc((size_t)res.reps, sizeof(struct bench_run));
		micro[k] = xcalloc((size_t)opt_reps, sizeof(struct micro_run));
	}
	if (suite == SUITE_GUEST) {
		if (boot_guest_runs(l, initrd, res.runs) == 0)
			ret = report_guest(l, &res, "boot");
	} else if (boot_micro_runs(l, initrd, micro) == 0) {
		ret = report_micro(l, micro, opt_reps, "boot");
	}
	if (l->tables && ret == 0)
		printf("serial logs: %s/%s{sekvm,kvm}-N.log\n", l->dir,
		       suite == SUITE_MICRO ? "micro-" : "");
	for (int k = 0; k < BENCH_KERNELS; k++) {
		free(res.runs[k]);
		free(micro[k]);
	}
	free(initrd);
	return ret;
}

static int run_line(struct line_run *l)
{
	int ret = 0;

	for (int s = SUITE_GUEST; s <= SUITE_APPS; s <<= 1) {
		if (!(suites & s))
			continue;
		if (run_suite(l, s))
			ret = -1;
		if (l->tables && suites == (SUITE_GUEST | SUITE_MICRO) && s == SUITE_GUEST)
			printf("\n");
	}
	return ret;
}

/* ---- kept logs ---- */

/* How many DIR/[micro-]KERNEL-N.log exist from N = 1 on. */
static int count_logs(const char *dir, int suite, enum bench_kernel k)
{
	int n = 0;

	for (;;) {
		char *path = log_path(dir, suite, k, n + 1);
		bool there = is_file(path);

		free(path);
		if (!there || n >= MAX_REPS)
			return n;
		n++;
	}
}

/* --from-logs: the number of runs is what DIR holds, the same for both. */
static int logs_reps(const char *dir, int suite)
{
	int n[BENCH_KERNELS];
	const char *pre = log_prefix(suite);

	if (!is_dir(dir)) {
		error("log directory %s does not exist", dir);
		return -1;
	}
	for (int k = 0; k < BENCH_KERNELS; k++)
		n[k] = count_logs(dir, suite, k);
	if (n[BENCH_SEKVM] == 0 || n[BENCH_SEKVM] != n[BENCH_KVM]) {
		error("%s holds %d %ssekvm-N.log and %d %skvm-N.log; the benchmark "
		      "needs the same number, at least one, of each",
		      dir, n[BENCH_SEKVM], pre, n[BENCH_KVM], pre);
		return -1;
	}
	return n[BENCH_SEKVM];
}

/* Read and judge DIR's log of kernel k, run i; 0 or -1 (error printed). */
static int read_one_log(const char *dir, int suite, enum bench_kernel k, int i,
			void *run)
{
	char *path = log_path(dir, suite, k, i + 1);
	char *log = read_file(path, NULL), *why;

	if (!log) {
		error("cannot read %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	why = suite == SUITE_MICRO ? micro_parse_log(log, k, run)
				   : parse_guest_log(log, k, i, run);
	free(log);
	if (why)
		error("%s: %s", path, why);
	free(why);
	free(path);
	return why ? -1 : 0;
}

static int from_logs_suite(struct line_run *l, int suite)
{
	struct bench_results res = { .version = l->p->version, .vms = opt_vms };
	struct micro_run *micro[BENCH_KERNELS] = { 0 };
	char *source = xasprintf("from-logs %s", opt_from_logs);
	int ret = -1, reps = logs_reps(opt_from_logs, suite);

	if (reps < 0)
		goto out;
	res.reps = reps * opt_vms;
	for (int k = 0; k < BENCH_KERNELS; k++) {
		res.runs[k] = xcalloc((size_t)res.reps, sizeof(struct bench_run));
		micro[k] = xcalloc((size_t)reps, sizeof(struct micro_run));
	}
	ret = 0;
	for (int k = 0; k < BENCH_KERNELS && !ret; k++)
		for (int i = 0; i < reps && !ret; i++)
			ret = read_one_log(opt_from_logs, suite, k, i,
					   suite == SUITE_MICRO ? (void *)&micro[k][i]
								: (void *)res.runs[k]);
	if (!ret)
		ret = suite == SUITE_MICRO ? report_micro(l, micro, reps, source)
					   : report_guest(l, &res, source);
out:
	for (int k = 0; k < BENCH_KERNELS; k++) {
		free(res.runs[k]);
		free(micro[k]);
	}
	free(source);
	return ret;
}

/* ---- options ---- */

static int parse_suite(const char *s)
{
	if (!s || !strcmp(s, "guest"))
		return SUITE_GUEST;
	if (!strcmp(s, "micro"))
		return SUITE_MICRO;
	if (!strcmp(s, "all"))
		return SUITE_GUEST | SUITE_MICRO;
	if (!strcmp(s, "apps"))
		return SUITE_APPS;
	usage_error(&bench_usage, "--suite is guest, micro, all or apps, not '%s'", s);
}

/* --apps A,... into apps_wanted: "redis" is both its GET and SET rows. */
static unsigned parse_apps(const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	unsigned w = 0;

	for (char *a = strtok_r(copy, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
		unsigned bits = 0;

		for (int i = 0; i < APP_BENCHES; i++)
			if (!strcmp(app_bench_info(i)->frame, a))
				bits |= 1u << i;
		if (!bits)
			usage_error(&bench_usage, "--apps: '%s' is none of apache, redis, "
				    "memcached, mysql, hackbench, kbuild", a);
		w |= bits;
	}
	free(copy);
	if (!w)
		usage_error(&bench_usage, "--apps names no workload");
	return w;
}

static void check_apps_usage(void)
{
	bool any = opt_apps != NULL;

	for (size_t i = 0; i < APP_PARAMS; i++) {
		int v = app_param_opt[i];

		if (v == UNSET)
			continue;
		any = true;
		if (v < 1 || v > app_params[i].max)
			usage_error(&bench_usage, "--%s needs a number from 1 to %d, not %d",
				    app_params[i].flag, app_params[i].max, v);
		app_params[i].value = v;
	}
	if (any && !(suites & SUITE_APPS))
		usage_error(&bench_usage, "--apps and the workloads' parameters go "
			    "with --suite apps");
	if (opt_apps)
		apps_wanted = parse_apps(opt_apps);
	if (opt_halt_poll_ns != UNSET && (opt_halt_poll_ns < 0 || !(suites & SUITE_APPS)))
		usage_error(&bench_usage, "--halt-poll-ns takes a number of ns, 0 or "
			    "more, with --suite apps");
	if (opt_client_timeout != UNSET && (opt_client_timeout < 1 || !(suites & SUITE_APPS)))
		usage_error(&bench_usage, "--client-timeout takes a number of seconds, 1 "
			    "or more, with --suite apps");
	if (opt_icount && !(suites & SUITE_APPS))
		usage_error(&bench_usage, "--icount goes with --suite apps (the micro "
			    "suite always runs under -icount)");
	if ((suites & SUITE_APPS) && opt_matrix)
		usage_error(&bench_usage, "--suite apps benches one line: give a version, "
			    "not --matrix");
}

static void check_usage(int n)
{
	suites = parse_suite(opt_suite);
	if (opt_target && (opt_matrix || opt_from_logs || opt_kvm_out || opt_json))
		usage_error(&bench_usage, "--target runs the suites on one board, whose "
			    "kernel is the column: it takes no --matrix, --from-logs, "
			    "--kvm-out or --json");
	/* QEMU's options: a board's clock is its own, its kernel booted already */
	if (opt_target && (opt_icount || opt_halt_poll_ns != UNSET))
		usage_error(&bench_usage, "--icount and --halt-poll-ns are the QEMU "
			    "host's; a board over --target has no QEMU and booted its "
			    "kernel already (set kvm.halt_poll_ns on its command line)");
	if (opt_ssh_config && !opt_target)
		usage_error(&bench_usage, "--ssh-config goes with --target");
	if (opt_matrix) {
		if (n != 0)
			usage_error(&bench_usage, "--matrix benches every line; give "
				    "--lines instead of a version");
		if (opt_from_logs || opt_sekvm_out || opt_kvm_out || opt_dir || opt_json)
			usage_error(&bench_usage, "--matrix uses porttool build's default "
				    "directories; it takes no --from-logs, --sekvm-out, "
				    "--kvm-out, --dir or --json");
	} else {
		if (n != 1)
			usage_error(&bench_usage, n ? "too many arguments" :
				    "which version? e.g. 'porttool bench 5.10'");
		if (opt_lines || opt_boards)
			usage_error(&bench_usage, "--lines and --boards go with --matrix");
	}
	if (opt_from_logs && (opt_sekvm_out || opt_kvm_out || opt_dir || opt_verbose ||
			      opt_reps != UNSET || opt_timeout != UNSET ||
			      opt_iters != UNSET || opt_icount ||
			      opt_halt_poll_ns != UNSET || opt_client_timeout != UNSET))
		usage_error(&bench_usage, "--from-logs boots nothing; it takes only "
			    "--json, --suite, --vms and --db");
	if (opt_json && (suites & SUITE_APPS))
		usage_error(&bench_usage, "--json writes the guest suite's results; "
			    "--suite apps has none");
	if (opt_json && !(suites & SUITE_GUEST))
		usage_error(&bench_usage, "--json writes the guest suite's results; "
			    "--suite micro has none");
	check_apps_usage();
	if (opt_reps == UNSET)
		opt_reps = DEFAULT_REPS;
	else if (opt_reps < 1 || opt_reps > MAX_REPS)
		usage_error(&bench_usage, "--reps needs a number from 1 to %d, not %d",
			    MAX_REPS, opt_reps);
	if (opt_iters == UNSET)
		opt_iters = DEFAULT_ITERS;
	else if (opt_iters < 1 || opt_iters > MAX_ITERS)
		usage_error(&bench_usage, "--iters needs a number from 1 to %d, not %d",
			    MAX_ITERS, opt_iters);
	if (opt_vms == UNSET)
		opt_vms = 1;
	else if (opt_vms < 1 || opt_vms > MAX_VMS)
		usage_error(&bench_usage, "--vms needs a number from 1 to %d (guests of "
			    "128 MiB in the 2 GiB QEMU host), not %d", MAX_VMS, opt_vms);
	else if (opt_vms > MAX_APPS_VMS && (suites & SUITE_APPS))
		usage_error(&bench_usage, "--vms: --suite apps runs at most %d guests at "
			    "once (%d MiB each in the 2 GiB QEMU host), not %d",
			    MAX_APPS_VMS, 160, opt_vms);
	else if (opt_vms > 1 && (suites & SUITE_MICRO))
		usage_error(&bench_usage, "--vms runs the guest suite's guests at once; "
			    "the micro suite measures one guest alone (--suite guest)");
	/* N guests share the host's 2 CPUs: each takes about N times as long */
	if (opt_timeout == UNSET)
		opt_timeout = (suites & SUITE_APPS ? DEFAULT_APPS_TIMEOUT_S
			       : DEFAULT_TIMEOUT_S) * opt_vms;
	else if (opt_timeout <= 0)
		usage_error(&bench_usage, "--timeout needs a positive number of seconds");
	if (opt_client_timeout == UNSET)
		opt_client_timeout = opt_timeout / 6 > 0 ? opt_timeout / 6 : 1;
}

static int suite_count(void)
{
	return !!(suites & SUITE_GUEST) + !!(suites & SUITE_MICRO) +
	       !!(suites & SUITE_APPS);
}

static struct bench_db *open_db(void)
{
	char *path = opt_db ? xstrdup(opt_db) : bench_db_default_path();
	struct bench_db *db = bench_db_open(path, true);

	free(path);
	return db;
}

/* ---- on a board, over ssh (--target, bench_ssh.c) ---- */

/*
 * One run there: the bundle's init, its output as rep's log; the log
 * parsed into run (micro, apps: rep's first guest) or guest_runs.  0, or
 * after saying why (and recording it) -1, or 1 for an apps run that
 * measured something (the runs go on, as boot_apps_runs's).
 */
static int target_run_once(const struct line_run *l, int suite, int rep,
			   const char *cmdline, void *run, struct bench_run *guest_runs)
{
	enum bench_kernel k = l->board_info.kernel;
	char *serial = log_path(l->dir, suite, k, rep), *log = NULL, *why = NULL;
	char *what = xasprintf("v%s on %s %s, %s run %d of %d", l->p->version,
			       l->target->url, suite_name(suite),
			       bench_kernel_name(k), rep, opt_reps);
	bool some = false;
	int ret = -1;

	progress_boot(what);
	if (board_run(l->target, cmdline, opt_timeout, serial, opt_verbose))
		why = xstrdup("ssh could not run the suite there");
	else if (!(log = read_file(serial, NULL)))
		why = xasprintf("cannot read the log: %s", strerror(errno));
	else if (suite == SUITE_APPS)
		why = parse_apps_vms(log, run, &some);
	else
		why = suite == SUITE_MICRO ? micro_parse_log(log, k, run)
					   : parse_guest_log(log, k, rep - 1, guest_runs);
	if (why) {
		boot_failed(l, suite, k, rep, why, serial);
		ret = some ? 1 : -1;
	} else {
		info("%s run %d on %s: every %s measured", bench_kernel_name(k), rep,
		     l->target->url, suite == SUITE_MICRO ? "operation"
				     : suite == SUITE_APPS ? "application" : "workload");
		ret = 0;
	}
	free(what);
	free(why);
	free(log);
	free(serial);
	return ret;
}

/*
 * Copy in to the open gzFile out, in chunks: the image is hundreds of
 * MiB, so it is never read whole.  0 or -1 (a read or a write failed).
 */
static int gz_copy(FILE *in, gzFile out)
{
	enum { CHUNK = 1 << 20 };
	char *buf = xmalloc(CHUNK);
	size_t n;
	int ret = 0;

	while (!ret && (n = fread(buf, 1, CHUNK, in)) > 0)
		if (gzwrite(out, buf, (unsigned)n) != (int)n)
			ret = -1;
	if (ferror(in))
		ret = -1;
	free(buf);
	return ret;
}

/*
 * image gzipped at level 1 as gz (zlib, which porttool links already;
 * through gz.part, so that a gz there is whole), kept: the image's name
 * is its contents' hash.  0 or -1.
 */
static int gzip_once(const char *image, const char *gz)
{
	char *part = xasprintf("%s.part", gz);
	FILE *in = NULL;
	gzFile out = NULL;
	int ret = -1;

	if (is_file(gz)) {
		ret = 0;
	} else if (!(in = fopen(image, "rb"))) {
		error("cannot read %s: %s", image, strerror(errno));
	} else if (!(out = gzopen(part, "wb1"))) {
		error("cannot write %s: %s", part, strerror(errno));
	} else if (gz_copy(in, out) | (gzclose(out) != Z_OK)) {	/* | : closed either way */
		error("could not compress %s into %s", image, part);
	} else if (rename(part, gz)) {
		error("cannot move %s to %s: %s", part, gz, strerror(errno));
	} else {
		ret = 0;
	}
	if (in)
		fclose(in);
	if (ret)
		unlink(part);
	free(part);
	return ret;
}

/*
 * What a board's apps suite needs besides the bundle's usual files: the
 * servers' image (porttool rootfs's, the guest's disk), gzipped for the
 * upload, and the client programs' tree (rootfs_client_packages' image
 * unpacked; the bundle carries it as clients/).  The .gz's path, or NULL.
 */
static char *prepare_board_apps(struct line_run *l)
{
	char *clients_image = NULL, *gz = NULL, *base;

	if (build_rootfs(l, rootfs_default_packages, &l->rootfs) ||
	    build_rootfs(l, rootfs_client_packages, &clients_image))
		goto out;
	l->clients = xasprintf("%s/apps-clients", l->dir);
	if (rootfs_extract(clients_image, l->clients))
		goto out;
	base = strrchr(l->rootfs, '/');
	gz = xasprintf("%s/%s.gz", l->dir, base ? base + 1 : l->rootfs);
	if (gzip_once(l->rootfs, gz)) {
		free(gz);
		gz = NULL;
	}
out:
	free(clients_image);
	return gz;
}

/*
 * Before the image goes (minutes on a slow link), the bundle's own script
 * says whether the board can run the guests and the clients
 * (apps-host-init.sh's apps.check=1: root, /dev/kvm, /dev/net/tun, the
 * taps' names and networks free); what it lacks is an error naming it.
 * NULL, or why not for the database (allocated).
 */
static char *target_apps_check(const struct line_run *l)
{
	const char *url = l->target->url;
	char *path = xasprintf("%s/apps-check.log", l->dir), *log = NULL, *why = NULL;

	/* board_run says why it could not run */
	if (board_run(l->target, "apps.check=1", 300, path, opt_verbose))
		why = xstrdup("ssh could not run the apps suite's check there");
	else if (!(log = read_file(path, NULL)))
		why = xasprintf("cannot read %s: %s", path, strerror(errno));
	else if ((why = apps_host_error(log)))
		;
	else if (!strstr(log, "PORTTOOL-BENCH: apps-check: "))
		why = xasprintf("the apps suite's check there did not finish (log %s)", path);
	if (why && log)
		error("%s cannot run the apps suite: %s (log %s)", url, why, path);
	else if (why && !strstr(why, "ssh could not"))
		error("%s", why);
	free(path);
	free(log);
	return why;
}

/*
 * The bundle there (and the apps suite's image): NULL, or why not for the
 * database after an error (allocated).
 */
static char *target_upload(struct line_run *l, int suite)
{
	char *gz = suite == SUITE_APPS ? prepare_board_apps(l) : NULL;
	char *bundle = suite != SUITE_APPS || gz ? prepare_initramfs(l, suite) : NULL;
	char *why = NULL;

	if (!bundle || board_upload(l->target, bundle))
		why = xstrdup("could not prepare the board (see porttool's errors)");
	else if (suite == SUITE_APPS && (why = target_apps_check(l)))
		;	/* said */
	else if (gz) {
		info("%s: sending the root filesystem %s (%s)", l->target->url,
		     l->rootfs, gz);
		if (board_send_gz(l->target, gz, "guest/rootfs.img"))
			why = xstrdup("could not send the root filesystem (see "
				      "porttool's errors)");
	}
	free(gz);
	free(bundle);
	return why;
}

/*
 * A suite on the board: its bundle unpacked there, --reps runs, one
 * column.  Both columns of the result arrays point at the board kernel's
 * runs, so that the checks that every run did the same work compare that
 * kernel's runs with each other; only its rows are stored.
 */
static int target_suite(struct line_run *l, int suite)
{
	enum bench_kernel k = l->board_info.kernel;
	struct bench_run *guest = xcalloc((size_t)(opt_reps * opt_vms), sizeof(*guest));
	struct micro_run *micro = xcalloc((size_t)opt_reps, sizeof(*micro));
	struct apps_run *apps = suite == SUITE_APPS
		? xcalloc((size_t)(opt_reps * opt_vms), sizeof(*apps)) : NULL;
	struct bench_results res = { .version = l->p->version,
				     .reps = opt_reps * opt_vms, .vms = opt_vms,
				     .runs = { guest, guest } };
	struct micro_run *mruns[BENCH_KERNELS] = { micro, micro };
	struct apps_run *aruns[BENCH_KERNELS] = { apps, apps };
	char *cmdline = suite == SUITE_MICRO ? xasprintf("micro.iters=%d", opt_iters)
		      : suite == SUITE_APPS ? apps_cmdline(l) : xstrdup("");
	char *why = target_upload(l, suite);
	int ret = -1, worst = 0;

	if (why) {
		record_failure(l, suite, bench_kernel_name(k), why, NULL);
		free(why);
		goto out;
	}
	for (int i = 0; i < opt_reps && worst >= 0; i++) {
		void *run = suite == SUITE_APPS ? (void *)&apps[i * opt_vms]
						: (void *)&micro[i];
		int r = target_run_once(l, suite, i + 1, cmdline, run, guest);

		worst = r < 0 ? r : worst ? worst : r;
	}
	ret = worst;
	if (ret >= 0)
		ret = (suite == SUITE_MICRO ? report_micro(l, mruns, opt_reps, "ssh")
		       : suite == SUITE_APPS ? report_apps(l, aruns, opt_reps * opt_vms, "ssh")
		       : report_guest(l, &res, "ssh")) ? -1 : ret;
	if (l->tables && !ret)
		printf("logs: %s/%s%s-N.log\n", l->dir, log_prefix(suite),
		       bench_kernel_name(k));
	ret = ret ? -1 : 0;
out:
	free(guest);
	free(micro);
	apps_runs_release(apps, opt_reps * opt_vms);
	free(apps);
	free(cmdline);
	return ret;
}

/* The logs' directory by default: <cache>/bench/target-HOST[-PORT]. */
static char *target_dir(const struct ssh_target *t)
{
	char *cache = cache_dir(), *dir;

	dir = t->port ? xasprintf("%s/bench/target-%s-%d", cache, t->host, t->port)
		      : xasprintf("%s/bench/target-%s", cache, t->host);
	for (char *c = dir + strlen(cache); *c; c++)
		if (*c == ':')
			*c = '_';	/* an IPv6 address */
	free(cache);
	return dir;
}

static int bench_target(struct line_run *l)
{
	struct ssh_target t;
	char *why = ssh_target_parse(opt_target, &t), *busybox = NULL, *id;
	int ret = -1;

	if (why) {
		error("--target %s", why);
		free(why);
		return -1;
	}
	t.config = opt_ssh_config;
	/* one directory per run: two runs on one board do not mix */
	id = xstrdup(l->run_id);
	for (char *c = id; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-')
			*c = '-';
	t.dir = xasprintf("/tmp/porttool-bench-%s", id);
	free(id);
	l->target = &t;
	l->board = t.url;
	l->dir = opt_dir ? xstrdup(opt_dir) : target_dir(&t);
	/* only the guest and apps suites need a build here: its Image is the guest */
	l->out[BENCH_SEKVM] = opt_sekvm_out ? xstrdup(opt_sekvm_out)
					    : default_build_dir(l->p, "qemu", false);
	l->image[BENCH_SEKVM] = xasprintf("%s/arch/arm64/boot/Image", l->out[BENCH_SEKVM]);
	if ((suites & (SUITE_GUEST | SUITE_APPS)) && !is_file(l->image[BENCH_SEKVM])) {
		error("no SeKVM kernel at %s for the %s suite's guest; run "
		      "'porttool build %s' first (or give --sekvm-out DIR)",
		      l->image[BENCH_SEKVM], suites & SUITE_APPS ? "apps" : "guest",
		      l->p->version);
		goto out;
	}
	if (!(suites & (SUITE_GUEST | SUITE_APPS)) && !opt_sekvm_out) {
		/* no build named: the database gets no build's commits */
		free(l->out[BENCH_SEKVM]);
		l->out[BENCH_SEKVM] = NULL;
	}
	if (mkdir_p(l->dir)) {
		error("cannot create %s: %s", l->dir, strerror(errno));
		goto out;
	}
	if (fetch_arm64_busybox(&busybox))
		goto out;
	switch (board_probe(&t, busybox, l->p->version, &l->board_info)) {
	case 0:
		break;
	case 1:
		goto cleanup;	/* it answered: take our directory away */
	default:
		goto out;
	}
	info("%s: Linux %s, %s: %s", t.url, l->board_info.release,
	     l->board_info.kernel == BENCH_SEKVM ? "SeKVM" : "stock KVM",
	     l->board_info.evidence);
	if (!(l->db = open_db()))
		goto cleanup;
	progress.total = opt_reps * suite_count();
	progress.t0 = now_s();
	progress.noun = "run";
	ret = 0;
	for (int s = SUITE_GUEST; s <= SUITE_APPS; s <<= 1) {
		if (!(suites & s))
			continue;
		if (target_suite(l, s))
			ret = -1;
		if (suites == (SUITE_GUEST | SUITE_MICRO) && s == SUITE_GUEST)
			printf("\n");
	}
cleanup:
	board_cleanup(&t);
out:
	free(busybox);
	l->target = NULL;
	l->board = NULL;
	ssh_target_free(&t);
	return ret;
}

/* ---- porttool bench VER ---- */

static int bench_one(struct porttool_ctx *ctx, const char *ver)
{
	struct line_run l = { .ctx = ctx, .board = "qemu", .tables = true };
	struct port *p = port_load(ctx, ver);
	char *run_id = bench_run_id();
	int ret = EXIT_FAIL;

	if (!p || !port_board_or_error(p, "qemu"))
		goto out;
	l.p = p;
	l.run_id = run_id;
	if (opt_from_logs) {
		l.out[BENCH_SEKVM] = NULL;
		if (!(l.db = open_db()))
			goto out;
		ret = EXIT_OK;
		for (int s = SUITE_GUEST; s <= SUITE_APPS; s <<= 1)
			if ((suites & s) && (s == SUITE_APPS ? from_logs_apps(&l)
							   : from_logs_suite(&l, s)))
				ret = EXIT_FAIL;
		goto out;
	}
	if (opt_target) {
		ret = bench_target(&l) ? EXIT_FAIL : EXIT_OK;
		goto out;
	}
	line_paths(&l, opt_sekvm_out, opt_kvm_out);
	if (check_images(&l) || !(l.db = open_db()))
		goto out;
	progress.total = opt_reps * BENCH_KERNELS * suite_count();
	progress.t0 = now_s();
	ret = run_line(&l) ? EXIT_FAIL : EXIT_OK;
out:
	bench_db_close(l.db);
	line_free(&l);
	port_free(p);
	free(run_id);
	return ret;
}

/* ---- porttool bench --matrix ---- */

static void split_list(const char *s, struct strlist *out)
{
	char *copy = xstrdup(s), *save = NULL;

	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
		strlist_push(out, t);
	free(copy);
}

/*
 * Why a line's board cannot be benched here, or NULL when both builds
 * are there (allocated).
 */
static char *not_ready(struct line_run *l)
{
	int k;

	if (!port_find_board(l->p, l->board))
		return xasprintf("no board %s in ports/v%s/port.conf", l->board,
				 l->p->version);
	if (strcmp(l->board, "qemu"))
		return xasprintf("board %s is build-only here (QEMU boots qemu)",
				 l->board);
	if (!l->p->npatches)
		return xasprintf("no port yet (ports/v%s has no series)", l->p->version);
	k = missing_image(l);
	if (k >= 0)
		return xasprintf("not built: no %s kernel at %s (porttool build %s%s)",
				 k == BENCH_SEKVM ? "SeKVM" : "stock-KVM", l->image[k],
				 l->p->version, k == BENCH_KVM ? " --kvm" : "");
	return NULL;
}

struct matrix_line {
	struct line_run l;
	struct port *p;
	char *why;
};

static int load_matrix_lines(struct porttool_ctx *ctx, struct bench_db *db,
			     const char *run_id, struct matrix_line **out, size_t *n)
{
	struct strlist lines = { 0 }, boards = { 0 };
	int ret = 0;

	*out = NULL;
	*n = 0;
	if (opt_lines)
		split_list(opt_lines, &lines);
	else if (ports_list(ctx->ports_dir, &lines))
		return -1;
	split_list(opt_boards ? opt_boards : "qemu", &boards);
	if (!lines.n || !boards.n) {
		error("--lines and --boards need at least one name each");
		ret = -1;
	}
	for (size_t i = 0; i < lines.n && !ret; i++) {
		struct port *p = port_load(ctx, lines.items[i]);

		if (!p) {
			ret = -1;	/* port_load said why */
			break;
		}
		for (size_t b = 0; b < boards.n; b++) {
			struct matrix_line *m;

			*out = xrealloc(*out, (*n + 1) * sizeof(**out));
			m = &(*out)[(*n)++];
			memset(m, 0, sizeof(*m));
			m->p = b == 0 ? p : NULL;	/* freed once */
			m->l = (struct line_run){ .ctx = ctx, .p = p, .db = db,
						  .board = xstrdup(boards.items[b]),
						  .run_id = run_id };
			line_paths(&m->l, NULL, NULL);
			m->why = not_ready(&m->l);
		}
	}
	strlist_free(&lines);
	strlist_free(&boards);
	return ret;
}

static void free_matrix_lines(struct matrix_line *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)m[i].l.board);
		line_free(&m[i].l);
		free(m[i].why);
	}
	for (size_t i = 0; i < n; i++)
		if (m[i].p)
			port_free(m[i].p);
	free(m);
}

/* This run's matrix, read back from the database. */
static int print_run_matrix(struct bench_db *db, const char *run_id)
{
	struct bench_data d;
	struct matrix m;

	if (bench_db_load(db, &d))
		return -1;
	bench_matrix_build(&d, run_id, &m);
	printf("bench matrix: SeKVM vs stock KVM, %d boot%s of each kernel per line "
	       "and suite\n", opt_reps, opt_reps == 1 ? "" : "s");
	bench_matrix_print(stdout, &m);
	bench_matrix_free(&m);
	bench_data_free(&d);
	return 0;
}

static int bench_matrix(struct porttool_ctx *ctx)
{
	struct bench_db *db = open_db();
	char *run_id = bench_run_id();
	struct matrix_line *lines = NULL;
	size_t n = 0;
	int ret = EXIT_FAIL, ready = 0;

	if (!db || load_matrix_lines(ctx, db, run_id, &lines, &n))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!lines[i].why) {
			ready++;
			continue;
		}
		info("v%s %s: %s", lines[i].l.p->version, lines[i].l.board, lines[i].why);
		for (int s = SUITE_GUEST; s <= SUITE_MICRO; s <<= 1)
			if (suites & s)
				record_failure(&lines[i].l, s, NULL, lines[i].why, NULL);
	}
	progress.total = ready * opt_reps * BENCH_KERNELS * suite_count();
	progress.t0 = now_s();
	ret = EXIT_OK;
	for (size_t i = 0; i < n; i++)
		if (!lines[i].why && run_line(&lines[i].l))
			ret = EXIT_FAIL;
	if (print_run_matrix(db, run_id))
		ret = EXIT_FAIL;
out:
	free_matrix_lines(lines, n);
	bench_db_close(db);
	free(run_id);
	return ret;
}

int cmd_bench(struct porttool_ctx *ctx, int argc, char **argv)
{
	check_usage(parse_options(argc, argv, &bench_usage));
	return opt_matrix ? bench_matrix(ctx) : bench_one(ctx, argv[1]);
}
