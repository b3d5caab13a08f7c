// SPDX-License-Identifier: GPL-2.0-only
/*
 * hypercall: the one dispatcher for host HVCs after init.
 *
 * A switch, not a handler table: every call's path is visible to a
 * reader in one place, there is no function pointer the host could ever
 * influence, and the compiler checks the cases.  Each case only unpacks
 * registers and calls the layer that owns the operation; the layers
 * validate every argument and change nothing when they refuse.
 * Hyp-stub calls 0..3 (SET_VECTORS, SOFT_RESTART, RESET_VECTORS, and
 * 3: VHE_RESTART in 5.12-5.18, FINALISE_EL2 from 5.19) and any second
 * CV_HC_INIT are refused: EL2 is never handed back (gap 2 of
 * docs/gaps.md).
 * Unknown ids get CV_E_NOSYS.
 * Install gate (hole 3): until every CPU named in the boot info is
 * installed, a CPU that is online but not yet installed runs the host
 * without a stage 2 and can write any VM or corevisor page, so no VM
 * exists before then: every call but the version and stage-2 queries
 * is refused with CV_E_STATE.  After the host asked for a reset or a
 * power-off (core_host_reset) they are refused for good.
 */
#include <core/core.h>

static bool vm_calls_open(void)
{
	return machine_load_acquire(&core.nr_up) == core.nr_cpus &&
	       !machine_load_acquire(&core.resetting);
}

static s64 dispatch(u64 *r)
{
	u64 out[4] = { 0 };
	s64 ret;

	/*
	 * VCPU_RUN first: every guest exit the host handles is one.  None
	 * of the ids the first switch below answers equals it, so this
	 * only changes the order of the tests, not their outcome.  Its
	 * answer goes straight into r[1..4]: vcpu_run writes them (all
	 * four) only once it has accepted the call.  VCPU_RUN_LRS (1.6)
	 * also carries the list registers in r[5..6], both ways.
	 */
	if (r[0] == CV_HC_VCPU_RUN) {
		if (!vm_calls_open())
			return CV_E_STATE;
		return vcpu_run(r[1], r[2], r[3], r[4], &r[1], NULL);
	}
	if (r[0] == CV_HC_VCPU_RUN_LRS) {
		if (!vm_calls_open())
			return CV_E_STATE;
		return vcpu_run(r[1], r[2], r[3], r[4], &r[1], &r[5]);
	}
	switch (r[0]) {
	case 0: case 1: case 2: case 3:
		return CV_E_DENIED;
	case CV_HC_INIT:
		return CV_E_STATE;
	case CV_HC_ABI_VERSION:
		return CV_ABI_VERSION;
	case CV_HC_S2_ENABLED:
		return core.cpu_up[machine_cpu_index()];
	}
	if (!vm_calls_open())
		return CV_E_STATE;
	switch (r[0]) {
	case CV_HC_REGISTER_VM:
		return vm_register();
	case CV_HC_REGISTER_VCPU:
		return vm_register_vcpu(r[1], r[2]);
	case CV_HC_SET_VM_KEY:
		return vm_set_key(r[1], r[2]);
	case CV_HC_SET_BOOT_IMAGE:
		return vm_set_image(r[1], r[2], r[3], r[4], r[5]);
	case CV_HC_LOAD_IMAGE_PAGE:
		return vm_load_page(r[1], r[2], r[3]);
	case CV_HC_VERIFY_IMAGES:
		return vm_verify(r[1]);
	case CV_HC_POWER_ON:
		return vm_power_on(r[1], r[2], r[3]);
	case CV_HC_VM_STOP:
		return vm_stop(r[1]);
	case CV_HC_TEARDOWN:
		return vm_teardown(r[1]);
	case CV_HC_MAP_PAGE:
		return vm_map(r[1], r[2], r[3]);
	case CV_HC_UNMAP_PAGE:
		return vm_unmap(r[1], r[2]);
	case CV_HC_MAP_DEVICE:
		return vm_device(r[1], r[2], r[3]);
	case CV_HC_MAP_PAGES:
		return vm_map_pages(r[1], r[2], r[3], r[4]);
	case CV_HC_GET_STAT:
		ret = stat_get(r[1], r[2], out);
		break;
	case CV_HC_TLB_FLUSH_VM: {
		struct vm *vm = vm_get_locked(r[1]);

		if (!vm)
			return CV_E_INVAL;
		machine_tlbi_vmid(vm_vttbr(vm));
		lock_give(&vm->lock);
		return 0;
	}
	case CV_HC_SET_TIMER_OFFSET:
		return vcpu_set_timer(r[1], r[2], r[3]);
	case CV_HC_GET_VIRQ:
		ret = vcpu_get_virq(r[1], r[2], r[3], &out[0]);
		break;
	case CV_HC_SET_VIRQ:
		return vcpu_set_virq(r[1], r[2], r[3], r[4]);
	case CV_HC_SMMU_ALLOC:
		ret = smmu_alloc(r[1], r[2], &out[0]);
		break;
	case CV_HC_SMMU_FREE:
		return smmu_free(r[1]);
	case CV_HC_SMMU_MAP:
		return smmu_map(r[1], r[2], r[3]);
	case CV_HC_SMMU_UNMAP:
		return smmu_unmap(r[1], r[2]);
	default:
		return CV_E_NOSYS;
	}
	if (ret >= 0) {
		r[1] = out[0];
		r[2] = out[1];
		r[3] = out[2];
		r[4] = out[3];
	}
	return ret;
}

/* The counter a host call goes to (CV_STAT_*). */
static u32 hc_stat(u64 id)
{
	switch (id) {
	case CV_HC_VCPU_RUN:
	case CV_HC_VCPU_RUN_LRS:
		return CV_STAT_HC_VCPU_RUN;
	case CV_HC_MAP_PAGE:
		return CV_STAT_HC_MAP_PAGE;
	case CV_HC_MAP_PAGES:
		return CV_STAT_HC_MAP_PAGES;
	case CV_HC_GET_VIRQ:
	case CV_HC_SET_VIRQ:
		return CV_STAT_HC_VIRQ;
	}
	return CV_STAT_HC_OTHER;
}

/*
 * The calls of every exit (VCPU_RUN, the vGIC's) are only counted: a
 * timer read on their path would cost more than they do.
 */
static bool hc_timed(u64 id)
{
	return id != CV_HC_VCPU_RUN && id != CV_HC_VCPU_RUN_LRS &&
	       id != CV_HC_GET_VIRQ && id != CV_HC_SET_VIRQ;
}

void core_host_hvc(u64 regs[8])
{
	unsigned int cpu = machine_cpu_index();
	u64 id = regs[0], t0;

	if (cpu >= CV_MAX_CPUS || !core.cpu_up[cpu]) {
		regs[0] = (u64)(s64)CV_E_STATE;
		return;
	}
	if (id == CV_HC_VCPU_RUN) {	/* the most frequent, first */
		regs[0] = (u64)dispatch(regs);
		stat_count(core_stats[cpu], CV_STAT_HC_VCPU_RUN);
		return;
	}
	if (!hc_timed(id)) {
		regs[0] = (u64)dispatch(regs);
		stat_count(core_stats[cpu], hc_stat(id));
		return;
	}
	t0 = machine_ticks();
	regs[0] = (u64)dispatch(regs);
	stat_add_row(core_stats[cpu], hc_stat(id), 1, machine_ticks() - t0);
}

bool core_host_abort(u64 esr, u64 ipa)
{
	u64 t0 = machine_ticks();
	bool ok = pgs_host_fault(ipa);

	stat_since(CV_STAT_HOST_S2_FAULT, t0);
	return ok;
}

void core_host_smc_done(u64 t0)
{
	stat_since(CV_STAT_HOST_SMC, t0);
}
