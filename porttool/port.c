// SPDX-License-Identifier: GPL-2.0
/*
 * Ports: ports/vX.Y/port.conf (git-config syntax, read with libgit2's config
 * API) and ports/vX.Y/series (quilt style: one patch a line, '#' comments).
 *
 * The series marks where the corevisor is installed with the line
 * "#@corevisor": quilt reads it as a comment, porttool as a position.
 */
#include "porttool.h"

#include <ctype.h>
#include <dirent.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>

#define COREVISOR_MARKER "#@corevisor"

char *normalize_version(const char *ver)
{
	const char *s = ver;
	int dots = 0;

	if (*s == 'v')
		s++;
	if (!isdigit((unsigned char)*s))
		return NULL;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			if (!isdigit((unsigned char)p[1]))
				return NULL;
			dots++;
		} else if (!isdigit((unsigned char)*p)) {
			return NULL;
		}
	}
	if (dots < 1 || strlen(s) > 16)
		return NULL;
	return xstrdup(s);
}

static bool valid_patch_name(const char *name)
{
	if (!*name || strchr(name, '/') || name[0] == '.')
		return false;
	for (const char *p = name; *p; p++)
		if (!isprint((unsigned char)*p) || isspace((unsigned char)*p))
			return false;
	return true;
}

void series_free(struct series_entry *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].patch);
	free(s);
}

int series_parse(const char *buf, size_t len, const char *path,
		 struct series_entry **out, size_t *n)
{
	struct series_entry *s = NULL;
	size_t count = 0, alloc = 0, pos = 0;
	bool seen_marker = false;
	int line = 0;

	while (pos < len) {
		size_t end = pos, b, e;
		char *word;

		while (end < len && buf[end] != '\n')
			end++;
		line++;
		b = pos;
		e = end;
		pos = end + 1;
		while (b < e && isspace((unsigned char)buf[b]))
			b++;
		while (e > b && isspace((unsigned char)buf[e - 1]))
			e--;
		if (memchr(buf + b, '\0', e - b)) {
			error("%s:%d: NUL byte in series", path, line);
			goto fail;
		}
		if (b == e)
			continue;
		if (e - b == strlen(COREVISOR_MARKER) &&
		    !memcmp(buf + b, COREVISOR_MARKER, e - b)) {
			if (seen_marker) {
				error("%s:%d: second %s marker", path, line,
				      COREVISOR_MARKER);
				goto fail;
			}
			seen_marker = true;
		} else if (buf[b] == '#') {
			continue;
		}
		if (count == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			s = xrealloc(s, alloc * sizeof(*s));
		}
		memset(&s[count], 0, sizeof(s[count]));
		s[count].line = line;
		if (buf[b] == '#') {
			s[count++].corevisor = true;
			continue;
		}
		word = xmalloc(e - b + 1);
		memcpy(word, buf + b, e - b);
		word[e - b] = '\0';
		/* quilt allows options after the name (-p1); we only take -p1. */
		{
			char *sp = strpbrk(word, " \t");

			if (sp) {
				char *opt = sp;

				*opt++ = '\0';
				while (isspace((unsigned char)*opt))
					opt++;
				if (strcmp(opt, "-p1")) {
					error("%s:%d: unsupported patch option '%s' (only -p1)",
					      path, line, opt);
					free(word);
					goto fail;
				}
			}
		}
		if (!valid_patch_name(word)) {
			error("%s:%d: invalid patch name '%s'", path, line, word);
			free(word);
			goto fail;
		}
		for (size_t i = 0; i < count; i++) {
			if (s[i].patch && !strcmp(s[i].patch, word)) {
				error("%s:%d: patch '%s' listed twice (first at line %d)",
				      path, line, word, s[i].line);
				free(word);
				goto fail;
			}
		}
		s[count++].patch = word;
	}
	*out = s;
	*n = count;
	return 0;
fail:
	series_free(s, count);
	return -1;
}

void port_free(struct port *p)
{
	if (!p)
		return;
	free(p->dir);
	free(p->version);
	free(p->base_version);
	free(p->base_tag);
	free(p->base_commit);
	free(p->base_tree);
	free(p->debian_package);
	free(p->debian_version);
	free(p->debian_suite);
	free(p->tarball_url);
	free(p->tarball_sha256);
	free(p->corevisor_path);
	free(p->branch);
	free(p->build_hostcc);
	for (size_t i = 0; i < p->nboards; i++) {
		free(p->boards[i].name);
		free(p->boards[i].defconfig);
		free(p->boards[i].dtb);
	}
	free(p->boards);
	series_free(p->series, p->nseries);
	free(p);
}

/* Read an optional string key; a present but unreadable key is an error. */
static int conf_str(git_config *cfg, const char *key, char **out)
{
	git_buf b = { 0 };
	int rc = git_config_get_string_buf(&b, cfg, key);

	if (rc == GIT_ENOTFOUND) {
		*out = NULL;
		return 0;
	}
	if (rc < 0)
		return -1;
	*out = xstrdup(b.ptr);
	git_buf_dispose(&b);
	return 0;
}

static bool is_hex_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]))
			return false;
	return n == 40;
}

struct board_collect {
	struct port *p;
	const char *path;
	int err;
};

static struct board *board_get(struct port *p, const char *name, size_t len)
{
	struct board *b;

	for (size_t i = 0; i < p->nboards; i++)
		if (strlen(p->boards[i].name) == len &&
		    !strncmp(p->boards[i].name, name, len))
			return &p->boards[i];
	p->boards = xrealloc(p->boards, (p->nboards + 1) * sizeof(*p->boards));
	b = &p->boards[p->nboards++];
	memset(b, 0, sizeof(*b));
	b->name = xmalloc(len + 1);
	memcpy(b->name, name, len);
	b->name[len] = '\0';
	return b;
}

/*
 * Collect [board "NAME"] sections: board.NAME.defconfig, board.NAME.dtb.
 * Called for every key; the others are not ours here.
 */
static int collect_board(const git_config_entry *e, void *data)
{
	struct board_collect *bc = data;
	const char *name, *dot;
	struct board *b;

	if (strncmp(e->name, "board.", strlen("board.")))
		return 0;
	name = e->name + strlen("board.");
	dot = strrchr(name, '.');
	if (!dot || dot == name) {
		error("%s: key '%s' needs a board name ([board \"NAME\"])",
		      bc->path, e->name);
		bc->err = -1;
		return 0;
	}
	if (!e->value) {
		/* "[board \"x\"] dtb" with no "=": git's boolean true, no path. */
		error("%s: key '%s' needs a value", bc->path, e->name);
		bc->err = -1;
		return 0;
	}
	b = board_get(bc->p, name, (size_t)(dot - name));
	if (!strcmp(dot + 1, "defconfig")) {
		free(b->defconfig);
		b->defconfig = xstrdup(e->value);
	} else if (!strcmp(dot + 1, "dtb")) {
		free(b->dtb);
		b->dtb = xstrdup(e->value);
	}
	return 0;
}

/*
 * port.version names a kernel line (5.10) and base.version a release of
 * that line (5.10 or 5.10.223): anything else would send 'tree' and 'apply'
 * after the wrong kernel.
 */
static int check_versions(const struct port *p, const char *path)
{
	char *v = normalize_version(p->version);
	char *b = normalize_version(p->base_version);
	size_t n = v ? strlen(v) : 0;
	int rc = -1;

	if (!v || strcmp(v, p->version))
		error("%s: port.version '%s' is not a kernel line like 5.10",
		      path, p->version);
	else if (!b || strcmp(b, p->base_version))
		error("%s: base.version '%s' is not a kernel release like 5.10.223",
		      path, p->base_version);
	else if (strncmp(b, v, n) || (b[n] && b[n] != '.'))
		error("%s: base.version '%s' is not a release of the %s line",
		      path, p->base_version, p->version);
	else
		rc = 0;
	free(v);
	free(b);
	return rc;
}

/*
 * A key written without "= value" reads as an empty string; none of ours
 * may be empty (an empty corevisor.path would install into the tree's top).
 */
static bool has_empty_value(const struct port *p, const char *path)
{
	const struct { const char *key; const char *value; } keys[] = {
		{ "port.version", p->version },
		{ "base.version", p->base_version },
		{ "base.tag", p->base_tag },
		{ "base.commit", p->base_commit },
		{ "base.tree", p->base_tree },
		{ "debian.package", p->debian_package },
		{ "debian.version", p->debian_version },
		{ "debian.suite", p->debian_suite },
		{ "tarball.url", p->tarball_url },
		{ "tarball.sha256", p->tarball_sha256 },
		{ "corevisor.path", p->corevisor_path },
		{ "port.branch", p->branch },
		{ "build.hostcc", p->build_hostcc },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (keys[i].value && !*keys[i].value) {
			error("%s: %s has no value", path, keys[i].key);
			return true;
		}
	}
	return false;
}

/*
 * tarball.url and tarball.sha256 go together: a download porttool cannot
 * check is not a base.  The digest is what sha256sum prints (lower case).
 */
static int check_tarball(const struct port *p, const char *path)
{
	size_t n = p->tarball_sha256 ? strlen(p->tarball_sha256) : 0;

	if (!p->tarball_url != !p->tarball_sha256) {
		error("%s: tarball.url and tarball.sha256 go together; %s is missing",
		      path, p->tarball_url ? "tarball.sha256" : "tarball.url");
		return -1;
	}
	if (p->tarball_sha256 &&
	    (n != 64 || strspn(p->tarball_sha256, "0123456789abcdef") != n)) {
		error("%s: tarball.sha256 '%s' is not 64 lower-case hex digits",
		      path, p->tarball_sha256);
		return -1;
	}
	if (p->tarball_url && strncmp(p->tarball_url, "https://", 8) &&
	    strncmp(p->tarball_url, "http://", 7)) {
		error("%s: tarball.url '%s' is not an http(s) URL", path,
		      p->tarball_url);
		return -1;
	}
	return 0;
}

static int port_read_conf(struct port *p, const char *path)
{
	git_config *cfg = NULL;
	struct board_collect bc = { .p = p, .path = path };
	int rc = -1;

	if (git_config_open_ondisk(&cfg, path) < 0) {
		git_fail(path);
		return -1;
	}
	if (conf_str(cfg, "port.version", &p->version) ||
	    conf_str(cfg, "base.version", &p->base_version) ||
	    conf_str(cfg, "base.tag", &p->base_tag) ||
	    conf_str(cfg, "base.commit", &p->base_commit) ||
	    conf_str(cfg, "base.tree", &p->base_tree) ||
	    conf_str(cfg, "debian.package", &p->debian_package) ||
	    conf_str(cfg, "debian.version", &p->debian_version) ||
	    conf_str(cfg, "debian.suite", &p->debian_suite) ||
	    conf_str(cfg, "tarball.url", &p->tarball_url) ||
	    conf_str(cfg, "tarball.sha256", &p->tarball_sha256) ||
	    conf_str(cfg, "corevisor.path", &p->corevisor_path) ||
	    conf_str(cfg, "port.branch", &p->branch) ||
	    conf_str(cfg, "build.hostcc", &p->build_hostcc)) {
		git_fail(path);
		goto out;
	}
	/*
	 * Not git_config_foreach_match: libgit2 1.5 leaks pcre2 match data
	 * for every key its regex does not match (found by fuzz_portconf).
	 */
	if (has_empty_value(p, path))
		goto out;
	if (git_config_foreach(cfg, collect_board, &bc) < 0 &&
	    !bc.err) {
		git_fail(path);
		goto out;
	}
	if (bc.err)
		goto out;
	if (!p->version || !p->base_version || !p->base_tag) {
		error("%s: port.version, base.version and base.tag are required",
		      path);
		goto out;
	}
	if (check_versions(p, path))
		goto out;
	if (p->base_commit && !is_hex_id(p->base_commit)) {
		error("%s: base.commit '%s' is not a 40-digit commit id", path,
		      p->base_commit);
		goto out;
	}
	if (p->base_tree && !is_hex_id(p->base_tree)) {
		error("%s: base.tree '%s' is not a 40-digit tree id", path,
		      p->base_tree);
		goto out;
	}
	if (check_tarball(p, path))
		goto out;
	if (p->corevisor_path && (p->corevisor_path[0] == '/' ||
				  strstr(p->corevisor_path, ".."))) {
		error("%s: corevisor.path '%s' must be relative, inside the tree",
		      path, p->corevisor_path);
		goto out;
	}
	if (!p->branch)
		p->branch = xasprintf("sekvm/v%s", p->version);
	rc = 0;
out:
	git_config_free(cfg);
	return rc;
}

struct port *port_load_dir(const char *dir)
{
	struct port *p = xcalloc(1, sizeof(*p));
	char *conf = xasprintf("%s/port.conf", dir);
	char *series = xasprintf("%s/series", dir);
	char *buf = NULL;
	size_t len = 0;

	p->dir = xstrdup(dir);
	if (!is_file(conf)) {
		error("%s: no such file", conf);
		goto fail;
	}
	if (port_read_conf(p, conf))
		goto fail;
	if (is_file(series)) {
		buf = read_file(series, &len);
		if (!buf) {
			error("%s: cannot read", series);
			goto fail;
		}
		if (series_parse(buf, len, series, &p->series, &p->nseries))
			goto fail;
	}
	for (size_t i = 0; i < p->nseries; i++) {
		char *pp;

		if (!p->series[i].patch)
			continue;
		p->npatches++;
		pp = xasprintf("%s/%s", dir, p->series[i].patch);
		if (!is_file(pp)) {
			error("%s:%d: patch '%s' does not exist", series,
			      p->series[i].line, p->series[i].patch);
			free(pp);
			goto fail;
		}
		free(pp);
	}
	free(buf);
	free(conf);
	free(series);
	return p;
fail:
	free(buf);
	free(conf);
	free(series);
	port_free(p);
	return NULL;
}

struct port *port_load(const struct porttool_ctx *ctx, const char *ver)
{
	char *v = normalize_version(ver);
	char *dir;
	struct port *p;

	if (!v) {
		error("'%s' is not a kernel version (expected e.g. 5.10)", ver);
		return NULL;
	}
	dir = xasprintf("%s/v%s", ctx->ports_dir, v);
	if (!is_dir(dir)) {
		struct strlist all = { 0 };

		ports_list(ctx->ports_dir, &all);
		error("unknown version '%s': no port in %s", ver, dir);
		if (all.n) {
			fprintf(stderr, "porttool: known ports:");
			for (size_t i = 0; i < all.n; i++)
				fprintf(stderr, " %s", all.items[i]);
			fputc('\n', stderr);
		}
		strlist_free(&all);
		free(dir);
		free(v);
		return NULL;
	}
	p = port_load_dir(dir);
	if (p && strcmp(p->version, v)) {
		error("%s/port.conf: port.version is '%s' but the directory says '%s'",
		      dir, p->version, v);
		port_free(p);
		p = NULL;
	}
	free(dir);
	free(v);
	return p;
}

/* Compare dotted versions numerically: 4.18 < 5.4 < 5.10. */
int version_compare(const char *x, const char *y)
{
	while (*x || *y) {
		long nx = strtol(x, (char **)&x, 10);
		long ny = strtol(y, (char **)&y, 10);

		if (nx != ny)
			return nx < ny ? -1 : 1;
		if (*x == '.')
			x++;
		if (*y == '.')
			y++;
		if (!*x || !*y)
			return (*x != 0) - (*y != 0);
	}
	return 0;
}

static int version_cmp_sort(const void *a, const void *b)
{
	return version_compare(*(char *const *)a, *(char *const *)b);
}

int ports_list(const char *ports_dir, struct strlist *versions)
{
	DIR *d = opendir(ports_dir);
	struct dirent *de;

	if (!d) {
		error("cannot open ports directory '%s'", ports_dir);
		return -1;
	}
	while ((de = readdir(d))) {
		char *v;

		if (de->d_name[0] != 'v')
			continue;
		v = normalize_version(de->d_name);
		if (v) {
			strlist_push(versions, v);
			free(v);
		}
	}
	closedir(d);
	if (versions->n)
		qsort(versions->items, versions->n, sizeof(char *),
		      version_cmp_sort);
	return 0;
}
