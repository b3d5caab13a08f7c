// SPDX-License-Identifier: GPL-2.0
/*
 * porttool rebase VER --onto REF [--as NEWVER] [--tree DIR]
 * porttool rebase [VER] --continue | --abort [--tree DIR]
 *
 * Replay the port branch's commits (the corevisor install commit and one
 * commit per patch) onto another base with a three-way merge of each
 * commit (git_merge_trees: ancestor = the commit's parent, ours = the new
 * branch so far, theirs = the commit), keeping author, date and message.
 *
 * While nothing conflicts everything happens in memory; at the end the
 * work tree is checked out once and the branch moved (or, with --as, a
 * new branch sekvm/vNEWVER made and exported as ports/vNEWVER).  On a
 * conflict the tree is moved to the commits replayed so far, the
 * conflicting commit is cherry-picked into the index and work tree with
 * conflict markers, and the state is saved in <gitdir>/porttool-rebase:
 * the user resolves, stages with git add and runs --continue; --abort
 * puts HEAD, the index bytes and the work tree back as they were.  No
 * branch moves before the rebase completes.
 */
#include "builtin.h"
#include "porttool.h"
#include "corevisor_install.h"
#include "export_port.h"
#include "portbranch.h"
#include "series_apply.h"
#include "rebase_state.h"
#include "default_tree.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static const char *tree_dir, *onto, *as_version;
static bool do_continue, do_abort;

static const struct option rebase_options[] = {
	{ OPT_STRING, "onto", &onto, "REF",
	  "the new base: a tag, branch or commit in the kernel tree" },
	{ OPT_STRING, "as", &as_version, "NEWVER",
	  "make the result a new port ports/vNEWVER on branch sekvm/vNEWVER" },
	{ OPT_STRING, "tree", &tree_dir, "DIR",
	  "kernel git repository (default: the port's default tree)" },
	{ OPT_BOOL, "continue", &do_continue, NULL,
	  "go on after the conflicts were resolved and staged" },
	{ OPT_BOOL, "abort", &do_abort, NULL,
	  "stop and put everything back as it was before the rebase" },
	{ OPT_END },
};

static const struct usage rebase_usage = {
	"porttool rebase VER --onto REF [--as NEWVER] [--tree DIR]\n"
	"   or: porttool rebase [VER] --continue | --abort [--tree DIR]",
	"Replay the port's branch onto another base, merging three-way.",
	rebase_options,
};

/* ---- replaying one commit ---- */

static int commit_like(git_oid *out, git_repository *repo, git_commit *orig,
		       git_tree *tree, git_commit *parent)
{
	git_signature *committer;
	int ret;

	if (committer_signature(&committer, repo, git_commit_author(orig)) < 0)
		return -1;
	ret = git_commit_create(out, repo, NULL, git_commit_author(orig),
				committer, git_commit_message_encoding(orig),
				git_commit_message_raw(orig), tree, 1,
				(const git_commit **)&parent);
	git_signature_free(committer);
	return ret < 0 ? git_fail("creating a replayed commit") : 0;
}

/* The paths commit c changes against its parent (both sides of renames). */
static int paths_changed_by(git_repository *repo, git_tree *from, git_tree *to,
			    struct strlist *paths)
{
	git_diff *diff;

	if (git_diff_tree_to_tree(&diff, repo, from, to, NULL) < 0)
		return git_fail("diffing a commit");
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (!strlist_has(paths, d->old_file.path))
			strlist_push(paths, d->old_file.path);
		if (!strlist_has(paths, d->new_file.path))
			strlist_push(paths, d->new_file.path);
	}
	git_diff_free(diff);
	return 0;
}

/*
 * Merge commit c onto tip in memory.  Returns 0 with *out set, 1 when the
 * merge conflicts, -1 on error.
 *
 * Only the paths c changes can differ from tip in the result, so the
 * three-way merge runs on trees holding just those paths (ancestor = c's
 * parent, ours = tip, theirs = c) and its result is grafted onto tip: a
 * kernel tree has 70,000 files and git_merge_trees reads whole trees.  A
 * file the new base renamed away shows up as a modify/delete conflict and
 * stops the rebase for the user, never as a silent wrong merge.
 */
static int pick_in_memory(git_oid *out, git_repository *repo,
			  git_commit *tip, git_commit *c)
{
	git_merge_options opts;
	git_commit *parent = NULL;
	git_tree *anc = NULL, *ours = NULL, *theirs = NULL, *tree = NULL;
	git_tree *sub_anc = NULL, *sub_ours = NULL, *sub_theirs = NULL;
	struct strlist paths = { 0 };
	git_index *index = NULL;
	git_oid tree_id;
	int ret = -1;
	git_merge_options_init(&opts, GIT_MERGE_OPTIONS_VERSION);

	if (git_commit_parent(&parent, c, 0) < 0 ||
	    git_commit_tree(&anc, parent) < 0 ||
	    git_commit_tree(&ours, tip) < 0 ||
	    git_commit_tree(&theirs, c) < 0) {
		git_fail("reading the trees to merge");
		goto out;
	}
	if (paths_changed_by(repo, anc, theirs, &paths) < 0 ||
	    subset_tree(&sub_anc, repo, anc, &paths) < 0 ||
	    subset_tree(&sub_ours, repo, ours, &paths) < 0 ||
	    subset_tree(&sub_theirs, repo, theirs, &paths) < 0)
		goto out;
	if (git_merge_trees(&index, repo, sub_anc, sub_ours, sub_theirs,
			    &opts) < 0) {
		git_fail("merging");
		goto out;
	}
	if (git_index_has_conflicts(index)) {
		ret = 1;
		goto out;
	}
	if (graft_paths(&tree_id, repo, ours, index, &paths) < 0)
		goto out;
	if (git_tree_lookup(&tree, repo, &tree_id) < 0) {
		git_fail("reading a merged tree");
		goto out;
	}
	ret = commit_like(out, repo, c, tree, tip);
out:
	strlist_free(&paths);
	git_index_free(index);
	git_tree_free(tree);
	git_tree_free(sub_anc);
	git_tree_free(sub_ours);
	git_tree_free(sub_theirs);
	git_tree_free(anc);
	git_tree_free(ours);
	git_tree_free(theirs);
	git_commit_free(parent);
	return ret;
}

/* ---- moving the work tree ---- */

static int checkout_commit(git_repository *repo, const git_oid *id,
			   unsigned int strategy)
{
	git_checkout_options co;
	git_commit *c;
	int ret;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);

	if (git_commit_lookup(&c, repo, id) < 0)
		return git_fail("reading a commit to check out");
	co.checkout_strategy = strategy;
	ret = git_checkout_tree(repo, (git_object *)c, &co);
	git_commit_free(c);
	return ret < 0 ? git_fail("checking out") : 0;
}

/* Safe checkout of only the paths that change (worktree.c). */
static int checkout_id(git_repository *repo, const git_oid *id)
{
	git_commit *c;
	int ret;

	if (git_commit_lookup(&c, repo, id) < 0)
		return git_fail("reading a commit to check out");
	ret = checkout_changed(repo, c, GIT_CHECKOUT_SAFE |
			       GIT_CHECKOUT_DONT_OVERWRITE_IGNORED);
	git_commit_free(c);
	return ret;
}

/* ---- reporting a conflict ---- */

static void list_conflicts(git_repository *repo)
{
	git_index *index;
	git_index_conflict_iterator *it;
	const git_index_entry *anc, *ours, *theirs;

	if (git_repository_index(&index, repo) < 0)
		return;
	if (git_index_conflict_iterator_new(&it, index) == 0) {
		while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
			const git_index_entry *e = ours ? ours : theirs ? theirs : anc;

			fprintf(stderr, "  conflict: %s\n", e->path);
		}
		git_index_conflict_iterator_free(it);
	}
	git_index_free(index);
}

/* The patch file the i-th replayed commit came from, if the series says. */
static char *patch_name_of(const struct porttool_ctx *ctx,
			   const struct rebase_state *st, size_t i)
{
	struct port *p = port_load(ctx, st->version);
	size_t k = 0;
	char *name = NULL;

	if (!p)
		return NULL;
	/* Commits and series entries (marker included) go in step. */
	if (p->nseries == st->ncommits) {
		for (k = 0; k < p->nseries; k++)
			if (k == i && p->series[k].patch)
				name = xasprintf("%s/%s", p->dir, p->series[k].patch);
			else if (k == i)
				name = xstrdup("the corevisor install commit");
	}
	port_free(p);
	return name;
}

static int stop_on_conflict(const struct porttool_ctx *ctx,
			    git_repository *repo, struct rebase_state *st,
			    git_commit *c, size_t i)
{
	git_cherrypick_options opts;
	char *name = patch_name_of(ctx, st, i);
	char hex[GIT_OID_HEXSZ + 1];
	git_cherrypick_options_init(&opts, GIT_CHERRYPICK_OPTIONS_VERSION);

	st->next = i + 1;
	st->pending = *git_commit_id(c);
	if (rebase_state_save(repo, st) < 0)
		goto fail;
	if (checkout_id(repo, &st->tip) < 0 ||
	    git_repository_set_head_detached(repo, &st->tip) < 0) {
		git_fail("moving to the replayed commits");
		goto fail;
	}
	opts.checkout_opts.checkout_strategy = GIT_CHECKOUT_SAFE |
					       GIT_CHECKOUT_ALLOW_CONFLICTS;
	if (git_cherrypick(repo, c, &opts) < 0) {
		git_fail("writing the conflict into the work tree");
		goto fail;
	}
	error("%s does not merge onto %s (commit %.12s \"%s\"):",
	      name ? name : "a commit", st->onto_name,
	      git_oid_tostr(hex, sizeof(hex), git_commit_id(c)),
	      git_commit_summary(c));
	list_conflicts(repo);
	fprintf(stderr, "Resolve the conflicts, stage them with 'git add', "
		"then run 'porttool rebase --continue', or 'porttool rebase "
		"--abort' to go back.\n");
	free(name);
	return 1;
fail:
	free(name);
	return -1;
}

/* ---- finishing ---- */

/*
 * base.version of a new port: the --onto tag's version (v5.11.3 -> 5.11.3)
 * when it is a release of the new line, else the line itself.
 */
static char *base_version_for(const char *tag, const char *line)
{
	char *v = tag && tag[0] == 'v' ? normalize_version(tag + 1) : NULL;
	size_t n = strlen(line);

	if (v && !strncmp(v, line, n) && (v[n] == '.' || !v[n]))
		return v;
	free(v);
	return xstrdup(line);
}

/*
 * A copy of text in which comment lines ('#' first) say vNEW where they
 * said vOLD: the series' and config fragments' headers name their line.
 */
static char *retitle_comments(const char *text, size_t len, const char *old,
			      const char *new, size_t *outlen)
{
	char *from = xasprintf("v%s", old), *to = xasprintf("v%s", new);
	size_t cap = len + 1, n = 0;
	char *out = xcalloc(1, cap);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t l = eol ? (size_t)(eol - p) + 1 : (size_t)(end - p);
		char *line = xmalloc(l + 1), *q = line, *hit;

		memcpy(line, p, l);
		line[l] = '\0';
		/* "v5.10" but not "v5.100": the next byte must end the word. */
		while (line[0] == '#' && (hit = strstr(q, from))) {
			char c = hit[strlen(from)];
			char *r;
			size_t at = (size_t)(hit - line);

			if ((c >= '0' && c <= '9') || c == '.') {
				q = hit + strlen(from);
				continue;
			}
			r = xasprintf("%.*s%s%s", (int)at, line, to,
				      hit + strlen(from));
			free(line);
			line = r;
			q = line + at + strlen(to);
		}
		l = strlen(line);
		if (n + l + 1 > cap) {
			cap = 2 * (n + l + 1);
			out = xrealloc(out, cap);
		}
		memcpy(out + n, line, l + 1);
		n += l;
		free(line);
		p += eol ? (size_t)(eol - p) + 1 : (size_t)(end - p);
	}
	free(from);
	free(to);
	*outlen = n;
	return out;
}

static int copy_retitled(const char *src, const char *dst, const char *old,
			 const char *new)
{
	size_t len, outlen;
	char *buf = read_file(src, &len), *out;
	int ret;

	if (!buf) {
		error("cannot read '%s'", src);
		return -1;
	}
	out = retitle_comments(buf, len, old, new, &outlen);
	ret = write_file(dst, out, outlen);
	if (ret < 0)
		error("cannot write '%s'", dst);
	free(out);
	free(buf);
	return ret;
}

/*
 * What a new port.conf keeps of a placeholder ports/vNEW: its own words,
 * and where its base comes from ([tarball], [debian]), which only the
 * placeholder knows.
 */
struct placeholder {
	char *description, *tarball_url, *tarball_sha256;
	char *debian_package, *debian_version, *debian_suite;
};

static void placeholder_free(struct placeholder *ph)
{
	free(ph->description);
	free(ph->tarball_url);
	free(ph->tarball_sha256);
	free(ph->debian_package);
	free(ph->debian_version);
	free(ph->debian_suite);
}

static void read_placeholder(const char *conf, struct placeholder *ph)
{
	git_config *cfg = NULL;
	git_buf b = { 0 };
	const char *keys[] = { "port.description", "tarball.url",
			       "tarball.sha256", "debian.package",
			       "debian.version", "debian.suite" };
	char **vals[] = { &ph->description, &ph->tarball_url,
			  &ph->tarball_sha256, &ph->debian_package,
			  &ph->debian_version, &ph->debian_suite };

	if (git_config_open_ondisk(&cfg, conf) < 0)
		return;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (git_config_get_string_buf(&b, cfg, keys[i]) == 0)
			*vals[i] = xstrdup(b.ptr);
		git_buf_dispose(&b);
	}
	git_config_free(cfg);
}

/*
 * port.conf of the new port, written whole rather than edited from the
 * old one: the old one's description, comments and [debian] describe
 * another base.  Boards (and corevisor.path) carry over with configs/.
 */
static int write_new_port_conf(git_repository *repo,
			       const struct rebase_state *st,
			       const struct port *old, const char *dir,
			       const struct placeholder *ph)
{
	char *path = xasprintf("%s/port.conf", dir);
	char *tagref = xasprintf("refs/tags/%s", st->onto_name);
	char *ver = NULL, *desc = NULL, *text, *boards = xstrdup("");
	char *debian = NULL;
	char commit[GIT_OID_HEXSZ + 1], tree[GIT_OID_HEXSZ + 1];
	git_reference *ref = NULL;
	git_commit *base = NULL;
	const char *tag;
	int ret = -1;

	if (git_commit_lookup(&base, repo, &st->onto) < 0) {
		git_fail(st->onto_name);
		goto out;
	}
	tag = git_reference_lookup(&ref, repo, tagref) == 0 ? st->onto_name :
							       NULL;
	ver = base_version_for(tag, st->as);
	git_oid_tostr(commit, sizeof(commit), &st->onto);
	git_oid_tostr(tree, sizeof(tree), git_commit_tree_id(base));
	desc = ph->description ? xstrdup(ph->description) :
	       xasprintf("ports/v%s carried onto %s by porttool rebase",
			 st->version, st->onto_name);
	for (size_t i = 0; i < old->nboards; i++) {
		char *b = xasprintf("%s[board \"%s\"]\n\tdefconfig = %s\n%s%s%s",
				    boards, old->boards[i].name,
				    old->boards[i].defconfig,
				    old->boards[i].dtb ? "\tdtb = " : "",
				    old->boards[i].dtb ? old->boards[i].dtb : "",
				    old->boards[i].dtb ? "\n" : "");
		free(boards);
		boards = b;
	}
	/* All three or none: port.c accepts no partial [debian]. */
	debian = ph->debian_package && ph->debian_version && ph->debian_suite ?
		 xasprintf("[debian]\n\tpackage = %s\n\tversion = %s\n\tsuite = %s\n",
			   ph->debian_package, ph->debian_version,
			   ph->debian_suite) : xstrdup("");
	text = xasprintf(
		"# SeKVM hostvisor port for Linux %s (git-config syntax).\n"
		"# Made by 'porttool rebase %s --onto %s --as %s'.\n"
		"[port]\n\tversion = %s\n\tdescription = %s\n"
		"[base]\n\tversion = %s\n\ttag = %s\n\tcommit = %s\n\ttree = %s\n"
		"%s%s%s%s%s%s"
		"[corevisor]\n\tpath = %s\n%s",
		st->as, st->version, st->onto_name, st->as, st->as, desc, ver,
		tag ? tag : st->onto_name, commit, tree,
		ph->tarball_url ? "[tarball]\n\turl = " : "",
		ph->tarball_url ? ph->tarball_url : "",
		ph->tarball_url ? "\n\tsha256 = " : "",
		ph->tarball_url && ph->tarball_sha256 ? ph->tarball_sha256 : "",
		ph->tarball_url ? "\n" : "", debian,
		old->corevisor_path ? old->corevisor_path :
				      "arch/arm64/kvm/sekvm/corevisor",
		boards);
	ret = write_file(path, text, strlen(text));
	if (ret < 0)
		error("cannot write '%s'", path);
	free(text);
out:
	git_commit_free(base);
	git_reference_free(ref);
	free(debian);
	free(boards);
	free(desc);
	free(ver);
	free(tagref);
	free(path);
	return ret;
}

/* The boards' config fragments, so that the new port builds at once. */
static int copy_configs(const struct port *old, const char *dir,
			const char *new_version)
{
	for (size_t i = 0; i < old->nboards; i++) {
		const char *cfg = old->boards[i].defconfig;
		char *src = xasprintf("%s/%s", old->dir, cfg);
		char *dst = xasprintf("%s/%s", dir, cfg);
		char *parent = xstrdup(dst);
		int r = 0;

		*strrchr(parent, '/') = '\0';
		if (!is_file(src))
			info("%s: no such file; not copied", src);
		else if (mkdir_p(parent) < 0 ||
			 copy_retitled(src, dst, old->version, new_version) < 0)
			r = -1;
		free(parent);
		free(src);
		free(dst);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int export_new_port(const struct porttool_ctx *ctx,
			   git_repository *repo, const struct rebase_state *st)
{
	struct porttool_ctx old_ctx = *ctx;
	char *dir = xasprintf("%s/v%s", st->ports_dir, st->as);
	char *conf = xasprintf("%s/port.conf", dir);
	char *series_src = xasprintf("%s/v%s/series", st->ports_dir,
				     st->version);
	char *series_dst = xasprintf("%s/series", dir);
	struct placeholder ph = { 0 };
	struct port *old;
	int ret = -1;

	old_ctx.ports_dir = st->ports_dir;
	old = port_load(&old_ctx, st->version);
	if (!old)
		goto out;
	if (is_file(conf))
		read_placeholder(conf, &ph);
	if (mkdir_p(dir) < 0) {
		error("cannot create '%s'", dir);
		goto out;
	}
	/* Start from the old series so its comments carry over. */
	if (copy_retitled(series_src, series_dst, st->version, st->as) < 0 ||
	    write_new_port_conf(repo, st, old, dir, &ph) < 0 ||
	    copy_configs(old, dir, st->as) < 0)
		goto out;
	ret = export_range(repo, &st->onto, &st->tip, dir);
out:
	placeholder_free(&ph);
	port_free(old);
	free(series_src);
	free(series_dst);
	free(conf);
	free(dir);
	return ret;
}

static int finish(const struct porttool_ctx *ctx, git_repository *repo,
		  struct rebase_state *st)
{
	char *branch = st->as ? xasprintf("sekvm/v%s", st->as) :
				xstrdup(st->branch);
	char *refname = xasprintf("refs/heads/%s", branch);
	git_reference *ref = NULL;
	git_commit *tip = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int ret = -1;

	/* The work tree is clean (checked, or the last conflict committed). */
	if (checkout_id(repo, &st->tip) < 0)
		goto out;
	/* Detach first: libgit2 will not force-move the checked-out branch. */
	if (git_commit_lookup(&tip, repo, &st->tip) < 0 ||
	    git_repository_set_head_detached(repo, &st->tip) < 0 ||
	    git_branch_create(&ref, repo, branch, tip, st->as ? 0 : 1) < 0 ||
	    git_repository_set_head(repo, refname) < 0) {
		git_fail("moving the branch");
		goto out;
	}
	if (rebase_state_remove(repo) < 0)
		goto out;
	printf("Rebased %zu commit(s) onto %s: branch %s at %.12s\n",
	       st->ncommits, st->onto_name, branch,
	       git_oid_tostr(hex, sizeof(hex), &st->tip));
	ret = st->as ? export_new_port(ctx, repo, st) : 0;
out:
	git_reference_free(ref);
	git_commit_free(tip);
	free(refname);
	free(branch);
	return ret;
}

/* Replay commits from st->next on; 0 done, 1 stopped on a conflict. */
static int replay(const struct porttool_ctx *ctx, git_repository *repo,
		  struct rebase_state *st)
{
	for (size_t i = st->next; i < st->ncommits; i++) {
		git_commit *c = NULL, *tip = NULL;
		git_oid next;
		int r;

		if (git_commit_lookup(&c, repo, &st->commits[i]) < 0 ||
		    git_commit_lookup(&tip, repo, &st->tip) < 0) {
			git_commit_free(c);
			return git_fail("reading the commits to replay");
		}
		r = pick_in_memory(&next, repo, tip, c);
		if (r == 1)
			r = stop_on_conflict(ctx, repo, st, c, i);
		git_commit_free(c);
		git_commit_free(tip);
		if (r != 0)
			return r;
		st->tip = next;
	}
	st->next = st->ncommits;
	return finish(ctx, repo, st);
}

/* ---- the three entry points ---- */

static int head_state(git_repository *repo, struct rebase_state *st)
{
	git_reference *head;
	git_object *obj;

	if (git_repository_head(&head, repo) < 0 ||
	    git_revparse_single(&obj, repo, "HEAD^{commit}") < 0)
		return git_fail("reading HEAD");
	if (git_reference_is_branch(head))
		st->orig_head_ref = xstrdup(git_reference_name(head));
	st->orig_head = *git_object_id(obj);
	git_object_free(obj);
	git_reference_free(head);
	return 0;
}

/*
 * A placeholder port (a port.conf and a series without patches, as a
 * line is announced before it is ported) is what --as is meant to fill:
 * the rebase keeps its description, [tarball] and [debian] and writes the rest.
 */
static bool is_placeholder(const char *dir)
{
	struct port *p = port_load_dir(dir);
	bool empty = false;
	DIR *d;
	struct dirent *de;

	if (!p)
		return false;
	empty = p->npatches == 0;
	port_free(p);
	d = opendir(dir);
	while (empty && d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 6 && !strcmp(de->d_name + n - 6, ".patch"))
			empty = false;
	}
	if (d)
		closedir(d);
	if (empty)
		info("%s is a placeholder (no patches): the rebase fills it", dir);
	return empty;
}

static int check_start(const struct porttool_ctx *ctx, git_repository *repo,
		       const struct port *p)
{
	if (rebase_in_progress(repo)) {
		error("a porttool rebase is already in progress in '%s'; use "
		      "--continue or --abort", git_repository_workdir(repo));
		return -1;
	}
	if (as_version) {
		char *v = normalize_version(as_version);
		char *dir = v ? xasprintf("%s/v%s", ctx->ports_dir, v) : NULL;
		char *ref = v ? xasprintf("refs/heads/sekvm/v%s", v) : NULL;
		git_reference *r = NULL;
		int ret = 0;

		if (!v) {
			error("--as '%s' is not a version", as_version);
			ret = -1;
		} else if (is_dir(dir) && !is_placeholder(dir)) {
			error("port '%s' already exists with patches; move it "
			      "away or choose another --as", dir);
			ret = -1;
		} else if (git_reference_lookup(&r, repo, ref) == 0) {
			error("branch 'sekvm/v%s' already exists", v);
			ret = -1;
		}
		git_reference_free(r);
		free(v);
		free(dir);
		free(ref);
		if (ret < 0)
			return -1;
	}
	(void)p;
	return require_clean_tree(repo, "rebasing");
}

static int start(const struct porttool_ctx *ctx, git_repository *repo,
		 const struct port *p)
{
	struct rebase_state st = { 0 };
	struct branch_commits bc = { 0 };
	git_commit *base = NULL;
	git_object *target = NULL;
	git_reference *branch = NULL;
	char *refname = xasprintf("refs/heads/%s", p->branch);
	int ret = -1;

	if (check_start(ctx, repo, p) < 0)
		goto out;
	if (git_reference_lookup(&branch, repo, refname) < 0) {
		error("no branch '%s' in '%s'; apply the port first", p->branch,
		      git_repository_workdir(repo));
		goto out;
	}
	if (git_revparse_single(&target, repo, onto) < 0 ||
	    git_object_peel((git_object **)&base, target, GIT_OBJECT_COMMIT) < 0) {
		error("--onto '%s' is not a commit in '%s'", onto,
		      git_repository_workdir(repo));
		/* Both bases must be in one repository; say how to get there. */
		fprintf(stderr,
			"Fetch the new base into this repository first, e.g. "
			"from a tree of the new line made by 'porttool tree "
			"NEWVER --from CLONE | --tarball FILE --dir DIR':\n"
			"  git -C %s fetch DIR tag %s\n"
			"(a snapshot lacking some blobs cannot be fetched; copy its "
			"packs into .git/objects/pack instead, as ports/v5.11/"
			"README.md shows)\n", git_repository_workdir(repo), onto);
		goto out;
	}
	st.onto = *git_commit_id(base);
	git_commit_free(base);
	base = NULL;
	if (port_base_commit(repo, p, &base) < 0 ||
	    list_branch_commits(repo, git_commit_id(base),
				git_reference_target(branch), &bc) < 0 ||
	    head_state(repo, &st) < 0)
		goto out;
	st.version = xstrdup(p->version);
	st.as = as_version ? normalize_version(as_version) : NULL;
	st.ports_dir = xstrdup(ctx->ports_dir);
	st.branch = xstrdup(p->branch);
	st.onto_name = xstrdup(onto);
	st.commits = bc.ids;
	st.ncommits = bc.n;
	bc.ids = NULL;
	st.tip = st.onto;
	ret = replay(ctx, repo, &st);
out:
	rebase_state_free(&st);
	branch_commits_free(&bc);
	git_object_free(target);
	git_commit_free(base);
	git_reference_free(branch);
	free(refname);
	return ret;
}

static int cont(const struct porttool_ctx *ctx, git_repository *repo)
{
	struct rebase_state st;
	git_index *index = NULL;
	git_commit *c = NULL, *tip = NULL;
	git_tree *tree = NULL;
	git_oid tree_id, next;
	int ret = -1;

	if (rebase_state_load(repo, &st) < 0)
		return -1;
	if (git_repository_index(&index, repo) < 0 ||
	    git_index_read(index, 1) < 0) {
		git_fail("reading the index");
		goto out;
	}
	if (git_index_has_conflicts(index)) {
		error("conflicts are not resolved yet:");
		list_conflicts(repo);
		fprintf(stderr, "Stage the resolved files with 'git add', then "
			"run 'porttool rebase --continue'.\n");
		goto out;
	}
	if (write_tree_allow_missing(&tree_id, index) < 0 ||
	    git_tree_lookup(&tree, repo, &tree_id) < 0 ||
	    git_commit_lookup(&c, repo, &st.pending) < 0 ||
	    git_commit_lookup(&tip, repo, &st.tip) < 0) {
		git_fail("reading the resolved state");
		goto out;
	}
	if (commit_like(&next, repo, c, tree, tip) < 0)
		goto out;
	git_repository_state_cleanup(repo);
	st.tip = next;
	if (git_repository_set_head_detached(repo, &st.tip) < 0) {
		git_fail("moving HEAD");
		goto out;
	}
	ret = replay(ctx, repo, &st);
out:
	git_tree_free(tree);
	git_commit_free(c);
	git_commit_free(tip);
	git_index_free(index);
	rebase_state_free(&st);
	return ret;
}

static int abort_rebase(git_repository *repo)
{
	struct rebase_state st;
	int ret = -1;

	if (rebase_state_load(repo, &st) < 0)
		return -1;
	/*
	 * FORCE over the whole tree, not only the paths that differ: the
	 * conflicted files are ours to overwrite, wherever they are.
	 */
	if (checkout_commit(repo, &st.orig_head, GIT_CHECKOUT_FORCE) < 0)
		goto out;
	if ((st.orig_head_ref ?
	     git_repository_set_head(repo, st.orig_head_ref) :
	     git_repository_set_head_detached(repo, &st.orig_head)) < 0) {
		git_fail("restoring HEAD");
		goto out;
	}
	git_repository_state_cleanup(repo);
	if (rebase_restore_index(repo) < 0 || rebase_state_remove(repo) < 0)
		goto out;
	printf("Rebase aborted; %s is as it was.\n",
	       git_repository_workdir(repo));
	ret = 0;
out:
	rebase_state_free(&st);
	return ret;
}

/* The tree: --tree, else VER's default tree. */
static git_repository *open_tree(const struct porttool_ctx *ctx,
				 const char *ver)
{
	struct port *p;
	git_repository *repo = NULL;

	if (tree_dir)
		return open_kernel_repo(tree_dir);
	if (!ver) {
		error("give the port version or --tree DIR");
		return NULL;
	}
	p = port_load(ctx, ver);
	if (p)
		repo = open_port_tree(p, NULL);
	port_free(p);
	return repo;
}

int cmd_rebase(struct porttool_ctx *ctx, int argc, char **argv)
{
	git_repository *repo;
	struct port *p = NULL;
	int npos, ret;

	tree_dir = onto = as_version = NULL;
	do_continue = do_abort = false;
	npos = parse_options(argc, argv, &rebase_usage);
	if (do_continue && do_abort)
		usage_error(&rebase_usage, "--continue and --abort exclude each other");
	if ((do_continue || do_abort) && (onto || as_version || npos > 1))
		usage_error(&rebase_usage, "--continue and --abort take no --onto or --as");
	if (!do_continue && !do_abort && (npos != 1 || !onto))
		usage_error(&rebase_usage, "expected VER and --onto REF");
	if (!do_continue && !do_abort) {
		p = port_load(ctx, argv[1]);
		if (!p)
			return EXIT_FAIL;
	}
	repo = open_tree(ctx, npos ? argv[1] : NULL);
	if (!repo) {
		port_free(p);
		return EXIT_FAIL;
	}
	if (do_abort)
		ret = abort_rebase(repo);
	else if (do_continue)
		ret = cont(ctx, repo);
	else
		ret = start(ctx, repo, p);
	git_repository_free(repo);
	port_free(p);
	return ret == 0 ? EXIT_OK : EXIT_FAIL;
}
