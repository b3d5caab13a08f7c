/* SPDX-License-Identifier: GPL-2.0-only */
/* Symbols of start.S that main.c uses, and the other way round. */
#ifndef COREVISOR_TEST_EL2_H
#define COREVISOR_TEST_EL2_H

#include <stdint.h>

/* start.S */
extern char corevisor_bin[], corevisor_bin_end[];
extern char probe_read_insn[], probe_write_insn[];
extern char stub_vectors[], secondary_entry[], cpu2_entry[], rogue_entry[];
extern char __bss_end[];
extern char guest_page[], guest_pub[], guest_sig[];
void hvc_all(const uint64_t in[31], uint64_t out[31]);
void fp_set(uint64_t v);
uint64_t fp_get(int n);
uint64_t probe_read(uint64_t pa);
void probe_write(uint64_t pa, uint64_t val);
void probe_exec(uint64_t pa);
uint64_t el0_probe(uint64_t pa);

/* main.c */
extern uint64_t cpu2_ran_el2;
void test_main(uint64_t cpu);
void el1_sync(uint64_t *frame);
void el1_bad(void);

#endif
