// SPDX-License-Identifier: GPL-2.0-only
/*
 * insnprof: a QEMU TCG plugin that says where the instructions of a
 * micro-benchmark operation go, by the address they ran at.
 *
 * Every translation block (TB) counts its executions, split in phases.
 * A phase starts when the micro guest (code in [lo, hi), default its
 * link range 0x40000000-0x40004000) executes an "mrs xN, cntvct_el0":
 * the phase is that instruction's address, so the phase of the counter
 * read that starts an operation's loop holds the loop, guest,
 * hypervisor and host alike.  Under -icount QEMU runs one vCPU at a time
 * and the counts are exact, but for one thing: a TB that touches a
 * device in its middle is cut short and run again (icount's I/O
 * recompile), and counted twice; the micro suite's own figure is exact.
 *
 *   -plugin insnprof.so,out=FILE[,lo=ADDR,hi=ADDR]
 *
 * FILE, written at exit: "P phase address" lines, then
 * "T phase tb_address instructions executions" lines.
 */
#include "qemu-plugin-v1.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define NR_PHASES	64
#define MRS_CNTVCT	0xd53be040u	/* mrs x0, cntvct_el0; Rt in [4:0] */

struct tb_count {
	uint64_t vaddr;
	uint32_t insns;
	uint64_t runs[NR_PHASES];
	struct tb_count *next;
};

static struct tb_count *tbs;
static pthread_mutex_t tbs_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t guest_lo = 0x40000000, guest_hi = 0x40004000;
static uint64_t phase_addr[NR_PHASES];	/* [0]: before any marker */
static int nr_phases = 1;
static int phase;	/* under -icount only one vCPU runs at a time */
static char out_path[4096] = "insnprof.out";

static void tb_ran(unsigned int vcpu, void *data)
{
	struct tb_count *t = data;

	t->runs[phase]++;
}

static void marker_ran(unsigned int vcpu, void *data)
{
	phase = (int)(uintptr_t)data;
}

/* The phase of a marker at addr, a new one the first time (0 if full). */
static int phase_of(uint64_t addr)
{
	int i;

	for (i = 1; i < nr_phases; i++)
		if (phase_addr[i] == addr)
			return i;
	if (nr_phases == NR_PHASES)
		return 0;
	phase_addr[nr_phases] = addr;
	return nr_phases++;
}

static bool is_marker(struct qemu_plugin_insn *insn)
{
	uint32_t word;

	memcpy(&word, qemu_plugin_insn_data(insn), sizeof(word));
	return (word & ~31u) == MRS_CNTVCT;
}

/* The guest's counter reads become phase markers. */
static void mark_phases(struct qemu_plugin_tb *tb, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (!is_marker(insn))
			continue;
		qemu_plugin_register_vcpu_insn_exec_cb(insn, marker_ran,
			QEMU_PLUGIN_CB_NO_REGS,
			(void *)(uintptr_t)phase_of(qemu_plugin_insn_vaddr(insn)));
	}
}

static void tb_translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct tb_count *t = calloc(1, sizeof(*t));
	size_t n = qemu_plugin_tb_n_insns(tb);

	if (!t)
		abort();
	t->vaddr = qemu_plugin_tb_vaddr(tb);
	t->insns = n;
	pthread_mutex_lock(&tbs_lock);
	t->next = tbs;
	tbs = t;
	if (t->vaddr >= guest_lo && t->vaddr < guest_hi)
		mark_phases(tb, n);
	pthread_mutex_unlock(&tbs_lock);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_ran,
					     QEMU_PLUGIN_CB_NO_REGS, t);
}

static void write_counts(qemu_plugin_id_t id, void *data)
{
	FILE *f = fopen(out_path, "w");
	struct tb_count *t;
	int i;

	if (!f) {
		perror(out_path);
		return;
	}
	for (i = 1; i < nr_phases; i++)
		fprintf(f, "P %d %#llx\n", i, (unsigned long long)phase_addr[i]);
	for (t = tbs; t; t = t->next)
		for (i = 0; i < nr_phases; i++)
			if (t->runs[i])
				fprintf(f, "T %d %#llx %u %llu\n", i,
					(unsigned long long)t->vaddr, t->insns,
					(unsigned long long)t->runs[i]);
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			snprintf(out_path, sizeof(out_path), "%s", argv[i] + 4);
		else if (!strncmp(argv[i], "lo=", 3))
			guest_lo = strtoull(argv[i] + 3, NULL, 0);
		else if (!strncmp(argv[i], "hi=", 3))
			guest_hi = strtoull(argv[i] + 3, NULL, 0);
		else {
			fprintf(stderr, "insnprof: unknown argument %s\n",
				argv[i]);
			return -1;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_translated);
	qemu_plugin_register_atexit_cb(id, write_counts, NULL);
	return 0;
}
