// SPDX-License-Identifier: GPL-2.0
/*
 * porttool bench --suite apps: what each workload cost the hypervisor.
 *
 * apps-host-init.sh snapshots every counter before and after each
 * workload and logs the difference as
 *
 *   APPS-EXITS: WORKLOAD SRC NAME COUNT TICKS
 *
 * SRC "cv": the corevisor's counters (SeKVM only; TICKS its timed EL2
 * work, at "CV-STATS: cntfrq F"); "kvm": KVM's debugfs statistics, which
 * the hostvisor keeps as stock KVM does (exits, hvc_exit_stat,
 * mmio_exit_kernel ...); "net": bytes and packets through the taps;
 * "host uptime_ms": the window's length.  The first line of the log,
 * "# porttool boot: ...", says whether QEMU ran with -icount; porttool
 * appends "# porttool: load average L" after each boot.
 *
 * With the micro suite's per-operation instruction counts of both
 * kernels, the SeKVM guest's exits predict what SeKVM adds to each
 * workload: printed beside what was measured.
 */
#include "bench_apps.h"
#include "bench_db.h"

#include <stdlib.h>
#include <string.h>

/* ---- what the counters say, per workload ---- */

/* The columns: each a sum of counters of one source; -1 when missing. */
enum col {
	C_EXITS, C_HVC, C_MMIO_K, C_MMIO_U, C_WFX, C_REST,
	C_CV_IRQ, C_CV_PAGES, C_CV_VIRQ, C_CV_HOST_S2, C_EL2_MS, C_POLL_MS,
	C_NET_KIB, C_WINDOW_MS, COLS
};

static const char *const col_name[COLS] = {
	"exits", "hvc", "mmio-k", "mmio-u", "wfx", "rest",
	"cv:irq", "cv:pages", "cv:virq", "cv:hostS2", "EL2 ms", "poll ms",
	"net KiB", "window ms",
};

static double kvm_sum(const struct apps_run *r, const char *w,
		      const char *const *names)
{
	double s = 0;

	for (; *names; names++) {
		long long c = apps_exit_count(r, w, "kvm", *names, NULL);

		if (c < 0)
			return -1;
		s += (double)c;
	}
	return s;
}

/* The corevisor's timed work in the window, ms; -1 without counters. */
static double el2_ms(const struct apps_run *r, const char *w)
{
	double ticks = 0;
	bool any = false;

	if (!(r->cntfrq > 0))
		return -1;
	for (int i = 0; i < r->nexits; i++)
		if (!strcmp(r->exits[i].window, w) && !strcmp(r->exits[i].src, "cv")) {
			ticks += (double)r->exits[i].ticks;
			any = true;
		}
	return any ? ticks * 1e3 / r->cntfrq : -1;
}

static double cv(const struct apps_run *r, const char *w, const char *name)
{
	return (double)apps_exit_count(r, w, "cv", name, NULL);
}

static double column(const struct apps_run *r, const char *w, enum col c)
{
	static const char *const exits[] = { "exits", NULL },
		*const hvc[] = { "hvc_exit_stat", NULL },
		*const mk[] = { "mmio_exit_kernel", NULL },
		*const mu[] = { "mmio_exit_user", NULL },
		*const wfx[] = { "wfi_exit_stat", "wfe_exit_stat", NULL },
		*const known[] = { "hvc_exit_stat", "mmio_exit_kernel",
				   "mmio_exit_user", "wfi_exit_stat",
				   "wfe_exit_stat", NULL },
		*const net[] = { "rx_bytes", "tx_bytes", NULL },
		*const poll[] = { "halt_poll_success_ns", "halt_poll_fail_ns", NULL };
	double a, b;

	switch (c) {
	case C_EXITS: return kvm_sum(r, w, exits);
	case C_HVC: return kvm_sum(r, w, hvc);
	case C_MMIO_K:
		/*
		 * The 5.10 port's sekvm_handle_abort() answers an MMIO in the
		 * kernel (the vGIC distributor) without counting it in
		 * mmio_exit_kernel: the corevisor's MMIO answers less the
		 * vmm's are those.
		 */
		a = cv(r, w, "answer_mmio");
		b = kvm_sum(r, w, mu);
		if (a >= 0 && b >= 0)
			return a > b ? a - b : 0;
		return kvm_sum(r, w, mk);
	case C_MMIO_U: return kvm_sum(r, w, mu);
	case C_WFX: return kvm_sum(r, w, wfx);
	case C_REST:
		/* KVM's exits it has no statistic for: interrupts, stage-2 faults */
		a = kvm_sum(r, w, exits);
		b = kvm_sum(r, w, known);
		if (a < 0 || b < 0)
			return -1;
		b += column(r, w, C_MMIO_K) - kvm_sum(r, w, mk);
		return a > b ? a - b : 0;
	case C_CV_IRQ: return cv(r, w, "exit_irq");
	case C_CV_PAGES: return cv(r, w, "work_map");
	case C_CV_VIRQ: return cv(r, w, "hc_virq");
	case C_CV_HOST_S2: return cv(r, w, "host_s2_fault");
	case C_EL2_MS: return el2_ms(r, w);
	case C_POLL_MS:
		/* the host busy-waiting for a halted vCPU's interrupt */
		a = kvm_sum(r, w, poll);
		return a < 0 ? -1 : a / 1e6;
	case C_NET_KIB:
		a = 0;
		for (const char *const *n = net; *n; n++) {
			long long v = apps_exit_count(r, w, "net", *n, NULL);

			if (v < 0)
				return -1;
			a += (double)v / 1024;
		}
		return a;
	case C_WINDOW_MS: return (double)apps_exit_count(r, w, "host", "uptime_ms", NULL);
	default: return -1;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median over the runs that have the value, or -1 when none has. */
static double median_col(const struct apps_run *runs, int reps, const char *w,
			 enum col c)
{
	double *v = xcalloc((size_t)reps, sizeof(*v)), m = -1;
	int n = 0;

	for (int i = 0; i < reps; i++) {
		double x = column(&runs[i], w, c);

		if (x >= 0)
			v[n++] = x;
	}
	if (n) {
		qsort(v, (size_t)n, sizeof(*v), cmp_double);
		m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	free(v);
	return m;
}

/* The frames of the wanted workloads, each once ("redis" is two rows). */
static int frames_of(unsigned wanted, const char **frames)
{
	int n = 0;

	for (int a = 0; a < APP_BENCHES; a++) {
		const char *f = app_bench_info(a)->frame;
		bool seen = false;

		if (!(wanted & (1u << a)))
			continue;
		for (int i = 0; i < n; i++)
			seen = seen || !strcmp(frames[i], f);
		if (!seen)
			frames[n++] = f;
	}
	return n;
}

static bool any_exits(const struct apps_run *const runs[2], int reps)
{
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < reps; i++)
			if (runs[k][i].nexits)
				return true;
	return false;
}

static void print_cell(FILE *out, double v, enum col c)
{
	if (v < 0)
		fprintf(out, " %9s", "-");
	else if (c == C_EL2_MS)
		fprintf(out, " %9.2f", v);
	else
		fprintf(out, " %9.0f", v);
}

/*
 * What the micro suite's costs predict SeKVM adds in window w of a SeKVM
 * run, in instructions; -1 when a count it needs is missing.  Each term
 * is SeKVM's count of an exit times (SeKVM - KVM) instructions of the
 * micro operation that makes that exit:
 *   hypercalls (cv exit_hvc)                     x hvc's
 *   MMIO in the host kernel (kvm mmio_exit_kernel) x mmio-kernel's
 *   MMIO in the vmm (kvm mmio_exit_user)         x mmio-user's
 *   pages given to the guest (cv work_map)       x s2fault's (per page)
 *   vGIC calls (cv hc_virq, two per IPI)         x ipi's / 2
 *   interrupt, WFx, timer exits (cv exit_irq, exit_wfx, exit_sysreg,
 *   exit_sysreg_el2, exit_other): no micro operation of their own;
 *   a bare round trip through the host, hvc's, stands for them.
 */
static double predict(const struct apps_run *r, const char *w,
		      const struct apps_costs *c, double part[6])
{
	static const char *const bare[] = { "exit_irq", "exit_wfx", "exit_sysreg",
					    "exit_sysreg_el2", "exit_other", NULL };
	double n[6] = {
		cv(r, w, "exit_hvc"), column(r, w, C_MMIO_K), column(r, w, C_MMIO_U),
		cv(r, w, "work_map"), cv(r, w, "hc_virq"), 0,
	};
	double d[6] = { c->delta[M_HVC], c->delta[M_MMIO_KERNEL],
			c->delta[M_MMIO_USER], c->delta[M_S2FAULT],
			c->delta[M_IPI] / 2, c->delta[M_HVC] };
	double sum = 0;

	for (const char *const *b = bare; *b; b++) {
		double x = cv(r, w, *b);

		if (x < 0)
			return -1;
		n[5] += x;
	}
	for (int i = 0; i < 6; i++) {
		if (n[i] < 0)
			return -1;
		part[i] = n[i] * d[i];
		sum += part[i];
	}
	return sum;
}

/* SeKVM's extra time in percent of KVM's, from the two medians. */
static double measured_extra(const struct app_bench *b, double s, double k)
{
	if (!(s > 0 && k > 0))
		return 0;
	/* ops/s: the time one operation takes is 1 / rate */
	return b->higher_better ? (k / s - 1) * 100 : (s / k - 1) * 100;
}

static double median_value(const struct apps_run *runs, int reps, int a, bool *ok)
{
	double *v = xcalloc((size_t)reps, sizeof(*v)), m;
	int n = 0;

	for (int i = 0; i < reps; i++)
		if (runs[i].have[a])
			v[n++] = runs[i].value[a];
	*ok = n > 0;
	if (!n) {
		free(v);
		return 0;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	free(v);
	return m;
}

/* "name:" for a row that is not the results table's (a static buffer). */
static const char *name_colon(const char *name)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "%s:", name);
	return buf;
}

static void print_prediction(FILE *out, unsigned wanted,
			     const struct apps_run *const runs[2], int reps,
			     const struct apps_costs *costs)
{
	bool icount = runs[0][0].icount && runs[1][0].icount;

	fprintf(out, "\nwhat SeKVM's exits cost by the micro suite (%s): SeKVM's "
		"exits per workload x (SeKVM - KVM) instructions per operation\n",
		costs->from);
	fprintf(out, "(virq: hc_virq x ipi/2; bare: interrupt, WFx, timer exits "
		"x hvc's, no micro operation of their own)\n");
	fprintf(out, "%-13s %9s %9s %9s %9s %9s %9s %11s %9s %9s\n", "application:",
		"hvc", "mmio-k", "mmio-u", "pages", "virq", "bare", "pred Minsn",
		"pred %", "meas %");
	for (int a = 0; a < APP_BENCHES; a++) {
		const struct app_bench *b = app_bench_info(a);
		double part[6], sum, win, s, k;
		const struct apps_run *r = NULL;
		bool ok_s, ok_k;

		if (!(wanted & (1u << a)))
			continue;
		/* the SeKVM run of the median window's length would do; run 1 is simpler */
		for (int i = 0; i < reps && !r; i++)
			if (runs[0][i].nexits)
				r = &runs[0][i];
		sum = r ? predict(r, b->frame, costs, part) : -1;
		if (sum < 0) {
			fprintf(out, "%s: - (no SeKVM exit counts for it)\n", b->name);
			continue;
		}
		win = column(r, b->frame, C_WINDOW_MS);
		s = median_value(runs[0], reps, a, &ok_s);
		k = median_value(runs[1], reps, a, &ok_k);
		fprintf(out, "%-13s", name_colon(b->name));
		for (int i = 0; i < 6; i++)
			fprintf(out, " %9.2f", part[i] / 1e6);
		fprintf(out, " %11.2f", sum / 1e6);
		/* under icount shift=0 one ms of the window is 1e6 instructions */
		if (icount && win > 0)
			fprintf(out, " %9.2f", sum / (win * 1e6) * 100);
		else
			fprintf(out, " %9s", "-");
		if (ok_s && ok_k)
			fprintf(out, " %9.2f\n", measured_extra(b, s, k));
		else
			fprintf(out, " %9s\n", "-");
	}
	fprintf(out, "(columns in millions of instructions, SeKVM run 1; pred %%: of "
		"the window's instructions%s; meas %%: SeKVM's extra time per "
		"operation over KVM's, medians)\n",
		icount ? "" : ", only under --icount, where the window's ms are "
		"instructions");
}

void apps_print_exits(FILE *out, unsigned wanted,
		      const struct apps_run *const runs[2], int reps,
		      const struct apps_costs *costs, unsigned kernels)
{
	const char *frames[APP_BENCHES];
	int nf = frames_of(wanted, frames);

	if (!any_exits(runs, reps)) {
		fprintf(out, "\n(no exit counts in these logs: an apps-host-init.sh "
			"of before, which did not take them)\n");
		return;
	}
	fprintf(out, "\nexits per workload (medians over the runs; KVM's debugfs "
		"statistics under both kernels, cv: the corevisor's, SeKVM only)\n");
	/* "name/kernel", "name:": no line but the table's starts with its name */
	fprintf(out, "%-16s", "workload/kernel");
	for (int c = 0; c < COLS; c++)
		fprintf(out, " %9s", col_name[c]);
	fprintf(out, "\n");
	for (int f = 0; f < nf; f++)
		for (int k = 0; k < 2; k++) {
			char *wk;

			if (!(kernels & (1u << k)))
				continue;
			wk = xasprintf("%s/%s", frames[f], k ? "KVM" : "SeKVM");

			fprintf(out, "%-16s", wk);
			free(wk);
			for (int c = 0; c < COLS; c++)
				print_cell(out, median_col(runs[k], reps, frames[f], c), c);
			fprintf(out, "\n");
		}
	fprintf(out, "(mmio-k: SeKVM's is the corevisor's MMIO answers less "
		"mmio-u, the port does not count it; rest: exits KVM has no\n"
		" statistic for, interrupts and stage-2 faults; cv:pages: pages "
		"the corevisor gave the guest; cv:virq: vGIC calls;\n"
		" cv:hostS2: the host's own stage-2 faults; EL2 ms: the corevisor's "
		"timed work (its exit path is counted, not timed);\n"
		" poll ms: the host halt-polling for a vCPU in WFI (KVM's "
		"halt_poll_*_ns); net: both ways through the taps, each byte\n"
		" bounced by the guest's swiotlb under both kernels; window: the "
		"workload as the QEMU host saw it)\n");
	if (kernels != 3)
		return;	/* one kernel's runs: no difference to predict */
	if (costs && costs->have)
		print_prediction(out, wanted, runs, reps, costs);
	else
		fprintf(out, "(no micro suite results for this line in the database: "
			"'porttool bench VER --suite micro' gives the per-exit costs "
			"that predict SeKVM's extra)\n");
}

void apps_print_runs(FILE *out, unsigned wanted,
		     const struct apps_run *const runs[2], int reps, unsigned kernels)
{
	fprintf(out, "\nevery run (load: the machine's 1-minute load average at "
		"the boot's start)\n%-4s %-6s %6s", "run", "kernel", "load");
	for (int a = 0; a < APP_BENCHES; a++)
		if (wanted & (1u << a))
			fprintf(out, " %10s", app_bench_info(a)->name);
	fprintf(out, "\n");
	for (int i = 0; i < reps; i++)
		for (int k = 0; k < 2; k++) {
			const struct apps_run *r = &runs[k][i];

			if (!(kernels & (1u << k)))
				continue;
			fprintf(out, "%-4d %-6s", i + 1, k ? "KVM" : "SeKVM");
			if (r->load >= 0)
				fprintf(out, " %6.2f", r->load);
			else
				fprintf(out, " %6s", "-");
			for (int a = 0; a < APP_BENCHES; a++)
				if (wanted & (1u << a)) {
					if (r->have[a])
						fprintf(out, " %10.2f", r->value[a]);
					else
						fprintf(out, " %10s", "-");
				}
			fprintf(out, "\n");
		}
	fprintf(out, "spread: lowest-highest of each kernel's runs, and (highest - "
		"lowest) / median\n");
	for (int a = 0; a < APP_BENCHES; a++) {
		if (!(wanted & (1u << a)))
			continue;
		fprintf(out, "%-13s", name_colon(app_bench_info(a)->name));
		for (int k = 0; k < 2; k++) {
			double lo = 0, hi = 0, m;
			bool any = false;

			if (!(kernels & (1u << k)))
				continue;
			for (int i = 0; i < reps; i++) {
				double v = runs[k][i].value[a];

				if (!runs[k][i].have[a])
					continue;
				lo = any && lo < v ? lo : v;
				hi = any && hi > v ? hi : v;
				any = true;
			}
			m = median_value(runs[k], reps, a, &any);
			if (any && m > 0)
				fprintf(out, "  %s %.2f-%.2f (%.0f%%)", k ? "KVM" : "SeKVM",
					lo, hi, (hi - lo) / m * 100);
			else
				fprintf(out, "  %s -", k ? "KVM" : "SeKVM");
		}
		fprintf(out, "\n");
	}
}

/* ---- the per-exit costs, from the micro suite's rows ---- */

static bool is_micro_row(const struct bench_record *r, const char *line)
{
	return !strcmp(r->suite, "micro") && !strcmp(r->line, line) &&
	       !strcmp(r->board, "qemu") && !strcmp(r->unit, "insn");
}

/* The median of run's rows of benchmark b under hypervisor hv, or -1. */
static double micro_median(const struct bench_data *d, const char *run,
			   const char *hv, const char *b)
{
	double *v = xcalloc(d->n ? d->n : 1, sizeof(*v)), m = -1;
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++) {
		const struct bench_record *r = &d->rec[i];

		if (!strcmp(r->run, run) && !strcmp(r->suite, "micro") &&
		    !strcmp(r->hypervisor, hv) && !strcmp(r->benchmark, b))
			v[n++] = r->value;
	}
	if (n) {
		qsort(v, n, sizeof(*v), cmp_double);
		m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	free(v);
	return m;
}

/* Whether run has every micro operation under both kernels, into c. */
static bool costs_of_run(const struct bench_data *d, const char *run,
			 struct apps_costs *c)
{
	for (int b = 0; b < MICRO_BENCHES; b++) {
		double s = micro_median(d, run, "sekvm", micro_bench_name(b));
		double k = micro_median(d, run, "kvm", micro_bench_name(b));

		if (s < 0 || k < 0)
			return false;
		c->delta[b] = s - k;
	}
	return true;
}

void apps_micro_costs(const struct bench_data *d, const char *line,
		      struct apps_costs *c)
{
	const char *tried = NULL;

	memset(c, 0, sizeof(*c));
	/* rows are oldest first: the newest run is the last one's */
	for (size_t i = d->n; i-- > 0;) {
		const struct bench_record *r = &d->rec[i];

		if (!is_micro_row(r, line) || (tried && !strcmp(tried, r->run)))
			continue;
		tried = r->run;
		if (!costs_of_run(d, r->run, c))
			continue;
		c->have = true;
		snprintf(c->from, sizeof(c->from), "run %s, %s", r->run,
			 r->parameters ? r->parameters : "");
		return;
	}
	memset(c, 0, sizeof(*c));
}
