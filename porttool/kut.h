/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-unit-tests under the vmm (kut.c): the tests of a user's arm64
 * build, the initramfs that runs them, and their results.
 */
#ifndef PORTTOOL_KUT_H
#define PORTTOOL_KUT_H

#include <stdbool.h>
#include <stddef.h>

#define KUT_MAX_TESTS 128

struct kut_test {
	char *name;	/* the unittests.cfg section */
	char *file;	/* e.g. timer.flat, under DIR/arm/ */
	int smp;	/* vCPUs */
	char *args;	/* the test's arguments, the guest's bootargs */
	bool arm32_only;
	bool migration;	/* groups has "migration": needs a VMM that migrates */
};

struct kut_list {
	struct kut_test test[KUT_MAX_TESTS];
	int n;
};

/*
 * DIR/arm/unittests.cfg: every test but the 32-bit ones and the
 * migration tests (they wait on the console for a migration the vmm
 * cannot do).  0 or -1.
 */
int kut_parse(const char *dir, struct kut_list *l);
void kut_free(struct kut_list *l);
/* Every image the tests name is in DIR/arm/.  0 or -1 (error named). */
int kut_check_files(const char *dir, const struct kut_list *l);
/*
 * The initramfs at path: busybox, init.sh, the vmm, /kut/tests and the
 * images; with sekvm, a fresh VM key (/kut/vm.pub) and every image
 * signed by it (keys in bootdir).  0 or -1.
 */
int kut_make_initramfs(const char *project_dir, const char *bootdir,
		       const char *dir, const struct kut_list *l, bool sekvm,
		       const char *path);
/* What test t did in a serial log ("PASS", "FAIL", "SKIP", or why none). */
void kut_result(const char *log, const struct kut_test *t, char *res,
		size_t size, char *detail, size_t dsize);

#endif
