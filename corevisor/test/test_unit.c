// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: one file a layer in test/unit/, and one test per gap of
 * docs/gaps.md (each fails on the published snapshots' behaviour).
 */
#include "test.h"

void test_locks_pool(void);
void test_pgtable(void);
void test_pgtable_levels(void);
void test_encode_aarch64(void);
void test_init_and_el2(void);
void test_gap7_dense_cpu_index(void);
void test_gap2_stub_calls(void);
void test_gap3_gap4_core_memory(void);
void test_host_s2_rebuild(void);
void test_vm_memory(void);
void test_host_fault_around(void);
void test_pool_limits(void);
void test_gap1_gap8_image_auth(void);
void test_gap6_recycling_and_smmu(void);
void test_gap9_vcpu_exits(void);
void test_guest_machine(void);
void test_psci_cpu_on(void);
void test_vgic(void);
void test_run_lrs(void);
void test_map_pages(void);
void test_exit_stats(void);
void test_lock_wait_stats(void);
void test_exit_no_vm_lock(void);
void test_vmids(void);

int main(void)
{
	test_locks_pool();
	test_pgtable();
	test_pgtable_levels();
	test_encode_aarch64();
	test_init_and_el2();
	test_gap7_dense_cpu_index();
	test_gap2_stub_calls();
	test_gap3_gap4_core_memory();
	test_host_s2_rebuild();
	test_vm_memory();
	test_host_fault_around();
	test_pool_limits();
	test_gap1_gap8_image_auth();
	test_gap9_vcpu_exits();
	test_guest_machine();
	test_psci_cpu_on();
	test_gap6_recycling_and_smmu();
	test_vgic();
	test_run_lrs();
	test_map_pages();
	test_exit_stats();
	test_lock_wait_stats();
	test_exit_no_vm_lock();
	test_vmids();
	return t_finish("unit");
}
