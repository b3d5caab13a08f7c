// SPDX-License-Identifier: GPL-2.0
/*
 * guest-bench: the workloads of 'porttool bench', run inside the guest.
 *
 * Static arm64 (built by porttool with aarch64-linux-gnu-gcc -static, as
 * vmm/ is), stored as /bin/guest-bench in the benchmark guest's
 * initramfs and run by bench-init.sh.  Each workload is timed here, by
 * the guest itself, with its monotonic clock: busybox's date reads the
 * wall clock, and /proc/uptime has 10 ms steps, too coarse for short runs.
 *
 *   guest-bench init                 the guest kernel's clock at /init
 *   guest-bench mem MIB              touch MIB MiB of fresh anonymous memory
 *   guest-bench compute N            N rounds of a register-only loop
 *   guest-bench write NAME DEV KIB   write KIB KiB to the character device DEV
 *
 * Each prints one line, "BENCH-RESULT name=NAME ns=NS size=SIZE", for
 * porttool to parse; an error is one "BENCH-ERROR name=NAME: why" line
 * and exit status 1, so a missing result is never silent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 4096	/* bytes a write */
#define LINE_LEN 64	/* filler line length; the host drops lines of dots */

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void result(const char *name, uint64_t ns, const char *size)
{
	printf("BENCH-RESULT name=%s ns=%llu size=%s\n", name,
	       (unsigned long long)ns, size);
	fflush(stdout);
}

static int fail(const char *name, const char *why)
{
	printf("BENCH-ERROR name=%s: %s\n", name, why);
	fflush(stdout);
	return 1;
}

/* A positive decimal argument, or 0 when it is not one. */
static unsigned long count_arg(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return 0;
	return v;
}

/*
 * CLOCK_BOOTTIME starts when the guest kernel's timekeeping does, early
 * in start_kernel; read first thing in /init it is the boot's length.
 */
static int bench_init(void)
{
	result("boot-to-init", now_ns(CLOCK_BOOTTIME), "-");
	return 0;
}

/*
 * Every page of a fresh anonymous mapping faults on its first write: the
 * guest kernel hands it a page it has not used since boot, whose first
 * touch is a stage-2 fault to the hypervisor (under SeKVM, the host asks
 * the corevisor to map it).
 */
static int bench_mem(unsigned long mib)
{
	size_t len = (size_t)mib << 20, page = (size_t)sysconf(_SC_PAGESIZE);
	volatile unsigned char *p;
	char size[32];
	uint64_t t0, t1;

	t0 = now_ns(CLOCK_MONOTONIC);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return fail("mem", strerror(errno));
	for (size_t off = 0; off < len; off += page)
		p[off] = 1;
	t1 = now_ns(CLOCK_MONOTONIC);
	munmap((void *)p, len);
	snprintf(size, sizeof(size), "%luMiB", mib);
	result("mem", t1 - t0, size);
	return 0;
}

/* xorshift64: registers only, no memory traffic, no exits of its own. */
static int bench_compute(unsigned long rounds)
{
	uint64_t x = 88172645463325252ull, t0, t1;
	char size[32];

	t0 = now_ns(CLOCK_MONOTONIC);
	for (unsigned long i = 0; i < rounds; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	t1 = now_ns(CLOCK_MONOTONIC);
	/* Printing x keeps the compiler from dropping the loop. */
	snprintf(size, sizeof(size), "%lurounds", rounds);
	printf("BENCH-CHECKSUM compute %llx\n", (unsigned long long)x);
	result("compute", t1 - t0, size);
	return 0;
}

/* Write all of buf, retrying short writes; 0 or -1 with errno set. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Write kib KiB of filler lines (dots) to a character device, in writes
 * of up to 4 KiB, and wait until the driver has sent them (tcdrain): the virtio
 * console's driver waits for the device to take each buffer, the PL011's
 * writes every byte to the UART's MMIO data register.
 */
static int bench_write(const char *name, const char *dev, unsigned long kib)
{
	char buf[CHUNK], size[32], why[160];
	uint64_t t0, t1;
	int fd;

	memset(buf, '.', sizeof(buf));
	for (size_t i = LINE_LEN - 1; i < sizeof(buf); i += LINE_LEN)
		buf[i] = '\n';
	fd = open(dev, O_WRONLY | O_NOCTTY);
	if (fd < 0) {
		snprintf(why, sizeof(why), "open %s: %s", dev, strerror(errno));
		return fail(name, why);
	}
	t0 = now_ns(CLOCK_MONOTONIC);
	for (size_t left = kib * 1024, n; left; left -= n) {
		n = left < sizeof(buf) ? left : sizeof(buf);
		if (write_all(fd, buf, n)) {
			snprintf(why, sizeof(why), "write %s: %s", dev,
				 strerror(errno));
			close(fd);
			return fail(name, why);
		}
	}
	tcdrain(fd);
	t1 = now_ns(CLOCK_MONOTONIC);
	close(fd);
	snprintf(size, sizeof(size), "%luKiB", kib);
	result(name, t1 - t0, size);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: guest-bench init | mem MIB | compute N | "
		"write NAME DEV KIB\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long n;

	if (argc == 2 && !strcmp(argv[1], "init"))
		return bench_init();
	if (argc == 3 && !strcmp(argv[1], "mem") && (n = count_arg(argv[2])))
		return bench_mem(n);
	if (argc == 3 && !strcmp(argv[1], "compute") && (n = count_arg(argv[2])))
		return bench_compute(n);
	if (argc == 5 && !strcmp(argv[1], "write") && (n = count_arg(argv[4])))
		return bench_write(argv[2], argv[3], n);
	return usage();
}
