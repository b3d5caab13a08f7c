/* SPDX-License-Identifier: GPL-2.0 */
/* The application workloads' root filesystem (rootfs.c). */
#ifndef PORTTOOL_ROOTFS_H
#define PORTTOOL_ROOTFS_H

#include "porttool.h"

/* What 'porttool rootfs' puts in the image when not told otherwise. */
extern const char *const rootfs_default_packages[];

/* The client programs of the workloads, for a board (porttool bench --target). */
extern const char *const rootfs_client_packages[];

/*
 * The ext4 image of Debian's arm64 packages (and everything they depend
 * on) plus porttool/qemu/rootfs/ of project_dir, built when the cache
 * has none for exactly these package versions and files.  update: fetch
 * apt's lists again first.  On success *image is the cached image's path
 * (allocated); on failure an error names what was wrong and the cache
 * holds no new image.
 */
int rootfs_build(const char *project_dir, const struct strlist *packages,
		 bool update, char **image);

/*
 * Unpack image's files into dir (emptied first), with debugfs: no root,
 * no loop device; their owner is whoever runs it.  0 or -1 (error printed).
 */
int rootfs_extract(const char *image, const char *dir);

#endif
