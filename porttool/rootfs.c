// SPDX-License-Identifier: GPL-2.0
/*
 * The application workloads' root filesystem: Debian's arm64 packages,
 * unpacked without running anything of theirs, as an ext4 image.
 *
 *  1. apt-get resolves the packages' dependency closure through porttool's
 *     private apt directory (debfetch.c: arm64, its own lists and an empty
 *     dpkg status, so every dependency is "not installed"), simulating the
 *     install: "Inst NAME (VERSION ...)" lines name every package.
 *  2. The image's name in the cache is a hash of those names and versions
 *     and of porttool/qemu/rootfs/ (the /init and the workloads' files laid
 *     over the packages), so an unchanged list is built once.
 *  3. apt-get downloads the .debs; dpkg-deb -x unpacks each in name order
 *     (no maintainer scripts: /init does at boot what they would do), the
 *     documentation is dropped and the overlay copied on top.
 *  4. mke2fs -d packs the tree without root or loop devices.  The image is
 *     reproducible: every time in it is ROOTFS_EPOCH (mke2fs's fake time,
 *     utimensat on the tree, debugfs for the change and access times
 *     mke2fs copies from the host), the UUID and directory hash seed are fixed,
 *     and the size and inode count follow from the tree alone.  debugfs
 *     also adds /dev/console, which the kernel opens for init's output
 *     before devtmpfs is mounted, and e2fsck checks the result.
 */
#include "rootfs.h"
#include "debfetch.h"
#include "sbuf.h"
#include "subproc.h"
#include "tempdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 2023-11-14 22:13:20 UTC: any fixed time will do. */
#define ROOTFS_EPOCH 1700000000L
#define ROOTFS_UUID "5e4b7f00-0000-4000-8000-000000000019"
/* Bump when what this file puts in the image changes. */
#define ROOTFS_FORMAT "porttool-rootfs 2"

const char *const rootfs_default_packages[] = {
	"busybox-static",
	"rt-tests",			/* hackbench */
	"redis-server", "redis-tools",	/* redis-benchmark */
	"memcached", "libmemcached-tools",	/* memcaslap (memaslap) */
	"apache2", "apache2-utils",	/* ab */
	"mariadb-server", "mariadb-client", "sysbench",
	"gcc", "make", "libc6-dev",	/* the kernel-build-like job */
	"dropbear-bin",
	"haveged",	/* seeds a pre-5.6 guest kernel's entropy (rootfs/init) */
	NULL,
};

/*
 * The clients' side of the workloads (lib.sh's client_*), for a board
 * that drives its guest's servers from its own user space (porttool
 * bench --target, apps-host-init.sh): a few MiB beside the servers' image.
 */
const char *const rootfs_client_packages[] = {
	"busybox-static",
	"redis-tools",		/* redis-benchmark */
	"libmemcached-tools",	/* memcaslap */
	"apache2-utils",	/* ab */
	"sysbench",
	NULL,
};

/* Left out of the image: nothing in it reads them. */
static const char *const trimmed[] = {
	"usr/share/doc", "usr/share/man", "usr/share/info",
	"usr/share/locale", "usr/share/lintian", NULL,
};

struct deb {
	char *name, *version;
};

struct debs {
	struct deb *v;
	size_t n;
};

static void debs_free(struct debs *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].version);
	}
	free(d->v);
}

static int deb_cmp(const void *a, const void *b)
{
	return strcmp(((const struct deb *)a)->name, ((const struct deb *)b)->name);
}

/* ---- resolving ---- */

/*
 * A package apt does not know is the user's mistake: name it, as apt's
 * own lines do ("E: Unable to locate package X", "E: Package 'X' has no
 * installation candidate").
 */
static void explain_apt_failure(const char *out)
{
	bool named = false;

	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t len = strcspn(p, "\n");

		if (!strncmp(p, "E: ", 3)) {
			error("rootfs: %.*s (Debian's arm64 archive, as apt resolves it)",
			      (int)(len - 3), p + 3);
			named = true;
		}
	}
	if (!named)
		error("rootfs: apt-get could not resolve the packages:\n%s", out);
}

static int parse_inst(const char *out, struct debs *d)
{
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *name, *ver;
		size_t nlen, vlen;

		if (strncmp(p, "Inst ", 5))
			continue;
		name = p + 5;
		nlen = strcspn(name, " \n");
		ver = strstr(name, " (");
		if (!ver || ver > name + strcspn(name, "\n")) {
			error("rootfs: cannot read apt's line '%.*s'",
			      (int)strcspn(p, "\n"), p);
			return -1;
		}
		ver += 2;
		vlen = strcspn(ver, " )\n");
		d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
		d->v[d->n].name = strndup(name, nlen);
		d->v[d->n].version = strndup(ver, vlen);
		d->n++;
	}
	if (!d->n) {
		error("rootfs: apt-get named no package to install");
		return -1;
	}
	qsort(d->v, d->n, sizeof(*d->v), deb_cmp);
	return 0;
}

static int apt_install(const char *apt, const struct strlist *pkgs,
		       const char *mode, struct sbuf *out)
{
	const char **args = xcalloc(pkgs->n + 6, sizeof(*args));
	size_t n = 0;
	int rc;

	args[n++] = "install";
	args[n++] = mode;
	args[n++] = "-y";
	args[n++] = "--no-install-recommends";
	for (size_t i = 0; i < pkgs->n; i++)
		args[n++] = pkgs->items[i];
	rc = debfetch_apt(apt, args, NULL, out);
	free(args);
	return rc;
}

static int resolve(const char *apt, const struct strlist *pkgs, struct debs *d)
{
	struct sbuf out = { 0 };
	int rc, ret = -1;

	for (size_t i = 0; i < pkgs->n; i++)
		if (!pkgs->items[i][0] || pkgs->items[i][0] == '-') {
			error("rootfs: '%s' is not a package name", pkgs->items[i]);
			return -1;
		}
	rc = apt_install(apt, pkgs, "-s", &out);
	if (rc > 0)
		explain_apt_failure(out.buf);
	else if (!rc)
		ret = parse_inst(out.buf, d);
	sbuf_free(&out);
	return ret;
}

/* ---- the cache key ---- */

static int hash_overlay_file(const char *path, const char *rel,
			     const struct stat *st, void *arg)
{
	struct sbuf *key = arg;
	size_t len = 0;
	char *data;

	sbuf_addf(key, "%s %o\n", rel, (unsigned)st->st_mode);
	if (!S_ISREG(st->st_mode))
		return 0;
	data = read_file(path, &len);
	if (!data) {
		error("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	sbuf_add(key, data, len);
	free(data);
	return 0;
}

static char *cache_key(const struct debs *d, const char *overlay)
{
	struct sbuf key = { 0 };
	char hex[65];

	sbuf_puts(&key, ROOTFS_FORMAT "\n");
	for (size_t i = 0; i < d->n; i++)
		sbuf_addf(&key, "%s %s\n", d->v[i].name, d->v[i].version);
	if (walk_sorted(overlay, NULL, hash_overlay_file, &key)) {
		sbuf_free(&key);
		return NULL;
	}
	sha256_hex(key.buf, key.len, hex);
	sbuf_free(&key);
	hex[16] = '\0';
	return xstrdup(hex);
}

/* ---- unpacking ---- */

/* apt names a file NAME_VERSION_ARCH.deb, the epoch's ':' as "%3a". */
static char *deb_path(const char *archives, const struct deb *d)
{
	struct sbuf prefix = { 0 };
	struct dirent *e;
	DIR *dir;
	char *found = NULL;

	sbuf_addf(&prefix, "%s_", d->name);
	for (const char *v = d->version; *v; v++)
		if (*v == ':')
			sbuf_puts(&prefix, "%3a");
		else
			sbuf_add(&prefix, v, 1);
	sbuf_puts(&prefix, "_");
	dir = opendir(archives);
	while (dir && !found && (e = readdir(dir)))
		if (!strncmp(e->d_name, prefix.buf, prefix.len) &&
		    strlen(e->d_name) > 4 &&
		    !strcmp(e->d_name + strlen(e->d_name) - 4, ".deb"))
			found = xasprintf("%s/%s", archives, e->d_name);
	if (dir)
		closedir(dir);
	if (!found)
		error("rootfs: apt-get left no %s*.deb in %s", prefix.buf, archives);
	sbuf_free(&prefix);
	return found;
}

static int unpack(const char *apt, const struct debs *d, const char *root)
{
	char *archives = xasprintf("%s/cache/archives", apt);
	int ret = 0;

	info("rootfs: unpacking %zu packages", d->n);
	for (size_t i = 0; i < d->n && !ret; i++) {
		char *deb = deb_path(archives, &d->v[i]);

		ret = deb ? debfetch_extract(deb, root) : -1;
		free(deb);
		if (!ret && interrupted())
			ret = -1;
	}
	for (const char *const *t = trimmed; *t && !ret; t++) {
		char *p = xasprintf("%s/%s", root, *t);

		ret = remove_tree(p);
		free(p);
	}
	free(archives);
	return ret;
}

static int copy_overlay_file(const char *path, const char *rel,
			     const struct stat *st, void *arg)
{
	char *dest = xasprintf("%s/%s", (const char *)arg, rel);
	int ret = 0;

	if (S_ISDIR(st->st_mode)) {
		if (mkdir_p(dest)) {
			error("cannot create %s: %s", dest, strerror(errno));
			ret = -1;
		}
	} else if (S_ISREG(st->st_mode)) {
		unlink(dest);
		if (copy_file(path, dest) ||
		    chmod(dest, st->st_mode & 0111 ? 0755 : 0644)) {
			error("cannot copy %s to %s: %s", path, dest, strerror(errno));
			ret = -1;
		}
	} else {
		error("rootfs: %s is neither a file nor a directory", path);
		ret = -1;
	}
	free(dest);
	return ret;
}

/*
 * What dpkg's maintainer scripts and Debian's essential packages would
 * have made: a shell (busybox's), /sbin/init, mount points.
 */
static int finish_tree(const char *root, const char *overlay)
{
	static const char *const dirs[] = {
		"bin", "sbin", "proc", "sys", "dev", "tmp", "run", "mnt", "root",
		"var/tmp", "var/log", "var/lib/mysql", "var/lib/redis",
		NULL,
	};
	static const char *const links[][2] = {
		{ "bin/sh", "busybox" }, { "sbin/init", "/init" }, { NULL, NULL },
	};
	int ret = walk_sorted(overlay, NULL, copy_overlay_file, (void *)root);

	for (const char *const *d = dirs; *d && !ret; d++) {
		char *p = xasprintf("%s/%s", root, *d);

		if (mkdir_p(p)) {
			error("cannot create %s: %s", p, strerror(errno));
			ret = -1;
		}
		free(p);
	}
	for (int i = 0; links[i][0] && !ret; i++) {
		char *p = xasprintf("%s/%s", root, links[i][0]);
		struct stat st;

		if (lstat(p, &st) && symlink(links[i][1], p)) {
			error("cannot create %s: %s", p, strerror(errno));
			ret = -1;
		}
		free(p);
	}
	return ret;
}

/* ---- packing ---- */

struct pack {
	unsigned long long bytes, inodes;
	struct sbuf debugfs;	/* the script that fixes the change times */
	bool warned;
};

static int fix_entry(const char *path, const char *rel, const struct stat *st,
		     void *arg)
{
	struct pack *pk = arg;
	struct timespec ts[2] = { { ROOTFS_EPOCH, 0 }, { ROOTFS_EPOCH, 0 } };

	if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW)) {
		error("cannot set the times of %s: %s", path, strerror(errno));
		return -1;
	}
	pk->bytes += (unsigned long long)st->st_blocks * 512 + 4096;
	pk->inodes++;
	/* debugfs reads a quoted name up to the next '"'. */
	if (strpbrk(rel, "\"\n\\")) {
		if (!pk->warned)
			warning("rootfs: %s keeps its change time: debugfs "
				"cannot name it (the image is not reproducible)", rel);
		pk->warned = true;
		return 0;
	}
	/* mke2fs's own reads may have moved the access time (relatime). */
	sbuf_addf(&pk->debugfs, "sif \"/%s\" ctime @%ld\nsif \"/%s\" atime @%ld\n",
		  rel, ROOTFS_EPOCH, rel, ROOTFS_EPOCH);
	return 0;
}

static int run_tool(const char *const argv[])
{
	struct subproc sp = { .argv = argv, .log_fd = -1, .echo = true,
			      .timeout_s = 1800 };

	if (subproc_run(&sp))
		return -1;
	if (sp.exit_code) {
		error("rootfs: %s failed (exit %d%s)", argv[1], sp.exit_code,
		      sp.timed_out ? ", timed out" : "");
		return -1;
	}
	return 0;
}

/* Whether the line at p (up to its newline) contains s. */
static bool line_has(const char *p, const char *s)
{
	const char *hit = strstr(p, s);

	return hit && hit < p + strcspn(p, "\n");
}

/*
 * debugfs exits 0 whatever its commands did: any line but its echo of a
 * command, mknod's "Allocated inode" and a line containing harmless (when
 * not NULL) is an error.
 */
static int run_debugfs(const char *const argv[], const char *harmless)
{
	struct sbuf out = { 0 };
	int rc = subproc_simple(NULL, argv, &out), ret = rc ? -1 : 0;

	for (const char *p = out.buf; p && *p && !ret;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, "debugfs", 7) && strncmp(p, "Allocated inode", 15) &&
		    *p != '\n' && !(harmless && line_has(p, harmless))) {
			error("rootfs: debugfs: %.*s", (int)strcspn(p, "\n"), p);
			ret = -1;
		}
	if (rc)
		error("rootfs: debugfs failed (exit %d)", rc);
	sbuf_free(&out);
	return ret;
}

static int pack(const char *root, const char *image)
{
	struct pack pk = { 0 };
	char *fake = xasprintf("E2FSPROGS_FAKE_TIME=%ld", ROOTFS_EPOCH);
	char *script = xasprintf("%s.debugfs", image), *size = NULL, *inodes = NULL;
	int ret = -1;

	if (walk_sorted(root, NULL, fix_entry, &pk))
		goto out;
	/* debugfs's mknod makes its name in the current directory. */
	sbuf_addf(&pk.debugfs, "cd /dev\nmknod console c 5 1\ncd /\n"
		  "sif /dev/console mode 020600\n"
		  "sif /dev/console ctime @%ld\n", ROOTFS_EPOCH);
	if (write_file(script, pk.debugfs.buf, pk.debugfs.len)) {
		error("cannot write %s: %s", script, strerror(errno));
		goto out;
	}
	/* A quarter free, for the workloads' files and logs. */
	size = xasprintf("%lluk", (pk.bytes + pk.bytes / 4) / 1024 / 1024 * 1024 + 65536);
	inodes = xasprintf("%llu", pk.inodes + pk.inodes / 4 + 1024);
	info("rootfs: mke2fs -d: %llu files, %s", pk.inodes, size);
	{
		const char *mke2fs[] = {
			"env", fake, "mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096",
			"-I", "256", "-m", "0", "-N", inodes, "-L", "sekvm-rootfs",
			"-U", ROOTFS_UUID,
			"-E", "hash_seed=" ROOTFS_UUID ",root_owner=0:0",
			"-d", root, image, size, NULL,
		};
		const char *debugfs[] = { "env", fake, "debugfs", "-w", "-f",
					  script, image, NULL };
		const char *fsck[] = { "env", fake, "e2fsck", "-f", "-n", image, NULL };

		if (run_tool(mke2fs))
			goto out;
		info("rootfs: debugfs: fixing %llu change times", pk.inodes);
		if (run_debugfs(debugfs, NULL))
			goto out;
		if (run_tool(fsck))
			goto out;
	}
	ret = 0;
out:
	unlink(script);
	sbuf_free(&pk.debugfs);
	free(fake);
	free(script);
	free(size);
	free(inodes);
	return ret;
}

int rootfs_extract(const char *image, const char *dir)
{
	const char *argv[] = { "debugfs", "-R", NULL, image, NULL };
	char *cmd = xasprintf("rdump / \"%s\"", dir);
	int ret;

	if (strchr(dir, '"')) {
		error("rootfs: cannot unpack into %s: debugfs cannot name a '\"'", dir);
		free(cmd);
		return -1;
	}
	if (remove_tree(dir) || mkdir_p(dir)) {
		error("cannot create %s: %s", dir, strerror(errno));
		free(cmd);
		return -1;
	}
	argv[2] = cmd;
	/*
	 * Not root here, rdump cannot give the files root's ownership; no
	 * matter: what reads the tree (cpio_add_tree) stores every file as
	 * root's.
	 */
	ret = run_debugfs(argv, "while changing ownership");
	free(cmd);
	return ret;
}

/* ---- the whole build ---- */

static int write_manifest(const char *path, const struct debs *d)
{
	struct sbuf m = { 0 };
	int ret = 0;

	for (size_t i = 0; i < d->n; i++)
		sbuf_addf(&m, "%s %s\n", d->v[i].name, d->v[i].version);
	if (write_file(path, m.buf, m.len)) {
		error("cannot write %s: %s", path, strerror(errno));
		ret = -1;
	}
	sbuf_free(&m);
	return ret;
}

static int build_image(const char *apt, const struct strlist *pkgs,
		       const struct debs *d, const char *overlay,
		       const char *image)
{
	char *tmp = temp_dir_next_to(image), *root = NULL, *img = NULL;
	char *manifest = xasprintf("%s.packages", image);
	int ret = -1;

	if (!tmp)
		goto out;
	root = xasprintf("%s/root", tmp);
	img = xasprintf("%s/image.ext4", tmp);
	if (apt_install(apt, pkgs, "--download-only", NULL)) {
		error("rootfs: apt-get could not download the packages");
		goto out;
	}
	if (mkdir_p(root) || unpack(apt, d, root) || finish_tree(root, overlay) ||
	    pack(root, img) || write_manifest(manifest, d))
		goto out;
	if (rename(img, image)) {
		error("cannot move %s to %s: %s", img, image, strerror(errno));
		unlink(manifest);
		goto out;
	}
	ret = 0;
out:
	if (tmp)
		remove_tree(tmp);
	free(tmp);
	free(root);
	free(img);
	free(manifest);
	return ret;
}

int rootfs_build(const char *project_dir, const struct strlist *packages,
		 bool update, char **image)
{
	char *cache = cache_dir();
	char *apt = xasprintf("%s/apt-arm64", cache);
	char *dir = xasprintf("%s/rootfs", cache);
	char *overlay = xasprintf("%s/porttool/qemu/rootfs", project_dir);
	char *key = NULL, *path = NULL;
	struct debs d = { 0 };
	int ret = -1;

	if (!is_dir(overlay)) {
		error("rootfs: no %s (the /init and the workloads' files)", overlay);
		goto out;
	}
	if (debfetch_prepare(apt, update) || resolve(apt, packages, &d))
		goto out;
	key = cache_key(&d, overlay);
	if (!key)
		goto out;
	path = xasprintf("%s/%s.ext4", dir, key);
	if (is_file(path)) {
		info("rootfs: %zu packages, cached", d.n);
	} else {
		if (mkdir_p(dir)) {
			error("cannot create %s: %s", dir, strerror(errno));
			goto out;
		}
		info("rootfs: %zu packages, building %s", d.n, path);
		if (build_image(apt, packages, &d, overlay, path))
			goto out;
	}
	*image = path;
	path = NULL;
	ret = 0;
out:
	debs_free(&d);
	free(cache);
	free(apt);
	free(dir);
	free(overlay);
	free(key);
	free(path);
	return ret;
}
