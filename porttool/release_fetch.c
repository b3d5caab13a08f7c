// SPDX-License-Identifier: GPL-2.0
/*
 * A port's release tarball (port.conf [tarball]): the embedded default tree
 * of lines no distribution ships, e.g. linux-5.11.14.tar.xz from
 * kernel.org.  Downloaded with libcurl into <cache>/tarballs/, checked
 * against tarball.sha256 before anything reads it, and kept there, so the
 * import can be repeated without the network.
 *
 * The file appears under its final name only once its digest matched: a
 * half-downloaded or wrong file is never mistaken for the release.
 */
#include "tree.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* tarball.url with every "{version}" replaced by base.version. */
char *release_tarball_url(const struct port *p)
{
	const char *key = "{version}", *s = p->tarball_url, *hit;
	char *out = xstrdup("");

	while ((hit = strstr(s, key))) {
		char *next = xasprintf("%s%.*s%s", out, (int)(hit - s), s,
				       p->base_version);

		free(out);
		out = next;
		s = hit + strlen(key);
	}
	hit = out;
	out = xasprintf("%s%s", hit, s);
	free((char *)hit);
	return out;
}

void sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (unsigned int i = 0; i < mdlen; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
}

/* The SHA-256 of a file as sha256sum prints it; -1 when unreadable. */
static int sha256_file(const char *path, char hex[65])
{
	unsigned char buf[1 << 16], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	FILE *f = fopen(path, "rb");
	size_t n;
	int ret = -1;

	if (!f || !ctx) {
		error("cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(ctx, buf, n);
	if (ferror(f)) {
		error("cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	for (unsigned int i = 0; i < mdlen; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	ret = 0;
out:
	if (f)
		fclose(f);
	EVP_MD_CTX_free(ctx);
	return ret;
}

static int download(const char *url, const char *dest)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	FILE *f = fopen(dest, "wb");
	CURL *c;
	CURLcode r;
	int ret = -1;

	if (!f) {
		error("cannot write %s: %s", dest, strerror(errno));
		return -1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) || !(c = curl_easy_init())) {
		error("cannot initialise libcurl");
		fclose(f);
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	/* An HTTP error page must not become the tarball. */
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "porttool/" PORTTOOL_VERSION);
	r = curl_easy_perform(c);
	if (r != CURLE_OK)
		error("downloading %s: %s", url,
		      *errbuf ? errbuf : curl_easy_strerror(r));
	else
		ret = 0;
	if (fclose(f) && !ret) {
		error("cannot write %s: %s", dest, strerror(errno));
		ret = -1;
	}
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return ret;
}

int fetch_release_tarball(const struct port *p, char **path)
{
	char *url = release_tarball_url(p);
	const char *name = strrchr(url, '/') ? strrchr(url, '/') + 1 : url;
	char *cache = cache_dir(), *dir = xasprintf("%s/tarballs", cache);
	char *dest = xasprintf("%s/%s", dir, *name ? name : "release.tar");
	char *part = xasprintf("%s.part.%d", dest, (int)getpid());
	char hex[65] = "";
	int ret = -1;

	if (is_file(dest) && !sha256_file(dest, hex) &&
	    !strcmp(hex, p->tarball_sha256)) {
		info("using %s, downloaded before", dest);
		goto done;
	}
	if (mkdir_p(dir) < 0) {
		error("cannot create %s", dir);
		goto out;
	}
	info("downloading %s", url);
	if (download(url, part) || sha256_file(part, hex))
		goto out;
	if (strcmp(hex, p->tarball_sha256)) {
		error("%s: SHA-256 is %s, but port v%s's tarball.sha256 is %s; "
		      "the download is not the release, nothing kept", url, hex,
		      p->version, p->tarball_sha256);
		goto out;
	}
	if (rename(part, dest)) {
		error("cannot rename %s to %s: %s", part, dest, strerror(errno));
		goto out;
	}
done:
	*path = xstrdup(dest);
	ret = 0;
out:
	unlink(part);
	free(part);
	free(dest);
	free(dir);
	free(cache);
	free(url);
	return ret;
}
