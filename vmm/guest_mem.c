// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM copies that survive a fault (guest_mem.h).  The jump buffer is
 * per thread: vCPU threads and the network thread copy at the same time.
 */
#include "guest_mem.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>

static _Thread_local sigjmp_buf *volatile guest_fault_jmp;

static void guest_fault(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (guest_fault_jmp)
		siglongjmp(*guest_fault_jmp, 1);
	/* Not ours: die of it, as without the handler. */
	signal(sig, SIG_DFL);
}

void guest_mem_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = guest_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

int guest_copy(void *dst, const void *src, size_t len)
{
	sigjmp_buf jb;

	if (sigsetjmp(jb, 1)) {
		guest_fault_jmp = NULL;
		return -1;
	}
	guest_fault_jmp = &jb;
	memcpy(dst, src, len);
	guest_fault_jmp = NULL;
	return 0;
}

int guest_read(struct vm *vm, uint64_t ipa, void *buf, size_t len)
{
	void *p = vm_ram_ptr(vm, ipa, len);

	return p ? guest_copy(buf, p, len) : -1;
}

int guest_write(struct vm *vm, uint64_t ipa, const void *buf, size_t len)
{
	void *p = vm_ram_ptr(vm, ipa, len);

	return p ? guest_copy(p, buf, len) : -1;
}
