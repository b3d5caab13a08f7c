// SPDX-License-Identifier: GPL-2.0
/*
 * porttool: the command table and the one setup path every command shares.
 *
 * Like git.c: a table of (name, function, summary); main() initialises
 * libgit2 once, finds the project's ports/ directory, strips the global
 * options and hands the rest of argv to the subcommand.
 */
#include "builtin.h"
#include "porttool.h"

#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmd_help(struct porttool_ctx *ctx, int argc, char **argv);

static const struct command commands[] = {
	{ "list", cmd_list, "list the ports, their bases and boards" },
	{ "tree", cmd_tree, "prepare a base kernel tree as a git repository" },
	{ "apply", cmd_apply, "apply a port onto its base as a branch" },
	{ "status", cmd_status, "show which port a tree carries, and drift" },
	{ "export", cmd_export, "write a branch back into ports/vX.Y" },
	{ "rebase", cmd_rebase, "replay a port onto another base" },
	{ "build", cmd_build, "cross-build the kernel for a board" },
	{ "check", cmd_check, "check the corevisor's isolation in a build" },
	{ "boot", cmd_boot, "boot a build in QEMU and run the checks" },
	{ "mail", cmd_mail, "send a port's series to its maintainers" },
	{ "rootfs", cmd_rootfs, "build the application workloads' root filesystem" },
	{ "bench", cmd_bench, "benchmark a guest: SeKVM against stock KVM" },
	{ "report", cmd_report, "the benchmark results as a table, plots and a page" },
	{ "lava", cmd_lava, "write LAVA jobs for a build; read LAVA's results" },
	{ "patch-id", cmd_patch_id,
	  "compute patch-ids as porttool mails them (as git patch-id)" },
	{ "mailinfo", cmd_mailinfo,
	  "show what apply takes from a patch mail (as git mailinfo)" },
	{ "help", cmd_help, "show help for a command" },
	{ NULL, NULL, NULL },
};

const struct command *find_command(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void print_main_usage(FILE *out)
{
	fprintf(out,
		"usage: porttool [--ports DIR] COMMAND [ARGS]\n\n"
		"Port SeKVM's hostvisor across Linux versions.\n\n"
		"Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-8s %s\n", c->name, c->summary);
	fprintf(out, "\n'porttool help COMMAND' or 'porttool COMMAND --help' "
		     "shows a command's options.\n");
}

static int cmd_help(struct porttool_ctx *ctx, int argc, char **argv)
{
	const struct command *c;
	char *args[] = { NULL, "--help", NULL };

	if (argc < 2) {
		print_main_usage(stdout);
		return EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c || c->fn == cmd_help) {
		error("unknown command '%s'", argv[1]);
		return EXIT_USAGE;
	}
	args[0] = (char *)c->name;
	return c->fn(ctx, 2, args);
}

/*
 * The project directory is where the running binary's ports/ lives: the
 * build tree (porttool/porttool -> ..) or, once installed, the directory
 * recorded at build time (PORTTOOL_PROJECT_DIR).
 */
static const char *find_project_dir(void)
{
	static char buf[PATH_MAX];
	const char *env = getenv("PORTTOOL_PROJECT_DIR");
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		slash = strrchr(buf, '/');
		if (slash) {
			*slash = '\0';	/* .../porttool */
			slash = strrchr(buf, '/');
			if (slash) {
				*slash = '\0';
				char *ports = xasprintf("%s/ports", buf);
				bool ok = is_dir(ports);

				free(ports);
				if (ok)
					return buf;
			}
		}
	}
#ifdef PROJECT_DIR
	return PROJECT_DIR;
#else
	return ".";
#endif
}

/*
 * --ports DIR is taken wherever it stands, before or after the command
 * name, so that "porttool --ports D list" and "porttool list --ports D" are
 * the same.  It is removed from argv before the subcommand parses the rest.
 */
static int take_ports_option(int argc, char **argv, const char **ports)
{
	int in, out = 0;

	for (in = 0; in < argc; in++) {
		if (!strcmp(argv[in], "--")) {
			while (in < argc)
				argv[out++] = argv[in++];
			break;
		}
		if (!strcmp(argv[in], "--ports")) {
			if (in + 1 >= argc) {
				error("option '--ports' needs a value");
				return -1;
			}
			*ports = argv[++in];
		} else if (!strncmp(argv[in], "--ports=", 8)) {
			*ports = argv[in] + 8;
		} else {
			argv[out++] = argv[in];
		}
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	struct porttool_ctx ctx = { .argv0 = argv[0] };
	const struct command *cmd;
	char *ports_default = NULL;
	int i = 1, ret;

	argc = take_ports_option(argc, argv, &ctx.ports_dir);
	if (argc < 0)
		return EXIT_USAGE;
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_main_usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("porttool %s\n", PORTTOOL_VERSION);
			return EXIT_OK;
		}
		error("unknown option '%s'", argv[i]);
		print_main_usage(stderr);
		return EXIT_USAGE;
	}
	if (i >= argc) {
		print_main_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[i]);
	if (!cmd) {
		error("'%s' is not a porttool command; see 'porttool --help'",
		      argv[i]);
		return EXIT_USAGE;
	}
	ctx.project_dir = find_project_dir();
	if (!ctx.ports_dir) {
		ports_default = xasprintf("%s/ports", ctx.project_dir);
		ctx.ports_dir = ports_default;
	}
	if (!is_dir(ctx.ports_dir)) {
		error("ports directory '%s' does not exist", ctx.ports_dir);
		free(ports_default);
		return EXIT_FAIL;
	}
	git_libgit2_init();
	ret = cmd->fn(&ctx, argc - i, argv + i);
	git_libgit2_shutdown();
	free(ports_default);
	return ret;
}
