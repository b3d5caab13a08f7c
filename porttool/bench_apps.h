/* SPDX-License-Identifier: GPL-2.0 */
/* porttool bench --suite apps: the workloads' results (bench_apps.c). */
#ifndef PORTTOOL_BENCH_APPS_H
#define PORTTOOL_BENCH_APPS_H

#include "bench.h"
#include "porttool.h"
#include "sbuf.h"

/* The table's rows, in its order. */
enum app_bench_id {
	A_APACHE, A_REDIS_GET, A_REDIS_SET, A_MEMCACHED, A_MYSQL,
	A_HACKBENCH, A_KBUILD, APP_BENCHES
};

#define APPS_ALL ((1u << APP_BENCHES) - 1)

struct app_bench {
	const char *name;	/* in the table and the database */
	const char *frame;	/* lib.sh's APPS-BEGIN name */
	const char *unit;	/* "ops/s" or "s" */
	bool higher_better;
	const char *what;
};

const struct app_bench *app_bench_info(enum app_bench_id a);

/*
 * The exit counters over one workload's window (apps-host-init.sh's
 * "APPS-EXITS: WORKLOAD SRC NAME COUNT TICKS" lines): src "cv" (the
 * corevisor's, SeKVM only; ticks its EL2 time), "kvm" (KVM's debugfs
 * statistics, both kernels), "net" (the taps' bytes and packets), "host"
 * (uptime_ms, the window's length).
 */
struct apps_exit {
	char window[24];	/* lib.sh's frame: hackbench, memcached, start-mysql */
	char src[8];
	char name[24];
	long long count, ticks;
};

/* One run's results. */
struct apps_run {
	double value[APP_BENCHES];
	bool have[APP_BENCHES];
	char failed[64];	/* the first frame that exited non-zero */
	/*
	 * The workloads ran in a guest (apps-host-init.sh: its output tagged
	 * "APPS-VMM: "), not on the QEMU host itself (selftest.sh).
	 */
	bool in_guest;
	/* Under QEMU -icount shift=0 (the log's "# porttool boot:" line). */
	bool icount;
	/* The host's kvm.halt_poll_ns= (--halt-poll-ns), -1: the kernel's. */
	int halt_poll_ns;
	/* The machine's load average at the boot's start, -1 unknown. */
	double load;
	/* The corevisor's counter frequency ("CV-STATS: cntfrq F"), 0: none. */
	double cntfrq;
	/*
	 * As many as the log has: a board's many interrupt lines, or a
	 * 5.10 run's 560 (seven workloads and four server starts), which a
	 * table of 512 once cut short, MariaDB's losing its KVM counts.
	 */
	int nexits, exits_alloc;
	struct apps_exit *exits;
};

/* Free what apps_parse_log() allocated in runs[0..n-1]. */
void apps_runs_release(struct apps_run *runs, int n);

/*
 * Read one run's log: NULL when every benchmark in wanted (bit 1 << id)
 * has a result, else why not (allocated).  r is zeroed memory or an
 * earlier result, which this replaces.
 */
char *apps_parse_log(const char *log, unsigned wanted, struct apps_run *r);

/*
 * What a guest run's host marked it could not do ("PORTTOOL-BENCH:
 * apps-error: WHY"), the first one, or NULL (allocated).
 */
char *apps_host_error(const char *log);

/*
 * Per benchmark in wanted: the medians of runs[0] (SeKVM) and runs[1]
 * (KVM), reps each, and their ratio, or "-" when a run has none; then
 * MongoDB's row, which Debian cannot fill.
 */
void apps_print_table(FILE *out, const char *version, unsigned wanted,
		      const struct apps_run *const runs[2], int reps, int vms);

/*
 * One kernel's column of a board's runs (porttool bench --target): the
 * medians of runs (reps), "-" when a run has none, then MongoDB's row.
 */
void apps_print_column(FILE *out, const char *version, const char *board,
		       enum bench_kernel k, unsigned wanted,
		       const struct apps_run *runs, int reps, int vms);

/*
 * Guest v's part (1..vms) of a log of vms guests at once
 * (apps-host-init.sh): its "APPS-VMM<v>: " and "APPS-HOST<v>: " lines
 * retagged "APPS-VMM: " and "APPS-HOST: ", the other guests' left out,
 * the host's own kept; the whole log when vms is 1.  Allocated.
 */
char *apps_vm_log(const char *log, int vms, int v);


/*
 * The count of counter src/name in run r's window of frame, or -1 when
 * the log has none (an older log, a counter this kernel lacks).
 */
long long apps_exit_count(const struct apps_run *r, const char *frame,
			  const char *src, const char *name, long long *ticks);

/*
 * The SeKVM-minus-KVM instructions of one operation of each micro
 * benchmark (enum micro_bench order in bench.h), from the micro suite's
 * medians; have false when the database has none for the line.
 */
struct apps_costs {
	bool have;
	double delta[MICRO_BENCHES];
	char from[128];		/* which micro run */
};

struct bench_data;
/*
 * The costs from the newest micro run of line (board qemu) in d that has
 * every operation under both kernels: medians of each kernel's boots.
 */
void apps_micro_costs(const struct bench_data *d, const char *line,
		      struct apps_costs *c);

/*
 * Per workload: the exits under each kernel in kernels (bit 1 << k;
 * medians over the runs) and, with both, what the micro suite's per-exit
 * costs predict SeKVM adds, and what was measured.
 */
void apps_print_exits(FILE *out, unsigned wanted,
		      const struct apps_run *const runs[2], int reps,
		      const struct apps_costs *costs, unsigned kernels);

/*
 * Per run: the kernel, the load average, and each workload's number;
 * then per workload the spread of each kernel's runs; only the kernels
 * in kernels (bit 1 << k: a board's runs are one kernel's).
 */
void apps_print_runs(FILE *out, unsigned wanted,
		     const struct apps_run *const runs[2], int reps, unsigned kernels);

/* Whether the run measured anything at all. */
bool apps_any_result(const struct apps_run *r);

#endif
