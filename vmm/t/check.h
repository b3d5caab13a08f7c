/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vmm's C tests count their checks the same way: CHECK(cond, fmt, ...)
 * counts a pass or prints where and why it failed; main() prints
 * "N passed, N failed", which run-tests.sh and ci/test.sh add up.
 */
#ifndef VMM_T_CHECK_H
#define VMM_T_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

#endif
