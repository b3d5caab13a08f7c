/* SPDX-License-Identifier: GPL-2.0 */
/*
 * build, check and boot: what the three commands share.
 *
 * Files: kbuild.c (cross-compiling a kernel out of tree), basesrc.c (a
 * checkout of the base tag outside the user's tree, for --kvm), dtb.c
 * (device tree checks and edits with libfdt), elfcheck.c (libelf
 * inspection of vmlinux and the corevisor), initramfs.c (cpio newc
 * writer), debfetch.c (Debian's arm64 busybox-static), qemu.c (running
 * QEMU with a timeout), vmm_build.c (vmm/'s binaries), guest_keys.c (the
 * guest's keys and signed images), boot_judge.c (the serial log's
 * checks), boot/init.sh (the initramfs's /init).
 */
#ifndef PORTTOOL_BUILDBOOT_H
#define PORTTOOL_BUILDBOOT_H

#include "porttool.h"
#include "subproc.h"

#include <stdint.h>

#define CROSS_PREFIX "aarch64-linux-gnu-"
#define CROSS_PACKAGE "gcc-aarch64-linux-gnu"

/* ---- kernel builds (kbuild.c) ---- */
struct board *port_find_board(const struct port *p, const char *name);
/* Print "unknown board" with the known ones; returns NULL if not found. */
struct board *port_board_or_error(const struct port *p, const char *name);
/* <cache>/build/vVER-BOARD[-kvm]: where build puts its output by default. */
char *default_build_dir(const struct port *p, const char *board, bool kvm);
/* The kernel's make target for a board's DTB, or NULL when QEMU makes it. */
char *board_dtb_target(const struct board *b);
/* Path of the board's DTB in a build directory, NULL for QEMU's own. */
char *board_dtb_path(const struct board *b, const char *out);

struct kbuild {
	const char *src;	/* kernel source tree (stays clean) */
	const char *out;	/* O= */
	const char *fragment;	/* config fragment for allnoconfig */
	const char *dtb_target;	/* e.g. broadcom/bcm2711-rpi-4-b.dtb, or NULL */
	const char *hostcc;	/* port.conf build.hostcc, or NULL */
	bool ccache;
	int log_fd;		/* out/build.log */
	char *log_path;
};

int kbuild_run(struct kbuild *kb);

/* ---- the base commit, checked out outside the user's tree (basesrc.c) ---- */
/*
 * Check out the commit that tag names in the repository at repo_dir into
 * dest (created or refreshed), leaving the repository's work tree, index
 * and HEAD alone.  Returns 0 or -1 after printing an error.
 */
int checkout_tag_to(const char *repo_dir, const char *tag, const char *dest);

/* ---- device trees (dtb.c) ---- */
/*
 * Check that a DTB holds what the corevisor relies on: a memory node, a
 * GIC (for GICv2 with its GICH and GICV regions) and a console UART.
 * Prints one "PASS"/"FAIL" line per node to out; returns the number of
 * failures, or -1 when the file is not a valid DTB.
 */
int dtb_check_nodes(const char *path, FILE *out);
#define DTB_CHECKS 3	/* lines dtb_check_nodes prints */
/* Drop a DTB's free space (QEMU dumps it padded to 1 MiB).  0 or -1. */
int dtb_pack(const char *path);

/* ---- ELF inspection (elfcheck.c) ---- */
struct elf_section_info {
	char name[64];
	uint64_t addr, size, offset;
	uint32_t type;
};

struct elf_file;
struct elf_file *elf_file_open(const char *path);
void elf_file_close(struct elf_file *ef);
const char *elf_file_path(const struct elf_file *ef);
int elf_file_machine(const struct elf_file *ef);
bool elf_file_has_interp(const struct elf_file *ef);
int elf_find_section(struct elf_file *ef, const char *name,
		     struct elf_section_info *info);
/* Value of a defined symbol; returns 0 or -1 when absent. */
int elf_find_symbol(struct elf_file *ef, const char *name, uint64_t *value);
/* Copy size bytes at virtual address addr (from PROGBITS sections). */
int elf_read_vaddr(struct elf_file *ef, uint64_t addr, void *buf, size_t size);
/*
 * Undefined symbols (other than the null symbol), and relocations whose
 * symbol is undefined, are appended to the lists as readable strings.
 */
int elf_undefined_refs(struct elf_file *ef, struct strlist *undef,
		       struct strlist *bad_relocs);
/* Sum of the sizes of sections whose name starts with prefix. */
uint64_t elf_section_bytes(struct elf_file *ef, const char *prefix);

/* ---- initramfs (initramfs.c) ---- */
struct cpio;
struct cpio *cpio_create(const char *path);
int cpio_add_dir(struct cpio *c, const char *name);
int cpio_add_file(struct cpio *c, const char *name, unsigned mode,
		  const void *data, size_t len);
int cpio_add_copy(struct cpio *c, const char *name, unsigned mode,
		  const char *src);
int cpio_add_symlink(struct cpio *c, const char *name, const char *target);
int cpio_add_chardev(struct cpio *c, const char *name, unsigned mode,
		     unsigned major, unsigned minor);
/* Writes the trailer and closes; returns 0 or -1 (the file is removed). */
int cpio_finish(struct cpio *c);
/*
 * What the host initramfs carries for init.sh's guest step
 * (vmm/README.md): the vmm, the guest kernel and the guest's initramfs,
 * stored as /bin/vmm, /guest/Image and /guest/initrd.cpio (none when
 * initrd is NULL: the micro-benchmark guest has none).
 */
struct guest_keys;
struct boot_guest {
	const char *vmm, *image, *initrd;
	const struct guest_keys *keys;	/* SeKVM: the signed images; or NULL */
};

/*
 * Make the boot initramfs: busybox, /init from init_script, /dev/console,
 * and the guest files when guest is not NULL.
 */
int make_boot_initramfs(const char *path, const char *busybox,
			const char *init_script, const struct boot_guest *guest);
/* What a guest initramfs carries besides busybox. */
struct guest_files {
	const char *init_name;	/* "init", or the name rdinit= gives */
	const char *init;	/* its script, e.g. vmm/guest/init.sh */
	const char *tool_name;	/* one more executable, or NULL */
	const char *tool;
};
/*
 * Make a guest's initramfs (vmm/README.md): bin/busybox, bin/sh, a
 * /dev/console, proc/, sys/, the init script and the optional tool.
 */
int make_guest_initramfs(const char *path, const char *busybox,
			 const struct guest_files *files);

/* ---- Debian's arm64 busybox-static (debfetch.c) ---- */
/*
 * Path of an arm64 static busybox in the cache, downloading Debian's
 * busybox-static with apt-get through a private lists directory first.
 */
int fetch_arm64_busybox(char **path);

/* ---- QEMU (qemu.c) ---- */
struct qemu_run {
	const char *kernel, *initrd, *dtb;	/* dtb may be NULL */
	const char *append;
	const char *log_path;	/* serial log */
	int timeout_s;
	bool echo;
	/*
	 * -icount shift=0,sleep=off: virtual time counts executed
	 * instructions (1 ns each), so a guest's timer reads are
	 * instruction counts, the same on every run (bench --suite micro).
	 */
	bool icount;
	/* results */
	bool timed_out;
	int exit_code;
	double seconds;
};

#define QEMU_BIN "qemu-system-aarch64"
#define QEMU_MACHINE "virt,virtualization=on,gic-version=2"
/*
 * Write the DTB QEMU would give the kernel of q (q->dtb ignored) to path.
 * Returns 0 or -1.
 */
int qemu_dump_dtb(const struct qemu_run *q, const char *path);
int qemu_boot(struct qemu_run *q);

/* ---- judging a boot's serial log (boot_judge.c) ---- */
struct verdicts {
	int passed, failed;
};

/* Print "PASS name" or "FAIL name: why" and count it. */
void verdict(struct verdicts *v, bool ok, const char *name, const char *why);

struct boot_judge {
	bool kvm;		/* the stock-KVM build: stock checks only */
	bool timed_out;		/* QEMU was killed at its deadline */
	int timeout_s;
	/* Why the guest images could not be signed (guest_keys.c), or NULL. */
	const char *keys_error;
};

/*
 * Judge a serial log: the host's checks, then the guests'.  The DTB
 * checks are not here: they read the DTB, not the log.
 */
void judge_boot_log(struct verdicts *v, const char *log,
		    const struct boot_judge *j);

/* ---- the guest's keys and signed images (guest_keys.c) ---- */
/*
 * What a SeKVM boot's initramfs carries for the good and the refused
 * guest runs, all made in the boot directory from the guest Image.
 */
struct guest_keys {
	char *pubkey;		/* /guest/vm.pub: key 1, the VM's key */
	char *sig;		/* /guest/Image.sig: key 1 over the Image */
	char *sig_otherkey;	/* /guest/Image.sig.otherkey: key 2 over it */
	char *flipped;		/* /guest/Image.flipped: one bit flipped */
};

/*
 * Make two Ed25519 keys with vmm's sekvm-sign (built when stale), sign
 * image with each and write a copy of it with one bit flipped.  Returns
 * NULL on success, else why it failed (allocated; keys is then empty).
 */
char *make_guest_keys(const char *project_dir, const char *bootdir,
		      const char *image, struct guest_keys *keys);
void guest_keys_free(struct guest_keys *keys);

/*
 * Path of vmm/build/TARGET, made with make -C vmm when it is missing or
 * older than a source there (vmm_build.c); NULL after printing an error.
 */
char *vmm_build(const char *project_dir, const char *target);

#endif
