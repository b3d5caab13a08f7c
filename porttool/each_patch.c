// SPDX-License-Identifier: GPL-2.0
/*
 * porttool build VER --each-patch: does the tree build after each patch,
 * with the port's options on and off?
 *
 * The commits of the port's branch ('porttool apply' made it: the base,
 * the corevisor install commit, one commit per patch) are built oldest
 * first, each twice: with the board's config fragment as it is ("on") and
 * with every CONFIG_SEKVM* symbol the fragment sets turned off ("off").
 *
 * The user's work tree, index, HEAD and branches are never touched: the
 * commits are checked out into OUT/src through a private index
 * (OUT/src.index), and from one commit to the next only the files that
 * differ are written, so that kbuild, with one build directory per config
 * (OUT/on, OUT/off) kept from commit to commit, rebuilds only what the
 * patch changed.  OUT/src.commit names the commit OUT/src holds, so that
 * the next run starts from there too.
 *
 * A build fails when make fails, when the config does not take the
 * fragment, or when the compiler warns in a file the commit adds or
 * changes with a warning the base commit's build (same config) did not
 * give for that file: the port READMEs promise that the patches compile
 * without warnings, and a warning in a file nobody touched is not the
 * patch's doing.
 */
#include "each_patch.h"
#include "kbuild.h"
#include "portbranch.h"
#include "sbuf.h"
#include "subproc.h"
#include "tempdir.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <git2/sys/repository.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SUBJECT_WIDTH 40
#define OPTION_PREFIX "CONFIG_SEKVM"
#define SHOW_WARNINGS 10

enum { CFG_ON, CFG_OFF, NCFG };
static const char *const cfg_name[NCFG] = { "on", "off" };

struct each_run {
	const struct port *p;
	const struct board *b;
	const struct each_patch_opts *o;
	char *tree, *out, *src, *stamp;
	char *fragment[NCFG];	/* the board's fragment, and its "off" copy */
	char *build_dir[NCFG];
	char *dtb_target;
	bool ccache;
	git_repository *repo;	/* the user's repository with a private index */
	git_tree *held;		/* the tree src holds; NULL: src is empty */
	struct strlist baseline[NCFG];	/* warnings of the base commit */
	size_t builds, ok, failed;
};

/* One commit to build: its label ("base", "corevisor", "0003/0018"). */
struct each_commit {
	git_commit *commit;
	char label[32];
	char *log_name;		/* "base", "corevisor", "0003" */
	struct strlist touched;	/* paths the commit adds or changes */
	bool is_base;
};

/* ---- the "off" fragment ---- */

/*
 * The fragment with each CONFIG_SEKVM* line that sets a value turned into
 * "# ... is not set"; the symbols turned off are added to syms.
 */
static char *fragment_off(const char *frag, struct strlist *syms)
{
	struct sbuf b = { 0 };

	for (const char *l = frag; *l;) {
		size_t len = strcspn(l, "\n");
		const char *eq = memchr(l, '=', len);

		if (!strncmp(l, OPTION_PREFIX, strlen(OPTION_PREFIX)) && eq) {
			char *sym = strndup(l, (size_t)(eq - l));

			sbuf_addf(&b, "# %s is not set", sym);
			if (!strlist_has(syms, sym))
				strlist_push(syms, sym);
			free(sym);
		} else {
			sbuf_add(&b, l, len);
		}
		sbuf_puts(&b, "\n");
		l += len + (l[len] == '\n');
	}
	return b.buf ? sbuf_detach(&b) : xstrdup("");
}

static int write_off_fragment(struct each_run *r)
{
	char *frag = read_file(r->fragment[CFG_ON], NULL), *off;
	struct strlist syms = { 0 };
	struct sbuf names = { 0 };
	int ret = -1;

	if (!frag) {
		error("cannot read %s: %s", r->fragment[CFG_ON], strerror(errno));
		return -1;
	}
	off = fragment_off(frag, &syms);
	if (!syms.n) {
		error("%s sets no %s* symbol: SEKVM on and off would be the "
		      "same build", r->fragment[CFG_ON], OPTION_PREFIX);
		goto out;
	}
	r->fragment[CFG_OFF] = xasprintf("%s/sekvm-off.config", r->out);
	if (write_file(r->fragment[CFG_OFF], off, strlen(off))) {
		error("cannot write %s: %s", r->fragment[CFG_OFF],
		      strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < syms.n; i++)
		sbuf_addf(&names, "%s%s", i ? ", " : "", syms.items[i]);
	info("SEKVM=off: %s turned off (%s)", names.buf,
	     r->fragment[CFG_OFF]);
	ret = 0;
out:
	sbuf_free(&names);
	strlist_free(&syms);
	free(frag);
	free(off);
	return ret;
}

/* ---- the private source directory ---- */

/*
 * A second handle on the user's repository whose index is OUT/src.index:
 * libgit2's checkout writes the index of the repository it is given, and
 * the user's must stay as it is.
 */
static int open_private_repo(struct each_run *r)
{
	char *index_path = xasprintf("%s/src.index", r->out);
	git_index *index = NULL;
	int ret = -1;

	if (git_repository_open_ext(&r->repo, r->tree,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		git_fail(r->tree);
		goto out;
	}
	if (git_index_open(&index, index_path) < 0 ||
	    git_repository_set_index(r->repo, index) < 0) {
		git_fail(index_path);
		goto out;
	}
	ret = 0;
out:
	git_index_free(index);	/* the repository holds its own reference */
	free(index_path);
	return ret;
}

/*
 * What OUT/src holds from the last run, per OUT/src.commit; when that is
 * missing or unknown here, start from an empty directory.
 */
static int resume_source(struct each_run *r)
{
	char *id = read_file(r->stamp, NULL);
	char *index_path = xasprintf("%s/src.index", r->out);
	git_oid oid;
	git_commit *c = NULL;
	int ret = 0;

	if (id && git_oid_fromstrn(&oid, id, strcspn(id, "\n")) == 0 &&
	    git_commit_lookup(&c, r->repo, &oid) == 0 &&
	    git_commit_tree(&r->held, c) == 0 && is_dir(r->src)) {
		info("%s holds %.12s from the last run; only what differs is "
		     "written", r->src, id);
		goto out;
	}
	git_tree_free(r->held);
	r->held = NULL;
	if (remove_tree(r->src) || (unlink(index_path) && errno != ENOENT))
		ret = -1;
	if (!ret && mkdir_p(r->src)) {
		error("cannot create %s: %s", r->src, strerror(errno));
		ret = -1;
	}
out:
	git_commit_free(c);
	free(id);
	free(index_path);
	return ret;
}

/* Make OUT/src hold commit c, writing only what differs from now. */
static int sync_source(struct each_run *r, git_commit *c)
{
	git_tree *to = NULL;
	char id[GIT_OID_HEXSZ + 2];

	if (git_commit_tree(&to, c) < 0)
		return git_fail("reading a branch commit's tree");
	/* A run killed half-way must not trust the directory. */
	if (unlink(r->stamp) && errno != ENOENT) {
		error("cannot remove %s: %s", r->stamp, strerror(errno));
		git_tree_free(to);
		return -1;
	}
	if (checkout_between_in(r->repo, r->held, to, GIT_CHECKOUT_FORCE,
				r->src) < 0) {
		git_tree_free(to);
		return -1;
	}
	git_tree_free(r->held);
	r->held = to;
	git_oid_tostr(id, sizeof(id) - 1, git_commit_id(c));
	strcat(id, "\n");
	if (write_file(r->stamp, id, strlen(id)))
		warning("cannot write %s: %s", r->stamp, strerror(errno));
	return 0;
}

/* ---- warnings ---- */

/*
 * "SRC/arch/arm64/kvm/arm.c:12:5: warning: unused ..." as the path in the
 * tree ("arch/arm64/kvm/arm.c") and the key "path: warning: text", which
 * leaves out the line and column so that a warning moved by a patch is
 * still the same warning.  False for a line without a file position.
 */
static bool parse_warning(const char *line, const char *src, char **path,
			  char **key)
{
	const char *w = strstr(line, ": warning: ");
	const char *colon = strchr(line, ':');
	size_t n = strlen(src);

	if (!w || !colon || colon > w || colon[1] < '0' || colon[1] > '9')
		return false;
	if (!strncmp(line, src, n) && line[n] == '/')
		line += n + 1;
	while (!strncmp(line, "./", 2))
		line += 2;
	colon = strchr(line, ':');
	*path = strndup(line, (size_t)(colon - line));
	*key = xasprintf("%s%s", *path, w);
	return true;
}

/* The warnings of a build that are new in files the commit touches. */
static void new_warnings(const struct each_run *r, int cfg,
			 const struct each_commit *ec,
			 const struct strlist *warnings, struct strlist *out)
{
	for (size_t i = 0; i < warnings->n; i++) {
		char *path, *key;

		if (!parse_warning(warnings->items[i], r->src, &path, &key))
			continue;
		if (strlist_has(&ec->touched, path) &&
		    !strlist_has(&r->baseline[cfg], key) &&
		    !strlist_has(out, warnings->items[i]))
			strlist_push(out, warnings->items[i]);
		free(path);
		free(key);
	}
}

static void remember_baseline(struct each_run *r, int cfg,
			      const struct strlist *warnings)
{
	for (size_t i = 0; i < warnings->n; i++) {
		char *path, *key;

		if (!parse_warning(warnings->items[i], r->src, &path, &key))
			continue;
		if (!strlist_has(&r->baseline[cfg], key))
			strlist_push(&r->baseline[cfg], key);
		free(path);
		free(key);
	}
}

/* ---- one build ---- */

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* make, through the same kbuild_run as 'porttool build'; 0 when it built. */
static int run_kbuild(const struct each_run *r, int cfg, const char *log_path,
		      struct strlist *errors, struct strlist *warnings)
{
	struct kbuild kb = {
		.src = r->src, .out = r->build_dir[cfg],
		.fragment = r->fragment[cfg], .dtb_target = r->dtb_target,
		.hostcc = r->p->build_hostcc, .ccache = r->ccache,
		.quiet = true, .no_install = true,
		.errors = errors, .warnings = warnings,
	};
	int ret;

	kb.log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			 0666);
	if (kb.log_fd < 0) {
		char *msg = xasprintf("cannot create %s: %s", log_path,
				      strerror(errno));

		strlist_push(errors, msg);
		free(msg);
		return -1;
	}
	kb.log_path = (char *)log_path;
	ret = kbuild_run(&kb);
	close(kb.log_fd);
	return ret;
}

static void print_indented(const struct strlist *l, size_t max)
{
	for (size_t i = 0; i < l->n && i < max; i++)
		printf("    %s\n", l->items[i]);
	if (l->n > max)
		printf("    ... and %zu more\n", l->n - max);
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/*
 * How much of a subject the line shows: all of it up to SUBJECT_WIDTH,
 * else up to the last word boundary before that ("... Build the
 * corevisor ...", not "corevisor a ...").
 */
static int subject_width(const char *subject)
{
	int n = SUBJECT_WIDTH;

	if (strlen(subject) <= SUBJECT_WIDTH)
		return (int)strlen(subject);
	while (n > 0 && subject[n] != ' ')
		n--;
	return n ? n : SUBJECT_WIDTH;
}

/* Build one commit in one config and print its line. */
static void build_one(struct each_run *r, const struct each_commit *ec,
		      int cfg)
{
	char *log_path = xasprintf("%s/logs/%s-%s.log", r->out, ec->log_name,
				   cfg_name[cfg]);
	struct strlist errors = { 0 }, warnings = { 0 }, fresh = { 0 };
	const char *subject = git_commit_summary(ec->commit);
	double t0 = now_seconds(), secs;
	bool built;

	info("building %s SEKVM=%s", ec->label, cfg_name[cfg]);
	built = run_kbuild(r, cfg, log_path, &errors, &warnings) == 0;
	secs = now_seconds() - t0;
	if (ec->is_base)
		remember_baseline(r, cfg, &warnings);
	else
		new_warnings(r, cfg, ec, &warnings, &fresh);
	r->builds++;
	if (!subject)
		subject = "";
	printf("%s %.*s%s SEKVM=%s %s (%.0f s, %zu warning%s", ec->label,
	       subject_width(subject), subject,
	       strlen(subject) > SUBJECT_WIDTH ? " ..." : "", cfg_name[cfg],
	       built && !fresh.n ? "ok" : "FAILED", secs, warnings.n,
	       plural(warnings.n));
	if (fresh.n)
		printf(", %zu new in files the patch touches", fresh.n);
	printf(")\n");
	if (built && !fresh.n) {
		r->ok++;
	} else {
		r->failed++;
		print_indented(&errors, 12);
		print_indented(&fresh, SHOW_WARNINGS);
		printf("    log: %s\n", log_path);
	}
	fflush(stdout);
	strlist_free(&errors);
	strlist_free(&warnings);
	strlist_free(&fresh);
	free(log_path);
}

/* ---- the branch ---- */

/* The paths a commit adds or changes against its first parent. */
static int touched_paths(git_repository *repo, git_commit *c,
			 struct strlist *out)
{
	git_commit *parent = NULL;
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	int ret = -1;

	if (git_commit_parent(&parent, c, 0) < 0 ||
	    git_commit_tree(&a, parent) < 0 || git_commit_tree(&b, c) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, a, b, NULL) < 0) {
		git_fail("listing the files a commit changes");
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status != GIT_DELTA_DELETED)
			strlist_push(out, d->new_file.path);
	}
	ret = 0;
out:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	git_commit_free(parent);
	return ret;
}

/* The branch 'porttool apply' made: refs/heads/<port branch>. */
static int branch_tip(const struct each_run *r, git_oid *tip)
{
	char *ref = xasprintf("refs/heads/%s", r->p->branch);
	int ret = 0;

	if (git_reference_name_to_id(tip, r->repo, ref) < 0) {
		error("branch '%s' is not in '%s'; make it with 'porttool "
		      "apply %s --tree %s'", r->p->branch, r->tree,
		      r->p->version, r->tree);
		ret = -1;
	}
	free(ref);
	return ret;
}

/* Label commit i of the branch (index into bc; -1 for the base). */
static int describe_commit(struct each_run *r, const struct branch_commits *bc,
			   long i, struct each_commit *ec)
{
	size_t total = bc->n - (bc->corevisor >= 0), nr = 0;

	memset(ec, 0, sizeof(*ec));
	if (i < 0) {
		ec->is_base = true;
		ec->log_name = xstrdup("base");
		snprintf(ec->label, sizeof(ec->label), "base");
		return 0;
	}
	for (long k = 0; k <= i; k++)
		nr += k != bc->corevisor;
	if (i == bc->corevisor) {
		ec->log_name = xstrdup("corevisor");
		snprintf(ec->label, sizeof(ec->label), "corevisor");
	} else {
		ec->log_name = xasprintf("%04zu", nr);
		snprintf(ec->label, sizeof(ec->label), "%04zu/%04zu", nr,
			 total);
	}
	if (git_commit_lookup(&ec->commit, r->repo, &bc->ids[i]) < 0)
		return git_fail("reading a branch commit");
	return touched_paths(r->repo, ec->commit, &ec->touched);
}

static void each_commit_free(struct each_commit *ec)
{
	git_commit_free(ec->commit);
	free(ec->log_name);
	strlist_free(&ec->touched);
}

/* Build every commit, base first; -1 when one could not be checked out. */
static int build_commits(struct each_run *r, git_commit *base,
			 const struct branch_commits *bc)
{
	for (long i = -1; i < (long)bc->n; i++) {
		struct each_commit ec;
		int ret = describe_commit(r, bc, i, &ec);

		if (i < 0)
			git_commit_dup(&ec.commit, base);
		if (!ret)
			ret = sync_source(r, ec.commit);
		for (int cfg = 0; !ret && cfg < NCFG; cfg++) {
			if (r->o->stop_on_failure && r->failed)
				break;
			build_one(r, &ec, cfg);
		}
		each_commit_free(&ec);
		if (ret)
			return -1;
		if (r->o->stop_on_failure && r->failed)
			break;
	}
	return 0;
}

/* ---- setup ---- */

static int prepare_dirs(struct each_run *r)
{
	char *logs = xasprintf("%s/logs", r->out);
	int ret = 0;

	r->src = xasprintf("%s/src", r->out);
	r->stamp = xasprintf("%s/src.commit", r->out);
	for (int cfg = 0; cfg < NCFG; cfg++) {
		r->build_dir[cfg] = xasprintf("%s/%s", r->out, cfg_name[cfg]);
		if (mkdir_p(r->build_dir[cfg]))
			ret = -1;
	}
	if (mkdir_p(logs))
		ret = -1;
	if (ret)
		error("cannot create the build directories in %s: %s", r->out,
		      strerror(errno));
	free(logs);
	return ret;
}

static int setup(struct each_run *r)
{
	char *def = default_build_dir(r->p, r->b->name, false);
	char *want_out = r->o->out ? xstrdup(r->o->out) :
			 xasprintf("%s-each", def);
	char *ccache = find_program("ccache");
	int ret = -1;

	r->ccache = ccache != NULL;
	r->dtb_target = board_dtb_target(r->b);
	if (!(r->fragment[CFG_ON] = board_fragment(r->p, r->b)) ||
	    kbuild_check_cross_compiler() ||
	    !(r->tree = kbuild_resolve_tree(r->p, r->o->tree)) ||
	    !(r->out = kbuild_prepare_out(want_out, r->tree, r->tree)) ||
	    prepare_dirs(r) || write_off_fragment(r) || open_private_repo(r))
		goto out;
	ret = 0;
out:
	free(ccache);
	free(want_out);
	free(def);
	return ret;
}

static void run_free(struct each_run *r)
{
	git_tree_free(r->held);
	git_repository_free(r->repo);
	for (int cfg = 0; cfg < NCFG; cfg++) {
		free(r->fragment[cfg]);
		free(r->build_dir[cfg]);
		strlist_free(&r->baseline[cfg]);
	}
	free(r->tree);
	free(r->out);
	free(r->src);
	free(r->stamp);
	free(r->dtb_target);
}

int build_each_patch(const struct port *p, const struct board *b,
		     const struct each_patch_opts *o)
{
	struct each_run r = { .p = p, .b = b, .o = o };
	struct branch_commits bc = { 0 };
	git_commit *base = NULL;
	git_oid tip;
	double t0 = now_seconds();
	int ret = EXIT_FAIL;

	if (setup(&r) || port_base_commit(r.repo, p, &base) < 0 ||
	    branch_tip(&r, &tip) < 0 ||
	    list_branch_commits(r.repo, git_commit_id(base), &tip, &bc) < 0 ||
	    resume_source(&r) < 0)
		goto out;
	info("each-patch: v%s for %s, %zu commit(s) of %s on %s, into %s%s",
	     p->version, b->name, bc.n, p->branch,
	     p->base_tag ? p->base_tag : p->base_commit, r.out,
	     r.ccache ? " (ccache)" : "");
	if (build_commits(&r, base, &bc) < 0)
		goto out;
	printf("each-patch: %zu builds, %zu ok, %zu failed\n", r.builds,
	       r.ok, r.failed);
	printf("each-patch: %.0f s in all; logs in %s/logs\n",
	       now_seconds() - t0, r.out);
	if (!r.failed)
		ret = EXIT_OK;
out:
	branch_commits_free(&bc);
	git_commit_free(base);
	run_free(&r);
	return ret;
}
