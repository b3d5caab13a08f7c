/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sending mail over SMTP with libcurl: one connection for a series,
 * STARTTLS (encryption "tls") or SMTPS ("ssl"), AUTH with user and
 * password.  The settings are git send-email's (sendemail.*).
 */
#ifndef SMTP_H
#define SMTP_H

#include "maintainers.h"

struct smtp_config {
	const char *server;	/* host name or address */
	int port;		/* 0: 25, 587 with tls, 465 with ssl */
	const char *user;	/* AUTH when set */
	const char *pass;
	const char *encryption;	/* "tls", "ssl", or NULL/"none" */
	const char *ca_cert;	/* CA file or directory for TLS */
};

struct smtp_session;

/* Checks the configuration; prints what is wrong and returns NULL. */
struct smtp_session *smtp_open(const struct smtp_config *c);
/*
 * Send one message (text with LF line ends) from envelope sender from to
 * every address of rcpt.  On failure prints an error saying what the
 * server refused (connection, login, a recipient, the data) and returns
 * -1.
 */
int smtp_send(struct smtp_session *s, const char *from,
	      const struct addrlist *rcpt, const char *text);
void smtp_close(struct smtp_session *s);

#endif
