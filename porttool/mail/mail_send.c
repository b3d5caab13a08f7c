// SPDX-License-Identifier: GPL-2.0
/*
 * Sending a series over SMTP (smtp.c) with a record of what went: the
 * state file lists the Message-IDs already accepted, written after each
 * message, so that after a failure --resume sends the rest and nothing
 * goes twice.
 */
#include "mail.h"
#include "smtp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	v = mail_config_string(r->cfg, key);
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

int send_series(struct mail_run *r)
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

