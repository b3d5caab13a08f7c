// SPDX-License-Identifier: GPL-2.0
/*
 * The SeKVM guest's keys and signed images (issue 5): the good run must
 * boot, the other two must be refused by the corevisor.
 *
 *   vm.key, vm.pub          key 1, the VM's key (vm.pub goes to /guest/)
 *   other.key, other.pub    key 2, the key the host is not to get away with
 *   Image.sig               key 1 over the Image
 *   Image.sig.otherkey      key 2 over the Image
 *   Image.flipped           the Image with one bit flipped, for Image.sig
 *
 * All made with vmm's own sekvm-sign (vmm/README.md), so porttool signs
 * exactly what the vmm registers and the corevisor verifies; fresh keys
 * every boot, in the boot directory.
 */
#include "guest_keys.h"
#include "subproc.h"
#include "vmm_build.h"

#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Where the vmm loads a 5.10 Image: RAM base + text_offset (vmm/README.md). */
#define GUEST_RAM_BASE 0x40000000ull
#define IMAGE_TEXT_OFFSET_AT 8	/* arm64 Image header: text_offset, LE64 */
#define IMAGE_HEADER_SIZE 64

struct sign_tool {
	const char *path;
	char last[256];		/* its last line of output, for errors */
};

static void keep_last_line(const char *line, void *arg)
{
	struct sign_tool *t = arg;

	snprintf(t->last, sizeof(t->last), "%s", line);
}

/* Run sekvm-sign with args; its exit status, or -1 if it did not run. */
static int run_sign(struct sign_tool *t, const char *const *args)
{
	const char *argv[10] = { t->path };
	struct subproc sp = { .argv = argv, .log_fd = -1,
			      .on_line = keep_last_line, .arg = t };
	int n = 1;

	for (; *args && n < 9; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	t->last[0] = '\0';
	if (subproc_run(&sp))
		return -1;
	return sp.exit_code;
}

/* Run sekvm-sign; NULL when it exits 0, else why (allocated). */
static char *sign_step(struct sign_tool *t, const char *const *args)
{
	int status = run_sign(t, args);

	if (status == 0)
		return NULL;
	return xasprintf("'sekvm-sign %s' %s%s%s", args[0],
			 status < 0 ? "could not run" : "failed",
			 t->last[0] ? ": " : "", t->last);
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/*
 * The flipped copy: bit 0 of the byte in the middle of the Image.  The
 * middle rather than the first page: a verifier that hashed only the
 * start of the image would still catch a flip in its first page, not
 * this one.  The byte is inside the signed range (the whole Image, padded
 * to 4 KiB), which make_guest_keys confirms with sekvm-sign verify.
 */
static char *write_flipped(const char *image, const char *flipped,
			   uint64_t *ipa)
{
	size_t len;
	unsigned char *data = (unsigned char *)read_file(image, &len);
	char *why = NULL;

	if (!data)
		return xasprintf("cannot read %s: %s", image, strerror(errno));
	if (len < IMAGE_HEADER_SIZE) {
		why = xasprintf("%s: %zu bytes, too short for an arm64 Image",
				image, len);
		goto out;
	}
	*ipa = GUEST_RAM_BASE + le64(data + IMAGE_TEXT_OFFSET_AT);
	data[len / 2] ^= 0x01;
	if (write_file(flipped, data, len))
		why = xasprintf("cannot write %s: %s", flipped, strerror(errno));
out:
	free(data);
	return why;
}

void guest_keys_free(struct guest_keys *keys)
{
	free(keys->pubkey);
	free(keys->sig);
	free(keys->sig_otherkey);
	free(keys->flipped);
	free(keys->bm_sig);
	memset(keys, 0, sizeof(*keys));
}

/*
 * sekvm-sign verify must accept the good signature and refuse the
 * flipped image: else the flip is outside the signed range and the
 * corevisor's refusal would prove nothing.
 */
static char *check_signatures(struct sign_tool *t, const char *ipa,
			      const char *image, const struct guest_keys *k)
{
	const char *good[] = { "verify", "--ipa", ipa, k->pubkey, image, k->sig, NULL };
	const char *bad[] = { "verify", "--ipa", ipa, k->pubkey, k->flipped, k->sig, NULL };
	char *why = sign_step(t, good);

	if (why)
		return why;
	if (run_sign(t, bad) != 1)
		return xasprintf("sekvm-sign verify did not refuse %s with the "
				 "good signature", k->flipped);
	return NULL;
}

/* Both keys, and the Image signed by each. */
static char *keygen_and_sign(struct sign_tool *t, const char *bootdir,
			     const char *ipa, const char *image,
			     const struct guest_keys *k)
{
	char *key1 = xasprintf("%s/vm.key", bootdir);
	char *key2 = xasprintf("%s/other.key", bootdir);
	char *pub2 = xasprintf("%s/other.pub", bootdir);
	const char *steps[][7] = {
		{ "keygen", key1, k->pubkey, NULL },
		{ "keygen", key2, pub2, NULL },
		{ "sign", "--ipa", ipa, key1, image, k->sig, NULL },
		{ "sign", "--ipa", ipa, key2, image, k->sig_otherkey, NULL },
	};
	char *why = NULL;

	for (size_t i = 0; !why && i < sizeof(steps) / sizeof(steps[0]); i++)
		why = sign_step(t, steps[i]);
	free(key1);
	free(key2);
	free(pub2);
	return why;
}

char *make_guest_keys(const char *project_dir, const char *bootdir,
		      const char *image, struct guest_keys *keys)
{
	struct sign_tool tool = { 0 };
	char *sign = vmm_build(project_dir, "sekvm-sign");
	uint64_t ipa_value = 0;
	char ipa[32], *why;

	keys->pubkey = xasprintf("%s/vm.pub", bootdir);
	keys->sig = xasprintf("%s/Image.sig", bootdir);
	keys->sig_otherkey = xasprintf("%s/Image.sig.otherkey", bootdir);
	keys->flipped = xasprintf("%s/Image.flipped", bootdir);
	if (!sign) {
		why = xasprintf("no sekvm-sign: 'make -C %s/vmm build/sekvm-sign' "
				"failed", project_dir);
		goto out;
	}
	tool.path = sign;
	why = write_flipped(image, keys->flipped, &ipa_value);
	if (why)
		goto out;
	snprintf(ipa, sizeof(ipa), "0x%llx", (unsigned long long)ipa_value);
	why = keygen_and_sign(&tool, bootdir, ipa, image, keys);
	if (!why)
		why = check_signatures(&tool, ipa, image, keys);
out:
	if (why)
		guest_keys_free(keys);
	free(sign);
	return why;
}

/*
 * bmguest is linked at the RAM base and init.sh runs it with --raw and
 * no --load-offset, so the vmm registers it at GUEST_RAM_BASE: the
 * signature must name that address (vmm/README.md, sekvm-sign).
 */
char *sign_bmguest(const char *project_dir, const char *bootdir,
		   const char *bmguest, struct guest_keys *keys)
{
	struct sign_tool tool = { 0 };
	char *sign = vmm_build(project_dir, "sekvm-sign");
	char *key = xasprintf("%s/vm.key", bootdir);
	char *sig = xasprintf("%s/bmguest.sig", bootdir);
	char ipa[32], *why;

	snprintf(ipa, sizeof(ipa), "0x%llx", (unsigned long long)GUEST_RAM_BASE);
	if (!sign) {
		why = xasprintf("no sekvm-sign: 'make -C %s/vmm build/sekvm-sign' "
				"failed", project_dir);
	} else {
		const char *args[] = { "sign", "--ipa", ipa, key, bmguest, sig, NULL };

		tool.path = sign;
		why = sign_step(&tool, args);
	}
	if (why) {
		free(sig);
	} else {
		free(keys->bm_sig);
		keys->bm_sig = sig;
	}
	free(key);
	free(sign);
	return why;
}

char *sekvm_sign(const char *project_dir, const char *const *args)
{
	struct sign_tool tool = { 0 };
	char *sign = vmm_build(project_dir, "sekvm-sign");
	char *why;

	if (!sign)
		return xasprintf("no sekvm-sign: 'make -C %s/vmm build/sekvm-sign' "
				 "failed", project_dir);
	tool.path = sign;
	why = sign_step(&tool, args);
	free(sign);
	return why;
}
