/*
 * signkey: the site's signing key files (formats in sign.h). The only file
 * I/O of the sign module. libsodium and POSIX only.
 *
 * The secret file holds the 32-byte Ed25519 seed, not libsodium's 64-byte
 * secret key: the public half is derived on load, so the file can never hold
 * a public key that does not match its secret.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/log.h"
#include "core/sign.h"
#include "core/str.h"

#define SECRET_MAGIC "kiosk-secret"
#define PUBLIC_MAGIC "kiosk-pubkey"
#define FILE_MAX     4096  /* bigger key files are refused unread */

static int
valid_site(const char *s)
{
	size_t i;

	for (i = 0; s && s[i]; i++)
		if (i >= SLIP_SITE_MAX ||
		    !((isascii((unsigned char)s[i]) && isalnum((unsigned char)s[i])) || s[i] == '-'))
			return 0;
	return s && i > 0;
}

/* fsync the directory holding path, so a new name survives a power cut. */
static int
sync_dir(const char *path, char *err, size_t errlen)
{
	char copy[4096];
	int fd, rc;

	if (str_copy(copy, sizeof copy, path) < 0)
		return errf(err, errlen, "%s: path too long", path);
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return errf(err, errlen, "%s: cannot open its directory: %s", path, strerror(errno));
	rc = fsync(fd);
	close(fd);
	if (rc < 0 && errno != EINVAL)
		return errf(err, errlen, "%s: cannot sync its directory: %s", path, strerror(errno));
	return 0;
}

/* Write a fresh secret key file at path, which must not exist. */
static int
write_new(const char *path, const char *site_id, char *err, size_t errlen)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	char hex[crypto_sign_SEEDBYTES * 2 + 1], line[SIGNKEY_LINE_MAX + 64];
	size_t n, off = 0;
	ssize_t w;
	int fd, rc = -1;

	if (!valid_site(site_id))
		return errf(err, errlen, "site id \"%.40s\": 1-%d letters, digits or '-'",
		    site_id ? site_id : "", SLIP_SITE_MAX);
	if (sodium_init() < 0)
		return errf(err, errlen, "libsodium failed to start");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return errf(err, errlen, "%s already exists: refusing to overwrite a signing key", path);
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	}
	randombytes_buf(seed, sizeof seed);
	sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
	n = (size_t)snprintf(line, sizeof line, SECRET_MAGIC " v1 %s %s\n", site_id, hex);
	/* The umask may have taken bits away, never added any; make it exact. */
	if (fchmod(fd, 0600) < 0) {
		errf(err, errlen, "%s: chmod: %s", path, strerror(errno));
		goto out;
	}
	while (off < n) {
		w = write(fd, line + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			errf(err, errlen, "%s: write: %s", path, w < 0 ? strerror(errno) : "no progress");
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0) {
		errf(err, errlen, "%s: fsync: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(hex, sizeof hex);
	sodium_memzero(line, sizeof line);
	if (close(fd) < 0 && rc == 0)
		rc = errf(err, errlen, "%s: close: %s", path, strerror(errno));
	if (rc < 0)
		unlink(path);
	return rc;
}

int
signkey_generate(const char *secret_path, const char *site_id, char *err, size_t errlen)
{
	if (secret_path == NULL || secret_path[0] == '\0')
		return errf(err, errlen, "no path for the secret key file");
	if (write_new(secret_path, site_id, err, errlen) < 0)
		return -1;
	return sync_dir(secret_path, err, errlen);
}

int
signkey_replace(const char *secret_path, const char *site_id, char *err, size_t errlen)
{
	char tmp[4096];

	if (secret_path == NULL || secret_path[0] == '\0')
		return errf(err, errlen, "no path for the secret key file");
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.new", secret_path) >= sizeof tmp)
		return errf(err, errlen, "%s: path too long", secret_path);
	if (unlink(tmp) < 0 && errno != ENOENT)   /* left over by a crash */
		return errf(err, errlen, "%s: %s", tmp, strerror(errno));
	if (write_new(tmp, site_id, err, errlen) < 0)
		return -1;
	if (rename(tmp, secret_path) < 0) {
		errf(err, errlen, "%s: rename: %s", secret_path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return sync_dir(secret_path, err, errlen);
}

/* Split "magic v1 site hex" (one line, already trimmed) in place. */
static int
split_key_line(char *line, const char *magic, char **site, char **hex)
{
	char *tok[5], *save = NULL, *p;
	int n = 0;

	for (p = strtok_r(line, " \t", &save); p && n < 5; p = strtok_r(NULL, " \t", &save))
		tok[n++] = p;
	if (n != 4 || strcmp(tok[0], magic) != 0 || strcmp(tok[1], "v1") != 0)
		return -1;
	*site = tok[2];
	*hex = tok[3];
	return 0;
}

static int
hex32(const char *hex, unsigned char out[32])
{
	size_t bin_len = 0;
	const char *end = NULL;

	if (strlen(hex) != 64)
		return -1;
	if (sodium_hex2bin(out, 32, hex, 64, NULL, &bin_len, &end) != 0 || bin_len != 32 || *end != '\0')
		return -1;
	return 0;
}

/* The site id into the caller's buffer, when it asked for it. */
static int
copy_site(char *dst, size_t dstlen, const char *site, char *err, size_t errlen)
{
	if (dst != NULL && str_copy(dst, dstlen, site) < 0)
		return errf(err, errlen, "site id buffer too small");
	return 0;
}

int
signkey_load_secret(const char *path, unsigned char sk[64],
                    char *site_id_out, size_t site_id_len,
                    char *err, size_t errlen)
{
	char buf[FILE_MAX + 1], *site, *hex, *nl;
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	struct stat st;
	size_t len = 0;
	ssize_t r;
	int fd, rc = -1;

	if (site_id_out && site_id_len)
		site_id_out[0] = '\0';
	if (sodium_init() < 0)
		return errf(err, errlen, "libsodium failed to start");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return errf(err, errlen, "%s: no signing key; create one with "
			    "'kiosk admin --db FILE keygen'", path);
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	}
	/* fstat the open file: no window between the check and the read. */
	if (fstat(fd, &st) < 0) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		errf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & 077) {
		errf(err, errlen, "%s: the signing key may be read by group or others (mode %04o); "
		    "make it private with 'chmod 600 %s' (and consider the key leaked)",
		    path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	if (st.st_size > FILE_MAX) {
		errf(err, errlen, "%s: too big for a key file", path);
		goto out;
	}
	for (;;) {
		r = read(fd, buf + len, FILE_MAX - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			errf(err, errlen, "%s: read: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0 || (len += (size_t)r) == FILE_MAX)
			break;
	}
	buf[len] = '\0';
	if ((nl = strpbrk(buf, "\r\n")) != NULL)
		*nl = '\0';
	if (split_key_line(buf, SECRET_MAGIC, &site, &hex) < 0 || !valid_site(site) ||
	    hex32(hex, seed) < 0) {
		errf(err, errlen, "%s: not a kiosk secret key file (expected '" SECRET_MAGIC
		    " v1 SITE HEX')", path);
		goto out;
	}
	if (copy_site(site_id_out, site_id_len, site, err, errlen) < 0)
		goto out;
	crypto_sign_seed_keypair(pk, sk, seed);
	rc = 0;
out:
	sodium_memzero(buf, sizeof buf);
	sodium_memzero(seed, sizeof seed);
	close(fd);
	return rc;
}

int
signkey_format_public(const unsigned char pk[32], const char *site_id,
                      char *out, size_t outlen)
{
	char hex[65];
	int n;

	if (out && outlen)
		out[0] = '\0';
	if (pk == NULL || out == NULL || !valid_site(site_id))
		return -1;
	sodium_bin2hex(hex, sizeof hex, pk, 32);
	n = snprintf(out, outlen, PUBLIC_MAGIC " v1 %s %s\n", site_id, hex);
	if (n < 0 || (size_t)n >= outlen) {
		if (outlen)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

int
signkey_parse_public(const char *text, unsigned char pk[32],
                     char *site_id, size_t site_id_len,
                     char *err, size_t errlen)
{
	char line[SIGNKEY_LINE_MAX * 2], *site, *hex, *a, *b;
	const char *p = text, *e;
	size_t n;

	if (site_id && site_id_len)
		site_id[0] = '\0';
	if (text == NULL)
		return errf(err, errlen, "no public key text");
	while (*p) {
		e = p + strcspn(p, "\n");
		n = (size_t)(e - p);
		if (n < sizeof line) {
			memcpy(line, p, n);
			line[n] = '\0';
			for (a = line; isspace((unsigned char)*a); a++)
				;
			for (b = a + strlen(a); b > a && isspace((unsigned char)b[-1]); b--)
				;
			*b = '\0';
			if (*a != '\0' && *a != '#') {
				if (strncmp(a, SECRET_MAGIC, strlen(SECRET_MAGIC)) == 0) {
					sodium_memzero(line, sizeof line);
					return errf(err, errlen, "this is the SECRET key file: never hand it out; "
					    "give the line printed by 'kiosk admin pubkey' instead");
				}
				if (split_key_line(a, PUBLIC_MAGIC, &site, &hex) < 0)
					return errf(err, errlen, "not a kiosk public key (expected '"
					    PUBLIC_MAGIC " v1 SITE HEX')");
				if (!valid_site(site))
					return errf(err, errlen, "bad site id in the public key");
				if (hex32(hex, pk) < 0)
					return errf(err, errlen, "the public key is not 64 hex digits");
				return copy_site(site_id, site_id_len, site, err, errlen);
			}
		} else {
			return errf(err, errlen, "line too long for a public key");
		}
		p = *e ? e + 1 : e;
	}
	return errf(err, errlen, "no public key line found");
}
