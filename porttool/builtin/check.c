// SPDX-License-Identifier: GPL-2.0
/*
 * porttool check VER [--board B] [--out DIR]
 *
 * Static checks of a build's isolation, with libelf and libfdt:
 *  - the corevisor sits in its own section of vmlinux, between its start
 *    and end symbols;
 *  - the bytes there are corevisor/out/corevisor.bin, byte for byte (the
 *    one corevisor binary behind every port);
 *  - the corevisor ELF refers to nothing outside itself: no undefined
 *    symbols, no relocation against one (it must not call into, or read,
 *    the untrusted host kernel);
 *  - the board's DTB has the nodes the corevisor needs;
 *  - the built .config has what the board's config fragment sets (build
 *    checks that too, but a build made otherwise, or before the fragment
 *    changed, had no such check).
 * Then the size of the trusted base.  One line a check, PASS or FAIL.
 */
#include "builtin.h"
#include "config_check.h"
#include "dtb.h"
#include "elfcheck.h"
#include "kbuild.h"
#include "qemu.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Where the port puts the corevisor in vmlinux.  The nVHE hyp objects of
 * 5.10 prefix their symbols with __kvm_nvhe_, so both spellings count.
 */
#define COREVISOR_SECTION ".sekvm.corevisor"
static const char *const start_symbols[] = {
	"__sekvm_corevisor_start", "__kvm_nvhe___sekvm_corevisor_start", NULL,
};
static const char *const end_symbols[] = {
	"__sekvm_corevisor_end", "__kvm_nvhe___sekvm_corevisor_end", NULL,
};

/* The corevisor's trusted sources, counted for the trusted base's size. */
static const char *const trusted_dirs[] = {
	"core", "arch/aarch64", "crypto", "include", NULL,
};

static const char *opt_board = "qemu";
static const char *opt_out;
static bool opt_kvm;

static const struct option check_options[] = {
	{ OPT_STRING, "board", &opt_board, "B", "board of the build (default: qemu)" },
	{ OPT_STRING, "out", &opt_out, "DIR", "build output (default: build's default for the board)" },
	{ OPT_BOOL, "kvm", &opt_kvm, NULL, "check the stock-KVM build (expected to fail: no corevisor)" },
	{ OPT_END },
};

static const struct usage check_usage = {
	.synopsis = "porttool check VER [--board B] [--out DIR] [--kvm]",
	.description =
		"Check that vmlinux embeds corevisor/out/corevisor.bin byte for byte in its own\n"
		"section, that the corevisor refers to no host kernel symbol, and that the\n"
		"board's DTB has the nodes the corevisor needs, and that the built .config has\n"
		"what the board's config fragment sets; print the trusted base's size.\n"
		"One line per check: 'PASS name' or 'FAIL name: why'; exit 1 on any FAIL.",
	.opts = check_options,
};

struct checker {
	int failed, passed;
};

static void pass(struct checker *c, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct checker *c, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void pass(struct checker *c, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("PASS %s", name);
	if (fmt) {
		printf(" (");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf(")");
	}
	printf("\n");
	c->passed++;
}

static void fail(struct checker *c, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	c->failed++;
}

static int find_first_symbol(struct elf_file *ef, const char *const *names,
			     uint64_t *value, const char **which)
{
	for (; *names; names++)
		if (!elf_find_symbol(ef, *names, value)) {
			*which = *names;
			return 0;
		}
	return -1;
}

/* The embedded range [start, end) of vmlinux, inside its own section. */
static int check_embedding(struct checker *c, struct elf_file *vm,
			   uint64_t *start, uint64_t *end)
{
	struct elf_section_info sec;
	const char *sname = NULL, *ename = NULL;

	if (elf_find_section(vm, COREVISOR_SECTION, &sec)) {
		fail(c, "corevisor-section", "vmlinux has no %s section (a "
		     "stock build, or the port does not embed the corevisor)",
		     COREVISOR_SECTION);
		return -1;
	}
	pass(c, "corevisor-section", "%s at 0x%llx, %llu bytes", sec.name,
	     (unsigned long long)sec.addr, (unsigned long long)sec.size);
	if (find_first_symbol(vm, start_symbols, start, &sname) ||
	    find_first_symbol(vm, end_symbols, end, &ename)) {
		fail(c, "corevisor-bounds", "vmlinux lacks the symbol %s",
		     sname ? end_symbols[0] : start_symbols[0]);
		return -1;
	}
	if (*start > *end || *start < sec.addr || *end > sec.addr + sec.size) {
		fail(c, "corevisor-bounds", "%s..%s (0x%llx..0x%llx) is not "
		     "inside %s (0x%llx..0x%llx)", sname, ename,
		     (unsigned long long)*start, (unsigned long long)*end,
		     sec.name, (unsigned long long)sec.addr,
		     (unsigned long long)(sec.addr + sec.size));
		return -1;
	}
	pass(c, "corevisor-bounds", "%s..%s, %llu bytes", sname, ename,
	     (unsigned long long)(*end - *start));
	return 0;
}

static void check_bytes(struct checker *c, struct elf_file *vm, uint64_t start,
			uint64_t end, const char *bin_path)
{
	size_t len = 0, size = (size_t)(end - start);
	char *bin = read_file(bin_path, &len), *embedded;

	if (!bin) {
		fail(c, "corevisor-bytes", "cannot read %s: %s (run 'make -C "
		     "corevisor')", bin_path, strerror(errno));
		return;
	}
	embedded = xmalloc(size);
	if (elf_read_vaddr(vm, start, embedded, size)) {
		fail(c, "corevisor-bytes", "cannot read the embedded image");
	} else if (len != size) {
		fail(c, "corevisor-bytes", "vmlinux embeds %zu bytes, %s has %zu",
		     size, bin_path, len);
	} else if (memcmp(bin, embedded, len)) {
		size_t i = 0;

		while (bin[i] == embedded[i])
			i++;
		fail(c, "corevisor-bytes", "embedded image differs from %s "
		     "first at offset 0x%zx", bin_path, i);
	} else {
		char hex[65];

		pass(c, "corevisor-bytes", "%zu bytes equal %s", len, bin_path);
		/* The one corevisor: compare this line across ports' builds. */
		sha256_hex(embedded, len, hex);
		printf("corevisor sha256: %s\n", hex);
	}
	free(bin);
	free(embedded);
}

static void report_list(const char *what, const struct strlist *l)
{
	for (size_t i = 0; i < l->n && i < 10; i++)
		printf("    %s %s\n", what, l->items[i]);
	if (l->n > 10)
		printf("    ... and %zu more\n", l->n - 10);
}

static void check_self_contained(struct checker *c, const char *elf_path)
{
	struct elf_file *ef = elf_file_open(elf_path);
	struct strlist undef = { 0 }, relocs = { 0 };

	if (!ef) {
		fail(c, "corevisor-no-undefined", "cannot open %s (run 'make -C "
		     "corevisor')", elf_path);
		fail(c, "corevisor-relocs-internal", "cannot open %s", elf_path);
		return;
	}
	elf_undefined_refs(ef, &undef, &relocs);
	if (elf_file_machine(ef) != EM_AARCH64)
		fail(c, "corevisor-elf", "%s is not an aarch64 ELF", elf_path);
	if (undef.n) {
		fail(c, "corevisor-no-undefined", "%zu undefined symbol%s in %s",
		     undef.n, undef.n == 1 ? "" : "s", elf_path);
		report_list("undefined:", &undef);
	} else {
		pass(c, "corevisor-no-undefined", NULL);
	}
	if (relocs.n) {
		fail(c, "corevisor-relocs-internal", "%zu relocation%s against "
		     "symbols outside the corevisor", relocs.n,
		     relocs.n == 1 ? "" : "s");
		report_list("relocation:", &relocs);
	} else {
		pass(c, "corevisor-relocs-internal", NULL);
	}
	strlist_free(&undef);
	strlist_free(&relocs);
	elf_file_close(ef);
}

/* ---- trusted base size ---- */

static unsigned long count_lines(const char *path)
{
	size_t len = 0;
	char *buf = read_file(path, &len);
	unsigned long n = 0;

	for (size_t i = 0; buf && i < len; i++)
		n += buf[i] == '\n';
	free(buf);
	return n;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* Tests and benchmarks live next to the code but never run at EL2. */
static bool is_untrusted_dir(const char *name)
{
	return !strcmp(name, "test") || !strcmp(name, "tests") ||
	       !strcmp(name, "bench");
}

static void count_dir(const char *dir, unsigned long *c_lines,
		      unsigned long *asm_lines, unsigned *files)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *path;

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (is_dir(path)) {
			if (!is_untrusted_dir(e->d_name))
				count_dir(path, c_lines, asm_lines, files);
		} else if (has_suffix(path, ".c") || has_suffix(path, ".h")) {
			*c_lines += count_lines(path);
			(*files)++;
		} else if (has_suffix(path, ".S")) {
			*asm_lines += count_lines(path);
			(*files)++;
		}
		free(path);
	}
	if (d)
		closedir(d);
}

static void print_trusted_base(const char *corevisor_dir, const char *elf_path)
{
	unsigned long c_lines = 0, asm_lines = 0;
	unsigned files = 0;
	struct elf_file *ef;

	for (const char *const *d = trusted_dirs; *d; d++) {
		char *dir = xasprintf("%s/%s", corevisor_dir, *d);

		count_dir(dir, &c_lines, &asm_lines, &files);
		free(dir);
	}
	printf("trusted base: %lu lines of C, %lu lines of asm in %u files "
	       "(corevisor/{core,arch/aarch64,crypto,include})\n",
	       c_lines, asm_lines, files);
	ef = elf_file_open(elf_path);
	if (!ef)
		return;
	printf("trusted base: %s: .text %llu, .rodata %llu, .data %llu, "
	       ".bss %llu bytes\n", elf_path,
	       (unsigned long long)elf_section_bytes(ef, ".text"),
	       (unsigned long long)elf_section_bytes(ef, ".rodata"),
	       (unsigned long long)elf_section_bytes(ef, ".data"),
	       (unsigned long long)elf_section_bytes(ef, ".bss"));
	elf_file_close(ef);
}

/* ---- the board's device tree ---- */

static void check_board_dtb(struct checker *c, const struct board *b,
			    const char *out)
{
	char *dtb = board_dtb_path(b, out);
	char *qemu_dtb = NULL;
	int failed;

	if (!dtb) {	/* qemu: the machine's own tree, for this kernel */
		char *image = xasprintf("%s/arch/arm64/boot/Image", out);
		struct qemu_run q = { .kernel = image };
		int err;

		qemu_dtb = xasprintf("%s/qemu-virt.dtb", out);
		err = qemu_dump_dtb(&q, qemu_dtb);
		free(image);
		if (err) {
			fail(c, "dtb", "cannot get QEMU's device tree");
			free(qemu_dtb);
			return;
		}
		dtb = qemu_dtb;
		qemu_dtb = NULL;
	}
	fflush(stdout);
	failed = dtb_check_nodes(dtb, stdout);
	if (failed > 0)
		c->failed += failed;
	else if (failed < 0)
		c->failed++;
	c->passed += failed >= 0 ? DTB_CHECKS - failed : 0;
	free(dtb);
}

/* ---- the board's config fragment against the built .config ---- */

struct config_findings {
	int errors;
	char *first;	/* the first error, for the FAIL line */
};

/* Every finding goes to stderr; the first error also to the FAIL line. */
static void config_finding(void *ctx, bool is_error, const char *msg)
{
	struct config_findings *f = ctx;

	fprintf(stderr, "porttool: %s: %s\n", is_error ? "error" : "note", msg);
	if (is_error && !f->errors++)
		f->first = xstrdup(msg);
}

/*
 * The tree the build came from, for its Kconfig: the kernel's O= build
 * leaves a "source" link to it.
 */
static void check_config(struct checker *c, const struct port *p,
			 const struct board *b, const char *out)
{
	char *fragment = board_fragment(p, b);
	char *config = xasprintf("%s/.config", out);
	char *source = xasprintf("%s/source", out);
	char *srctree = realpath(source, NULL);
	struct config_findings f = { 0 };
	int checked = 0, bad;

	if (!fragment) {
		fail(c, "config", "board '%s' has no config fragment", b->name);
		goto out;
	}
	fflush(stdout);
	bad = config_compare(fragment, config, srctree, config_finding, &f,
			     &checked);
	if (bad < 0)
		fail(c, "config", "%s", f.first ? f.first : "cannot compare");
	else if (bad)
		fail(c, "config", "%d of %d symbols of %s not as it sets them, "
		     "first: %s", bad, checked, fragment, f.first);
	else
		pass(c, "config", "%d symbols as %s sets them", checked,
		     fragment);
out:
	free(f.first);
	free(fragment);
	free(config);
	free(source);
	free(srctree);
}

static int run_checks(const struct porttool_ctx *ctx, const struct port *p,
		      const struct board *b, const char *out)
{
	struct checker c = { 0 };
	char *vmlinux = xasprintf("%s/vmlinux", out);
	char *cv_dir = xasprintf("%s/corevisor", ctx->project_dir);
	char *cv_elf = xasprintf("%s/out/corevisor.elf", cv_dir);
	char *cv_bin = xasprintf("%s/out/corevisor.bin", cv_dir);
	struct elf_file *vm = NULL;
	uint64_t start = 0, end = 0;

	if (!is_file(vmlinux)) {
		error("%s does not exist; run 'porttool build %s --board %s%s' "
		      "first", vmlinux, p->version, b->name,
		      opt_out ? " --out DIR" : "");
		free(vmlinux);
		free(cv_dir);
		free(cv_elf);
		free(cv_bin);
		return EXIT_FAIL;
	}
	vm = elf_file_open(vmlinux);
	if (!vm)
		fail(&c, "vmlinux", "%s is not a readable ELF file", vmlinux);
	else if (elf_file_machine(vm) != EM_AARCH64)
		fail(&c, "vmlinux", "%s is not an aarch64 kernel", vmlinux);
	else
		pass(&c, "vmlinux", "%s", vmlinux);
	if (vm && !check_embedding(&c, vm, &start, &end))
		check_bytes(&c, vm, start, end, cv_bin);
	else
		fail(&c, "corevisor-bytes", "no embedded corevisor to compare");
	check_self_contained(&c, cv_elf);
	check_board_dtb(&c, b, out);
	check_config(&c, p, b, out);
	print_trusted_base(cv_dir, cv_elf);
	printf("%d passed, %d failed\n", c.passed, c.failed);
	elf_file_close(vm);
	free(vmlinux);
	free(cv_dir);
	free(cv_elf);
	free(cv_bin);
	return c.failed ? EXIT_FAIL : EXIT_OK;
}

int cmd_check(struct porttool_ctx *ctx, int argc, char **argv)
{
	int n = parse_options(argc, argv, &check_usage), ret = EXIT_FAIL;
	struct port *p;
	struct board *b;
	char *out;

	if (n != 1)
		usage_error(&check_usage, n ? "too many arguments" :
			    "which version? e.g. 'porttool check 5.10'");
	p = port_load(ctx, argv[1]);
	if (!p)
		return EXIT_FAIL;
	b = port_board_or_error(p, opt_board);
	if (b) {
		out = opt_out ? xstrdup(opt_out) : default_build_dir(p, b->name, opt_kvm);
		ret = run_checks(ctx, p, b, out);
		free(out);
	}
	port_free(p);
	return ret;
}
