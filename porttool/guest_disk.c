// SPDX-License-Identifier: GPL-2.0
/*
 * The boot guest's disk image (guest_disk.h).  mke2fs -d fills a file
 * system from a directory without mounting it, so no root, loop device or
 * FUSE is needed; no journal (the guest writes one small file) and no
 * orphan_file (newer than the 5.x kernels' ext4).
 */
#include "guest_disk.h"
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DISK_SIZE "4M"
#define DISK_BYTES (4 << 20)

/*
 * A new, empty image file of the disk's size: mke2fs then neither reuses
 * an old image's contents nor says "Creating regular file".
 */
static int new_image(const char *img)
{
	int fd = open(img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = fd < 0 || ftruncate(fd, DISK_BYTES) < 0 ? -1 : 0;

	if (rc)
		error("cannot create %s: %s", img, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* mke2fs from PATH, or where Debian puts it (root's PATH only). */
static char *find_mke2fs(void)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", NULL };
	char *p = find_program("mke2fs");

	for (const char *const *d = dirs; !p && *d; d++) {
		char *c = xasprintf("%s/mke2fs", *d);

		if (access(c, X_OK) == 0)
			p = c;
		else
			free(c);
	}
	return p;
}

char *make_guest_disk(const char *bootdir)
{
	char *dir = xasprintf("%s/guest-disk", bootdir);
	char *file = xasprintf("%s/" GUEST_DISK_FILE, dir);
	char *img = xasprintf("%s/guest-disk.img", bootdir);
	static const char text[] = GUEST_DISK_TOKEN "\n";
	char *mke2fs = find_mke2fs();
	int rc = -1;

	if (!mke2fs) {
		error("mke2fs not found (Debian: e2fsprogs): the guest's disk "
		      "cannot be made");
		goto out;
	}
	if (mkdir_p(dir) || write_file(file, text, strlen(text))) {
		error("cannot write %s: %s", file, strerror(errno));
		goto out;
	}
	if (new_image(img))
		goto out;
	rc = subproc_simple(NULL, (const char *const[]){
		mke2fs, "-q", "-F", "-t", "ext4", "-O", "^has_journal,^orphan_file",
		"-L", "sekvm-guest", "-E", "root_owner=0:0", "-d", dir, img,
		DISK_SIZE, NULL }, NULL);
	if (rc)
		error("%s -d %s %s failed (exit %d)", mke2fs, dir, img, rc);
out:
	free(mke2fs);
	free(dir);
	free(file);
	if (rc) {
		free(img);
		return NULL;
	}
	return img;
}

/* Whether text sets sym=y on a line of its own. */
static bool sets_y(const char *text, const char *sym)
{
	char *want = xasprintf("%s=y", sym);
	size_t n = strlen(want);
	bool found = false;

	for (const char *p = text; !found && (p = strstr(p, want)); p += n)
		found = (p == text || p[-1] == '\n') &&
			(p[n] == '\n' || p[n] == '\0');
	free(want);
	return found;
}

bool fragment_has_guest_devices(const char *fragment)
{
	static const char *const syms[] = {
		"CONFIG_TUN", "CONFIG_VIRTIO_BLK", "CONFIG_VIRTIO_NET",
		"CONFIG_EXT4_FS", "CONFIG_INET", NULL,
	};
	char *text = read_file(fragment, NULL);
	bool all = text != NULL;

	for (const char *const *s = syms; all && *s; s++)
		all = sets_y(text, *s);
	free(text);
	return all;
}
