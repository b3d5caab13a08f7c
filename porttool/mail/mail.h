/* SPDX-License-Identifier: GPL-2.0 */
/*
 * porttool mail: what its files share.  builtin/mail.c reads the options, the
 * port and the config and runs the steps; mail_recipients.c addresses the
 * series, mail_cover.c writes the cover letter and the messages,
 * mail_send.c sends them with a record of what went; mail_run.c holds the
 * lookups every step makes on the run (so no step calls back into the
 * command).
 */
#ifndef MAIL_H
#define MAIL_H

#include "mailfmt.h"
#include "maintainers.h"

#include <git2.h>

struct mail_opts {
	int reroll;
	bool rfc;
	const char *cover, *since, *output, *tree, *maintainers;
	struct strlist to, cc;
	bool dry_run, upstream, no_tree_maintainers, no_trailer_cc, force, build_each;
	bool resume, no_corevisor;
	const char *build_cmd;
	const char *in_reply_to;
	const char *from;
	const char *smtp_server, *smtp_user, *smtp_pass, *smtp_encryption;
	const char *smtp_ca;
	int smtp_port;
};

/* Everything one run works on, freed in one place. */
struct mail_run {
	struct mail_opts o;
	struct port *port;
	char *tree;			/* --tree, or the cached default tree */
	bool tree_is_repo;
	git_config *cfg;		/* git config: the tree's repo, or global */
	struct outgoing_patch *v;
	size_t n;
	char **paths;			/* the patch files, for checkpatch */
	struct addrlist to, cc;
	char *sender;			/* "Name <addr>" */
	char *base_commit;		/* for the base-commit: trailer */
	/* --no-corevisor: the cover letter's words on what to apply first */
	char *prereq_note;
	char *prereq_patch_id;		/* its prerequisite-patch-id, or NULL */
	struct mail_msg *msgs;		/* n + 1: the cover letter first */
};

/* ---- the run's shared lookups (mail_run.c) ---- */

/* A git config string, or NULL when unset (cfg may be NULL). */
char *mail_config_string(git_config *cfg, const char *key);
/* The port's base as a revision of the tree: base.commit, else base.tag. */
const char *mail_base_revision(const struct mail_run *r);

/*
 * Mail the corevisor install commit at the series' marker, built as
 * 'porttool apply' builds it in the --tree repository, signed off by
 * r->sender (mail_corevisor.c); nothing without a marker.  With
 * --no-corevisor, r->prereq_note and r->prereq_patch_id say instead what
 * the cover letter names.
 */
int add_corevisor_patch(struct mail_run *r, const struct porttool_ctx *ctx);

/* To and Cc from MAINTAINERS files and --to/--cc (mail_recipients.c). */
int collect_recipients(struct mail_run *r, const char *project_dir);
/* Every address of To and Cc once: the SMTP envelope recipients. */
struct addrlist all_recipients(const struct mail_run *r);

/* The cover letter and one message a patch, into r->msgs (mail_cover.c). */
int build_messages(struct mail_run *r, bool send_dates);

/* Send r->msgs over SMTP; --resume skips what went before (mail_send.c). */
int send_series(struct mail_run *r);

#endif
