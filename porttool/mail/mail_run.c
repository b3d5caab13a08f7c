// SPDX-License-Identifier: GPL-2.0
/*
 * What every step of porttool mail reads from the run (see mail.h): kept
 * out of builtin/mail.c so that the steps (mail_cover.c, mail_send.c) depend
 * on the run, and the command on the steps, never the other way round.
 */
#include "mail.h"

#include <git2.h>

char *mail_config_string(git_config *cfg, const char *key)
{
	git_buf b = { 0 };
	char *s;

	if (!cfg || git_config_get_string_buf(&b, cfg, key) < 0)
		return NULL;
	s = xstrdup(b.ptr);
	git_buf_dispose(&b);
	return s;
}

/* The base as a revision of the tree, for --build-each and --since. */
const char *mail_base_revision(const struct mail_run *r)
{
	return r->base_commit ? r->base_commit : r->port->base_tag;
}

