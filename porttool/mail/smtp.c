// SPDX-License-Identifier: GPL-2.0
/*
 * SMTP through libcurl (see smtp.h).  libcurl does the protocol, the TLS,
 * the AUTH and the dot-stuffing; this file turns its outcome into an error
 * a user can act on, naming the server and what it said.
 */
#include "smtp.h"
#include "mailfmt.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct smtp_session {
	const struct smtp_config *c;
	CURL *curl;
	char *url;
	char errbuf[CURL_ERROR_SIZE];
	/*
	 * The last command sent, and the first command the server refused
	 * with its reply: libcurl says QUIT after a refusal, so the last
	 * exchange is not the one that matters.
	 */
	char last_cmd[256];
	char last_reply[512];
	char refused_cmd[256];
	char refused_reply[512];
	bool in_auth;		/* between AUTH and its final reply */
	/* The message being uploaded. */
	const char *data;
	size_t len, pos;
};

static int default_port(const char *enc)
{
	if (enc && !strcasecmp(enc, "ssl"))
		return 465;
	if (enc && !strcasecmp(enc, "tls"))
		return 587;
	return 25;
}

static int check_config(const struct smtp_config *c)
{
	if (!c->server || !*c->server) {
		error("no SMTP server: set sendemail.smtpServer or give --smtp-server");
		return -1;
	}
	if (c->server[0] == '/') {
		error("sendemail.smtpServer '%s' is a sendmail program; porttool "
		      "only speaks SMTP: give a host name", c->server);
		return -1;
	}
	if (c->encryption && strcasecmp(c->encryption, "tls") &&
	    strcasecmp(c->encryption, "ssl") && strcasecmp(c->encryption, "none") &&
	    *c->encryption) {
		error("SMTP encryption '%s' is not one of tls, ssl, none",
		      c->encryption);
		return -1;
	}
	if (c->port < 0 || c->port > 65535) {
		error("SMTP port %d is out of range", c->port);
		return -1;
	}
	if (c->user && !c->pass) {
		error("SMTP user '%s' has no password: set sendemail.smtpPass or "
		      "give --smtp-pass", c->user);
		return -1;
	}
	return 0;
}

static void copy_line(char *dst, size_t cap, const char *data, size_t size)
{
	size_t n = size < cap - 1 ? size : cap - 1;

	memcpy(dst, data, n);
	while (n && (dst[n - 1] == '\n' || dst[n - 1] == '\r'))
		n--;
	dst[n] = '\0';
}

/* Keep the commands and replies libcurl exchanges, for error messages. */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t size,
		    void *ud)
{
	struct smtp_session *s = ud;

	if (type == CURLINFO_HEADER_OUT) {
		/*
		 * Never keep credentials: the AUTH line and the answers to the
		 * server's 334 challenges are all shown as "AUTH ...".
		 */
		if ((size >= 4 && !strncasecmp(data, "AUTH", 4)) || s->in_auth) {
			snprintf(s->last_cmd, sizeof(s->last_cmd), "AUTH ...");
			s->in_auth = true;
		} else {
			copy_line(s->last_cmd, sizeof(s->last_cmd), data, size);
		}
	} else if (type == CURLINFO_HEADER_IN) {
		copy_line(s->last_reply, sizeof(s->last_reply), data, size);
		if (strncmp(data, "334", 3))
			s->in_auth = false;
		if ((data[0] == '4' || data[0] == '5') && !s->refused_reply[0]) {
			snprintf(s->refused_cmd, sizeof(s->refused_cmd), "%s",
				 s->last_cmd);
			snprintf(s->refused_reply, sizeof(s->refused_reply), "%s",
				 s->last_reply);
		}
	}
	return 0;
}

static size_t on_read(char *buf, size_t size, size_t nmemb, void *ud)
{
	struct smtp_session *s = ud;
	size_t n = size * nmemb;

	if (n > s->len - s->pos)
		n = s->len - s->pos;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return n;
}

struct smtp_session *smtp_open(const struct smtp_config *c)
{
	struct smtp_session *s;
	bool ssl = c->encryption && !strcasecmp(c->encryption, "ssl");

	if (check_config(c))
		return NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		error("cannot initialise libcurl");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->c = c;
	s->curl = curl_easy_init();
	if (!s->curl) {
		error("cannot initialise libcurl");
		free(s);
		return NULL;
	}
	s->url = xasprintf("%s://%s:%d", ssl ? "smtps" : "smtp", c->server,
			   c->port ? c->port : default_port(c->encryption));
	return s;
}

static void set_common_options(struct smtp_session *s)
{
	const struct smtp_config *c = s->c;
	CURL *h = s->curl;

	curl_easy_setopt(h, CURLOPT_URL, s->url);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	/* A stalled server must not hang a send forever. */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_READDATA, s);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	if (c->encryption && !strcasecmp(c->encryption, "tls"))
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (c->ca_cert) {
		if (is_dir(c->ca_cert))
			curl_easy_setopt(h, CURLOPT_CAPATH, c->ca_cert);
		else
			curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_cert);
	}
	if (c->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->pass);
	}
}

/* Mail wants CRLF line ends; the messages are written with LF. */
static char *to_crlf(const char *text, size_t *len)
{
	struct sbuf b = { 0 };

	for (const char *p = text; *p; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			sbuf_add(&b, "\r", 1);
		sbuf_add(&b, p, 1);
	}
	*len = b.len;
	return sbuf_detach(&b);
}

static void report_failure(struct smtp_session *s, CURLcode rc)
{
	const char *what = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
		error("cannot connect to the SMTP server %s: %s", s->url, what);
		return;
	case CURLE_LOGIN_DENIED:
		error("the SMTP server %s refused the login of user '%s' "
		      "(wrong user or password?): %s", s->url,
		      s->c->user ? s->c->user : "",
		      s->refused_reply[0] ? s->refused_reply : s->last_reply);
		return;
	case CURLE_USE_SSL_FAILED:
		error("the SMTP server %s does not offer STARTTLS: %s", s->url,
		      what);
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
		error("TLS with the SMTP server %s failed (is the CA given with "
		      "--smtp-ssl-cert-path?): %s", s->url, what);
		return;
	default:
		break;
	}
	if (s->refused_reply[0])
		error("the SMTP server %s refused '%s': it answered '%s'", s->url,
		      s->refused_cmd, s->refused_reply);
	else
		error("sending to the SMTP server %s failed: %s", s->url, what);
}

int smtp_send(struct smtp_session *s, const char *from,
	      const struct addrlist *rcpt, const char *text)
{
	struct curl_slist *list = NULL;
	char *data, *envelope;
	CURLcode rc;

	if (!rcpt->n) {
		error("no recipients: give --to or add the port to MAINTAINERS");
		return -1;
	}
	for (size_t i = 0; i < rcpt->n; i++) {
		char *a = xasprintf("<%s>", rcpt->v[i].addr);

		list = curl_slist_append(list, a);
		free(a);
	}
	data = to_crlf(text, &s->len);
	s->data = data;
	s->pos = 0;
	s->errbuf[0] = s->last_cmd[0] = s->last_reply[0] = '\0';
	s->refused_cmd[0] = s->refused_reply[0] = '\0';
	s->in_auth = false;
	envelope = xasprintf("<%s>", from);
	set_common_options(s);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, envelope);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)s->len);
	rc = curl_easy_perform(s->curl);
	if (rc != CURLE_OK)
		report_failure(s, rc);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(list);
	free(envelope);
	free(data);
	s->data = NULL;
	return rc == CURLE_OK ? 0 : -1;
}

void smtp_close(struct smtp_session *s)
{
	if (!s)
		return;
	curl_easy_cleanup(s->curl);
	free(s->url);
	free(s);
	curl_global_cleanup();
}
