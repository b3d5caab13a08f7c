/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-version matrix (bench_matrix.c): from the database's rows, one
 * row per kernel line, board, suite and benchmark with the SeKVM and KVM
 * medians and their ratio, or why the cell is empty.  'porttool bench
 * --matrix' prints its own run's; 'porttool report' the latest run of
 * every line (builtin/report.c).
 */
#ifndef PORTTOOL_BENCH_MATRIX_H
#define PORTTOOL_BENCH_MATRIX_H

#include "bench_db.h"

enum { MX_SEKVM, MX_KVM, MX_HV };

struct matrix_row {
	const char *run, *line, *board, *suite;
	/* a measured row: */
	const char *benchmark, *parameters, *unit;
	double median[MX_HV], min[MX_HV], max[MX_HV];
	int n[MX_HV];			/* values behind each median */
	/* an empty one (benchmark NULL): */
	const char *why, *log, *hypervisor;
};

struct matrix {
	struct matrix_row *rows;
	size_t n;
};

/*
 * The matrix of one run (run set), or of the latest run of every line,
 * board and suite (run NULL), ordered by suite, line (oldest first),
 * board and the benchmarks' order in the database.  Points into d.
 */
void bench_matrix_build(const struct bench_data *d, const char *run,
			struct matrix *m);
void bench_matrix_free(struct matrix *m);
/* The value as shown: "12.3 ms", "4521 insn". */
void bench_format_value(char *buf, size_t len, double v, const char *unit);
/* Why a cell is empty, with its log when there is one. */
void bench_format_why(char *buf, size_t len, const struct matrix_row *r);
void bench_matrix_print(FILE *out, const struct matrix *m);
/* -1, 0, 1: dotted versions numerically (4.18 < 5.4 < 5.10). */
/* What a suite's numbers are, for the table's heading. */
const char *bench_suite_note(const char *suite);

#endif
