/* SPDX-License-Identifier: GPL-2.0 */
/* Debian's arm64 busybox-static (debfetch.c). */
#ifndef PORTTOOL_DEBFETCH_H
#define PORTTOOL_DEBFETCH_H

#include "porttool.h"

/*
 * Path of an arm64 static busybox in the cache, downloading Debian's
 * busybox-static with apt-get through a private lists directory first.
 */
int fetch_arm64_busybox(char **path);

struct sbuf;
/*
 * The private apt directory apt (its sources.list from the machine's
 * mirror, lists, package cache, an empty dpkg status): created when
 * missing, its lists fetched when it has none or when update is true.
 */
int debfetch_prepare(const char *apt, bool update);
/*
 * apt-get ARGS... for arm64 with every path in apt.  Its output goes to
 * out when given, else to our stderr.  Returns apt-get's exit status, or
 * -1 when it could not run or timed out (an error is printed).
 */
int debfetch_apt(const char *apt, const char *const *args, const char *cwd,
		 struct sbuf *out);
/* dpkg-deb -x deb dest; 0 or -1 (error printed). */
int debfetch_extract(const char *deb, const char *dest);

#endif
