// SPDX-License-Identifier: GPL-2.0
/*
 * Judging a boot's serial log: one line a check, "PASS name" or
 * "FAIL name: why".
 *
 * Everything here reads only the log, so a kept log can be judged again
 * (porttool boot --judge LOG) and the tests can judge crafted logs.  What
 * the log holds comes from three writers:
 *  - the host kernel, in the words ports/v5.10/README.md promises;
 *  - porttool/qemu/boot/init.sh: markers "PORTTOOL-BOOT: ", self-test hook
 *    output "SEKVM-HOOK NAME: ", the guests' output "SEKVM-GUEST: " (the
 *    good run), "SEKVM-GUEST-FLIPPED: ", "SEKVM-GUEST-OTHERKEY: ", and the
 *    kernel's own sekvm lines again "SEKVM-DMESG: " (pr_info may not reach
 *    the console, and the kernel log keeps them in order with init's
 *    "porttool-boot: " markers);
 *  - the guest (vmm/guest/init.sh and its kernel), through the vmm.
 */
#include "boot_judge.h"
#include "guest_disk.h"

#include <stdlib.h>
#include <string.h>

#define BOOT_CPUS 2
#define MARK "PORTTOOL-BOOT: "
#define HOOK "SEKVM-HOOK "
#define SELFTEST "sekvm-selftest: "

void verdict(struct verdicts *v, bool ok, const char *name, const char *why)
{
	if (ok) {
		printf("PASS %s\n", name);
		v->passed++;
	} else {
		printf("FAIL %s: %s\n", name, why);
		v->failed++;
	}
}

/* ---- finding lines ---- */

/* The line around p: its start, and its end without CRs. */
static char *line_around(const char *log, const char *p)
{
	const char *bol = p, *eol = p;

	while (bol > log && bol[-1] != '\n')
		bol--;
	while (*eol && *eol != '\n')
		eol++;
	while (eol > bol && eol[-1] == '\r')
		eol--;
	return strndup(bol, (size_t)(eol - bol));
}

/* True when s holds a, then b after it, then c after that (b, c may be NULL). */
static bool holds_in_order(const char *s, const char *a, const char *b,
			   const char *c)
{
	s = strstr(s, a);
	if (s && b)
		s = strstr(s + strlen(a), b);
	if (s && b && c)
		s = strstr(s + strlen(b), c);
	return s != NULL;
}

/*
 * The first line holding a, b and c in that order (b, c may be NULL),
 * without its CR/LF.  NULL if none.
 */
static char *find_line_with(const char *log, const char *a, const char *b,
			    const char *c)
{
	for (const char *p = log; (p = strstr(p, a)); p += strlen(a)) {
		char *line = line_around(log, p);

		if (holds_in_order(line, a, b, c))
			return line;
		free(line);
	}
	return NULL;
}

/* True when one line of the log holds a and, after it, b. */
static bool line_has(const char *log, const char *a, const char *b)
{
	char *line = find_line_with(log, a, b, NULL);

	free(line);
	return line != NULL;
}

/* The first line holding needle, without its CR/LF; NULL if none. */
static char *find_line(const char *log, const char *needle)
{
	return find_line_with(log, needle, NULL, NULL);
}

/* The last line holding needle, without its CR/LF; NULL if none. */
static char *find_last_line(const char *log, const char *needle)
{
	const char *p, *last = NULL;

	for (p = log; (p = strstr(p, needle)); p++)
		last = p;
	return last ? line_around(log, last) : NULL;
}

/*
 * True when a whole line of the log is want.  Trailing CRs are ignored:
 * a guest line crosses two serial consoles, each adding one.
 */
static bool log_has_line(const char *log, const char *want)
{
	size_t n = strlen(want);

	for (const char *p = log; (p = strstr(p, want)); p += n) {
		const char *end = p + n;

		while (*end == '\r')
			end++;
		if ((p == log || p[-1] == '\n') && (*end == '\0' || *end == '\n'))
			return true;
	}
	return false;
}

/* What follows tag in a line found by it (the line itself if no tag). */
static const char *after_tag(const char *line, const char *tag)
{
	const char *p = line ? strstr(line, tag) : NULL;

	return p ? p + strlen(tag) : line;
}

/* ---- the host ---- */

static void check_common(struct verdicts *v, const char *log,
			 const struct boot_judge *j)
{
	char why[160];
	bool panic = strstr(log, "Kernel panic") || strstr(log, "Internal error:") ||
		     strstr(log, "Unable to handle kernel");

	snprintf(why, sizeof(why), "QEMU still running after %d s and was killed",
		 j->timeout_s);
	verdict(v, !j->timed_out, "qemu-exit", why);
	verdict(v, !panic, "no-panic", "the kernel panicked or oopsed (see the log)");
	verdict(v, strstr(log, MARK "userspace reached") != NULL, "userspace",
		"/init never ran: the host did not reach userspace");
	verdict(v, strstr(log, MARK "/dev/kvm present") != NULL, "dev-kvm",
		strstr(log, MARK "/dev/kvm missing") ? "/dev/kvm does not exist"
						     : "init never looked for /dev/kvm");
	verdict(v, strstr(log, MARK "done") && log_has_line(log, "reboot: Power down"),
		"poweroff", "the host did not power off cleanly after its tests");
}

/*
 * KVM's word that its EL2 is up: "Hyp mode initialized successfully"
 * up to 6.1; 6.12 names the mode ("Hyp nVHE mode ...", "Hyp VHE mode
 * ...", "Protected nVHE mode ...").
 */
static void check_stock_kvm(struct verdicts *v, const char *log)
{
	verdict(v, line_has(log, "kvm [", "mode initialized successfully"),
		"kvm-hyp-init", strstr(log, "kvm [") ?
		"KVM printed no 'Hyp [MODE] mode initialized successfully'" :
		"no KVM messages at all");
}

/*
 * What the port promises to print (ports/v5.10/README.md, "Log lines the
 * boot checks can rely on"): the reservation, then per CPU the corevisor's
 * own banner with its ABI version and the host's confirmation that host
 * stage-2 is on, then KVM handing EL2 to the corevisor.
 */
#define SEKVM_RESERVED "sekvm: reserved "
#define SEKVM_RESERVED_END " for the corevisor"
#define COREVISOR_BANNER "corevisor: cpu %d up, ABI v"	/* from EL2 */
#define HOST_STAGE2_ON "sekvm: corevisor ABI v"		/* from the host */
#define HOST_STAGE2_ON_END "on cpu %d, host stage-2 on"
#define KVM_HANDED_OVER "SeKVM: the corevisor owns EL2"

/*
 * The attacks of the self-test hooks (CONFIG_SEKVM_SELFTEST): reading
 * /sys/kernel/debug/sekvm/HOOK runs one and prints
 * "sekvm-selftest: NAME PASS|FAIL detail", NAME the file's name.
 */
struct attack {
	const char *check;	/* check name */
	const char *hook;	/* path under /sys/kernel/debug/sekvm */
	bool on_guest;		/* needs the good guest running */
};

static const struct attack host_attacks[] = {
	{ "attack-read-corevisor", "read_core", false },
	{ "attack-write-corevisor", "write_core", false },
	{ "attack-hyp-stub-after-install", "stub_hvc", false },
	{ "attack-garbage-hypercalls", "garbage_hvc", false },
	{ NULL, NULL, false },
};

/* The host's attacks on the running good guest (issue 5). */
static const struct attack guest_attacks[] = {
	{ "guest-read-private", "guest/read_private", true },
	{ "guest-map-other-vm", "guest/map_other_vm", true },
	{ "guest-give-core-page", "guest/give_core_page", true },
	{ NULL, NULL, false },
};

/* The self-test's own name for a hook: the file name. */
static const char *hook_name(const struct attack *a)
{
	const char *slash = strrchr(a->hook, '/');

	return slash ? slash + 1 : a->hook;
}

/* Why an attack that ran did not pass; into why.  True when it passed. */
static bool attack_passed(const char *log, const struct attack *a,
			  char *why, size_t size)
{
	char *hook = xasprintf(HOOK "%s: ", a->hook);
	char *pass = xasprintf(SELFTEST "%s PASS ", hook_name(a));
	char *fail = xasprintf(SELFTEST "%s FAIL", hook_name(a));
	char *failed = find_line(log, fail);
	bool ok = !failed && line_has(log, hook, pass);

	if (failed)
		snprintf(why, size, "%s", failed);
	else
		snprintf(why, size, "%s printed no '%s%s PASS' line", a->hook,
			 SELFTEST, hook_name(a));
	free(hook);
	free(pass);
	free(fail);
	free(failed);
	return ok;
}

/*
 * A host attack: two checks, the attack refused and the host alive
 * after it (init.sh's "survived" marker).
 */
static void check_host_attack(struct verdicts *v, const char *log,
			      const struct attack *a)
{
	char *start = xasprintf(MARK "hook %s: start", a->hook);
	char *survived = xasprintf(MARK "hook %s: survived", a->hook);
	char *name = xasprintf("%s-survived", a->check);
	char why[320];

	if (!strstr(log, start)) {
		snprintf(why, sizeof(why), "no self-test hook "
			 "/sys/kernel/debug/sekvm/%s", a->hook);
		verdict(v, false, a->check, why);
		verdict(v, false, name, "the hook never ran");
	} else {
		verdict(v, attack_passed(log, a, why, sizeof(why)), a->check, why);
		verdict(v, strstr(log, survived) != NULL, name,
			"no marker after the attack: the host did not survive it");
	}
	free(start);
	free(survived);
	free(name);
}

/*
 * An attack on the running guest: one check.  It counts only when the
 * guest was running as it ran (init.sh notes that at the hook's start),
 * the self-test passed and the host survived.
 */
static void check_guest_attack(struct verdicts *v, const char *log,
			       const struct attack *a)
{
	char *start = xasprintf(MARK "hook %s: start", a->hook);
	char *idle = xasprintf(MARK "hook %s: start (guest not running)", a->hook);
	char *survived = xasprintf(MARK "hook %s: survived", a->hook);
	char why[320];
	bool ok = false;

	if (!strstr(log, start))
		snprintf(why, sizeof(why), strstr(log, MARK "guest: start") ?
			 "no self-test hook /sys/kernel/debug/sekvm/%s" :
			 "init never reached the guest step (no hook %s ran)",
			 a->hook);
	else if (strstr(log, idle))
		snprintf(why, sizeof(why), "the guest was not running when %s "
			 "ran, so it attacked nothing", a->hook);
	else if (!attack_passed(log, a, why, sizeof(why)))
		;
	else if (!strstr(log, survived))
		snprintf(why, sizeof(why), "no marker after %s: the host did "
			 "not survive it", a->hook);
	else
		ok = true;
	verdict(v, ok, a->check, why);
	free(start);
	free(idle);
	free(survived);
}

/* How many of the boot CPUs have a line with both a and b (b per CPU). */
static int cpus_with(const char *log, const char *a_fmt, const char *b_fmt)
{
	int n = 0;

	for (int cpu = 0; cpu < BOOT_CPUS; cpu++) {
		char *a = xasprintf(a_fmt, cpu);
		char *b = b_fmt ? xasprintf(b_fmt, cpu) : NULL;

		n += line_has(log, a, b);
		free(a);
		free(b);
	}
	return n;
}

static void check_per_cpu(struct verdicts *v, const char *name, int n,
			  const char *none)
{
	char why[200];

	if (n)
		snprintf(why, sizeof(why), "only on %d of %d CPUs", n, BOOT_CPUS);
	else
		snprintf(why, sizeof(why), "%s", none);
	verdict(v, n == BOOT_CPUS, name, why);
}

static void check_sekvm_host(struct verdicts *v, const char *log)
{
	verdict(v, line_has(log, SEKVM_RESERVED, SEKVM_RESERVED_END),
		"corevisor-memory-reserved",
		"no '" SEKVM_RESERVED "... " SEKVM_RESERVED_END "' line");
	check_per_cpu(v, "corevisor-banner",
		      cpus_with(log, COREVISOR_BANNER, NULL),
		      "no corevisor banner ('corevisor: cpu N up, ABI v...')");
	check_per_cpu(v, "host-stage2",
		      cpus_with(log, HOST_STAGE2_ON, HOST_STAGE2_ON_END),
		      "no host stage-2 confirmation ('" HOST_STAGE2_ON
		      "X on cpu N, host stage-2 on')");
	verdict(v, strstr(log, KVM_HANDED_OVER) != NULL, "kvm-handed-over",
		"KVM did not report '" KVM_HANDED_OVER "'");
	for (const struct attack *a = host_attacks; a->check; a++)
		check_host_attack(v, log, a);
}

/* ---- the good guest ---- */

/*
 * The guest step of init.sh (vmm/README.md): the guest's /init prints
 * what it saw and powers off, and the vmm exits 0 on that power-off.
 */
#define GUEST "SEKVM-GUEST: "
#define GUEST_OK "SEKVM-GUEST-OK cpus=2 online=0-1"
#define GUEST_EXIT "vmm exit "
#define VIRTIO_OK "SEKVM-VIRTIO-OK"
#define NO_VIRTIO "SEKVM-VIRTIO: no /dev/hvc0"	/* said on the PL011 instead */
/* The guest kernel's word on its DMA (ports/v5.10 0015, CONFIG_SEKVM_GUEST). */
#define GUEST_DMA_SHARED_ABI "sekvm-guest: corevisor ABI v1."
#define GUEST_DMA_SHARED "DMA buffers shared with the host"
#define GUEST_DMA_SAID "sekvm-guest: "	/* any of its lines, for messages */

/* Why the guest did not boot, from what the log shows; into why. */
static void guest_failure(const char *log, char *why, size_t size)
{
	char *exit_line = find_last_line(log, GUEST GUEST_EXIT);
	char *vmm_line = find_last_line(log, GUEST "vmm: ");
	char *ok_line = find_last_line(log, GUEST "SEKVM-GUEST-OK");
	const char *vmm_said = after_tag(vmm_line, GUEST);

	if (strstr(log, MARK "guest: skipped"))
		snprintf(why, size, "init skipped the guest step: no /bin/vmm or "
			 "/guest/ in the initramfs");
	else if (!strstr(log, MARK "guest: start"))
		snprintf(why, size, "init never reached the guest step");
	else if (!exit_line)
		snprintf(why, size, "the vmm never exited (host hung or killed)%s%s",
			 vmm_line ? "; last: " : "", vmm_line ? vmm_said : "");
	else if (!log_has_line(log, GUEST GUEST_EXIT "0"))
		snprintf(why, size, "'%s'%s%s%s", after_tag(exit_line, GUEST),
			 vmm_line ? " after '" : "", vmm_line ? vmm_said : "",
			 vmm_line ? "'" : "");
	else if (ok_line)
		snprintf(why, size, "the guest saw the wrong CPUs: '%s', wanted "
			 "'cpus=2 online=0-1'", after_tag(ok_line, GUEST));
	else
		snprintf(why, size, "the vmm exited 0 but the guest printed no "
			 "'SEKVM-GUEST-OK' line");
	free(exit_line);
	free(vmm_line);
	free(ok_line);
}

static bool guest_booted(const char *log)
{
	return log_has_line(log, GUEST GUEST_OK) &&
	       log_has_line(log, GUEST GUEST_EXIT "0");
}

/* Under stock KVM and SeKVM alike: the good guest booted and powered off. */
static void check_guest_boot(struct verdicts *v, const char *log,
			     const struct boot_judge *j)
{
	char why[400] = "";

	if (j->keys_error)
		snprintf(why, sizeof(why), "the guest image could not be signed: %s",
			 j->keys_error);
	else if (!guest_booted(log))
		guest_failure(log, why, sizeof(why));
	verdict(v, !j->keys_error && guest_booted(log), "guest-boot", why);
}

/*
 * The guest wrote SEKVM-VIRTIO-OK to its virtio console and the vmm
 * passed it on.  Under SeKVM that needs the guest kernel to have shared
 * its bounce buffers with the host, which it says; under stock KVM it
 * must not claim so.
 */
static void check_guest_virtio(struct verdicts *v, const char *log, bool sekvm)
{
	bool virtio = strstr(log, GUEST VIRTIO_OK) != NULL;
	char *dma = find_line_with(log, GUEST, GUEST_DMA_SHARED_ABI,
				   GUEST_DMA_SHARED);
	char *said = find_line_with(log, GUEST, GUEST_DMA_SAID, NULL);
	bool shared = dma != NULL;
	char why[400];

	free(dma);

	if (!strstr(log, MARK "guest: start"))
		snprintf(why, sizeof(why), "init never reached the guest step");
	else if (!virtio && strstr(log, GUEST NO_VIRTIO))
		snprintf(why, sizeof(why), "the guest found no virtio console "
			 "(no /dev/hvc0)");
	else if (!virtio)
		snprintf(why, sizeof(why), "the guest's '" VIRTIO_OK "' never came "
			 "through the virtio console%s", sekvm && !shared ? "; the "
			 "guest kernel did not say it shared its DMA buffers" : "");
	else if (sekvm && !shared)
		snprintf(why, sizeof(why), "virtio worked but the guest kernel "
			 "printed no '" GUEST_DMA_SHARED_ABI "... " GUEST_DMA_SHARED
			 "' line%s%s%s", said ? "; it said '" : "",
			 said ? after_tag(said, GUEST) : "", said ? "'" : "");
	else if (!sekvm && shared)
		snprintf(why, sizeof(why), "under stock KVM the guest kernel "
			 "claims to share its DMA buffers with a corevisor");
	verdict(v, virtio && shared == sekvm, "guest-virtio", why);
	free(said);
}

/* ---- the good guest's disk and NIC (vmm --disk, --net) ---- */

/*
 * init.sh gives the good guest the ext4 image porttool made (--disk) and
 * a NIC on the host's tap0 (--net), marking which; the guest's init
 * (vmm/guest/init.sh) reads the file porttool put on the disk, writes one
 * and reads it back after a remount, and pings the host's end of the tap.
 * Its lines come through the vmm: the disk's bytes and the ping replies
 * only through virtio-blk and virtio-net (under SeKVM, the guest's shared
 * swiotlb pool).
 */
#define DEVS_MARK MARK "guest devices: "
#define BLK_OK GUEST "SEKVM-BLK-OK read '" GUEST_DISK_TOKEN "'"
#define BLK_WROTE ", wrote and read back '"
#define BLK_FAIL GUEST "SEKVM-BLK-FAIL"
#define NET_OK GUEST "SEKVM-NET-OK tcp "
#define NET_RECEIVED "received 'sekvm-host-to-guest'"
#define NET_FAIL GUEST "SEKVM-NET-FAIL"
/* init's word that the host's nc got the guest's line */
#define NET_HOST_GOT MARK "tcp: received 'sekvm-guest-to-host' from the guest"

/* Why a device check failed: the guest's word, init's, or silence. */
static void device_failure(const char *log, const char *fail_tag,
			   const char *opt, const char *what, char *why,
			   size_t size)
{
	char *fail = find_line(log, fail_tag);
	char *devs = find_line(log, DEVS_MARK);

	if (!strstr(log, MARK "guest: start"))
		snprintf(why, size, "init never reached the guest step");
	else if (!devs)
		snprintf(why, size, "init gave the guest no devices (no '"
			 DEVS_MARK "' line)");
	else if (!strstr(devs, opt))
		snprintf(why, size, "init gave the guest no %s: '%s'", opt,
			 after_tag(devs, MARK));
	else if (fail)
		snprintf(why, size, "%s", after_tag(fail, GUEST));
	else
		snprintf(why, size, "the guest said nothing about its %s", what);
	free(fail);
	free(devs);
}

static void check_guest_blk(struct verdicts *v, const char *log)
{
	char *ok = find_line_with(log, BLK_OK, BLK_WROTE, NULL);
	char why[400] = "";

	if (!ok)
		device_failure(log, BLK_FAIL, "--disk", "disk ('SEKVM-BLK-OK "
			       "read '" GUEST_DISK_TOKEN "', wrote and read "
			       "back ...')", why, sizeof(why));
	verdict(v, ok != NULL, "guest-blk", why);
	free(ok);
}

static void check_guest_net(struct verdicts *v, const char *log)
{
	char *ok = find_line_with(log, NET_OK, NET_RECEIVED, NULL);
	bool host_got = strstr(log, NET_HOST_GOT) != NULL;
	char why[400] = "";

	if (!ok)
		device_failure(log, NET_FAIL, "--net", "NIC ('SEKVM-NET-OK "
			       "tcp ...')", why, sizeof(why));
	else if (!host_got)
		snprintf(why, sizeof(why), "the guest got the host's line but "
			 "the host never said it got the guest's ('"
			 NET_HOST_GOT "')");
	verdict(v, ok && host_got, "guest-net", why);
	free(ok);
}

/* ---- the refused images ---- */

#define REFUSED "vmm: image refused by the corevisor (KVM_RUN: EPERM)"

struct refused_run {
	const char *check;
	const char *tag;	/* init.sh's tag for the run's lines */
	const char *what;	/* for messages */
};

static const struct refused_run refused_runs[] = {
	{ "image-bit-flip-refused", "SEKVM-GUEST-FLIPPED: ",
	  "the Image with one bit flipped" },
	{ "image-other-key-refused", "SEKVM-GUEST-OTHERKEY: ",
	  "the Image signed by another key" },
	{ NULL, NULL, NULL },
};

/* The exit status in the run's "vmm exit N" line; -1 if none or no number. */
static int run_exit_status(const char *log, const char *tag)
{
	char *exit_tag = xasprintf("%s" GUEST_EXIT, tag);
	char *line = find_last_line(log, exit_tag);
	const char *n = line ? after_tag(line, exit_tag) : "";
	int status = *n >= '0' && *n <= '9' ? atoi(n) : -1;

	free(exit_tag);
	free(line);
	return status;
}

/*
 * The first line of a run that the guest, not the vmm, printed (the vmm
 * starts each of its own with "vmm"); NULL if none.
 */
static char *guest_said(const char *log, const char *tag)
{
	size_t n = strlen(tag);

	for (const char *p = log; (p = strstr(p, tag)); p += n) {
		char *line = line_around(log, p);
		const char *said = after_tag(line, tag);

		if (*said && strncmp(said, "vmm", 3))
			return line;
		free(line);
	}
	return NULL;
}

/*
 * The vmm was given a bad image: the corevisor must refuse it at the
 * first KVM_RUN, before any guest instruction, so the guest never prints
 * a thing (least of all that it is up).
 */
static void check_refused(struct verdicts *v, const char *log,
			  const struct refused_run *r,
			  const struct boot_judge *j)
{
	char *refused = xasprintf("%s" REFUSED, r->tag);
	char *ran = xasprintf("%sSEKVM-GUEST-OK", r->tag);
	char *vmm = xasprintf("%svmm: ", r->tag);
	char *last = find_last_line(log, vmm);
	char *said = guest_said(log, r->tag);
	int status = run_exit_status(log, r->tag);
	bool ok = false;
	char why[400];

	if (j->keys_error)
		snprintf(why, sizeof(why), "no signed images to try: %s",
			 j->keys_error);
	else if (!strstr(log, r->tag))
		snprintf(why, sizeof(why), "init never ran the vmm on %s", r->what);
	else if (strstr(log, ran))
		snprintf(why, sizeof(why), "%s ran: the guest printed "
			 "SEKVM-GUEST-OK", r->what);
	else if (said)
		snprintf(why, sizeof(why), "%s ran: the guest printed '%s'",
			 r->what, after_tag(said, r->tag));
	else if (status < 0)
		snprintf(why, sizeof(why), "the vmm on %s never exited", r->what);
	else if (status == 0)
		snprintf(why, sizeof(why), "the vmm on %s exited 0", r->what);
	else if (!strstr(log, refused))
		snprintf(why, sizeof(why), "the vmm on %s exited %d without '"
			 REFUSED "'%s%s", r->what, status, last ? "; last: " : "",
			 last ? after_tag(last, r->tag) : "");
	else
		ok = true;
	verdict(v, ok, r->check, why);
	free(refused);
	free(ran);
	free(vmm);
	free(last);
	free(said);
}

/* ---- teardown and VMIDs, from the kernel log init.sh prints ---- */

#define DMESG "SEKVM-DMESG: "
#define DMESG_GOOD_RUN "porttool-boot: guest good run"
#define VMID "sekvm: vmid "

enum vm_event_kind { EV_NONE, EV_GOOD_RUN, EV_REGISTERED, EV_TORN_DOWN };

struct vm_event {
	enum vm_event_kind kind;
	int vmid;
	long pages, not_zeroed;
};

/* One "SEKVM-DMESG: " line's meaning for these checks. */
static struct vm_event parse_dmesg_line(const char *line)
{
	struct vm_event e = { EV_NONE, -1, -1, -1 };
	const char *p = strstr(line, VMID);
	char word[16];

	if (strstr(line, DMESG_GOOD_RUN)) {
		e.kind = EV_GOOD_RUN;
	} else if (p && sscanf(p + strlen(VMID), "%d torn down, %ld pages back "
			       "to the host, %ld not zeroed", &e.vmid, &e.pages,
			       &e.not_zeroed) == 3) {
		e.kind = EV_TORN_DOWN;
	} else if (p && sscanf(p + strlen(VMID), "%d %15s", &e.vmid, word) == 2 &&
		   !strcmp(word, "registered")) {
		e.kind = EV_REGISTERED;
	}
	return e;
}

/* The kernel log's VM events, in order; *n of them. */
static struct vm_event *vm_events(const char *log, size_t *n)
{
	struct vm_event *ev = NULL;
	size_t alloc = 0;

	*n = 0;
	for (const char *p = log; (p = strstr(p, DMESG)); p += strlen(DMESG)) {
		char *line = line_around(log, p);
		struct vm_event e = parse_dmesg_line(line);

		free(line);
		if (e.kind == EV_NONE)
			continue;
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			ev = xrealloc(ev, alloc * sizeof(*ev));
		}
		ev[(*n)++] = e;
	}
	return ev;
}

/*
 * Index of the first event of kind (and vmid, if not -1) at or after
 * from; n if none.
 */
static size_t next_event(const struct vm_event *ev, size_t n, size_t from,
			 enum vm_event_kind kind, int vmid)
{
	for (size_t i = from; i < n; i++)
		if (ev[i].kind == kind && (vmid < 0 || ev[i].vmid == vmid))
			return i;
	return n;
}

/*
 * The good guest's life in the kernel log: its registration (the first
 * after init's "guest good run" marker) and its teardown.  Fills why and
 * returns false when either is missing.
 */
static bool good_guest_life(const struct vm_event *ev, size_t n,
			    size_t *reg, size_t *down, char *why, size_t size)
{
	size_t mark = next_event(ev, n, 0, EV_GOOD_RUN, -1);

	*reg = *down = n;
	if (mark == n) {
		snprintf(why, size, "the kernel log init printed ('" DMESG "') "
			 "has no '" DMESG_GOOD_RUN "' marker");
		return false;
	}
	*reg = next_event(ev, n, mark, EV_REGISTERED, -1);
	if (*reg == n) {
		snprintf(why, size, "no '" VMID "N registered' after the good "
			 "guest started");
		return false;
	}
	/*
	 * Its teardown comes before its VMID is registered again: a live
	 * VMID is unique (I5), so a later teardown is another VM's.
	 */
	*down = next_event(ev, n, *reg, EV_TORN_DOWN, ev[*reg].vmid);
	if (*down > next_event(ev, n, *reg + 1, EV_REGISTERED, ev[*reg].vmid))
		*down = n;
	if (*down == n) {
		snprintf(why, size, "the good guest's vmid %d was never torn "
			 "down ('" VMID "%d torn down, ...')", ev[*reg].vmid,
			 ev[*reg].vmid);
		return false;
	}
	return true;
}

/* Every page the guest owned came back, zeroed. */
static void check_scrubbed(struct verdicts *v, const char *log)
{
	size_t n, reg, down;
	struct vm_event *ev = vm_events(log, &n);
	bool ok = false;
	char why[300];

	if (good_guest_life(ev, n, &reg, &down, why, sizeof(why))) {
		const struct vm_event *d = &ev[down];

		ok = d->pages > 0 && d->not_zeroed == 0;
		snprintf(why, sizeof(why), "vmid %d torn down with %ld pages back "
			 "to the host, %ld not zeroed%s", d->vmid, d->pages,
			 d->not_zeroed, d->pages > 0 ? "" : " (it owned none?)");
	}
	verdict(v, ok, "guest-scrubbed", why);
	free(ev);
}

/* The next VM after the good guest's teardown got its VMID again. */
static void check_vmid_reused(struct verdicts *v, const char *log)
{
	size_t n, reg, down, next;
	struct vm_event *ev = vm_events(log, &n);
	bool ok = false;
	char why[300];

	if (good_guest_life(ev, n, &reg, &down, why, sizeof(why))) {
		next = next_event(ev, n, down, EV_REGISTERED, -1);
		if (next == n)
			snprintf(why, sizeof(why), "no VM was registered after "
				 "vmid %d was torn down", ev[down].vmid);
		else
			snprintf(why, sizeof(why), "the next VM after vmid %d's "
				 "teardown got vmid %d", ev[down].vmid,
				 ev[next].vmid);
		ok = next < n && ev[next].vmid == ev[down].vmid;
	}
	verdict(v, ok, "vmid-reused", why);
	free(ev);
}

/* ---- the bare-metal test guest (vmm/bmguest/) ---- */

#define BM "SEKVM-GUEST-BM: "
#define BM_SAID BM "bmguest: "

/*
 * What a guest OS may rely on of the machine, each one line of bmguest's
 * ("bmguest: PASS NAME[: detail]"), judged the same under SeKVM and
 * stock KVM (issue 14).
 */
static const char *const bm_checks[] = {
	"timer-virt", "timer-phys", "timer-phys-tval", "iabt",
	"breakpoint", "watchpoint", "single-step", NULL,
};

/* Why bmguest said nothing about name: from the run's last words. */
static void bm_silent(const char *log, const char *name, char *why, size_t size)
{
	char *exit_line = find_last_line(log, BM GUEST_EXIT);
	char *last = find_last_line(log, BM);

	if (!strstr(log, MARK "guest: start"))
		snprintf(why, size, "init never reached the guest step");
	else if (!last)
		snprintf(why, size, "the bare-metal guest never ran (no "
			 "/guest/bmguest.bin in the initramfs?)");
	else
		snprintf(why, size, "bmguest printed no line for %s; %s%s'%s'",
			 name, exit_line ? after_tag(exit_line, BM) : "the vmm "
			 "never exited", exit_line ? " after " : "; last: ",
			 after_tag(last, BM));
	free(exit_line);
	free(last);
}

/*
 * The line "PASS name" or "PASS name: ...", not "PASS name-more": a
 * check whose name starts another's ("timer-phys", "timer-phys-tval")
 * may come after it.
 */
static char *find_bm_pass(const char *log, const char *pass)
{
	size_t n = strlen(pass);

	for (const char *p = log; (p = strstr(p, pass)); p += n) {
		char c = p[n];

		if (c == '\0' || c == ':' || c == '\r' || c == '\n')
			return line_around(log, p);
	}
	return NULL;
}

static void check_bm_one(struct verdicts *v, const char *log, const char *name,
			 const struct boot_judge *j)
{
	char *pass = xasprintf(BM_SAID "PASS %s", name);
	char *fail = xasprintf(BM_SAID "FAIL %s:", name);
	char *fail_line = find_line(log, fail);
	char *pass_line = find_bm_pass(log, pass);
	bool ok = pass_line && !fail_line;
	char *check = xasprintf("bm-%s", name);
	char why[400] = "";

	if (j->bm_error)
		snprintf(why, sizeof(why), "no bare-metal guest: %s", j->bm_error);
	else if (fail_line)
		snprintf(why, sizeof(why), "%s", after_tag(fail_line, BM_SAID));
	else if (!ok)
		bm_silent(log, name, why, sizeof(why));
	verdict(v, ok && !j->bm_error, check, why);
	free(pass);
	free(fail);
	free(fail_line);
	free(pass_line);
	free(check);
}

/* It ran to its end and powered off through PSCI (vmm exit 0). */
static void check_bm_exit(struct verdicts *v, const char *log,
			  const struct boot_judge *j)
{
	bool done = find_line(log, BM_SAID "done") != NULL;
	bool off = log_has_line(log, BM GUEST_EXIT "0");
	char why[400] = "";

	if (j->bm_error)
		snprintf(why, sizeof(why), "no bare-metal guest: %s", j->bm_error);
	else if (!done || !off)
		bm_silent(log, "its end ('bmguest: done', then vmm exit 0)",
			  why, sizeof(why));
	verdict(v, done && off && !j->bm_error, "bm-exit", why);
}

static void check_bm(struct verdicts *v, const char *log,
		     const struct boot_judge *j)
{
	for (const char *const *c = bm_checks; *c; c++)
		check_bm_one(v, log, *c, j);
	check_bm_exit(v, log, j);
}

/* ---- all of it ---- */

static void check_sekvm_guest(struct verdicts *v, const char *log,
			      const struct boot_judge *j)
{
	check_guest_boot(v, log, j);
	check_guest_virtio(v, log, true);
	for (const struct attack *a = guest_attacks; a->check; a++)
		check_guest_attack(v, log, a);
	for (const struct refused_run *r = refused_runs; r->check; r++)
		check_refused(v, log, r, j);
	check_scrubbed(v, log);
	check_vmid_reused(v, log);
}

/*
 * The log without the guests' lines (init.sh tags them all with a tag
 * starting "SEKVM-GUEST"): the guest is the same Image, so its console
 * says much of what the host's does ("sekvm: reserved ...", "reboot:
 * Power down"), and the host's checks must not take its word.
 */
#define GUEST_TAGS "SEKVM-GUEST"

static char *host_lines(const char *log)
{
	size_t n = strlen(log), len = 0;
	char *out = xmalloc(n + 1);

	for (const char *p = log; *p;) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) + 1 : strlen(p);

		if (!memmem(p, l, GUEST_TAGS, strlen(GUEST_TAGS))) {
			memcpy(out + len, p, l);
			len += l;
		}
		p += l;
	}
	out[len] = '\0';
	return out;
}

void judge_boot_log(struct verdicts *v, const char *log,
		    const struct boot_judge *j)
{
	char *host = host_lines(log);

	check_common(v, host, j);
	if (j->kvm) {
		check_stock_kvm(v, host);
		check_guest_boot(v, log, j);
		check_guest_virtio(v, log, false);
	} else {
		check_sekvm_host(v, host);
		check_sekvm_guest(v, log, j);
	}
	if (j->guest_devices) {
		check_guest_blk(v, log);
		check_guest_net(v, log);
	}
	check_bm(v, log, j);
	free(host);
}
