// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats: per-CPU counters of the corevisor's work by exit reason
 * (CV_STAT_* in abi.h), so that a benchmark can say which part of a
 * SeKVM exit costs what stock KVM's does not.
 *
 * Owns: one row of counters a CPU.  Only that CPU writes its row, so the
 * hot path takes no lock; a reader on another CPU may see a row one
 * event behind (each u64 is read and written whole).
 * What the host learns: counts and EL2 time, never a register or an
 * address.  It sees every forwarded exit anyway and can time its own
 * calls; what is new is the count and time of the exits the corevisor
 * answers itself (a guest's SHARE calls, its trapped system registers).
 */
#include <core/core.h>

struct cv_stat core_stats[CV_MAX_CPUS][CV_STAT_NR];

void stat_add(u32 id, u64 count, u64 ticks)
{
	stat_add_row(core_stats[machine_cpu_index()], id, count, ticks);
}

/* One event of id, from t0 (a machine_ticks() value) until now. */
void stat_since(u32 id, u64 t0)
{
	stat_add(id, 1, machine_ticks() - t0);
}

/*
 * Every guest entry ends in exactly one exit, counted by its cause
 * (CV_STAT_EXIT_IRQ..CV_STAT_EXIT_OTHER): the entry count is their sum,
 * read here rather than counted a second time at every exit.
 */
static u64 guest_entries(const struct cv_stat *row)
{
	u64 n = 0;
	u32 id;

	for (id = CV_STAT_EXIT_IRQ; id <= CV_STAT_EXIT_OTHER; id++)
		n += __atomic_load_n(&row[id].count, __ATOMIC_RELAXED);
	return n;
}

s64 stat_get(u64 cpu, u64 id, u64 out[4])
{
	if (cpu >= core.nr_cpus || id >= CV_STAT_NR)
		return CV_E_RANGE;
	if (id == CV_STAT_GUEST) {
		out[0] = guest_entries(core_stats[cpu]);
		out[1] = 0;	/* counted only */
		return 0;
	}
	out[0] = __atomic_load_n(&core_stats[cpu][id].count, __ATOMIC_RELAXED);
	out[1] = __atomic_load_n(&core_stats[cpu][id].ticks, __ATOMIC_RELAXED);
	return 0;
}
