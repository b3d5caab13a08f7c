// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL2 test: the host side of the hand-over, run at EL1 under QEMU with
 * the corevisor at a real EL2.  CPU 0 prints one line per check
 * ("PASS name" / "FAIL name: why") and "el2: N passed, N failed" at the
 * end, then powers the machine off.  CPU 1 does its own hand-over and a
 * few checks, and hands its results to CPU 0 through memory (both run
 * with the EL1 MMU off, so memory is coherent between them).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <corevisor/abi.h>
#include "el2.h"

#ifdef EL2_FUZZ
/* fuzz.c, which includes this file to build the fuzzer's image */
static void fuzz_main(void);
static void fuzz_cpu1(void);
static void fuzz_dump(void);
static void fuzz_before_cpu1(void);
#endif

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint8_t u8;
typedef int64_t s64;

/*
 * Memory shared between the CPUs and with the exception handler: one
 * access each, never cached in a register (the EL1 MMU is off, so plain
 * accesses are coherent between the CPUs).
 */
#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

#define UART_BASE	0x09000000UL
/* QEMU virt, gic-version=2: virtual interface control and CPU interface */
#define GICH_BASE	0x08030000UL
#define GICH_LR3	0x10cUL
#define VIRQ_INTID	27
#define VIRQ_INTID2	26	/* the one VCPU_RUN_LRS brings */
#define STALE_INTID	28
#define LR_PENDING	(1UL << 28)
#define LR_STATE	(3UL << 28)
#define LR_PRIO_LOW	(1UL << 23)	/* one below the highest */
#define GICV_BASE	0x08040000UL
#define RAM_BASE	0x40000000UL
#define RAM_SIZE	(256UL << 20)
/* REGION_BASE comes from the build: 2 MiB aligned */
#define REGION_SIZE	(32UL << 20)
#define BOOT_INFO_PA	(REGION_BASE + REGION_SIZE - 0x10000)
/* PSCI names CPUs by their affinity fields */
#define CPU1_AFF	1UL
#define CPU2_AFF	2UL	/* up before the hand-over, not in the boot info */
#define CPU3_AFF	3UL	/* must never start */
/* QEMU virt, iommu=smmuv3: the SMMU's register frame */
#define SMMU_BASE	0x09050000UL
#define SMMU_SIZE	0x20000UL
/*
 * Host RAM outside the test image and both regions, which QEMU leaves
 * alone across a reset: the reset test's marker and its VM's image.
 */
#define RESET_MARK_PA	(RAM_BASE + 0x04000000UL)
#define RESET_IMG_PA	(RAM_BASE + 0x04001000UL)
#define RESET_MAGIC	0x7465736574736572UL
#define PSCI_NOT_SUPPORTED	(-1)

#define PSCI_VERSION	0x84000000UL
#define PSCI_CPU_ON	0xc4000003UL
#define PSCI_FEATURES	0x8400000aUL
#define PSCI_SYSTEM_OFF	0x84000008UL
#define PSCI_SYSTEM_RESET	0x84000009UL
#define STUB_UNKNOWN	0x57ab57abUL
#define WAIT_LONG	400000000UL	/* bounded: the test never hangs */
#define WAIT_SHORT	20000000UL

#define EC_SVC64	0x15
#define EC_IABT_CUR	0x21
#define EC_DABT_LOW	0x24
#define EC_DABT_CUR	0x25
#define HOST_PATTERN	0x4057000000000000UL	/* | register number */
#define FSC_SEA		0x10

/* set by cpu2_entry (start.S) if CPU 2 ever runs */
u64 cpu2_ran_el2;

struct regs {
	u64 x[4];
};

/* ------------------------------------------------------------ output */

static void out_c(char c)
{
	u32 *uart = (u32 *)UART_BASE;

	while (LOAD(uart[0x18 / 4]) & (1 << 5))
		;
	STORE(uart[0], (u8)c);
}

static void out_s(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			out_c('\r');
		out_c(*s);
	}
}

static void out_hex(u64 v)
{
	int shift;

	out_s("0x");
	for (shift = 60; shift >= 0; shift -= 4)
		out_c("0123456789abcdef"[(v >> shift) & 0xf]);
}

static void out_u(u64 v)
{
	char buf[21];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	out_s(&buf[i]);
}

static unsigned int passed, failed;

static void pass(const char *name)
{
	passed++;
	out_s("PASS ");
	out_s(name);
	out_s("\n");
}

/* "FAIL name: why value" */
static void fail(const char *name, const char *why, u64 val)
{
	failed++;
	out_s("FAIL ");
	out_s(name);
	out_s(": ");
	out_s(why);
	out_s(" ");
	out_hex(val);
	out_s("\n");
}

static void check(const char *name, bool ok, const char *why, u64 val)
{
	if (ok)
		pass(name);
	else
		fail(name, why, val);
}

/* ------------------------------------------------------------ calls */

static struct regs call(bool smc, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4,
			u64 a5)
{
	register u64 x0 asm("x0") = a0;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;
	register u64 x4 asm("x4") = a4;
	register u64 x5 asm("x5") = a5;
	struct regs r;

	if (smc)
		asm volatile("smc #0"
			     : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3),
			       "+r" (x4), "+r" (x5)
			     :
			     : "x6", "x7", "x8", "x9", "x10", "x11", "x12",
			       "x13", "x14", "x15", "x16", "x17", "memory");
	else
		asm volatile("hvc #0"
			     : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3),
			       "+r" (x4), "+r" (x5)
			     :
			     : "x6", "x7", "x8", "x9", "x10", "x11", "x12",
			       "x13", "x14", "x15", "x16", "x17", "memory");
	r.x[0] = x0;
	r.x[1] = x1;
	r.x[2] = x2;
	r.x[3] = x3;
	return r;
}

static s64 hvc(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	return (s64)call(false, a0, a1, a2, a3, a4, a5).x[0];
}

static s64 smc(u64 a0, u64 a1, u64 a2, u64 a3)
{
	return (s64)call(true, a0, a1, a2, a3, 0, 0).x[0];
}

/* Print the summary and power off: the end of the test, or its abort. */
static void __attribute__((noreturn)) stop_test(void)
{
#ifdef EL2_FUZZ
	if (failed)
		fuzz_dump();
#endif
	out_s("el2: ");
	out_u(passed);
	out_s(" passed, ");
	out_u(failed);
	out_s(" failed\n");
	smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		asm volatile("wfi");
}

/* --------------------------------------------------- EL1 exceptions */

struct fault {
	u64 count, esr, far, elr;
};

static struct fault faults[3];

static unsigned int cpu_id(void)
{
	u64 mpidr;

	asm volatile("mrs %0, mpidr_el1" : "=r" (mpidr));
	return mpidr & 3;
}

/*
 * A synchronous exception at EL1.  Only the two probe instructions may
 * fault: record the syndrome and step over the access.
 */
/* where probe_exec() branches: an abort there returns to probe_exec */
static u64 exec_target = ~0UL;

void el1_sync(u64 *frame)
{
	struct fault *f = &faults[cpu_id()];
	u64 esr, far, elr, resume;

	asm volatile("mrs %0, esr_el1" : "=r" (esr));
	asm volatile("mrs %0, far_el1" : "=r" (far));
	asm volatile("mrs %0, elr_el1" : "=r" (elr));
	if (elr == LOAD(exec_target))
		resume = frame[19];	/* x30: back into probe_exec */
	else
		resume = elr + 4;
	if (elr != (u64)probe_read_insn && elr != (u64)probe_write_insn &&
	    elr != LOAD(exec_target)) {
		fail("el1", "unexpected exception, ESR", esr);
		stop_test();
	}
	STORE(f->esr, esr);
	STORE(f->far, far);
	STORE(f->elr, elr);
	STORE(f->count, LOAD(f->count) + 1);
	asm volatile("msr elr_el1, %0" : : "r" (resume));
}

void el1_bad(void)
{
	fail("el1", "unexpected asynchronous exception", 0);
	stop_test();
}

/*
 * Access pa and expect the corevisor to refuse it with a synchronous
 * external abort injected at EL1.  Returns NULL when it did, or why not.
 */
static const char *expect_abort(u64 pa, bool write)
{
	struct fault *f = &faults[cpu_id()];
	u64 before = LOAD(f->count);

	if (write)
		probe_write(pa, 0x5a5a5a5a5a5a5a5aUL);
	else
		probe_read(pa);
	u64 esr = LOAD(f->esr);

	if (LOAD(f->count) != before + 1)
		return "access did not fault";
	if ((esr >> 26) != EC_DABT_CUR)
		return "not a data abort from EL1";
	if ((esr & 0x3f) != FSC_SEA)
		return "not a synchronous external abort";
	if (LOAD(f->far) != pa)
		return "wrong fault address";
	if (!!(esr & (1 << 6)) != write)
		return "wrong WnR";
	return NULL;
}

/* ------------------------------------------------------- hand-over */

/* read from the header before the hand-over: unreadable afterwards */
static u64 init_vectors_offset;

static u64 init_vectors_pa(void)
{
	return REGION_BASE + init_vectors_offset;
}

static void dcache_clean(u64 start, u64 end)
{
	for (start &= ~63UL; start < end; start += 64)
		asm volatile("dc civac, %0" : : "r" (start) : "memory");
	asm volatile("dsb sy" : : : "memory");
}

/*
 * CPU 0's hand-over, with every register checked: the corevisor must
 * return x1..x30 as the host left them (x0 is the result).
 */
static s64 hand_over_all_regs(const char **why)
{
	u64 in[31], out[31];
	s64 r = hvc(0, init_vectors_pa(), 0, 0, 0, 0);
	int i;

	*why = NULL;
	if (r)
		return r;
	for (i = 0; i < 31; i++)
		in[i] = HOST_PATTERN | i;
	in[0] = CV_HC_INIT;
	in[1] = REGION_BASE;
	in[2] = REGION_SIZE;
	in[3] = BOOT_INFO_PA;
	in[4] = 0;
	hvc_all(in, out);
	for (i = 1; i < 31; i++)
		if (out[i] != in[i])
			*why = "a host register changed";
	return (s64)out[0];
}

/* What the port does on each CPU. */
static s64 hand_over(u64 cpu)
{
	s64 r = hvc(0, init_vectors_pa(), 0, 0, 0, 0);

	if (r)
		return r;
	return hvc(CV_HC_INIT, REGION_BASE, REGION_SIZE, BOOT_INFO_PA, cpu,
		   0);
}

static void load_image(void)
{
	char *dst = (char *)REGION_BASE;
	struct cv_boot_info *bi = (void *)BOOT_INFO_PA;
	u64 i, n = corevisor_bin_end - corevisor_bin;

	for (i = 0; i < n; i++)
		dst[i] = corevisor_bin[i];
	for (i = 0; i < sizeof(*bi); i++)
		((char *)bi)[i] = 0;
	bi->nr_ram = 1;
	bi->ram[0].base = RAM_BASE;
	bi->ram[0].size = RAM_SIZE;
	bi->uart_base = UART_BASE;
	bi->uart_type = CV_UART_PL011;
	bi->gich_base = GICH_BASE;
	bi->smmu_base = SMMU_BASE;
	bi->smmu_size = SMMU_SIZE;
	bi->nr_cpus = 2;
	bi->mpidr[0] = 0x80000000UL;
	bi->mpidr[1] = 0x80000000UL | CPU1_AFF;
	dcache_clean(REGION_BASE, REGION_BASE + n);
	dcache_clean(BOOT_INFO_PA, BOOT_INFO_PA + sizeof(*bi));
	asm volatile("ic iallu; dsb sy; isb" : : : "memory");
}

/* ------------------------------------------------------------ CPU 1 */

/* CPU 0 -> CPU 1 */
static u64 cpu1_go;
/* CPU 1 -> CPU 0 */
static u64 cpu1_alive, cpu1_done;
static s64 cpu1_init, cpu1_s2, cpu1_second_init;
static const char *cpu1_probe;

/* CPU 0 -> CPU 1: a VCPU_RUN to make on CPU 1 (when run_vmid is set) */
static u64 cpu1_run_vmid, cpu1_run_value, cpu1_run_action;
/* CPU 1 -> CPU 0 */
static u64 cpu1_run_done, cpu1_run_x[5];
static const char *cpu1_run_why;

static const char *run(u64 vmid, u64 value, u64 action, u64 *x);

static void cpu1_serve_runs(void)
{
	u64 vmid, x[31];
	int i;

	for (;;) {
#ifdef EL2_FUZZ
		fuzz_cpu1();
#endif
		vmid = LOAD(cpu1_run_vmid);
		if (!vmid)
			continue;
		STORE(cpu1_run_why, run(vmid, LOAD(cpu1_run_value),
					 LOAD(cpu1_run_action), x));
		for (i = 0; i < 5; i++)
			STORE(cpu1_run_x[i], x[i]);
		STORE(cpu1_run_vmid, 0);
		STORE(cpu1_run_done, 1);
	}
}

static void cpu1_main(void)
{
	STORE(cpu1_alive, 1);
	while (!LOAD(cpu1_go))
		;
	STORE(cpu1_init, hand_over(1));
	STORE(cpu1_s2, hvc(CV_HC_S2_ENABLED, 0, 0, 0, 0, 0));
	STORE(cpu1_probe, expect_abort(REGION_BASE + 0x1000, false));
	STORE(cpu1_second_init, hvc(CV_HC_INIT, REGION_BASE, REGION_SIZE,
				    BOOT_INFO_PA, 1, 0));
	STORE(cpu1_done, 1);
	cpu1_serve_runs();
}

/* ------------------------------------------------------------ CPU 2 */

/* CPU 0 -> CPU 2 */
static u64 cpu2_go;
/* CPU 2 -> CPU 0 */
static u64 cpu2_alive, cpu2_done;
static s64 cpu2_init;

static u64 counter(void)
{
	u64 v;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r" (v));
	return v;
}

static u64 counter_hz(void)
{
	u64 v;

	asm volatile("mrs %0, cntfrq_el0" : "=r" (v));
	return v;
}

/*
 * CPU 2 is online but never handed over.  While CPU 0 runs a guest (at
 * EL2, on its EL2 stack), it asks the init vectors for CPU 0's index:
 * that must be refused before CPU 0's stack is touched.
 */
static void cpu2_main(void)
{
	u64 t;

	STORE(cpu2_alive, 1);
	while (!LOAD(cpu2_go))
		;
	t = counter();
	while (counter() - t < counter_hz() / 50)	/* 20 ms */
		;
	STORE(cpu2_init, hand_over(0));
	STORE(cpu2_done, 1);
	for (;;)
		asm volatile("wfi");
}

static bool wait_for(u64 *flag, u64 loops)
{
	u64 i;

	for (i = 0; i < loops; i++)
		if (LOAD(*flag))
			return true;
	return false;
}

/* ------------------------------------------------------------ CPU 0 */

/*
 * Branch to pa and expect an instruction abort (synchronous external)
 * injected at EL1, with the host resuming right after the branch.
 */
static void check_exec_abort(const char *name, u64 pa)
{
	struct fault *f = &faults[0];
	u64 before = LOAD(f->count), esr;
	const char *why = NULL;

	STORE(exec_target, pa);
	probe_exec(pa);
	STORE(exec_target, ~0UL);
	esr = LOAD(f->esr);
	if (LOAD(f->count) != before + 1)
		why = "branch did not fault";
	else if ((esr >> 26) != EC_IABT_CUR || (esr & 0x3f) != FSC_SEA)
		why = "not a synchronous external instruction abort, ESR";
	else if (LOAD(f->far) != pa || LOAD(f->elr) != pa)
		why = "wrong fault address";
	check(name, !why, why ? why : "", esr);
}

/* The same from EL0: the abort goes to the host's lower-EL vector. */
static void check_el0_abort(const char *name, u64 pa)
{
	u64 esr = el0_probe(pa), far;

	asm volatile("mrs %0, far_el1" : "=r" (far));
	if ((esr >> 26) == EC_SVC64)
		fail(name, "access did not fault", pa);
	else
		check(name, (esr >> 26) == EC_DABT_LOW &&
		      (esr & 0x3f) == FSC_SEA && far == pa,
		      "not a synchronous external abort from EL0, ESR", esr);
}

static void check_abort(const char *name, u64 pa, bool write)
{
	const char *why = expect_abort(pa, write);

	check(name, !why, why ? why : "", pa);
}

static void check_error(const char *name, s64 r)
{
	check(name, r < 0, "accepted, returned", (u64)r);
}

static void test_cpu0(void)
{
	const struct cv_image_header *h = (const void *)REGION_BASE;
	const char *why;
	u64 image_size, val = 0;
	s64 r;

	r = smc(PSCI_CPU_ON, CPU1_AFF, (u64)secondary_entry, 0);
	check("cpu1 on", r == 0 && wait_for(&cpu1_alive, WAIT_LONG),
	      "PSCI CPU_ON returned", (u64)r);
	r = smc(PSCI_CPU_ON, CPU2_AFF, (u64)rogue_entry, 0);
	check("cpu2 on (not in the boot info)", r == 0 &&
	      wait_for(&cpu2_alive, WAIT_LONG), "PSCI CPU_ON returned", (u64)r);
	/* SMMU_IDR0, a 32-bit register: the SMMU is there */
	val = LOAD(*(u32 *)SMMU_BASE);
	check("smmu there before the hand-over", val != 0, "SMMU_IDR0", val);

	load_image();
	image_size = h->image_size;
	init_vectors_offset = h->init_vectors_offset;
	check("image header", h->magic == CV_IMAGE_MAGIC &&
	      h->abi_version == CV_ABI_VERSION &&
	      image_size == (u64)(corevisor_bin_end - corevisor_bin) &&
	      !(h->init_vectors_offset & 2047),
	      "bad header, magic", h->magic);

	/*
	 * What a boot may leave in a list register: a pending interrupt
	 * of the highest priority, which test_virq's guest would take
	 * before the host's should the corevisor load only the list
	 * registers it uses without emptying the others first.
	 */
	STORE(*(u32 *)(GICH_BASE + GICH_LR3), (u32)(LR_PENDING | STALE_INTID));
	r = hand_over_all_regs(&why);
	check("init cpu0", r == 0, "CV_HC_INIT returned", (u64)r);
	if (r)
		return;
	check("init keeps host registers", !why, why ? why : "", 0);
	/* CPU 1 still runs the host without a stage 2: no VM yet */
	r = hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0);
	check("gate: no VM before every CPU is installed", r == CV_E_STATE,
	      "REGISTER_VM returned", (u64)r);
#ifdef EL2_FUZZ
	fuzz_before_cpu1();
#endif

	STORE(cpu1_go, 1);
	if (!wait_for(&cpu1_done, WAIT_LONG)) {
		fail("init cpu1", "CPU 1 did not finish", 0);
	} else {
		check("init cpu1", LOAD(cpu1_init) == 0,
		      "CV_HC_INIT returned", (u64)LOAD(cpu1_init));
		check("stage-2 on cpu1", LOAD(cpu1_s2) == 1,
		      "CV_HC_S2_ENABLED returned", (u64)LOAD(cpu1_s2));
		check("read core page cpu1", !LOAD(cpu1_probe),
		      LOAD(cpu1_probe) ? LOAD(cpu1_probe) : "", 0);
		check_error("second init cpu1", LOAD(cpu1_second_init));
	}

	r = hvc(CV_HC_ABI_VERSION, 0, 0, 0, 0, 0);
	check("abi version", r == CV_ABI_VERSION, "returned", (u64)r);
	r = hvc(CV_HC_S2_ENABLED, 0, 0, 0, 0, 0);
	check("stage-2 on cpu0", r == 1, "returned", (u64)r);

	check_abort("read image header", REGION_BASE, false);
	check_abort("read core code", init_vectors_pa(), false);
	check_abort("read past image", REGION_BASE + image_size, false);
	check_abort("read boot info", BOOT_INFO_PA, false);
	check_abort("read region end", REGION_BASE + REGION_SIZE - 8, false);
	check_abort("write core code", init_vectors_pa() + 0x400, true);
	check_abort("write core data", REGION_BASE + image_size - 8, true);
	check_abort("write region mid", REGION_BASE + REGION_SIZE / 2, true);
	check_el0_abort("read core page from EL0", REGION_BASE + 0x2000);
	check("read host page from EL0", (el0_probe(REGION_BASE - 8) >> 26) ==
	      EC_SVC64, "no SVC after the load", 0);
	check_exec_abort("exec core code", init_vectors_pa() + 0x400);
	check_exec_abort("exec region mid", REGION_BASE + REGION_SIZE / 2);
	r = hvc(CV_HC_ABI_VERSION, 0, 0, 0, 0, 0);
	check("alive after aborts", r == CV_ABI_VERSION, "returned", (u64)r);
	check("host memory usable", ({
		probe_write(REGION_BASE - 8, 0x1234);
		probe_read(REGION_BASE - 8) == 0x1234 &&
		LOAD(faults[0].count) == 10;
	}), "faults seen", LOAD(faults[0].count));
	check_abort("smmu hidden from the host", SMMU_BASE, false);
	check_abort("smmu hidden from the host, last page",
		    SMMU_BASE + SMMU_SIZE - 8, false);

	/* The hyp-stub calls are gone: the stub's own vectors stay away. */
	r = hvc(0, (u64)stub_vectors, 0, 0, 0, 0);
	check("stub set_vectors refused", r == CV_E_DENIED, "returned",
	      (u64)r);
	r = hvc(1, (u64)stub_vectors, 0, 0, 0, 0);
	check("stub soft_restart refused", r == CV_E_DENIED, "returned",
	      (u64)r);
	r = hvc(2, 0, 0, 0, 0, 0);
	check("stub reset_vectors refused", r == CV_E_DENIED, "returned",
	      (u64)r);
	r = hvc(3, (u64)stub_vectors, 0, 0, 0, 0);
	check("stub finalise_el2 (6.1) refused", r == CV_E_DENIED,
	      "returned", (u64)r);
	r = hvc(CV_HC_ABI_VERSION, 0, 0, 0, 0, 0);
	check("vectors unchanged", r == CV_ABI_VERSION, "returned", (u64)r);

	/* garbage */
	r = hvc(CV_HC(0x7ff), 1, 2, 3, 4, 5);
	check("unknown call", r == CV_E_NOSYS, "returned", (u64)r);
	check_error("not a cv call", hvc(0xdeadbeef, 0, 0, 0, 0, 0));
	check_error("all ones", hvc(~0UL, ~0UL, ~0UL, ~0UL, ~0UL, ~0UL));
	check_error("vcpu of bad vm", hvc(CV_HC_REGISTER_VCPU, 999, 0, 0, 0,
					  0));
	check_error("map into bad vm", hvc(CV_HC_MAP_PAGE, 12345,
					   RAM_BASE + 0x100000, 0, 0, 0));
	check_error("key from core page", hvc(CV_HC_SET_VM_KEY, 1,
					      REGION_BASE, 0, 0, 0));
	check_error("teardown vm 0", hvc(CV_HC_TEARDOWN, 0, 0, 0, 0, 0));
	check_error("run bad vcpu", hvc(CV_HC_VCPU_RUN, ~0UL, ~0UL, 0, 0, 0));
	r = hvc(CV_HC_ABI_VERSION, 0, 0, 0, 0, 0);
	check("alive after garbage", r == CV_ABI_VERSION, "returned", (u64)r);

	/* A second hand-over is refused, through either door. */
	check_error("second init", hvc(CV_HC_INIT, REGION_BASE, REGION_SIZE,
				       BOOT_INFO_PA, 0, 0));
	r = hvc(0, init_vectors_pa(), 0, 0, 0, 0);
	check("init vectors refused", r == CV_E_DENIED, "returned", (u64)r);
	check_error("second init, other cpu index",
		    hvc(CV_HC_INIT, REGION_BASE, REGION_SIZE, BOOT_INFO_PA, 1,
			0));

	/* SMCs: queries reach the firmware, a CPU_ON is refused. */
	r = smc(PSCI_VERSION, 0, 0, 0);
	check("psci version passes", r > 0 && r != (s64)STUB_UNKNOWN,
	      "returned", (u64)r);
	r = smc(PSCI_FEATURES, PSCI_VERSION, 0, 0);
	check("psci features passes", r == 0, "returned", (u64)r);
	r = smc(PSCI_FEATURES, PSCI_CPU_ON, 0, 0);
	check("psci features hides cpu_on", r == PSCI_NOT_SUPPORTED,
	      "returned", (u64)r);
	/*
	 * CPU 3 is off and not in boot info: starting it would run our
	 * code at EL2, around the corevisor.
	 */
	r = smc(PSCI_CPU_ON, CPU3_AFF, (u64)cpu2_entry, 0);
	check("psci cpu_on refused", r == PSCI_NOT_SUPPORTED && ({
		wait_for(&cpu2_ran_el2, WAIT_SHORT) ? false : true; }),
	      "returned", (u64)r);
}

/* ------------------------------------------------------ VM test */

#define HOST_FP		0x1111222233334444UL
#define HOST_BVR	0x12340UL	/* the host's breakpoint 0 address */
#define HOST_MDSCR	(1UL << 15)	/* MDE: the host has debug on */
#define GUEST_MDSCR	(1UL << 13)	/* guest.S: KDE */

/* The host's own debug state, which no guest run may change. */
static void debug_set(u64 bvr, u64 mdscr)
{
	asm volatile("msr dbgbvr0_el1, %0\n\tmsr mdscr_el1, %1\n\tisb"
		     : : "r" (bvr), "r" (mdscr) : "memory");
}

static u64 host_bvr(void)
{
	u64 v;

	asm volatile("mrs %0, dbgbvr0_el1" : "=r" (v));
	return v;
}

static u64 host_mdscr(void)
{
	u64 v;

	asm volatile("mrs %0, mdscr_el1" : "=r" (v));
	return v;
}
/*
 * The host's own APIA key, which no guest run may change: guest.S loads
 * its own (lazily switched) where the CPU has pointer authentication.
 */
#define HOST_PAUTH_KEY	0x0123456789abcdefUL

static bool cpu_pauth(void)
{
	u64 v;

	asm volatile("mrs %0, id_aa64isar1_el1" : "=r" (v));
	return v & 0xff0;	/* APA, API */
}

static void pauth_key_set(u64 key)
{
	asm volatile("msr s3_0_c2_c1_0, %0\n\tmsr s3_0_c2_c1_1, %0\n\tisb"
		     : : "r" (key) : "memory");
}

/* The host's APIA key is still its own (trivially so without pauth). */
static bool pauth_key_kept(u64 *lo)
{
	u64 hi;

	*lo = 0;
	if (!cpu_pauth())
		return true;
	asm volatile("mrs %0, s3_0_c2_c1_0\n\tmrs %1, s3_0_c2_c1_1"
		     : "=r" (*lo), "=r" (hi));
	return *lo == HOST_PAUTH_KEY && hi == HOST_PAUTH_KEY;
}

#define GUEST_SECRET	0x5e5e5e5e5e5e5e5eUL
#define GUEST_MMIO	0x09000000UL
#define GUEST_GICC	0x08010000UL	/* guest.S */
#define PAGE		4096UL

static _Alignas(PAGE) char spare_page[PAGE];

/*
 * One VCPU_RUN with every register checked: the host's x5..x30 must come
 * back untouched and no register may hold a value only the guest has.
 * x[] gets x0..x30 after the call.  With lrs, a VCPU_RUN_LRS (ABI 1.6):
 * lrs[] goes in x5, x6 and gets them back; x7..x30 are checked.
 */
static const char *run_with(u64 vmid, u64 value, u64 action, u64 *lrs,
			    u64 *x)
{
	u64 in[31];
	int i;

	for (i = 0; i < 31; i++)
		in[i] = HOST_PATTERN | i;
	in[0] = lrs ? CV_HC_VCPU_RUN_LRS : CV_HC_VCPU_RUN;
	in[1] = vmid;
	in[2] = 0;
	in[3] = value;
	in[4] = action;
	if (lrs) {
		in[5] = lrs[0];
		in[6] = lrs[1];
	}
	hvc_all(in, x);
	for (i = lrs ? 7 : 5; i < 31; i++)
		if (x[i] != in[i])
			return "a host register changed";
	for (i = 0; i < 31; i++)
		if (x[i] == GUEST_SECRET)
			return "a guest register leaked";
	if (lrs) {
		lrs[0] = x[5];
		lrs[1] = x[6];
	}
	return NULL;
}

static const char *run(u64 vmid, u64 value, u64 action, u64 *x)
{
	return run_with(vmid, value, action, NULL, x);
}

/* The same as run(), made by CPU 1: the vCPU moves between CPUs. */
static const char *run_on_cpu1(u64 vmid, u64 value, u64 action, u64 *x)
{
	int i;

	STORE(cpu1_run_done, 0);
	STORE(cpu1_run_value, value);
	STORE(cpu1_run_action, action);
	STORE(cpu1_run_vmid, vmid);
	if (!wait_for(&cpu1_run_done, WAIT_LONG))
		return "CPU 1 did not answer";
	for (i = 0; i < 5; i++)
		x[i] = LOAD(cpu1_run_x[i]);
	return LOAD(cpu1_run_why);
}

/*
 * The host's EL1 physical timer (PPI 30) through the GICv2 of QEMU virt,
 * to interrupt a running guest: the host itself keeps IRQs masked.
 */
#define GICD_BASE	0x08000000UL
#define GICC_BASE	0x08010000UL
#define TIMER_PPI	30

static void mmio32(u64 pa, u32 val)
{
	STORE(*(u32 *)pa, val);
}

/* The host's timer interrupt on this CPU, ticks from now. */
static void host_timer_arm(u64 ticks)
{
	mmio32(GICD_BASE + 0x000, 1);			/* GICD_CTLR */
	mmio32(GICD_BASE + 0x100, 1U << TIMER_PPI);	/* ISENABLER0 */
	mmio32(GICC_BASE + 0x004, 0xff);		/* GICC_PMR */
	mmio32(GICC_BASE + 0x000, 1);			/* GICC_CTLR */
	asm volatile("msr cntp_tval_el0, %0" : : "r" (ticks));
	asm volatile("msr cntp_ctl_el0, %0; isb" : : "r" (1UL));
}

/* The host's timer interrupt, 200 ms from now (or off). */
static void host_timer_irq(bool on)
{
	if (on) {
		host_timer_arm(counter_hz() / 5);
	} else {
		asm volatile("msr cntp_ctl_el0, xzr; isb");
		mmio32(GICD_BASE + 0x180, 1U << TIMER_PPI); /* ICENABLER0 */
		mmio32(GICC_BASE + 0x000, 0);
	}
}

/* Read pa and expect no fault; *val gets the value. */
static bool read_ok(u64 pa, u64 *val)
{
	u64 before = LOAD(faults[0].count);

	*val = probe_read(pa);
	return LOAD(faults[0].count) == before;
}

/*
 * A VM whose image signature does not match (signed for another IPA)
 * is refused at verification, and tears down cleanly.
 */
static void test_vm_bad_signature(void)
{
	s64 vmid = hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0);
	u64 pa = (u64)spare_page, val = 1;
	s64 r;

	if (vmid <= 0) {
		fail("vm bad signature", "REGISTER_VM returned", (u64)vmid);
		return;
	}
	spare_page[0] = 1;
	dcache_clean(pa, pa + PAGE);
	r = hvc(CV_HC_REGISTER_VCPU, vmid, 0, 0, 0, 0);
	if (!r)
		r = hvc(CV_HC_SET_VM_KEY, vmid, (u64)guest_pub, 0, 0, 0);
	if (!r)
		r = hvc(CV_HC_SET_BOOT_IMAGE, vmid, 0, GUEST_IPA + PAGE, PAGE,
			(u64)guest_sig);
	if (!r)
		r = hvc(CV_HC_LOAD_IMAGE_PAGE, vmid, 0, pa, 0, 0);
	check("vm bad signature: set up", r == 0, "returned", (u64)r);
	r = hvc(CV_HC_VERIFY_IMAGES, vmid, 0, 0, 0, 0);
	check("vm bad signature: refused", r == CV_E_DENIED, "returned",
	      (u64)r);
	r = hvc(CV_HC_POWER_ON, vmid, GUEST_IPA + PAGE, 0, 0, 0);
	check_error("vm bad signature: no power on", r);
	r = hvc(CV_HC_TEARDOWN, vmid, 0, 0, 0, 0);
	check("vm bad signature: teardown", r == 0, "returned", (u64)r);
	check("vm bad signature: page back, scrubbed",
	      read_ok(pa, &val) && val == 0, "value", val);
}

/*
 * Runs (with lrs: VCPU_RUN_LRS) until an exit other than the host's own
 * IRQ, at most 8 times, the first answering with action.
 */
static const char *run_past_irqs(u64 vmid, u64 action, u64 *lrs, u64 *x)
{
	const char *why = NULL;
	int i;

	for (i = 0; i < 8; i++) {
		why = run_with(vmid, 0, action, lrs, x);
		if (why || x[0] != CV_EXIT_IRQ)
			break;
		action = CV_RUN_NONE;
	}
	return why;
}

/* The guest's report (guest.S, guest_irq): it took virtual INTID intid. */
static void check_virq_taken(const char *name, const char *why,
			     const u64 *x, u64 intid)
{
	check(name, !why && x[0] == CV_EXIT_HVC && x[1] == 0x1e0 &&
	      x[2] == intid, why ? why : "exit/x1/x2",
	      why ? 0 : x[0] << 48 | x[1] << 16 | x[2]);
}

/*
 * ABI 1.6: the guest waits for a second interrupt, which comes with the
 * run itself (VCPU_RUN_LRS: LR1 pending, LR0, spent, given back empty).
 * A set with a bad register (the HW bit on an SPI) is refused first and
 * changes nothing.  IRQ exits on the way are re-run with the registers
 * as the run gave them back, as the host's vGIC would.
 */
static void test_virq_with_run(u64 vmid, u64 *x)
{
	const u64 spi_hw = 0x80000000UL | 40 << 10 | 40;
	u64 lrs[2], bad[2];
	const char *why;

	bad[0] = (LR_PENDING | LR_PRIO_LOW | VIRQ_INTID2) << 32;
	bad[1] = spi_hw << 32;
	lrs[0] = bad[0];
	lrs[1] = bad[1];
	why = run_with(vmid, 0, CV_RUN_HVC_RET, lrs, x);
	check("vm virq with the run: a bad list register refuses the run",
	      !why && (s64)x[0] == CV_E_INVAL && lrs[0] == bad[0] &&
	      lrs[1] == bad[1], why ? why : "returned", x[0]);
	lrs[1] = 0;
	why = run_past_irqs(vmid, CV_RUN_HVC_RET, lrs, x);
	check_virq_taken("vm guest took the virq the run brought (VCPU_RUN_LRS)",
			 why, x, VIRQ_INTID2);
	check("vm virq with the run: registers given back, LR1 inactive",
	      !why && (lrs[0] & 0xffffffff) == 0 &&
	      (lrs[0] >> 32 & 0x3ff) == VIRQ_INTID2 &&
	      !(lrs[0] >> 32 & LR_STATE) && lrs[1] == 0, "x5", lrs[0]);
}

/*
 * A virtual interrupt through the GICv2 list registers: the host sets
 * one pending (SET_VIRQ), the guest takes it at EL1 through its GICV,
 * acknowledges and EOIs it, and reports the INTID by HVC; the list
 * register comes back empty.  Host IRQ exits on the way are re-run.
 */
static void test_virq(u64 vmid, u64 *x)
{
	struct regs res;
	const char *why;
	s64 r;
	u64 lr;

	r = hvc(CV_HC_SET_VIRQ, vmid, 0, 0,
		LR_PENDING | LR_PRIO_LOW | VIRQ_INTID, 0);
	check("vm virq set", r == 0, "returned", (u64)r);
	why = run_past_irqs(vmid, CV_RUN_HVC_RET, NULL, x);
	check_virq_taken("vm guest took the virq at EL1 (GICV IAR/EOIR)", why,
			 x, VIRQ_INTID);
	res = call(false, CV_HC_GET_VIRQ, vmid, 0, 0, 0, 0);
	r = (s64)res.x[0];
	lr = res.x[1];
	check("vm virq lr saved back, inactive", r == 0 &&
	      (lr & 0x3ff) == VIRQ_INTID && !(lr & LR_STATE), "lr", lr);
	res = call(false, CV_HC_GET_VIRQ, vmid, 0, 3, 0, 0);
	check("vm virq: a list register the host left empty stays empty",
	      res.x[0] == 0 && res.x[1] == 0, "lr 3", res.x[1]);
	test_virq_with_run(vmid, x);
	check_abort("host cannot read GICH", GICH_BASE, false);
	check_abort("host cannot write GICH", GICH_BASE + 0x100, true);
}

/*
 * Issue 14, on a real EL2: the guest's physical timer reaches the host
 * as CV_EXIT_SYSREG (register, direction, written value) and the
 * host's answer lands in the guest's register; a fetch from an
 * unbacked IPA, answered CV_RUN_INJECT_ABORT, is an instruction abort
 * (EC 0x21, external abort) with FAR the fetched address.
 */
#define GUEST_CVAL	0xc0ffee1234UL	/* guest.S */
#define UNBACKED_IPA	0x20000000UL
#define GUEST_CTL_ANSWER 5UL		/* ENABLE | ISTATUS, from the "host" */

static void test_guest_machine(u64 vmid, u64 *x)
{
	const char *why = run(vmid, 0, CV_RUN_HVC_RET, x);

	check("vm physical timer: CVAL write forwarded with its value",
	      !why && x[0] == CV_EXIT_SYSREG && x[1] == CV_SYSREG_CNTP_CVAL &&
	      x[2] == 1 && x[3] == GUEST_CVAL && x[4] == 0,
	      why ? why : "exit/reg", why ? 0 : x[0] << 32 | x[1]);
	why = run(vmid, 0, CV_RUN_SYSREG_DONE, x);
	check("vm physical timer: CTL read forwarded, no value shown",
	      !why && x[0] == CV_EXIT_SYSREG && x[1] == CV_SYSREG_CNTP_CTL &&
	      x[2] == 0 && x[3] == 0,
	      why ? why : "exit/reg", why ? 0 : x[0] << 32 | x[1]);
	why = run(vmid, GUEST_CTL_ANSWER, CV_RUN_SYSREG_DONE, x);
	check("vm physical timer: the host's value reaches the guest's register",
	      !why && x[0] == CV_EXIT_HVC && x[1] == GUEST_CTL_ANSWER,
	      why ? why : "exit/x1", why ? 0 : x[0] << 32 | x[1]);
	why = run(vmid, 0, CV_RUN_HVC_RET, x);
	check("vm fetch from an unbacked IPA: abort exit, no MMIO",
	      !why && x[0] == CV_EXIT_ABORT && x[1] == UNBACKED_IPA &&
	      x[2] == 0, why ? why : "exit/ipa", why ? 0 : x[0] << 32 | x[1]);
	why = run(vmid, 0, CV_RUN_INJECT_ABORT, x);
	check("vm fetch abort injected as an instruction abort (EC 0x21)",
	      !why && x[0] == CV_EXIT_HVC && x[1] == 0xbad &&
	      x[2] == 0x86000010 && x[3] == UNBACKED_IPA,
	      why ? why : "ESR", why ? 0 : x[2]);
}

/*
 * The transitions the host must never get, each refused with nothing
 * changed: a corevisor page or another VM's page into a VM (MAP_PAGE,
 * LOAD_IMAGE_PAGE), and either into an SMMU context, the host's or a
 * VM's; and a page a device can reach into a VM.  vm_page is a page of
 * VM vmid (its image).
 */
static void test_forbidden_maps(u64 vmid, u64 vm_page)
{
	static const u64 core_pages[] = {
		REGION_BASE, REGION_BASE + PAGE, BOOT_INFO_PA,
		REGION_BASE + REGION_SIZE - PAGE,
	};
	u64 spare = (u64)spare_page, ipa = GUEST_IPA + 4 * PAGE, root;
	s64 other, bare, r;
	unsigned int i;

	other = hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0);
	r = other > 0 ? hvc(CV_HC_SET_VM_KEY, other, (u64)guest_pub, 0, 0,
			    0) : other;
	if (!r)
		r = hvc(CV_HC_SET_BOOT_IMAGE, other, 0, GUEST_IPA, PAGE,
			(u64)guest_sig);
	check("forbidden: second VM set up", other > 0 && !r, "returned",
	      (u64)r);
	bare = hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0);
	if (other <= 0 || bare <= 0)
		return;
	for (i = 0; i < sizeof(core_pages) / sizeof(core_pages[0]); i++) {
		check_error("forbidden: corevisor page into a VM",
			    hvc(CV_HC_MAP_PAGE, vmid, core_pages[i], ipa, 0, 0));
		check_error("forbidden: corevisor page as a VM image",
			    hvc(CV_HC_LOAD_IMAGE_PAGE, other, 0, core_pages[i],
				0, 0));
	}
	/* host buffers (key, signature) are host pages only */
	for (i = 0; i < 2; i++) {
		u64 buf = i ? vm_page : REGION_BASE + PAGE;

		check_error("forbidden: VM key from a page not the host's",
			    hvc(CV_HC_SET_VM_KEY, bare, buf, 0, 0, 0));
		check_error("forbidden: signature from a page not the host's",
			    hvc(CV_HC_SET_BOOT_IMAGE, other, 1,
				GUEST_IPA + 16 * PAGE, PAGE, buf));
	}
	check_error("forbidden: another VM's page into a VM",
		    hvc(CV_HC_MAP_PAGE, other, vm_page, ipa, 0, 0));
	check_error("forbidden: another VM's page as a VM image",
		    hvc(CV_HC_LOAD_IMAGE_PAGE, other, 0, vm_page, 0, 0));
	check_error("forbidden: a VM's page into itself twice",
		    hvc(CV_HC_MAP_PAGE, vmid, vm_page, ipa, 0, 0));
	check_error("forbidden: a host page over a VM's mapped page",
		    hvc(CV_HC_MAP_PAGE, vmid, spare, GUEST_IPA, 0, 0));

	/* a host SMMU context: host pages only */
	r = (s64)call(false, CV_HC_SMMU_ALLOC, 0, 0, 0, 0, 0).x[0];
	check("forbidden: host SMMU context", r == 0, "returned", (u64)r);
	for (i = 0; i < sizeof(core_pages) / sizeof(core_pages[0]); i++)
		check_error("forbidden: corevisor page into a host SMMU context",
			    hvc(CV_HC_SMMU_MAP, 0, (i + 1) * PAGE,
				core_pages[i], 0, 0));
	check_error("forbidden: VM page into a host SMMU context",
		    hvc(CV_HC_SMMU_MAP, 0, 8 * PAGE, vm_page, 0, 0));
	r = hvc(CV_HC_SMMU_MAP, 0, 9 * PAGE, spare, 0, 0);
	check("forbidden: host page into a host SMMU context", r == 0,
	      "returned", (u64)r);
	check_error("forbidden: page a device reaches into a VM",
		    hvc(CV_HC_MAP_PAGE, vmid, spare, ipa, 0, 0));

	/*
	 * A VM's SMMU context: that VM's own pages only, at their guest
	 * address.  The VM has no image, so that the owner check is the
	 * only one in the way (a page's guest frame is its iova here).
	 */
	r = (s64)call(false, CV_HC_SMMU_ALLOC, 1, bare, 0, 0, 0).x[0];
	check("forbidden: VM SMMU context", bare > 0 && r == 0, "returned",
	      (u64)r);
	check_error("forbidden: another VM's page into a VM SMMU context",
		    hvc(CV_HC_SMMU_MAP, 1, GUEST_IPA, vm_page, 0, 0));
	check_error("forbidden: corevisor page into a VM SMMU context",
		    hvc(CV_HC_SMMU_MAP, 1, 0, REGION_BASE + PAGE, 0, 0));
	check_error("forbidden: host page into a VM SMMU context",
		    hvc(CV_HC_SMMU_MAP, 1, 0, spare, 0, 0));
	/* a device may reach the VM: none of its pages leaves it */
	r = hvc(CV_HC_SMMU_UNMAP, 0, 9 * PAGE, 0, 0, 0);
	r |= hvc(CV_HC_MAP_PAGE, bare, spare, GUEST_IPA + PAGE, 0, 0);
	check("forbidden: page into a VM with an SMMU context", r == 0,
	      "returned", (u64)r);
	check_error("forbidden: page out of a VM with an SMMU context",
		    hvc(CV_HC_UNMAP_PAGE, bare, GUEST_IPA + PAGE, 0, 0, 0));
	r = (s64)call(false, CV_HC_SMMU_ALLOC, 2, vmid, 0, 0, 0).x[0];
	check("forbidden: SMMU context of the image's VM", r == 0, "returned",
	      (u64)r);
	check_error("forbidden: a VM's boot image into its SMMU context",
		    hvc(CV_HC_SMMU_MAP, 2, GUEST_IPA, vm_page, 0, 0));
	check_error("forbidden: a VM's page at another DMA address",
		    hvc(CV_HC_SMMU_MAP, 2, ipa, vm_page, 0, 0));
	check_error("forbidden: RAM as a VM device",
		    hvc(CV_HC_MAP_DEVICE, vmid, spare, ipa, 0, 0));
	check_error("forbidden: corevisor page as a VM device",
		    hvc(CV_HC_MAP_DEVICE, vmid, REGION_BASE + PAGE, ipa, 0, 0));

	/* all refused: the pages are where they were */
	check_abort("forbidden: VM page still the VM's", vm_page, false);

	/* a VM's SMMU contexts die with it: teardown unbinds them */
	r = hvc(CV_HC_TEARDOWN, bare, 0, 0, 0, 0);
	check("teardown of a VM with a bound SMMU context", r == 0,
	      "returned", (u64)r);
	check_error("its SMMU context went with it",
		    hvc(CV_HC_SMMU_FREE, 1, 0, 0, 0, 0));
	root = 0;
	r = hvc(CV_HC_SMMU_FREE, 0, 0, 0, 0, 0);
	r |= hvc(CV_HC_SMMU_FREE, 2, 0, 0, 0, 0);
	r |= hvc(CV_HC_TEARDOWN, other, 0, 0, 0, 0);
	check("forbidden: clean-up, page back zeroed", r == 0 &&
	      read_ok(spare, &root) && !root, "returned", (u64)r);
}

/*
 * ABI 1.4 at a real EL2: MAP_PAGES takes a list of host pages the host
 * has just read (their translations in its TLB) and must leave none of
 * them reachable from the host; a page named again is refused; the
 * exit counters saw it, with time from the real counter.
 */
static _Alignas(PAGE) u64 map_list[PAGE / 8];
static _Alignas(PAGE) char map_pages[2][PAGE];

static void test_map_pages(void)
{
	u64 p0 = (u64)map_pages[0], p1 = (u64)map_pages[1], val = 1;
	u64 ipa = GUEST_IPA + 32 * PAGE;
	struct regs st;
	s64 v, r;

	v = hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0);
	map_pages[0][0] = 7;
	map_pages[1][0] = 7;
	map_list[0] = p0;
	map_list[1] = 0;
	map_list[2] = p1;
	dcache_clean((u64)map_list, (u64)map_list + PAGE);
	r = v > 0 && read_ok(p0, &val) && read_ok(p1, &val) ?
	    hvc(CV_HC_MAP_PAGES, v, (u64)map_list, ipa, 3, 0) : -100;
	check("map pages: a list of two pages and a hole", r == 0,
	      "returned", (u64)r);
	check_abort("map pages: first page gone from the host", p0, false);
	check_abort("map pages: second page gone from the host", p1, true);
	map_list[0] = 0;
	map_list[2] = 0;
	map_list[1] = p1;
	check_error("map pages: a page the VM has, again",
		    hvc(CV_HC_MAP_PAGES, v, (u64)map_list, ipa, 3, 0));
	check_error("map pages: across a 2 MiB block",
		    hvc(CV_HC_MAP_PAGES, v, (u64)map_list,
			GUEST_IPA + (1UL << 21) - PAGE, 2, 0));
	st = call(false, CV_HC_GET_STAT, 0, CV_STAT_HC_MAP_PAGES, 0, 0, 0);
	check("stats: MAP_PAGES counted, with time", st.x[0] == 0 &&
	      st.x[1] >= 2 && st.x[2] > 0, "count", st.x[1]);
	st = call(false, CV_HC_GET_STAT, 0, CV_STAT_WORK_MAP, 0, 0, 0);
	check("stats: pages mapped counted", st.x[0] == 0 && st.x[1] >= 2,
	      "count", st.x[1]);
	check_error("stats: a CPU the boot info does not list",
		    hvc(CV_HC_GET_STAT, CV_MAX_CPUS, 0, 0, 0, 0));
	check_error("stats: no such counter",
		    hvc(CV_HC_GET_STAT, 0, CV_STAT_NR, 0, 0, 0));
	r = hvc(CV_HC_TEARDOWN, v, 0, 0, 0, 0);
	check("map pages: teardown gives them back scrubbed", r == 0 &&
	      read_ok(p0, &val) && !val && read_ok(p1, &val) && !val,
	      "value", val);
}

/*
 * ABI 1.5: every VMID at once at a real EL2: 255 VMs (the last with a
 * page), the 256th refused, all torn down (the page back zeroed); then
 * 24 create/destroy cycles, each taking vmid 1 again.
 */
static void test_many_vms(void)
{
	u64 p0 = (u64)map_pages[0], val = 1, bad = 0, v;
	s64 r;

	for (v = 1; v <= 255; v++)
		bad += hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0) != (s64)v;
	check("255 VMs at once: vmids 1..255", !bad, "wrong vmids", bad);
	r = hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0);
	check("the 256th VM refused", r == CV_E_NOMEM, "returned", (u64)r);
	map_pages[0][0] = 7;
	dcache_clean(p0, p0 + PAGE);
	r = hvc(CV_HC_MAP_PAGE, 255, p0, GUEST_IPA, 0, 0);
	check("vmid 255 takes a page", r == 0, "returned", (u64)r);
	check_abort("vmid 255's page gone from the host", p0, false);
	check_error("vmid 256 is no VM", hvc(CV_HC_TEARDOWN, 256, 0, 0, 0, 0));
	for (v = 1, bad = 0; v <= 255; v++)
		bad += hvc(CV_HC_TEARDOWN, v, 0, 0, 0, 0) != 0;
	check("255 VMs torn down", !bad, "refused", bad);
	check("vmid 255's page back, scrubbed", read_ok(p0, &val) && !val,
	      "value", val);
	for (v = 0, bad = 0; v < 24; v++) {
		bad += hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0) != 1;
		bad += hvc(CV_HC_MAP_PAGE, 1, p0, GUEST_IPA + v * PAGE, 0, 0) != 0;
		bad += hvc(CV_HC_TEARDOWN, 1, 0, 0, 0, 0) != 0;
	}
	check("24 create/destroy cycles reuse vmid 1", !bad, "failures", bad);
}

static void test_vm(void)
{
	u64 x[31], pa = (u64)guest_page, val = 1;
	const char *why;
	s64 vmid, r;

	vmid = hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0);
	check("vm register", vmid > 0, "returned", (u64)vmid);
	if (vmid <= 0)
		return;
	r = hvc(CV_HC_REGISTER_VCPU, vmid, 0, 0, 0, 0);
	check("vm register vcpu", r == 0, "returned", (u64)r);
	r = hvc(CV_HC_SET_VM_KEY, vmid, (u64)guest_pub, 0, 0, 0);
	check("vm set key", r == 0, "returned", (u64)r);
	r = hvc(CV_HC_SET_BOOT_IMAGE, vmid, 0, GUEST_IPA, PAGE,
		(u64)guest_sig);
	check("vm set image", r == 0, "returned", (u64)r);
	r = hvc(CV_HC_LOAD_IMAGE_PAGE, vmid, 0, pa, 0, 0);
	check("vm load page", r == 0, "returned", (u64)r);
	check_abort("vm page gone from host", pa, false);
	test_forbidden_maps(vmid, pa);
	r = (s64)call(false, CV_HC_SMMU_ALLOC, 3, vmid, 0, 0, 0).x[0];
	check("vm SMMU context before it runs", r == 0, "returned", (u64)r);
	r = hvc(CV_HC_VERIFY_IMAGES, vmid, 0, 0, 0, 0);
	check("vm image verified (SHA-512, Ed25519 at EL2)", r == 0,
	      "returned", (u64)r);
	check_error("vm verified: image page stays",
		    hvc(CV_HC_UNMAP_PAGE, vmid, GUEST_IPA, 0, 0, 0));
	r = hvc(CV_HC_MAP_DEVICE, vmid, GICH_BASE, GUEST_GICC, 0, 0);
	check("vm gets no GICH", r == CV_E_DENIED, "returned", (u64)r);
	r = hvc(CV_HC_MAP_DEVICE, vmid, GICV_BASE, GUEST_GICC, 0, 0);
	check("vm map GICV", r == 0, "returned", (u64)r);
	r = hvc(CV_HC_SET_VIRQ, vmid, 0, CV_NR_LRS, LR_PENDING | VIRQ_INTID, 0);
	check("vm virq: LR past the GICH's refused", r == CV_E_RANGE,
	      "returned", (u64)r);
	r = hvc(CV_HC_SET_VIRQ, vmid, 0, 0, LR_PENDING | 1023, 0);
	check("vm virq: spurious INTID refused", r == CV_E_INVAL,
	      "returned", (u64)r);
	r = hvc(CV_HC_POWER_ON, vmid, GUEST_IPA, 0, 0, 0);
	check("vm power on", r == 0, "returned", (u64)r);
	if (r)
		return;
	check_error("vm running: no teardown",
		    hvc(CV_HC_TEARDOWN, vmid, 0, 0, 0, 0));
	check_error("vm running: its SMMU context stays",
		    hvc(CV_HC_SMMU_FREE, 3, 0, 0, 0, 0));
	check_error("vm running: no new SMMU context",
		    hvc(CV_HC_SMMU_ALLOC, 4, vmid, 0, 0, 0));
	check_error("vm running: no new device",
		    hvc(CV_HC_MAP_DEVICE, vmid, GICV_BASE + PAGE,
			GUEST_GICC + PAGE, 0, 0));

	fp_set(HOST_FP);
	debug_set(HOST_BVR, HOST_MDSCR);
	if (cpu_pauth())
		pauth_key_set(HOST_PAUTH_KEY);
	why = run(vmid, 0, CV_RUN_NONE, x);
	/* x[4] == 3 + KDE: the guest's MDSCR_EL1 read back its own write */
	check("vm exit hvc", !why && x[0] == CV_EXIT_HVC && x[1] == 0xc0ffee &&
	      x[2] == 1 && x[3] == 2 && x[4] == 3 + GUEST_MDSCR,
	      why ? why : "exit/x3", why ? 0 : x[0] << 32 | x[4]);
	/* that run made the guest's first PAC use and set its key */
	check(cpu_pauth() ?
	      "vm host pointer-auth key kept over the guest's first use" :
	      "vm host pointer-auth key (no pointer authentication here)",
	      pauth_key_kept(&val), "APIAKeyLo", val);
	why = run(vmid, 0x77, CV_RUN_HVC_RET, x);
	check("vm exit mmio write", !why && x[0] == CV_EXIT_ABORT &&
	      x[1] == GUEST_MMIO && x[3] == 0x78 &&
	      x[2] == (CV_ABORT_ISV | CV_ABORT_WRITE |
		       (3 << CV_ABORT_SIZE_SHIFT)),
	      why ? why : "exit/flags", why ? 0 : x[0] << 32 | x[2]);
	why = run_on_cpu1(vmid, 0, CV_RUN_MMIO_DONE, x);
	check("vm exit mmio read, on cpu1", !why && x[0] == CV_EXIT_ABORT &&
	      x[1] == GUEST_MMIO + 8 && x[3] == 0 &&
	      x[2] == (CV_ABORT_ISV | (2 << CV_ABORT_SIZE_SHIFT)),
	      why ? why : "exit/flags", why ? 0 : x[0] << 32 | x[2]);
	why = run(vmid, 0x12345678feedbeefUL, CV_RUN_MMIO_DONE, x);
	check("vm mmio data reaches guest", !why && x[0] == CV_EXIT_HVC &&
	      x[1] == 0xfeedbeef, why ? why : "exit/x1",
	      why ? 0 : x[0] << 32 | x[1]);
	/* while the guest spins on CPU 0, CPU 2 tries INIT with index 0 */
	STORE(cpu2_go, 1);
	host_timer_irq(true);
	why = run(vmid, 0, CV_RUN_HVC_RET, x);
	host_timer_irq(false);
	check("vm exit irq (host timer)", !why && x[0] == CV_EXIT_IRQ,
	      why ? why : "exit", x[0]);
	/* before the fix CPU 2's frame landed on CPU 0's live stack */
	check("gate: an INIT naming a CPU at EL2 is refused, its stack kept",
	      !why && wait_for(&cpu2_done, WAIT_LONG) &&
	      LOAD(cpu2_init) == CV_E_STATE,
	      why ? why : "CPU 2's INIT returned", (u64)LOAD(cpu2_init));
	why = run(vmid, 0, CV_RUN_NONE, x);
	check("vm guest state kept across exits", !why &&
	      x[0] == CV_EXIT_HVC && x[1] == 0x600d, why ? why : "exit/x1",
	      why ? 0 : x[0] << 32 | x[1]);
	test_virq(vmid, x);
	test_guest_machine(vmid, x);
	why = run(vmid, 0, CV_RUN_HVC_RET, x);
	check("vm exit off", !why && x[0] == CV_EXIT_OFF, why ? why : "exit",
	      x[0]);
	check("vm host fp/simd kept", fp_get(0) == HOST_FP &&
	      fp_get(1) == HOST_FP, "d0", fp_get(0));
	check("vm host debug registers kept (guest's switched lazily)",
	      host_bvr() == HOST_BVR && host_mdscr() == HOST_MDSCR,
	      "DBGBVR0", host_bvr());
	check("vm host pointer-auth key kept (guest's switched lazily)",
	      pauth_key_kept(&val), "APIAKeyLo", val);
	r = hvc(CV_HC_VCPU_RUN, vmid, 0, 0, CV_RUN_NONE, 0);
	check_error("vm off: no more runs", r);
	r = hvc(CV_HC_MAP_PAGE, vmid, (u64)spare_page, GUEST_IPA + 8 * PAGE,
		0, 0);
	check_error("vm off: no new pages", r);
	r = hvc(CV_HC_SMMU_FREE, 3, 0, 0, 0, 0);
	check("vm off: SMMU context freed", r == 0, "returned", (u64)r);
	r = hvc(CV_HC_TEARDOWN, vmid, 0, 0, 0, 0);
	check("vm teardown", r == 0, "returned", (u64)r);
	check("vm page back, scrubbed", read_ok(pa, &val) && val == 0,
	      "value", val);

	test_vm_bad_signature();
	test_map_pages();
	test_many_vms();
}

/* ---------------------------------------------------- reset test */

struct reset_mark {
	u64 magic, passed, failed;
};

/*
 * First boot: a VM runs once (its registers and a word of its page hold
 * the secret), then the host resets the machine.  RAM survives in QEMU,
 * as on most boards; the second boot looks for the secret.
 */
static void test_reset(void)
{
	struct reset_mark *m = (void *)RESET_MARK_PA;
	u64 x[31];
	const char *why;
	s64 vmid, r;

	vmid = hvc(CV_HC_REGISTER_VM, 0, 0, 0, 0, 0);
	r = vmid > 0 ? 0 : vmid;
	if (!r)
		r = hvc(CV_HC_REGISTER_VCPU, vmid, 0, 0, 0, 0);
	if (!r)
		r = hvc(CV_HC_SET_VM_KEY, vmid, (u64)guest_pub, 0, 0, 0);
	if (!r)
		r = hvc(CV_HC_SET_BOOT_IMAGE, vmid, 0, GUEST_IPA, PAGE,
			(u64)guest_sig);
	if (!r)
		r = hvc(CV_HC_LOAD_IMAGE_PAGE, vmid, 0, RESET_IMG_PA, 0, 0);
	if (!r)
		r = hvc(CV_HC_VERIFY_IMAGES, vmid, 0, 0, 0, 0);
	if (!r)
		r = hvc(CV_HC_POWER_ON, vmid, GUEST_IPA, 0, 0, 0);
	check("reset: a VM up", r == 0, "returned", (u64)r);
	if (r)
		return;
	why = run(vmid, 0, CV_RUN_NONE, x);
	check("reset: its guest ran", !why && x[0] == CV_EXIT_HVC &&
	      x[1] == 0xc0ffee, why ? why : "exit", x[0]);
	m->passed = passed;
	m->failed = failed;
	m->magic = RESET_MAGIC;
	dcache_clean(RESET_MARK_PA, RESET_MARK_PA + sizeof(*m));
	out_s("el2 test: host resets the machine with a VM alive\n");
	r = smc(PSCI_SYSTEM_RESET, 0, 0, 0);
	m->magic = 0;
	fail("reset", "SYSTEM_RESET returned", (u64)r);
}

/* Second boot: no word of RAM outside this image holds the secret. */
static bool after_reset(void)
{
	struct reset_mark *m = (void *)RESET_MARK_PA;
	u64 pa, found = 0, n = 0;

	if (LOAD(m->magic) != RESET_MAGIC)
		return false;
	m->magic = 0;
	passed = m->passed;
	failed = m->failed;
	out_s("el2 test: after the host's reset\n");
	for (pa = RAM_BASE; pa < RAM_BASE + RAM_SIZE; pa += 8) {
		if (pa == 0x40080000UL)		/* test.lds: this image */
			pa = ((u64)__bss_end + 7) & ~7UL;
		if (*(volatile u64 *)pa == GUEST_SECRET && !n++)
			found = pa;
	}
	check("reset: no guest secret survives in RAM", !n,
	      "secret words, the first at", found);
	return true;
}

void test_main(u64 cpu)
{
	if (cpu == 2) {
		cpu2_main();
		return;
	}
	if (cpu) {
		cpu1_main();
		return;
	}
	if (after_reset())
		stop_test();
	out_s("el2 test: host at EL1, corevisor at EL2, region at ");
	out_hex(REGION_BASE);
	out_s("\n");
	/* the reset test's image, before test_vm scrubs guest_page */
	for (u64 i = 0; i < PAGE; i += 8)
		*(u64 *)(RESET_IMG_PA + i) = *(u64 *)(guest_page + i);
	dcache_clean(RESET_IMG_PA, RESET_IMG_PA + PAGE);
	test_cpu0();
	if (!failed)
		test_vm();
#ifdef EL2_FUZZ
	if (!failed)
		fuzz_main();
	(void)test_reset;	/* the fuzzer's run ends at its power-off */
#else
	/* The reset test ends with a second boot, the fuzzer's run does not */
	if (!failed)
		test_reset();
#endif
	stop_test();
}
