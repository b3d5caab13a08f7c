/* SPDX-License-Identifier: GPL-2.0 */
/* Initramfs (initramfs.c). */
#ifndef PORTTOOL_INITRAMFS_H
#define PORTTOOL_INITRAMFS_H

#include "porttool.h"

struct cpio;
struct cpio *cpio_create(const char *path);
int cpio_add_dir(struct cpio *c, const char *name);
int cpio_add_file(struct cpio *c, const char *name, unsigned mode,
		  const void *data, size_t len);
int cpio_add_copy(struct cpio *c, const char *name, unsigned mode,
		  const char *src);
int cpio_add_symlink(struct cpio *c, const char *name, const char *target);
/*
 * Everything under dir (directories, files, symbolic links, with their
 * modes; no device nodes) stored as name/...; 0 or -1 (error printed).
 */
int cpio_add_tree(struct cpio *c, const char *name, const char *dir);
int cpio_add_chardev(struct cpio *c, const char *name, unsigned mode,
		     unsigned major, unsigned minor);
/* Writes the trailer and closes; returns 0 or -1 (the file is removed). */
int cpio_finish(struct cpio *c);
/*
 * What the host initramfs carries for init.sh's guest step
 * (vmm/README.md): the vmm, the guest kernel and the guest's initramfs,
 * stored as /bin/vmm, /guest/Image and /guest/initrd.cpio (none when
 * initrd is NULL: the micro-benchmark guest has none).
 */
struct guest_keys;
struct boot_guest {
	const char *vmm, *image, *initrd;
	const struct guest_keys *keys;	/* SeKVM: the signed images; or NULL */
	/* vmm/build/bmguest.bin, stored as /guest/bmguest.bin; or NULL */
	const char *bmguest;
	/* the good guest's disk (guest_disk.h), as /guest/disk.img; or NULL */
	const char *disk;
	/*
	 * A directory stored as clients/: on a board, the apps suite's
	 * client programs' root (apps-host-init.sh); or NULL.
	 */
	const char *clients;
};

/*
 * Make the boot initramfs: busybox, /init from init_script, /dev/console,
 * and the guest files when guest is not NULL.
 */
int make_boot_initramfs(const char *path, const char *busybox,
			const char *init_script, const struct boot_guest *guest);
/*
 * The same files as make_boot_initramfs's without its device nodes: what
 * 'porttool bench --target' unpacks on a board (bench_ssh.c).
 */
int make_board_bundle(const char *path, const char *busybox,
		      const char *init_script, const struct boot_guest *guest);
/* What a guest initramfs carries besides busybox. */
struct guest_files {
	const char *init_name;	/* "init", or the name rdinit= gives */
	const char *init;	/* its script, e.g. vmm/guest/init.sh */
	const char *tool_name;	/* one more executable, or NULL */
	const char *tool;
};
/*
 * Make a guest's initramfs (vmm/README.md): bin/busybox, bin/sh, a
 * /dev/console, proc/, sys/, the init script and the optional tool.
 */
int make_guest_initramfs(const char *path, const char *busybox,
			 const struct guest_files *files);

#endif
