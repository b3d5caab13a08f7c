/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Child processes (subproc.c): porttool's one fork/exec.  Every program
 * porttool runs (make, QEMU, apt-get, checkpatch.pl, a --build-each
 * command) runs through subproc_run, with its output copied to a log, to
 * our stderr or to a line callback, and an optional timeout.
 */
#ifndef PORTTOOL_SUBPROC_H
#define PORTTOOL_SUBPROC_H

#include "porttool.h"
#include "sbuf.h"

struct subproc {
	const char *const *argv;	/* argv[0] is looked up in PATH */
	const char *cwd;		/* NULL: stay here */
	/* The child's stdin: this file (ssh's upload), or NULL: /dev/null. */
	const char *stdin_path;
	int log_fd;			/* stdout+stderr copied here; -1: none */
	bool echo;			/* also copy output to our stderr */
	/* Called for each complete line of output (without the newline). */
	void (*on_line)(const char *line, void *arg);
	void *arg;
	/* Called about once a second while the child runs; may be NULL. */
	void (*on_tick)(void *arg);
	int timeout_s;			/* 0: none; else SIGKILL after it */
	/* results */
	bool timed_out;
	int exit_code;			/* -1 when killed by a signal */
	int term_signal;		/* the signal that killed it, or 0 */
};

/*
 * Run a child to completion (or to its timeout, when it and its process
 * group are killed).  Returns 0 when it ran, -1 when it could not be
 * started (an error naming the program is printed).
 */
int subproc_run(struct subproc *p);
/* Full path of an executable found in PATH, or NULL. */
char *find_program(const char *name);

/*
 * The common case: run argv in cwd (NULL: here) to its end, its output
 * collected in *out when out is given, else copied to our stderr (our
 * stdout is for results).  Returns the exit status, 128 + the signal for
 * a child killed by one, or -1 when it could not be started (an error is
 * printed).
 */
int subproc_simple(const char *cwd, const char *const argv[],
		   struct sbuf *out);

#endif
