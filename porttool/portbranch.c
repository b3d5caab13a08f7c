// SPDX-License-Identifier: GPL-2.0
/*
 * A port in a kernel repository: base lookup, cleanliness checks, the
 * committer identity, walking a port branch, and creating the branch.
 */
#include "portbranch.h"
#include "corevisor_install.h"
#include "patch.h"
#include "default_tree.h"

#include <stdlib.h>
#include <string.h>

git_repository *open_kernel_repo(const char *dir)
{
	git_repository *repo;

	if (!is_dir(dir)) {
		error("kernel tree '%s' does not exist", dir);
		return NULL;
	}
	if (git_repository_open_ext(&repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		error("'%s' is not a git repository (run 'porttool tree' to "
		      "prepare one)", dir);
		return NULL;
	}
	if (git_repository_is_bare(repo)) {
		error("'%s' is a bare repository; a working tree is needed",
		      dir);
		git_repository_free(repo);
		return NULL;
	}
	return repo;
}

git_repository *open_port_tree(const struct port *p, const char *given)
{
	git_repository *repo = NULL;
	char *dir = NULL;

	if (resolve_tree_dir(p, given, &dir) == 0)
		repo = open_kernel_repo(dir);
	free(dir);
	return repo;
}

static int check_base_tree_id(git_commit *c, const struct port *p)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (!p->base_tree)
		return 0;
	git_oid_tostr(hex, sizeof(hex), git_commit_tree_id(c));
	if (strncmp(hex, p->base_tree, strlen(p->base_tree))) {
		error("%s/port.conf: base.tree is %s but the base commit's "
		      "tree is %s", p->dir, p->base_tree, hex);
		return -1;
	}
	return 0;
}

int port_base_commit(git_repository *repo, const struct port *p,
		     git_commit **out)
{
	git_object *obj = NULL;
	char *spec;
	const char *what;

	if (p->base_commit) {
		spec = xasprintf("%s^{commit}", p->base_commit);
		what = "base.commit";
	} else if (p->base_tag) {
		spec = xasprintf("refs/tags/%s^{commit}", p->base_tag);
		what = "base.tag";
	} else {
		error("%s/port.conf: neither base.commit nor base.tag is set",
		      p->dir);
		return -1;
	}
	if (git_revparse_single(&obj, repo, spec) < 0) {
		error("the port's base (%s %s) is not in the kernel tree '%s'",
		      what, p->base_commit ? p->base_commit : p->base_tag,
		      git_repository_workdir(repo));
		free(spec);
		return -1;
	}
	free(spec);
	*out = (git_commit *)obj;
	if (check_base_tree_id(*out, p) < 0) {
		git_commit_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int require_clean_tree(git_repository *repo, const char *what)
{
	size_t modified, staged;

	if (count_changes(repo, &modified, &staged) < 0)
		return -1;
	if (modified || staged) {
		error("the kernel tree '%s' has %zu modified and %zu staged "
		      "file(s); commit or discard them before %s",
		      git_repository_workdir(repo), modified, staged, what);
		return -1;
	}
	return 0;
}

int committer_signature(git_signature **out, git_repository *repo,
			const git_signature *author)
{
	const char *name = getenv("GIT_COMMITTER_NAME");
	const char *email = getenv("GIT_COMMITTER_EMAIL");
	git_signature *def = NULL;
	int ret;

	if ((!name || !email) && git_signature_default(&def, repo) == 0) {
		if (!name)
			name = def->name;
		if (!email)
			email = def->email;
	}
	if (!name)
		name = author->name;
	if (!email)
		email = author->email;
	ret = git_signature_now(out, name, email);
	git_signature_free(def);
	if (ret < 0)
		return git_fail("making the committer identity");
	return 0;
}

int list_branch_commits(git_repository *repo, const git_oid *base,
			const git_oid *tip, struct branch_commits *out)
{
	git_oid cur;
	size_t alloc = 0;

	memset(out, 0, sizeof(*out));
	out->corevisor = -1;
	git_oid_cpy(&cur, tip);
	while (!git_oid_equal(&cur, base)) {
		git_commit *c;

		if (git_commit_lookup(&c, repo, &cur) < 0) {
			git_fail("walking the branch");
			goto fail;
		}
		if (git_commit_parentcount(c) == 0) {
			git_commit_free(c);
			error("the port's base is not an ancestor of the branch");
			goto fail;
		}
		if (out->n == alloc) {
			alloc = alloc ? alloc * 2 : 32;
			out->ids = xrealloc(out->ids, alloc * sizeof(*out->ids));
		}
		git_oid_cpy(&out->ids[out->n++], &cur);
		git_oid_cpy(&cur, git_commit_parent_id(c, 0));
		git_commit_free(c);
	}
	/* Collected newest first; the callers want apply order. */
	for (size_t i = 0; i < out->n / 2; i++) {
		git_oid t = out->ids[i];

		out->ids[i] = out->ids[out->n - 1 - i];
		out->ids[out->n - 1 - i] = t;
	}
	for (size_t i = 0; i < out->n; i++) {
		git_commit *c;

		if (git_commit_lookup(&c, repo, &out->ids[i]) < 0) {
			git_fail("reading a branch commit");
			goto fail;
		}
		if (is_corevisor_commit(c) && out->corevisor < 0)
			out->corevisor = (long)i;
		git_commit_free(c);
	}
	return 0;
fail:
	branch_commits_free(out);
	return -1;
}

void branch_commits_free(struct branch_commits *bc)
{
	free(bc->ids);
	memset(bc, 0, sizeof(*bc));
}

int load_port_patch(const struct port *p, const char *name,
		    struct mail_patch *out)
{
	char *path = xasprintf("%s/%s", p->dir, name);
	size_t len;
	char *buf = read_file(path, &len);
	int ret;

	if (!buf) {
		error("%s: cannot read the patch (listed in %s/series)", path,
		      p->dir);
		free(path);
		return -1;
	}
	ret = mail_patch_parse(buf, len, path, out);
	free(buf);
	free(path);
	return ret;
}
