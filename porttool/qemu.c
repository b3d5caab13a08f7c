// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU for boot: the virt machine with EL2 (virtualization=on) and a GICv2,
 * the board SeKVM targets first.  The serial console is QEMU's stdout,
 * kept whole in a log.  Every run has a deadline after which QEMU is
 * killed: a hung guest must never hang the tool or CI.
 */
#include "dtb.h"
#include "qemu.h"
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QEMU_SMP "2"
/*
 * 2 GiB: the host's 1 GiB working set plus the 256 MiB guest init.sh
 * boots under KVM (the vmm maps all of it), with room to spare.
 */
#define QEMU_MEM "2G"
#define QEMU_DUMP_TIMEOUT_S 30

static double monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int check_qemu(void)
{
	char *bin = find_program(QEMU_BIN);

	if (!bin) {
		error(QEMU_BIN " not found in PATH; install the Debian package "
		      "qemu-system-arm");
		return -1;
	}
	free(bin);
	return 0;
}

/*
 * The one command line both runs use.  With dump set, QEMU writes the DTB
 * it would give the kernel and exits; that DTB depends on everything here
 * (without -kernel, virt drops PSCI from it, for one), so it is dumped
 * with exactly the options the boot uses.
 */
static int qemu_argv(const struct qemu_run *q, const char *dump,
		     const char **argv, char **machine, char **drive)
{
	int n = 0;

	*drive = q->drive ? xasprintf("file=%s,if=none,format=raw,id=rootfs,snapshot=on",
				      q->drive) : NULL;

	*machine = dump ? xasprintf("%s,dumpdtb=%s", QEMU_MACHINE, dump)
			: xstrdup(QEMU_MACHINE);
	argv[n++] = QEMU_BIN;
	argv[n++] = "-M";
	argv[n++] = *machine;
	argv[n++] = "-cpu";
	argv[n++] = q->cpu ? q->cpu : QEMU_CPU;
	argv[n++] = "-smp";
	argv[n++] = QEMU_SMP;
	argv[n++] = "-m";
	argv[n++] = QEMU_MEM;
	argv[n++] = "-nographic";
	argv[n++] = "-no-reboot";
	argv[n++] = "-kernel";
	argv[n++] = q->kernel;
	if (q->initrd) {
		argv[n++] = "-initrd";
		argv[n++] = q->initrd;
	}
	if (q->append) {
		argv[n++] = "-append";
		argv[n++] = q->append;
	}
	if (q->icount) {
		argv[n++] = "-icount";
		argv[n++] = "shift=0,sleep=off";
	}
	if (q->drive) {
		argv[n++] = "-drive";
		argv[n++] = *drive;
		argv[n++] = "-device";
		argv[n++] = "virtio-blk-device,drive=rootfs";
	}
	if (q->dtb && !dump) {
		argv[n++] = "-dtb";
		argv[n++] = q->dtb;
	}
	argv[n] = NULL;
	return n;
}

int qemu_dump_dtb(const struct qemu_run *q, const char *path)
{
	const char *argv[32];
	char *machine = NULL, *drive = NULL;
	struct subproc sp = { .argv = argv, .log_fd = -1, .echo = true,
			      .timeout_s = QEMU_DUMP_TIMEOUT_S };
	int ret = -1;

	if (check_qemu())
		return -1;
	qemu_argv(q, path, argv, &machine, &drive);
	unlink(path);
	if (subproc_run(&sp))
		goto out;
	if (sp.timed_out || sp.exit_code != 0 || !is_file(path)) {
		error("%s could not dump its device tree to %s (exit %d%s)",
		      QEMU_BIN, path, sp.exit_code,
		      sp.timed_out ? ", timed out" : "");
		goto out;
	}
	/*
	 * QEMU pads the dump to 1 MiB of free space; given back with -dtb,
	 * a blob that big hangs 5.10 before its first message.  Packed it is
	 * the few KiB QEMU itself would have passed.
	 */
	ret = dtb_pack(path);
out:
	free(machine);
	free(drive);
	return ret;
}

int qemu_boot(struct qemu_run *q)
{
	const char *argv[32];
	char *machine = NULL, *drive = NULL;
	int ret, fd;
	double t0;
	struct subproc sp = { .argv = argv, .echo = q->echo,
			      .timeout_s = q->timeout_s };

	if (check_qemu())
		return -1;
	fd = open(q->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		error("cannot create %s: %s", q->log_path, strerror(errno));
		return -1;
	}
	qemu_argv(q, NULL, argv, &machine, &drive);
	dprintf(fd, "# porttool boot:");
	for (int i = 0; argv[i]; i++)
		dprintf(fd, " %s", argv[i]);
	dprintf(fd, "\n");
	sp.log_fd = fd;
	t0 = monotonic();
	ret = subproc_run(&sp);
	q->seconds = monotonic() - t0;
	q->timed_out = sp.timed_out;
	q->exit_code = sp.exit_code;
	if (sp.timed_out)
		dprintf(fd, "\n# porttool: QEMU killed after %d s timeout\n",
			q->timeout_s);
	close(fd);
	free(machine);
	free(drive);
	return ret;
}
