/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The VMM-facing SeKVM interface the ports add to <linux/kvm.h>
 * (ARCHITECTURE.md section 1 (4)).  Proposed here, by its first user; a
 * port that implements it copies these definitions into its uapi header.
 *
 * Probe: KVM_CHECK_EXTENSION(KVM_CAP_ARM_SEKVM) on the VM fd returns 1
 * on a SeKVM kernel and 0 on stock KVM (an unknown capability is 0 there;
 * an unknown VM ioctl on arm64 is EINVAL, not ENOTTY, so the ioctls
 * themselves are no reliable probe).
 *
 * Order, enforced by the corevisor: SET_VM_KEY once, right after
 * KVM_CREATE_VM and before any image (CV_HC_SET_VM_KEY is once per VM,
 * so the host cannot swap the key later); then SET_BOOT_IMAGE per image
 * once its bytes are in guest memory (the kernel hands the backing pages
 * to the corevisor: CV_HC_SET_BOOT_IMAGE, CV_HC_LOAD_IMAGE_PAGE); the
 * first KVM_RUN verifies every image (CV_HC_VERIFY_IMAGES) and fails
 * with EPERM if one does not match its signature.
 *
 * The signature covers struct cv_image_signed (corevisor/include/
 * corevisor/abi.h): "CVIMAGE1", ipa, size, SHA-512 of the size bytes at
 * ipa.  sekvm-sign makes it.
 */
#ifndef VMM_SEKVM_UAPI_H
#define VMM_SEKVM_UAPI_H

#include <linux/kvm.h>
#include <linux/types.h>

/* Far above upstream's numbering (about 240 in 6.12) to stay clear of it. */
#define KVM_CAP_ARM_SEKVM	0x53454b

struct kvm_sekvm_vm_key {
	__u8 key[32];		/* raw Ed25519 public key */
};

struct kvm_sekvm_boot_image {
	__u64 slot;		/* 0 .. CV_MAX_IMAGES - 1 */
	__u64 ipa;		/* 4 KiB aligned, inside a memory slot */
	__u64 size;		/* 4 KiB multiple: the bytes signed */
	__u8 sig[64];		/* raw Ed25519 signature */
};

/* 0xf0-0xf1: unused by upstream KVM up to 6.12. */
#define KVM_ARM_SEKVM_SET_VM_KEY \
	_IOW(KVMIO, 0xf0, struct kvm_sekvm_vm_key)
#define KVM_ARM_SEKVM_SET_BOOT_IMAGE \
	_IOW(KVMIO, 0xf1, struct kvm_sekvm_boot_image)

#endif
