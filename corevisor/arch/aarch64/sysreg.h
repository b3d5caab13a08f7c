/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System register accessors and bit definitions of the aarch64 machine
 * layer.  Only the fields the corevisor uses are named.
 */
#ifndef COREVISOR_ARCH_AARCH64_SYSREG_H
#define COREVISOR_ARCH_AARCH64_SYSREG_H

#include <core/machine.h>

#define read_sysreg(r) ({						\
	u64 __val;							\
	asm volatile("mrs %0, " #r : "=r" (__val));			\
	__val;								\
})

#define write_sysreg(v, r) ({						\
	asm volatile("msr " #r ", %x0" : : "rZ" ((u64)(v)));		\
})

#define dsb(opt) ({							\
	asm volatile("dsb " #opt : : : "memory");			\
})

static inline void isb(void)
{
	asm volatile("isb" : : : "memory");
}

/* ESR_ELx */
#define ESR_EC(esr)		(((esr) >> 26) & 0x3f)
#define ESR_IL			(1UL << 25)
#define ESR_DABT_WNR		(1UL << 6)
#define ESR_FSC_SEA		0x10	/* synchronous external abort */
#define EC_UNKNOWN		0x00
#define EC_FP_ASIMD		0x07	/* FP/SIMD trapped by CPTR_EL2.TFP */
#define EC_PAC			0x09	/* PAC instruction, HCR_EL2.API clear */
#define EC_HVC64		0x16
#define EC_SMC64		0x17
#define EC_SYS64		0x18
#define EC_IABT_LOW		0x20
#define EC_IABT_CUR		0x21
#define EC_DABT_LOW		0x24
#define EC_DABT_CUR		0x25

/* SPSR_ELx */
#define SPSR_MODE_MASK		0x1f
#define SPSR_MODE_EL0T		0x00
#define SPSR_MODE_EL1T		0x04
#define SPSR_MODE_EL1H		0x05
#define SPSR_NRW_AARCH32	(1UL << 4)
#define SPSR_DAIF		(0xfUL << 6)
#define SPSR_PAN		(1UL << 22)

/* Offsets in an EL1 vector table. */
#define VECT_CUR_SP0		0x000
#define VECT_CUR_SPX		0x200
#define VECT_LOWER_A64		0x400
#define VECT_LOWER_A32		0x600

/* HCR_EL2 bits the machine layer adds or removes */
#define HCR_VSE			(1UL << 8)
#define HCR_TSC			(1UL << 19)
#define HCR_APK			(1UL << 40)
#define HCR_API			(1UL << 41)

/*
 * Pointer authentication: ID_AA64ISAR1_EL1 APA [7:4], API [11:8], GPA
 * [27:24], GPI [31:28]; ID_AA64ISAR2_EL1 (RAZ before Armv8.7, so safe to
 * read on any CPU) GPA3 [11:8], APA3 [15:12].
 */
static inline bool cpu_has_pauth(void)
{
	return (read_sysreg(id_aa64isar1_el1) & 0xff000ff0UL) ||
	       (read_sysreg(s3_0_c0_c6_2) & 0xff00UL);
}

/*
 * HCR_EL2.API/APK (do not trap pointer authentication) are RES0 on a
 * CPU without it (Cortex-A72): keep them clear there.
 */
static inline u64 hcr_for_cpu(u64 hcr)
{
	if (!cpu_has_pauth())
		hcr &= ~(HCR_API | HCR_APK);
	return hcr;
}

/* SCTLR_EL2 (HCR_EL2.E2H == 0) */
#define SCTLR_EL2_RES1		0x30c50830UL
#define SCTLR_M			(1UL << 0)
#define SCTLR_C			(1UL << 2)
#define SCTLR_SA		(1UL << 3)
#define SCTLR_I			(1UL << 12)
#define SCTLR_WXN		(1UL << 19)
#define SCTLR_EL1_SPAN		(1UL << 23)

/* CPTR_EL2 (E2H == 0): RES1 bits, TFP traps FP/SIMD, TZ traps SVE. */
#define CPTR_EL2_RES1		0x000032ffUL
#define CPTR_TZ			(1UL << 8)
#define CPTR_TFP		(1UL << 10)

/* MDCR_EL2: HPMN in [4:0]; everything else (traps) left clear. */
#define MDCR_HPMN_MASK		0x1fUL

/* CNTHCTL_EL2 (E2H == 0): EL1 may use the physical counter and timer. */
#define CNTHCTL_EL1PCTEN	(1UL << 0)
#define CNTHCTL_EL1PCEN		(1UL << 1)

/* HPFAR_EL2.FIPA is IPA[47:12] in bits [43:4]. */
#define HPFAR_FIPA(hpfar)	(((hpfar) & 0x00000ffffffffff0UL) << 8)

/* ID_AA64MMFR1_EL1.PAN */
#define MMFR1_PAN(v)		(((v) >> 20) & 0xf)

#endif
