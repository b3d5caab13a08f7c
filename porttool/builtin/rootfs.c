// SPDX-License-Identifier: GPL-2.0
/*
 * porttool rootfs [--out FILE] [--packages P,...] [--update]
 *
 * Builds (or finds in the cache) the ext4 root filesystem of the
 * application workloads (rootfs.c) and prints its path; --out also copies
 * it there.
 */
#include "builtin.h"
#include "rootfs.h"
#include "tempdir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *opt_out, *opt_packages;
static bool opt_update;

static const struct option rootfs_options[] = {
	{ OPT_STRING, "out", &opt_out, "FILE", "also copy the image to FILE" },
	{ OPT_STRING, "packages", &opt_packages, "P,...", "Debian packages (default: the workloads', below)" },
	{ OPT_BOOL, "update", &opt_update, NULL, "fetch apt's package lists again first" },
	{ OPT_END },
};

static const struct usage rootfs_usage = {
	.synopsis = "porttool rootfs [--out FILE] [--packages P,...] [--update]",
	.description =
		"Build the root filesystem of the application workloads ('porttool bench\n"
		"--suite apps'): Debian's arm64 packages and their dependencies, resolved and\n"
		"downloaded by apt-get through porttool's private apt directory (the machine's\n"
		"Debian mirror and release; no emulation, no root), unpacked with dpkg-deb\n"
		"(maintainer scripts are not run), with porttool/qemu/rootfs/ laid over them\n"
		"(/init: busybox, mounts, then the workload the kernel command line names),\n"
		"packed by mke2fs -d as an ext4 image.  The same packages, versions and files\n"
		"give the same image, byte for byte; it is cached as\n"
		"<cache>/rootfs/KEY.ext4 (KEY: a hash of them) with KEY.ext4.packages listing\n"
		"every package and version, and built only when missing.  Prints the image's\n"
		"path.  Default packages: busybox-static rt-tests redis-server redis-tools\n"
		"memcached libmemcached-tools apache2 apache2-utils mariadb-server\n"
		"mariadb-client sysbench gcc make libc6-dev dropbear-bin.  A package apt\n"
		"cannot find fails the command with apt's words and no image.",
	.opts = rootfs_options,
};

static int copy_image(const char *src, const char *dest)
{
	size_t len = 0;
	char *data = read_file(src, &len);
	char *tmp = xasprintf("%s.tmp", dest);
	int ret = -1;

	if (!data)
		error("cannot read %s: %s", src, strerror(errno));
	else if (write_file(tmp, data, len) || rename(tmp, dest))
		error("cannot write %s: %s", dest, strerror(errno));
	else
		ret = 0;
	if (ret)
		unlink(tmp);
	free(data);
	free(tmp);
	return ret;
}

static void split_packages(const char *list, struct strlist *out)
{
	char *copy = xstrdup(list);

	for (char *p = strtok(copy, ", "); p; p = strtok(NULL, ", "))
		strlist_push(out, p);
	free(copy);
}

int cmd_rootfs(struct porttool_ctx *ctx, int argc, char **argv)
{
	struct strlist pkgs = { 0 };
	char *image = NULL;
	int ret = EXIT_FAIL;

	if (parse_options(argc, argv, &rootfs_usage) != 0)
		usage_error(&rootfs_usage, "rootfs takes no arguments, only options");
	if (opt_packages)
		split_packages(opt_packages, &pkgs);
	else
		for (const char *const *p = rootfs_default_packages; *p; p++)
			strlist_push(&pkgs, *p);
	if (!pkgs.n)
		usage_error(&rootfs_usage, "--packages names no package");
	trap_interrupts();
	if (rootfs_build(ctx->project_dir, &pkgs, opt_update, &image))
		goto out;
	if (opt_out && copy_image(image, opt_out))
		goto out;
	printf("%s\n", image);
	ret = EXIT_OK;
out:
	strlist_free(&pkgs);
	free(image);
	return ret;
}
