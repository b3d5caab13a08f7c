/* SPDX-License-Identifier: GPL-2.0 */
/*
 * porttool bench --target ssh://user@host[:port] (bench_ssh.c): the
 * benchmark on a board that booted a built kernel, over OpenSSH's client.
 */
#ifndef PORTTOOL_BENCH_SSH_H
#define PORTTOOL_BENCH_SSH_H

#include "bench.h"

struct ssh_target {
	char *url;		/* normalized: ssh://user@host:port (or without :port) */
	char *user, *host;
	int port;		/* 0: ssh's own default or its config's */
	const char *config;	/* ssh -F FILE, or NULL: the user's own */
	char *dir;		/* the working directory on the board */
};

/*
 * Parse "ssh://user@host[:port]" (host may be [IPv6]) into t; NULL, or
 * why not (allocated) naming the part that is wrong.
 */
char *ssh_target_parse(const char *url, struct ssh_target *t);
void ssh_target_free(struct ssh_target *t);

/*
 * ssh's output when it could not run a command on the board (exit 255)
 * into a sentence naming the cause: connection refused, authentication
 * failed, unknown or changed host key, no such host, unreachable
 * (allocated).
 */
char *ssh_explain_failure(const struct ssh_target *t, const char *output);

/* What the board is running, from board_probe. */
struct board_info {
	enum bench_kernel kernel;
	char *release;		/* uname -r */
	char *host;		/* "node (machine)" for the database */
	char *evidence;		/* why kernel is SeKVM or stock KVM */
};
void board_info_free(struct board_info *b);

/*
 * The probe's output (PROBE-* lines) into b; NULL, or why the board cannot
 * run version's benchmark (allocated): no answer, not arm64, another
 * kernel line, no KVM.
 */
char *board_judge_probe(const char *output, const char *version,
			struct board_info *b);

/*
 * Log in, make t->dir there with the arm64 busybox in it, and look at
 * the kernel: 0; 1 when the board answered but cannot run the benchmark
 * (t->dir is there to remove), -1 when ssh or the login failed; an error
 * names the target and the cause.
 */
int board_probe(const struct ssh_target *t, const char *busybox,
		const char *version, struct board_info *b);
/* Unpack bundle (make_board_bundle's cpio) into t->dir; 0 or -1. */
int board_upload(const struct ssh_target *t, const char *bundle);
/* Write the gzip file gz there, uncompressed, as t->dir/name; 0 or -1. */
int board_send_gz(const struct ssh_target *t, const char *gz, const char *name);
/*
 * Run the bundle's init there with CMDLINE=cmdline, its output to
 * log_path with a header line, as a QEMU host's serial log; 0 when ssh ran
 * it (the log says how it went), -1 after an error.  echo: also to our
 * stderr (--verbose).
 */
int board_run(const struct ssh_target *t, const char *cmdline, int timeout_s,
	      const char *log_path, bool echo);
/*
 * Remove t->dir on the board, first unmounting what a cut-short run left
 * mounted under it; 0 or -1 (a warning, and nothing removed while
 * something stays mounted).
 */
int board_cleanup(const struct ssh_target *t);

#endif
