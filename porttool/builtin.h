/* SPDX-License-Identifier: GPL-2.0 */
/*
 * porttool's commands, one file each in builtin/ named after the command
 * (builtin/apply.c is 'porttool apply'), as git's builtin.h declares its
 * cmd_* functions.  main.c's table maps names to these.
 */
#ifndef PORTTOOL_BUILTIN_H
#define PORTTOOL_BUILTIN_H

#include "porttool.h"

int cmd_list(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_tree(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_apply(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_status(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_export(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_rebase(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_build(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_check(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_boot(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_mail(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_bench(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_report(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_rootfs(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_mailinfo(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_patch_id(struct porttool_ctx *ctx, int argc, char **argv);
int cmd_lava(struct porttool_ctx *ctx, int argc, char **argv);

/*
 * builtin/boot.c, for builtin/lava.c: the initramfs 'porttool boot' boots
 * with image (and image as the guest; signed when sekvm), made in bootdir;
 * its path in *initrd.  0 or -1 after saying why.
 */
int boot_make_initramfs(const struct porttool_ctx *ctx, const char *image,
			const char *bootdir, bool sekvm, char **initrd);

#endif
