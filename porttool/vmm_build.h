/* SPDX-License-Identifier: GPL-2.0 */
/* Building vmm/'s programs when stale (vmm_build.c). */
#ifndef PORTTOOL_VMM_BUILD_H
#define PORTTOOL_VMM_BUILD_H

#include "porttool.h"

/*
 * Path of vmm/build/TARGET, made with make -C vmm when it is missing or
 * older than a source there (vmm_build.c); NULL after printing an error.
 */
char *vmm_build(const char *project_dir, const char *target);

#endif
