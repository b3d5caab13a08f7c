// SPDX-License-Identifier: GPL-2.0
/*
 * porttool boot VER [--kvm] [--board qemu] [--out DIR] [--timeout S]
 *
 * Boots a build in QEMU (virt, EL2 on, GICv2, 2 CPUs) with an initramfs of
 * Debian's arm64 busybox and porttool/boot/init.sh, keeps the serial log
 * and judges it: one line a check, "PASS name" or "FAIL name: why".
 *
 * The SeKVM checks look for what the v5.10 port prints (see
 * ports/v5.10/README.md); --kvm boots the stock build and checks that plain
 * KVM comes up, the baseline every SeKVM number is compared against.
 *
 * Both boots carry a guest (vmm/README.md, "In porttool boot"): the vmm,
 * the booted Image again as guest kernel and a small guest initramfs;
 * init.sh boots it with 2 vCPUs and tags its lines "SEKVM-GUEST: ".
 */
#include "buildboot.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BOOT_CPUS 2
#define DEFAULT_TIMEOUT_S 300
/*
 * With --kvm the host also boots a guest under KVM inside TCG, i.e.
 * nested virtualization by emulation.  Measured on a 2-core x86-64
 * machine (QEMU 7.2, porttool's small 5.10 config): the whole --kvm boot
 * 1.1-1.4 s, the guest 0.6-0.7 s of it.  Bigger configs and loaded
 * machines make nested TCG many times slower, hence twice the default.
 */
#define KVM_TIMEOUT_S 600
#define TIMEOUT_UNSET INT_MIN
#define MARK "PORTTOOL-BOOT: "
#define HOOK "SEKVM-HOOK "
#define APPEND "console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1 rdinit=/init"

static const char *opt_board = "qemu";
static const char *opt_out;
static bool opt_kvm, opt_verbose;
static int opt_timeout = TIMEOUT_UNSET;

static const struct option boot_options[] = {
	{ OPT_BOOL, "kvm", &opt_kvm, NULL, "boot the stock-KVM build (build --kvm)" },
	{ OPT_STRING, "board", &opt_board, "B", "board (only qemu can boot here)" },
	{ OPT_STRING, "out", &opt_out, "DIR", "build output (default: build's default)" },
	{ OPT_INT, "timeout", &opt_timeout, "S", "kill QEMU after S seconds (default: 300, 600 with --kvm)" },
	{ OPT_BOOL, "verbose", &opt_verbose, NULL, "show the serial console while booting" },
	{ OPT_END },
};

static const struct usage boot_usage = {
	.synopsis = "porttool boot VER [--kvm] [--board qemu] [--out DIR] [--timeout S]",
	.description =
		"Boot a build in QEMU (virt, virtualization=on, gic-version=2, cortex-a72, 2 CPUs)\n"
		"with a busybox initramfs, keep the serial log in OUT/boot/serial.log, and print\n"
		"one line per check: 'PASS name' or 'FAIL name: why'.  Exit 1 on any FAIL.\n"
		"The initramfs also carries vmm/build/vmm (made when stale), the Image as\n"
		"guest kernel and a guest initramfs; with --kvm, check guest-boot says\n"
		"whether that 2-vCPU guest booted under the host's KVM.",
	.opts = boot_options,
};

/* ---- judging the serial log ---- */

struct verdicts {
	int passed, failed;
};

static void verdict(struct verdicts *v, bool ok, const char *name,
		    const char *why)
{
	if (ok) {
		printf("PASS %s\n", name);
		v->passed++;
	} else {
		printf("FAIL %s: %s\n", name, why);
		v->failed++;
	}
}

/* True when one line of the log holds both strings (b may be NULL). */
static bool line_has(const char *log, const char *a, const char *b)
{
	for (const char *p = log; (p = strstr(p, a)); p += strlen(a)) {
		const char *bol = p, *eol = strchr(p, '\n');
		char *line;
		bool hit;

		while (bol > log && bol[-1] != '\n')
			bol--;
		if (!b)
			return true;
		line = strndup(bol, eol ? (size_t)(eol - bol) : strlen(bol));
		hit = strstr(line, b) != NULL;
		free(line);
		if (hit)
			return true;
	}
	return false;
}

static void check_common(struct verdicts *v, const char *log,
			 const struct qemu_run *q)
{
	char why[160];
	bool panic = strstr(log, "Kernel panic") || strstr(log, "Internal error:") ||
		     strstr(log, "Unable to handle kernel");

	snprintf(why, sizeof(why), "QEMU still running after %d s and was killed",
		 q->timeout_s);
	verdict(v, !q->timed_out, "qemu-exit", why);
	verdict(v, !panic, "no-panic", "the kernel panicked or oopsed (see the log)");
	verdict(v, strstr(log, MARK "userspace reached") != NULL, "userspace",
		"/init never ran: the host did not reach userspace");
	verdict(v, strstr(log, MARK "/dev/kvm present") != NULL, "dev-kvm",
		strstr(log, MARK "/dev/kvm missing") ? "/dev/kvm does not exist"
						     : "init never looked for /dev/kvm");
	verdict(v, strstr(log, MARK "done") && strstr(log, "reboot: Power down"),
		"poweroff", "the host did not power off cleanly after its tests");
}

static void check_stock_kvm(struct verdicts *v, const char *log)
{
	verdict(v, strstr(log, "Hyp mode initialized successfully") != NULL,
		"kvm-hyp-init", strstr(log, "kvm [") ?
		"KVM printed no 'Hyp mode initialized successfully'" :
		"no KVM messages at all");
}

/*
 * What the port promises to print (ports/v5.10/README.md, "Log lines the
 * boot checks can rely on"): the reservation, then per CPU the corevisor's
 * own banner with its ABI version and the host's confirmation that host
 * stage-2 is on, then KVM handing EL2 to the corevisor.
 */
#define SEKVM_RESERVED "sekvm: reserved "
#define SEKVM_RESERVED_END " for the corevisor"
#define COREVISOR_BANNER "corevisor: cpu %d up, ABI v"	/* from EL2 */
#define HOST_STAGE2_ON "sekvm: corevisor ABI v"		/* from the host */
#define HOST_STAGE2_ON_END "on cpu %d, host stage-2 on"
#define KVM_HANDED_OVER "SeKVM: the corevisor owns EL2"
#define SELFTEST "sekvm-selftest: "

/*
 * The attacks of the self-test hooks (CONFIG_SEKVM_SELFTEST): reading
 * /sys/kernel/debug/sekvm/NAME runs one and prints
 * "sekvm-selftest: NAME PASS|FAIL detail".
 */
struct attack {
	const char *check;	/* check name */
	const char *hook;	/* file in /sys/kernel/debug/sekvm */
};

static const struct attack attacks[] = {
	{ "attack-read-corevisor", "read_core" },
	{ "attack-write-corevisor", "write_core" },
	{ "attack-hyp-stub-after-install", "stub_hvc" },
	{ "attack-garbage-hypercalls", "garbage_hvc" },
	{ NULL, NULL },
};

/* The first line holding needle, without its newline; NULL if none. */
static char *find_line(const char *log, const char *needle)
{
	const char *p = strstr(log, needle), *bol, *eol;

	if (!p)
		return NULL;
	for (bol = p; bol > log && bol[-1] != '\n'; bol--)
		;
	eol = strchr(p, '\n');
	return strndup(bol, eol ? (size_t)(eol - bol) : strlen(bol));
}

static void check_attack(struct verdicts *v, const char *log,
			 const struct attack *a)
{
	char *start = xasprintf(MARK "hook %s: start", a->hook);
	char *survived = xasprintf(MARK "hook %s: survived", a->hook);
	char *hook = xasprintf(HOOK "%s: ", a->hook);
	char *pass = xasprintf(SELFTEST "%s PASS ", a->hook);
	char *fail = xasprintf(SELFTEST "%s FAIL", a->hook);
	char *name = xasprintf("%s-survived", a->check);
	char *failed = NULL, why[320];

	if (!strstr(log, start)) {
		snprintf(why, sizeof(why), "no self-test hook "
			 "/sys/kernel/debug/sekvm/%s", a->hook);
		verdict(v, false, a->check, why);
		verdict(v, false, name, "the hook never ran");
		goto out;
	}
	failed = find_line(log, fail);
	if (failed)
		snprintf(why, sizeof(why), "%s", failed);
	else
		snprintf(why, sizeof(why), "%s printed no '%s... PASS' line",
			 a->hook, SELFTEST);
	verdict(v, !failed && line_has(log, hook, pass), a->check, why);
	verdict(v, strstr(log, survived) != NULL, name,
		"no marker after the attack: the host did not survive it");
out:
	free(start);
	free(survived);
	free(hook);
	free(pass);
	free(fail);
	free(name);
	free(failed);
}

/* How many of the boot CPUs have a line with both a and b (b per CPU). */
static int cpus_with(const char *log, const char *a_fmt, const char *b_fmt)
{
	int n = 0;

	for (int cpu = 0; cpu < BOOT_CPUS; cpu++) {
		char *a = xasprintf(a_fmt, cpu);
		char *b = b_fmt ? xasprintf(b_fmt, cpu) : NULL;

		n += line_has(log, a, b);
		free(a);
		free(b);
	}
	return n;
}

static void check_per_cpu(struct verdicts *v, const char *name, int n,
			  const char *none)
{
	char why[200];

	if (n)
		snprintf(why, sizeof(why), "only on %d of %d CPUs", n, BOOT_CPUS);
	else
		snprintf(why, sizeof(why), "%s", none);
	verdict(v, n == BOOT_CPUS, name, why);
}

static void check_sekvm(struct verdicts *v, const char *log)
{
	verdict(v, line_has(log, SEKVM_RESERVED, SEKVM_RESERVED_END),
		"corevisor-memory-reserved",
		"no '" SEKVM_RESERVED "... " SEKVM_RESERVED_END "' line");
	check_per_cpu(v, "corevisor-banner",
		      cpus_with(log, COREVISOR_BANNER, NULL),
		      "no corevisor banner ('corevisor: cpu N up, ABI v...')");
	check_per_cpu(v, "host-stage2",
		      cpus_with(log, HOST_STAGE2_ON, HOST_STAGE2_ON_END),
		      "no host stage-2 confirmation ('" HOST_STAGE2_ON
		      "X on cpu N, host stage-2 on')");
	verdict(v, strstr(log, KVM_HANDED_OVER) != NULL, "kvm-handed-over",
		"KVM did not report '" KVM_HANDED_OVER "'");
	for (const struct attack *a = attacks; a->check; a++)
		check_attack(v, log, a);
}

/*
 * The guest step of init.sh (vmm/README.md): the guest's /init prints
 * what it saw and powers off, and the vmm exits 0 on that power-off.
 */
#define GUEST "SEKVM-GUEST: "
#define GUEST_OK GUEST "SEKVM-GUEST-OK cpus=2 online=0-1"
#define GUEST_EXIT GUEST "vmm exit "
#define GUEST_EXIT_OK GUEST_EXIT "0"

/*
 * True when a whole line of the log is want.  Trailing CRs are ignored:
 * a guest line crosses two serial consoles, each adding one.
 */
static bool log_has_line(const char *log, const char *want)
{
	size_t n = strlen(want);

	for (const char *p = log; (p = strstr(p, want)); p += n) {
		const char *end = p + n;

		while (*end == '\r')
			end++;
		if ((p == log || p[-1] == '\n') && (*end == '\0' || *end == '\n'))
			return true;
	}
	return false;
}

/* The last line holding needle, without its CR/LF; NULL if none. */
static char *find_last_line(const char *log, const char *needle)
{
	const char *p, *last = NULL, *bol, *eol;

	for (p = log; (p = strstr(p, needle)); p++)
		last = p;
	if (!last)
		return NULL;
	for (bol = last; bol > log && bol[-1] != '\n'; bol--)
		;
	for (eol = last; *eol && *eol != '\n' && *eol != '\r'; eol++)
		;
	return strndup(bol, (size_t)(eol - bol));
}

/* What follows the "SEKVM-GUEST: " tag in a line found by it. */
static const char *untagged(const char *line)
{
	const char *tag = line ? strstr(line, GUEST) : NULL;

	return tag ? tag + strlen(GUEST) : line;
}

/* Why the guest did not boot, from what the log shows; into why. */
static void guest_failure(const char *log, char *why, size_t size)
{
	char *exit_line = find_last_line(log, GUEST_EXIT);
	char *vmm_line = find_last_line(log, GUEST "vmm: ");
	char *ok_line = find_last_line(log, GUEST "SEKVM-GUEST-OK");

	if (strstr(log, MARK "guest: skipped"))
		snprintf(why, size, "init skipped the guest step: no /bin/vmm or "
			 "/guest/ in the initramfs");
	else if (!strstr(log, MARK "guest: start"))
		snprintf(why, size, "init never reached the guest step");
	else if (!exit_line)
		snprintf(why, size, "the vmm never exited (host hung or killed)%s%s",
			 vmm_line ? "; last: " : "", vmm_line ? untagged(vmm_line) : "");
	else if (!log_has_line(log, GUEST_EXIT_OK))
		snprintf(why, size, "'%s'%s%s%s", untagged(exit_line),
			 vmm_line ? " after '" : "", vmm_line ? untagged(vmm_line) : "",
			 vmm_line ? "'" : "");
	else if (ok_line)
		snprintf(why, size, "the guest saw the wrong CPUs: '%s', wanted "
			 "'cpus=2 online=0-1'", untagged(ok_line));
	else
		snprintf(why, size, "the vmm exited 0 but the guest printed no "
			 "'SEKVM-GUEST-OK' line");
	free(exit_line);
	free(vmm_line);
	free(ok_line);
}

static bool guest_booted(const char *log)
{
	return log_has_line(log, GUEST_OK) && log_has_line(log, GUEST_EXIT_OK);
}

/* A check under stock KVM, where a VM must boot. */
static void check_guest(struct verdicts *v, const char *log)
{
	char why[400] = "";

	if (!guest_booted(log))
		guest_failure(log, why, sizeof(why));
	verdict(v, guest_booted(log), "guest-boot", why);
}

/*
 * Under SeKVM only a note, not a check: ports/v5.10/README.md says no
 * guest runs yet (vCPUs and guest memory are refused until routed through
 * the corevisor).  The note still says what happened, so the day a guest
 * boots it shows, and this becomes a check.
 */
static void note_guest_sekvm(const char *log)
{
	char why[400];

	if (guest_booted(log)) {
		printf("NOTE guest-boot: the guest booted (not counted: "
		       "ports/v5.10/README.md says no guest runs yet; update it "
		       "and make this a check)\n");
		return;
	}
	guest_failure(log, why, sizeof(why));
	printf("NOTE guest-boot: not counted, the 5.10 port runs no VMs yet "
	       "(ports/v5.10/README.md); the guest: %s\n", why);
}

/* ---- preparing and running ---- */

static char *build_out_dir(const struct port *p)
{
	return opt_out ? xstrdup(opt_out) : default_build_dir(p, opt_board, opt_kvm);
}

/* Modification time of path, 0 when it cannot be read. */
static time_t mtime_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_mtime;
}

static bool is_vmm_source(const char *name)
{
	size_t n = strlen(name);

	return !strcmp(name, "Makefile") ||
	       (n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h'));
}

/* True when the binary is missing or older than a source in dir. */
static bool vmm_is_stale(const char *dir, const char *binary)
{
	time_t built = mtime_of(binary);
	struct dirent *de;
	bool stale = built == 0;
	DIR *d;

	if (stale)
		return true;
	d = opendir(dir);
	if (!d)
		return true;
	while (!stale && (de = readdir(d))) {
		char *src;

		if (!is_vmm_source(de->d_name))
			continue;
		src = xasprintf("%s/%s", dir, de->d_name);
		stale = mtime_of(src) > built;
		free(src);
	}
	closedir(d);
	return stale;
}

/*
 * Path of the static arm64 vmm, made with its own Makefile when stale.
 * Our own staleness test, not just 'make': make would also refetch the
 * arm64 libfdt when its cache is gone, although the vmm is up to date.
 */
static char *vmm_binary(const struct porttool_ctx *ctx)
{
	char *dir = xasprintf("%s/vmm", ctx->project_dir);
	char *binary = xasprintf("%s/build/vmm", dir);
	const char *argv[] = { "make", "-C", dir, "build/vmm", NULL };
	struct subproc sp = { .argv = argv, .log_fd = -1, .echo = true };

	if (vmm_is_stale(dir, binary)) {
		info("building the guest's vmm: make -C %s build/vmm", dir);
		if (subproc_run(&sp) || sp.exit_code != 0 || !is_file(binary)) {
			error("could not build %s (make -C %s build/vmm exit %d)",
			      binary, dir, sp.exit_code);
			free(binary);
			binary = NULL;
		}
	}
	free(dir);
	return binary;
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
	if (make_guest_initramfs(initrd, busybox, init))
		goto fail;
	free(init);
	return initrd;
fail:
	free(init);
	free(initrd);
	return NULL;
}

static int prepare_initramfs(const struct porttool_ctx *ctx, const char *bootdir,
			     const char *image, char **initrd)
{
	char *busybox = NULL, *vmm = NULL, *guest_initrd = NULL;
	char *init = xasprintf("%s/porttool/boot/init.sh", ctx->project_dir);
	struct boot_guest guest = { .image = image };
	int ret = -1;

	*initrd = xasprintf("%s/initramfs.cpio", bootdir);
	if (!is_file(init)) {
		error("the initramfs script %s is missing", init);
		goto out;
	}
	if (fetch_arm64_busybox(&busybox))
		goto out;
	vmm = vmm_binary(ctx);
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

static int run_boot(const struct porttool_ctx *ctx, const struct port *p,
		    const char *out)
{
	char *image = xasprintf("%s/arch/arm64/boot/Image", out);
	char *bootdir = xasprintf("%s/boot", out);
	char *dtb = xasprintf("%s/qemu-virt.dtb", bootdir);
	char *serial = xasprintf("%s/serial.log", bootdir);
	char *initrd = NULL, *log = NULL;
	struct qemu_run q = { .kernel = image, .dtb = dtb, .append = APPEND,
			      .log_path = serial, .timeout_s = opt_timeout,
			      .echo = opt_verbose };
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
	if (prepare_initramfs(ctx, bootdir, image, &initrd))
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
	check_common(&v, log, &q);
	if (opt_kvm) {
		check_stock_kvm(&v, log);
		check_guest(&v, log);
	} else {
		check_sekvm(&v, log);
		note_guest_sekvm(log);
	}
	printf("boot took %.1f s; serial log: %s\n", q.seconds, serial);
	printf("%d passed, %d failed\n", v.passed, v.failed);
	ret = v.failed ? EXIT_FAIL : EXIT_OK;
out:
	free(image);
	free(bootdir);
	free(dtb);
	free(serial);
	free(initrd);
	free(log);
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
		opt_timeout = opt_kvm ? KVM_TIMEOUT_S : DEFAULT_TIMEOUT_S;
	else if (opt_timeout <= 0)
		usage_error(&boot_usage, "--timeout needs a positive number of seconds");
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
	out = build_out_dir(p);
	ret = run_boot(ctx, p, out);
	free(out);
out:
	port_free(p);
	return ret;
}
