// SPDX-License-Identifier: GPL-2.0
/*
 * Child processes for build and boot: make, qemu, apt-get, dpkg-deb.
 *
 * Output goes through a pipe so that it can be kept in a log, shown, and
 * fed line by line to the caller (for progress and for marker parsing).
 * The child leads its own process group so that a timeout kills make's or
 * QEMU's children too, never anything else.
 */
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	if (strchr(name, '/'))
		return access(name, X_OK) ? NULL : xstrdup(name);
	if (!path || !*path)
		return NULL;
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", *dir ? dir : ".", name);

		if (is_file(cand) && !access(cand, X_OK))
			found = cand;
		else
			free(cand);
	}
	free(copy);
	return found;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void __attribute__((noreturn)) exec_child(const struct subproc *p,
						 int out_fd)
{
	const char *in = p->stdin_path ? p->stdin_path : "/dev/null";
	int in_fd = open(in, O_RDONLY);

	setpgid(0, 0);
	if (in_fd < 0 && p->stdin_path) {
		dprintf(out_fd, "porttool: cannot read %s: %s\n", in,
			strerror(errno));
		_exit(127);
	}
	if (in_fd >= 0)
		dup2(in_fd, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(out_fd, STDERR_FILENO);
	if (p->cwd && chdir(p->cwd)) {
		dprintf(STDERR_FILENO, "porttool: cannot enter %s: %s\n",
			p->cwd, strerror(errno));
		_exit(127);
	}
	execvp(p->argv[0], (char *const *)p->argv);
	dprintf(STDERR_FILENO, "porttool: cannot run %s: %s\n", p->argv[0],
		strerror(errno));
	_exit(127);
}

/* Split what arrived into lines; keep an unfinished tail for next time. */
static void feed_lines(struct subproc *p, char *buf, size_t *used)
{
	char *start = buf, *nl;

	while ((nl = memchr(start, '\n', *used - (size_t)(start - buf)))) {
		*nl = '\0';
		if (nl > start && nl[-1] == '\r')
			nl[-1] = '\0';
		if (p->on_line)
			p->on_line(start, p->arg);
		start = nl + 1;
	}
	*used -= (size_t)(start - buf);
	memmove(buf, start, *used);
}

static void copy_out(const struct subproc *p, const char *data, size_t n)
{
	/* A failed log write (full disk) must not stop the child's run. */
	if (p->log_fd >= 0 && write(p->log_fd, data, n) < 0)
		clearerr(stderr);
	if (p->echo && fwrite(data, 1, n, stderr) != n)
		clearerr(stderr);
}

/* Read the child's output until EOF or the deadline. */
static void pump_output(struct subproc *p, pid_t pid, int fd)
{
	size_t cap = 65536, used = 0;
	char *buf = xmalloc(cap + 1);
	double deadline = p->timeout_s > 0 ? now_seconds() + p->timeout_s : 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r = poll(&pfd, 1, 1000);
		ssize_t n;

		if (p->on_tick)
			p->on_tick(p->arg);
		if (deadline && now_seconds() >= deadline) {
			p->timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		if (used == cap) {	/* a line longer than the buffer */
			feed_lines(p, buf, &used);
			if (used == cap) {
				buf[used] = '\0';
				if (p->on_line)
					p->on_line(buf, p->arg);
				used = 0;
			}
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		copy_out(p, buf + used, (size_t)n);
		used += (size_t)n;
		feed_lines(p, buf, &used);
	}
	if (used && !p->timed_out) {
		buf[used] = '\0';
		if (p->on_line)
			p->on_line(buf, p->arg);
	}
	free(buf);
}

int subproc_run(struct subproc *p)
{
	int fds[2], status = 0;
	pid_t pid;

	p->timed_out = false;
	p->exit_code = -1;
	p->term_signal = 0;
	if (pipe(fds)) {
		error("cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		error("cannot start %s: %s", p->argv[0], strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		exec_child(p, fds[1]);
	}
	/* Also from here, so that a kill right after fork finds the group. */
	setpgid(pid, pid);
	close(fds[1]);
	pump_output(p, pid, fds[0]);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (p->timed_out)
		kill(-pid, SIGKILL);	/* stragglers that kept no pipe open */
	if (WIFEXITED(status))
		p->exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		p->term_signal = WTERMSIG(status);
	if (p->exit_code == 127 && !p->timed_out) {
		char *prog = find_program(p->argv[0]);

		free(prog);
		if (!prog) {
			error("cannot run '%s': not found in PATH", p->argv[0]);
			return -1;
		}
	}
	return 0;
}

static void collect_line(const char *line, void *arg)
{
	sbuf_puts(arg, line);
	sbuf_puts(arg, "\n");
}

int subproc_simple(const char *cwd, const char *const argv[],
		   struct sbuf *out)
{
	struct subproc p = {
		.argv = argv,
		.cwd = cwd,
		.log_fd = -1,
		.echo = !out,
		.on_line = out ? collect_line : NULL,
		.arg = out,
	};

	if (subproc_run(&p) < 0)
		return -1;
	return p.term_signal ? 128 + p.term_signal : p.exit_code;
}
