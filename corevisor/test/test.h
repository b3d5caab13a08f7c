/* SPDX-License-Identifier: GPL-2.0-only */
/* Host test harness: checks, a standard fake machine, hypercall helper. */
#ifndef TEST_TEST_H
#define TEST_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <core/core.h>
#include "../arch/fake/fake.h"

extern int t_passed, t_failed;

#define CHECK(cond) do {						\
	if (cond) {							\
		t_passed++;						\
	} else {							\
		t_failed++;						\
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n",		\
			__FILE__, __LINE__, #cond);			\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a == _b) {							\
		t_passed++;						\
	} else {							\
		t_failed++;						\
		fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n",\
			__FILE__, __LINE__, #a, _a, #b, _b);		\
	}								\
} while (0)

/* Prints "NAME: N passed, N failed"; returns the exit status. */
int t_finish(const char *name);

/*
 * The standard machine: RAM A = [0x40000000, +19 MiB) holding the 16 MiB
 * region at 0x40200000 (room for the blocks of 255 VMs); RAM B = [0x80000000, +1 MiB).  Everything else
 * below 2^40 is device space.  UART at 0x09000000.
 */
#define T_RAM_A		0x40000000UL
#define T_RAM_A_SIZE	(19UL << 20)
#define T_RAM_B		0x80000000UL
#define T_RAM_B_SIZE	(1UL << 20)
#define T_REGION	0x40200000UL
#define T_REGION_SIZE	(16UL << 20)
#define T_UART		0x09000000UL
#define T_HOST_PAGES	((T_RAM_A_SIZE + T_RAM_B_SIZE - T_REGION_SIZE) >> PAGE_SHIFT)

/* Fill a boot info for the standard machine at pa (inside the region). */
void t_write_boot_info(u64 pa, unsigned int nr_cpus);
/* Reset core and fake machine, add RAM, init nr_cpus CPUs; returns init's result. */
s64 t_boot(unsigned int nr_cpus);
/* Use up the VM pool but leave blocks (helper VMs); VMs registered. */
u32 t_take_blocks(u32 leave);
/* The i-th host-owned page at boot (0 <= i < T_HOST_PAGES). */
u64 t_host_page(unsigned int i);
bool t_in_region(u64 pa);
/* True if n bytes at p are all zero (scrubbed state, cleared pages). */
bool t_all_zero(const void *p, size_t n);
/* A VM's vCPU contexts, as its pool holds them (ABI 1.5). */
#define T_VCPUS_BYTES	(CV_MAX_VCPUS * sizeof(struct vcpu))

/*
 * Register a VM with one signed image of n pages at ipa, from host pages
 * first.. (key, signature, then the image), and vCPU 0; returns vmid.
 */
u64 t_boot_vm(u64 ipa, u32 n, u32 first, bool tamper);

/* One hypercall from the current fake CPU; out gets x1..x4. */
s64 hc(u64 id, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 out[4]);
s64 hc_lrs(const u64 r[7], u64 out[4], u64 lrs[2]);

/* A signed image: key pair from a fixed seed, via OpenSSL. */
void t_keypair(u8 pk[32]);
void t_sign_image(const u8 *img, u64 ipa, u64 size, u8 sig[64]);

#define HOST(i)		t_host_page(i)
#define boot_vm		t_boot_vm

static inline u64 leaf_of(u64 root, u64 va)
{
	return pgt_lookup(root, va);
}

static inline bool host_mapped(u64 pa)
{
	return pgt_mapped(host_s2_root(), pa);
}

/* Invariants I1-I6 on the real structures; returns violations (printed). */
struct model;
int check_invariants(const struct model *m);

#endif
