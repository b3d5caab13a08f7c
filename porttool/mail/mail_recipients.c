// SPDX-License-Identifier: GPL-2.0
/*
 * Who a series goes to: the project's MAINTAINERS for the port directory
 * and every file in it, with --upstream the kernel tree's MAINTAINERS for
 * the files the patches touch (its catch-all section never), --to/--cc, and (as git send-email does) the authors and
 * the people in the patches' trailers.  M: go to To, R: and L: to Cc, as
 * b4 does; an address is kept once (compared caselessly), with the first
 * display name given for it, and whoever is in To is not also in Cc.
 */
#include "mail.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int add_explicit(struct addrlist *l, const struct strlist *specs,
			const char *opt)
{
	for (size_t i = 0; i < specs->n; i++) {
		if (addrlist_add(l, specs->items[i]) < 0) {
			error("--%s '%s' is not a mail address", opt,
			      specs->items[i]);
			return -1;
		}
	}
	return 0;
}

/* The project's files a port consists of, as MAINTAINERS names them. */
static void list_port_dir(const char *dir, const char *rel, struct strlist *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char *path, *name;

		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		name = xasprintf("%s%s", rel, de->d_name);
		if (is_dir(path)) {
			char *sub = xasprintf("%s/", name);

			list_port_dir(path, sub, out);
			free(sub);
		} else {
			strlist_push(out, name);
		}
		free(path);
		free(name);
	}
	closedir(d);
}

static void port_paths(const struct port *p, struct strlist *out)
{
	char *rel = xasprintf("ports/v%s/", p->version);

	strlist_push(out, rel);
	list_port_dir(p->dir, rel, out);
	free(rel);
}

static int project_recipients(struct mail_run *r, const char *project_dir)
{
	char *path = r->o.maintainers ? xstrdup(r->o.maintainers) :
		     xasprintf("%s/MAINTAINERS", project_dir);
	struct strlist files = { 0 };
	struct maintainers *m;

	if (!r->o.maintainers && !is_file(path)) {
		free(path);	/* an installed porttool may have none */
		return 0;
	}
	m = maintainers_load(path, r->o.maintainers ? NULL : project_dir);
	free(path);
	if (!m)
		return -1;
	port_paths(r->port, &files);
	for (size_t i = 0; i < files.n; i++)
		maintainers_for_file(m, files.items[i], &r->to, &r->cc);
	strlist_free(&files);
	maintainers_free(m);
	return 0;
}

/*
 * Kernel maintainers take patches against mainline (vX.Y, vX.Y-rcN), not
 * against a stable release such as 5.10.223.
 */
static void warn_if_not_mainline(const struct port *p)
{
	const char *v = p->base_version;
	int dots = 0;

	for (const char *s = v; s && *s; s++)
		dots += *s == '.';
	if (v && dots >= 2)
		warning("--upstream: the port's base %s is a stable release, not "
			"mainline; the kernel's maintainers take patches against "
			"mainline (vX.Y or an -rc)", v);
}

static int tree_recipients(struct mail_run *r)
{
	char *path;
	struct maintainers *m;

	if (!r->tree || !r->o.upstream || r->o.no_tree_maintainers)
		return 0;
	warn_if_not_mainline(r->port);
	path = xasprintf("%s/MAINTAINERS", r->tree);
	if (!is_file(path)) {
		free(path);
		return 0;
	}
	m = maintainers_load(path, r->tree);
	free(path);
	if (!m)
		return -1;
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->v[i].files.n; k++)
			maintainers_for_file(m, r->v[i].files.items[k], &r->to,
					     &r->cc);
	maintainers_free(m);
	return 0;
}

/* Whoever is in To need not be in Cc as well. */
static void drop_cc_in_to(struct mail_run *r)
{
	size_t out = 0;

	for (size_t i = 0; i < r->cc.n; i++) {
		if (addrlist_has(&r->to, r->cc.v[i].addr)) {
			free(r->cc.v[i].name);
			free(r->cc.v[i].addr);
		} else {
			r->cc.v[out++] = r->cc.v[i];
		}
	}
	r->cc.n = out;
}

struct config_addresses {
	struct addrlist *l;
	const char *key;
	int err;
};

static int add_config_address(const git_config_entry *e, void *data)
{
	struct config_addresses *ca = data;

	if (addrlist_add(ca->l, e->value) < 0) {
		error("git config %s '%s' is not a mail address", ca->key,
		      e->value);
		ca->err = -1;
	}
	return 0;
}

/* sendemail.to and sendemail.cc, which may be given many times. */
static int config_recipients(struct mail_run *r)
{
	struct config_addresses to = { &r->to, "sendemail.to", 0 };
	struct config_addresses cc = { &r->cc, "sendemail.cc", 0 };

	if (!r->cfg)
		return 0;
	git_config_get_multivar_foreach(r->cfg, to.key, NULL,
					add_config_address, &to);
	git_config_get_multivar_foreach(r->cfg, cc.key, NULL,
					add_config_address, &cc);
	git_error_clear();	/* unset keys are not errors */
	return to.err || cc.err ? -1 : 0;
}

/* Trailers that name someone who took part in a patch. */
static const char *const people_trailers[] = {
	"Signed-off-by:", "Co-developed-by:", "Cc:", "Reviewed-by:",
	"Acked-by:", "Tested-by:", "Reported-by:", "Suggested-by:", NULL,
};

static void add_trailer_people(struct addrlist *cc, const char *message)
{
	for (const char *s = message; *s;) {
		const char *e = strchrnul(s, '\n');

		for (const char *const *t = people_trailers; *t; t++) {
			size_t n = strlen(*t);

			if ((size_t)(e - s) > n && !strncasecmp(s, *t, n)) {
				char *who = xasprintf("%.*s", (int)(e - s - n), s + n);

				addrlist_add(cc, who);	/* not an address: skipped */
				free(who);
				break;
			}
		}
		s = *e ? e + 1 : e;
	}
}

/*
 * git send-email copies the author and the people in a patch's trailers;
 * here they are copied on the whole series, as b4 does with every
 * recipient, so that each sees the context of the patch they are in.
 */
static void trailer_recipients(struct mail_run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		addrlist_add(&r->cc, r->v[i].author);
		add_trailer_people(&r->cc, r->v[i].message);
	}
}

int collect_recipients(struct mail_run *r, const char *project_dir)
{
	if (add_explicit(&r->to, &r->o.to, "to") ||
	    add_explicit(&r->cc, &r->o.cc, "cc") || config_recipients(r) ||
	    project_recipients(r, project_dir) || tree_recipients(r))
		return -1;
	if (!r->o.no_trailer_cc)
		trailer_recipients(r);
	drop_cc_in_to(r);
	return 0;
}

struct addrlist all_recipients(const struct mail_run *r)
{
	struct addrlist all = { 0 };

	for (size_t i = 0; i < r->to.n; i++)
		addrlist_add(&all, r->to.v[i].addr);
	for (size_t i = 0; i < r->cc.n; i++)
		addrlist_add(&all, r->cc.v[i].addr);
	return all;
}

