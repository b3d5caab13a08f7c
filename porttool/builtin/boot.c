// SPDX-License-Identifier: GPL-2.0
/*
 * porttool boot VER [--kvm] [--board qemu] [--out DIR] [--timeout S]
 *                   [--judge LOG]
 *
 * Boots a build in QEMU (virt, EL2 on, GICv2, 2 CPUs) with an initramfs of
 * Debian's arm64 busybox and porttool/qemu/boot/init.sh, keeps the serial log
 * and judges it (boot_judge.c): one line a check, "PASS name" or
 * "FAIL name: why".
 *
 * The SeKVM checks look for what the v5.10 port prints (see
 * ports/v5.10/README.md); --kvm boots the stock build and checks that plain
 * KVM comes up, the baseline every SeKVM number is compared against.
 *
 * Both boots carry a guest (vmm/README.md, "In porttool boot"): the vmm,
 * the booted Image again as guest kernel and a small guest initramfs.
 * A SeKVM boot also carries the VM's public key, the Image's signatures by
 * that key and by another, and the Image with a bit flipped
 * (guest_keys.c); init.sh then runs the good guest, attacks it from the
 * host, and tries the two bad images.
 */
#include "builtin.h"
#include "boot_judge.h"
#include "debfetch.h"
#include "dtb.h"
#include "guest_keys.h"
#include "initramfs.h"
#include "kbuild.h"
#include "qemu.h"
#include "vmm_build.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/*
 * Both boots run guests under KVM inside TCG, i.e. nested
 * virtualization by emulation.  Measured on a 2-core x86-64 machine
 * (QEMU 7.2, porttool's small 5.10 config): the whole --kvm boot with its
 * one guest 1.1-2.7 s; the SeKVM boot with ports/v5.10 0001-0015
 * (the good guest, which holds 10 s for the host's attacks, then the two
 * refused images) 16.1 s, the good guest 11.9 s of it.  Bigger configs
 * and loaded machines make nested TCG many times slower, hence the
 * margin (over 30 times).
 */
#define DEFAULT_TIMEOUT_S 600
#define TIMEOUT_UNSET INT_MIN
#define APPEND "console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1 rdinit=/init"

static const char *opt_board = "qemu";
static const char *opt_out, *opt_judge, *opt_guest_image;
static bool opt_kvm, opt_verbose;
static int opt_timeout = TIMEOUT_UNSET;

static const struct option boot_options[] = {
	{ OPT_BOOL, "kvm", &opt_kvm, NULL, "boot the stock-KVM build (build --kvm)" },
	{ OPT_STRING, "board", &opt_board, "B", "board (only qemu can boot here)" },
	{ OPT_STRING, "out", &opt_out, "DIR", "build output (default: build's default)" },
	{ OPT_INT, "timeout", &opt_timeout, "S", "kill QEMU after S seconds (default: 600)" },
	{ OPT_BOOL, "verbose", &opt_verbose, NULL, "show the serial console while booting" },
	{ OPT_STRING, "judge", &opt_judge, "LOG", "judge a kept serial log instead of booting" },
	{ OPT_STRING, "guest-image", &opt_guest_image, "FILE",
	  "the guest's kernel (default: the booted Image), e.g. another port's" },
	{ OPT_END },
};

static const struct usage boot_usage = {
	.synopsis = "porttool boot VER [--kvm] [--board qemu] [--out DIR] [--timeout S]\n"
		    "       porttool boot VER [--kvm] --judge LOG",
	.description =
		"Boot a build in QEMU (virt, virtualization=on, gic-version=2, cortex-a72, 2 CPUs)\n"
		"with a busybox initramfs, keep the serial log in OUT/boot/serial.log, and print\n"
		"one line per check: 'PASS name' or 'FAIL name: why'.  Exit 1 on any FAIL.\n"
		"The initramfs also carries vmm/build/vmm (made when stale), the Image as\n"
		"guest kernel and a guest initramfs: a 2-vCPU guest boots under the host's KVM.\n"
		"A SeKVM boot signs the Image with vmm/build/sekvm-sign (two fresh keys) and\n"
		"also checks the host's attacks on the guest, that an Image with a flipped bit\n"
		"or another key's signature is refused, and the guest's teardown.\n"
		"--guest-image FILE runs another kernel as the guest (and signs that one):\n"
		"another port's Image, to check one line's guest under another line's host.\n"
		"--judge LOG judges a serial log kept from an earlier boot (the same checks\n"
		"but the DTB's, which need the DTB; qemu-exit from the log's timeout note).",
	.opts = boot_options,
};

/* ---- preparing and running ---- */

static char *build_out_dir(const struct port *p)
{
	return opt_out ? xstrdup(opt_out) : default_build_dir(p, opt_board, opt_kvm);
}

/* The guest's initramfs (vmm/README.md) in bootdir; NULL on error. */
static char *prepare_guest_initrd(const struct porttool_ctx *ctx,
				  const char *bootdir, const char *busybox)
{
	char *init = xasprintf("%s/vmm/guest/init.sh", ctx->project_dir);
	char *initrd = xasprintf("%s/guest-initrd.cpio", bootdir);

	if (!is_file(init)) {
		error("the guest's init script %s is missing", init);
		goto fail;
	}
	if (make_guest_initramfs(initrd, busybox, &(struct guest_files){
					.init_name = "init", .init = init }))
		goto fail;
	free(init);
	return initrd;
fail:
	free(init);
	free(initrd);
	return NULL;
}

/*
 * The host's initramfs in bootdir, with the guest; for SeKVM (keys not
 * NULL) with the guest's keys and signed images.
 */
static int prepare_initramfs(const struct porttool_ctx *ctx, const char *bootdir,
			     const char *image, const struct guest_keys *keys,
			     char **initrd)
{
	char *busybox = NULL, *vmm = NULL, *guest_initrd = NULL;
	char *init = xasprintf("%s/porttool/qemu/boot/init.sh", ctx->project_dir);
	struct boot_guest guest = { .image = image, .keys = keys };
	int ret = -1;

	*initrd = xasprintf("%s/initramfs.cpio", bootdir);
	if (!is_file(init)) {
		error("the initramfs script %s is missing", init);
		goto out;
	}
	if (fetch_arm64_busybox(&busybox))
		goto out;
	vmm = vmm_build(ctx->project_dir, "vmm");
	if (!vmm)
		goto out;
	guest_initrd = prepare_guest_initrd(ctx, bootdir, busybox);
	if (!guest_initrd)
		goto out;
	guest.vmm = vmm;
	guest.initrd = guest_initrd;
	ret = make_boot_initramfs(*initrd, busybox, init, &guest);
out:
	free(busybox);
	free(vmm);
	free(guest_initrd);
	free(init);
	return ret;
}

static void check_dtb(struct verdicts *v, const char *dtb)
{
	int failed;

	fflush(stdout);
	failed = dtb_check_nodes(dtb, stdout);
	v->failed += failed < 0 ? 1 : failed;
	v->passed += failed < 0 ? 0 : DTB_CHECKS - failed;
}

static int summary(const struct verdicts *v)
{
	printf("%d passed, %d failed\n", v->passed, v->failed);
	return v->failed ? EXIT_FAIL : EXIT_OK;
}

/*
 * A SeKVM boot's guest keys.  A failure is not fatal: the host's checks
 * still run, and the guest checks that needed the keys FAIL saying why.
 */
static char *sekvm_guest_keys(const struct porttool_ctx *ctx,
			      const char *bootdir, const char *image,
			      struct guest_keys *keys)
{
	char *why = make_guest_keys(ctx->project_dir, bootdir, image, keys);

	if (why)
		error("cannot sign the guest's image: %s", why);
	return why;
}

static int run_boot(const struct porttool_ctx *ctx, const struct port *p,
		    const char *out)
{
	char *image = xasprintf("%s/arch/arm64/boot/Image", out);
	const char *guest = opt_guest_image ? opt_guest_image : image;
	char *bootdir = xasprintf("%s/boot", out);
	char *dtb = xasprintf("%s/qemu-virt.dtb", bootdir);
	char *serial = xasprintf("%s/serial.log", bootdir);
	char *initrd = NULL, *log = NULL, *keys_error = NULL;
	struct guest_keys keys = { 0 };
	struct qemu_run q = { .kernel = image, .dtb = dtb, .append = APPEND,
			      .log_path = serial, .timeout_s = opt_timeout,
			      .echo = opt_verbose };
	struct boot_judge judge = { .kvm = opt_kvm, .timeout_s = opt_timeout };
	struct verdicts v = { 0 };
	int ret = EXIT_FAIL;

	if (!is_file(image)) {
		error("no kernel at %s; run 'porttool build %s%s' first", image,
		      p->version, opt_kvm ? " --kvm" : "");
		goto out;
	}
	if (mkdir_p(bootdir)) {
		error("cannot create %s: %s", bootdir, strerror(errno));
		goto out;
	}
	if (guest != image && !is_file(guest)) {
		error("--guest-image %s: no such file", guest);
		goto out;
	}
	if (!opt_kvm)
		keys_error = sekvm_guest_keys(ctx, bootdir, guest, &keys);
	if (prepare_initramfs(ctx, bootdir, guest,
			      opt_kvm || keys_error ? NULL : &keys, &initrd))
		goto out;
	q.initrd = initrd;
	if (qemu_dump_dtb(&q, dtb))
		goto out;
	info("booting %s in QEMU (timeout %d s), serial log %s", image,
	     opt_timeout, serial);
	if (qemu_boot(&q))
		goto out;
	log = read_file(serial, NULL);
	if (!log) {
		error("cannot read %s: %s", serial, strerror(errno));
		goto out;
	}
	check_dtb(&v, dtb);
	judge.timed_out = q.timed_out;
	judge.keys_error = keys_error;
	judge_boot_log(&v, log, &judge);
	printf("boot took %.1f s; serial log: %s\n", q.seconds, serial);
	ret = summary(&v);
out:
	free(image);
	free(bootdir);
	free(dtb);
	free(serial);
	free(initrd);
	free(log);
	free(keys_error);
	guest_keys_free(&keys);
	return ret;
}

/* qemu.c's note in a log whose QEMU was killed at its deadline. */
#define QEMU_KILLED "# porttool: QEMU killed after "

/* --judge: the checks on a kept log, without booting. */
static int judge_kept_log(const char *path)
{
	struct boot_judge judge = { .kvm = opt_kvm, .timeout_s = opt_timeout };
	struct verdicts v = { 0 };
	char *log = read_file(path, NULL);
	const char *killed;

	if (!log) {
		error("cannot read the serial log %s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	killed = strstr(log, QEMU_KILLED);
	if (killed) {
		judge.timed_out = true;
		judge.timeout_s = atoi(killed + strlen(QEMU_KILLED));
	}
	judge_boot_log(&v, log, &judge);
	free(log);
	return summary(&v);
}

int cmd_boot(struct porttool_ctx *ctx, int argc, char **argv)
{
	int n = parse_options(argc, argv, &boot_usage), ret = EXIT_FAIL;
	struct port *p;
	char *out;

	if (n != 1)
		usage_error(&boot_usage, n ? "too many arguments" :
			    "which version? e.g. 'porttool boot 5.10'");
	if (opt_timeout == TIMEOUT_UNSET)
		opt_timeout = DEFAULT_TIMEOUT_S;
	else if (opt_timeout <= 0)
		usage_error(&boot_usage, "--timeout needs a positive number of seconds");
	if (opt_judge && opt_guest_image)
		usage_error(&boot_usage, "--judge boots nothing: no --guest-image");
	p = port_load(ctx, argv[1]);
	if (!p)
		return EXIT_FAIL;
	if (!port_board_or_error(p, opt_board))
		goto out;
	if (strcmp(opt_board, "qemu")) {
		error("board '%s' is build-only here; only 'qemu' boots in QEMU",
		      opt_board);
		goto out;
	}
	if (opt_judge) {
		ret = judge_kept_log(opt_judge);
		goto out;
	}
	out = build_out_dir(p);
	ret = run_boot(ctx, p, out);
	free(out);
out:
	port_free(p);
	return ret;
}
