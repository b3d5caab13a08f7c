// SPDX-License-Identifier: GPL-2.0-only
/*
 * locks: ticket spinlocks.
 * A lock is two counters: the next ticket to hand out and the ticket now
 * served.  Taking draws a ticket (atomic increment) and waits until it is
 * served; giving serves the next ticket.  Waiters are served in arrival
 * order, so waiting is bounded by the number of CPUs.
 * Assumes: machine_fetch_inc is atomic with acquire semantics,
 * machine_store_release publishes everything written under the lock.
 * Not re-entrant: a CPU that takes a lock it holds waits forever.
 */
#include <core/core.h>

/*
 * lock_take (core.h) drew ticket and found it not served yet: wait.
 * Counted (CV_STAT_LOCK_WAIT): time no call spends working.
 */
void lock_wait(struct lock *l, u32 ticket)
{
	u64 t0 = machine_ticks();

	while (machine_load_acquire(&l->owner) != ticket)
		machine_cpu_relax();
	stat_since(CV_STAT_LOCK_WAIT, t0);
}
