/* SPDX-License-Identifier: GPL-2.0 */
/* Judging a boot's serial log (boot_judge.c). */
#ifndef PORTTOOL_BOOT_JUDGE_H
#define PORTTOOL_BOOT_JUDGE_H

#include "porttool.h"

struct verdicts {
	int passed, failed;
};

/* Print "PASS name" or "FAIL name: why" and count it. */
void verdict(struct verdicts *v, bool ok, const char *name, const char *why);

struct boot_judge {
	bool kvm;		/* the stock-KVM build: stock checks only */
	bool timed_out;		/* QEMU was killed at its deadline */
	int timeout_s;
	/* Why the guest images could not be signed (guest_keys.c), or NULL. */
	const char *keys_error;
	/* Why the bare-metal guest is not in the initramfs, or NULL. */
	const char *bm_error;
	/*
	 * The board config builds the guest's disk and NIC (the host's tap,
	 * virtio-blk/-net, ext4: guest_disk.h): judge guest-blk and
	 * guest-net.  Without, those checks are not printed.
	 */
	bool guest_devices;
};

/*
 * Judge a serial log: the host's checks, then the guests'.  The DTB
 * checks are not here: they read the DTB, not the log.
 */
void judge_boot_log(struct verdicts *v, const char *log,
		    const struct boot_judge *j);

#endif
