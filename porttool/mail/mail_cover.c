// SPDX-License-Identifier: GPL-2.0
/*
 * The messages of a series: a cover letter (the summary from --cover FILE
 * or from port.conf, a shortlog, the diffstat, the range-diff against the
 * previous version, the base-commit trailer), then one message a patch,
 * all built by mailfmt.c.
 */
#include "mail.h"
#include "mail_since.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char *port_description(const struct port *p)
{
	char *conf = xasprintf("%s/port.conf", p->dir);
	git_config *cfg = NULL;
	char *d = NULL;

	if (!git_config_open_ondisk(&cfg, conf))
		d = mail_config_string(cfg, "port.description");
	git_error_clear();
	git_config_free(cfg);
	free(conf);
	return d;
}

/* The name git shortlog shows for an author: the display name, or the address. */
static char *author_name(const char *author)
{
	struct address a;
	char *name;

	if (address_parse(author, &a))
		return xstrdup(author);
	name = xstrdup(a.name ? a.name : a.addr);
	free(a.name);
	free(a.addr);
	return name;
}

/* "Name (N):" then the subjects, as git shortlog groups them. */
static void add_shortlog(const struct mail_run *r, struct sbuf *b)
{
	bool *done = xcalloc(r->n, sizeof(*done));

	for (size_t i = 0; i < r->n; i++) {
		const char *author = r->v[i].author;
		size_t count = 0;
		char *who;

		if (done[i])
			continue;
		for (size_t k = i; k < r->n; k++)
			count += !strcmp(r->v[k].author, author);
		who = author_name(author);
		sbuf_addf(b, "%s (%zu):\n", who, count);
		free(who);
		for (size_t k = i; k < r->n; k++) {
			if (!strcmp(r->v[k].author, author)) {
				sbuf_addf(b, "  %s\n", r->v[k].subject);
				done[k] = true;
			}
		}
		sbuf_add(b, "\n", 1);
	}
	free(done);
}

/* --cover FILE: the first line is the subject, the rest the summary. */
static int cover_summary(const struct mail_run *r, char **subject,
			 struct sbuf *b)
{
	if (r->o.cover) {
		char *text = read_file(r->o.cover, NULL), *nl;

		if (!text) {
			error("cannot read the cover letter '%s': %s", r->o.cover,
			      strerror(errno));
			return -1;
		}
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		if (!*text) {
			error("%s:1: the first line (the subject) is empty",
			      r->o.cover);
			free(text);
			return -1;
		}
		*subject = xstrdup(text);
		if (nl) {
			const char *body = nl + 1;

			while (*body == '\n')
				body++;
			sbuf_puts(b, body);
			if (b->len && b->buf[b->len - 1] != '\n')
				sbuf_add(b, "\n", 1);
			sbuf_add(b, "\n", 1);
		}
		free(text);
		return 0;
	}
	{
		char *desc = port_description(r->port);

		*subject = xasprintf("SeKVM hostvisor for Linux %s",
				     r->port->base_version);
		sbuf_addf(b, "The SeKVM hostvisor port for Linux %s, on %s.\n",
			  r->port->version, r->port->base_tag);
		if (desc)
			sbuf_addf(b, "%s.\n", desc);
		sbuf_add(b, "\n", 1);
		free(desc);
	}
	return 0;
}

/*
 * What changed since the previous version (--since): the range-diff, patch
 * by patch; and, when the tree has the base and both versions apply on
 * it, the interdiff of the code.
 */
static int add_changes_since(const struct mail_run *r, struct sbuf *b)
{
	const char *repo = r->tree_is_repo ? r->tree : NULL;
	struct outgoing_patch *old;
	size_t nold;
	char *against = r->o.reroll > 1 ? xasprintf("v%d", r->o.reroll - 1) :
			xstrdup(r->o.since);

	if (since_load(r->o.since, repo, mail_base_revision(r), &old, &nold)) {
		free(against);
		return -1;
	}
	sbuf_add(b, "\n", 1);
	rangediff_format(old, nold, r->v, r->n, against, b);
	if (repo) {
		struct sbuf idiff = { 0 };

		if (!interdiff_from_tree(repo, mail_base_revision(r), old, nold,
					 r->v, r->n, against, &idiff)) {
			sbuf_add(b, "\n", 1);
			sbuf_puts(b, idiff.buf);
		}
		sbuf_free(&idiff);
	}
	outgoing_patches_free(old, nold);
	free(against);
	return 0;
}

static int build_cover(struct mail_run *r, char **subject, char **body)
{
	struct sbuf b = { 0 };
	struct diffstat ds = { 0 };

	if (cover_summary(r, subject, &b))
		goto fail;
	add_shortlog(r, &b);
	/* Exact from the tree when it has the base; else the patches' sum. */
	if (!r->tree_is_repo ||
	    diffstat_from_tree(r->tree, mail_base_revision(r), r->v, r->n, &b)) {
		for (size_t i = 0; i < r->n; i++)
			if (diffstat_add_patch(&ds, &r->v[i]))
				goto fail;
		diffstat_format(&ds, &b);
		diffstat_free(&ds);
	}
	if (r->o.since && add_changes_since(r, &b))
		goto fail;
	if (r->prereq_note)
		sbuf_addf(&b, "\n%s", r->prereq_note);
	if (r->base_commit)
		sbuf_addf(&b, "\nbase-commit: %s\n", r->base_commit);
	/* git format-patch --base's order: after base-commit. */
	if (r->prereq_patch_id)
		sbuf_addf(&b, "%sprerequisite-patch-id: %s\n",
			  r->base_commit ? "" : "\n", r->prereq_patch_id);
	*body = sbuf_detach(&b);
	return 0;
fail:
	diffstat_free(&ds);
	sbuf_free(&b);
	free(*subject);
	*subject = NULL;
	return -1;
}

static char **format_addresses(const struct addrlist *l)
{
	char **v = xcalloc(l->n + 1, sizeof(*v));

	for (size_t i = 0; i < l->n; i++)
		v[i] = address_format(&l->v[i]);
	return v;
}

static void free_strv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

int build_messages(struct mail_run *r, bool send_dates)
{
	char *subject = NULL, *body = NULL;
	char **to = format_addresses(&r->to), **cc = format_addresses(&r->cc);
	char *hash = mail_series_hash(r->v, r->n, r->o.reroll);
	struct series_mail s = {
		.reroll = r->o.reroll,
		.prefix = r->o.rfc ? "RFC PATCH" : "PATCH",
		.sender = r->sender,
		.to = (const char *const *)to, .nto = r->to.n,
		.cc = (const char *const *)cc, .ncc = r->cc.n,
		.series_hash = hash,
		.in_reply_to = r->o.in_reply_to,
		.send_dates = send_dates,
		.now = time(NULL),
	};
	int rc = -1;

	if (build_cover(r, &subject, &body))
		goto out;
	r->msgs = xcalloc(r->n + 1, sizeof(*r->msgs));
	for (size_t i = 0; i <= r->n; i++)
		mail_build(&s, r->v, r->n, (int)i, subject, body, &r->msgs[i]);
	rc = 0;
out:
	free(subject);
	free(body);
	free(hash);
	free_strv(to);
	free_strv(cc);
	return rc;
}
