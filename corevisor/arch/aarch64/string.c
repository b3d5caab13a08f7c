// SPDX-License-Identifier: GPL-2.0-only
/*
 * memmove for the freestanding build (core/lib.c has memset, memcpy and
 * memcmp, all byte loops).  Byte accesses only: with the MMU off EL2
 * memory is Device memory, where an unaligned access faults.  The build's
 * -fno-tree-loop-distribute-patterns keeps the compiler from turning the
 * loop back into a call to itself.
 */
#include <core/machine.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);

void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	/* a forward byte copy is right unless dst starts inside src */
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}
