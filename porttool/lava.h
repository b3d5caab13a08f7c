/* SPDX-License-Identifier: GPL-2.0 */
/*
 * porttool lava (builtin/lava.c): LAVA job definitions for a build, and
 * LAVA's results read back (lava_results.c).
 *
 * The jobs report through monitors (test action "monitors"), one per
 * kind of line: checks ("PORTTOOL-LAVA-CASE: NAME result=pass|fail") and
 * figures (measurements with units).  Every monitor of a job is named
 * "porttool_LINE_BOARD_HYPERVISOR_SUITE", so that a result, wherever it
 * is read (lava-run's log, a server's job log or its results export),
 * says which build it measured.
 */
#ifndef PORTTOOL_LAVA_H
#define PORTTOOL_LAVA_H

#include "porttool.h"

/* One LAVA test case of a porttool job. */
struct lava_case {
	char *line, *board, *hypervisor, *suite;	/* from the definition */
	char *name;		/* the test case as the job printed it */
	char *result;		/* pass, fail, skip, unknown */
	bool has_value;
	double value;
	char *units;		/* or NULL */
};

struct lava_results {
	struct lava_case *c;
	size_t n;
	/* LAVA's own "job" result: the job as a whole */
	bool job_seen, job_passed;
	char *job_error;	/* its error_msg, or NULL */
	size_t others;		/* cases of definitions not porttool's */
};

/*
 * Read LAVA's results from path: a job log (lava-run's stderr, a server's
 * output.yaml: one mapping a line, or a list of them) or a server's
 * results export (a list of {suite, name, result, measurement, unit}).
 * 0, or -1 after an error naming the file and what was wrong.
 */
int lava_results_read(const char *path, struct lava_results *r);
void lava_results_free(struct lava_results *r);
/*
 * Split a definition name "porttool_LINE_BOARD_HV_SUITE" (a server may
 * put "N_" in front) into c's fields; false when it is not porttool's.
 */
bool lava_definition_parse(const char *def, struct lava_case *c);

#endif
