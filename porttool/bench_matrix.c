// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix: group the database's rows by line, board, suite, benchmark
 * and parameters, take each hypervisor's median, and say why a line has
 * no numbers where its run left a failure instead.
 */
#include "bench_matrix.h"

#include <stdlib.h>
#include <string.h>

const char *bench_suite_note(const char *suite)
{
	if (!strcmp(suite, "micro"))
		return "instruction counts under QEMU -icount shift=0 (emulation, "
		       "not hardware cycles): the same on every run and machine";
	if (!strcmp(suite, "guest"))
		return "wall-clock medians under QEMU TCG (nested virtualization "
		       "by emulation): not hardware numbers; compare the ratio";
	return "";
}

static bool eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int hv_index(const char *hv)
{
	return !strcmp(hv, "sekvm") ? MX_SEKVM : !strcmp(hv, "kvm") ? MX_KVM : -1;
}

/* The run that counts for a line/board/suite: the newest of either table. */
static const char *latest_run(const struct bench_data *d, const char *line,
			      const char *board, const char *suite)
{
	const char *best = NULL;

	for (size_t i = 0; i < d->n; i++) {
		const struct bench_record *r = &d->rec[i];

		if (eq(r->line, line) && eq(r->board, board) && eq(r->suite, suite) &&
		    (!best || strcmp(r->run, best) > 0))
			best = r->run;
	}
	for (size_t i = 0; i < d->nfail; i++) {
		const struct bench_failure *f = &d->fail[i];

		if (eq(f->line, line) && eq(f->board, board) && eq(f->suite, suite) &&
		    (!best || strcmp(f->run, best) > 0))
			best = f->run;
	}
	return best;
}

/*
 * A board reached over ssh (bench --target) runs one kernel at a time:
 * each run fills one column, so its columns come from the latest run of
 * each hypervisor, not from one run.
 */
static bool per_kernel(const char *board)
{
	return board && !strncmp(board, "ssh://", 6);
}

/* latest_run among one hypervisor's rows and failures. */
static const char *latest_run_hv(const struct bench_data *d, const char *line,
				 const char *board, const char *suite, const char *hv)
{
	const char *best = NULL;

	for (size_t i = 0; i < d->n; i++) {
		const struct bench_record *r = &d->rec[i];

		if (eq(r->line, line) && eq(r->board, board) && eq(r->suite, suite) &&
		    eq(r->hypervisor, hv) && (!best || strcmp(r->run, best) > 0))
			best = r->run;
	}
	for (size_t i = 0; i < d->nfail; i++) {
		const struct bench_failure *f = &d->fail[i];

		if (eq(f->line, line) && eq(f->board, board) && eq(f->suite, suite) &&
		    eq(f->hypervisor, hv) && (!best || strcmp(f->run, best) > 0))
			best = f->run;
	}
	return best;
}

static bool counts(const struct bench_data *d, const char *want, const char *run,
		   const char *line, const char *board, const char *suite,
		   const char *hv)
{
	if (want)
		return !strcmp(run, want);
	if (per_kernel(board))
		return !strcmp(run, latest_run_hv(d, line, board, suite, hv));
	return !strcmp(run, latest_run(d, line, board, suite));
}

static struct matrix_row *add_row(struct matrix *m)
{
	m->rows = xrealloc(m->rows, (m->n + 1) * sizeof(*m->rows));
	memset(&m->rows[m->n], 0, sizeof(*m->rows));
	return &m->rows[m->n++];
}

static struct matrix_row *find_row(struct matrix *m, const struct bench_record *r)
{
	for (size_t i = 0; i < m->n; i++) {
		struct matrix_row *x = &m->rows[i];

		if (x->benchmark && (per_kernel(x->board) || eq(x->run, r->run)) &&
		    eq(x->line, r->line) &&
		    eq(x->board, r->board) && eq(x->suite, r->suite) &&
		    eq(x->benchmark, r->benchmark) && eq(x->parameters, r->parameters) &&
		    eq(x->unit, r->unit))
			return x;
	}
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Median, min and max of the values of row x's group and hypervisor h:
 * from x's run, or (a per-kernel board, want NULL) from h's latest run.
 */
static void summarize(const struct bench_data *d, const char *want,
		      struct matrix_row *x, int h)
{
	double *v = xcalloc(d->n + 1, sizeof(*v));
	const char *run = x->run;
	int n = 0;

	if (!want && per_kernel(x->board))
		run = latest_run_hv(d, x->line, x->board, x->suite,
				    h == MX_SEKVM ? "sekvm" : "kvm");
	for (size_t i = 0; i < d->n; i++) {
		const struct bench_record *r = &d->rec[i];

		if (eq(run, r->run) && eq(x->line, r->line) && eq(x->board, r->board) &&
		    eq(x->suite, r->suite) && eq(x->benchmark, r->benchmark) &&
		    eq(x->parameters, r->parameters) && eq(x->unit, r->unit) &&
		    hv_index(r->hypervisor) == h)
			v[n++] = r->value;
	}
	x->n[h] = n;
	if (n) {
		qsort(v, (size_t)n, sizeof(*v), cmp_double);
		x->median[h] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
		x->min[h] = v[0];
		x->max[h] = v[n - 1];
	}
	free(v);
}

static int row_cmp(const void *a, const void *b)
{
	const struct matrix_row *x = a, *y = b;
	int c = strcmp(x->suite, y->suite);

	if (c || (c = version_compare(x->line, y->line)))
		return c;
	return strcmp(x->board, y->board);
}

void bench_matrix_build(const struct bench_data *d, const char *run,
			struct matrix *m)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < d->n; i++) {
		const struct bench_record *r = &d->rec[i];
		struct matrix_row *x;

		/* the apps suite's exit counts explain its rows; not rows themselves */
		if (!strcmp(r->suite, "apps-exits"))
			continue;
		if (hv_index(r->hypervisor) < 0 ||
		    !counts(d, run, r->run, r->line, r->board, r->suite, r->hypervisor) ||
		    find_row(m, r))
			continue;
		x = add_row(m);
		x->run = r->run; x->line = r->line; x->board = r->board;
		x->suite = r->suite; x->benchmark = r->benchmark;
		x->parameters = r->parameters; x->unit = r->unit;
	}
	for (size_t i = 0; i < m->n; i++)
		for (int h = 0; h < MX_HV; h++)
			summarize(d, run, &m->rows[i], h);
	for (size_t i = 0; i < d->nfail; i++) {
		const struct bench_failure *f = &d->fail[i];
		struct matrix_row *x;

		if (!counts(d, run, f->run, f->line, f->board, f->suite, f->hypervisor))
			continue;
		x = add_row(m);
		x->run = f->run; x->line = f->line; x->board = f->board;
		x->suite = f->suite; x->why = f->reason; x->log = f->log;
		x->hypervisor = f->hypervisor;
	}
	/* stable: within a line, the database's order of benchmarks stays */
	for (size_t i = 1; i < m->n; i++)
		for (size_t j = i; j > 0 && row_cmp(&m->rows[j - 1], &m->rows[j]) > 0; j--) {
			struct matrix_row t = m->rows[j];

			m->rows[j] = m->rows[j - 1];
			m->rows[j - 1] = t;
		}
}

void bench_matrix_free(struct matrix *m)
{
	free(m->rows);
	memset(m, 0, sizeof(*m));
}

void bench_format_value(char *buf, size_t len, double v, const char *unit)
{
	if (!strcmp(unit, "ns"))
		snprintf(buf, len, "%.1f ms", v / 1e6);
	else if (!strcmp(unit, "insn"))
		snprintf(buf, len, "%.0f insn", v);
	else
		snprintf(buf, len, "%g %s", v, unit);
}

void bench_format_why(char *buf, size_t len, const struct matrix_row *r)
{
	if (r->log)
		snprintf(buf, len, "%s%s%s (log %s)", r->hypervisor ? r->hypervisor : "",
			 r->hypervisor ? ": " : "", r->why, r->log);
	else
		snprintf(buf, len, "%s", r->why);
}

static void print_cell(FILE *out, const struct matrix_row *r, int h)
{
	char buf[64];

	if (r->n[h])
		bench_format_value(buf, sizeof(buf), r->median[h], r->unit);
	else
		snprintf(buf, sizeof(buf), "no value");
	fprintf(out, " %16s", buf);
}

/* Whether suite's rows, from row i on, have an ssh:// board. */
static bool suite_has_board(const struct matrix *m, size_t i, const char *suite)
{
	for (; i < m->n && !strcmp(m->rows[i].suite, suite); i++)
		if (per_kernel(m->rows[i].board))
			return true;
	return false;
}

void bench_matrix_print(FILE *out, const struct matrix *m)
{
	const char *suite = NULL;

	if (!m->n) {
		fprintf(out, "no results\n");
		return;
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct matrix_row *r = &m->rows[i];
		char why[1024];

		if (!suite || strcmp(suite, r->suite)) {
			suite = r->suite;
			fprintf(out, "%s-- suite %s: %s\n", i ? "\n" : "", suite,
				bench_suite_note(suite));
			if (suite_has_board(m, i, suite))
				fprintf(out, "   ssh:// boards (bench --target): run on the board, "
					"not QEMU; micro in ns by its counter; each column its "
					"kernel's latest run\n");
			fprintf(out, "%-6s %-6s %-14s %-16s %16s %16s %7s\n", "line",
				"board", "benchmark", "parameters", "SeKVM", "KVM", "ratio");
		}
		if (!r->benchmark) {
			bench_format_why(why, sizeof(why), r);
			fprintf(out, "%-6s %-6s %-14s %s\n", r->line, r->board, "-", why);
			continue;
		}
		fprintf(out, "%-6s %-6s %-14s %-16s", r->line, r->board, r->benchmark,
			r->parameters ? r->parameters : "-");
		print_cell(out, r, MX_SEKVM);
		print_cell(out, r, MX_KVM);
		if (r->n[MX_SEKVM] && r->n[MX_KVM] && r->median[MX_KVM] > 0)
			fprintf(out, " %6.2fx\n", r->median[MX_SEKVM] / r->median[MX_KVM]);
		else
			fprintf(out, " %7s\n", "-");
	}
}
