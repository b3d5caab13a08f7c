// SPDX-License-Identifier: GPL-2.0
/*
 * porttool bench --suite apps: reading the application workloads' output.
 *
 * The root filesystem's scripts (porttool/qemu/rootfs/usr/lib/sekvm-apps/
 * lib.sh) frame each program's output between "APPS-BEGIN: NAME" and
 * "APPS-END: NAME RC"; anything may prefix those lines (a console tag such
 * as the host's "BENCH-VMM: ", then taken off the frame's lines too) and a
 * line may end in "\r".  Inside a frame each tool
 * prints its result in its own words, taken here:
 *
 *   redis     redis-benchmark --csv: "SET","12345.68",...   ops/s per test
 *   memcached memcaslap:  Run time: 10.0s Ops: 123 TPS: 12 Net_rate: ...
 *   apache    ab:         Requests per second:    123.45 [#/sec] (mean)
 *   mysql     sysbench:   transactions:   1234   (123.36 per sec.)
 *   hackbench hackbench:  Time: 1.234                        s
 *   kbuild    lib.sh:     kbuild: 24 files, make -j2, 12.34 s
 *
 * In a guest run (qemu/bench/apps-host-init.sh) the guest's frames (the
 * servers' start, hackbench, kbuild) are tagged "APPS-VMM: " and the
 * host's clients' frames "APPS-HOST: "; what the host could not do is a
 * "PORTTOOL-BENCH: apps-error: WHY" line.
 */
#include "bench_apps.h"

#include <stdlib.h>
#include <string.h>

/*
 * The exit counts apps-host-init.sh logs (bench_apps_exits.c prints what
 * they say): "APPS-EXITS: WORKLOAD SRC NAME COUNT TICKS", the counters'
 * frequency, whether QEMU ran with -icount, and each boot's load.
 */
#define TAG_EXITS "APPS-EXITS: "
#define TAG_FREQ "CV-STATS: cntfrq "
#define TAG_BOOT "# porttool boot: "
#define TAG_LOAD "# porttool: load average "

static struct apps_exit *find_exit(struct apps_run *r, const char *window,
				   const char *src, const char *name)
{
	for (int i = 0; i < r->nexits; i++) {
		struct apps_exit *e = &r->exits[i];

		if (!strcmp(e->window, window) && !strcmp(e->src, src) &&
		    !strcmp(e->name, name))
			return e;
	}
	return NULL;
}

/*
 * One line of a run's log: an exit count, the counters' frequency, the
 * QEMU command line or the load.  A malformed line is left out (the
 * counts explain the figures, they are not figures); a window's counter
 * given twice keeps the last.
 */
static void take_exit_line(const char *line, struct apps_run *r)
{
	char window[sizeof(r->exits[0].window)], src[sizeof(r->exits[0].src)],
	     name[sizeof(r->exits[0].name)], end;
	long long c, t;
	const char *p;
	struct apps_exit *e;

	if (!strncmp(line, TAG_BOOT, strlen(TAG_BOOT))) {
		r->icount = strstr(line, " -icount ") != NULL;
		p = strstr(line, " kvm.halt_poll_ns=");
		r->halt_poll_ns = p ? atoi(p + 18) : -1;
		return;
	}
	if (!strncmp(line, TAG_LOAD, strlen(TAG_LOAD))) {
		r->load = strtod(line + strlen(TAG_LOAD), NULL);
		return;
	}
	if ((p = strstr(line, TAG_FREQ))) {
		r->cntfrq = strtod(p + strlen(TAG_FREQ), NULL);
		return;
	}
	if (!(p = strstr(line, TAG_EXITS)))
		return;
	if (sscanf(p + strlen(TAG_EXITS), "%23s %7s %23s %lld %lld %c", window, src,
		   name, &c, &t, &end) != 5 || c < 0 || t < 0)
		return;
	e = find_exit(r, window, src, name);
	if (!e) {
		if (r->nexits == r->exits_alloc) {
			r->exits_alloc = r->exits_alloc ? 2 * r->exits_alloc : 256;
			r->exits = xrealloc(r->exits, (size_t)r->exits_alloc *
					    sizeof(*r->exits));
		}
		e = &r->exits[r->nexits++];
		snprintf(e->window, sizeof(e->window), "%s", window);
		snprintf(e->src, sizeof(e->src), "%s", src);
		snprintf(e->name, sizeof(e->name), "%s", name);
	}
	e->count = c;
	e->ticks = t;
}

long long apps_exit_count(const struct apps_run *r, const char *frame,
			  const char *src, const char *name, long long *ticks)
{
	const struct apps_exit *e = find_exit((struct apps_run *)r, frame, src, name);

	if (ticks)
		*ticks = e ? e->ticks : 0;
	return e ? e->count : -1;
}

/* apps-host-init.sh's tag of the guest's output, and its error marker. */
#define GUEST_TAG "APPS-VMM: "
#define HOST_ERROR "PORTTOOL-BENCH: apps-error: "

static const struct app_bench apps[] = {
	[A_APACHE] = { "apache", "apache", "ops/s", true, "Apache, ab (apache2-utils)" },
	[A_REDIS_GET] = { "redis-get", "redis", "ops/s", true, "Redis GET, redis-benchmark" },
	[A_REDIS_SET] = { "redis-set", "redis", "ops/s", true, "Redis SET, redis-benchmark" },
	[A_MEMCACHED] = { "memcached", "memcached", "ops/s", true,
			  "memcached, memcaslap (libmemcached-tools' memaslap)" },
	[A_MYSQL] = { "mysql", "mysql", "ops/s", true,
		      "MariaDB, sysbench oltp_read_only transactions" },
	[A_HACKBENCH] = { "hackbench", "hackbench", "s", false, "hackbench (rt-tests)" },
	[A_KBUILD] = { "kbuild", "kbuild", "s", false,
		       "kernel-build-like: gcc and make -j on a fixed C project" },
};

const struct app_bench *app_bench_info(enum app_bench_id a)
{
	return &apps[a];
}

/* After the first occurrence of key in line, or NULL. */
static const char *after(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? p + strlen(key) : NULL;
}

/* A positive number at p (after blanks); false when there is none. */
static bool number_at(const char *p, double *v)
{
	char *end;

	if (!p)
		return false;
	*v = strtod(p, &end);
	return end != p && *v > 0;
}

/* "SET","12345.68",...: the test's name and its requests per second. */
static void take_redis(const char *line, struct apps_run *r)
{
	static const struct { const char *test; enum app_bench_id id; } t[] = {
		{ "\"GET\",\"", A_REDIS_GET }, { "\"SET\",\"", A_REDIS_SET },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strncmp(line, t[i].test, strlen(t[i].test)))
			r->have[t[i].id] = number_at(line + strlen(t[i].test),
						     &r->value[t[i].id]);
}

static void take_line(const char *frame, const char *line, struct apps_run *r)
{
	const char *p;

	if (!strcmp(frame, "redis")) {
		take_redis(line, r);
	} else if (!strcmp(frame, "memcached")) {
		if (after(line, "Run time:") && (p = after(line, " TPS:")))
			r->have[A_MEMCACHED] = number_at(p, &r->value[A_MEMCACHED]);
	} else if (!strcmp(frame, "apache")) {
		if ((p = after(line, "Requests per second:")) && strstr(p, "[#/sec]"))
			r->have[A_APACHE] = number_at(p, &r->value[A_APACHE]);
	} else if (!strcmp(frame, "mysql")) {
		if (after(line, "transactions:") && (p = strchr(line, '(')) &&
		    strstr(p, "per sec."))
			r->have[A_MYSQL] = number_at(p + 1, &r->value[A_MYSQL]);
	} else if (!strcmp(frame, "hackbench")) {
		if (!strncmp(line, "Time:", 5))
			r->have[A_HACKBENCH] = number_at(line + 5, &r->value[A_HACKBENCH]);
	} else if (!strcmp(frame, "kbuild")) {
		if (!strncmp(line, "kbuild:", 7) && (p = strrchr(line, ',')) &&
		    strstr(p, " s"))
			r->have[A_KBUILD] = number_at(p + 1, &r->value[A_KBUILD]);
	}
}

/* The frame a marker line names, into name (at most len - 1 chars). */
static bool marker(const char *line, const char *key, char *name, size_t len,
		   int *rc)
{
	const char *p = after(line, key);
	size_t n;

	if (!p)
		return false;
	n = strcspn(p, " \r\n");
	if (!n || n >= len)
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	if (rc)
		*rc = atoi(p + n);
	return true;
}

static void note_failure(struct apps_run *r, const char *frame, int rc)
{
	if (r->failed[0])
		return;
	snprintf(r->failed, sizeof(r->failed), "%s exited %d", frame, rc);
}

void apps_runs_release(struct apps_run *runs, int n)
{
	for (int i = 0; runs && i < n; i++) {
		free(runs[i].exits);
		runs[i].exits = NULL;
		runs[i].nexits = runs[i].exits_alloc = 0;
	}
}

char *apps_parse_log(const char *log, unsigned wanted, struct apps_run *r)
{
	char frame[32] = "", name[32], tag[64] = "";
	struct sbuf missing = { 0 };
	const char *p = log;
	int rc;

	free(r->exits);
	memset(r, 0, sizeof(*r));
	r->load = -1;
	r->halt_poll_ns = -1;
	r->in_guest = strstr(log, GUEST_TAG "APPS-INIT: up ") != NULL;
	while (p && *p) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);
		size_t n = strlen(line);
		char *cr;

		/* A serial console's line ends, however many. */
		while (n && line[n - 1] == '\r')
			line[--n] = '\0';
		/* Progress redrawn with "\r" on one line: the last one counts. */
		cr = strrchr(line, '\r');
		if (cr)
			memmove(line, cr + 1, strlen(cr + 1) + 1);
		take_exit_line(line, r);
		if (marker(line, "APPS-BEGIN: ", name, sizeof(name), NULL)) {
			size_t tlen = (size_t)(strstr(line, "APPS-BEGIN: ") - line);

			/* What tags the marker tags the frame's lines too. */
			strcpy(frame, name);
			snprintf(tag, sizeof(tag), "%.*s", (int)tlen, line);
		} else if (marker(line, "APPS-END: ", name, sizeof(name), &rc)) {
			if (rc)
				note_failure(r, name, rc);
			frame[0] = '\0';
		} else if (frame[0]) {
			size_t tlen = strlen(tag);

			take_line(frame, strncmp(line, tag, tlen) ? line : line + tlen, r);
		}
		free(line);
		p = p[len] ? p + len + 1 : NULL;
	}
	/* No workload ran at all: say why when the kernel did. */
	if (!strstr(log, "APPS-INIT: up ")) {
		char *host = apps_host_error(log);

		if (host)
			return host;
		/*
		 * apps-host-init.sh shows the guest's output once it is ready;
		 * QEMU killed first leaves none of it.  Under -icount the
		 * host's own bound on that wait is in emulated seconds, which
		 * can be far slower than porttool's.
		 */
		if (strstr(log, "# porttool: QEMU killed after "))
			return xasprintf("QEMU was killed at porttool's --timeout before "
					 "the guest was ready%s",
					 strstr(log, " -icount ")
					 ? " (under -icount the host's own wait counts "
					   "emulated seconds, each many real ones)" : "");
		if (strstr(log, "VFS: Unable to mount root fs"))
			return xstrdup("the kernel could not mount the root filesystem "
				       "(ext4 on virtio-blk: is CONFIG_EXT4_FS in its config?)");
		return xstrdup("the root filesystem's /init never started "
			       "(no \"APPS-INIT: up\" line)");
	}
	for (int a = 0; a < APP_BENCHES; a++)
		if ((wanted & (1u << a)) && !r->have[a])
			sbuf_addf(&missing, "%s%s", missing.len ? ", " : "", apps[a].name);
	if (!missing.len)
		return NULL;
	{
		char *host = apps_host_error(log);
		char *why = xasprintf("no result for %s%s%s%s%s", missing.buf,
				      r->failed[0] ? "; " : "", r->failed,
				      host ? "; " : "", host ? host : "");

		sbuf_free(&missing);
		free(host);
		return why;
	}
}

char *apps_host_error(const char *log)
{
	const char *p = strstr(log, HOST_ERROR);

	if (!p)
		return NULL;
	p += strlen(HOST_ERROR);
	return xasprintf("%.*s", (int)strcspn(p, "\r\n"), p);
}

static double median(double *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Whether every run of the kernels in mask (bit 1 << k) has a result for a. */
static bool row_complete(const struct apps_run *const runs[2], int reps, int a,
			 unsigned mask)
{
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < reps && (mask & (1u << k)); i++)
			if (!runs[k][i].have[a])
				return false;
	return true;
}

/* The median of runs' values of a (v: room for reps of them). */
static double median_of(const struct apps_run *runs, int reps, int a, double *v)
{
	for (int i = 0; i < reps; i++)
		v[i] = runs[i].value[a];
	return median(v, reps);
}

/* The lines under the title: how many guests, where the workloads ran. */
static void print_setting(FILE *out, const struct apps_run *r, int reps, int vms,
			  const char *board)
{
	if (vms > 1)
		fprintf(out, "%d guests at once in each boot: the medians are over "
			"every guest of every boot (%d boot%s)\n", vms, reps / vms,
			reps / vms == 1 ? "" : "s");
	if (r->in_guest && board)
		fprintf(out, "in a 2-vCPU guest of the board's kernel, its servers driven "
			"from the board over virtio-net (a tap); one column: the board's "
			"other kernel is another run (bench/README.md)\n");
	else if (r->in_guest)
		fprintf(out, "in a 2-vCPU guest of each host kernel, its servers driven "
			"from the host over virtio-net; the host is itself QEMU TCG "
			"(nested emulation): compare the ratio, not the numbers\n");
	else
		fprintf(out, "servers and clients on the host kernel itself (the root "
			"filesystem's selftest), under QEMU TCG: no guest\n");
}

/* The papers' MongoDB row, which Debian cannot fill. */
#define NO_MONGODB "not in Debian (no package to build the root filesystem from)"
/* A row with a run that measured nothing: no median of fewer runs. */
#define NO_RESULT "no result in every run (the errors say why)"

void apps_print_table(FILE *out, const char *version, unsigned wanted,
		      const struct apps_run *const runs[2], int reps, int vms)
{
	double *v = xcalloc((size_t)reps, sizeof(*v));

	fprintf(out, "apps v%s: %d run(s) each, medians; ratio SeKVM/KVM "
		"(ops/s: above 1 is faster, s: below 1 is faster)\n", version, reps);
	print_setting(out, &runs[0][0], reps, vms, NULL);
	fprintf(out, "%-12s %14s %14s %6s  %s\n", "application", "SeKVM", "KVM",
		"ratio", "unit");
	for (int a = 0; a < APP_BENCHES; a++) {
		double m[2];

		if (!(wanted & (1u << a)))
			continue;
		if (!row_complete(runs, reps, a, 3)) {
			fprintf(out, "%-12s %14s %14s %6s  %s\n", apps[a].name, "-", "-",
				"-", NO_RESULT);
			continue;
		}
		for (int k = 0; k < 2; k++)
			m[k] = median_of(runs[k], reps, a, v);
		fprintf(out, "%-12s %14.2f %14.2f %6.3f  %s\n", apps[a].name,
			m[0], m[1], m[1] > 0 ? m[0] / m[1] : 0, apps[a].unit);
	}
	fprintf(out, "%-12s %14s %14s %6s  %s\n", "mongodb", "-", "-", "-", NO_MONGODB);
	free(v);
}

void apps_print_column(FILE *out, const char *version, const char *board,
		       enum bench_kernel k, unsigned wanted,
		       const struct apps_run *runs, int reps, int vms)
{
	const struct apps_run *const both[2] = { runs, runs };
	double *v = xcalloc((size_t)reps, sizeof(*v));
	const char *col = k == BENCH_SEKVM ? "SeKVM" : "KVM";

	fprintf(out, "apps v%s on %s, %s (the kernel it runs): %d run(s), medians\n",
		version, board, k == BENCH_SEKVM ? "SeKVM" : "stock KVM", reps);
	print_setting(out, &runs[0], reps, vms, board);
	fprintf(out, "%-12s %14s %6s  %s\n", "application", col, "", "unit");
	for (int a = 0; a < APP_BENCHES; a++) {
		if (!(wanted & (1u << a)))
			continue;
		if (!row_complete(both, reps, a, 1))
			fprintf(out, "%-12s %14s %6s  %s\n", apps[a].name, "-", "", NO_RESULT);
		else
			fprintf(out, "%-12s %14.2f %6s  %s\n", apps[a].name,
				median_of(runs, reps, a, v), "", apps[a].unit);
	}
	fprintf(out, "%-12s %14s %6s  %s\n", "mongodb", "-", "", NO_MONGODB);
	free(v);
}

bool apps_any_result(const struct apps_run *r)
{
	for (int a = 0; a < APP_BENCHES; a++)
		if (r->have[a])
			return true;
	return false;
}

/* Whether line starts with tag followed by v's number and ": ". */
static const char *vm_tagged(const char *line, const char *tag, int *v)
{
	size_t n = strlen(tag);
	char *end;

	if (strncmp(line, tag, n))
		return NULL;
	*v = (int)strtol(line + n, &end, 10);
	return end != line + n && !strncmp(end, ": ", 2) ? end + 2 : NULL;
}

char *apps_vm_log(const char *log, int vms, int v)
{
	struct sbuf b = { 0 };
	const char *p = log;

	if (vms <= 1)
		return xstrdup(log);
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = xasprintf("%.*s", (int)len, p);
		const char *rest;
		int w;

		if ((rest = vm_tagged(line, "APPS-VMM", &w))) {
			if (w == v)
				sbuf_addf(&b, "APPS-VMM: %s\n", rest);
		} else if ((rest = vm_tagged(line, "APPS-HOST", &w))) {
			if (w == v)
				sbuf_addf(&b, "APPS-HOST: %s\n", rest);
		} else {
			sbuf_addf(&b, "%s\n", line);
		}
		free(line);
		p += len + (p[len] == '\n');
	}
	return b.buf ? sbuf_detach(&b) : xstrdup("");
}
