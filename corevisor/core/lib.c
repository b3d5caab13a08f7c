// SPDX-License-Identifier: GPL-2.0-only
/*
 * lib: byte helpers and the console.
 * Owns nothing.  The freestanding build has no libc, so the compiler's
 * implicit memset/memcpy calls are served here too (outside CV_HOST).
 */
#include <core/core.h>

/*
 * The empty asm keeps the compiler from turning these loops back into
 * calls to memset/memcpy, which at EL2 are these very functions.
 */
void cv_memset(void *p, int c, size_t n)
{
	u64 word = 0x0101010101010101UL * (u8)c;
	u8 *b = p;

	for (; n && ((uintptr_t)b & 7); n--)
		*b++ = (u8)c;
	for (; n >= 8; n -= 8, b += 8) {
		*(u64 *)b = word;
		__asm__ volatile("" : : : "memory");
	}
	while (n--) {
		*b++ = (u8)c;
		__asm__ volatile("" : : : "memory");
	}
}

void cv_memcpy(void *d, const void *s, size_t n)
{
	u8 *to = d;
	const u8 *from = s;

	while (n--) {
		*to++ = *from++;
		__asm__ volatile("" : : : "memory");
	}
}

int cv_memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

#ifndef CV_HOST
void *memset(void *p, int c, size_t n)
{
	cv_memset(p, c, n);
	return p;
}

void *memcpy(void *d, const void *s, size_t n)
{
	cv_memcpy(d, s, n);
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	return cv_memcmp(a, b, n);
}
#endif

void cv_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			machine_uart_putc('\r');
		machine_uart_putc(*s);
	}
}

void cv_putu(u64 v)
{
	char buf[21];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	cv_puts(&buf[i]);
}

/*
 * A broken core invariant: stop this CPU rather than go on (gap 4 of
 * docs/gaps.md).
 */
void cv_panic(const char *why)
{
	cv_puts("corevisor: panic: ");
	cv_puts(why);
	cv_puts("\n");
	machine_halt();
}
