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
#include "builtin.h"
#include "mail/mail.h"
#include "mail/mail_check.h"

#include <errno.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- configuration (git config, as git send-email reads it) ---- */

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
		     mail_config_string(r->cfg, "sendemail.from");
	char *name, *email;

	if (from)
		return from;
	name = mail_config_string(r->cfg, "user.name");
	email = mail_config_string(r->cfg, "user.email");
	if (email)
		from = name ? xasprintf("%s <%s>", name, email) : xstrdup(email);
	free(name);
	free(email);
	return from;
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
	    build_each(r->tree, mail_base_revision(r), r->o.build_cmd, r->v, r->n))
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
	free(r->prereq_note);
	free(r->prereq_patch_id);
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

/* "<id@host>" from "id@host" or "<id@host>"; NULL if it is not one. */
static const char *normalize_message_id(const char *id, struct strlist *keep)
{
	size_t n = strlen(id);
	char *s;

	if (n >= 2 && id[0] == '<' && id[n - 1] == '>')
		s = xstrdup(id);
	else
		s = xasprintf("<%s>", id);
	if (!strchr(s, '@') || strpbrk(s, " \t\n") || strchr(s + 1, '<') ||
	    strchr(s, '>') != s + strlen(s) - 1) {
		free(s);
		return NULL;
	}
	strlist_push(keep, s);
	free(s);
	return keep->items[keep->n - 1];
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
	/* Before the corevisor patch, which carries the sender's sign-off. */
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
	if (add_corevisor_patch(r, ctx))
		return EXIT_FAIL;
	r->base_commit = resolve_base_commit(r);
	if (collect_recipients(r, ctx->project_dir))
		return EXIT_FAIL;
	if (sending && !r->to.n && !r->cc.n) {
		error("nobody to send to: give --to, or add ports/v%s/ to MAINTAINERS",
		      r->port->version);
		return EXIT_FAIL;
	}
	/* Files keep the author's date (git am keeps it); mail is dated now. */
	if (build_messages(r, !r->o.output))
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
		{ OPT_BOOL, "no-corevisor", &o->no_corevisor, NULL,
		  "leave the corevisor install commit out of the series (the "
		  "cover letter names it)" },
		{ OPT_BOOL, "upstream", &o->upstream, NULL,
		  "also address the kernel tree's maintainers of the touched "
		  "files (off by default: the project's MAINTAINERS only)" },
		{ OPT_BOOL, "no-tree-maintainers", &o->no_tree_maintainers, NULL,
		  "never address the kernel tree's maintainers (the default "
		  "unless --upstream)" },
		{ OPT_BOOL, "no-trailer-cc", &o->no_trailer_cc, NULL,
		  "do not Cc the authors and the patches' trailer people" },
		{ OPT_STRING, "maintainers", &o->maintainers, "FILE",
		  "the project's MAINTAINERS (default: the project's own)" },
		{ OPT_BOOL, "force", &o->force, NULL,
		  "send even if checkpatch reports errors" },
		{ OPT_BOOL, "build-each", &o->build_each, NULL,
		  "build after each patch (needs --build-cmd, --tree)" },
		{ OPT_STRING, "build-cmd", &o->build_cmd, "CMD",
		  "command run with /bin/sh in the tree after each patch" },
		{ OPT_STRING, "in-reply-to", &o->in_reply_to, "MSGID",
		  "thread the cover letter under this message (e.g. v1's)" },
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
		"come from the project's MAINTAINERS (ports/vVER/), and with\n"
		"--upstream from the kernel tree's (files the patches touch, never\n"
		"the catch-all THE REST): M: go to To, R: and L: to Cc;\n"
		"the authors and the people of Signed-off-by:, Cc:, Reviewed-by:\n"
		"... trailers are Cc'd, as git send-email does.\n"
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
	/* A line break in a header value would start a header of its own. */
	if (o->from && strpbrk(o->from, "\r\n"))
		usage_error(&u, "--from holds a line break; give one address");
	for (size_t i = 0; i < o->to.n; i++)
		if (strpbrk(o->to.items[i], "\r\n"))
			usage_error(&u, "--to holds a line break; give one address");
	for (size_t i = 0; i < o->cc.n; i++)
		if (strpbrk(o->cc.items[i], "\r\n"))
			usage_error(&u, "--cc holds a line break; give one address");
	if (o->in_reply_to) {
		o->in_reply_to = normalize_message_id(o->in_reply_to, &keep);
		if (!o->in_reply_to)
			usage_error(&u, "--in-reply-to wants a Message-ID like "
				    "<id@host>");
	}
	rc = mail_main(ctx, &r, args[1]);
	mail_run_free(&r);
	free(args);
	strlist_free(&keep);
	return rc;
}
