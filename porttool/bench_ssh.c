// SPDX-License-Identifier: GPL-2.0
/*
 * porttool bench --target ssh://user@host[:port]: the suites on a board
 * that already booted a built kernel (a Pi 4B, an m400, or a QEMU host
 * with an ssh server, as the tests use).
 *
 * The board runs exactly what a QEMU host runs: the host initramfs's
 * files (make_board_bundle: the composed host init script, busybox, the
 * vmm, the signed guest) unpacked into a directory there, and the same
 * init script run with R set to that directory (host-lib.sh).  Its output,
 * collected over ssh, is the log the QEMU host's serial console would
 * have given, and the same parsers read it.
 *
 * Every ssh session is one command: the probe, once (make the directory,
 * receive busybox on stdin, say what kernel runs), the upload of each
 * suite's bundle (busybox cpio unpacks it from stdin; the apps suite's
 * disk image, gzipped, busybox gunzip), one run per repetition, and the
 * clean-up, once.  The board needs only a POSIX shell with mkdir, cat
 * and chmod; everything else is the bundle's busybox.  OpenSSH's client
 * runs with BatchMode=yes: never a password or a host-key prompt, so a
 * run without a key or with an unknown host key fails with ssh's reason,
 * which ssh_explain_failure turns into what to do.
 */
#include "bench_ssh.h"
#include "sbuf.h"
#include "subproc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SSH_BIN "ssh"
#define SSH_PACKAGE "openssh-client"
#define PROBE_TIMEOUT_S 120
/*
 * The guest suite's bundle is tens of MiB: minutes on a slow link.  The
 * apps suite's image, 190 MiB gzipped, 850 MiB for the board's busybox
 * gunzip to write: a second more for each UPLOAD_KIB_PER_S KiB of what is
 * sent (a QEMU board on a loaded machine unpacked 1 MiB/s).
 */
#define UPLOAD_TIMEOUT_S 900
#define UPLOAD_KIB_PER_S 128
#define CLEANUP_TIMEOUT_S 60

/* ---- the URL ---- */

static bool user_char_ok(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

static bool host_char_ok(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' || c == ':' ||
	       c == '%';
}

/* "[v6]" or "name" at s, up to ':', '/' or the end; the host (allocated) or NULL. */
static char *take_host(const char **s, char **why)
{
	const char *p = *s, *end;
	char *host;

	if (*p == '[') {
		end = strchr(p, ']');
		if (!end) {
			*why = xstrdup("an IPv6 host starts with '[' but has no ']'");
			return NULL;
		}
		host = xstrndup(p + 1, (size_t)(end - p - 1));
		*s = end + 1;
	} else {
		end = p + strcspn(p, ":/");
		host = xstrndup(p, (size_t)(end - p));
		*s = end;
	}
	for (const char *c = host; *c; c++)
		if (!host_char_ok(*c)) {
			*why = xasprintf("the host '%s' has a '%c', which no host name has",
					 host, *c);
			free(host);
			return NULL;
		}
	if (!*host) {
		*why = xstrdup("no host after the '@'");
		free(host);
		return NULL;
	}
	return host;
}

static char *parse_port(const char *s, int *port)
{
	char *end;
	long v;

	if (!*s || !strcmp(s, "/"))
		return NULL;	/* "ssh://u@h" or "ssh://u@h/" */
	if (*s != ':')
		return xasprintf("'%s' after the host is not ':PORT'", s);
	errno = 0;
	v = strtol(s + 1, &end, 10);
	if (*end == '/' && !end[1])
		end++;		/* "ssh://u@h:22/" */
	if (errno || end == s + 1 || *end || !isdigit((unsigned char)s[1]) ||
	    v < 1 || v > 65535)
		return xasprintf("the port '%s' is not a number from 1 to 65535", s + 1);
	*port = (int)v;
	return NULL;
}

char *ssh_target_parse(const char *url, struct ssh_target *t)
{
	const char *s = url, *at;
	char *why = NULL;

	memset(t, 0, sizeof(*t));
	if (strncmp(s, "ssh://", 6))
		return xasprintf("'%s' is not an ssh:// URL (ssh://user@host[:port])", url);
	s += 6;
	at = strchr(s, '@');
	if (!at)
		return xasprintf("'%s' names no user (ssh://user@host[:port])", url);
	t->user = xstrndup(s, (size_t)(at - s));
	if (!*t->user)
		why = xstrdup("the user before the '@' is empty");
	for (const char *c = t->user; !why && *c; c++)
		if (!user_char_ok(*c))
			why = xasprintf("the user '%s' has a '%c' (letters, digits, '.', "
					"'_' and '-' only; no passwords in the URL)",
					t->user, *c);
	s = at + 1;
	if (!why && (t->host = take_host(&s, &why)))
		why = parse_port(s, &t->port);
	if (why) {
		char *w = xasprintf("'%s': %s", url, why);

		free(why);
		ssh_target_free(t);
		return w;
	}
	t->url = t->port ? xasprintf("ssh://%s@%s%s%s:%d", t->user,
				     strchr(t->host, ':') ? "[" : "", t->host,
				     strchr(t->host, ':') ? "]" : "", t->port)
			 : xasprintf("ssh://%s@%s", t->user, t->host);
	return NULL;
}

void ssh_target_free(struct ssh_target *t)
{
	free(t->url);
	free(t->user);
	free(t->host);
	free(t->dir);
	memset(t, 0, sizeof(*t));
}

/* ---- running ssh ---- */

#define HOST_KEY_CHANGED "the board's host key is not the one known_hosts " \
	"has for it (a re-installed board, or another machine at that " \
	"address): check, then fix known_hosts"

/*
 * ssh's known failures, by the words it prints, and what they mean for
 * whoever runs the benchmark.  The first that matches wins.
 */
static const struct {
	const char *says, *cause;
} ssh_failures[] = {
	{ "Connection refused", "connection refused: nothing listens on that port "
	  "(is the board up, its ssh server running, the port right?)" },
	{ "Permission denied", "authentication failed: the board does not take "
	  "this user's keys (porttool logs in with keys only, never a password; "
	  "put your public key in the board's ~/.ssh/authorized_keys, or name "
	  "the key with --ssh-config)" },
	{ "has changed and you have requested strict checking", HOST_KEY_CHANGED },
	{ "REMOTE HOST IDENTIFICATION HAS CHANGED", HOST_KEY_CHANGED },
	{ "Host key verification failed", "its host key is unknown (BatchMode: "
	  "porttool never answers a host-key prompt): add it to known_hosts "
	  "(ssh to the board once), or set StrictHostKeyChecking in an "
	  "--ssh-config file" },
	{ "Could not resolve hostname", "no such host: the name does not resolve" },
	{ "Name or service not known", "no such host: the name does not resolve" },
	{ "No route to host", "the host is unreachable (no route to it)" },
	{ "Network is unreachable", "the host is unreachable (no network)" },
	{ "timed out", "the connection timed out: the board does not answer" },
	{ "kex_exchange_identification", "the connection closed before the ssh "
	  "handshake (is it an ssh server on that port?)" },
	{ "Connection closed", "the connection closed before the ssh handshake "
	  "(is it an ssh server on that port?)" },
};

/* The last non-empty line of text (allocated), for errors. */
static char *last_line(const char *text)
{
	const char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	return xstrndup(start, (size_t)(end - start));
}

/* The first line of text containing s (allocated), or NULL. */
static char *line_with(const char *text, const char *s)
{
	const char *hit = strstr(text, s), *start, *end;

	if (!hit)
		return NULL;
	start = hit;
	while (start > text && start[-1] != '\n')
		start--;
	end = hit + strcspn(hit, "\r\n");
	return xstrndup(start, (size_t)(end - start));
}

char *ssh_explain_failure(const struct ssh_target *t, const char *output)
{
	for (size_t i = 0; i < sizeof(ssh_failures) / sizeof(ssh_failures[0]); i++) {
		char *line = line_with(output, ssh_failures[i].says), *msg;

		if (!line)
			continue;
		msg = xasprintf("%s: %s (ssh said: %s)", t->url, ssh_failures[i].cause, line);
		free(line);
		return msg;
	}
	{
		char *line = last_line(output), *msg;

		msg = xasprintf("%s: ssh could not run a command there (ssh said: %s)",
				t->url, *line ? line : "no message");
		free(line);
		return msg;
	}
}

static void collect_line(const char *line, void *arg)
{
	struct sbuf *b = arg;

	sbuf_addf(b, "%s\n", line);
}

/* ssh's arguments for one command on the board; the array is static-sized. */
static void ssh_argv(const struct ssh_target *t, const char *command,
		     const char **argv, char *port)
{
	int n = 0;

	argv[n++] = SSH_BIN;
	argv[n++] = "-T";
	/* never a prompt: a password or host-key question would hang a run */
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	argv[n++] = "-o";
	argv[n++] = "ConnectTimeout=20";
	/* a board that dies mid-run ends the session in a minute */
	argv[n++] = "-o";
	argv[n++] = "ServerAliveInterval=15";
	argv[n++] = "-o";
	argv[n++] = "ServerAliveCountMax=4";
	if (t->config) {
		argv[n++] = "-F";
		argv[n++] = t->config;
	}
	if (t->port) {
		argv[n++] = "-p";
		argv[n++] = port;
	}
	argv[n++] = "-l";
	argv[n++] = t->user;
	argv[n++] = "--";
	argv[n++] = t->host;
	argv[n++] = command;
	argv[n] = NULL;
}

/*
 * Run command on the board, stdin from stdin_path (or nothing), output
 * into out or (log_fd >= 0) that file.  Returns ssh's exit status (255:
 * ssh itself failed), or -1 when ssh could not run or timed out (an error
 * is printed).
 */
static int ssh_command(const struct ssh_target *t, const char *command,
		       const char *stdin_path, int timeout_s, struct sbuf *out,
		       int log_fd, bool echo)
{
	const char *argv[32];
	char port[16], *bin = find_program(SSH_BIN);
	struct subproc sp = { .argv = argv, .log_fd = log_fd, .stdin_path = stdin_path,
			      .timeout_s = timeout_s, .echo = echo };

	if (!bin) {
		error(SSH_BIN " not found in PATH; install the Debian package "
		      SSH_PACKAGE);
		return -1;
	}
	free(bin);
	snprintf(port, sizeof(port), "%d", t->port);
	ssh_argv(t, command, argv, port);
	if (out) {
		sp.on_line = collect_line;
		sp.arg = out;
	}
	if (subproc_run(&sp))
		return -1;
	if (sp.timed_out) {
		error("%s: no answer in %d s; ssh killed", t->url, timeout_s);
		return -1;
	}
	return sp.exit_code;
}

/* ---- the board ---- */

void board_info_free(struct board_info *b)
{
	free(b->release);
	free(b->host);
	free(b->evidence);
	memset(b, 0, sizeof(*b));
}

/*
 * The probe, run by the board's login shell.  $1 is the directory.  The
 * kernel log's corevisor lines are the SeKVM 5.10 and later ports' (the
 * corevisor's ABI banner, KVM's init message); the 5.10 port's debugfs
 * directory says the same when the log has rotated past them.
 */
static const char probe_script[] =
	"D=%s; set -e; mkdir -p \"$D/bin\" \"$D/tmp\"; cat >\"$D/bin/busybox\"; "
	"chmod 755 \"$D/bin/busybox\"; set +e; B=\"$D/bin/busybox\"; "
	"echo \"PROBE-machine $(uname -m)\"; "
	"echo \"PROBE-release $($B uname -r)\"; "
	"echo \"PROBE-node $($B uname -n)\"; "
	"[ -c /dev/kvm ] && echo PROBE-kvm; "
	"$B mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null; "
	"[ -d /sys/kernel/debug/sekvm ] && echo PROBE-sekvm-debugfs; "
	"$B dmesg 2>/dev/null | $B grep -m 1 -e 'corevisor ABI v' "
	"-e 'SeKVM: the corevisor owns EL2' | $B sed 's/^/PROBE-banner /'; "
	"echo PROBE-end";

/* The value of the first "KEY value" line, or NULL (allocated). */
static char *probe_value(const char *output, const char *key)
{
	size_t n = strlen(key);

	for (const char *s = output; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : s)
		if (!strncmp(s, key, n) && (s[n] == ' ' || s[n] == '\n' || !s[n])) {
			const char *v = s + n + (s[n] == ' ');

			return xstrndup(v, strcspn(v, "\r\n"));
		}
	return NULL;
}

static bool probe_has(const char *output, const char *key)
{
	char *v = probe_value(output, key);

	free(v);
	return v != NULL;
}

/* release is of kernel line version: "5.10" takes 5.10.223, 5.10-rc1, not 5.100. */
static bool release_of_line(const char *release, const char *version)
{
	size_t n = strlen(version);

	return !strncmp(release, version, n) &&
	       (!release[n] || release[n] == '.' || release[n] == '-' ||
		release[n] == '+');
}

char *board_judge_probe(const char *output, const char *version,
			struct board_info *b)
{
	char *machine = probe_value(output, "PROBE-machine");
	char *release = probe_value(output, "PROBE-release");
	char *node = probe_value(output, "PROBE-node");
	char *banner = probe_value(output, "PROBE-banner");
	bool end = probe_has(output, "PROBE-end");
	char *why = NULL;

	memset(b, 0, sizeof(*b));
	if (!end || !machine)
		why = xstrdup("the board's shell did not finish the probe (no "
			      "PROBE-end line): can it run 'mkdir', 'cat' and "
			      "'chmod', and write /tmp?");
	else if (strcmp(machine, "aarch64"))
		why = xasprintf("the board is '%s', not aarch64: the vmm and its "
				"guests are arm64 programs", machine);
	else if (!release || !*release)
		why = xstrdup("the bundle's busybox does not run there");
	else if (!release_of_line(release, version))
		why = xasprintf("the board runs Linux %s, not a v%s kernel: boot "
				"it with the Image of 'porttool build %s' first",
				release, version, version);
	else if (!probe_has(output, "PROBE-kvm"))
		why = xasprintf("the board's kernel (Linux %s) has no /dev/kvm: it "
				"is neither a SeKVM nor a stock-KVM build (or KVM "
				"did not start: no EL2?)", release);
	if (why)
		goto out;
	if (banner) {
		b->kernel = BENCH_SEKVM;
		b->evidence = xasprintf("its kernel log says '%s'", banner);
	} else if (probe_has(output, "PROBE-sekvm-debugfs")) {
		b->kernel = BENCH_SEKVM;
		b->evidence = xstrdup("it has /sys/kernel/debug/sekvm");
	} else {
		b->kernel = BENCH_KVM;
		b->evidence = xstrdup("/dev/kvm, and no corevisor line in its "
				      "kernel log nor sekvm in its debugfs");
	}
	b->release = release;
	b->host = xasprintf("%s (%s, Linux %s)", node ? node : "?", machine, release);
	release = NULL;
out:
	free(machine);
	free(release);
	free(node);
	free(banner);
	return why;
}

int board_probe(const struct ssh_target *t, const char *busybox,
		const char *version, struct board_info *b)
{
	char *cmd = xasprintf(probe_script, t->dir), *why;
	struct sbuf out = { 0 };
	int rc = ssh_command(t, cmd, busybox, PROBE_TIMEOUT_S, &out, -1, false);
	const char *text = out.buf ? out.buf : "";
	int ret = -1;

	free(cmd);
	if (rc < 0)
		goto out;
	if (rc == 255) {
		why = ssh_explain_failure(t, text);
	} else if ((why = board_judge_probe(text, version, b))) {
		/* a probe cut short: its last words say why (no mkdir, a full /tmp) */
		char *last = strstr(text, "PROBE-end") ? xstrdup("") : last_line(text), *w;

		w = xasprintf("%s: %s%s%s%s", t->url, why, *last ? " (its last output: '" : "",
			      last, *last ? "')" : "");
		free(why);
		free(last);
		why = w;
		ret = 1;
	}
	if (why) {
		error("%s", why);
		free(why);
		goto out;
	}
	ret = 0;
out:
	sbuf_free(&out);
	return ret;
}

/*
 * Send path as ssh's stdin to command, which says UPLOAD-OK when what it
 * made of it is in place; what names the result for an error.  0 or -1.
 */
static int upload(const struct ssh_target *t, const char *path, const char *command,
		  const char *what)
{
	struct sbuf out = { 0 };
	struct stat st;
	long long kib = stat(path, &st) ? 0 : (long long)st.st_size / 1024;
	int timeout = UPLOAD_TIMEOUT_S + (int)(kib / UPLOAD_KIB_PER_S);
	int rc = ssh_command(t, command, path, timeout, &out, -1, false), ret = -1;
	const char *text = out.buf ? out.buf : "";

	if (rc == 255) {
		char *why = ssh_explain_failure(t, text);

		error("%s", why);
		free(why);
	} else if (rc >= 0 && (rc != 0 || !strstr(text, "UPLOAD-OK"))) {
		char *last = last_line(text);

		error("%s: %s failed (exit %d: %s)", t->url, what, rc, last);
		free(last);
	} else if (rc == 0) {
		ret = 0;
	}
	sbuf_free(&out);
	return ret;
}

int board_upload(const struct ssh_target *t, const char *bundle)
{
	char *cmd = xasprintf("cd %s && bin/busybox cpio -idmu 2>&1 && echo UPLOAD-OK",
			      t->dir);
	char *what = xasprintf("unpacking %s in %s", bundle, t->dir);
	int ret = upload(t, bundle, cmd, what);

	free(cmd);
	free(what);
	return ret;
}

/*
 * The file is whole or absent: a cut connection leaves NAME.part, which
 * the clean-up removes with the rest.
 */
int board_send_gz(const struct ssh_target *t, const char *gz, const char *name)
{
	char *cmd = xasprintf("cd %s && bin/busybox gunzip -c >%s.part && "
			      "mv %s.part %s && echo UPLOAD-OK", t->dir, name, name, name);
	char *what = xasprintf("writing %s/%s from %s", t->dir, name, gz);
	int ret = upload(t, gz, cmd, what);

	free(cmd);
	free(what);
	return ret;
}

int board_run(const struct ssh_target *t, const char *cmdline, int timeout_s,
	      const char *log_path, bool echo)
{
	char *cmd = xasprintf("cd %s && R=%s CMDLINE='%s' bin/busybox sh ./init",
			      t->dir, t->dir, cmdline);
	int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int rc, ret = -1;

	if (fd < 0) {
		error("cannot create %s: %s", log_path, strerror(errno));
		free(cmd);
		return -1;
	}
	dprintf(fd, "# porttool bench --target %s: %s\n", t->url, cmd);
	rc = ssh_command(t, cmd, NULL, timeout_s, NULL, fd, echo);
	if (rc == -1)
		dprintf(fd, "\n# porttool: ssh killed after %d s timeout\n", timeout_s);
	close(fd);
	if (rc == 255) {
		char *log = read_file(log_path, NULL);
		char *why = ssh_explain_failure(t, log ? log : "");

		error("%s (log %s)", why, log_path);
		free(why);
		free(log);
	} else if (rc >= 0) {
		ret = 0;
	}
	free(cmd);
	return ret;
}

/*
 * The clean-up, run by the board's login shell; %s is the directory.  A
 * run cut short (ssh killed at --timeout) goes on there: the apps suite's
 * guests would wait an hour for their clients, the clients for the
 * guests.  So every process running a program from the directory (the
 * bundle's busybox and vmm, the clients' tree) is killed: the login shell
 * runs the board's own.  Then the mounts under the directory are taken
 * away, deepest first, rm never running while one stays, since rm -rf
 * would go on into it.
 */
static const char cleanup_script[] =
	"D=%s; B=$D/bin/busybox; [ -x \"$B\" ] || B=; k=; "
	"for p in /proc/[0-9]*; do case \"$($B readlink \"$p/exe\" 2>/dev/null)\" in "
	"\"$D\"/*) kill -9 \"${p#/proc/}\" 2>/dev/null && k=1;; esac; done; "
	"[ -z \"$k\" ] || sleep 1; "
	"for m in $($B awk -v d=\"$D/\" 'index($2, d) == 1 { print $2 }' /proc/mounts "
	"2>/dev/null | $B sort -r); do $B umount \"$m\" || $B umount -l \"$m\"; done; "
	"if $B grep -q \" $D/\" /proc/mounts 2>/dev/null; then "
	"echo \"still mounted under $D\"; exit 1; fi; rm -rf \"$D\"";

int board_cleanup(const struct ssh_target *t)
{
	char *cmd = xasprintf(cleanup_script, t->dir);
	struct sbuf out = { 0 };
	int rc = ssh_command(t, cmd, NULL, CLEANUP_TIMEOUT_S, &out, -1, false);

	if (rc != 0) {
		char *last = last_line(out.buf ? out.buf : "");

		warning("%s: could not remove %s there (exit %d%s%s)", t->url, t->dir, rc,
			*last ? ": " : "", last);
		free(last);
	}
	free(cmd);
	sbuf_free(&out);
	return rc == 0 ? 0 : -1;
}
