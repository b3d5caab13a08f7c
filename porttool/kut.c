// SPDX-License-Identifier: GPL-2.0
/*
 * porttool boot VER --kvm-unit-tests DIR: a user's build of
 * kvm-unit-tests (DIR/arm/unittests.cfg and the DIR/arm/NAME.flat images, built for
 * arm64) run as guests of the vmm, once under the SeKVM build and once
 * under the stock-KVM build, and a side-by-side table of the results.
 *
 * The tests are raw images (vmm --raw, entered at the RAM base with the
 * DTB in x0); their arguments travel as the DT's bootargs, as QEMU's
 * -append gives them.  Their exit status is the "EXIT: STATUS=N" line
 * every kvm-unit-tests exit() prints on the PL011 (N = code << 1 | 1, so
 * 1 is a pass, and 77 a skip: report_summary() returns 77 >> 1 when
 * every check was skipped, so that N is autotools' 77): the vmm has no
 * chr-testdev (vmm/README.md).  On SeKVM every image is signed by a
 * fresh VM key, as any image the corevisor runs.
 *
 * init.sh (porttool/qemu/boot/init.sh) runs them when the initramfs holds
 * /kut/tests: one line a test, "NAME FILE SMP ARGS", each output line
 * tagged "KUT NAME: ".
 */
#include "porttool.h"
#include "debfetch.h"
#include "guest_keys.h"
#include "initramfs.h"
#include "kut.h"
#include "subproc.h"
#include "vmm_build.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The QEMU boot has 2 CPUs: kvm-unit-tests' $MAX_SMP there. */
#define KUT_MAX_SMP 2
#define KUT_STATUS_PASS 1
#define KUT_STATUS_SKIP 77	/* exit(38), report_summary()'s "all skipped" */
#define GUEST_RAM_BASE "0x40000000"

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* test_args = 'a b' | "a b" | a b: the words inside the quotes. */
static char *unquote(const char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && (v[0] == '\'' || v[0] == '"') && v[n - 1] == v[0])
		return strndup(v + 1, n - 2);
	return strdup(v);
}

/*
 * smp = 2 | $MAX_SMP | $((($MAX_SMP < 8)?$MAX_SMP:8)): a number, or
 * an expression of $MAX_SMP, which is the boot's CPU count (2) for every
 * form unittests.cfg uses (a cap of 8 or 3 above it, never below).
 */
static int parse_smp(const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*v && !*end && n >= 1 && n <= 8)
		return (int)n;
	if (strstr(v, "MAX_SMP"))
		return KUT_MAX_SMP;
	return -1;
}

static void test_init(struct kut_test *t, const char *name)
{
	memset(t, 0, sizeof(*t));
	t->name = strdup(name);
	t->smp = 1;
	t->args = strdup("");
}

/*
 * Keep the test at the end of l, or drop it: 32-bit only, no file, or a
 * migration test (kvm-unit-tests' migrate() waits for a key on the
 * console once the VMM has migrated the guest; the vmm never does).
 */
static void test_finish(struct kut_list *l)
{
	struct kut_test *t;

	if (!l->n)
		return;
	t = &l->test[l->n - 1];
	if (!t->file || t->arm32_only || t->migration) {
		free(t->name);
		free(t->file);
		free(t->args);
		l->n--;
	}
}

static int set_key(struct kut_test *t, const char *key, const char *val,
		   const char *cfg, int line)
{
	if (!strcmp(key, "file")) {
		free(t->file);
		t->file = strdup(val);
	} else if (!strcmp(key, "smp")) {
		t->smp = parse_smp(val);
		if (t->smp < 0) {
			error("%s:%d: [%s]: cannot read smp = %s", cfg, line,
			      t->name, val);
			return -1;
		}
	} else if (!strcmp(key, "test_args") || !strcmp(key, "extra_params")) {
		/* older trees: extra_params = -append 'ARGS' */
		const char *a = strstr(val, "-append ");

		if (!strcmp(key, "extra_params") && !a)
			return 0;
		free(t->args);
		t->args = unquote(a ? trim((char *)a + 8) : val);
	} else if (!strcmp(key, "arch")) {
		t->arm32_only = !strcmp(val, "arm");
	} else if (!strcmp(key, "groups")) {
		t->migration = strstr(val, "migration") != NULL;
	}
	return 0;
}

int kut_parse(const char *dir, struct kut_list *l)
{
	char *cfg = xasprintf("%s/arm/unittests.cfg", dir);
	char *text = read_file(cfg, NULL), *ln, *next;
	int line = 0, ret = 0;

	memset(l, 0, sizeof(*l));
	if (!text) {
		error("cannot read %s: %s (is %s a kvm-unit-tests tree?)", cfg,
		      strerror(errno), dir);
		free(cfg);
		return -1;
	}
	for (ln = text; ln && !ret; ln = next) {
		char *s, *eq;

		next = strchr(ln, '\n');
		if (next)
			*next++ = '\0';
		s = trim(ln);
		line++;
		if (!*s || *s == '#')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			test_finish(l);
			if (!end || l->n == KUT_MAX_TESTS) {
				error("%s:%d: %s", cfg, line, end ? "too many tests" :
				      "a section name without ']'");
				ret = -1;
				break;
			}
			*end = '\0';
			test_init(&l->test[l->n++], s + 1);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq || !l->n)
			continue;	/* not a key of a test: ignored */
		*eq = '\0';
		ret = set_key(&l->test[l->n - 1], trim(s), trim(eq + 1), cfg, line);
	}
	if (!ret)
		test_finish(l);
	free(text);
	free(cfg);
	if (!ret && !l->n) {
		error("%s/arm/unittests.cfg names no arm64 test", dir);
		ret = -1;
	}
	return ret;
}

void kut_free(struct kut_list *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->test[i].name);
		free(l->test[i].file);
		free(l->test[i].args);
	}
	l->n = 0;
}

/* ---- the initramfs ---- */

/* Every file the tests name exists as DIR/arm/FILE. */
int kut_check_files(const char *dir, const struct kut_list *l)
{
	for (int i = 0; i < l->n; i++) {
		char *path = xasprintf("%s/arm/%s", dir, l->test[i].file);
		bool ok = is_file(path);

		if (!ok)
			error("%s: no such file (test %s): build kvm-unit-tests for "
			      "arm64 first (./configure --arch=arm64 --cross-prefix="
			      "aarch64-linux-gnu- && make)", path, l->test[i].name);
		free(path);
		if (!ok)
			return -1;
	}
	return 0;
}

/* /kut/tests: "NAME FILE SMP ARGS" a line (init.sh reads it). */
static char *tests_file(const struct kut_list *l)
{
	size_t cap = 256, len = 0;
	char *buf = xmalloc(cap);

	buf[0] = '\0';
	for (int i = 0; i < l->n; i++) {
		const struct kut_test *t = &l->test[i];
		char *line = xasprintf("%s %s %d %s\n", t->name, t->file, t->smp,
				       t->args);
		size_t n = strlen(line);

		while (len + n + 1 > cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + len, line, n + 1);
		len += n;
		free(line);
	}
	return buf;
}

static bool seen_before(const struct kut_list *l, int i)
{
	for (int j = 0; j < i; j++)
		if (!strcmp(l->test[j].file, l->test[i].file))
			return true;
	return false;
}

/*
 * SeKVM: a fresh key in bootdir and every image signed by it at the RAM
 * base, where vmm --raw loads it.  NULL or why not (allocated).
 */
static char *sign_all(const char *project_dir, const char *bootdir,
		      const char *dir, const struct kut_list *l)
{
	char *key = xasprintf("%s/kut.key", bootdir);
	char *pub = xasprintf("%s/kut.pub", bootdir);
	const char *keygen[] = { "keygen", key, pub, NULL };
	char *why = sekvm_sign(project_dir, keygen);

	for (int i = 0; !why && i < l->n; i++) {
		char *img, *sig;

		if (seen_before(l, i))
			continue;
		img = xasprintf("%s/arm/%s", dir, l->test[i].file);
		sig = xasprintf("%s/%s.sig", bootdir, l->test[i].file);
		const char *sign[] = { "sign", "--ipa", GUEST_RAM_BASE, key, img,
				       sig, NULL };
		why = sekvm_sign(project_dir, sign);
		free(img);
		free(sig);
	}
	free(key);
	free(pub);
	return why;
}

static int add_tests(struct cpio *c, const char *bootdir, const char *dir,
		     const struct kut_list *l, bool sekvm)
{
	char *list = tests_file(l);
	int ret = cpio_add_dir(c, "kut") ||
		  cpio_add_file(c, "kut/tests", 0644, list, strlen(list));

	free(list);
	if (!ret && sekvm) {
		char *pub = xasprintf("%s/kut.pub", bootdir);

		ret = cpio_add_copy(c, "kut/vm.pub", 0644, pub);
		free(pub);
	}
	for (int i = 0; !ret && i < l->n; i++) {
		char *img, *name;

		if (seen_before(l, i))
			continue;
		img = xasprintf("%s/arm/%s", dir, l->test[i].file);
		name = xasprintf("kut/%s", l->test[i].file);
		ret = cpio_add_copy(c, name, 0644, img);
		free(img);
		free(name);
		if (!ret && sekvm) {
			char *sig = xasprintf("%s/%s.sig", bootdir, l->test[i].file);

			name = xasprintf("kut/%s.sig", l->test[i].file);
			ret = cpio_add_copy(c, name, 0644, sig);
			free(sig);
			free(name);
		}
	}
	return ret ? -1 : 0;
}

int kut_make_initramfs(const char *project_dir, const char *bootdir,
		       const char *dir, const struct kut_list *l, bool sekvm,
		       const char *path)
{
	char *init = xasprintf("%s/porttool/qemu/boot/init.sh", project_dir);
	char *vmm = vmm_build(project_dir, "vmm");
	char *busybox = NULL, *why = NULL;
	struct cpio *c = NULL;
	int ret = -1;

	if (!vmm || fetch_arm64_busybox(&busybox))
		goto out;
	if (sekvm) {
		why = sign_all(project_dir, bootdir, dir, l);
		if (why) {
			error("cannot sign the kvm-unit-tests images: %s", why);
			goto out;
		}
	}
	c = cpio_create(path);
	if (!c)
		goto out;
	if (cpio_add_dir(c, "bin") || cpio_add_dir(c, "dev") ||
	    cpio_add_dir(c, "proc") || cpio_add_dir(c, "sys") ||
	    cpio_add_dir(c, "tmp") ||
	    cpio_add_chardev(c, "dev/console", 0600, 5, 1) ||
	    cpio_add_chardev(c, "dev/null", 0666, 1, 3) ||
	    cpio_add_copy(c, "bin/busybox", 0755, busybox) ||
	    cpio_add_symlink(c, "bin/sh", "busybox") ||
	    cpio_add_copy(c, "init", 0755, init) ||
	    cpio_add_copy(c, "bin/vmm", 0755, vmm) ||
	    add_tests(c, bootdir, dir, l, sekvm)) {
		cpio_finish(c);
		unlink(path);
		goto out;
	}
	ret = cpio_finish(c);
out:
	free(init);
	free(vmm);
	free(busybox);
	free(why);
	return ret;
}

/* ---- results ---- */

/*
 * What test t did in a boot's serial log: "PASS", "SKIP", "FAIL", or why
 * it gave no status, into res; detail gets kvm-unit-tests' SUMMARY line.
 */
void kut_result(const char *log, const struct kut_test *t, char *res,
		size_t size, char *detail, size_t dsize)
{
	char *tag = xasprintf("KUT %s: ", t->name);
	const char *p, *status = NULL, *summary = NULL, *vmm_exit = NULL;
	size_t n = strlen(tag);

	detail[0] = '\0';
	for (p = log; log && (p = strstr(p, tag)); p += n) {
		if (p != log && p[-1] != '\n')
			continue;
		if (!strncmp(p + n, "EXIT: STATUS=", 13))
			status = p + n + 13;
		else if (!strncmp(p + n, "SUMMARY: ", 9))
			summary = p + n + 9;
		else if (!strncmp(p + n, "vmm exit ", 9))
			vmm_exit = p + n + 9;
	}
	if (summary)
		snprintf(detail, dsize, "%.*s", (int)strcspn(summary, "\r\n"),
			 summary);
	if (status) {
		int st = atoi(status);

		snprintf(res, size, "%s", st == KUT_STATUS_PASS ? "PASS" :
			 st == KUT_STATUS_SKIP ? "SKIP" : "FAIL");
	} else if (vmm_exit) {
		snprintf(res, size, "no status (vmm exit %.*s)",
			 (int)strcspn(vmm_exit, "\r\n"), vmm_exit);
	} else {
		snprintf(res, size, "did not run");
	}
	free(tag);
}
