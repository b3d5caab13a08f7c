// SPDX-License-Identifier: GPL-2.0
/*
 * A cpio "newc" archive writer, for the boot initramfs.
 *
 * The kernel unpacks newc (magic 070701): a 110-byte ASCII header of
 * thirteen 8-digit hex fields, the NUL-terminated name, padding to 4
 * bytes, the data, padding to 4 bytes; "TRAILER!!!" ends the archive.
 * Writing it here lets the archive hold /dev/console as a character device
 * without root, which the kernel needs to open the console for /init.
 */
#include "guest_keys.h"
#include "initramfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct cpio {
	FILE *f;
	char *path;
	unsigned ino;
	int failed;
};

/* cpio_add_tree's walk: the archive and the name it stores the tree as. */
struct cpio_tree {
	struct cpio *c;
	const char *prefix;
};

struct cpio *cpio_create(const char *path)
{
	struct cpio *c = xcalloc(1, sizeof(*c));

	c->f = fopen(path, "wb");
	if (!c->f) {
		error("cannot create %s: %s", path, strerror(errno));
		free(c);
		return NULL;
	}
	c->path = xstrdup(path);
	c->ino = 721;	/* any start; inodes only need to differ */
	return c;
}

static void pad4(struct cpio *c)
{
	static const char zeros[4];
	long pos = ftell(c->f);

	if (pos > 0 && pos % 4)
		fwrite(zeros, 1, (size_t)(4 - pos % 4), c->f);
}

static int add_entry(struct cpio *c, const char *name, unsigned mode,
		     unsigned rmajor, unsigned rminor,
		     const void *data, size_t len)
{
	size_t namesize = strlen(name) + 1;

	fprintf(c->f, "070701%08X%08X%08X%08X%08X%08X%08lX%08X%08X%08X%08X%08zX%08X",
		c->ino++, mode, 0u, 0u, 1u, 0u, (unsigned long)len,
		0u, 0u, rmajor, rminor, namesize, 0u);
	fwrite(name, 1, namesize, c->f);
	pad4(c);
	if (len)
		fwrite(data, 1, len, c->f);
	pad4(c);
	if (ferror(c->f))
		c->failed = 1;
	return c->failed ? -1 : 0;
}

int cpio_add_dir(struct cpio *c, const char *name)
{
	return add_entry(c, name, S_IFDIR | 0755, 0, 0, NULL, 0);
}

int cpio_add_file(struct cpio *c, const char *name, unsigned mode,
		  const void *data, size_t len)
{
	return add_entry(c, name, S_IFREG | (mode & 07777), 0, 0, data, len);
}

int cpio_add_symlink(struct cpio *c, const char *name, const char *target)
{
	return add_entry(c, name, S_IFLNK | 0777, 0, 0, target, strlen(target));
}

int cpio_add_chardev(struct cpio *c, const char *name, unsigned mode,
		     unsigned major, unsigned minor)
{
	return add_entry(c, name, S_IFCHR | (mode & 07777), major, minor, NULL, 0);
}

int cpio_finish(struct cpio *c)
{
	int ret;

	add_entry(c, "TRAILER!!!", 0, 0, 0, NULL, 0);
	ret = c->failed || fclose(c->f) ? -1 : 0;
	if (ret) {
		error("cannot write %s: %s", c->path, strerror(errno));
		unlink(c->path);
	}
	free(c->path);
	free(c);
	return ret;
}

/* busybox's applets are made by /init itself (busybox --install -s). */
static const char *const initramfs_dirs[] = {
	"bin", "sbin", "dev", "proc", "sys", "tmp", "root", NULL,
};

/* Copy the file at src into the archive as name; 0 or -1 (error printed). */
int cpio_add_copy(struct cpio *c, const char *name, unsigned mode,
			 const char *src)
{
	size_t len;
	char *data = read_file(src, &len);
	int ret;

	if (!data) {
		error("cannot read %s: %s", src, strerror(errno));
		return -1;
	}
	ret = cpio_add_file(c, name, mode, data, len);
	free(data);
	return ret;
}

/* walk_sorted's callback: one entry of cpio_add_tree's directory. */
static int add_tree_entry(const char *path, const char *rel,
			  const struct stat *st, void *arg)
{
	struct cpio_tree *t = arg;
	char *name = xasprintf("%s/%s", t->prefix, rel);
	int ret = 0;

	if (S_ISDIR(st->st_mode)) {
		ret = add_entry(t->c, name, S_IFDIR | (st->st_mode & 07777), 0, 0, NULL, 0);
	} else if (S_ISREG(st->st_mode)) {
		ret = cpio_add_copy(t->c, name, st->st_mode, path);
	} else if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlink(path, target, sizeof(target) - 1);

		if (n < 0) {
			error("cannot read the link %s: %s", path, strerror(errno));
			ret = -1;
		} else {
			target[n] = '\0';
			ret = cpio_add_symlink(t->c, name, target);
		}
	}
	/* device nodes and the like: whoever unpacks it has its own /dev */
	free(name);
	return ret;
}

int cpio_add_tree(struct cpio *c, const char *name, const char *dir)
{
	struct cpio_tree t = { .c = c, .prefix = name };

	return cpio_add_dir(c, name) || walk_sorted(dir, NULL, add_tree_entry, &t) ? -1 : 0;
}

/*
 * The SeKVM runs' files (guest_keys.c).  init.sh takes /guest/vm.pub as
 * the sign that this is a SeKVM boot.
 */
static int add_guest_keys(struct cpio *c, const struct guest_keys *k)
{
	if (cpio_add_copy(c, "guest/vm.pub", 0644, k->pubkey) ||
	    cpio_add_copy(c, "guest/Image.sig", 0644, k->sig) ||
	    cpio_add_copy(c, "guest/Image.sig.otherkey", 0644, k->sig_otherkey) ||
	    cpio_add_copy(c, "guest/Image.flipped", 0644, k->flipped) ||
	    (k->bm_sig && cpio_add_copy(c, "guest/bmguest.sig", 0644, k->bm_sig)))
		return -1;
	return 0;
}

static int add_guest(struct cpio *c, const struct boot_guest *g)
{
	if (cpio_add_dir(c, "guest") ||
	    cpio_add_copy(c, "bin/vmm", 0755, g->vmm) ||
	    cpio_add_copy(c, "guest/Image", 0644, g->image) ||
	    (g->initrd && cpio_add_copy(c, "guest/initrd.cpio", 0644, g->initrd)) ||
	    (g->bmguest && cpio_add_copy(c, "guest/bmguest.bin", 0644, g->bmguest)) ||
	    (g->disk && cpio_add_copy(c, "guest/disk.img", 0644, g->disk)) ||
	    (g->clients && cpio_add_tree(c, "clients", g->clients)) ||
	    (g->keys && add_guest_keys(c, g->keys)))
		return -1;
	return 0;
}

/* Throw away a half-written archive: cpio_finish would keep it. */
static void cpio_abandon(struct cpio *c)
{
	fclose(c->f);
	unlink(c->path);
	free(c->path);
	free(c);
}

/*
 * The boot initramfs, or (devices false) the same files for a board to
 * unpack into a directory: no device nodes, which only root could make
 * there and which the board's own /dev has.
 */
static int boot_archive(const char *path, const char *busybox,
			const char *init_script, const struct boot_guest *guest,
			bool devices)
{
	struct cpio *c = cpio_create(path);

	if (!c)
		return -1;
	for (const char *const *d = initramfs_dirs; *d; d++)
		cpio_add_dir(c, *d);
	if (devices) {
		cpio_add_chardev(c, "dev/console", 0600, 5, 1);
		cpio_add_chardev(c, "dev/null", 0666, 1, 3);
	}
	if (cpio_add_copy(c, "bin/busybox", 0755, busybox) ||
	    cpio_add_symlink(c, "bin/sh", "busybox") ||
	    cpio_add_copy(c, "init", 0755, init_script) ||
	    (guest && add_guest(c, guest))) {
		cpio_abandon(c);
		return -1;
	}
	return cpio_finish(c);
}

int make_boot_initramfs(const char *path, const char *busybox,
			const char *init_script, const struct boot_guest *guest)
{
	return boot_archive(path, busybox, init_script, guest, true);
}

int make_board_bundle(const char *path, const char *busybox,
		      const char *init_script, const struct boot_guest *guest)
{
	return boot_archive(path, busybox, init_script, guest, false);
}

/* Exactly vmm/README.md's list; bin/ and dev/ are the parents it implies. */
static const char *const guest_dirs[] = { "bin", "dev", "proc", "sys", NULL };

int make_guest_initramfs(const char *path, const char *busybox,
			 const struct guest_files *files)
{
	struct cpio *c = cpio_create(path);

	if (!c)
		return -1;
	for (const char *const *d = guest_dirs; *d; d++)
		cpio_add_dir(c, *d);
	cpio_add_chardev(c, "dev/console", 0600, 5, 1);
	if (cpio_add_copy(c, "bin/busybox", 0755, busybox) ||
	    cpio_add_symlink(c, "bin/sh", "busybox") ||
	    cpio_add_copy(c, files->init_name, 0755, files->init) ||
	    (files->tool &&
	     cpio_add_copy(c, files->tool_name, 0755, files->tool))) {
		cpio_abandon(c);
		return -1;
	}
	return cpio_finish(c);
}
