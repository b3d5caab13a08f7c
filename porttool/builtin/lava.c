// SPDX-License-Identifier: GPL-2.0
/*
 * porttool lava VER [--board qemu|pi4b|m400] [--suite boot|guest|micro]
 *                   [--kvm] [--build-dir DIR] [--out DIR] [--url-base URL]
 *                   [--device-type NAME] [--initrd FILE] [--timeout MIN]
 * porttool lava --results FILE-OR-DIR [--db FILE]
 *
 * LAVA (the board farm engine KernelCI runs on) boots a build on a board
 * and reports test cases.  The first form writes a job that boots VER's
 * build with what 'porttool boot' (suite boot) or 'porttool bench'
 * (suites guest, micro) boots, and turns what that initramfs prints into
 * LAVA test cases with "monitors": no shell on the console is needed,
 * the same job shape works on QEMU and on a board that only has u-boot.
 *
 *  - qemu: deploy to tmpfs, boot method qemu; porttool also writes the
 *    device configuration (the rendered form of LAVA's qemu device type
 *    with porttool boot's machine), so that 'lava-run' runs the job on
 *    this machine without a server;
 *  - pi4b: device type bcm2711-rpi-4-b; m400: device type mustang (the
 *    X-Gene u-boot device type LAVA ships; the m400 is an X-Gene board
 *    booted by u-boot): deploy to tftp (kernel, ramdisk, dtb), boot
 *    method u-boot, commands ramdisk.
 *
 * The kernel, initramfs and DTB are copied next to the job so that the
 * directory can be published as is; the job's URLs point at --url-base
 * (file:// of the directory by default, what lava-run reads).
 *
 * The second form reads LAVA's results (lava_results.c) into the results
 * database of 'porttool bench': each measurement a row, each failed case
 * a failure row.
 */
#include "builtin.h"
#include "bench_db.h"
#include "kbuild.h"
#include "lava.h"
#include "qemu.h"
#include "tempdir.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* porttool boot's and bench's kernel command line (builtin/boot.c) */
#define QEMU_APPEND "console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1 rdinit=/init"
/* what the board's device type does not give: the initramfs's /init */
#define BOARD_ARGS "rdinit=/init panic=-1"
#define LAVA_FLAG "porttool.lava"
#define MICRO_ITERS 65536
/*
 * A SeKVM boot suite runs in 16-20 s under 'porttool boot' and in about
 * 70 s under lava-run here (2 cores, shared); nested TCG on a loaded
 * machine is many times slower, hence 60 minutes.
 */
#define DEFAULT_TIMEOUT_MIN 60

static const char *opt_board = "qemu", *opt_suite = "boot", *opt_build_dir,
	*opt_out, *opt_url_base, *opt_device_type, *opt_initrd, *opt_results,
	*opt_db;
static bool opt_kvm;
static int opt_timeout = INT_MIN;

static const struct option lava_options[] = {
	{ OPT_STRING, "board", &opt_board, "B", "qemu (default), pi4b or m400" },
	{ OPT_STRING, "suite", &opt_suite, "S", "boot (default), guest or micro" },
	{ OPT_BOOL, "kvm", &opt_kvm, NULL, "the stock-KVM build (build --kvm)" },
	{ OPT_STRING, "build-dir", &opt_build_dir, "DIR", "the build (default: build's default)" },
	{ OPT_STRING, "out", &opt_out, "DIR", "where the job goes (default: BUILD-DIR/lava-SUITE)" },
	{ OPT_STRING, "url-base", &opt_url_base, "URL",
	  "where the lab fetches OUT's files (default: file://OUT)" },
	{ OPT_STRING, "device-type", &opt_device_type, "NAME",
	  "LAVA device type (default: qemu, bcm2711-rpi-4-b, mustang)" },
	{ OPT_STRING, "initrd", &opt_initrd, "FILE",
	  "guest, micro: porttool bench's host initramfs (default: the SeKVM build's bench/)" },
	{ OPT_INT, "timeout", &opt_timeout, "MIN", "the job's timeout in minutes (default: 60)" },
	{ OPT_STRING, "results", &opt_results, "PATH",
	  "read LAVA's results (a job log or results file, or a directory with lava.log)" },
	{ OPT_STRING, "db", &opt_db, "FILE",
	  "--results: the database (default: ~/.cache/porttool/bench/results.sqlite)" },
	{ OPT_END },
};

static const struct usage lava_usage = {
	.synopsis = "porttool lava VER [--board qemu|pi4b|m400] [--suite boot|guest|micro] [--kvm]\n"
		    "                  [--build-dir DIR] [--out DIR] [--url-base URL]\n"
		    "                  [--device-type NAME] [--initrd FILE] [--timeout MIN]\n"
		    "       porttool lava --results FILE-OR-DIR [--db FILE]",
	.description =
		"Write a LAVA job that boots VER's build for the board and runs a suite, each\n"
		"check a LAVA test case (monitors: no shell on the console needed).\n"
		"boot: most of 'porttool boot''s checks, judged on the device (the guest, the host's\n"
		"attacks, the refused images, the bare-metal guest), and how long it took;\n"
		"guest, micro: the workloads of 'porttool bench' as measurements (ns, ticks),\n"
		"from the host initramfs porttool bench made.\n"
		"Writes OUT/job.yaml with OUT/Image, OUT/initramfs.cpio (and the board's DTB);\n"
		"for qemu also OUT/device.yaml, the device lava-run needs:\n"
		"  lava-run --job-id 1 --output-dir OUT/run --device OUT/device.yaml \\\n"
		"           OUT/job.yaml 2>OUT/lava.log\n"
		"pi4b and m400 jobs deploy by tftp and boot with u-boot (LAVA's device types\n"
		"bcm2711-rpi-4-b and mustang); --url-base names where the lab fetches OUT.\n"
		"--results reads lava-run's log (its stderr), a server's job log (output.yaml)\n"
		"or its results export, or DIR/lava.log, into porttool bench's database: each\n"
		"measurement a row, each failed case a failure.  Exit 1 when the job or a case\n"
		"failed.",
	.opts = lava_options,
};

/* ---- YAML out ---- */

/* A YAML double-quoted scalar: any string, no surprise typing. */
static void yq(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* A regular expression as a YAML single-quoted scalar (no escapes). */
static void yre(FILE *f, const char *re)
{
	fputc('\'', f);
	for (; *re; re++) {
		if (*re == '\'')
			fputc('\'', f);
		fputc(*re, f);
	}
	fputc('\'', f);
}

/* ---- what a job needs ---- */

struct lava_job {
	const struct port *p;
	const struct board *b;
	const char *build, *out;
	char *image, *initrd, *dtb;	/* in out, or dtb NULL (qemu) */
	char *url_base;			/* no trailing slash */
	char *definition;		/* porttool_LINE_BOARD_HV_SUITE */
	const char *device_type;
};

static bool is_qemu(const struct lava_job *j)
{
	return !strcmp(j->b->name, "qemu");
}

static const char *board_device_type(const char *board)
{
	if (!strcmp(board, "qemu"))
		return "qemu";
	if (!strcmp(board, "pi4b"))
		return "bcm2711-rpi-4-b";
	if (!strcmp(board, "m400"))
		return "mustang";
	return NULL;
}

/* Copy src to dst (the job's directory); 0 or -1 after saying why. */
static int copy_into(const char *src, const char *dst)
{
	if (!copy_file(src, dst))
		return 0;
	error("cannot copy %s to %s: %s", src, dst, strerror(errno));
	return -1;
}

static char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return xstrdup(s ? s + 1 : path);
}

static char *url_of(const struct lava_job *j, const char *path)
{
	char *name = base_name(path);
	char *url = xasprintf("%s/%s", j->url_base, name);

	free(name);
	return url;
}

/* The bench suites' host initramfs, which porttool bench made. */
static char *bench_initrd(const struct lava_job *j)
{
	char *sekvm_build, *path;

	if (opt_initrd)
		return xstrdup(opt_initrd);
	/* bench keeps it under the SeKVM build; both kernels boot it */
	sekvm_build = opt_kvm ? default_build_dir(j->p, j->b->name, false)
			      : xstrdup(j->build);
	path = xasprintf("%s/bench/%s-initramfs.cpio", sekvm_build, opt_suite);
	free(sekvm_build);
	return path;
}

/* The initramfs into out: boot's made fresh, bench's copied. */
static int job_initrd(const struct porttool_ctx *ctx, struct lava_job *j,
		      const char *build_image)
{
	char *src;
	int ret;

	j->initrd = xasprintf("%s/initramfs.cpio", j->out);
	if (!strcmp(opt_suite, "boot")) {
		/*
		 * Made in a directory that goes away after: it holds the
		 * VM's private signing key, which must not be published
		 * with the job's files.
		 */
		char *made = NULL, *dir = temp_dir_next_to(j->initrd);

		if (!dir)
			return -1;
		ret = boot_make_initramfs(ctx, build_image, dir, !opt_kvm, &made);
		if (!ret && rename(made, j->initrd)) {
			error("cannot move %s to %s: %s", made, j->initrd,
			      strerror(errno));
			ret = -1;
		}
		if (remove_tree(dir))
			ret = -1;
		free(made);
		free(dir);
		return ret;
	}
	src = bench_initrd(j);
	if (!is_file(src)) {
		error("no %s initramfs at %s; run 'porttool bench %s --suite %s' "
		      "once to make it, or name it with --initrd", opt_suite, src,
		      j->p->version, opt_suite);
		free(src);
		return -1;
	}
	ret = copy_into(src, j->initrd);
	free(src);
	return ret;
}

/* Kernel, initramfs and DTB into out; -1 after saying what is missing. */
static int job_files(const struct porttool_ctx *ctx, struct lava_job *j)
{
	char *image = xasprintf("%s/arch/arm64/boot/Image", j->build);
	char *dtb = board_dtb_path(j->b, j->build);
	int ret = -1;

	if (!is_file(image)) {
		error("no kernel at %s; run 'porttool build %s --board %s%s' first",
		      image, j->p->version, j->b->name, opt_kvm ? " --kvm" : "");
		goto out;
	}
	if (dtb && !is_file(dtb)) {
		error("no DTB at %s; run 'porttool build %s --board %s%s' first",
		      dtb, j->p->version, j->b->name, opt_kvm ? " --kvm" : "");
		goto out;
	}
	if (mkdir_p(j->out)) {
		error("cannot create %s: %s", j->out, strerror(errno));
		goto out;
	}
	j->image = xasprintf("%s/Image", j->out);
	if (copy_into(image, j->image) || job_initrd(ctx, j, image))
		goto out;
	if (dtb) {
		j->dtb = xasprintf("%s/%s", j->out, strrchr(dtb, '/') + 1);
		if (copy_into(dtb, j->dtb))
			goto out;
	}
	ret = 0;
out:
	free(image);
	free(dtb);
	return ret;
}

/* ---- the job ---- */

/* Each suite's monitors: what the initramfs prints, as LAVA test cases. */
struct monitor {
	const char *start, *end, *pattern;
};

/*
 * The serial lines reach LAVA as "...\r\r\n" (QEMU's and the pty's line
 * ends), so a pattern ends on [\r\n], never on "\r?\n", and none ends on
 * an open-ended group: pexpect may match a line that is still arriving.
 */
static const struct monitor boot_monitors[] = {
	{ "PORTTOOL-LAVA: checks begin", "PORTTOOL-LAVA: checks end",
	  "PORTTOOL-LAVA-CASE: (?P<test_case_id>[A-Za-z0-9_./-]+) "
	  "result=(?P<result>pass|fail)" },
	{ "PORTTOOL-LAVA: figures begin", "PORTTOOL-LAVA: figures end",
	  "PORTTOOL-LAVA-CASE: (?P<test_case_id>[A-Za-z0-9_./-]+) "
	  "measurement=(?P<measurement>[0-9.]+) units=(?P<units>[A-Za-z/%]+)[\\r\\n]" },
	{ NULL, NULL, NULL },
};

/* qemu/bench/guest-bench.c: "BENCH-RESULT name=N ns=V size=S" */
static const struct monitor guest_monitors[] = {
	{ "PORTTOOL-BENCH: vmm start", "PORTTOOL-BENCH: done",
	  "BENCH-RESULT name=(?P<test_case_id>[a-z0-9_-]+) "
	  "(?P<units>ns)=(?P<measurement>[0-9]+) " },
	{ NULL, NULL, NULL },
};

/* qemu/bench/micro/micro.c: "MICRO-RESULT name=N iters=I ticks=T" */
static const struct monitor micro_monitors[] = {
	{ "PORTTOOL-BENCH: vmm start", "PORTTOOL-BENCH: done",
	  "MICRO-RESULT name=(?P<test_case_id>[a-z0-9_-]+) iters=[0-9]+ "
	  "(?P<units>ticks)=(?P<measurement>[0-9]+)[\\r\\n]" },
	{ NULL, NULL, NULL },
};

static const struct monitor *suite_monitors(void)
{
	if (!strcmp(opt_suite, "boot"))
		return boot_monitors;
	if (!strcmp(opt_suite, "guest"))
		return guest_monitors;
	if (!strcmp(opt_suite, "micro"))
		return micro_monitors;
	return NULL;
}

/* What the kernel command line adds for the suite. */
static char *suite_args(void)
{
	if (!strcmp(opt_suite, "boot"))
		return xstrdup(LAVA_FLAG);
	if (!strcmp(opt_suite, "micro"))
		return xasprintf("micro.iters=%d", MICRO_ITERS);
	return xstrdup("");
}

static void write_header(FILE *f, const struct lava_job *j)
{
	fprintf(f, "# LAVA job written by 'porttool lava %s --board %s --suite %s%s'.\n",
		j->p->version, j->b->name, opt_suite, opt_kvm ? " --kvm" : "");
	fprintf(f, "job_name: ");
	yq(f, j->definition);
	fprintf(f, "\ndevice_type: ");
	yq(f, j->device_type);
	/*
	 * A monitor waits for its start string under the connection
	 * timeout, and the boot suite prints it only after the whole boot:
	 * the connection gets the suite's time too.
	 */
	fprintf(f, "\nvisibility: public\npriority: medium\n"
		"timeouts:\n  job: {minutes: %d}\n  action: {minutes: %d}\n"
		"  connection: {minutes: %d}\n", opt_timeout, opt_timeout, opt_timeout);
	fprintf(f, "metadata:\n  porttool.line: ");
	yq(f, j->p->version);
	fprintf(f, "\n  porttool.board: ");
	yq(f, j->b->name);
	fprintf(f, "\n  porttool.hypervisor: %s\n  porttool.suite: ",
		opt_kvm ? "kvm" : "sekvm");
	yq(f, opt_suite);
	fprintf(f, "\n  porttool.base: ");
	yq(f, j->p->base_version);
	fputc('\n', f);
}

/* qemu: context for a server's qemu device type; tmpfs deploy, qemu boot. */
static void write_qemu_actions(FILE *f, const struct lava_job *j, const char *append)
{
	char *kernel = url_of(j, j->image), *initrd = url_of(j, j->initrd);
	char *arg = xasprintf("-kernel {kernel} -append \"%s\"", append);

	fprintf(f, "context:\n  arch: arm64\n  cpu: cortex-a72\n"
		"  machine: \"%s\"\n  memory: 1024\n  extra_options:\n"
		"  - \"-smp 2\"\n", QEMU_MACHINE);
	if (!strcmp(opt_suite, "micro"))
		fprintf(f, "  - \"-icount shift=0,sleep=off\"\n");
	fprintf(f, "actions:\n- deploy:\n    to: tmpfs\n    timeout: {minutes: 5}\n"
		"    images:\n      kernel:\n        image_arg: ");
	yq(f, arg);
	fprintf(f, "\n        url: ");
	yq(f, kernel);
	fprintf(f, "\n      initrd:\n        image_arg: \"-initrd {initrd}\"\n"
		"        url: ");
	yq(f, initrd);
	fprintf(f, "\n- boot:\n    method: qemu\n    media: tmpfs\n"
		"    timeout: {minutes: %d}\n", opt_timeout);
	free(kernel);
	free(initrd);
	free(arg);
}

/*
 * A u-boot board: tftp deploy of kernel, ramdisk and DTB.  The ramdisk
 * is a plain cpio: no overlay or modules go in (the monitors need
 * neither), and the device type adds the u-boot header where its u-boot
 * wants one.
 */
static void write_uboot_actions(FILE *f, const struct lava_job *j, const char *args)
{
	char *kernel = url_of(j, j->image), *initrd = url_of(j, j->initrd);
	char *dtb = url_of(j, j->dtb);

	fprintf(f, "context:\n  extra_kernel_args: ");
	yq(f, args);
	fprintf(f, "\nactions:\n- deploy:\n    to: tftp\n    timeout: {minutes: 10}\n"
		"    kernel:\n      url: ");
	yq(f, kernel);
	fprintf(f, "\n      type: image\n    ramdisk:\n      url: ");
	yq(f, initrd);
	fprintf(f, "\n      install_modules: false\n      install_overlay: false\n"
		"    dtb:\n      url: ");
	yq(f, dtb);
	fprintf(f, "\n- boot:\n    method: u-boot\n    commands: ramdisk\n"
		"    timeout: {minutes: %d}\n", opt_timeout);
	free(kernel);
	free(initrd);
	free(dtb);
}

static void write_test(FILE *f, const struct lava_job *j)
{
	fprintf(f, "- test:\n    timeout: {minutes: %d}\n    monitors:\n", opt_timeout);
	for (const struct monitor *m = suite_monitors(); m->start; m++) {
		fprintf(f, "    - name: %s\n      start: ", j->definition);
		yq(f, m->start);
		fprintf(f, "\n      end: ");
		yq(f, m->end);
		fprintf(f, "\n      pattern: ");
		yre(f, m->pattern);
		fputc('\n', f);
	}
}

static int write_job(const struct lava_job *j, const char *path)
{
	FILE *f = fopen(path, "w");
	char *extra = suite_args(), *args;
	int ret;

	if (!f) {
		error("cannot write %s: %s", path, strerror(errno));
		free(extra);
		return -1;
	}
	write_header(f, j);
	if (is_qemu(j)) {
		args = xasprintf("%s%s%s", QEMU_APPEND, *extra ? " " : "", extra);
		write_qemu_actions(f, j, args);
	} else {
		args = xasprintf("%s%s%s", BOARD_ARGS, *extra ? " " : "", extra);
		write_uboot_actions(f, j, args);
	}
	write_test(f, j);
	ret = ferror(f) | fclose(f);
	if (ret)
		error("cannot write %s: %s", path, strerror(errno));
	free(extra);
	free(args);
	return ret ? -1 : 0;
}

/*
 * The device lava-run needs for the qemu job: what a LAVA server renders
 * from its qemu device type (base.jinja2's constants and timeouts, the
 * qemu boot method) with porttool boot's machine.  No network device:
 * nothing in the suites uses one.
 */
static int write_qemu_device(const char *path)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f) {
		error("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f,
		"# LAVA device for lava-run, written by 'porttool lava': the qemu device\n"
		"# type as a server renders it, with porttool boot's machine.\n"
		"device_type: qemu\n"
		"available_architectures: [arm64, aarch64]\n"
		"constants:\n"
		"  posix:\n"
		"    lava_test_sh_cmd: /bin/sh\n"
		"    lava_test_results_dir: /lava-%%s\n"
		"    lava_test_shell_file: ~/.bashrc\n"
		"  shutdown-message: \"The system is going down for reboot NOW\"\n"
		"  kernel-start-message: \"Linux version [0-9]\"\n"
		"  default-shell-prompt: \"lava-test: # \"\n"
		"  spawn_maxread: \"4092\"\n"
		"  # one attempt: a boot that fails is a result, not noise to retry\n"
		"  failure_retry: 1\n"
		"  boot_retry: 1\n"
		"parameters:\n"
		"  pass:\n"
		"actions:\n"
		"  deploy:\n"
		"    connections:\n"
		"      serial:\n"
		"    methods:\n"
		"      image:\n"
		"        parameters:\n"
		"          guest: {size: 512, interface: virtio, driveid: lavatest}\n"
		"  boot:\n"
		"    connections:\n"
		"      serial:\n"
		"    methods:\n"
		"      qemu:\n"
		"        parameters:\n"
		"          command: %s\n"
		"          options:\n"
		"          - -cpu cortex-a72\n"
		"          - -machine %s\n"
		"          - -smp 2\n"
		"          - -m 1024\n"
		"          - -nographic\n"
		"          - -monitor none\n",
		QEMU_BIN, QEMU_MACHINE);
	if (!strcmp(opt_suite, "micro"))
		fprintf(f, "          - -icount shift=0,sleep=off\n");
	fprintf(f, "timeouts:\n  actions:\n    power-off: {seconds: 10}\n"
		"  connections: {}\n");
	ret = ferror(f) | fclose(f);
	if (ret)
		error("cannot write %s: %s", path, strerror(errno));
	return ret ? -1 : 0;
}

static char *absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

static int make_job(const struct porttool_ctx *ctx, const struct port *p)
{
	struct lava_job j = { .p = p };
	char *build = NULL, *out = NULL, *job = NULL, *device = NULL;
	int ret = EXIT_FAIL;

	j.b = port_board_or_error(p, opt_board);
	if (!j.b)
		return EXIT_FAIL;
	j.device_type = opt_device_type ? opt_device_type : board_device_type(j.b->name);
	if (!j.device_type) {
		error("board '%s' has no LAVA device type porttool knows; name "
		      "it with --device-type", j.b->name);
		return EXIT_FAIL;
	}
	build = opt_build_dir ? absolute(opt_build_dir)
			      : default_build_dir(p, j.b->name, opt_kvm);
	out = opt_out ? absolute(opt_out) : xasprintf("%s/lava-%s", build, opt_suite);
	j.build = build;
	j.out = out;
	j.definition = xasprintf("porttool_%s_%s_%s_%s", p->version, j.b->name,
				 opt_kvm ? "kvm" : "sekvm", opt_suite);
	if (opt_url_base) {
		size_t n = strlen(opt_url_base);

		while (n > 1 && opt_url_base[n - 1] == '/')
			n--;
		j.url_base = xasprintf("%.*s", (int)n, opt_url_base);
	} else {
		j.url_base = xasprintf("file://%s", out);
	}
	if (job_files(ctx, &j))
		goto out;
	job = xasprintf("%s/job.yaml", out);
	if (write_job(&j, job))
		goto out;
	printf("LAVA job: %s\n", job);
	if (is_qemu(&j)) {
		device = xasprintf("%s/device.yaml", out);
		if (write_qemu_device(device))
			goto out;
		printf("LAVA device: %s\n", device);
		printf("run it: lava-run --job-id 1 --output-dir %s/run --device %s "
		       "%s 2>%s/lava.log; porttool lava --results %s\n",
		       out, device, job, out, out);
	}
	ret = EXIT_OK;
out:
	free(build);
	free(out);
	free(job);
	free(device);
	free(j.image);
	free(j.initrd);
	free(j.dtb);
	free(j.url_base);
	free(j.definition);
	return ret;
}

/* ---- --results ---- */

/* A directory holds lava-run's log as porttool lava says to keep it. */
static char *results_file(const char *path)
{
	static const char *const names[] = { "lava.log", "output.yaml",
					     "results.yaml", NULL };

	if (!is_dir(path))
		return xstrdup(path);
	for (int i = 0; names[i]; i++) {
		char *f = xasprintf("%s/%s", path, names[i]);

		if (is_file(f))
			return f;
		free(f);
	}
	error("%s holds no LAVA results: no lava.log (lava-run's stderr), "
	      "output.yaml (a server's job log) or results.yaml", path);
	return NULL;
}

static void meta_for(struct bench_meta *m, const struct lava_case *c,
		     const char *run, const char *source)
{
	memset(m, 0, sizeof(*m));
	m->run = xstrdup(run);
	m->line = xstrdup(c->line);
	m->board = xstrdup(c->board);
	m->suite = xstrdup(c->suite);
	m->source = xstrdup(source);
	/* the build is not at hand: the commits stay unknown */
	bench_meta_fill(m, NULL, NULL);
}

static int store_case(struct bench_db *db, const struct lava_case *c,
		      const char *run, const char *source, const char *path)
{
	struct bench_meta m;
	int ret = 0;

	meta_for(&m, c, run, source);
	if (c->has_value)
		ret = bench_db_add(db, &m, &(struct bench_row){
			.hypervisor = c->hypervisor, .benchmark = c->name,
			.parameters = "lava", .rep = 1, .value = c->value,
			.unit = c->units ? c->units : "-" });
	if (!ret && !strcmp(c->result, "fail")) {
		char *why = xasprintf("LAVA test case %s failed", c->name);

		ret = bench_db_add_failure(db, &m, c->hypervisor, why, path);
		free(why);
	}
	bench_meta_free(&m);
	return ret;
}

static int store_results(const struct lava_results *r, const char *path,
			 int *measured, int *failed)
{
	char *db_path = opt_db ? xstrdup(opt_db) : bench_db_default_path();
	struct bench_db *db = bench_db_open(db_path, true);
	char *run = bench_run_id(), *abs = absolute(path);
	char *source = xasprintf("lava %s", abs);
	int ret = -1;

	if (!db || bench_db_begin(db))
		goto out;
	ret = 0;
	for (size_t i = 0; i < r->n && !ret; i++) {
		ret = store_case(db, &r->c[i], run, source, abs);
		*measured += r->c[i].has_value;
		*failed += !strcmp(r->c[i].result, "fail");
	}
	/* a job that failed before its cases ran: the first case names the run */
	if (!ret && r->job_seen && !r->job_passed && r->n) {
		struct bench_meta m;
		char *why = xasprintf("LAVA job failed: %s",
				      r->job_error ? r->job_error : "no error given");

		meta_for(&m, &r->c[0], run, source);
		ret = bench_db_add_failure(db, &m, r->c[0].hypervisor, why, abs);
		bench_meta_free(&m);
		free(why);
	}
	if (!ret)
		ret = bench_db_commit(db);
	if (!ret)
		printf("results database: %s (run %s)\n", db_path, run);
out:
	if (db)
		bench_db_close(db);
	free(db_path);
	free(run);
	free(abs);
	free(source);
	return ret;
}

static int read_results(void)
{
	char *path = results_file(opt_results);
	struct lava_results r;
	int measured = 0, failed = 0, ret = EXIT_FAIL;

	if (!path)
		return EXIT_FAIL;
	if (lava_results_read(path, &r))
		goto out;
	for (size_t i = 0; i < r.n; i++) {
		const struct lava_case *c = &r.c[i];

		if (c->has_value)
			printf("%s %s %s %s: %.10g %s\n", c->line, c->board,
			       c->hypervisor, c->name, c->value,
			       c->units ? c->units : "");
		else
			printf("%s %s %s %s: %s\n", c->line, c->board,
			       c->hypervisor, c->name, c->result);
	}
	if (!r.n)
		error("%s: no porttool test cases (LAVA's own only%s%s)", path,
		      r.job_error ? "; the job failed: " : "",
		      r.job_error ? r.job_error : "");
	else if (!store_results(&r, path, &measured, &failed))
		ret = EXIT_OK;
	printf("%zu test cases: %d measurements, %d failed; LAVA job: %s\n",
	       r.n, measured, failed,
	       !r.job_seen ? "no result in the file" : r.job_passed ? "pass" : "fail");
	if (r.job_seen && !r.job_passed)
		error("the LAVA job failed: %s", r.job_error ? r.job_error : "no error given");
	if (failed || (r.job_seen && !r.job_passed))
		ret = EXIT_FAIL;
	lava_results_free(&r);
out:
	free(path);
	return ret;
}

int cmd_lava(struct porttool_ctx *ctx, int argc, char **argv)
{
	int n = parse_options(argc, argv, &lava_usage), ret;
	struct port *p;

	if (opt_results) {
		if (n)
			usage_error(&lava_usage, "--results reads results: no version");
		return read_results();
	}
	if (opt_db)
		usage_error(&lava_usage, "--db goes with --results");
	if (n != 1)
		usage_error(&lava_usage, n ? "too many arguments" :
			    "which version? e.g. 'porttool lava 5.10 --board qemu'");
	if (!suite_monitors())
		usage_error(&lava_usage, "--suite '%s': boot, guest or micro", opt_suite);
	if (opt_timeout == INT_MIN)
		opt_timeout = DEFAULT_TIMEOUT_MIN;
	else if (opt_timeout <= 0)
		usage_error(&lava_usage, "--timeout needs a positive number of minutes");
	if (opt_initrd && !strcmp(opt_suite, "boot"))
		usage_error(&lava_usage, "--initrd is for --suite guest or micro; "
			    "the boot suite makes its own");
	p = port_load(ctx, argv[1]);
	if (!p)
		return EXIT_FAIL;
	ret = make_job(ctx, p);
	port_free(p);
	return ret;
}
