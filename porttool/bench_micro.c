// SPDX-License-Identifier: GPL-2.0
/*
 * porttool bench --suite micro: reading the micro-benchmark guest's
 * results (porttool/qemu/bench/micro/micro.c) from a boot's serial log and
 * printing them.
 *
 * The guest reports virtual-counter ticks over N iterations; QEMU ran
 * with -icount shift=0, where virtual time advances 1 ns per executed
 * instruction, so ticks * 1e9 / CNTFRQ / N is the instructions one
 * operation costs, everything the emulated machine executed meanwhile
 * (guest, corevisor, host kernel, vmm) included.
 *
 * As for the guest suite, a log counts only when it is whole: the vmm
 * exited 0, every benchmark has exactly one result, the guest said
 * MICRO-DONE, and the vmm registered the image exactly on the SeKVM host.
 */
#include "bench.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TAG_VMM "BENCH-VMM: "
#define TAG_MARK "PORTTOOL-BENCH: "
#define QEMU_KILLED "# porttool: QEMU killed after "
#define VMM_SEKVM "vmm: SeKVM: kernel image registered"
#define VMM_STOCK "vmm: stock KVM: image not registered"

static const struct bench_item benches[MICRO_BENCHES] = {
	[M_HVC] = { "hvc", "hypercall round trip (HVC)" },
	[M_MMIO_KERNEL] = { "mmio-kernel", "MMIO read, host kernel (vGIC dist)" },
	[M_MMIO_USER] = { "mmio-user", "MMIO read, VMM user space (PL011)" },
	[M_IPI] = { "ipi", "virtual IPI, vCPU 0 to 1 and back" },
	[M_EOI] = { "eoi", "interrupt EOI (GICv2 virtual CPU if)" },
	[M_S2FAULT] = { "s2fault", "stage-2 fault on fresh memory" },
};

const char *micro_bench_name(enum micro_bench b)
{
	return benches[b].name;
}

struct micro_state {
	bool vmm_exited, done, started, registered, stock, killed, duplicate;
	int vmm_rc;
	double freq;
	char first_error[160];
	char last_vmm[160];
	unsigned long long ticks[MICRO_BENCHES];
};

static int bench_by_name(const char *name, size_t len)
{
	for (int b = 0; b < MICRO_BENCHES; b++)
		if (strlen(benches[b].name) == len && !strncmp(benches[b].name, name, len))
			return b;
	return -1;
}

/* "name=X iters=N ticks=T"; a malformed line is ignored. */
static void take_result(const char *s, struct micro_run *r, struct micro_state *st)
{
	const char *name = strstr(s, "name="), *it = strstr(s, " iters="),
		   *tk = strstr(s, " ticks=");
	unsigned long long n, t;
	char *end;
	int b;

	if (!name || !it || !tk || !(name < it && it < tk))
		return;
	name += 5;
	b = bench_by_name(name, (size_t)(it - name));
	if (b < 0)
		return;
	errno = 0;
	n = strtoull(it + 7, &end, 10);
	if (errno || end == it + 7 || *end != ' ' || n == 0 || n > 100000000)
		return;
	t = strtoull(tk + 7, &end, 10);
	if (errno || end == tk + 7 || (*end && *end != '\r'))
		return;
	if (r->have[b])
		st->duplicate = true;
	r->have[b] = true;
	r->iters[b] = (unsigned)n;
	st->ticks[b] = t;
}

static void take_guest_line(const char *s, struct micro_run *r,
			    struct micro_state *st)
{
	snprintf(st->last_vmm, sizeof(st->last_vmm), "%s", s);
	if (!strncmp(s, "MICRO-RESULT ", 13)) {
		take_result(s + 13, r, st);
	} else if (!strncmp(s, "MICRO-START ", 12)) {
		const char *f = strstr(s, "cntfrq=");

		st->started = true;
		st->freq = f ? strtod(f + 7, NULL) : 0;
	} else if (!strncmp(s, "MICRO-ERROR ", 12) && !st->first_error[0]) {
		snprintf(st->first_error, sizeof(st->first_error), "%s", s + 12);
	} else if (!strcmp(s, "MICRO-DONE")) {
		st->done = true;
	}
	if (!strncmp(s, VMM_SEKVM, strlen(VMM_SEKVM)))
		st->registered = true;
	if (!strncmp(s, VMM_STOCK, strlen(VMM_STOCK)))
		st->stock = true;
}


static void take_line(char *line, struct micro_run *r, struct micro_state *st)
{
	size_t n = strlen(line);
	const char *tag;

	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		line[--n] = '\0';
	if (!strncmp(line, QEMU_KILLED, strlen(QEMU_KILLED)))
		st->killed = true;
	micro_take_stat(line, &r->stat_freq, r->stat, &r->nstats);
	if ((tag = strstr(line, TAG_VMM))) {
		take_guest_line(tag + strlen(TAG_VMM), r, st);
	} else if ((tag = strstr(line, TAG_MARK)) &&
		   !strncmp(tag + strlen(TAG_MARK), "vmm exit ", 9)) {
		st->vmm_exited = true;
		st->vmm_rc = atoi(tag + strlen(TAG_MARK) + 9);
	}
}

static char *judge(const struct micro_state *st, const struct micro_run *r,
		   enum bench_kernel k)
{
	char *m;

	if (st->killed)
		return xstrdup("QEMU was killed at its deadline");
	if (!st->vmm_exited)
		return xstrdup("the host never finished a vmm run (no 'vmm exit' marker)");
	if (st->first_error[0])
		return xasprintf("the guest reported an error: %s", st->first_error);
	if (st->vmm_rc != 0)
		return xasprintf("the vmm exited %d; its last line: '%s'",
				 st->vmm_rc, st->last_vmm);
	if (!st->started || !(st->freq > 0))
		return xstrdup("the guest never said MICRO-START with its counter frequency");
	if (st->duplicate)
		return xstrdup("a benchmark has more than one result");
	if ((m = bench_missing(r->have, benches, MICRO_BENCHES))) {
		char *why = xasprintf("no result for %s", m);

		free(m);
		return why;
	}
	if (!st->done)
		return xstrdup("the guest never said MICRO-DONE");
	if (k == BENCH_SEKVM && !st->registered)
		return xstrdup("the vmm did not register the image with SeKVM (no '"
			       VMM_SEKVM "' line)");
	if (k == BENCH_KVM && (!st->stock || st->registered))
		return xstrdup("the guest did not run under stock KVM (no '"
			       VMM_STOCK "' line)");
	return NULL;
}

char *micro_parse_log(const char *log, enum bench_kernel k, struct micro_run *r)
{
	struct micro_state st = { 0 };
	char *copy = xstrdup(log), *save = NULL, *why;

	memset(r, 0, sizeof(*r));
	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		take_line(line, r, &st);
	free(copy);
	why = judge(&st, r, k);
	if (why) {
		memset(r, 0, sizeof(*r));
		return why;
	}
	if (!(r->stat_freq > 0))
		r->nstats = 0;
	for (int b = 0; b < MICRO_BENCHES; b++)
		r->insn[b] = (double)st.ticks[b] * 1e9 / st.freq / r->iters[b];
	return NULL;
}

char *micro_check_iters(const struct micro_run *const runs[BENCH_KERNELS], int reps)
{
	for (int k = 0; k < BENCH_KERNELS; k++)
		for (int i = 0; i < reps; i++)
			for (int b = 0; b < MICRO_BENCHES; b++)
				if (runs[k][i].iters[b] != runs[BENCH_SEKVM][0].iters[b])
					return xasprintf("%s run %d did %s %u times, sekvm "
							 "run 1 %u times",
							 bench_kernel_name(k), i + 1,
							 benches[b].name, runs[k][i].iters[b],
							 runs[BENCH_SEKVM][0].iters[b]);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_of(const struct micro_run *runs, int reps, int b)
{
	double *v = xcalloc((size_t)reps, sizeof(*v)), m;

	for (int i = 0; i < reps; i++)
		v[i] = runs[i].insn[b];
	qsort(v, (size_t)reps, sizeof(*v), cmp_double);
	m = reps % 2 ? v[reps / 2] : (v[reps / 2 - 1] + v[reps / 2]) / 2;
	free(v);
	return m;
}

void micro_print_table(FILE *out, const char *version,
		       const struct micro_run *const runs[BENCH_KERNELS], int reps)
{
	fprintf(out,
		"micro benchmark: v%s, SeKVM vs stock KVM, %d boot%s each\n"
		"instruction counts under QEMU -icount shift=0,sleep=off (emulation, not\n"
		"hardware cycles): everything the machine executed per operation, guest,\n"
		"corevisor, host kernel and vmm included; the same on every run.\n\n",
		version, reps, reps == 1 ? "" : "s");
	fprintf(out, "%-38s %8s %12s %12s %7s\n", "operation", "iters",
		"SeKVM insn", "KVM insn", "ratio");
	for (int b = 0; b < MICRO_BENCHES; b++) {
		double s = median_of(runs[BENCH_SEKVM], reps, b);
		double k = median_of(runs[BENCH_KVM], reps, b);

		fprintf(out, "%-38s %8u %12.0f %12.0f %6.2fx\n", benches[b].what,
			runs[BENCH_SEKVM][0].iters[b], s, k, k > 0 ? s / k : 0);
	}
	fprintf(out, "(insn: instructions per operation, median over boots; "
		"ratio = SeKVM / KVM)\n");
	if (runs[BENCH_SEKVM][0].nstats)
		micro_print_stats(out, "SeKVM boot 1's vmm run (every operation)",
				  "insn", runs[BENCH_SEKVM][0].stat_freq,
				  runs[BENCH_SEKVM][0].stat,
				  runs[BENCH_SEKVM][0].nstats);
}


void micro_print_column(FILE *out, const char *version, const char *where,
			enum bench_kernel k, const struct micro_run *runs, int reps)
{
	const char *name = k == BENCH_SEKVM ? "SeKVM" : "stock KVM";

	fprintf(out,
		"micro benchmark: v%s on %s, %s (the kernel it runs), %d run%s\n"
		"nanoseconds per operation by the board's own counter (no -icount\n"
		"there): one column; the board's other kernel is another run.\n\n",
		version, where, name, reps, reps == 1 ? "" : "s");
	fprintf(out, "%-38s %8s %12s\n", "operation", "iters",
		k == BENCH_SEKVM ? "SeKVM ns" : "KVM ns");
	for (int b = 0; b < MICRO_BENCHES; b++)
		fprintf(out, "%-38s %8u %12.1f\n", benches[b].what, runs[0].iters[b],
			median_of(runs, reps, b));
	fprintf(out, "(ns: nanoseconds per operation, median over runs)\n");
	if (runs[0].nstats)
		micro_print_stats(out, "run 1's vmm run (every operation)", "ns",
				  runs[0].stat_freq, runs[0].stat, runs[0].nstats);
}
