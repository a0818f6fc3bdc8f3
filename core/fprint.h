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

/* "md5", "sha1", "sha256", "sha512" (any case).  0, or -1 if unknown. */
int		 fp_digest_parse(const char *name, enum fp_digest *out);
const char	*fp_digest_name(enum fp_digest);
/* Digest length in bytes (16, 20, 32, 64). */
size_t		 fp_digest_size(enum fp_digest);

/*
 * Normalizes a fingerprint as an admin may type it (colons optional, any
 * case, surrounding whitespace ignored) to the match= form.  Returns 0
 * with *out set (caller frees), or -1 with *cause (caller frees) naming
 * the problem: not hex, odd length, wrong length for the digest.
 */
int		 fp_normalize(const char *in, enum fp_digest,
		    char **out, char **cause);

/* Input files are read with this limit (bytes). */
#define CERT_FILE_LIMIT	(1024 * 1024)

struct cert;

/*
 * Loads the first certificate from PEM (any number of blocks; the leaf is
 * the first CERTIFICATE block) or DER data.  *nchain is set to the number
 * of certificates found (more than 1: a chain, the first one is used).
 * Returns 0 with *out set (free with cert_free), or -1 with *cause
 * (caller frees) saying what the data is instead: a private key, a CSR, a
 * public key alone, empty, or not a certificate at all.  The message never
 * contains the data.
 */
int		 cert_load(const void *data, size_t len, struct cert **out,
		    int *nchain, char **cause);
/* The same from a file, read with CERT_FILE_LIMIT; the message names path. */
int		 cert_load_file(const char *path, struct cert **out,
		    int *nchain, char **cause);
void		 cert_free(struct cert *);

/* The match= form of the certificate (pubkey 0) or public-key (pubkey 1)
   fingerprint.  Caller frees. */
char		*cert_fingerprint(const struct cert *, enum fp_digest,
		    int pubkey);

/* What a person needs to recognise the certificate.  All strings are
   owned by the struct; free with cert_info_free. */
struct cert_info {
	char	 *subject;	/* "CN=mail.domain.not" (RFC 2253 order) */
	char	 *issuer;
	char	**sans;		/* DNS and IP SANs, NULL-terminated */
	char	 *key_type;	/* "EC P-256", "RSA 2048", "ED25519" */
	time_t	  not_before;
	time_t	  not_after;
	int	  self_signed;
};
void		 cert_get_info(const struct cert *, struct cert_info *);
void		 cert_info_free(struct cert_info *);

#endif
