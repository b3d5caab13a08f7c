/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private interface between the aarch64 C files and head.S / switch.S.
 */
#ifndef COREVISOR_ARCH_AARCH64_AARCH64_H
#define COREVISOR_ARCH_AARCH64_AARCH64_H

#include <core/machine.h>
#include "sysreg.h"

#define CV_DC_CIVAC	0
#define CV_DC_IVAC	1
#define CV_DC_CVAC	2

/*
 * SCTLR_EL2 with the MMU on: MMU, data and instruction caches, SP
 * alignment check, and WXN: no writable page is executable (the core
 * maps only .text executable, read-only: core/init.c).
 */
#define CV_SCTLR_EL2	(SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | \
			 SCTLR_I | SCTLR_WXN)

/* head.S */
void cv_mmu_enable(u64 ttbr0, u64 tcr, u64 mair, u64 sctlr);
void cv_dcache_op_range(u64 start, u64 end, int op);
extern char cv_image_start[], cv_runtime_vectors[];
extern char __cv_text_start[], __cv_text_end[], __cv_data_start[];
extern char __cv_image_end[];
u64 cv_guest_enter(u64 *guest_regs, u64 *host_save);
void cv_fpsimd_save(u64 *area);
void cv_fpsimd_load(const u64 *area);

/* trap.c: CPUs past CV_HC_INIT, read by head.S with the MMU off */
extern bool cv_cpu_installed[CV_MAX_CPUS];

/* C entry points called from the vectors; regs = saved x0..x30 */
void cv_init_hvc(u64 *regs);
void cv_host_sync(u64 *regs);
void cv_host_serror(u64 *regs);
void cv_el2_panic(u64 *regs);

/* uart.c */
void uart_puts(const char *s);
void uart_put_hex(u64 v);

#endif
