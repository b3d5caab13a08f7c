/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reference model: what the corevisor should do, in plain data
 * structures (arrays and linear searches), written apart from core/.
 */
#ifndef TEST_MODEL_H
#define TEST_MODEL_H

#include "test.h"

#define M_MAX_MAPS	512
/* CPUs the model test boots (CV_HC_GET_STAT's bound) */
#define T_MODEL_CPUS	1
#define M_MAX_PREFIX	512

struct m_map {
	u64 ipa, pa;
};

/* A translation table shape: which table pages exist (as prefixes). */
struct m_tables {
	u64 pre[3][M_MAX_PREFIX];	/* ipa>>39, ipa>>30, ipa>>21 */
	int npre[3];
	int used;			/* pages incl. the root */
	int cap;
	struct m_map map[M_MAX_MAPS];
	int nmap;
};

struct m_page {
	int owner;		/* 0 host, 1..CV_MAX_VMS VM, -1 core */
	int share;
	u64 gfn;
};

enum { MS_FREE, MS_READY, MS_VERIFIED, MS_RUNNING, MS_OFF };
enum { MV_NONE, MV_STOPPED, MV_READY };
enum { MP_NONE, MP_ABORT, MP_ABORT_ISV, MP_HVC };

struct m_vcpu {
	int state;
	int pending;
	u32 lr[CV_NR_LRS];
};

struct m_vm {
	int state;
	bool key_set;
	u8 key[32];
	struct {
		u64 ipa, size, next;
		u8 sig[64];
	} img[CV_MAX_IMAGES];
	struct m_vcpu vcpu[CV_MAX_VCPUS];
	int smmu_ctxs;
	struct m_tables s2;
};

struct m_ctx {
	bool used;
	int vmid;
	struct m_tables t;
};

/* What the fake guest does in one VCPU_RUN (steps, then a final exit). */
enum {
	G_SHARE, G_UNSHARE, G_SYSREG, G_MMIO, G_IABT, G_HVC, G_WFI, G_IRQ, G_OFF
};
struct g_step {
	int kind;
	u64 ipa;		/* SHARE, UNSHARE, MMIO, IABT */
	u64 esr_bits;		/* MMIO: ISV, SAS, SRT, WnR; WFI: bit 0 WFE;
				   OFF: bit 0 SYSTEM_RESET */
	u64 x[4];		/* HVC: x0..x3 */
};
#define G_PATTERN(ipa)	(0x1122334455667788UL ^ (ipa))

struct g_script {
	int n;
	struct g_step step[4];
};

struct model {
	u64 nr_pages;
	int nr_blocks;		/* the VM blocks of the pool VMs share */
	struct m_page *page;
	struct m_vm vm[CV_MAX_VMS];
	struct m_ctx ctx[CV_MAX_SMMU_CTX];
	u64 scrubbed[2048];	/* pages given back to the host by the call */
	int nscrubbed;
	s64 guest_x0[4];	/* x0 the guest should see after each step */
	u64 run_lrs[2];		/* VCPU_RUN_LRS's x5, x6 after the run */
};

void model_init(struct model *m, int vm_blocks, int smmu_pool);
/* Index of pa's page, or -1 if pa is not RAM. */
long m_index(u64 pa);
/*
 * Predicts one host hypercall, x0..x6 in r; script is the guest's for
 * VCPU_RUN.
 */
s64 model_call(struct model *m, const u64 r[7], const struct g_script *g,
	       u64 out[4]);
/* Whether the host stage 2 may map pa (a host access). */
bool model_host_may(const struct model *m, u64 pa);

#endif
