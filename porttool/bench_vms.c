// SPDX-License-Identifier: GPL-2.0
/*
 * porttool bench --vms N: N guests at once in one host boot.
 *
 * The host's init (porttool/qemu/bench/host-init.sh with VMS > 1) says
 * "PORTTOOL-BENCH: vms N", starts N vmms together and, once every one
 * has exited, prints each one's output tagged "BENCH-VMM<i>: " and then
 * "PORTTOOL-BENCH: vmm<i> exit RC" (i from 1).  bench_vm_log cuts VM i's
 * part out as the log of a one-VM boot, so that each VM is judged by
 * bench_parse_log exactly as a lone guest is: a VM that did not finish
 * fails the boot, it is not averaged away.
 */
#include "bench.h"
#include "sbuf.h"

#include <stdlib.h>
#include <string.h>

#define TAG_VMM "BENCH-VMM"
#define TAG_MARK "PORTTOOL-BENCH: "

/* The number after prefix at s and what follows it, or -1. */
static long tagged_number(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);
	char *end;
	long v;

	if (strncmp(s, prefix, n) || s[n] < '0' || s[n] > '9')
		return -1;
	v = strtol(s + n, &end, 10);
	*rest = end;
	return v;
}

/* How many VMs the log's host said it ran ("vms N"), 1 if it did not say. */
static long log_vms(const char *log)
{
	const char *p = log;

	while ((p = strstr(p, TAG_MARK "vms ")))
		if (p == log || p[-1] == '\n')
			return strtol(p + strlen(TAG_MARK "vms "), NULL, 10);
		else
			p++;
	return 1;
}

/* One line (without its '\n') of an N-VM log into VM vm's log. */
static void take_vm_line(const char *s, size_t len, int vm, struct sbuf *out)
{
	const char *rest;
	long i = tagged_number(s, TAG_VMM, &rest);

	if (i >= 0) {
		if (i == vm && !strncmp(rest, ": ", 2))
			sbuf_addf(out, TAG_VMM ": %.*s\n",
				  (int)(len - (size_t)(rest + 2 - s)), rest + 2);
		return;
	}
	i = tagged_number(s, TAG_MARK "vmm", &rest);
	if (i >= 0) {
		if (i == vm && !strncmp(rest, " exit ", 6))
			sbuf_addf(out, TAG_MARK "vmm%.*s\n",
				  (int)(len - (size_t)(rest - s)), rest);
		return;
	}
	/* a one-VM boot's vmm lines belong to no VM of an N-VM boot */
	if (!strncmp(s, TAG_VMM ": ", strlen(TAG_VMM ": ")))
		return;
	sbuf_add(out, s, len);
	sbuf_add(out, "\n", 1);
}

char *bench_vm_log(const char *log, int nvms, int vm, char **why)
{
	struct sbuf out = { 0 };
	long said = log_vms(log);
	const char *p = log;

	*why = NULL;
	if (said != nvms) {
		*why = xasprintf("the host ran %ld VM%s at once, not %d (a log of "
				 "another --vms?)", said, said == 1 ? "" : "s", nvms);
		return NULL;
	}
	if (nvms == 1)
		return xstrdup(log);	/* a one-VM boot's log as it is */
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		take_vm_line(p, len, vm, &out);
		p += len + (nl ? 1 : 0);
	}
	if (!out.buf)
		sbuf_add(&out, "", 0);
	return sbuf_detach(&out);
}
