/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Constants shared by the aarch64 assembly and C of the corevisor.
 * Plain numbers only: this file is included from .S files.
 */
#ifndef COREVISOR_ARCH_AARCH64_ASM_H
#define COREVISOR_ARCH_AARCH64_ASM_H

/*
 * Copies of the abi.h values that head.S needs (abi.h is C only);
 * trap.c checks at build time that they equal the originals.
 */
#define AA64_IMAGE_MAGIC	0x4b56434f
#define AA64_ABI_VERSION	0x00010006
#define AA64_MAX_CPUS		64
#define AA64_E_INVAL		(-1)
#define AA64_E_STATE		(-3)

/* Per-CPU EL2 stack: 16 KiB, room for the SHA-512/Ed25519 code. */
#define CV_STACK_SHIFT		14
#define CV_STACK_SIZE		(1 << CV_STACK_SHIFT)

/* The register frame every trap saves at the top of the stack. */
#define CV_FRAME_SIZE		256	/* x0..x30, then one spare slot */

/* ESR_EL2: the exception class the init vectors accept */
#define ESR_EC_SHIFT		26
#define ESR_EC_HVC64		0x16

/* enum machine_exit_kind, for the vectors (checked in switch.c) */
#define CV_EXIT_SYNC		0
#define CV_EXIT_IRQ		1
#define CV_EXIT_SERROR		2

#endif
