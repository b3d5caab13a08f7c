// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMM's half of SeKVM image authentication (sekvm_uapi.h).  The VMM
 * is untrusted: all it does is pass the key and signature on in the order
 * the corevisor demands; the corevisor checks them.
 */
#include "sekvm.h"
#include "sekvm_uapi.h"
#include "fileio.h"
#include "image_msg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

static int read_exact(const char *path, uint8_t *out, size_t want,
		      const char *what)
{
	size_t len = 0;
	uint8_t *data = read_file("vmm", path, &len);

	if (!data)
		return -1;
	if (len != want) {
		fprintf(stderr, "vmm: %s: %zu bytes, a raw %s has %zu\n",
			path, len, what, want);
		free(data);
		return -1;
	}
	memcpy(out, data, want);
	free(data);
	return 0;
}

int sekvm_read_files(struct sekvm_reg *reg, const char *pubkey,
		     const char *sig)
{
	memset(reg, 0, sizeof(*reg));
	if (!pubkey && !sig)
		return 0;
	if (!pubkey || !sig) {
		fprintf(stderr, "vmm: --sig and --pubkey go together "
			"(missing %s)\n", pubkey ? "--sig" : "--pubkey");
		return -1;
	}
	if (read_exact(pubkey, reg->key, sizeof(reg->key),
		       "Ed25519 public key") < 0 ||
	    read_exact(sig, reg->sig, sizeof(reg->sig),
		       "Ed25519 signature") < 0)
		return -1;
	reg->have_key = true;
	return 0;
}

int sekvm_set_key(struct sekvm_reg *reg, struct vm *vm)
{
	struct kvm_sekvm_vm_key key;

	reg->supported = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION,
			       KVM_CAP_ARM_SEKVM) > 0;
	vm->sekvm = reg->supported;
	if (!reg->supported) {
		fprintf(stderr, "vmm: stock KVM: image not registered%s\n",
			reg->have_key ? " (--sig/--pubkey unused)" : "");
		return 0;
	}
	if (!reg->have_key) {
		fprintf(stderr, "vmm: this kernel is SeKVM: it runs only "
			"signed images; give --sig and --pubkey\n");
		return -1;
	}
	memcpy(key.key, reg->key, sizeof(key.key));
	if (ioctl(vm->vm_fd, KVM_ARM_SEKVM_SET_VM_KEY, &key) < 0) {
		fprintf(stderr, "vmm: SeKVM: setting the VM key: %s\n",
			strerror(errno));
		return -1;
	}
	fprintf(stderr, "vmm: SeKVM: VM key set\n");
	return 0;
}

int sekvm_register_kernel(struct sekvm_reg *reg, struct vm *vm,
			  const struct boot_layout *layout)
{
	struct kvm_sekvm_boot_image img;

	if (!reg->supported)
		return 0;
	memset(&img, 0, sizeof(img));
	img.slot = 0;
	img.ipa = layout->kernel_ipa;
	img.size = image_signed_size(layout->kernel_file_size);
	memcpy(img.sig, reg->sig, sizeof(img.sig));
	if (ioctl(vm->vm_fd, KVM_ARM_SEKVM_SET_BOOT_IMAGE, &img) < 0) {
		fprintf(stderr, "vmm: SeKVM: registering the kernel image "
			"(0x%llx, %llu bytes): %s\n",
			(unsigned long long)img.ipa,
			(unsigned long long)img.size, strerror(errno));
		return -1;
	}
	fprintf(stderr, "vmm: SeKVM: kernel image registered at 0x%llx, "
		"%llu bytes\n", (unsigned long long)img.ipa,
		(unsigned long long)img.size);
	return 0;
}
