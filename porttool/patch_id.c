// SPDX-License-Identifier: GPL-2.0
/*
 * git's patch-id, read from a diff's text one line at a time (see
 * patch_id.h for the rules).  The state is git's own: how many old and
 * new lines the current hunk still has, -1 for both while a file
 * section's header is read, 0 for both between hunks; so a diff whose
 * counts are wrong is read as git reads it, not as it should have been.
 */
#include "patch_id.h"
#include "porttool.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHA1_BYTES 20
#define MAX_OBJECT_NAME 64	/* git keeps at most a SHA-256 name */

struct patch_id {
	EVP_MD_CTX *sha;
	unsigned char sum[SHA1_BYTES];
	bool stable;
	bool in_diff;		/* a "diff " line was seen */
	bool binary;		/* in a binary section: skip to the next file */
	int old_left, new_left;
	size_t hashed;
	char old_name[MAX_OBJECT_NAME + 1], new_name[MAX_OBJECT_NAME + 1];
};

static bool starts_with_n(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

/* git's isspace and isalpha: ASCII only, whatever the locale. */
static bool is_git_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_ascii_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void sha_restart(struct patch_id *pid)
{
	EVP_DigestInit_ex(pid->sha, EVP_sha1(), NULL);
}

/* Add this section's digest to the sum, as git adds them: with carry. */
static void add_section(struct patch_id *pid)
{
	unsigned char digest[SHA1_BYTES];
	unsigned int carry = 0;

	EVP_DigestFinal_ex(pid->sha, digest, NULL);
	sha_restart(pid);
	for (int i = 0; i < SHA1_BYTES; i++) {
		carry += pid->sum[i] + digest[i];
		pid->sum[i] = carry & 0xff;
		carry >>= 8;
	}
}

static void hash_without_space(struct patch_id *pid, const char *line,
			       size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && !is_git_space(line[i]))
			continue;
		if (i > start) {
			EVP_DigestUpdate(pid->sha, line + start, i - start);
			pid->hashed += i - start;
		}
		start = i + 1;
	}
}

static void copy_name(char *dst, const char *from, const char *to)
{
	size_t n = to > from ? (size_t)(to - from) : 0;

	if (n > MAX_OBJECT_NAME)
		n = MAX_OBJECT_NAME;
	memcpy(dst, from, n);
	dst[n] = '\0';
}

/*
 * "index OLD..NEW[ MODE]": keep the names for a binary section.  As git
 * does, a line without a mode ends one character before its end (the
 * '\n'), and a line without ".." keeps the names of before.
 */
static void keep_object_names(struct patch_id *pid, const char *line,
			      size_t len)
{
	const char *dots = memmem(line, len, "..", 2), *end;

	if (!dots)
		return;
	end = memchr(dots, ' ', line + len - dots);
	if (!end)
		end = line + len - 1;
	copy_name(pid->old_name, line + 6, dots);
	copy_name(pid->new_name, dots + 2, end);
}

/* "@@ -a[,b] +c[,d] @@": b and d, 1 when absent; false when malformed. */
static bool hunk_counts(const char *line, size_t len, int *old_n, int *new_n)
{
	char buf[128];
	const char *q, *r;
	size_t n;

	/* The counts are near the start; a bounded copy ends the string. */
	n = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
	memcpy(buf, line, n);
	buf[n] = '\0';
	q = buf + 4;
	n = strspn(q, "0123456789");
	*old_n = 1;
	if (q[n] == ',') {
		q += n + 1;
		*old_n = atoi(q);
		n = strspn(q, "0123456789");
	}
	if (!n || q[n] != ' ' || q[n + 1] != '+')
		return false;
	r = q + n + 2;
	n = strspn(r, "0123456789");
	*new_n = 1;
	if (r[n] == ',') {
		r += n + 1;
		*new_n = atoi(r);
		n = strspn(r, "0123456789");
	}
	return n > 0;
}

/* A file section's header line; false when the line ends the patch. */
static bool header_line(struct patch_id *pid, const char *line, size_t len,
			bool *hash_it)
{
	*hash_it = false;
	if (starts_with_n(line, len, "GIT binary patch") ||
	    starts_with_n(line, len, "Binary files")) {
		EVP_DigestUpdate(pid->sha, pid->old_name, strlen(pid->old_name));
		EVP_DigestUpdate(pid->sha, pid->new_name, strlen(pid->new_name));
		if (pid->stable)
			add_section(pid);
		pid->binary = true;
		pid->old_left = pid->new_left = 0;
		return true;
	}
	if (starts_with_n(line, len, "index ")) {
		keep_object_names(pid, line, len);
		return true;
	}
	if (starts_with_n(line, len, "--- "))
		pid->old_left = pid->new_left = 1;
	else if (!len || !is_ascii_letter(line[0]))
		return false;
	*hash_it = true;
	return true;
}

enum patch_id_step patch_id_line(struct patch_id *pid, const char *line,
				 size_t len)
{
	bool hash_it = true;

	if (starts_with_n(line, len, "\\ ") && len > 12)
		return PATCH_ID_MORE;	/* "\ No newline at end of file" */
	if (!pid->in_diff) {
		if (!starts_with_n(line, len, "diff "))
			return PATCH_ID_MORE;	/* the message */
		pid->in_diff = true;
	}
	if (pid->old_left == -1) {
		if (!header_line(pid, line, len, &hash_it))
			return PATCH_ID_ENDED;
		if (!hash_it)
			return PATCH_ID_MORE;
	} else if (pid->binary) {
		if (starts_with_n(line, len, "diff ")) {
			pid->binary = false;
			pid->old_left = pid->new_left = -1;
		}
		return PATCH_ID_MORE;	/* git hashes neither */
	} else if (pid->old_left == 0 && pid->new_left == 0) {
		if (starts_with_n(line, len, "@@ -")) {
			hunk_counts(line, len, &pid->old_left, &pid->new_left);
			return PATCH_ID_MORE;
		}
		if (!starts_with_n(line, len, "diff "))
			return PATCH_ID_ENDED;
		if (pid->stable)
			add_section(pid);
		pid->old_left = pid->new_left = -1;
	}
	if (len && (line[0] == '-' || line[0] == ' '))
		pid->old_left--;
	if (len && (line[0] == '+' || line[0] == ' '))
		pid->new_left--;
	hash_without_space(pid, line, len);
	return PATCH_ID_MORE;
}

static void patch_id_reset(struct patch_id *pid)
{
	bool stable = pid->stable;
	EVP_MD_CTX *sha = pid->sha;

	memset(pid, 0, sizeof(*pid));
	pid->stable = stable;
	pid->sha = sha;
	pid->old_left = pid->new_left = -1;
	sha_restart(pid);
}

struct patch_id *patch_id_new(bool stable)
{
	struct patch_id *pid = xcalloc(1, sizeof(*pid));

	pid->stable = stable;
	pid->sha = EVP_MD_CTX_new();
	if (!pid->sha) {
		fputs("porttool: out of memory\n", stderr);
		exit(EXIT_FAIL);
	}
	patch_id_reset(pid);
	return pid;
}

void patch_id_free(struct patch_id *pid)
{
	if (!pid)
		return;
	EVP_MD_CTX_free(pid->sha);
	free(pid);
}

size_t patch_id_finish(struct patch_id *pid, git_oid *out)
{
	size_t hashed = pid->hashed;

	add_section(pid);
	if (hashed)
		git_oid_fromraw(out, pid->sum);
	patch_id_reset(pid);
	return hashed;
}

int patch_id_of_text(git_oid *out, const char *text, size_t len)
{
	struct patch_id *pid = patch_id_new(true);
	const char *end = text + len;
	size_t hashed;

	for (const char *s = text; s < end;) {
		const char *nl = memchr(s, '\n', end - s);
		const char *next = nl ? nl + 1 : end;

		if (patch_id_line(pid, s, next - s) == PATCH_ID_ENDED)
			break;
		s = next;
	}
	hashed = patch_id_finish(pid, out);
	patch_id_free(pid);
	return hashed ? 0 : -1;
}
