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

#endif
