/*
 * fprint.h: certificates and their fingerprints, as Postfix's fingerprint
 * TLS policy compares them (OpenSSL 3 EVP and X509 APIs only).
 *
 * A certificate fingerprint digests the DER of the leaf certificate; a
 * public-key fingerprint digests the DER of its SubjectPublicKeyInfo.  The
 * text form is what belongs after "match=": uppercase hex pairs joined by
 * ':'.  Loading never echoes the content of a file that is not a
 * certificate (a private key must not leak into a message or a log).
 */
#ifndef MXPIN_FPRINT_H
#define MXPIN_FPRINT_H

#include <stddef.h>
#include <time.h>

enum fp_digest {
	FP_MD5,
	FP_SHA1,
	FP_SHA256,
	FP_SHA512,
};

/* "md5", "sha1", "sha256", "sha512" (any case).  0, or -1 if unknown
   (*out untouched). */
int		 fp_digest_parse(const char *name, enum fp_digest *out);
/* The lowercase name Postfix uses; NULL for a value outside the enum. */
const char	*fp_digest_name(enum fp_digest);
/* Digest length in bytes (16, 20, 32, 64); 0 outside the enum. */
size_t		 fp_digest_size(enum fp_digest);

/*
 * Normalizes a fingerprint as an admin may type it (colons optional, any
 * case, surrounding whitespace ignored) to the match= form.  A colon may
 * only stand between two pairs of hex digits (as Postfix parses it):
 * "AB:CD" and "ABCD" are fine, "A:BCD", "AB::CD", ":AB" are not; white
 * space inside is refused (Postfix would split the value there).
 * Returns 0 with *out set (caller frees) and *cause NULL, or -1 with
 * *out NULL and *cause (caller frees) naming the problem: not hex, odd
 * length, wrong length for the digest.  The message is a clause that
 * reads after "fingerprint: " and never quotes the input, except one
 * printable offending character.
 */
int		 fp_normalize(const char *in, enum fp_digest,
		    char **out, char **cause);

/* Input files are read with this limit (bytes). */
#define CERT_FILE_LIMIT	(1024 * 1024)

struct cert;

/*
 * Loads the first certificate from PEM (any number of blocks; the leaf is
 * the first CERTIFICATE, X509 CERTIFICATE or TRUSTED CERTIFICATE block,
 * whatever else the file holds, e.g. a private key before it) or DER data
 * (one certificate, or several back to back).  *nchain is set to the
 * number of certificates found (more than 1: a chain, the first one is
 * used).  Returns 0 with *out set (free with cert_free), or -1 with *cause
 * (caller frees) saying what the data is instead: a private key, a CSR, a
 * public key alone, a PKCS#12 or PKCS#7 bundle, a CRL, key parameters,
 * empty, a damaged certificate, or not a certificate at all.  Messages
 * start with "the data ..." and never contain the data.
 */
int		 cert_load(const void *data, size_t len, struct cert **out,
		    int *nchain, char **cause);
/*
 * The same from a file, read with CERT_FILE_LIMIT; the message starts
 * with path ("/root/key.pem holds a private key, not a certificate: ...").
 * On failure errno tells why: EINVAL the file is not a usable certificate,
 * EFBIG it is larger than CERT_FILE_LIMIT (refused without reading it),
 * anything else it could not be opened or read (ENOENT, EACCES, EISDIR).
 */
int		 cert_load_file(const char *path, struct cert **out,
		    int *nchain, char **cause);
void		 cert_free(struct cert *);

/* The match= form of the certificate (pubkey 0) or public-key (pubkey 1)
   fingerprint.  Caller frees.  NULL only when OpenSSL cannot compute the
   digest (md5 where only a FIPS provider is loaded). */
char		*cert_fingerprint(const struct cert *, enum fp_digest,
		    int pubkey);

/*
 * What a person needs to recognise the certificate.  All strings are
 * owned by the struct and never NULL; free with cert_info_free.  Every
 * string is safe to show on a terminal: names are UTF-8 without control
 * characters (RFC 2253 escapes otherwise), SANs printable ASCII (\xHH
 * escapes otherwise).
 */
struct cert_info {
	char	 *subject;	/* "CN=mail.domain.not" (RFC 2253 order) */
	char	 *issuer;
	char	**sans;		/* bare DNS names and IP addresses
				   ("mail.example", "192.0.2.1",
				   "2001:db8::1"), NULL-terminated */
	char	 *key_type;	/* "EC P-256", "RSA 2048", "ED25519" */
	time_t	  not_before;	/* 0 when the certificate's time is */
	time_t	  not_after;	/* unreadable */
	int	  self_signed;	/* issuer = subject, signature verifies */
};
void		 cert_get_info(const struct cert *, struct cert_info *);
void		 cert_info_free(struct cert_info *);

/*
 * SHA-256 of content in lowercase hex, for content keys (what a table was
 * built from), not for pins.  sha_key_end() frees the context; a failure
 * inside OpenSSL leaves out "" (no key: never a false match).
 */
struct sha_key {
	void	*ctx;
};
void		 sha_key_init(struct sha_key *);
void		 sha_key_add(struct sha_key *, const void *, size_t);
/* Adds s and its NUL: strings in a row stay apart. */
void		 sha_key_addstr(struct sha_key *, const char *s);
void		 sha_key_end(struct sha_key *, char out[65]);

#endif
