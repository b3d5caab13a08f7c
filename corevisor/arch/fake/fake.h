/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake machine: what host tests can see and steer.  Not trusted code.
 */
#ifndef ARCH_FAKE_H
#define ARCH_FAKE_H

#include <core/machine.h>

#define FAKE_MAX_CPUS	8

/* RAM: each range gets its own zeroed backing store. */
void fake_reset(void);
void fake_add_ram(u64 base, u64 size);
bool fake_is_ram(u64 pa);
void fake_set_footprint(u64 bytes);
/*
 * Every page the core reaches through machine_pa() is marked touched: the
 * core has no other way to physical memory, so an untouched table page is
 * an unchanged one.  Tests read with fake_peek(), which does not mark.
 */
bool fake_touched(u64 pa);
void fake_clear_touched(void);
void *fake_peek(u64 pa);

/*
 * The fake's table entries (machine_pte_*): the level an entry was made
 * for (-1: invalid), whether it points at a table, its memory type.
 */
int fake_pte_level(u64 pte);
bool fake_pte_is_table(u64 pte);
enum machine_mem fake_pte_mem(u64 pte);
u64 fake_pte_pa(u64 pte);	/* unchecked, for independent walkers */

/* This thread becomes CPU cpu (with MPIDR fake_mpidr(cpu)). */
void fake_set_cpu(unsigned int cpu);
u64 fake_mpidr(unsigned int cpu);
u64 fake_sysreg(unsigned int cpu, enum machine_sysreg reg);
bool fake_mmu_on(unsigned int cpu);

/* GICH_VTR.ListRegs + 1 that machine_vgic_init reports */
void fake_set_vgic_lrs(u32 n);

/* machine_ticks(): one more at every read */
extern u64 fake_ticks;

/* Counters of maintenance operations. */
extern unsigned long fake_tlbi_count, fake_dcache_count, fake_icache_count;
/* fake_tlbi_count just after the last invalidation of each 8-bit VMID */
extern unsigned long fake_tlbi_vmid_at[256];

/* Called at each machine_dcache_flush (a clean for a VM), if set. */
extern void (*fake_dcache_hook)(u64 pa);

/* Everything printed through the UART since fake_reset(). */
const char *fake_uart_output(void);

/* The guest: called for each world switch; fills in the exit. */
typedef void (*fake_guest_fn)(struct machine_vcpu *vcpu,
			      struct machine_exit *exit);
void fake_set_guest(fake_guest_fn fn);

#endif
