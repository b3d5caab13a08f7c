// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU threads.  Each thread loops on KVM_RUN and serves the exits that
 * reach user space: MMIO (the UART, the virtio devices) and SYSTEM_EVENT
 * (PSCI SYSTEM_OFF, SYSTEM_RESET).  PSCI CPU_ON/OFF, the timer and the GIC never leave the
 * kernel.  When the guest ends, the thread that saw it sets
 * immediate_exit in every vCPU's run structure and signals the others, so
 * a thread blocked in KVM_RUN (a powered-off vCPU) or about to enter it
 * returns EINTR and stops: no vCPU runs after the guest is over.
 */
#include "vcpu.h"
#include "uart.h"
#include "virtio_blk.h"
#include "virtio_console.h"
#include "virtio_net.h"

#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#define CORE_REG(name) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
			KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(name))
#define REG_MPIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 5)
/* Sent to vCPU threads to kick them out of KVM_RUN. */
#define KICK_SIGNAL	SIGUSR1

static int get_reg(struct vcpu *vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg);
}

static int set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg);
}

int vcpu_create(struct vm *vm, unsigned int index)
{
	struct vcpu *vcpu = &vm->vcpus[index];
	struct kvm_vcpu_init init;
	void *run;

	vcpu->vm = vm;
	vcpu->index = index;
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, index);
	vm->nr_vcpus = index + 1;	/* so vm_destroy closes it */
	if (vcpu->fd < 0) {
		fprintf(stderr, "vmm: KVM_CREATE_VCPU %u: %s\n", index,
			strerror(errno));
		return -1;
	}
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED) {
		fprintf(stderr, "vmm: vCPU %u: mmap of kvm_run: %s\n", index,
			strerror(errno));
		return -1;
	}
	vcpu->run = run;
	/* The host CPU type KVM can present, e.g. KVM_ARM_TARGET_GENERIC_V8 */
	memset(&init, 0, sizeof(init));
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init) < 0) {
		perror("vmm: KVM_ARM_PREFERRED_TARGET");
		return -1;
	}
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (index > 0)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init) < 0) {
		fprintf(stderr, "vmm: vCPU %u: KVM_ARM_VCPU_INIT (target %u): "
			"%s\n", index, init.target, strerror(errno));
		return -1;
	}
	if (get_reg(vcpu, REG_MPIDR_EL1, &vcpu->mpidr) < 0) {
		fprintf(stderr, "vmm: vCPU %u: reading MPIDR_EL1: %s\n",
			index, strerror(errno));
		return -1;
	}
	return 0;
}

int vcpu_create_all(struct vm *vm, unsigned int n)
{
	unsigned int i;
	int max = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);

	/* Say why up front rather than let KVM_CREATE_VCPU fail with EINVAL
	 * (a GICv2 VM has at most 8 vCPUs; the host may allow fewer).
	 */
	if (max > 0 && n > (unsigned int)max) {
		fprintf(stderr, "vmm: --cpus %u: this KVM allows at most %d "
			"vCPUs per VM\n", n, max);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (vcpu_create(vm, i) < 0)
			return -1;
	return 0;
}

int vcpu_set_boot_regs(struct vcpu *vcpu, uint64_t entry, uint64_t dtb)
{
	if (set_reg(vcpu, CORE_REG(regs.pc), entry) < 0 ||
	    set_reg(vcpu, CORE_REG(regs.regs[0]), dtb) < 0 ||
	    set_reg(vcpu, CORE_REG(regs.regs[1]), 0) < 0 ||
	    set_reg(vcpu, CORE_REG(regs.regs[2]), 0) < 0 ||
	    set_reg(vcpu, CORE_REG(regs.regs[3]), 0) < 0) {
		fprintf(stderr, "vmm: vCPU %u: setting boot registers: %s\n",
			vcpu->index, strerror(errno));
		return -1;
	}
	return 0;
}

/* Record why the guest ended (first caller wins) and stop every vCPU. */
static void vm_stop(struct vm *vm, int status)
{
	unsigned int i;

	pthread_mutex_lock(&vm->stop_lock);
	if (!atomic_load(&vm->stopping)) {
		vm->exit_status = status;
		atomic_store(&vm->stopping, true);
		for (i = 0; i < vm->nr_vcpus; i++)
			vm->vcpus[i].run->immediate_exit = 1;
		for (i = 0; i < vm->nr_threads; i++)
			if (!pthread_equal(vm->vcpus[i].thread, pthread_self()))
				pthread_kill(vm->vcpus[i].thread, KICK_SIGNAL);
	}
	pthread_mutex_unlock(&vm->stop_lock);
}

#define MAX_UNHANDLED_MMIO_REPORTS 10
static atomic_uint unhandled_mmio_reports;

static void handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint64_t addr = run->mmio.phys_addr;

	if (uart_mmio(addr, run->mmio.data, run->mmio.len,
		      run->mmio.is_write) ||
	    (!vcpu->vm->no_virtio &&
	     vcon_mmio(addr, run->mmio.data, run->mmio.len,
		       run->mmio.is_write)) ||
	    vblk_mmio(addr, run->mmio.data, run->mmio.len,
		      run->mmio.is_write) ||
	    vnet_mmio(addr, run->mmio.data, run->mmio.len,
		      run->mmio.is_write))
		return;
	/* No device there: reads see zeros, writes vanish, as on a bus
	 * with nothing attached; say so (it usually means a DT mismatch),
	 * but only the first few times, so a polling guest cannot flood.
	 */
	if (atomic_fetch_add(&unhandled_mmio_reports, 1) <
	    MAX_UNHANDLED_MMIO_REPORTS)
		fprintf(stderr, "vmm: vCPU %u: %s of %u bytes at 0x%llx: "
			"no device%s\n", vcpu->index,
			run->mmio.is_write ? "write" : "read", run->mmio.len,
			(unsigned long long)addr,
			atomic_load(&unhandled_mmio_reports) ==
			MAX_UNHANDLED_MMIO_REPORTS ? " (no more reported)" : "");
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
}

/* Guest run time, from the vCPU threads' start: the boot-time baseline
 * a SeKVM run is compared with.
 */
static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void handle_system_event(struct vcpu *vcpu)
{
	uint32_t type = vcpu->run->system_event.type;

	switch (type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		fprintf(stderr, "vmm: guest powered off after %.3f s\n",
			seconds_since(&vcpu->vm->started));
		vm_stop(vcpu->vm, VMM_EXIT_POWEROFF);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		fprintf(stderr, "vmm: guest asked for a reset after %.3f s; "
			"stopping\n", seconds_since(&vcpu->vm->started));
		vm_stop(vcpu->vm, VMM_EXIT_RESET);
		break;
	default:
		fprintf(stderr, "vmm: guest system event %u (crash) after "
			"%.3f s\n", type, seconds_since(&vcpu->vm->started));
		vm_stop(vcpu->vm, VMM_EXIT_CRASH);
		break;
	}
}

/* Serve one exit; false if the vCPU cannot go on. */
static bool handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		handle_mmio(vcpu);
		return true;
	case KVM_EXIT_SYSTEM_EVENT:
		handle_system_event(vcpu);
		return true;
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_FAIL_ENTRY:
		fprintf(stderr, "vmm: vCPU %u: entry failed, reason 0x%llx\n",
			vcpu->index, (unsigned long long)
			run->fail_entry.hardware_entry_failure_reason);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		fprintf(stderr, "vmm: vCPU %u: KVM internal error %u\n",
			vcpu->index, run->internal.suberror);
		return false;
	default:
		fprintf(stderr, "vmm: vCPU %u: unexpected exit reason %u\n",
			vcpu->index, run->exit_reason);
		return false;
	}
}

static atomic_flag refused_said = ATOMIC_FLAG_INIT;

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;

	while (!atomic_load(&vm->stopping)) {
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			/* The corevisor runs no VM whose images it has not
			 * verified; porttool's boot checks grep this line
			 * (once, whichever vCPU hears it first).
			 */
			if (errno == EPERM && vm->sekvm) {
				if (!atomic_flag_test_and_set(&refused_said))
					fprintf(stderr, "vmm: image refused by "
						"the corevisor (KVM_RUN: "
						"EPERM)\n");
				vm_stop(vm, VMM_EXIT_ERROR);
				break;
			}
			fprintf(stderr, "vmm: vCPU %u: KVM_RUN: %s\n",
				vcpu->index, strerror(errno));
			vm_stop(vm, VMM_EXIT_ERROR);
			break;
		}
		if (!handle_exit(vcpu))
			vm_stop(vm, VMM_EXIT_ERROR);
	}
	return NULL;
}

static void kick_handler(int sig)
{
	(void)sig;	/* only here to interrupt KVM_RUN with EINTR */
}

int vcpu_run_all(struct vm *vm)
{
	struct sigaction sa;
	unsigned int i;
	int err;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;	/* no SA_RESTART: KVM_RUN must end */
	sigaction(KICK_SIGNAL, &sa, NULL);
	/* The stop lock is held while threads start, so vm_stop never
	 * signals a thread handle that is not yet filled in.
	 */
	pthread_mutex_lock(&vm->stop_lock);
	clock_gettime(CLOCK_MONOTONIC, &vm->started);
	for (i = 0; i < vm->nr_vcpus; i++) {
		err = pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread,
				     &vm->vcpus[i]);
		if (err) {
			fprintf(stderr, "vmm: vCPU %u thread: %s\n", i,
				strerror(err));
			break;
		}
		vm->nr_threads++;
	}
	pthread_mutex_unlock(&vm->stop_lock);
	if (vm->nr_threads < vm->nr_vcpus)
		vm_stop(vm, VMM_EXIT_ERROR);
	for (i = 0; i < vm->nr_threads; i++)
		pthread_join(vm->vcpus[i].thread, NULL);
	return vm->exit_status;
}
