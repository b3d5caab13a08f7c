// SPDX-License-Identifier: GPL-2.0
/*
 * Debian's arm64 busybox-static, for the boot initramfs.
 *
 * apt-get downloads it through a private apt directory under the cache
 * (its own sources.list, lists, package cache and an empty dpkg status),
 * with APT::Architecture=arm64, so the machine's apt state is untouched and
 * no root-owned multiarch setup is needed.  The mirror is whatever the
 * machine's apt configuration uses for its own release (apt_find_archive).
 * dpkg-deb extracts the package; the binary is checked with libelf to be
 * a static aarch64 executable before it is used.
 */
#include "debfetch.h"
#include "sbuf.h"
#include "elfcheck.h"
#include "subproc.h"
#include "tree.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUSYBOX_PACKAGE "busybox-static"
#define APT_TIMEOUT_S 600

static char *machine_release(void)
{
	char *buf = read_file("/etc/os-release", NULL), *r = NULL;

	for (char *p = buf; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, "VERSION_CODENAME=", 17)) {
			r = strndup(p + 17, strcspn(p + 17, "\n\"'"));
			break;
		}
	free(buf);
	if (!r || !*r) {
		free(r);
		error("cannot tell this machine's Debian release: no "
		      "VERSION_CODENAME in /etc/os-release");
		return NULL;
	}
	return r;
}

/* <apt>/sources.list: the machine's mirror for its release, arm64 only. */
static int write_sources(const char *apt)
{
	char *release = machine_release(), *uri = NULL, *key = NULL;
	char *path = xasprintf("%s/sources.list", apt), *text = NULL;
	int ret = -1;

	if (!release || apt_find_archive(release, &uri, &key))
		goto out;
	text = key ? xasprintf("deb [arch=arm64 signed-by=%s] %s %s main\n", key, uri, release)
		   : xasprintf("deb [arch=arm64] %s %s main\n", uri, release);
	if (write_file(path, text, strlen(text))) {
		error("cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(release);
	free(uri);
	free(key);
	free(path);
	free(text);
	return ret;
}

static int make_apt_dirs(const char *apt)
{
	const char *sub[] = { "lists/partial", "cache/archives/partial",
			      "sources.list.d", "debs", NULL };
	char *status = xasprintf("%s/status", apt);
	int ret = 0;

	for (const char **s = sub; *s && !ret; s++) {
		char *d = xasprintf("%s/%s", apt, *s);

		if (mkdir_p(d)) {
			error("cannot create %s: %s", d, strerror(errno));
			ret = -1;
		}
		free(d);
	}
	if (!ret && !is_file(status) && write_file(status, "", 0)) {
		error("cannot create %s: %s", status, strerror(errno));
		ret = -1;
	}
	free(status);
	return ret;
}

/* Whether an apt-get update has left an index of packages in lists/. */
static bool has_packages_file(const char *lists)
{
	DIR *d = opendir(lists);
	struct dirent *e;
	bool found = false;

	while (d && !found && (e = readdir(d)))
		found = strstr(e->d_name, "_Packages") != NULL;
	if (d)
		closedir(d);
	return found;
}

static void capture_line(const char *line, void *arg)
{
	struct sbuf *out = arg;

	sbuf_puts(out, line);
	sbuf_puts(out, "\n");
}

int debfetch_apt(const char *apt, const char *const *args, const char *cwd,
		 struct sbuf *out)
{
	char *o[6] = {
		xasprintf("Dir::Etc::SourceList=%s/sources.list", apt),
		xasprintf("Dir::Etc::SourceParts=%s/sources.list.d", apt),
		xasprintf("Dir::State::Lists=%s/lists", apt),
		xasprintf("Dir::Cache=%s/cache", apt),
		xasprintf("Dir::State::status=%s/status", apt),
		NULL,
	};
	const char *fixed[] = {
		"apt-get", "-q", "-o", o[0], "-o", o[1], "-o", o[2], "-o", o[3],
		"-o", o[4], "-o", "APT::Architecture=arm64",
		"-o", "APT::Architectures::=arm64",
		"-o", "APT::Sandbox::User=root",
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]), n = 0;
	const char **argv;
	struct subproc sp = { .log_fd = -1, .echo = !out, .cwd = cwd,
			      .timeout_s = APT_TIMEOUT_S };
	int ret = -1;

	while (args[n])
		n++;
	argv = xcalloc(nfixed + n + 1, sizeof(*argv));
	memcpy(argv, fixed, sizeof(fixed));
	memcpy(argv + nfixed, args, n * sizeof(*argv));
	sp.argv = argv;
	if (out) {
		sp.on_line = capture_line;
		sp.arg = out;
	}
	info("apt-get %s (arm64, private lists in %s)", args[0], apt);
	if (!subproc_run(&sp))
		ret = sp.timed_out ? -1 : sp.exit_code;
	if (sp.timed_out)
		error("apt-get %s timed out after %d s", args[0], APT_TIMEOUT_S);
	free(argv);
	for (int i = 0; o[i]; i++)
		free(o[i]);
	return ret;
}

/* apt-get WHAT [ARG] that must succeed, its output on our stderr. */
static int run_apt(const char *apt, const char *what, const char *arg,
		   const char *cwd)
{
	const char *args[] = { what, arg, NULL };
	int rc = debfetch_apt(apt, args, cwd, NULL);

	if (rc > 0)
		error("apt-get %s failed (exit %d)", what, rc);
	return rc ? -1 : 0;
}

int debfetch_prepare(const char *apt, bool update)
{
	char *lists = xasprintf("%s/lists", apt);
	int ret = make_apt_dirs(apt) || write_sources(apt) ? -1 : 0;

	if (!ret && (update || !has_packages_file(lists)))
		ret = run_apt(apt, "update", NULL, NULL);
	free(lists);
	return ret;
}

static char *find_deb(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL;

	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, BUSYBOX_PACKAGE "_", strlen(BUSYBOX_PACKAGE) + 1) &&
		    strstr(e->d_name, "_arm64.deb")) {
			free(found);
			found = xasprintf("%s/%s", dir, e->d_name);
		}
	if (d)
		closedir(d);
	return found;
}

int debfetch_extract(const char *deb, const char *dest)
{
	const char *argv[] = { "dpkg-deb", "-x", deb, dest, NULL };
	struct subproc sp = { .argv = argv, .log_fd = -1, .echo = true,
			      .timeout_s = 120 };

	if (mkdir_p(dest)) {
		error("cannot create %s: %s", dest, strerror(errno));
		return -1;
	}
	if (subproc_run(&sp))
		return -1;
	if (sp.exit_code) {
		error("dpkg-deb -x %s failed (exit %d)", deb, sp.exit_code);
		return -1;
	}
	return 0;
}

/* Only a static aarch64 ELF executable can be /bin/busybox of the guest. */
static int check_busybox(const char *path)
{
	struct elf_file *ef = elf_file_open(path);
	int ret = -1;

	if (!ef)
		return -1;
	if (elf_file_machine(ef) != EM_AARCH64)
		error("%s is not an aarch64 executable (e_machine %d)", path,
		      elf_file_machine(ef));
	else if (elf_file_has_interp(ef))
		error("%s is dynamically linked; the initramfs needs it static",
		      path);
	else
		ret = 0;
	elf_file_close(ef);
	return ret;
}

static int download_busybox(const char *apt, const char *root)
{
	char *debs = xasprintf("%s/debs", apt), *deb = NULL;
	int ret = -1;

	if (make_apt_dirs(apt) || write_sources(apt) ||
	    run_apt(apt, "update", NULL, NULL) ||
	    run_apt(apt, "download", BUSYBOX_PACKAGE, debs))
		goto out;
	deb = find_deb(debs);
	if (!deb) {
		error("apt-get download left no %s_*_arm64.deb in %s",
		      BUSYBOX_PACKAGE, debs);
		goto out;
	}
	ret = debfetch_extract(deb, root);
out:
	free(debs);
	free(deb);
	return ret;
}

int fetch_arm64_busybox(char **path)
{
	char *cache = cache_dir();
	char *apt = xasprintf("%s/apt-arm64", cache);
	char *root = xasprintf("%s/busybox-arm64", cache);
	char *bin = xasprintf("%s/bin/busybox", root);
	int ret = -1;

	if (!is_file(bin) && download_busybox(apt, root))
		goto out;
	if (!is_file(bin)) {
		error("%s has no bin/busybox", root);
		goto out;
	}
	if (check_busybox(bin))
		goto out;
	*path = bin;
	bin = NULL;
	ret = 0;
out:
	free(cache);
	free(apt);
	free(root);
	free(bin);
	return ret;
}
