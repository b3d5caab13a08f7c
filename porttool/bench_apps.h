/* SPDX-License-Identifier: GPL-2.0 */
/* porttool bench --suite apps: the workloads' results (bench_apps.c). */
#ifndef PORTTOOL_BENCH_APPS_H
#define PORTTOOL_BENCH_APPS_H

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
};

/*
 * Read one run's log: NULL when every benchmark in wanted (bit 1 << id)
 * has a result, else why not (allocated).
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
 * Guest v's part (1..vms) of a log of vms guests at once
 * (apps-host-init.sh): its "APPS-VMM<v>: " and "APPS-HOST<v>: " lines
 * retagged "APPS-VMM: " and "APPS-HOST: ", the other guests' left out,
 * the host's own kept; the whole log when vms is 1.  Allocated.
 */
char *apps_vm_log(const char *log, int vms, int v);

/* Whether the run measured anything at all. */
bool apps_any_result(const struct apps_run *r);

#endif
