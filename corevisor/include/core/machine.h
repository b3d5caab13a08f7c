/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine interface: everything the core logic needs from the CPU.
 * Implemented twice: arch/aarch64/ (real EL2) and arch/fake/ (a simulated
 * machine for the host build and its tests).  The core never touches a
 * register, a TLB or physical memory except through these functions.
 *
 * The second half of this file is the other direction: the entry points
 * the core provides and the arch layer calls from its vectors.
 */
#ifndef CORE_MACHINE_H
#define CORE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <corevisor/abi.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define PAGE_SHIFT	12
#define BIT(n)		(1UL << (n))
#define PAGE_SIZE	BIT(PAGE_SHIFT)

/* System registers the core reads or writes (EL2 unless named). */
enum machine_sysreg {
	SR_HCR_EL2,
	SR_VTCR_EL2,
	SR_VTTBR_EL2,
	SR_TTBR0_EL2,
	SR_TCR_EL2,
	SR_MAIR_EL2,
	SR_CNTVOFF_EL2,
	SR_ESR_EL2,
	SR_FAR_EL2,
	SR_HPFAR_EL2,
	SR_MPIDR_EL1,
	SR_NR
};

u64 machine_read_sysreg(enum machine_sysreg reg);
void machine_write_sysreg(enum machine_sysreg reg, u64 val);

/* Turn on the EL2 stage-1 MMU and caches (TTBR0/TCR/MAIR already set). */
void machine_enable_el2_mmu(void);

/* Barriers: dsb ish, isb. */
void machine_dsb(void);
void machine_isb(void);

/*
 * TLB maintenance, inner shareable, completed (dsb) before return.
 * vttbr selects the VMID (the host has VMID 0).
 */
void machine_tlbi_ipa(u64 vttbr, u64 ipa);
void machine_tlbi_vmid(u64 vttbr);
void machine_tlbi_el2_all(void);

/* Clean and invalidate data cache lines of [pa, pa + size) to the PoC. */
void machine_dcache_flush(u64 pa, u64 size);
void machine_icache_inval_all(void);

/*
 * The system counter (CNTPCT), for the corevisor's own exit statistics:
 * not a guest's clock, never shown to a guest.
 */
u64 machine_ticks(void);

/* Dense index of the current CPU, 0..nr_cpus-1 (set by the arch). */
unsigned int machine_cpu_index(void);

/*
 * Physical memory.  On aarch64 EL2 uses an identity map, so this is the
 * address itself; in the fake machine PA indexes an array.  Only called
 * on addresses the core has checked to be RAM.
 */
void *machine_pa(u64 pa);

/*
 * Bytes at the start of the region taken by the running image (code,
 * data, bss, stacks), page aligned.  The core carves its pools after it.
 */
u64 machine_image_footprint(void);

/*
 * Where the image's sections start, as page-aligned offsets from its
 * base: [0, text) the header, [text, rodata) code, [rodata, data)
 * read-only data, [data, footprint) data, bss and stacks.
 */
struct machine_image_layout {
	u64 text, rodata, data;
};

void machine_image_layout(struct machine_image_layout *l);

/*
 * Encodings.  The core builds and walks translation tables (EL2 stage 1,
 * the host's and the VMs' stage 2, SMMU contexts: 4 KiB granule, levels
 * 0-3) and sets HCR_EL2, but never spells a bit of them: the arch does.
 * arch/aarch64/encode.c gives VMSAv8-64; the fake machine gives entries
 * tagged with their level, so an entry read at another level than the
 * one it was made for stops the test (real hardware would walk it as
 * something else).  0 is an invalid entry at every level.
 */
enum machine_mem {
	MEM_S2_NORMAL,	/* stage 2 or SMMU: RAM, read-write-execute */
	MEM_S2_DEVICE,	/* stage 2: device, read-write, never executed */
	MEM_S1_RW,	/* EL2 stage 1: RAM, read-write, never executed */
	MEM_S1_RO,	/* EL2 stage 1: read-only, never executed */
	MEM_S1_RX,	/* EL2 stage 1: read-only, executable (code) */
	MEM_S1_DEVICE,	/* EL2 stage 1: device, read-write, never executed */
};

/* An entry at level 0-2 pointing at the next-level table at pa. */
u64 machine_pte_table(u64 table_pa, int level);
/* A leaf: a page at level 3, a block at level 1 or 2. */
u64 machine_pte_leaf(u64 pa, int level, enum machine_mem mem);
bool machine_pte_valid(u64 pte, int level);
bool machine_pte_is_table(u64 pte, int level);
/* The address a valid entry points at (table or leaf). */
u64 machine_pte_pa(u64 pte, int level);

/* Values of the registers that set the translation regime up. */
enum machine_config {
	MC_HCR_HOST,	/* HCR_EL2 while the host runs: its stage 2 on */
	MC_HCR_GUEST,	/* HCR_EL2 while a guest runs: stage 2, traps */
	MC_MAIR_EL2,	/* the memory types machine_pte_leaf uses at EL2 */
	MC_TCR_EL2,	/* EL2 stage 1: 48-bit VA, 4 KiB, from level 0 */
	MC_VTCR_EL2,	/* stage 2: 40-bit IPA, two level-1 root pages */
};

u64 machine_config(enum machine_config c);

/*
 * Atomics for the lock layer (acquire on take, release on give).  The
 * compiler's builtins are the same on every machine (the fake one's
 * CPUs are threads), so they are inline: the exit path takes a lock and
 * reads the state of the install gate at every guest exit.
 */
static inline u32 machine_fetch_inc(u32 *p)
{
	return __atomic_fetch_add(p, 1, __ATOMIC_ACQUIRE);
}

static inline u32 machine_load_acquire(const u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void machine_store_release(u32 *p, u32 val)
{
	__atomic_store_n(p, val, __ATOMIC_RELEASE);
}

void machine_cpu_relax(void);

/* Console: set up once at init, then one byte at a time. */
void machine_uart_init(u64 base, u32 type);
void machine_uart_putc(char c);

/*
 * GICv2 virtual interface control at gich (0: none), called once at init
 * with the MMU off; the core maps it at EL2 as device memory.  Returns
 * the number of list registers, GICH_VTR.ListRegs + 1.  The world switch
 * loads lr[] into the first CV_NR_LRS of them and keeps the rest empty.
 */
u32 machine_vgic_init(u64 gich);

/* Stop this CPU for good: the response to a broken core invariant. */
__attribute__((noreturn)) void machine_halt(void);

/*
 * World switch.  The core owns the context; the arch saves the host's
 * EL1 state, loads everything below into the CPU, runs the guest until
 * the next exception, saves it all back, restores the host and returns.
 * lr[] and vgic_* go to and from the GICH (if machine_vgic_init had one);
 * the GICH is left disabled and empty while the host runs.
 */
enum {
	VCPU_SPSR_EL1, VCPU_ELR_EL1, VCPU_ESR_EL1, VCPU_FAR_EL1,
	VCPU_VBAR_EL1, VCPU_SP_EL1, VCPU_SP_EL0, VCPU_SCTLR_EL1,
	VCPU_TTBR0_EL1, VCPU_TTBR1_EL1, VCPU_TCR_EL1, VCPU_MAIR_EL1,
	VCPU_AMAIR_EL1, VCPU_CONTEXTIDR_EL1, VCPU_TPIDR_EL1, VCPU_TPIDR_EL0,
	VCPU_TPIDRRO_EL0, VCPU_AFSR0_EL1, VCPU_AFSR1_EL1, VCPU_CPACR_EL1,
	VCPU_PAR_EL1, VCPU_CNTKCTL_EL1, VCPU_CSSELR_EL1, VCPU_VMPIDR_EL2,
	VCPU_MDSCR_EL1, VCPU_NR_SYSREGS
};

/*
 * The guest's hardware breakpoints and watchpoints (as many as
 * ID_AA64DFR0_EL1 says the CPU has, at most 16 each).  Loaded into the
 * CPU only for a run with machine_vcpu.debug set; otherwise MDCR_EL2.TDA
 * traps every access to them (and to MDSCR_EL1) and the host's own stay
 * in place, harmless as the guest's MDSCR_EL1 disables them.
 */
#define MACHINE_NR_BPS		16
#define MACHINE_NR_PAUTH	10
struct machine_debug {
	u64 bcr[MACHINE_NR_BPS], bvr[MACHINE_NR_BPS];
	u64 wcr[MACHINE_NR_BPS], wvr[MACHINE_NR_BPS];
};

struct machine_vcpu {
	u64 x[31];
	u64 pc;
	u64 pstate;
	u64 sys[VCPU_NR_SYSREGS];
	u64 fp[64];		/* q0-q31 as pairs */
	u64 fpsr, fpcr;
	u64 cntvoff;
	union {
		u32 lr[CV_NR_LRS];
		/* VCPU_RUN_LRS's x5, x6 on a little-endian CPU (vcpu.c) */
		u64 lr_pair[CV_NR_LRS / 2];
	};
	u32 vgic_hcr, vgic_vmcr, vgic_apr, pad;
	u64 hcr;		/* HCR_EL2 while this vCPU runs */
	u64 vttbr;		/* the VM's stage-2 root and VMID */
	u64 debug;		/* 1: load dbg and do not trap debug registers */
	struct machine_debug dbg;
	/*
	 * The pointer-authentication keys (APIA, APIB, APDA, APDB, APGA,
	 * each Lo then Hi), and whether the guest has used them: the arch
	 * layer loads them from the guest's first use on (switch.c).
	 */
	u64 pauth[MACHINE_NR_PAUTH];
	u64 pauth_used;
};

/* Why the guest stopped. */
enum machine_exit_kind { EXIT_SYNC, EXIT_IRQ, EXIT_SERROR };

struct machine_exit {
	u32 kind;
	u64 esr, far, hpfar;	/* EXIT_SYNC only */
};

void machine_vcpu_run(struct machine_vcpu *vcpu, struct machine_exit *exit);

/* ---- provided by the core, called by the arch layer ---- */

/*
 * CV_HC_INIT, taken with the EL2 MMU off on each CPU.  The first call
 * builds everything; each call then programs this CPU (MMU, HCR, VTCR,
 * VTTBR through the functions above).  Returns 0 or a CV_E_* code.
 */
s64 core_init_cpu(u64 base, u64 size, u64 boot_info_pa, u64 cpu);

/*
 * A host HVC after init: regs[0] = id, regs[1..5] arguments.  Results go
 * back into regs[0..4].  Ids 0..2 (hyp-stub) come here too and are refused.
 */
void core_host_hvc(u64 regs[8]);

/*
 * A host stage-2 fault (IPA from HPFAR/FAR).  Returns true when the page
 * is now mapped and the access should be retried, false when the host
 * must get an abort injected.
 */
bool core_host_abort(u64 esr, u64 ipa);

/* A host SMC the arch handled, from t0 (machine_ticks()): counted. */
void core_host_smc_done(u64 t0);

/*
 * The host asked the firmware to reset or power off the machine (PSCI
 * SYSTEM_RESET, SYSTEM_RESET2, SYSTEM_OFF), which the arch forwards
 * after this returns.  RAM survives a warm reset on most boards, so
 * every VM is stopped and destroyed here: its pages zeroed and given
 * back, its vCPU registers wiped.  From now on every VM call is refused.
 */
void core_host_reset(void);

#endif /* CORE_MACHINE_H */
