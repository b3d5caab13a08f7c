// SPDX-License-Identifier: GPL-2.0
/* The state of a stopped 'porttool rebase', in <gitdir>/porttool-rebase/. */
#include "rebase_state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *rebase_state_dir(git_repository *repo)
{
	return xasprintf("%sporttool-rebase", git_repository_path(repo));
}

bool rebase_in_progress(git_repository *repo)
{
	char *dir = rebase_state_dir(repo);
	bool r = is_dir(dir);

	free(dir);
	return r;
}

static void put_oid(FILE *f, const char *key, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];

	fprintf(f, "%s=%s\n", key, git_oid_tostr(hex, sizeof(hex), id));
}

int rebase_state_save(git_repository *repo, const struct rebase_state *st)
{
	char *dir = rebase_state_dir(repo);
	char *path = xasprintf("%s/state", dir);
	char *tmp = xasprintf("%s/state.tmp", dir);
	char *index = xasprintf("%sindex", git_repository_path(repo));
	char *saved = xasprintf("%s/index.orig", dir);
	FILE *f;
	int ret = -1;

	if (mkdir_p(dir) < 0) {
		error("cannot create '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (!is_file(saved) && is_file(index) && copy_file(index, saved) < 0) {
		error("cannot save the index to '%s'", saved);
		goto out;
	}
	f = fopen(tmp, "w");
	if (!f) {
		error("cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	fprintf(f, "version=%s\n", st->version);
	if (st->as)
		fprintf(f, "as=%s\n", st->as);
	fprintf(f, "ports_dir=%s\nbranch=%s\nonto_name=%s\n", st->ports_dir,
		st->branch, st->onto_name);
	if (st->orig_head_ref)
		fprintf(f, "orig_head_ref=%s\n", st->orig_head_ref);
	put_oid(f, "orig_head", &st->orig_head);
	put_oid(f, "onto", &st->onto);
	put_oid(f, "tip", &st->tip);
	put_oid(f, "pending", &st->pending);
	fprintf(f, "next=%zu\n", st->next);
	for (size_t i = 0; i < st->ncommits; i++)
		put_oid(f, "commit", &st->commits[i]);
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		error("cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(dir);
	free(path);
	free(tmp);
	free(index);
	free(saved);
	return ret;
}

static int set_field(struct rebase_state *st, const char *key, const char *val)
{
	git_oid id;

	if (!strcmp(key, "version"))
		st->version = xstrdup(val);
	else if (!strcmp(key, "as"))
		st->as = xstrdup(val);
	else if (!strcmp(key, "ports_dir"))
		st->ports_dir = xstrdup(val);
	else if (!strcmp(key, "branch"))
		st->branch = xstrdup(val);
	else if (!strcmp(key, "onto_name"))
		st->onto_name = xstrdup(val);
	else if (!strcmp(key, "orig_head_ref"))
		st->orig_head_ref = xstrdup(val);
	else if (!strcmp(key, "next"))
		st->next = strtoul(val, NULL, 10);
	else if (git_oid_fromstr(&id, val) < 0)
		return -1;
	else if (!strcmp(key, "orig_head"))
		st->orig_head = id;
	else if (!strcmp(key, "onto"))
		st->onto = id;
	else if (!strcmp(key, "tip"))
		st->tip = id;
	else if (!strcmp(key, "pending"))
		st->pending = id;
	else if (!strcmp(key, "commit")) {
		st->commits = xrealloc(st->commits,
				       (st->ncommits + 1) * sizeof(*st->commits));
		st->commits[st->ncommits++] = id;
	} else {
		return -1;
	}
	return 0;
}

int rebase_state_load(git_repository *repo, struct rebase_state *st)
{
	char *dir = rebase_state_dir(repo);
	char *path = xasprintf("%s/state", dir);
	char *buf, *line, *save = NULL;
	size_t len;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	buf = read_file(path, &len);
	if (!buf) {
		error("no porttool rebase in progress in '%s'",
		      git_repository_workdir(repo));
		goto out;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (!eq) {
			error("%s: malformed line '%s'", path, line);
			goto out_buf;
		}
		*eq = '\0';
		if (set_field(st, line, eq + 1) < 0) {
			error("%s: malformed entry '%s'", path, line);
			goto out_buf;
		}
	}
	if (!st->version || !st->branch || !st->ports_dir || !st->onto_name ||
	    st->next > st->ncommits) {
		error("%s: incomplete rebase state", path);
		goto out_buf;
	}
	ret = 0;
out_buf:
	free(buf);
out:
	if (ret < 0)
		rebase_state_free(st);
	free(path);
	free(dir);
	return ret;
}

int rebase_restore_index(git_repository *repo)
{
	char *dir = rebase_state_dir(repo);
	char *saved = xasprintf("%s/index.orig", dir);
	char *index = xasprintf("%sindex", git_repository_path(repo));
	int ret = 0;

	if (is_file(saved) && copy_file(saved, index) < 0) {
		error("cannot restore the index from '%s'", saved);
		ret = -1;
	}
	free(dir);
	free(saved);
	free(index);
	return ret;
}

int rebase_state_remove(git_repository *repo)
{
	char *dir = rebase_state_dir(repo);
	const char *files[] = { "state", "state.tmp", "index.orig", NULL };
	int ret = 0;

	for (int i = 0; files[i]; i++) {
		char *p = xasprintf("%s/%s", dir, files[i]);

		if (unlink(p) < 0 && errno != ENOENT)
			ret = -1;
		free(p);
	}
	if (rmdir(dir) < 0 && errno != ENOENT)
		ret = -1;
	if (ret < 0)
		error("cannot remove '%s'", dir);
	free(dir);
	return ret;
}

void rebase_state_free(struct rebase_state *st)
{
	free(st->version);
	free(st->as);
	free(st->ports_dir);
	free(st->branch);
	free(st->orig_head_ref);
	free(st->onto_name);
	free(st->commits);
	memset(st, 0, sizeof(*st));
}
