/* SPDX-License-Identifier: GPL-2.0 */
/* Writing a port branch into a port directory (export_port.c). */
#ifndef PORTTOOL_EXPORT_PORT_H
#define PORTTOOL_EXPORT_PORT_H

#include "porttool.h"

#include <git2.h>

/*
 * Export the commits base..tip (first parents) into port_dir: one patch
 * file per commit except the corevisor install commit, whose position
 * becomes the series' "#@corevisor" marker.  An existing series keeps its
 * comments; a missing one is created.  Returns 0, or -1 after printing an
 * error (nothing is written then).
 */
int export_range(git_repository *repo, const git_oid *base, const git_oid *tip,
		 const char *port_dir);

/* Export branch (refs/heads/NAME), based on the port's base, into port_dir. */
int export_branch(git_repository *repo, const struct port *p,
		  const char *branch, const char *port_dir);

/*
 * Let the next export overwrite patch files edited since ports/ was last
 * committed, and remove every patch (export --force).  Without it both
 * are refused before anything is written.
 */
void set_export_force(bool force);

#endif
