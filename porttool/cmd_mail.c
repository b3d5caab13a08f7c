// SPDX-License-Identifier: GPL-2.0
/*
 * porttool mail VER: send a port's series to the people who maintain it,
 * in the conventions of git format-patch, git send-email and b4.
 *
 *   1. read ports/vVER (port.conf, series, the format-patch files);
 *   2. address it: the project's MAINTAINERS for ports/vVER/ and its
 *      files, the kernel tree's MAINTAINERS for the files the patches
 *      touch, --to and --cc; M: go to To, R: and L: to Cc (as b4 does);
 *   3. write a cover letter (summary, shortlog, diffstat, range-diff with
 *      --since, base-commit) and thread every patch to it;
 *   4. check: checkpatch.pl from the tree, and --build-each;
 *   5. --output DIR writes the messages, --dry-run prints them, otherwise
 *      they go out over SMTP, with a record of what went so that --resume
 *      after a failure sends the rest and nothing twice.
 */
#include "mail_check.h"
#include "mail_since.h"
#include "mailfmt.h"
#include "maintainers.h"
#include "smtp.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct mail_opts {
	int reroll;
	bool rfc;
	const char *cover, *since, *output, *tree, *maintainers;
	struct strlist to, cc;
	bool dry_run, no_tree_maintainers, force, build_each, resume;
	const char *build_cmd;
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
	struct mail_msg *msgs;		/* n + 1: the cover letter first */
};

/* ---- configuration (git config, as git send-email reads it) ---- */

static char *config_string(git_config *cfg, const char *key)
{
	git_buf b = { 0 };
	char *s;

	if (!cfg || git_config_get_string_buf(&b, cfg, key) < 0)
		return NULL;
	s = xstrdup(b.ptr);
	git_buf_dispose(&b);
	return s;
}

static int open_config(struct mail_run *r)
{
	git_repository *repo = NULL;

	if (r->tree && !git_repository_open_ext(&repo, r->tree,
						 GIT_REPOSITORY_OPEN_NO_SEARCH,
						 NULL)) {
		r->tree_is_repo = true;
		/* The repository's config includes the global and XDG ones. */
		if (git_repository_config_snapshot(&r->cfg, repo) < 0) {
			git_repository_free(repo);
			return git_fail("reading the tree's git config");
		}
		git_repository_free(repo);
		return 0;
	}
	git_error_clear();
	if (git_config_open_default(&r->cfg) < 0) {
		/* No config at all is fine: the flags may say everything. */
		git_error_clear();
		r->cfg = NULL;
	}
	return 0;
}

static char *resolve_sender(struct mail_run *r)
{
	char *from = r->o.from ? xstrdup(r->o.from) :
		     config_string(r->cfg, "sendemail.from");
	char *name, *email;

	if (from)
		return from;
	name = config_string(r->cfg, "user.name");
	email = config_string(r->cfg, "user.email");
	if (email)
		from = name ? xasprintf("%s <%s>", name, email) : xstrdup(email);
	free(name);
	free(email);
	return from;
}

/* ---- recipients ---- */

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

static int tree_recipients(struct mail_run *r)
{
	char *path;
	struct maintainers *m;

	if (!r->tree || r->o.no_tree_maintainers)
		return 0;
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

static int collect_recipients(struct mail_run *r, const char *project_dir)
{
	if (add_explicit(&r->to, &r->o.to, "to") ||
	    add_explicit(&r->cc, &r->o.cc, "cc") ||
	    project_recipients(r, project_dir) || tree_recipients(r))
		return -1;
	drop_cc_in_to(r);
	return 0;
}

/* ---- the series ---- */

static int load_series(struct mail_run *r)
{
	r->v = xcalloc(r->port->npatches, sizeof(*r->v));
	r->paths = xcalloc(r->port->npatches + 1, sizeof(*r->paths));
	for (size_t i = 0; i < r->port->nseries; i++) {
		const char *name = r->port->series[i].patch;
		char *path;

		if (!name)
			continue;
		path = xasprintf("%s/%s", r->port->dir, name);
		if (outgoing_patch_load(path, &r->v[r->n])) {
			free(path);
			return -1;
		}
		r->paths[r->n++] = path;
	}
	return 0;
}

static char *resolve_base_commit(struct mail_run *r)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	char *spec, *id = NULL;

	if (r->port->base_commit)
		return xstrdup(r->port->base_commit);
	if (!r->tree_is_repo || git_repository_open(&repo, r->tree) < 0)
		return NULL;
	spec = xasprintf("%s^{commit}", r->port->base_tag);
	if (!git_revparse_single(&obj, repo, spec)) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), git_object_id(obj));
		id = xstrdup(hex);
	}
	git_error_clear();
	git_object_free(obj);
	git_repository_free(repo);
	free(spec);
	return id;
}

/* The base as a revision of the tree, for --build-each and --since. */
static const char *base_revision(const struct mail_run *r)
{
	return r->base_commit ? r->base_commit : r->port->base_tag;
}

static char *port_description(const struct port *p)
{
	char *conf = xasprintf("%s/port.conf", p->dir);
	git_config *cfg = NULL;
	char *d = NULL;

	if (!git_config_open_ondisk(&cfg, conf))
		d = config_string(cfg, "port.description");
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

static int build_cover(struct mail_run *r, char **subject, char **body)
{
	struct sbuf b = { 0 };
	struct diffstat ds = { 0 };

	if (cover_summary(r, subject, &b))
		goto fail;
	add_shortlog(r, &b);
	/* Exact from the tree when it has the base; else the patches' sum. */
	if (!r->tree_is_repo ||
	    diffstat_from_tree(r->tree, base_revision(r), r->v, r->n, &b)) {
		for (size_t i = 0; i < r->n; i++)
			if (diffstat_add_patch(&ds, &r->v[i]))
				goto fail;
		diffstat_format(&ds, &b);
		diffstat_free(&ds);
	}
	if (r->o.since) {
		struct outgoing_patch *old;
		size_t nold;
		char *against = r->o.reroll > 1 ? xasprintf("v%d", r->o.reroll - 1) :
				xstrdup(r->o.since);

		if (since_load(r->o.since, r->tree_is_repo ? r->tree : NULL,
			       base_revision(r), &old, &nold)) {
			free(against);
			goto fail;
		}
		sbuf_add(&b, "\n", 1);
		rangediff_format(old, nold, r->v, r->n, against, &b);
		outgoing_patches_free(old, nold);
		free(against);
	}
	if (r->base_commit)
		sbuf_addf(&b, "\nbase-commit: %s\n", r->base_commit);
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

static int build_messages(struct mail_run *r, bool send_dates)
{
	char *subject = NULL, *body = NULL;
	char **to = format_addresses(&r->to), **cc = format_addresses(&r->cc);
	struct series_mail s = {
		.reroll = r->o.reroll,
		.prefix = r->o.rfc ? "RFC PATCH" : "PATCH",
		.sender = r->sender,
		.to = (const char *const *)to, .nto = r->to.n,
		.cc = (const char *const *)cc, .ncc = r->cc.n,
		.send_dates = send_dates,
		.now = time(NULL),
	};

	if (build_cover(r, &subject, &body)) {
		free_strv(to);
		free_strv(cc);
		return -1;
	}
	r->msgs = xcalloc(r->n + 1, sizeof(*r->msgs));
	for (size_t i = 0; i <= r->n; i++)
		mail_build(&s, r->v, r->n, (int)i, subject, body, &r->msgs[i]);
	free(subject);
	free(body);
	free_strv(to);
	free_strv(cc);
	return 0;
}

/* ---- checks ---- */

static int run_checks(struct mail_run *r)
{
	char *script = r->tree ? xasprintf("%s/scripts/checkpatch.pl", r->tree) :
			NULL;
	int bad = 0;

	if (script && is_file(script)) {
		bad = checkpatch_series(r->tree, (const char *const *)r->paths,
					r->n);
		if (bad < 0) {
			free(script);
			return -1;
		}
		if (bad && !r->o.force) {
			error("checkpatch found errors in %d patch%s; fix them, or "
			      "give --force to send anyway", bad,
			      bad == 1 ? "" : "es");
			free(script);
			return -1;
		}
		if (bad)
			warning("checkpatch errors ignored (--force)");
	}
	free(script);
	if (r->o.build_each &&
	    build_each(r->tree, base_revision(r), r->o.build_cmd, r->v, r->n))
		return -1;
	return 0;
}

/* ---- output ---- */

static int write_output(struct mail_run *r)
{
	if (mkdir_p(r->o.output)) {
		error("cannot create the output directory '%s': %s", r->o.output,
		      strerror(errno));
		return -1;
	}
	for (size_t i = 0; i <= r->n; i++) {
		char *path = xasprintf("%s/%s", r->o.output, r->msgs[i].file_name);
		char *file = xasprintf("%s%s", r->msgs[i].mbox_from,
				       r->msgs[i].text);
		int rc = write_file(path, file, strlen(file));

		free(file);
		if (rc) {
			error("cannot write '%s': %s", path, strerror(errno));
			free(path);
			return -1;
		}
		printf("%s\n", path);
		free(path);
	}
	return 0;
}

static struct addrlist all_recipients(const struct mail_run *r)
{
	struct addrlist all = { 0 };

	for (size_t i = 0; i < r->to.n; i++)
		addrlist_add(&all, r->to.v[i].addr);
	for (size_t i = 0; i < r->cc.n; i++)
		addrlist_add(&all, r->cc.v[i].addr);
	return all;
}

static char *sender_address(const char *sender)
{
	struct address a;
	char *addr;

	if (address_parse(sender, &a))
		return NULL;
	addr = a.addr;
	free(a.name);
	return addr;
}

static int dry_run(struct mail_run *r)
{
	struct addrlist all = all_recipients(r);

	for (size_t i = 0; i <= r->n; i++) {
		printf("---- dry run: message %zu of %zu, not sent\n", i, r->n);
		printf("Envelope-From: %s\nRecipients:", r->sender ? r->sender :
		       "(none)");
		for (size_t k = 0; k < all.n; k++)
			printf(" %s", all.v[k].addr);
		printf("\n\n%s", r->msgs[i].text);
	}
	addrlist_free(&all);
	return 0;
}

/* ---- sending, with a record of what went ---- */

/*
 * The state file is named by the cover letter's Message-ID, which the
 * series content and version determine: a resend of the same series
 * finds it, another series does not.
 */
static char *state_path(const struct mail_run *r)
{
	char *dir = cache_dir();
	git_oid id;
	char hex[GIT_OID_HEXSZ + 1];
	const char *mid = r->msgs[0].message_id;
	char *path;

	git_odb_hash(&id, mid, strlen(mid), GIT_OBJECT_BLOB);
	git_oid_tostr(hex, sizeof(hex), &id);
	path = xasprintf("%s/mail/%.16s.sent", dir, hex);
	free(dir);
	return path;
}

static void read_state(const char *path, struct strlist *sent)
{
	char *buf = read_file(path, NULL), *line, *save = NULL;

	if (!buf)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (line[0] == '<')
			strlist_push(sent, line);
	free(buf);
}

static int write_state(const char *path, const struct strlist *sent)
{
	struct sbuf b = { 0 };
	char *dir = xstrdup(path);
	int rc;

	*strrchr(dir, '/') = '\0';
	mkdir_p(dir);
	free(dir);
	sbuf_puts(&b, "# porttool mail: Message-IDs already sent\n");
	for (size_t i = 0; i < sent->n; i++)
		sbuf_addf(&b, "%s\n", sent->items[i]);
	rc = write_file(path, b.buf, b.len);
	if (rc)
		error("cannot record the sent messages in '%s': %s", path,
		      strerror(errno));
	sbuf_free(&b);
	return rc;
}

static void report_progress(const struct mail_run *r, const struct strlist *sent,
			    const char *state)
{
	fprintf(stderr, "porttool: sent:");
	for (size_t i = 0; i <= r->n; i++)
		if (strlist_has(sent, r->msgs[i].message_id))
			fprintf(stderr, " %zu/%zu", i, r->n);
	fprintf(stderr, "\nporttool: not sent:");
	for (size_t i = 0; i <= r->n; i++)
		if (!strlist_has(sent, r->msgs[i].message_id))
			fprintf(stderr, " %zu/%zu", i, r->n);
	fprintf(stderr, "\nporttool: the state is in %s; 'porttool mail %s "
		"--resume' with the same options sends the rest\n", state,
		r->port->version);
}

/* A flag wins; else the git config key; the strings live in *owned. */
static const char *setting(const struct mail_run *r, const char *flag,
			   const char *key, struct strlist *owned)
{
	char *v;

	if (flag)
		return flag;
	v = config_string(r->cfg, key);
	if (!v)
		return NULL;
	strlist_push(owned, v);
	free(v);
	return owned->items[owned->n - 1];
}

static int smtp_settings(const struct mail_run *r, struct smtp_config *c,
			 struct strlist *owned)
{
	const char *port;
	char *end;

	c->server = setting(r, r->o.smtp_server, "sendemail.smtpServer", owned);
	c->user = setting(r, r->o.smtp_user, "sendemail.smtpUser", owned);
	c->pass = setting(r, r->o.smtp_pass, "sendemail.smtpPass", owned);
	c->encryption = setting(r, r->o.smtp_encryption,
				"sendemail.smtpEncryption", owned);
	c->ca_cert = setting(r, r->o.smtp_ca, "sendemail.smtpSslCertPath", owned);
	c->port = r->o.smtp_port;
	if (c->port)
		return 0;
	port = setting(r, NULL, "sendemail.smtpServerPort", owned);
	if (!port)
		return 0;
	c->port = (int)strtol(port, &end, 10);
	if (*end || end == port || c->port <= 0 || c->port > 65535) {
		error("git config sendemail.smtpServerPort '%s' is not a port "
		      "number", port);
		return -1;
	}
	return 0;
}

static int send_series(struct mail_run *r)
{
	struct smtp_config c = { 0 };
	struct strlist owned = { 0 }, sent = { 0 };
	struct addrlist all = all_recipients(r);
	struct smtp_session *s = NULL;
	char *state = state_path(r), *from = NULL;
	int rc = -1;

	read_state(state, &sent);
	if (sent.n && !r->o.resume) {
		error("this series was partly sent before (%zu of %zu messages, "
		      "recorded in %s); give --resume to send the rest", sent.n,
		      r->n + 1, state);
		goto out;
	}
	if (!sent.n && r->o.resume) {
		error("--resume: no partly sent series is recorded for these "
		      "messages (looked for %s)", state);
		goto out;
	}
	from = r->sender ? sender_address(r->sender) : NULL;
	if (!from) {
		error("no sender: give --from, or set sendemail.from or "
		      "user.name and user.email");
		goto out;
	}
	if (smtp_settings(r, &c, &owned))
		goto out;
	s = smtp_open(&c);
	if (!s)
		goto out;
	for (size_t i = 0; i <= r->n; i++) {
		const struct mail_msg *m = &r->msgs[i];

		if (strlist_has(&sent, m->message_id)) {
			info("already sent: %s", m->subject);
			continue;
		}
		if (smtp_send(s, from, &all, m->text)) {
			if (sent.n && !write_state(state, &sent))
				report_progress(r, &sent, state);
			else if (!sent.n)
				fprintf(stderr, "porttool: nothing was sent\n");
			goto out;
		}
		strlist_push(&sent, m->message_id);
		info("sent: %s", m->subject);
		/* Record at once: a crash after this still sends nothing twice. */
		if (write_state(state, &sent))
			goto out;
	}
	unlink(state);
	info("sent %zu messages to %zu recipients", r->n + 1, all.n);
	rc = 0;
out:
	smtp_close(s);
	strlist_free(&owned);
	strlist_free(&sent);
	addrlist_free(&all);
	free(state);
	free(from);
	return rc;
}

/* ---- the command ---- */

static void mail_run_free(struct mail_run *r)
{
	port_free(r->port);
	free(r->tree);
	git_config_free(r->cfg);
	outgoing_patches_free(r->v, r->n);
	for (size_t i = 0; i < r->n; i++)
		free(r->paths[i]);
	free(r->paths);
	addrlist_free(&r->to);
	addrlist_free(&r->cc);
	free(r->sender);
	free(r->base_commit);
	for (size_t i = 0; r->msgs && i <= r->n; i++)
		mail_msg_free(&r->msgs[i]);
	free(r->msgs);
	strlist_free(&r->o.to);
	strlist_free(&r->o.cc);
}

/* git's "-v N" / "-vN" short form of --reroll-count. */
static char **expand_short_options(int argc, char **argv, struct strlist *keep)
{
	char **out = xcalloc((size_t)argc + 1, sizeof(*out));

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			out[i] = "--reroll-count";
		} else if (!strncmp(argv[i], "-v", 2) && argv[i][2] != '-') {
			char *s = xasprintf("--reroll-count=%s", argv[i] + 2);

			strlist_push(keep, s);
			free(s);
			out[i] = keep->items[keep->n - 1];
		} else {
			out[i] = argv[i];
		}
	}
	return out;
}

static char *default_tree(const char *version)
{
	char *cache = cache_dir();
	char *dir = xasprintf("%s/trees/v%s", cache, version);

	free(cache);
	if (is_dir(dir))
		return dir;
	free(dir);
	return NULL;
}

static int mail_main(struct porttool_ctx *ctx, struct mail_run *r,
		     const char *version)
{
	bool sending = !r->o.output && !r->o.dry_run;

	r->port = port_load(ctx, version);
	if (!r->port)
		return EXIT_FAIL;
	if (!r->port->npatches) {
		error("port %s has no patches to mail (%s/series lists none)",
		      r->port->version, r->port->dir);
		return EXIT_FAIL;
	}
	r->tree = r->o.tree ? xstrdup(r->o.tree) : default_tree(r->port->version);
	if (r->o.tree && !is_dir(r->o.tree)) {
		error("--tree '%s' is not a directory", r->o.tree);
		return EXIT_FAIL;
	}
	if (r->o.build_each && !r->tree) {
		error("--build-each needs --tree (a git repository of the base)");
		return EXIT_FAIL;
	}
	if (open_config(r) || load_series(r))
		return EXIT_FAIL;
	r->sender = resolve_sender(r);
	if (r->sender) {
		struct address a;

		if (address_parse(r->sender, &a)) {
			error("sender '%s' is not a mail address", r->sender);
			return EXIT_FAIL;
		}
		free(a.name);
		free(a.addr);
	}
	r->base_commit = resolve_base_commit(r);
	if (collect_recipients(r, ctx->project_dir))
		return EXIT_FAIL;
	if (sending && !r->to.n && !r->cc.n) {
		error("nobody to send to: give --to, or add ports/v%s/ to MAINTAINERS",
		      r->port->version);
		return EXIT_FAIL;
	}
	if (build_messages(r, sending))
		return EXIT_FAIL;
	if (run_checks(r))
		return EXIT_FAIL;
	if (r->o.output)
		return write_output(r) ? EXIT_FAIL : EXIT_OK;
	if (r->o.dry_run)
		return dry_run(r) ? EXIT_FAIL : EXIT_OK;
	return send_series(r) ? EXIT_FAIL : EXIT_OK;
}

int cmd_mail(struct porttool_ctx *ctx, int argc, char **argv)
{
	struct mail_run r = { .o = { .reroll = 1 } };
	struct mail_opts *o = &r.o;
	const struct option opts[] = {
		{ OPT_INT, "reroll-count", &o->reroll, "N",
		  "version of the series: [PATCH vN MM/NN] (also -v N)" },
		{ OPT_BOOL, "rfc", &o->rfc, NULL, "prefix [RFC PATCH]" },
		{ OPT_STRING, "cover", &o->cover, "FILE",
		  "cover letter: first line the subject, then the summary" },
		{ OPT_STRING, "since", &o->since, "DIR|REV",
		  "previous version (patch dir or tree revision): range-diff" },
		{ OPT_STRING, "output", &o->output, "DIR",
		  "write the messages as files instead of sending" },
		{ OPT_BOOL, "dry-run", &o->dry_run, NULL,
		  "print every message and its recipients; send nothing" },
		{ OPT_LIST, "to", &o->to, "ADDR", "add a To: recipient" },
		{ OPT_LIST, "cc", &o->cc, "ADDR", "add a Cc: recipient" },
		{ OPT_STRING, "tree", &o->tree, "DIR",
		  "kernel tree: MAINTAINERS, checkpatch, base, git config" },
		{ OPT_BOOL, "no-tree-maintainers", &o->no_tree_maintainers, NULL,
		  "do not address the kernel tree's maintainers" },
		{ OPT_STRING, "maintainers", &o->maintainers, "FILE",
		  "the project's MAINTAINERS (default: the project's own)" },
		{ OPT_BOOL, "force", &o->force, NULL,
		  "send even if checkpatch reports errors" },
		{ OPT_BOOL, "build-each", &o->build_each, NULL,
		  "build after each patch (needs --build-cmd, --tree)" },
		{ OPT_STRING, "build-cmd", &o->build_cmd, "CMD",
		  "command run with /bin/sh in the tree after each patch" },
		{ OPT_BOOL, "resume", &o->resume, NULL,
		  "send what a failed run did not" },
		{ OPT_STRING, "from", &o->from, "ADDR",
		  "sender (default: sendemail.from, user.name/user.email)" },
		{ OPT_STRING, "smtp-server", &o->smtp_server, "HOST",
		  "SMTP server (sendemail.smtpServer)" },
		{ OPT_INT, "smtp-port", &o->smtp_port, "PORT",
		  "SMTP port (sendemail.smtpServerPort)" },
		{ OPT_STRING, "smtp-user", &o->smtp_user, "USER",
		  "SMTP AUTH user (sendemail.smtpUser)" },
		{ OPT_STRING, "smtp-pass", &o->smtp_pass, "PASS",
		  "SMTP AUTH password (sendemail.smtpPass)" },
		{ OPT_STRING, "smtp-encryption", &o->smtp_encryption, "tls|ssl",
		  "STARTTLS or SMTPS (sendemail.smtpEncryption)" },
		{ OPT_STRING, "smtp-ssl-cert-path", &o->smtp_ca, "PATH",
		  "CA certificates for TLS (sendemail.smtpSslCertPath)" },
		{ OPT_END },
	};
	const struct usage u = {
		"porttool mail VER [options]",
		"Mail the port's patch series as git send-email would: a cover\n"
		"letter [PATCH vN 0/N] and each patch threaded to it.  Recipients\n"
		"come from the project's MAINTAINERS (ports/vVER/) and the kernel\n"
		"tree's (files the patches touch): M: go to To, R: and L: to Cc.\n"
		"SMTP settings are git send-email's sendemail.* config keys.",
		opts,
	};
	struct strlist keep = { 0 };
	char **args = expand_short_options(argc, argv, &keep);
	int npos, rc;

	npos = parse_options(argc, args, &u);
	if (!npos)
		usage_error(&u, "which port? give its version, e.g. 5.10");
	if (npos > 1)
		usage_error(&u, "give one version, not %d arguments", npos);
	if (o->reroll < 1)
		usage_error(&u, "--reroll-count must be 1 or more, not %d",
			    o->reroll);
	if (o->build_each && !o->build_cmd)
		usage_error(&u, "--build-each needs --build-cmd CMD");
	if (o->output && o->dry_run)
		usage_error(&u, "--output and --dry-run do not go together");
	if (o->resume && (o->output || o->dry_run))
		usage_error(&u, "--resume only applies to sending");
	rc = mail_main(ctx, &r, args[1]);
	mail_run_free(&r);
	free(args);
	strlist_free(&keep);
	return rc;
}
