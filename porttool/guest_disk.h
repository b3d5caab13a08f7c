/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boot guest's disk and NIC (guest_disk.c): the ext4 image that
 * 'porttool boot' gives the good guest as `vmm --disk` (vmm/README.md),
 * and whether a port's board config builds what they need.
 */
#ifndef PORTTOOL_GUEST_DISK_H
#define PORTTOOL_GUEST_DISK_H

#include "porttool.h"

/*
 * The file on the guest's disk and what it holds; the guest prints it
 * (vmm/guest/init.sh) and boot_judge.c looks for it: the bytes can only
 * have come through virtio-blk.
 */
#define GUEST_DISK_FILE "sekvm-disk.txt"
#define GUEST_DISK_TOKEN "sekvm-disk-7c1f3a9e"

/*
 * Make bootdir/guest-disk.img, a 4 MiB ext4 file system holding
 * GUEST_DISK_FILE, with mke2fs -d (no root, no loop device).  Its path,
 * or NULL with the error printed.
 */
char *make_guest_disk(const char *bootdir);

/*
 * Whether the board's config fragment turns on what the boot's disk and
 * NIC checks need: CONFIG_TUN (the host's tap), CONFIG_VIRTIO_BLK,
 * CONFIG_VIRTIO_NET, CONFIG_EXT4_FS and CONFIG_INET (the guest, the same
 * Image).  A line without them is not judged on them.
 */
bool fragment_has_guest_devices(const char *fragment);

#endif
