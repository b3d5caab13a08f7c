/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * corevisor ABI: the one public header, shared by the corevisor and every
 * port.  It includes nothing: the fixed-width types come from the compiler's
 * predefined macros, so the Linux kernel, the freestanding EL2 build and the
 * host test build can all include it.
 *
 * Calling convention (SMCCC style, host at EL1 -> corevisor at EL2):
 *   HVC #0, x0 = call id, x1..x5 = arguments.
 *   x0 returns 0 or a positive value on success, a negative CV_E_* on
 *   failure; extra results come back in x1...  A refused call changes
 *   nothing.  No argument is ever a host virtual address: buffers are
 *   host-owned physical pages, named by physical address.
 */
#ifndef CV_ABI_H
#define CV_ABI_H

#define cv_u8		__UINT8_TYPE__
#define cv_u32		__UINT32_TYPE__
#define cv_u64		__UINT64_TYPE__
#define cv_s64		__INT64_TYPE__

#define CV_ABI_MAJOR		1
#define CV_ABI_MINOR		6
#define CV_ABI_VERSION		((CV_ABI_MAJOR << 16) | CV_ABI_MINOR)

/* Vendor-specific hypervisor service, SMC64 fast call. */
#define CV_HC(n)		(0xC6000000UL | (n))
#define CV_HC_MASK		0xFFFF0000UL

/* init: the only calls taken while EL2 still runs with its MMU off */
#define CV_HC_INIT		CV_HC(0x01) /* base, size, boot_info_pa, cpu */
#define CV_HC_ABI_VERSION	CV_HC(0x02) /* -> CV_ABI_VERSION */
#define CV_HC_S2_ENABLED	CV_HC(0x03) /* -> 1 if this CPU runs the host under stage 2 */
/*
 * ABI 1.4: cpu, stat -> x1 = count, x2 = ticks of the system counter
 * (CNTPCT) the corevisor spent on it.  Read-only; one per-CPU counter
 * (CV_STAT_*) a call, a VM call (after the install gate).
 */
#define CV_HC_GET_STAT		CV_HC(0x04)

/* VM lifecycle */
#define CV_HC_REGISTER_VM	CV_HC(0x10) /* -> vmid */
#define CV_HC_REGISTER_VCPU	CV_HC(0x11) /* vmid, vcpu */
#define CV_HC_SET_VM_KEY	CV_HC(0x12) /* vmid, key_pa (32 bytes in one host page) */
#define CV_HC_SET_BOOT_IMAGE	CV_HC(0x13) /* vmid, slot, ipa, size, sig_pa (64 bytes) */
#define CV_HC_LOAD_IMAGE_PAGE	CV_HC(0x14) /* vmid, slot, host page pa */
#define CV_HC_VERIFY_IMAGES	CV_HC(0x15) /* vmid */
#define CV_HC_POWER_ON		CV_HC(0x16) /* vmid, entry ipa, x0 for vcpu 0 */
#define CV_HC_VM_STOP		CV_HC(0x17) /* vmid: no vcpu may run again */
#define CV_HC_TEARDOWN		CV_HC(0x18) /* vmid: scrub, give back, free vmid */

/* memory */
#define CV_HC_MAP_PAGE		CV_HC(0x20) /* vmid, host page pa, guest ipa */
#define CV_HC_UNMAP_PAGE	CV_HC(0x21) /* vmid, guest ipa (VM not running) */
#define CV_HC_TLB_FLUSH_VM	CV_HC(0x22) /* vmid */
#define CV_HC_MAP_DEVICE	CV_HC(0x23) /* vmid, device pa (not RAM), ipa; VM not yet running */
/*
 * ABI 1.4: vmid, list_pa, ipa, n.  list_pa names n little-endian u64 page
 * addresses in one host page (8-byte aligned); entry i goes to ipa + i
 * pages, as MAP_PAGE would, and an entry of 0 leaves that IPA alone.
 * 1 <= n <= CV_MAP_PAGES_MAX, [ipa, ipa + n pages) inside one 2 MiB
 * aligned block.  All or nothing: a refused entry refuses the call.
 */
#define CV_HC_MAP_PAGES		CV_HC(0x24)
#define CV_MAP_PAGES_MAX	64

/* vCPU */
#define CV_HC_VCPU_RUN		CV_HC(0x30) /* vmid, vcpu, value, action -> CV_EXIT_* */
#define CV_HC_SET_TIMER_OFFSET	CV_HC(0x31) /* vmid, vcpu, cntvoff */
#define CV_HC_GET_VIRQ		CV_HC(0x32) /* vmid, vcpu, lr -> x1 = value */
#define CV_HC_SET_VIRQ		CV_HC(0x33) /* vmid, vcpu, lr, value */
/*
 * ABI 1.6: VCPU_RUN (vmid, vcpu, value, action) that carries the list
 * registers of the run, both ways: in x5 = LR0 | LR1 << 32 and
 * x6 = LR2 | LR3 << 32, the whole set for this run (an empty register
 * is 0), each checked as SET_VIRQ checks it before anything changes;
 * out, x1..x4 as VCPU_RUN's and x5, x6 the registers as the run left
 * them.  It saves the two SET_VIRQ/GET_VIRQ round trips a run with an
 * interrupt made before.
 */
#define CV_HC_VCPU_RUN_LRS	CV_HC(0x34)

/* SMMU context tables (vmid 0 = a host context) */
#define CV_HC_SMMU_ALLOC	CV_HC(0x40) /* ctx, vmid -> x1 = table root pa */
#define CV_HC_SMMU_FREE		CV_HC(0x41) /* ctx */
#define CV_HC_SMMU_MAP		CV_HC(0x42) /* ctx, iova, pa */
#define CV_HC_SMMU_UNMAP	CV_HC(0x43) /* ctx, iova */

/* guest -> corevisor (HVC from the VM, handled without a host exit) */
#define CV_GHC_SHARE		CV_HC(0x100) /* ipa: let the host map this page */
#define CV_GHC_UNSHARE		CV_HC(0x101) /* ipa */
/*
 * ABI 1.1: -> CV_ABI_VERSION.  A guest's probe: the corevisor answers it
 * without a host exit, so the host cannot fake it; stock KVM returns
 * SMCCC NOT_SUPPORTED (-1) for this vendor call.
 */
#define CV_GHC_VERSION		CV_HC(0x102)

/* error codes (x0) */
#define CV_E_INVAL		(-1) /* malformed argument */
#define CV_E_DENIED		(-2) /* not allowed for the caller, ever */
#define CV_E_STATE		(-3) /* not allowed in the current state */
#define CV_E_NOMEM		(-4) /* a pool or table is full */
#define CV_E_RANGE		(-5) /* address or index out of range */
#define CV_E_NOSYS		(-6) /* unknown call */

/* limits */
/*
 * ABI 1.5: 255 (16 before), the 8-bit VMIDs but the host's 0.  vmids
 * 1..CV_MAX_VMS, the lowest free one reused after TEARDOWN.
 */
#define CV_MAX_VMS		255
#define CV_MAX_VCPUS		8	/* per VM */
#define CV_MAX_CPUS		64
#define CV_MAX_RAM_RANGES	32
#define CV_MAX_IMAGES		4	/* image slots per VM */
#define CV_MAX_IMAGE_SIZE	(64UL << 20)
#define CV_MAX_SMMU_CTX		16
#define CV_NR_LRS		4	/* GICv2 list registers exposed */
#define CV_IPA_BITS		40

/* VCPU_RUN: action (x4) that completes the previous exit */
#define CV_RUN_NONE		0 /* just run (retry a faulting access) */
#define CV_RUN_MMIO_DONE	1 /* x3 = data for a read; pc steps over */
/*
 * The guest gets a synchronous external abort at the fault, of the kind
 * the fault was (ABI 1.3; 1.2 and before always injected a data abort): an
 * instruction abort for a fetch, a data abort for a load or store, each
 * with FAR the faulting address, as stock KVM injects.
 */
#define CV_RUN_INJECT_ABORT	2
#define CV_RUN_INJECT_DABT	CV_RUN_INJECT_ABORT /* the ABI 1.0-1.2 name */
#define CV_RUN_HVC_RET		3 /* guest x0 = x3 */
#define CV_RUN_SYSREG_DONE	4 /* ABI 1.3: x3 = the value an MRS reads; pc steps over */

/* VCPU_RUN: exit kinds (x0) and what the host sees */
#define CV_EXIT_IRQ		1 /* nothing */
#define CV_EXIT_ABORT		2 /* x1 ipa, x2 CV_ABORT_* flags, x3 write data */
#define CV_EXIT_HVC		3 /* x1..x4 = guest x0..x3 */
#define CV_EXIT_WFX		4 /* x1 = 1 for WFE, 0 for WFI */
#define CV_EXIT_OFF		5 /* the VM is off: x1 = 1 if it asked for a reset */
/*
 * ABI 1.3: a guest access to a system register the host emulates: x1 a
 * CV_SYSREG_* id, x2 1 for a write (MSR), 0 for a read (MRS), x3 the
 * value written.  The host answers CV_RUN_SYSREG_DONE (x3 = the value
 * read).  Only the EL1 physical timer is forwarded, which the host's
 * KVM emulates as it does for nVHE (CNTHCTL_EL2.EL1PCEN is clear while
 * a guest runs); the guest's other registers never reach the host.
 */
#define CV_EXIT_SYSREG		6

#define CV_SYSREG_CNTP_TVAL	0 /* CNTP_TVAL_EL0 */
#define CV_SYSREG_CNTP_CTL	1 /* CNTP_CTL_EL0 */
#define CV_SYSREG_CNTP_CVAL	2 /* CNTP_CVAL_EL0 */

/*
 * ABI 1.4: the per-CPU counters CV_HC_GET_STAT reads: how many, and the
 * system-counter ticks the corevisor spent (0 where it says so, and for
 * every guest exit: the exit path is counted, not timed).
 */
#define CV_STAT_HC_VCPU_RUN	0  /* VCPU_RUN calls (no time) */
#define CV_STAT_HC_MAP_PAGE	1  /* MAP_PAGE calls */
#define CV_STAT_HC_MAP_PAGES	2  /* MAP_PAGES calls */
#define CV_STAT_HC_VIRQ		3  /* GET_VIRQ and SET_VIRQ calls (no time) */
#define CV_STAT_HC_OTHER	4  /* every other host call */
#define CV_STAT_HOST_S2_FAULT	5  /* host stage-2 faults */
#define CV_STAT_HOST_SMC	6  /* host SMCs (PSCI) */
#define CV_STAT_EXIT_IRQ	7  /* guest exits, by cause: an interrupt */
#define CV_STAT_EXIT_ABORT	8  /* abort to the host: stage-2 fault or MMIO */
#define CV_STAT_EXIT_HVC	9  /* HVC to the host (PSCI, SMCCC) */
#define CV_STAT_EXIT_GHC	10 /* HVC answered at EL2: SHARE, UNSHARE, VERSION */
#define CV_STAT_EXIT_WFX	11 /* WFI or WFE */
#define CV_STAT_EXIT_SYSREG	12 /* system register to the host (CV_EXIT_SYSREG) */
#define CV_STAT_EXIT_SYSREG_EL2	13 /* system register answered at EL2 */
#define CV_STAT_EXIT_OTHER	14 /* UNDEF injected, SError */
#define CV_STAT_ANSWER_MMIO	15 /* aborts the host answered MMIO_DONE (no time) */
#define CV_STAT_ANSWER_RETRY	16 /* aborts answered NONE: a page mapped (no time) */
#define CV_STAT_WORK_MAP	17 /* pages given to a VM: checks, unmap, clean, map */
#define CV_STAT_WORK_CLEAN	18 /* pages cleaned to PoC for a VM */
#define CV_STAT_WORK_TLBI	19 /* host stage-2 TLB invalidations for it */
#define CV_STAT_WORK_SCRUB	20 /* pages zeroed and given back */
#define CV_STAT_GUEST		21 /* guest entries (no time) */
#define CV_STAT_LOCK_WAIT	22 /* waits for a corevisor lock another CPU held */
#define CV_STAT_NR		23

#define CV_ABORT_ISV		(1UL << 0) /* access described: MMIO possible */
#define CV_ABORT_WRITE		(1UL << 1)
#define CV_ABORT_SIZE_SHIFT	2	/* log2 of the access size, 2 bits */

/* The image header at offset 0 of corevisor.bin. */
#define CV_IMAGE_MAGIC		0x4b56434f
struct cv_image_header {
	cv_u32 magic;
	cv_u32 abi_version;
	cv_u64 image_size;
	cv_u64 init_vectors_offset;
	cv_u64 reserved[5];
};

#define CV_UART_NONE		0
#define CV_UART_PL011		1
#define CV_UART_8250		2 /* 32-bit registers (reg-shift 2) */

/* Written by the host inside the region; copied once at CV_HC_INIT. */
struct cv_boot_info {
	cv_u32 nr_ram;
	cv_u32 nr_cpus;
	struct {
		cv_u64 base;
		cv_u64 size;
	} ram[CV_MAX_RAM_RANGES];
	cv_u64 uart_base;
	cv_u32 uart_type;
	cv_u32 reserved;
	cv_u64 mpidr[CV_MAX_CPUS];
	/*
	 * ABI 1.0 appendix: the GICv2 virtual interface control (GICH)
	 * base, page aligned; 0: no GIC virtualization (LRs not loaded).
	 * The host loses access to it and to the page after it (a GIC-400's
	 * per-CPU aliases) at init.
	 */
	cv_u64 gich_base;
	/*
	 * ABI 1.2 appendix: the SMMU's register frame, page aligned; size 0:
	 * no SMMU.  The host never maps it again after init (a host that
	 * could program the SMMU could point a device at any page), and no
	 * VM gets it as a device page.
	 */
	cv_u64 smmu_base;
	cv_u64 smmu_size;
};

/*
 * What a VM image signature covers: Ed25519 over this 88-byte message,
 * where digest is the SHA-512 of the image bytes.  Binding ipa and size
 * stops the host from loading a signed image somewhere else.
 */
#define CV_IMAGE_SIG_TAG	"CVIMAGE1"
struct cv_image_signed {
	cv_u8 tag[8];
	cv_u64 ipa;	/* little endian */
	cv_u64 size;	/* little endian */
	cv_u8 digest[64];
};

#endif /* CV_ABI_H */
