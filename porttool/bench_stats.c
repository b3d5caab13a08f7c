// SPDX-License-Identifier: GPL-2.0
/*
 * The corevisor's exit counters in a benchmark's serial log (ABI 1.4,
 * CV_HC_GET_STAT, logged by the bench hosts' init scripts): read by both
 * suites' log readers (bench_micro.c, bench_report.c) and printed under
 * their tables, so it lives apart from either.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG_STATS "CV-STATS: cntfrq "
#define TAG_STAT "CV-STAT: "

/*
 * "CV-STATS: cntfrq F" and "CV-STAT: name count ticks": the corevisor's
 * counters; a malformed line, or one more than MICRO_STATS_MAX, is left
 * out (they explain the figures, they are not figures).
 */
void micro_take_stat(const char *line, double *freq, struct micro_stat *st,
		     int *n)
{
	const char *tag;
	char name[sizeof(st->name)];
	unsigned long long c, t;
	char end;

	if ((tag = strstr(line, TAG_STATS))) {
		*freq = strtod(tag + strlen(TAG_STATS), NULL);
		return;
	}
	if (!(tag = strstr(line, TAG_STAT)) || *n >= MICRO_STATS_MAX)
		return;
	if (sscanf(tag + strlen(TAG_STAT), "%23s %llu %llu%c", name, &c, &t,
		   &end) != 3)
		return;
	snprintf(st[*n].name, sizeof(st[*n].name), "%s", name);
	st[*n].count = c;
	st[*n].ticks = t;
	(*n)++;
}

/*
 * The corevisor's counters of one run: events, and the time the corevisor
 * spent on them in unit (ticks * 1e9 / CNTFRQ: under -icount shift=0 one
 * instruction is 1 ns, so for the micro suite these are instructions;
 * without icount they are nanoseconds).  Only EL2's share: the host
 * kernel's and the vmm's part of an exit is in the operation's total,
 * not here.
 */
void micro_print_stats(FILE *out, const char *what, const char *unit,
		       double freq, const struct micro_stat *st, int n)
{
	double per = 1e9 / freq;
	char total[32], each[32];

	fprintf(out, "\nwhere the corevisor's time went: its exit counters over %s\n"
		"(CV_HC_GET_STAT, ABI 1.4; %s = EL2 ticks * 1e9 / CNTFRQ, the corevisor's\n"
		"own share of each exit only; counters with no events left out)\n",
		what, unit);
	snprintf(total, sizeof(total), "EL2 %s", unit);
	snprintf(each, sizeof(each), "%s/event", unit);
	fprintf(out, "%-18s %12s %14s %12s\n", "counter", "events", total, each);
	for (int i = 0; i < n; i++) {
		if (!st[i].count)
			continue;
		if (st[i].ticks)
			fprintf(out, "%-18s %12llu %14.0f %12.0f\n", st[i].name,
				st[i].count, st[i].ticks * per,
				st[i].ticks * per / st[i].count);
		else
			fprintf(out, "%-18s %12llu %14s %12s\n", st[i].name,
				st[i].count, "-", "-");
	}
}
