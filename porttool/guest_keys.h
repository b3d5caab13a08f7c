/* SPDX-License-Identifier: GPL-2.0 */
/* The guest's keys and signed images (guest_keys.c). */
#ifndef PORTTOOL_GUEST_KEYS_H
#define PORTTOOL_GUEST_KEYS_H

#include "porttool.h"

/*
 * What a SeKVM boot's initramfs carries for the good and the refused
 * guest runs, all made in the boot directory from the guest Image.
 */
struct guest_keys {
	char *pubkey;		/* /guest/vm.pub: key 1, the VM's key */
	char *sig;		/* /guest/Image.sig: key 1 over the Image */
	char *sig_otherkey;	/* /guest/Image.sig.otherkey: key 2 over it */
	char *flipped;		/* /guest/Image.flipped: one bit flipped */
	char *bm_sig;		/* /guest/bmguest.sig: key 1 over it, or NULL */
};

/*
 * Make two Ed25519 keys with vmm's sekvm-sign (built when stale), sign
 * image with each and write a copy of it with one bit flipped.  Returns
 * NULL on success, else why it failed (allocated; keys is then empty).
 */
char *make_guest_keys(const char *project_dir, const char *bootdir,
		      const char *image, struct guest_keys *keys);
void guest_keys_free(struct guest_keys *keys);
/*
 * Sign the bare-metal test guest (a raw image the vmm loads at the RAM
 * base) with key 1 of keys, made by make_guest_keys in bootdir, into
 * keys->bm_sig.  NULL on success, else why (allocated).
 */
char *sign_bmguest(const char *project_dir, const char *bootdir,
		   const char *bmguest, struct guest_keys *keys);
/* Run vmm's sekvm-sign with args (NULL-ended); NULL or why it failed. */
char *sekvm_sign(const char *project_dir, const char *const *args);

#endif
