/* SPDX-License-Identifier: GPL-2.0 */
/*
 * porttool bench: what builtin/bench.c (options, preparing and booting) and
 * bench_report.c (reading the serial logs, medians, the table and JSON)
 * share.  The guest side is in bench/: host-init.sh, bench-init.sh and
 * guest-bench.c.
 */
#ifndef PORTTOOL_BENCH_H
#define PORTTOOL_BENCH_H

#include "porttool.h"

enum bench_kernel { BENCH_SEKVM, BENCH_KVM, BENCH_KERNELS };

/* The workloads, in the order of the table. */
enum bench_workload {
	W_BOOT,		/* guest kernel start to /init, guest clock */
	W_VMM,		/* vmm: guest power-on to power-off */
	W_MEM,		/* touch fresh anonymous memory */
	W_COMPUTE,	/* register-only loop */
	W_VIRTIO,	/* write to /dev/hvc0 */
	W_MMIO,		/* write to /dev/ttyAMA0 */
	BENCH_WORKLOADS
};

#define BENCH_SIZE_LEN 24

/* One boot's results, read from its serial log. */
/*
 * The corevisor's exit counters over the vmm's run (SeKVM, corevisor ABI
 * 1.4), as micro-host-init.sh logs them: "CV-STATS: cntfrq F", then
 * "CV-STAT: name count ticks" lines.  Optional: a stock-KVM log, or one
 * from an older corevisor, has none.
 */
#define MICRO_STATS_MAX 32
struct micro_stat {
	char name[24];
	unsigned long long count, ticks;
};

struct bench_run {
	double ns[BENCH_WORKLOADS];
	char size[BENCH_WORKLOADS][BENCH_SIZE_LEN];
	bool have[BENCH_WORKLOADS];
	double stat_freq;		/* the corevisor's counters, as micro's */
	int nstats;
	struct micro_stat stat[MICRO_STATS_MAX];
};

/* Name used in the logs and the JSON ("mem"), and what it measures. */
const char *bench_workload_name(enum bench_workload w);
const char *bench_kernel_name(enum bench_kernel k);

/*
 * Read one boot's serial log.  Returns NULL when the run is complete (the
 * vmm exited 0, every workload has exactly one result, the guest said
 * BENCH-DONE, and it ran as a SeKVM guest exactly when k is BENCH_SEKVM),
 * else why not (allocated).
 */
/* One benchmark of a suite: its short name and what it measures. */
struct bench_item {
	const char *name, *what;
};

/*
 * The names of the items without a result (have[i] false), comma-
 * separated and allocated, or NULL when every item has one.
 */
char *bench_missing(const bool *have, const struct bench_item *items, int n);

char *bench_parse_log(const char *log, enum bench_kernel k, struct bench_run *r);

struct bench_results {
	const char *version;
	int reps;			/* runs of each kernel: boots x vms */
	int vms;			/* guests at once (--vms), 1 or more */
	struct bench_run *runs[BENCH_KERNELS];	/* reps each; boot b's VM v at b * vms + v - 1 */
};

/*
 * Every run of both kernels must have measured the same sizes (the same
 * guest script); NULL or why not (allocated).
 */
char *bench_check_sizes(const struct bench_results *res);
/* The table: per workload both medians (ms) and the ratio SeKVM/KVM. */
void bench_print_table(FILE *out, const struct bench_results *res);
/*
 * One kernel's column alone (bench --target: a board runs one kernel),
 * where: the board.
 */
void bench_print_column(FILE *out, const struct bench_results *res,
			enum bench_kernel k, const char *where);
/* The same as JSON, with every run's value; 0 or -1 (error printed). */
int bench_write_json(const char *path, const struct bench_results *res);

/* ---- many guests at once (bench_vms.c) ---- */
/*
 * VM vm's part (1..nvms) of an nvms-VM boot's serial log, as the log of
 * a one-VM boot for bench_parse_log (allocated); NULL with *why
 * (allocated) when the log is not one of nvms VMs.
 */
char *bench_vm_log(const char *log, int nvms, int vm, char **why);

/* ---- the micro suite (bench_micro.c) ---- */
enum micro_bench {
	M_HVC,		/* hypercall round trip */
	M_MMIO_KERNEL,	/* MMIO read, in-kernel vGIC distributor */
	M_MMIO_USER,	/* MMIO read, the vmm's PL011 */
	M_IPI,		/* virtual IPI round trip between two vCPUs */
	M_EOI,		/* EOI through the virtual CPU interface */
	M_S2FAULT,	/* stage-2 fault on a fresh page */
	MICRO_BENCHES
};

struct micro_run {
	double insn[MICRO_BENCHES];	/* instructions per operation */
	unsigned iters[MICRO_BENCHES];
	bool have[MICRO_BENCHES];
	double stat_freq;		/* 0: no counters in the log */
	int nstats;
	struct micro_stat stat[MICRO_STATS_MAX];
};

const char *micro_bench_name(enum micro_bench b);
/* As bench_parse_log, for the micro guest's log. */
char *micro_parse_log(const char *log, enum bench_kernel k, struct micro_run *r);
/* Every run did the same iterations; NULL or why not (allocated). */
char *micro_check_iters(const struct micro_run *const runs[BENCH_KERNELS], int reps);
void micro_print_table(FILE *out, const char *version,
		       const struct micro_run *const runs[BENCH_KERNELS], int reps);
/*
 * One kernel's column alone, measured on a board (where) without
 * -icount: the values are nanoseconds of the board's counter.
 */
void micro_print_column(FILE *out, const char *version, const char *where,
			enum bench_kernel k, const struct micro_run *runs, int reps);
/* Take one "CV-STATS:"/"CV-STAT:" line into st/n (any suite's log). */
void micro_take_stat(const char *line, double *freq, struct micro_stat *st,
		     int *n);
/* Where the corevisor's instructions went, from one run's counters. */
void micro_print_stats(FILE *out, const char *what, const char *unit,
		       double freq, const struct micro_stat *st, int n);

#endif
