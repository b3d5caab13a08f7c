// SPDX-License-Identifier: GPL-2.0
/*
 * What identifies a measurement besides its value: the tree and the
 * corevisor that were built, the QEMU that ran them, the machine and the
 * date.  Two rows that differ in any of these are not the same
 * experiment, and the report must be able to tell.
 */
#include "bench_db.h"
#include "qemu.h"
#include "subproc.h"

#include <git2.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* A copy of s up to its end of line. */
static char *xstrndup_line(const char *s)
{
	size_t n = strcspn(s, "\r\n");
	char *c = xmalloc(n + 1);

	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

static char *utc_now(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

/*
 * Run ids sort in the order the runs started (the report takes the
 * latest): UTC to the millisecond, then the pid, zero-padded.
 */
char *bench_run_id(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%03ldZ-%07d", buf, ts.tv_nsec / 1000000, (int)getpid());
}

char *sha256_file(const char *path)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t len;
	char *data = read_file(path, &len), *out;

	if (!data)
		return NULL;
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) {
		free(data);
		return NULL;
	}
	free(data);
	out = xmalloc(65);
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return out;
}

static void first_line(const char *line, void *arg)
{
	char **out = arg;

	if (!*out && *line)
		*out = xstrdup(line);
}

/* "QEMU emulator version 7.2.x (Debian ...)" -> that line, or NULL. */
static char *qemu_version(void)
{
	const char *argv[] = { QEMU_BIN, "--version", NULL };
	char *line = NULL, *bin = find_program(QEMU_BIN);
	struct subproc sp = { .argv = argv, .log_fd = -1, .on_line = first_line,
			      .arg = &line, .timeout_s = 30 };

	if (!bin)
		return NULL;
	free(bin);
	if (subproc_run(&sp) || sp.exit_code != 0) {
		free(line);
		return NULL;
	}
	return line;
}

/* "nodename (machine, CPU model)": the machine the numbers came from. */
static char *host_name(void)
{
	struct utsname u;
	char *cpuinfo = read_file("/proc/cpuinfo", NULL), *model = NULL, *out;

	if (uname(&u))
		strcpy(u.nodename, "?"), strcpy(u.machine, "?");
	if (cpuinfo) {
		char *m = strstr(cpuinfo, "model name");

		if (m && (m = strchr(m, ':'))) {
			m += 1 + strspn(m + 1, " \t");
			model = xstrndup_line(m);
		}
	}
	out = model ? xasprintf("%s (%s, %s)", u.nodename, u.machine, model)
		    : xasprintf("%s (%s)", u.nodename, u.machine);
	free(model);
	free(cpuinfo);
	return out;
}

/* A key's value in the build's porttool-build.conf (builtin/build.c). */
static char *build_conf(const char *out, const char *key)
{
	char *path = xasprintf("%s/porttool-build.conf", out);
	char *text = read_file(path, NULL), *val = NULL;
	size_t klen = strlen(key);

	free(path);
	for (char *l = text; l && *l;) {
		char *nl = strchr(l, '\n');

		if (!strncmp(l, key, klen) && l[klen] == '=') {
			val = xstrndup_line(l + klen + 1);
			break;
		}
		l = nl ? nl + 1 : NULL;
	}
	free(text);
	return val;
}

/* HEAD of the tree the SeKVM kernel was built from: the port's commit. */
static char *tree_head(const char *src)
{
	git_repository *repo = NULL;
	git_oid oid;
	char buf[GIT_OID_HEXSZ + 1];

	if (!src || git_repository_open_ext(&repo, src, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL))
		return NULL;
	if (git_reference_name_to_id(&oid, repo, "HEAD")) {
		git_repository_free(repo);
		return NULL;
	}
	git_oid_tostr(buf, sizeof(buf), &oid);
	git_repository_free(repo);
	return xstrdup(buf);
}

void bench_meta_fill(struct bench_meta *m, const struct port *p,
		     const char *sekvm_out)
{
	m->date = utc_now();
	m->base_commit = p && p->base_commit ? xstrdup(p->base_commit) : NULL;
	m->qemu_version = qemu_version();
	m->host = host_name();
	if (sekvm_out) {
		char *src = build_conf(sekvm_out, "source");
		char *bin = xasprintf("%s/arch/arm64/kvm/sekvm/corevisor.bin", sekvm_out);

		m->port_commit = tree_head(src);
		m->corevisor_sha256 = sha256_file(bin);
		free(src);
		free(bin);
	}
}

void bench_meta_free(struct bench_meta *m)
{
	free(m->run); free(m->line); free(m->board); free(m->suite);
	free(m->base_commit); free(m->port_commit); free(m->corevisor_sha256);
	free(m->qemu_version); free(m->host); free(m->date); free(m->source);
	memset(m, 0, sizeof(*m));
}
