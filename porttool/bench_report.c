// SPDX-License-Identifier: GPL-2.0
/*
 * porttool bench: reading the boots' serial logs and reporting.
 *
 * A log counts only when it is whole: the host's vmm exited 0, the guest
 * printed exactly one result for every workload and then BENCH-DONE, and
 * it ran as a SeKVM guest (the guest kernel's "sekvm-guest: ... DMA
 * buffers shared with the host" line, ports/v5.10 0015) exactly on the
 * SeKVM host.  Anything less is an error saying what is missing: a
 * benchmark that filled a gap with a number would be worse than none.
 */
#include "bench.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Tags of porttool/qemu/bench/host-init.sh. */
#define TAG_VMM "BENCH-VMM: "
#define TAG_MARK "PORTTOOL-BENCH: "
/* qemu.c's note in a log whose QEMU was killed at its deadline. */
#define QEMU_KILLED "# porttool: QEMU killed after "
#define VMM_OFF "vmm: guest powered off after "
#define GUEST_SHARED "DMA buffers shared with the host"
#define GUEST_NOT_SEKVM "sekvm-guest: not a SeKVM guest"

static const struct bench_item workloads[BENCH_WORKLOADS] = {
	[W_BOOT] = { "boot-to-init", "boot: guest kernel clock at /init" },
	[W_VMM] = { "vmm-run", "whole guest run (vmm: on to off)" },
	[W_MEM] = { "mem", "memory: touch fresh anonymous" },
	[W_COMPUTE] = { "compute", "compute: xorshift loop" },
	[W_VIRTIO] = { "virtio", "I/O: write /dev/hvc0 (virtio)" },
	[W_MMIO] = { "mmio", "MMIO: write /dev/ttyAMA0 (PL011)" },
};

static const char *const kernel_names[BENCH_KERNELS] = {
	[BENCH_SEKVM] = "sekvm", [BENCH_KVM] = "kvm",
};

const char *bench_workload_name(enum bench_workload w)
{
	return workloads[w].name;
}

const char *bench_kernel_name(enum bench_kernel k)
{
	return kernel_names[k];
}

/* What one log said, beyond the results themselves. */
struct log_state {
	bool vmm_exited, done, shared, not_sekvm, killed, duplicate;
	int vmm_rc;
	char first_error[160];	/* the guest's first BENCH-ERROR */
	char last_vmm[160];	/* the vmm's last line, for errors */
};

static int workload_by_name(const char *name, size_t len)
{
	for (int w = 0; w < BENCH_WORKLOADS; w++)
		if (strlen(workloads[w].name) == len &&
		    !strncmp(workloads[w].name, name, len))
			return w;
	return -1;
}

/* A size is what the guest printed: letters and digits, or "-". */
static bool size_ok(const char *s, size_t len)
{
	if (len == 0 || len >= BENCH_SIZE_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '-' || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* "name=X ns=N size=S" after BENCH-RESULT; a malformed line is ignored. */
static void take_result(const char *s, struct bench_run *r, struct log_state *st)
{
	const char *name, *ns, *size;
	unsigned long long v;
	char *end;
	int w;

	name = strstr(s, "name=");
	ns = strstr(s, " ns=");
	size = strstr(s, " size=");
	if (!name || !ns || !size || !(name < ns && ns < size))
		return;
	name += 5;
	w = workload_by_name(name, (size_t)(ns - name));
	if (w < 0 || w == W_VMM)
		return;
	errno = 0;
	v = strtoull(ns + 4, &end, 10);
	if (errno || end == ns + 4 || *end != ' ' || v == 0)
		return;
	size += 6;
	if (!size_ok(size, strlen(size)))
		return;
	if (r->have[w])
		st->duplicate = true;
	r->have[w] = true;
	r->ns[w] = (double)v;
	snprintf(r->size[w], BENCH_SIZE_LEN, "%s", size);
}

/*
 * The vmm's own "guest powered off after X s" line.  Each vCPU thread
 * that sees the guest's SYSTEM_OFF may print it (two lines a few ms
 * apart); the first is when the guest went off.
 */
static void take_vmm_off(const char *s, struct bench_run *r)
{
	char *end;
	double sec = strtod(s, &end);

	if (r->have[W_VMM] || end == s || strcmp(end, " s") || !(sec > 0))
		return;
	r->have[W_VMM] = true;
	r->ns[W_VMM] = sec * 1e9;
	snprintf(r->size[W_VMM], BENCH_SIZE_LEN, "-");
}

static void take_guest_line(const char *s, struct bench_run *r,
			    struct log_state *st)
{
	snprintf(st->last_vmm, sizeof(st->last_vmm), "%s", s);
	if (!strncmp(s, "BENCH-RESULT ", 13))
		take_result(s + 13, r, st);
	else if (!strncmp(s, "BENCH-ERROR ", 12) && !st->first_error[0])
		snprintf(st->first_error, sizeof(st->first_error), "%s", s + 12);
	else if (!strcmp(s, "BENCH-DONE"))
		st->done = true;
	else if (!strncmp(s, VMM_OFF, strlen(VMM_OFF)))
		take_vmm_off(s + strlen(VMM_OFF), r);
	if (strstr(s, "sekvm-guest:") && strstr(s, GUEST_SHARED))
		st->shared = true;
	if (strstr(s, GUEST_NOT_SEKVM))
		st->not_sekvm = true;
}

static void take_line(char *line, struct bench_run *r, struct log_state *st)
{
	size_t n = strlen(line);
	const char *tag;

	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		line[--n] = '\0';
	if (!strncmp(line, QEMU_KILLED, strlen(QEMU_KILLED)))
		st->killed = true;
	tag = strstr(line, TAG_VMM);
	if (tag) {
		take_guest_line(tag + strlen(TAG_VMM), r, st);
		return;
	}
	tag = strstr(line, TAG_MARK);
	if (!tag)
		return;
	tag += strlen(TAG_MARK);
	if (!strncmp(tag, "vmm exit ", 9)) {
		st->vmm_exited = true;
		st->vmm_rc = atoi(tag + 9);
	}
}

char *bench_missing(const bool *have, const struct bench_item *items, int n)
{
	char buf[256] = "";

	for (int i = 0; i < n; i++) {
		if (have[i])
			continue;
		if (buf[0])
			strncat(buf, ", ", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, items[i].name, sizeof(buf) - strlen(buf) - 1);
	}
	return buf[0] ? xstrdup(buf) : NULL;
}

static char *judge_state(const struct log_state *st, const struct bench_run *r,
			 enum bench_kernel k)
{
	char *missing;

	if (st->killed)
		return xstrdup("QEMU was killed at its deadline");
	if (!st->vmm_exited)
		return xstrdup("the host never finished a vmm run (no 'vmm exit' marker)");
	if (st->vmm_rc != 0)
		return xasprintf("the vmm exited %d; its last line: '%s'",
				 st->vmm_rc, st->last_vmm);
	if (st->first_error[0])
		return xasprintf("the guest reported an error: %s", st->first_error);
	if (st->duplicate)
		return xstrdup("a workload has more than one result");
	missing = bench_missing(r->have, workloads, BENCH_WORKLOADS);
	if (missing) {
		char *why = xasprintf("no result for %s", missing);

		free(missing);
		return why;
	}
	if (!st->done)
		return xstrdup("the guest never said BENCH-DONE");
	if (k == BENCH_SEKVM && !st->shared)
		return xstrdup("the guest did not run as a SeKVM guest (no "
			       "'sekvm-guest: ... " GUEST_SHARED "' line)");
	if (k == BENCH_KVM && (st->shared || !st->not_sekvm))
		return xstrdup("the guest did not run under stock KVM (no "
			       "'" GUEST_NOT_SEKVM "' line, or a shared-DMA one)");
	return NULL;
}

char *bench_parse_log(const char *log, enum bench_kernel k, struct bench_run *r)
{
	struct log_state st = { 0 };
	char *copy = xstrdup(log), *save = NULL, *why;

	memset(r, 0, sizeof(*r));
	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
	{
		take_line(line, r, &st);
		micro_take_stat(line, &r->stat_freq, r->stat, &r->nstats);
	}
	free(copy);
	why = judge_state(&st, r, k);
	if (why)
		memset(r, 0, sizeof(*r));
	if (!(r->stat_freq > 0))
		r->nstats = 0;
	return why;
}

char *bench_check_sizes(const struct bench_results *res)
{
	const struct bench_run *first = &res->runs[BENCH_SEKVM][0];

	for (int k = 0; k < BENCH_KERNELS; k++)
		for (int i = 0; i < res->reps; i++)
			for (int w = 0; w < BENCH_WORKLOADS; w++)
				if (strcmp(res->runs[k][i].size[w], first->size[w]))
					return xasprintf("%s run %d measured %s over %s, "
							 "sekvm run 1 over %s",
							 kernel_names[k], i + 1,
							 workloads[w].name,
							 res->runs[k][i].size[w],
							 first->size[w]);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct spread {
	double median, min, max;	/* ns */
};

/*
 * Median and range of one workload over every step-th of a kernel's runs
 * from first: all of them (0, 1), or one guest's of a --vms boot.
 */
static struct spread spread_every(const struct bench_results *res,
				  enum bench_kernel k, enum bench_workload w,
				  int first, int step)
{
	double *v = xcalloc((size_t)res->reps, sizeof(*v));
	int n = 0;
	struct spread sp;

	for (int i = first; i < res->reps; i += step)
		v[n++] = res->runs[k][i].ns[w];
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	sp.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	sp.min = v[0];
	sp.max = v[n - 1];
	free(v);
	return sp;
}

static struct spread spread_of(const struct bench_results *res,
			       enum bench_kernel k, enum bench_workload w)
{
	return spread_every(res, k, w, 0, 1);
}

static double median(const struct bench_results *res, enum bench_kernel k,
		     enum bench_workload w)
{
	return spread_of(res, k, w).median;
}

/* VM vm's medians: its runs are every vms-th, from vm - 1. */
static void print_vms_table(FILE *out, const struct bench_results *res)
{
	fprintf(out, "\nper VM (medians over its %d boot%s; SeKVM ms / KVM ms):\n",
		res->reps / res->vms, res->reps / res->vms == 1 ? "" : "s");
	fprintf(out, "%-4s", "VM");
	for (int w = 0; w < BENCH_WORKLOADS; w++)
		fprintf(out, " %19s", bench_workload_name(w));
	fprintf(out, "\n");
	for (int vm = 1; vm <= res->vms; vm++) {
		fprintf(out, "%-4d", vm);
		for (int w = 0; w < BENCH_WORKLOADS; w++) {
			char cell[48];

			snprintf(cell, sizeof(cell), "%.0f/%.0f",
				 spread_every(res, BENCH_SEKVM, w, vm - 1, res->vms).median / 1e6,
				 spread_every(res, BENCH_KVM, w, vm - 1, res->vms).median / 1e6);
			fprintf(out, " %19s", cell);
		}
		fprintf(out, "\n");
	}
}

/* "min-max" in ms, for the table. */
static void format_range(char *buf, size_t len, const struct spread *sp)
{
	snprintf(buf, len, "%.0f-%.0f", sp->min / 1e6, sp->max / 1e6);
}

void bench_print_table(FILE *out, const struct bench_results *res)
{
	const struct bench_run *r = &res->runs[BENCH_SEKVM][0];

	int boots = res->vms > 1 ? res->reps / res->vms : res->reps;

	fprintf(out,
		"guest benchmark: v%s, SeKVM vs stock KVM, %d boot%s each, alternating\n"
		"QEMU TCG (nested virtualization by emulation): not hardware numbers;\n"
		"compare the ratio SeKVM/KVM within one run, not across machines or runs.\n",
		res->version, boots, boots == 1 ? "" : "s");
	if (res->vms > 1)
		fprintf(out, "%d guests at once in each boot: medians and ranges over "
			"every guest's run (%d per kernel)\n", res->vms, res->reps);
	fprintf(out, "\n");
	fprintf(out, "%-34s %-15s %10s %10s %7s  %-13s %s\n", "workload", "size",
		"SeKVM ms", "KVM ms", "ratio", "SeKVM range", "KVM range");
	for (int w = 0; w < BENCH_WORKLOADS; w++) {
		struct spread s = spread_of(res, BENCH_SEKVM, w);
		struct spread k = spread_of(res, BENCH_KVM, w);
		char srange[48], krange[48];

		format_range(srange, sizeof(srange), &s);
		format_range(krange, sizeof(krange), &k);
		fprintf(out, "%-34s %-15s %10.1f %10.1f %6.2fx  %-13s %s\n",
			workloads[w].what, r->size[w], s.median / 1e6,
			k.median / 1e6, s.median / k.median, srange, krange);
	}
	fprintf(out, "(ms: medians; ratio = SeKVM median / KVM median; "
		"range: fastest-slowest run)\n");
	if (res->vms > 1)
		print_vms_table(out, res);
	if (r->nstats)
		micro_print_stats(out, res->vms > 1 ? "SeKVM boot 1's vmm runs (every guest)"
				  : "SeKVM boot 1's vmm run (the whole guest)",
				  "ns", r->stat_freq, r->stat, r->nstats);
}

void bench_print_column(FILE *out, const struct bench_results *res,
			enum bench_kernel k, const char *where)
{
	fprintf(out, "guest benchmark: v%s on %s, %s (the kernel it runs), %d run%s\n"
		"one column: the board's other kernel is another run (bench/README.md)\n\n",
		res->version, where, k == BENCH_SEKVM ? "SeKVM" : "stock KVM",
		res->reps, res->reps == 1 ? "" : "s");
	fprintf(out, "%-34s %-15s %10s  %s\n", "workload", "size",
		k == BENCH_SEKVM ? "SeKVM ms" : "KVM ms", "range");
	for (int w = 0; w < BENCH_WORKLOADS; w++) {
		struct spread sp = spread_of(res, k, w);
		char range[48];

		format_range(range, sizeof(range), &sp);
		fprintf(out, "%-34s %-15s %10.1f  %s\n", workloads[w].what,
			res->runs[k][0].size[w], sp.median / 1e6, range);
	}
	fprintf(out, "(ms: medians; range: fastest-slowest run)\n");
}

static void json_runs(FILE *f, const struct bench_results *res,
		      enum bench_kernel k, enum bench_workload w)
{
	fprintf(f, "\"%s_ns\": [", kernel_names[k]);
	for (int i = 0; i < res->reps; i++)
		fprintf(f, "%s%.0f", i ? ", " : "", res->runs[k][i].ns[w]);
	fprintf(f, "], ");
}

int bench_write_json(const char *path, const struct bench_results *res)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		error("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "{\n  \"version\": \"%s\",\n  \"reps\": %d,\n"
		"  \"note\": \"QEMU TCG, nested virtualization by emulation: "
		"not hardware numbers; compare the ratio within one run\",\n"
		"  \"workloads\": [\n", res->version, res->reps);
	for (int w = 0; w < BENCH_WORKLOADS; w++) {
		double s = median(res, BENCH_SEKVM, w), k = median(res, BENCH_KVM, w);

		fprintf(f, "    { \"name\": \"%s\", \"what\": \"%s\", \"size\": \"%s\", ",
			workloads[w].name, workloads[w].what,
			res->runs[BENCH_SEKVM][0].size[w]);
		json_runs(f, res, BENCH_SEKVM, w);
		json_runs(f, res, BENCH_KVM, w);
		fprintf(f, "\"sekvm_median_ns\": %.0f, \"kvm_median_ns\": %.0f, "
			"\"ratio\": %.4f }%s\n", s, k, s / k,
			w + 1 < BENCH_WORKLOADS ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	if (fclose(f)) {
		error("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
