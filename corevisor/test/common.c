// SPDX-License-Identifier: GPL-2.0-only
/* Host test harness. */
#include <openssl/evp.h>
#include <pthread.h>
#include "test.h"

int t_passed, t_failed;

int t_finish(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_passed, t_failed);
	return t_failed ? 1 : 0;
}

void t_write_boot_info(u64 pa, unsigned int nr_cpus)
{
	struct cv_boot_info *bi = fake_peek(pa);
	unsigned int i;

	memset(bi, 0, sizeof(*bi));
	bi->nr_ram = 2;
	bi->ram[0].base = T_RAM_A;
	bi->ram[0].size = T_RAM_A_SIZE;
	bi->ram[1].base = T_RAM_B;
	bi->ram[1].size = T_RAM_B_SIZE;
	bi->uart_base = T_UART;
	bi->uart_type = CV_UART_PL011;
	bi->nr_cpus = nr_cpus;
	for (i = 0; i < nr_cpus; i++)
		bi->mpidr[i] = fake_mpidr(i);
}

s64 t_boot(unsigned int nr_cpus)
{
	u64 bi_pa = T_REGION + T_REGION_SIZE - 2 * PAGE_SIZE;
	unsigned int i;
	s64 ret = 0;

	fake_reset();
	memset(&core, 0, sizeof(core));
	fake_add_ram(T_RAM_A, T_RAM_A_SIZE);
	fake_add_ram(T_RAM_B, T_RAM_B_SIZE);
	t_write_boot_info(bi_pa, nr_cpus);
	for (i = 0; i < nr_cpus && !ret; i++) {
		fake_set_cpu(i);
		ret = core_init_cpu(T_REGION, T_REGION_SIZE, bi_pa, i);
	}
	fake_set_cpu(0);
	return ret;
}

bool t_in_region(u64 pa)
{
	return pa >= T_REGION && pa < T_REGION + T_REGION_SIZE;
}

bool t_all_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/*
 * Take blocks of the VM pool until only leave are free: a helper VM (or
 * more) maps a device page at one new 1 GiB IPA after another (two table
 * pages each, no host page needed).  Returns the VMs it registered.
 */
u32 t_take_blocks(u32 leave)
{
	s64 vmid = 0;
	u64 gib = 0;
	u32 n = 0;

	while (core.vm_blocks.free > leave) {
		if (vmid <= 0 || gib == 1024) {
			vmid = hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL);
			if (vmid <= 0)
				break;
			n++;
			gib = 1;
			continue;
		}
		if (hc(CV_HC_MAP_DEVICE, (u64)vmid, 0x8040000, gib++ << 30, 0,
		       0, NULL))
			break;
	}
	return n;
}

u64 t_host_page(unsigned int i)
{
	u64 below = (T_REGION - T_RAM_A) >> PAGE_SHIFT;
	u64 after = (T_RAM_A + T_RAM_A_SIZE - T_REGION - T_REGION_SIZE) >>
		    PAGE_SHIFT;

	if (i < below)
		return T_RAM_A + ((u64)i << PAGE_SHIFT);
	i -= below;
	if (i < after)
		return T_REGION + T_REGION_SIZE + ((u64)i << PAGE_SHIFT);
	i -= after;
	return T_RAM_B + ((u64)i << PAGE_SHIFT);
}

s64 hc(u64 id, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 out[4])
{
	u64 r[8] = { id, a1, a2, a3, a4, a5, 0, 0 };

	core_host_hvc(r);
	if (out)
		memcpy(out, &r[1], 4 * sizeof(u64));
	return (s64)r[0];
}

/* A call with x0..x6 from r; out gets x1..x4 and lrs x5, x6. */
s64 hc_lrs(const u64 r[7], u64 out[4], u64 lrs[2])
{
	u64 regs[8] = { r[0], r[1], r[2], r[3], r[4], r[5], r[6], 0 };

	core_host_hvc(regs);
	memcpy(out, &regs[1], 4 * sizeof(u64));
	lrs[0] = regs[5];
	lrs[1] = regs[6];
	return (s64)regs[0];
}

static struct evp_pkey_st *key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void make_key(void)
{
	u8 seed[32];
	unsigned int i;

	for (i = 0; i < 32; i++)
		seed[i] = (u8)(i * 7 + 1);
	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	if (!key)
		abort();
}

static EVP_PKEY *test_key(void)
{
	pthread_once(&key_once, make_key);
	return key;
}

void t_keypair(u8 pk[32])
{
	size_t len = 32;

	if (!EVP_PKEY_get_raw_public_key(test_key(), pk, &len))
		abort();
}

void t_sign_image(const u8 *img, u64 ipa, u64 size, u8 sig[64])
{
	struct cv_image_signed msg;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int dlen = 64;
	size_t slen = 64;

	memcpy(msg.tag, CV_IMAGE_SIG_TAG, 8);
	msg.ipa = ipa;
	msg.size = size;
	/* OpenSSL's SHA-512, not the corevisor's */
	if (!EVP_Digest(img, size, msg.digest, &dlen, EVP_sha512(), NULL))
		abort();
	if (!EVP_DigestSignInit(ctx, NULL, NULL, NULL, test_key()) ||
	    !EVP_DigestSign(ctx, sig, &slen, (u8 *)&msg, sizeof(msg)))
		abort();
	EVP_MD_CTX_free(ctx);
}

/* Register a VM with one signed image of n pages at ipa; returns vmid. */
u64 t_boot_vm(u64 ipa, u32 n, u32 first, bool tamper)
{
	u8 *img = calloc(n, PAGE_SIZE), pk[32];
	u64 vmid = hc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0, NULL), key = t_host_page(first);
	u64 sig = t_host_page(first + 1);
	u32 i;

	for (i = 0; i < n * PAGE_SIZE; i++)
		img[i] = (u8)(i * 31 + first);
	t_keypair(pk);
	memcpy(fake_peek(key), pk, 32);
	t_sign_image(img, ipa, (u64)n << PAGE_SHIFT, fake_peek(sig));
	CHECK_EQ(hc(CV_HC_SET_VM_KEY, vmid, key, 0, 0, 0, NULL), 0);
	CHECK_EQ(hc(CV_HC_SET_BOOT_IMAGE, vmid, 0, ipa, (u64)n << PAGE_SHIFT,
		    sig, NULL), 0);
	for (i = 0; i < n; i++) {
		memcpy(fake_peek(t_host_page(first + 2 + i)), img + i * PAGE_SIZE,
		       PAGE_SIZE);
		if (tamper && i == n - 1)
			((u8 *)fake_peek(t_host_page(first + 2 + i)))[100] ^= 0x80;
		CHECK_EQ(hc(CV_HC_LOAD_IMAGE_PAGE, vmid, 0, t_host_page(first + 2 + i),
			    0, 0, NULL), 0);
	}
	CHECK_EQ(hc(CV_HC_REGISTER_VCPU, vmid, 0, 0, 0, 0, NULL), 0);
	free(img);
	return vmid;
}
