// SPDX-License-Identifier: GPL-2.0
/*
 * The results database: SQLite, two tables, rows only ever inserted.
 *
 * measurements: one value a row with everything needed to tell two runs
 * apart later (which tree, which corevisor, which QEMU, which machine).
 * failures: one row per cell a run could not fill, with the log to read.
 * PRAGMA user_version is the schema's version: a database from a newer
 * porttool is refused rather than half understood.
 */
#include "bench_db.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_VERSION 1

struct bench_db {
	sqlite3 *db;
	char *path;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS measurements (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  run TEXT NOT NULL,\n"
	"  line TEXT NOT NULL,\n"
	"  base_commit TEXT,\n"
	"  port_commit TEXT,\n"
	"  corevisor_sha256 TEXT,\n"
	"  board TEXT NOT NULL,\n"
	"  hypervisor TEXT NOT NULL CHECK (hypervisor IN ('sekvm', 'kvm')),\n"
	"  suite TEXT NOT NULL,\n"
	"  benchmark TEXT NOT NULL,\n"
	"  parameters TEXT,\n"
	"  rep INTEGER NOT NULL,\n"
	"  value REAL NOT NULL,\n"
	"  unit TEXT NOT NULL,\n"
	"  qemu_version TEXT,\n"
	"  host TEXT,\n"
	"  date TEXT NOT NULL,\n"
	"  source TEXT\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS failures (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  run TEXT NOT NULL,\n"
	"  line TEXT NOT NULL,\n"
	"  board TEXT NOT NULL,\n"
	"  suite TEXT NOT NULL,\n"
	"  hypervisor TEXT,\n"
	"  reason TEXT NOT NULL,\n"
	"  log TEXT,\n"
	"  date TEXT NOT NULL\n"
	");\n";

char *bench_db_default_path(void)
{
	char *cache = cache_dir();
	char *path = xasprintf("%s/bench/results.sqlite", cache);

	free(cache);
	return path;
}

static int db_fail(struct bench_db *db, const char *what)
{
	error("%s: %s: %s", db->path, what, sqlite3_errmsg(db->db));
	return -1;
}

static int exec(struct bench_db *db, const char *sql, const char *what)
{
	char *msg = NULL;

	if (sqlite3_exec(db->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	error("%s: %s: %s", db->path, what, msg ? msg : "unknown error");
	sqlite3_free(msg);
	return -1;
}

static int user_version(struct bench_db *db, int *v)
{
	sqlite3_stmt *st;
	int rc;

	/* The first read of a file that is not SQLite fails here. */
	if (sqlite3_prepare_v2(db->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "not a results database");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_fail(db, "not a results database");
	}
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* The tables a database of ours has, with the columns we read. */
static int check_tables(struct bench_db *db)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db->db,
		"SELECT run, line, board, suite, hypervisor, benchmark, parameters, "
		"rep, value, unit, date FROM measurements LIMIT 0", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return db_fail(db, "not a porttool results database");
	sqlite3_finalize(st);
	rc = sqlite3_prepare_v2(db->db, "SELECT run, reason, log FROM failures LIMIT 0",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, "not a porttool results database");
	sqlite3_finalize(st);
	return 0;
}

static int init_schema(struct bench_db *db)
{
	int v;

	if (user_version(db, &v))
		return -1;
	if (v > SCHEMA_VERSION) {
		error("%s: results database schema version %d is newer than this "
		      "porttool's (%d)", db->path, v, SCHEMA_VERSION);
		return -1;
	}
	if (v == 0) {
		char *sql = xasprintf("BEGIN; %s PRAGMA user_version = %d; COMMIT;",
				      schema, SCHEMA_VERSION);
		int ret = exec(db, sql, "creating the tables");

		free(sql);
		if (ret)
			return -1;
	}
	return check_tables(db);
}

static char *dirname_of(const char *path)
{
	char *d = xstrdup(path), *slash = strrchr(d, '/');

	if (!slash) {
		free(d);
		return NULL;
	}
	if (slash == d)
		slash[1] = '\0';
	else
		*slash = '\0';
	return d;
}

struct bench_db *bench_db_open(const char *path, bool create)
{
	struct bench_db *db = xcalloc(1, sizeof(*db));
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	char *dir = dirname_of(path);

	db->path = xstrdup(path);
	if (!create && !is_file(path)) {
		error("no results database at %s (run 'porttool bench' first, "
		      "or give --db FILE)", path);
		goto fail;
	}
	if (create && dir && mkdir_p(dir)) {
		error("cannot create %s for the results database: %s", dir,
		      strerror(errno));
		goto fail;
	}
	if (sqlite3_open_v2(path, &db->db, flags, NULL) != SQLITE_OK) {
		db_fail(db, "cannot open the results database");
		goto fail;
	}
	/* Two porttools writing at once wait for each other, not fail. */
	sqlite3_busy_timeout(db->db, 30000);
	if (init_schema(db))
		goto fail;
	free(dir);
	return db;
fail:
	free(dir);
	bench_db_close(db);
	return NULL;
}

void bench_db_close(struct bench_db *db)
{
	if (!db)
		return;
	sqlite3_close(db->db);
	free(db->path);
	free(db);
}

int bench_db_begin(struct bench_db *db)
{
	return exec(db, "BEGIN IMMEDIATE", "starting a transaction");
}

int bench_db_commit(struct bench_db *db)
{
	return exec(db, "COMMIT", "writing the results");
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int step_done(struct bench_db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, what);
	return 0;
}

int bench_db_add(struct bench_db *db, const struct bench_meta *m,
		 const struct bench_row *r)
{
	sqlite3_stmt *st;
	int i = 1;

	if (sqlite3_prepare_v2(db->db,
		"INSERT INTO measurements (run, line, base_commit, port_commit, "
		"corevisor_sha256, board, hypervisor, suite, benchmark, parameters, "
		"rep, value, unit, qemu_version, host, date, source) VALUES "
		"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		-1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "preparing an insert");
	bind_text(st, i++, m->run);
	bind_text(st, i++, m->line);
	bind_text(st, i++, m->base_commit);
	bind_text(st, i++, m->port_commit);
	bind_text(st, i++, m->corevisor_sha256);
	bind_text(st, i++, m->board);
	bind_text(st, i++, r->hypervisor);
	bind_text(st, i++, m->suite);
	bind_text(st, i++, r->benchmark);
	bind_text(st, i++, r->parameters);
	sqlite3_bind_int(st, i++, r->rep);
	sqlite3_bind_double(st, i++, r->value);
	bind_text(st, i++, r->unit);
	bind_text(st, i++, m->qemu_version);
	bind_text(st, i++, m->host);
	bind_text(st, i++, m->date);
	bind_text(st, i++, m->source);
	return step_done(db, st, "adding a measurement");
}

int bench_db_add_failure(struct bench_db *db, const struct bench_meta *m,
			 const char *hypervisor, const char *reason,
			 const char *log)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->db,
		"INSERT INTO failures (run, line, board, suite, hypervisor, reason, "
		"log, date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "preparing an insert");
	bind_text(st, 1, m->run);
	bind_text(st, 2, m->line);
	bind_text(st, 3, m->board);
	bind_text(st, 4, m->suite);
	bind_text(st, 5, hypervisor);
	bind_text(st, 6, reason);
	bind_text(st, 7, log);
	bind_text(st, 8, m->date);
	return step_done(db, st, "adding a failure");
}

static char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

static int load_records(struct bench_db *db, struct bench_data *d)
{
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;

	if (sqlite3_prepare_v2(db->db,
		"SELECT run, line, board, suite, hypervisor, benchmark, parameters, "
		"unit, date, base_commit, port_commit, corevisor_sha256, qemu_version, "
		"host, source, rep, value FROM measurements ORDER BY id", -1, &st,
		NULL) != SQLITE_OK)
		return db_fail(db, "reading the measurements");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bench_record *r;

		if (d->n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			d->rec = xrealloc(d->rec, alloc * sizeof(*d->rec));
		}
		r = &d->rec[d->n++];
		r->run = col(st, 0);
		r->line = col(st, 1);
		r->board = col(st, 2);
		r->suite = col(st, 3);
		r->hypervisor = col(st, 4);
		r->benchmark = col(st, 5);
		r->parameters = col(st, 6);
		r->unit = col(st, 7);
		r->date = col(st, 8);
		r->base_commit = col(st, 9);
		r->port_commit = col(st, 10);
		r->corevisor_sha256 = col(st, 11);
		r->qemu_version = col(st, 12);
		r->host = col(st, 13);
		r->source = col(st, 14);
		r->rep = sqlite3_column_int(st, 15);
		r->value = sqlite3_column_double(st, 16);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the measurements");
	return 0;
}

static int load_failures(struct bench_db *db, struct bench_data *d)
{
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;

	if (sqlite3_prepare_v2(db->db,
		"SELECT run, line, board, suite, hypervisor, reason, log, date "
		"FROM failures ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "reading the failures");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bench_failure *f;

		if (d->nfail == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			d->fail = xrealloc(d->fail, alloc * sizeof(*d->fail));
		}
		f = &d->fail[d->nfail++];
		f->run = col(st, 0);
		f->line = col(st, 1);
		f->board = col(st, 2);
		f->suite = col(st, 3);
		f->hypervisor = col(st, 4);
		f->reason = col(st, 5);
		f->log = col(st, 6);
		f->date = col(st, 7);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the failures");
	return 0;
}

int bench_db_load(struct bench_db *db, struct bench_data *d)
{
	memset(d, 0, sizeof(*d));
	if (load_records(db, d) || load_failures(db, d)) {
		bench_data_free(d);
		return -1;
	}
	return 0;
}

void bench_data_free(struct bench_data *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct bench_record *r = &d->rec[i];

		free(r->run); free(r->line); free(r->board); free(r->suite);
		free(r->hypervisor); free(r->benchmark); free(r->parameters);
		free(r->unit); free(r->date); free(r->base_commit);
		free(r->port_commit); free(r->corevisor_sha256);
		free(r->qemu_version); free(r->host); free(r->source);
	}
	for (size_t i = 0; i < d->nfail; i++) {
		struct bench_failure *f = &d->fail[i];

		free(f->run); free(f->line); free(f->board); free(f->suite);
		free(f->hypervisor); free(f->reason); free(f->log); free(f->date);
	}
	free(d->rec);
	free(d->fail);
	memset(d, 0, sizeof(*d));
}
