/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark results database (bench_db.c, SQLite): one row per
 * measurement, never updated or deleted, so every run adds to the history
 * the report draws.  A run that could not measure (no build, a failed
 * boot) leaves a row in failures, so the matrix can say why a cell is
 * empty.  bench_meta.c collects what identifies a measurement: the
 * kernel line, its base and port commits, the corevisor's sha256, QEMU's
 * version, the host and the date.
 */
#ifndef PORTTOOL_BENCH_DB_H
#define PORTTOOL_BENCH_DB_H

#include "porttool.h"

struct bench_db;

/* What every row of one line's run shares. */
struct bench_meta {
	char *run;		/* one invocation: date and pid */
	char *line;		/* "5.10" */
	char *board;		/* "qemu" */
	char *suite;		/* "guest", "micro" */
	char *base_commit, *port_commit, *corevisor_sha256;	/* may be NULL */
	char *qemu_version, *host, *date;
	char *source;		/* "boot", or "from-logs DIR" */
};

/* One measurement. */
struct bench_row {
	const char *hypervisor;	/* "sekvm" or "kvm" */
	const char *benchmark;	/* "mem", "hvc", ... */
	const char *parameters;	/* "64MiB", "iters=65536" */
	int rep;		/* which boot, from 1 */
	double value;
	const char *unit;	/* "ns", "insn" */
};

/* A row read back (bench_db_load): the meta fields and the row's own. */
struct bench_record {
	char *run, *line, *board, *suite, *hypervisor, *benchmark,
	     *parameters, *unit, *date, *base_commit, *port_commit,
	     *corevisor_sha256, *qemu_version, *host, *source;
	int rep;
	double value;
};

/* A cell the run could not fill, read back. */
struct bench_failure {
	char *run, *line, *board, *suite, *hypervisor, *reason, *log, *date;
};

struct bench_data {
	struct bench_record *rec;
	size_t n;
	struct bench_failure *fail;
	size_t nfail;
};

/* <cache>/bench/results.sqlite */
char *bench_db_default_path(void);
/*
 * Open (create when missing, with its schema) the database at path.
 * NULL after an error naming the file and what was wrong with it (not a
 * SQLite file, another schema, a newer version).
 */
struct bench_db *bench_db_open(const char *path, bool create);
void bench_db_close(struct bench_db *db);
/* Start and commit one run's rows together; 0 or -1 (error printed). */
int bench_db_begin(struct bench_db *db);
int bench_db_commit(struct bench_db *db);
int bench_db_add(struct bench_db *db, const struct bench_meta *m,
		 const struct bench_row *r);
int bench_db_add_failure(struct bench_db *db, const struct bench_meta *m,
			 const char *hypervisor, const char *reason,
			 const char *log);
/* Every row and failure, oldest first; 0 or -1 (error printed). */
int bench_db_load(struct bench_db *db, struct bench_data *d);
void bench_data_free(struct bench_data *d);

/* ---- bench_meta.c ---- */
/*
 * Fill m for a line's run: line, board, suite and run are given; the
 * rest is read from the port (base commit), the SeKVM build (the source
 * tree's HEAD, the embedded corevisor.bin), QEMU and the machine.  What
 * cannot be known stays NULL.
 */
void bench_meta_fill(struct bench_meta *m, const struct port *p,
		     const char *sekvm_out);
/* A new run id: "2026-12-05T18:10:00.123Z-0001234". */
char *bench_run_id(void);
/* SHA-256 of a file as 64 hex digits, or NULL. */
char *sha256_file(const char *path);
void bench_meta_free(struct bench_meta *m);

#endif
