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
 * host, and tries the two bad images.  Both boots then run the
 * bare-metal test guest (vmm/bmguest/, signed on SeKVM), whose checks
 * (timers, aborts, debug) must pass under SeKVM as under stock KVM.
 */
#include "builtin.h"
#include "boot_judge.h"
#include "debfetch.h"
#include "dtb.h"
#include "guest_keys.h"
#include "initramfs.h"
#include "guest_disk.h"
#include "kbuild.h"
#include "kut.h"
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
/* --kvm-unit-tests: some 40 nested guests, up to init.sh's 180 s each */
#define KUT_TIMEOUT_S 3600
#define APPEND "console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1 rdinit=/init"

static const char *opt_board = "qemu";
static const char *opt_out, *opt_judge, *opt_guest_image;
static const char *opt_kut, *opt_kvm_out, *opt_kvm_judge, *opt_cpu;
static bool opt_kvm, opt_verbose;
static int opt_timeout = TIMEOUT_UNSET;

static const struct option boot_options[] = {
	{ OPT_BOOL, "kvm", &opt_kvm, NULL, "boot the stock-KVM build (build --kvm)" },
	{ OPT_STRING, "board", &opt_board, "B", "board (only qemu can boot here)" },
	{ OPT_STRING, "out", &opt_out, "DIR", "build output (default: build's default)" },
	{ OPT_INT, "timeout", &opt_timeout, "S", "kill QEMU after S seconds (default: 600)" },
	{ OPT_STRING, "cpu", &opt_cpu, "MODEL",
	  "QEMU CPU model (default: " QEMU_CPU "), e.g. max or cortex-a76" },
	{ OPT_BOOL, "verbose", &opt_verbose, NULL, "show the serial console while booting" },
	{ OPT_STRING, "judge", &opt_judge, "LOG", "judge a kept serial log instead of booting" },
	{ OPT_STRING, "guest-image", &opt_guest_image, "FILE",
	  "the guest's kernel (default: the booted Image), e.g. another port's" },
	{ OPT_STRING, "kvm-unit-tests", &opt_kut, "DIR",
	  "run DIR's arm64 kvm-unit-tests under SeKVM and stock KVM; print a table" },
	{ OPT_STRING, "kvm-out", &opt_kvm_out, "DIR",
	  "with --kvm-unit-tests: the stock-KVM build (default: build --kvm's)" },
	{ OPT_STRING, "kvm-judge", &opt_kvm_judge, "LOG",
	  "with --kvm-unit-tests and --judge: the stock-KVM boot's kept log" },
	{ OPT_END },
};

static const struct usage boot_usage = {
	.synopsis = "porttool boot VER [--kvm] [--board qemu] [--out DIR] [--timeout S] [--cpu MODEL]\n"
		    "       porttool boot VER [--kvm] --judge LOG\n"
		    "       porttool boot VER --kvm-unit-tests DIR [--out DIR] [--kvm-out DIR]\n"
		    "       porttool boot VER --kvm-unit-tests DIR --judge LOG --kvm-judge LOG",
	.description =
		"Boot a build in QEMU (virt, virtualization=on, gic-version=2, cortex-a72, 2 CPUs)\n"
		"or, with --cpu MODEL, another of QEMU's CPUs (max: a recent Arm architecture\n"
		"with VHE, pointer authentication, 52-bit addresses; the kernel is then told\n"
		"kvm-arm.mode=nvhe, which 5.12 and later need on a VHE CPU to keep the host at EL1)\n"
		"with a busybox initramfs, keep the serial log in OUT/boot/serial.log, and print\n"
		"one line per check: 'PASS name' or 'FAIL name: why'.  Exit 1 on any FAIL.\n"
		"The initramfs also carries vmm/build/vmm (made when stale), the Image as\n"
		"guest kernel and a guest initramfs: a 2-vCPU guest boots under the host's KVM.\n"
		"When the board config builds a tap, virtio-blk/-net and ext4 (5.10's qemu),\n"
		"the guest also gets an ext4 disk made with mke2fs -d and a NIC on the host's\n"
		"tap0, and must read and write the disk (guest-blk) and talk TCP to the host (guest-net).\n"
		"A SeKVM boot signs the Image with vmm/build/sekvm-sign (two fresh keys) and\n"
		"also checks the host's attacks on the guest, that an Image with a flipped bit\n"
		"or another key's signature is refused, and the guest's teardown.\n"
		"--guest-image FILE runs another kernel as the guest (and signs that one):\n"
		"another port's Image, to check one line's guest under another line's host.\n"
		"--judge LOG judges a serial log kept from an earlier boot (the same checks\n"
		"but the DTB's, which need the DTB; qemu-exit from the log's timeout note).\n"
		"--kvm-unit-tests DIR boots the SeKVM build (--out) and the stock-KVM build\n"
		"(--kvm-out) with DIR/arm's arm64 tests as raw vmm guests (signed on SeKVM),\n"
		"prints their results side by side, and exits 1 when a test that passes\n"
		"under stock KVM does not pass under SeKVM.  With --judge and --kvm-judge\n"
		"it makes the table from the two boots' kept serial logs instead.",
	.opts = boot_options,
};

/* ---- preparing and running ---- */

/*
 * The kernel command line.  A CPU model other than the boards' Cortex-A72
 * may implement VHE (max, cortex-a76, neoverse-n1): from 5.12 on, Linux
 * then runs the host at EL2 unless told kvm-arm.mode=nvhe, and SeKVM
 * refuses to start ("boot with kvm-arm.mode=nvhe").  Stock KVM gets the
 * same parameter, so both boots run KVM in the same mode.  Older lines do
 * not know it and ignore it: their ports' configs turn CONFIG_ARM64_VHE off.
 */
static const char *boot_append(void)
{
	return opt_cpu ? APPEND " kvm-arm.mode=nvhe" : APPEND;
}

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
			     const char *bmguest, bool devices, char **initrd)
{
	char *busybox = NULL, *vmm = NULL, *guest_initrd = NULL, *disk = NULL;
	char *init = xasprintf("%s/porttool/qemu/boot/init.sh", ctx->project_dir);
	struct boot_guest guest = { .image = image, .keys = keys,
				    .bmguest = bmguest };
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
	if (devices) {
		disk = make_guest_disk(bootdir);
		if (!disk)
			goto out;
	}
	guest.vmm = vmm;
	guest.initrd = guest_initrd;
	guest.disk = disk;
	ret = make_boot_initramfs(*initrd, busybox, init, &guest);
out:
	free(disk);
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

/*
 * The bare-metal test guest (vmm/bmguest/), signed by the VM's key on
 * SeKVM.  NULL when it is ready (*bm set), else why not (allocated): the
 * boot goes on without it and its checks FAIL saying so.
 */
static char *prepare_bmguest(const struct porttool_ctx *ctx, const char *bootdir,
			     struct guest_keys *keys, char **bm)
{
	char *why;

	*bm = vmm_build(ctx->project_dir, "bmguest.bin");
	if (!*bm)
		return xasprintf("'make -C %s/vmm build/bmguest.bin' failed",
				 ctx->project_dir);
	if (!keys)
		return NULL;
	why = sign_bmguest(ctx->project_dir, bootdir, *bm, keys);
	if (why) {
		free(*bm);
		*bm = NULL;
	}
	return why;
}

/*
 * Whether this boot gives the good guest a disk and a NIC and judges them:
 * when the board's config builds what they need (guest_disk.h), and the
 * guest is the booted Image (another line's --guest-image may lack them).
 */
static bool boot_guest_devices(const struct port *p)
{
	struct board *b = port_find_board(p, opt_board);
	char *fragment = b ? board_fragment(p, b) : NULL;
	bool yes = fragment && !opt_guest_image &&
		   fragment_has_guest_devices(fragment);

	free(fragment);
	return yes;
}

/*
 * For 'porttool lava' (builtin.h): the initramfs a boot of image carries,
 * made in bootdir as run_boot makes it, but anything missing is an error
 * here: a job is run later, elsewhere, where no one sees the warnings.
 */
int boot_make_initramfs(const struct porttool_ctx *ctx, const char *image,
			const char *bootdir, bool sekvm, char **initrd)
{
	struct guest_keys keys = { 0 };
	char *keys_error = NULL, *bm = NULL, *bm_error = NULL;
	int ret = -1;

	*initrd = NULL;
	if (mkdir_p(bootdir)) {
		error("cannot create %s: %s", bootdir, strerror(errno));
		return -1;
	}
	if (sekvm) {
		keys_error = sekvm_guest_keys(ctx, bootdir, image, &keys);
		if (keys_error)
			goto out;
	}
	bm_error = prepare_bmguest(ctx, bootdir, sekvm ? &keys : NULL, &bm);
	if (bm_error) {
		error("the bare-metal test guest: %s", bm_error);
		goto out;
	}
	/* no disk or NIC: a LAVA board's host may have no tap */
	ret = prepare_initramfs(ctx, bootdir, image, sekvm ? &keys : NULL, bm,
				false, initrd);
out:
	free(keys_error);
	free(bm);
	free(bm_error);
	guest_keys_free(&keys);
	return ret;
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
	char *bm = NULL, *bm_error = NULL;
	struct guest_keys keys = { 0 };
	struct qemu_run q = { .kernel = image, .dtb = dtb, .append = boot_append(), .cpu = opt_cpu,
			      .log_path = serial, .timeout_s = opt_timeout,
			      .echo = opt_verbose };
	struct boot_judge judge = { .kvm = opt_kvm, .timeout_s = opt_timeout,
				    .guest_devices = boot_guest_devices(p) };
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
	if (!opt_kvm && keys_error)
		bm_error = xasprintf("no VM key to sign it with: %s", keys_error);
	else
		bm_error = prepare_bmguest(ctx, bootdir, opt_kvm ? NULL : &keys, &bm);
	if (bm_error)
		error("the bare-metal test guest stays out: %s", bm_error);
	if (prepare_initramfs(ctx, bootdir, guest,
			      opt_kvm || keys_error ? NULL : &keys, bm,
			      judge.guest_devices, &initrd))
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
	judge.bm_error = bm_error;
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
	free(bm);
	free(bm_error);
	guest_keys_free(&keys);
	return ret;
}

/* qemu.c's note in a log whose QEMU was killed at its deadline. */
#define QEMU_KILLED "# porttool: QEMU killed after "

/* --judge: the checks on a kept log, without booting. */
static int judge_kept_log(const struct port *p, const char *path)
{
	struct boot_judge judge = { .kvm = opt_kvm, .timeout_s = opt_timeout,
				    .guest_devices = boot_guest_devices(p) };
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

/* ---- --kvm-unit-tests ---- */

/* Boot out's Image with the tests; its serial log in *log.  0 or -1. */
static int kut_boot(const struct porttool_ctx *ctx, const char *out,
		    bool sekvm, const struct kut_list *l, char **log)
{
	char *image = xasprintf("%s/arch/arm64/boot/Image", out);
	char *bootdir = xasprintf("%s/boot-kut", out);
	char *dtb = xasprintf("%s/qemu-virt.dtb", bootdir);
	char *serial = xasprintf("%s/serial.log", bootdir);
	char *initrd = xasprintf("%s/initramfs.cpio", bootdir);
	struct qemu_run q = { .kernel = image, .dtb = dtb, .append = boot_append(), .cpu = opt_cpu,
			      .log_path = serial, .timeout_s = opt_timeout,
			      .echo = opt_verbose, .initrd = initrd };
	int ret = -1;

	*log = NULL;
	if (!is_file(image)) {
		error("no kernel at %s; run 'porttool build%s' first", image,
		      sekvm ? "" : " --kvm");
		goto out;
	}
	if (mkdir_p(bootdir)) {
		error("cannot create %s: %s", bootdir, strerror(errno));
		goto out;
	}
	if (kut_make_initramfs(ctx->project_dir, bootdir, opt_kut, l, sekvm,
			       initrd) ||
	    qemu_dump_dtb(&q, dtb))
		goto out;
	info("kvm-unit-tests under %s: booting %s (timeout %d s), serial log %s",
	     sekvm ? "SeKVM" : "stock KVM", image, opt_timeout, serial);
	if (qemu_boot(&q))
		goto out;
	*log = read_file(serial, NULL);
	if (!*log)
		error("cannot read %s: %s", serial, strerror(errno));
	else
		ret = 0;
	if (q.timed_out)
		error("QEMU killed after %d s: the tests after the last one "
		      "logged did not run", opt_timeout);
out:
	free(image);
	free(bootdir);
	free(dtb);
	free(serial);
	free(initrd);
	return ret;
}

/* The side-by-side table; returns how many pass under KVM only. */
static int kut_table(const struct kut_list *l, const char *log_sekvm,
		     const char *log_kvm)
{
	int kvm_only = 0, same = 0;

	printf("kvm-unit-tests %s, arm64, as vmm guests in QEMU TCG "
	       "(virt, GICv2, 2 CPUs):\n", opt_kut);
	printf("%-28s %-28s %-28s %s\n", "test", "SeKVM", "stock KVM",
	       "SUMMARY (SeKVM | KVM)");
	for (int i = 0; i < l->n; i++) {
		char rs[64], rk[64], ds[128], dk[128];

		kut_result(log_sekvm, &l->test[i], rs, sizeof(rs), ds, sizeof(ds));
		kut_result(log_kvm, &l->test[i], rk, sizeof(rk), dk, sizeof(dk));
		printf("%-28s %-28s %-28s %s | %s\n", l->test[i].name, rs, rk,
		       ds[0] ? ds : "-", dk[0] ? dk : "-");
		same += !strcmp(rs, rk);
		kvm_only += !strcmp(rk, "PASS") && strcmp(rs, "PASS");
	}
	printf("%d tests: %d the same under both, %d differ; %d pass under "
	       "stock KVM but not under SeKVM\n", l->n, same, l->n - same,
	       kvm_only);
	return kvm_only;
}

static int run_kut(const struct porttool_ctx *ctx, const struct port *p)
{
	char *sekvm_out = build_out_dir(p);
	char *kvm_out = opt_kvm_out ? xstrdup(opt_kvm_out) :
			default_build_dir(p, opt_board, true);
	char *log_sekvm = NULL, *log_kvm = NULL;
	struct kut_list *l = xcalloc(1, sizeof(*l));
	int ret = EXIT_FAIL;

	if (kut_parse(opt_kut, l))
		goto out;
	if (opt_judge) {
		/* the table from kept logs: the images are not needed */
		log_sekvm = read_file(opt_judge, NULL);
		log_kvm = read_file(opt_kvm_judge, NULL);
		if (!log_sekvm || !log_kvm) {
			error("cannot read the serial log %s: %s",
			      log_sekvm ? opt_kvm_judge : opt_judge, strerror(errno));
			goto out;
		}
	} else if (kut_check_files(opt_kut, l) ||
		   kut_boot(ctx, sekvm_out, true, l, &log_sekvm) ||
		   kut_boot(ctx, kvm_out, false, l, &log_kvm)) {
		goto out;
	}
	ret = kut_table(l, log_sekvm, log_kvm) ? EXIT_FAIL : EXIT_OK;
out:
	kut_free(l);
	free(l);
	free(sekvm_out);
	free(kvm_out);
	free(log_sekvm);
	free(log_kvm);
	return ret;
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
		opt_timeout = opt_kut ? KUT_TIMEOUT_S : DEFAULT_TIMEOUT_S;
	else if (opt_timeout <= 0)
		usage_error(&boot_usage, "--timeout needs a positive number of seconds");
	if (opt_judge && opt_guest_image)
		usage_error(&boot_usage, "--judge boots nothing: no --guest-image");
	if (opt_cpu && !*opt_cpu)
		usage_error(&boot_usage, "--cpu needs a QEMU CPU model, e.g. max");
	if (opt_judge && opt_cpu)
		usage_error(&boot_usage, "--judge boots nothing: no --cpu");
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
	if (opt_kut) {
		if (opt_kvm)
			usage_error(&boot_usage, "--kvm-unit-tests boots both builds; "
				    "name them with --out and --kvm-out, not --kvm");
		if (!opt_judge != !opt_kvm_judge)
			usage_error(&boot_usage, "--kvm-unit-tests judges two logs: "
				    "--judge (SeKVM) and --kvm-judge (stock KVM)");
		ret = run_kut(ctx, p);
		goto out;
	}
	if (opt_kvm_out || opt_kvm_judge)
		usage_error(&boot_usage, "--kvm-out and --kvm-judge go with "
			    "--kvm-unit-tests");
	if (opt_judge) {
		ret = judge_kept_log(p, opt_judge);
		goto out;
	}
	out = build_out_dir(p);
	ret = run_boot(ctx, p, out);
	free(out);
out:
	port_free(p);
	return ret;
}
