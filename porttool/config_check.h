/* SPDX-License-Identifier: GPL-2.0 */
/* Did a board's config fragment take? (config_check.c) */
#ifndef PORTTOOL_CONFIG_CHECK_H
#define PORTTOOL_CONFIG_CHECK_H

#include <stdbool.h>

/* One finding: an error (the board lacks what its fragment promises) or not. */
typedef void (*config_note_fn)(void *ctx, bool is_error, const char *msg);

/*
 * Compare a config fragment with a built .config.  allnoconfig silently
 * drops what it cannot set, so:
 *  - a symbol .config sets otherwise than the fragment is an error;
 *  - a symbol .config lacks is an error when srctree's Kconfig defines it
 *    (an unmet dependency dropped it, as ARCH_BCM2835 without ARCH_BCM on
 *    6.x), and only a warning when it does not (a symbol of another line,
 *    or CONFIG_SEKVM in the stock tree); with srctree NULL it is an error,
 *    there being no Kconfig to tell the two apart.
 * note() gets each finding, naming the fragment's file and line.  Returns
 * the number of errors, or -1 when a file cannot be read (note() says so).
 * *checked, when not NULL, gets the number of symbols compared.
 */
int config_compare(const char *fragment, const char *config_path,
		   const char *srctree, config_note_fn note, void *ctx,
		   int *checked);

#endif
