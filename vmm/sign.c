// SPDX-License-Identifier: GPL-2.0-only
/*
 * sekvm-sign: make VM keys and sign VM boot images for the corevisor.
 *
 *   sekvm-sign keygen KEYFILE PUBFILE
 *   sekvm-sign sign [--ipa ADDR] KEYFILE IMAGE SIGFILE
 *   sekvm-sign verify [--ipa ADDR] PUBFILE IMAGE SIGFILE
 *
 * KEYFILE is the Ed25519 private key as PKCS#8 PEM (openssl pkey reads
 * it); PUBFILE is the raw 32-byte public key, the form CV_HC_SET_VM_KEY
 * takes; SIGFILE is the raw 64-byte signature CV_HC_SET_BOOT_IMAGE takes.
 * The signature is not over the raw image but over the 88-byte message
 * the corevisor rebuilds (image_msg.h), which binds the image's SHA-512
 * to its load address (--ipa, default the VMM's kernel address) and its
 * page-rounded size, so the host cannot load a signed image elsewhere.
 *
 * Exit: 0 success (verify: signature good), 1 failure or bad signature,
 * 2 usage error.
 */
#include "fileio.h"
#include "image_msg.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "sekvm-sign"
/* Where the VMM loads an arm64 Image with text_offset 0 (RAM base). */
#define DEFAULT_IMAGE_IPA 0x40000000ULL

static void openssl_error(const char *what)
{
	unsigned long e = ERR_get_error();

	fprintf(stderr, PROG ": %s: %s\n", what,
		e ? ERR_reason_error_string(e) : "failed");
}

static int usage(void)
{
	fprintf(stderr,
		"usage: " PROG " keygen KEYFILE PUBFILE\n"
		"       " PROG " sign [--ipa ADDR] KEYFILE IMAGE SIGFILE\n"
		"       " PROG " verify [--ipa ADDR] PUBFILE IMAGE SIGFILE\n");
	return 2;
}

/*
 * Open keyfile for writing, readable by its owner only: created 0600, and
 * an existing file is chmod'ed before a byte of the key is written.
 */
static FILE *create_private(const char *keyfile)
{
	int fd = open(keyfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0 || fchmod(fd, 0600) < 0) {
		fprintf(stderr, PROG ": %s: %s\n", keyfile, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", keyfile, strerror(errno));
		close(fd);
	}
	return f;
}

static int cmd_keygen(const char *keyfile, const char *pubfile)
{
	uint8_t pub[IMAGE_PUBKEY_SIZE];
	size_t publen = sizeof(pub);
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	FILE *f = NULL;
	int ret = 1;

	if (!key) {
		openssl_error("Ed25519 key generation");
		return 1;
	}
	if (!EVP_PKEY_get_raw_public_key(key, pub, &publen) ||
	    publen != sizeof(pub)) {
		openssl_error("Ed25519 public key");
		goto out;
	}
	f = create_private(keyfile);
	if (!f)
		goto out;
	if (!PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL)) {
		fprintf(stderr, PROG ": %s: cannot write private key\n",
			keyfile);
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		fprintf(stderr, PROG ": %s: %s\n", keyfile, strerror(errno));
		goto out;
	}
	f = NULL;
	if (write_file(PROG, pubfile, pub, sizeof(pub), 0644) < 0)
		goto out;
	ret = 0;
out:
	if (f)
		fclose(f);
	EVP_PKEY_free(key);
	return ret;
}

static EVP_PKEY *load_private_key(const char *keyfile)
{
	FILE *f = fopen(keyfile, "r");
	EVP_PKEY *key;

	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", keyfile, strerror(errno));
		return NULL;
	}
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!key) {
		fprintf(stderr, PROG ": %s: not a PEM private key\n", keyfile);
		return NULL;
	}
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519) {
		fprintf(stderr, PROG ": %s: not an Ed25519 key\n", keyfile);
		EVP_PKEY_free(key);
		return NULL;
	}
	return key;
}

static EVP_PKEY *load_public_key(const char *pubfile)
{
	size_t len = 0;
	uint8_t *raw = read_file(PROG, pubfile, &len);
	EVP_PKEY *key = NULL;

	if (!raw)
		return NULL;
	if (len != IMAGE_PUBKEY_SIZE) {
		fprintf(stderr, PROG ": %s: %zu bytes, a raw Ed25519 public "
			"key has %d\n", pubfile, len, IMAGE_PUBKEY_SIZE);
		free(raw);
		return NULL;
	}
	key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, len);
	if (!key)
		fprintf(stderr, PROG ": %s: not an Ed25519 public key\n",
			pubfile);
	free(raw);
	return key;
}

/* Read the image and build the message its signature covers. */
static int image_message(const char *image, uint64_t ipa,
			 uint8_t msg[IMAGE_MSG_SIZE])
{
	size_t len = 0;
	void *data = read_file(PROG, image, &len);
	int ret;

	if (!data)
		return -1;
	ret = image_msg_build(msg, data, len, ipa);
	if (ret < 0)
		fprintf(stderr, PROG ": %s: cannot build the signed message "
			"(load address 0x%llx must be 4 KiB aligned)\n",
			image, (unsigned long long)ipa);
	free(data);
	return ret;
}

static int cmd_sign(const char *keyfile, const char *image,
		    const char *sigfile, uint64_t ipa)
{
	uint8_t msg[IMAGE_MSG_SIZE], sig[IMAGE_SIG_SIZE];
	size_t siglen = sizeof(sig);
	EVP_PKEY *key = load_private_key(keyfile);
	EVP_MD_CTX *ctx = NULL;
	int ret = 1;

	if (!key || image_message(image, ipa, msg) < 0)
		goto out;
	ctx = EVP_MD_CTX_new();
	/* Ed25519 is "pure": no digest is named, the message goes whole. */
	if (!ctx || !EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) ||
	    !EVP_DigestSign(ctx, sig, &siglen, msg, sizeof(msg)) ||
	    siglen != sizeof(sig)) {
		openssl_error("Ed25519 signing");
		goto out;
	}
	if (write_file(PROG, sigfile, sig, sizeof(sig), 0644) == 0)
		ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ret;
}

static int cmd_verify(const char *pubfile, const char *image,
		      const char *sigfile, uint64_t ipa)
{
	uint8_t msg[IMAGE_MSG_SIZE];
	size_t siglen = 0;
	EVP_PKEY *key = load_public_key(pubfile);
	uint8_t *sig = NULL;
	EVP_MD_CTX *ctx = NULL;
	int ret = 1;

	if (!key || image_message(image, ipa, msg) < 0)
		goto out;
	sig = read_file(PROG, sigfile, &siglen);
	if (!sig)
		goto out;
	if (siglen != IMAGE_SIG_SIZE) {
		fprintf(stderr, PROG ": %s: %zu bytes, an Ed25519 signature "
			"has %d\n", sigfile, siglen, IMAGE_SIG_SIZE);
		goto out;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key)) {
		openssl_error("Ed25519 verification");
		goto out;
	}
	if (EVP_DigestVerify(ctx, sig, siglen, msg, sizeof(msg)) == 1) {
		printf("%s: good signature (load address 0x%llx)\n", image,
		       (unsigned long long)ipa);
		ret = 0;
	} else {
		fprintf(stderr, PROG ": %s: BAD signature in %s for key %s "
			"at load address 0x%llx\n", image, sigfile, pubfile,
			(unsigned long long)ipa);
	}
out:
	EVP_MD_CTX_free(ctx);
	free(sig);
	EVP_PKEY_free(key);
	return ret;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return s[0] && s[0] != '-' && !*end && !errno;
}

int main(int argc, char **argv)
{
	uint64_t ipa = DEFAULT_IMAGE_IPA;
	const char *cmd;
	int i = 2;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (i < argc && !strcmp(argv[i], "--ipa")) {
		if (i + 1 >= argc || !parse_u64(argv[i + 1], &ipa)) {
			fprintf(stderr, PROG ": --ipa: expected an address, "
				"got '%s'\n", i + 1 < argc ? argv[i + 1] : "");
			return 2;
		}
		i += 2;
	}
	if (!strcmp(cmd, "keygen") && argc - i == 2 && i == 2)
		return cmd_keygen(argv[i], argv[i + 1]);
	if (!strcmp(cmd, "sign") && argc - i == 3)
		return cmd_sign(argv[i], argv[i + 1], argv[i + 2], ipa);
	if (!strcmp(cmd, "verify") && argc - i == 3)
		return cmd_verify(argv[i], argv[i + 1], argv[i + 2], ipa);
	if (strcmp(cmd, "keygen") && strcmp(cmd, "sign") &&
	    strcmp(cmd, "verify"))
		fprintf(stderr, PROG ": unknown command '%s'\n", cmd);
	else
		fprintf(stderr, PROG ": %s: wrong arguments\n", cmd);
	return usage();
}
