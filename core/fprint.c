/*
 * fprint.c: loading the primary's certificate from whatever file an admin
 * points at, and computing the fingerprints Postfix's fingerprint TLS
 * policy compares: the digest of the leaf certificate's DER, or of its
 * SubjectPublicKeyInfo's DER (Postfix tls_fprint.c does the same on the
 * peer certificate).  See fprint.h for the contracts.
 *
 * What the file holds is decided from its PEM labels or, failing that, by
 * trying the DER structures a person may confuse with a certificate.  No
 * message ever quotes the file: it may hold a private key.
 */
#define OPENSSL_NO_DEPRECATED 1

#include "fprint.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util.h"

struct cert {
	X509		*x509;
	unsigned char	*der;		/* i2d of the leaf (what is digested) */
	size_t		 derlen;
	unsigned char	*spki;		/* i2d of its SubjectPublicKeyInfo */
	size_t		 spkilen;
};

static const struct {
	const char	*name;		/* ours and Postfix's */
	const char	*ossl;		/* OpenSSL's fetch name */
	size_t		 size;
} digests[] = {
	[FP_MD5] =	{ "md5",	"MD5",		16 },
	[FP_SHA1] =	{ "sha1",	"SHA1",		20 },
	[FP_SHA256] =	{ "sha256",	"SHA256",	32 },
	[FP_SHA512] =	{ "sha512",	"SHA512",	64 },
};
#define NDIGESTS	(sizeof digests / sizeof digests[0])

/* The advice every "this is not a certificate" message ends with. */
#define CHOOSE_CERT	"choose the certificate file (often fullchain.pem or " \
			"cert.pem)"

int
fp_digest_parse(const char *name, enum fp_digest *out)
{
	size_t	i;

	for (i = 0; i < NDIGESTS; i++) {
		if (ascii_casecmp(name, digests[i].name) == 0) {
			*out = (enum fp_digest)i;
			return 0;
		}
	}
	return -1;
}

const char *
fp_digest_name(enum fp_digest d)
{
	if ((size_t)d >= NDIGESTS)
		return NULL;
	return digests[d].name;
}

size_t
fp_digest_size(enum fp_digest d)
{
	if ((size_t)d >= NDIGESTS)
		return 0;
	return digests[d].size;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/* Uppercase hex pairs joined by ':'.  Caller frees. */
static char *
hex_colons(const unsigned char *p, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*s, *q;
	size_t			 i;

	q = s = xmalloc(n == 0 ? 1 : 3 * n);
	for (i = 0; i < n; i++) {
		if (i != 0)
			*q++ = ':';
		*q++ = hex[p[i] >> 4];
		*q++ = hex[p[i] & 0xf];
	}
	*q = '\0';
	return s;
}

/* The digest whose size is n bytes, or NULL. */
static const char *
digest_of_size(size_t n)
{
	size_t	i;

	for (i = 0; i < NDIGESTS; i++)
		if (digests[i].size == n)
			return digests[i].name;
	return NULL;
}

int
fp_normalize(const char *in, enum fp_digest d, char **out, char **cause)
{
	unsigned char	 bytes[64];
	const char	*start, *end, *p, *other;
	size_t		 nhex = 0, nbytes = 0, want;
	int		 hi = -1, v, ret = -1;

	*out = NULL;
	*cause = NULL;
	if ((want = fp_digest_size(d)) == 0) {
		*cause = xstrdup("unknown digest");
		goto out;
	}
	for (start = in; is_space((unsigned char)*start); start++)
		;
	for (end = start + strlen(start); end > start &&
	    is_space((unsigned char)end[-1]); end--)
		;
	if (start == end) {
		*cause = xstrdup("empty fingerprint");
		goto out;
	}
	for (p = start; p < end; p++) {
		if (*p == ':') {
			/* Optional, but only between two pairs. */
			if (hi != -1 || p == start || p + 1 == end ||
			    p[1] == ':') {
				*cause = xasprintf("':' at character %zu does "
				    "not separate two pairs of hex digits",
				    (size_t)(p - in) + 1);
				goto out;
			}
			continue;
		}
		if ((v = hexval((unsigned char)*p)) == -1) {
			if (is_space((unsigned char)*p))
				*cause = xasprintf("white space inside the "
				    "fingerprint (character %zu)",
				    (size_t)(p - in) + 1);
			else if (*p > ' ' && *p < 0x7f)
				*cause = xasprintf("'%c' (character %zu) is "
				    "not a hex digit", *p, (size_t)(p - in) + 1);
			else
				*cause = xasprintf("character %zu is not a "
				    "hex digit", (size_t)(p - in) + 1);
			goto out;
		}
		nhex++;
		if (hi == -1) {
			hi = v;
			continue;
		}
		if (nbytes < sizeof bytes)
			bytes[nbytes] = (unsigned char)(hi << 4 | v);
		nbytes++;
		hi = -1;
	}
	if (hi != -1) {
		*cause = xasprintf("odd number of hex digits (%zu): each byte "
		    "is two", nhex);
		goto out;
	}
	if (nbytes != want) {
		other = digest_of_size(nbytes);
		*cause = xasprintf("%zu bytes long, but %s fingerprints are "
		    "%zu bytes (%zu hex digits)%s%s%s", nbytes,
		    digests[d].name, want, 2 * want,
		    other != NULL ? "; " : "", other != NULL ? other : "",
		    other != NULL ? " fingerprints are that long" : "");
		goto out;
	}
	*out = hex_colons(bytes, nbytes);
	ret = 0;
out:
	return ret;
}

/*
 * What a PEM block or a DER structure is, in the order a refusal names
 * them when a file holds no certificate (the private key first: that is
 * the mistake that matters).
 */
enum kind {
	K_NONE,
	K_OTHER,
	K_PARAMS,
	K_CRL,
	K_PUBKEY,
	K_PKCS7,
	K_PKCS12,
	K_CSR,
	K_PRIVKEY,
	K_CERT,
};

static const char *const kind_msg[] = {
	[K_NONE] = "is not a certificate (neither PEM nor DER): " CHOOSE_CERT,
	[K_OTHER] = "holds PEM data but no certificate: " CHOOSE_CERT,
	[K_PARAMS] = "holds key parameters, not a certificate: " CHOOSE_CERT,
	[K_CRL] = "holds a certificate revocation list, not a certificate: "
	    CHOOSE_CERT,
	[K_PUBKEY] = "holds a public key alone, not a certificate: "
	    CHOOSE_CERT,
	[K_PKCS7] = "holds a PKCS#7 bundle, not a certificate: extract the "
	    "certificates (openssl pkcs7 -print_certs) or " CHOOSE_CERT,
	[K_PKCS12] = "holds a PKCS#12 bundle, not a certificate: extract the "
	    "certificate (openssl pkcs12 -clcerts -nokeys) or " CHOOSE_CERT,
	[K_CSR] = "holds a certificate signing request, not a certificate: "
	    "use the certificate the CA issued for it, or " CHOOSE_CERT,
	[K_PRIVKEY] = "holds a private key, not a certificate: " CHOOSE_CERT,
	[K_CERT] = "holds a damaged certificate (bad PEM or DER encoding): "
	    CHOOSE_CERT,
};

/* The kind of a PEM label (the text between "BEGIN " and "-----"). */
static enum kind
pem_label_kind(const char *label, size_t n)
{
	static const struct {
		const char	*label;
		enum kind	 kind;
	} exact[] = {
		{ "CERTIFICATE",		K_CERT },
		{ "X509 CERTIFICATE",		K_CERT },
		{ "TRUSTED CERTIFICATE",	K_CERT },
		{ "CERTIFICATE REQUEST",	K_CSR },
		{ "NEW CERTIFICATE REQUEST",	K_CSR },
		{ "X509 CRL",			K_CRL },
		{ "PKCS7",			K_PKCS7 },
		{ "PKCS #7 SIGNED DATA",	K_PKCS7 },
		{ "CMS",			K_PKCS7 },
		{ "PKCS12",			K_PKCS12 },
	};
	size_t	i;

	for (i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (strlen(exact[i].label) == n &&
		    memcmp(exact[i].label, label, n) == 0)
			return exact[i].kind;
	/* RSA, EC, DSA, ENCRYPTED, OPENSSH, ANY, PGP ... PRIVATE KEY. */
	if (memmem(label, n, "PRIVATE KEY", 11) != NULL)
		return K_PRIVKEY;
	if (memmem(label, n, "PUBLIC KEY", 10) != NULL)
		return K_PUBKEY;
	if (memmem(label, n, "PARAMETERS", 10) != NULL)
		return K_PARAMS;
	return K_OTHER;
}

/* One PEM block: its label's kind, and where its body lies. */
struct pem_block {
	enum kind	 kind;
	int		 trusted;	/* "TRUSTED CERTIFICATE" */
	const char	*body;		/* after the BEGIN line */
	size_t		 bodylen;	/* up to the END line; 0 if none */
	int		 closed;	/* an END line with the same label */
};

/*
 * If the line [p, e) is "-----BEGIN LABEL-----" (or END), sets the label
 * and returns 1.  Surrounding white space is allowed.
 */
static int
pem_marker(const char *p, const char *e, const char *what,
    const char **label, size_t *labellen)
{
	size_t	wl = strlen(what);

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && is_space((unsigned char)e[-1]))
		e--;
	if ((size_t)(e - p) < 5 + wl + 5 || memcmp(p, "-----", 5) != 0 ||
	    memcmp(p + 5, what, wl) != 0 || memcmp(e - 5, "-----", 5) != 0)
		return 0;
	*label = p + 5 + wl;
	*labellen = (size_t)(e - 5 - *label);
	return 1;
}

/*
 * Finds the PEM blocks in data.  Returns how many, with *blocksp (caller
 * frees) set when there is at least one.
 */
static size_t
pem_scan(const char *data, size_t len, struct pem_block **blocksp)
{
	struct pem_block	*v = NULL, *cur = NULL;
	const char		*p = data, *end = data + len, *nl, *label;
	const char		*curlabel = NULL;
	size_t			 n = 0, labellen, curlen = 0;

	*blocksp = NULL;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;		/* a UTF-8 byte order mark */
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (pem_marker(p, nl, "BEGIN ", &label, &labellen)) {
			v = xreallocarray(v, n + 1, sizeof *v);
			cur = &v[n++];
			cur->kind = pem_label_kind(label, labellen);
			cur->trusted = labellen == 19 &&
			    memcmp(label, "TRUSTED CERTIFICATE", 19) == 0;
			cur->body = nl < end ? nl + 1 : end;
			cur->bodylen = 0;
			cur->closed = 0;
			curlabel = label;
			curlen = labellen;
		} else if (cur != NULL &&
		    pem_marker(p, nl, "END ", &label, &labellen)) {
			if (labellen == curlen &&
			    memcmp(label, curlabel, curlen) == 0) {
				cur->bodylen = (size_t)(p - cur->body);
				cur->closed = 1;
			}
			cur = NULL;
		}
		if (nl == end)
			break;
	}
	*blocksp = v;
	return n;
}

/*
 * Decodes a PEM body (RFC 1421 headers, if any, are skipped).  Returns
 * the DER (caller frees) with *derlen, or NULL if it is not base64.
 */
static unsigned char *
pem_decode(const char *body, size_t len, size_t *derlen)
{
	EVP_ENCODE_CTX	*ctx = NULL;
	unsigned char	*der = NULL, *ret = NULL;
	const char	*p = body, *end = body + len, *nl;
	int		 n1 = 0, n2 = 0;

	*derlen = 0;
	/* Headers ("Proc-Type: ...") end at an empty line. */
	nl = memchr(p, '\n', len);
	if (nl != NULL && memchr(p, ':', (size_t)(nl - p)) != NULL) {
		while (p < end) {
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
				nl = end;
			if (nl == p || (nl == p + 1 && *p == '\r')) {
				p = nl < end ? nl + 1 : end;
				break;
			}
			p = nl < end ? nl + 1 : end;
		}
	}
	if ((size_t)(end - p) > INT_MAX / 2)
		goto out;
	der = xmalloc((size_t)(end - p) + 64);
	if ((ctx = EVP_ENCODE_CTX_new()) == NULL)
		fatal("out of memory decoding base64");
	EVP_DecodeInit(ctx);
	if (EVP_DecodeUpdate(ctx, der, &n1, (const unsigned char *)p,
	    (int)(end - p)) == -1)
		goto out;
	if (EVP_DecodeFinal(ctx, der + n1, &n2) == -1)
		goto out;
	if (n1 + n2 == 0)
		goto out;
	*derlen = (size_t)(n1 + n2);
	ret = der;
	der = NULL;
out:
	EVP_ENCODE_CTX_free(ctx);
	free(der);
	return ret;
}

/* A certificate from exactly len bytes of DER, or NULL. */
static X509 *
der_cert(const unsigned char *der, size_t len, int trusted)
{
	const unsigned char	*p = der;
	X509			*x;

	if (len > LONG_MAX)
		return NULL;
	if (trusted)
		x = d2i_X509_AUX(NULL, &p, (long)len);
	else
		x = d2i_X509(NULL, &p, (long)len);
	if (x != NULL && p != der + len) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

/*
 * Parses as many DER certificates as follow each other in data.  Returns
 * the first (or NULL) and sets *ncerts; *rest is 1 when bytes follow the
 * last certificate that are not one.
 */
static X509 *
der_certs(const unsigned char *data, size_t len, int *ncerts, int *rest)
{
	const unsigned char	*p = data, *end = data + len;
	X509			*first = NULL, *x;

	*ncerts = 0;
	*rest = 0;
	while (p < end) {
		if ((x = d2i_X509(NULL, &p, (long)(end - p))) == NULL) {
			*rest = 1;
			break;
		}
		if (first == NULL)
			first = x;
		else
			X509_free(x);
		if (*ncerts < INT_MAX)
			(*ncerts)++;
	}
	return first;
}

/* What DER data that is not a certificate holds. */
static enum kind
der_kind(const unsigned char *data, size_t len)
{
	const unsigned char	*p;
	X509_REQ		*req;
	PKCS12			*p12;
	PKCS7			*p7;
	X509_SIG		*sig;
	EVP_PKEY		*pk;
	X509_CRL		*crl;
	long			 n = (long)len;

	p = data;
	if ((sig = d2i_X509_SIG(NULL, &p, n)) != NULL) {
		/* EncryptedPrivateKeyInfo (PKCS#8, encrypted). */
		X509_SIG_free(sig);
		return K_PRIVKEY;
	}
	p = data;
	if ((pk = d2i_AutoPrivateKey(NULL, &p, n)) != NULL) {
		EVP_PKEY_free(pk);
		return K_PRIVKEY;
	}
	p = data;
	if ((req = d2i_X509_REQ(NULL, &p, n)) != NULL) {
		X509_REQ_free(req);
		return K_CSR;
	}
	p = data;
	if ((p12 = d2i_PKCS12(NULL, &p, n)) != NULL) {
		PKCS12_free(p12);
		return K_PKCS12;
	}
	p = data;
	if ((p7 = d2i_PKCS7(NULL, &p, n)) != NULL) {
		PKCS7_free(p7);
		return K_PKCS7;
	}
	p = data;
	if ((pk = d2i_PUBKEY(NULL, &p, n)) != NULL) {
		EVP_PKEY_free(pk);
		return K_PUBKEY;
	}
	p = data;
	if ((crl = d2i_X509_CRL(NULL, &p, n)) != NULL) {
		X509_CRL_free(crl);
		return K_CRL;
	}
	return K_NONE;
}

/* Keys in the text formats of SSH and PuTTY, which are not PEM. */
static enum kind
text_kind(const char *data, size_t len)
{
	static const struct {
		const char	*prefix;
		enum kind	 kind;
	} prefixes[] = {
		{ "ssh-rsa ",			K_PUBKEY },
		{ "ssh-ed25519 ",		K_PUBKEY },
		{ "ssh-dss ",			K_PUBKEY },
		{ "ecdsa-sha2-",		K_PUBKEY },
		{ "PuTTY-User-Key-File-",	K_PRIVKEY },
	};
	size_t	i, n;

	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		n = strlen(prefixes[i].prefix);
		if (len >= n && memcmp(data, prefixes[i].prefix, n) == 0)
			return prefixes[i].kind;
	}
	return K_NONE;
}

static int
is_blank(const unsigned char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (!is_space(p[i]))
			return 0;
	return 1;
}

/* Builds the struct cert around x (taken over).  NULL if x cannot be
   encoded again (then x is freed). */
static struct cert *
cert_new(X509 *x)
{
	struct cert	*c;
	unsigned char	*der = NULL, *spki = NULL;
	int		 dl, sl;

	if ((dl = i2d_X509(x, &der)) <= 0 ||
	    (sl = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki)) <= 0) {
		OPENSSL_free(der);
		X509_free(x);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->x509 = x;
	c->der = der;
	c->derlen = (size_t)dl;
	c->spki = spki;
	c->spkilen = (size_t)sl;
	return c;
}

/* cert_load, with messages that start with name ("the data", a path). */
static int
load(const void *data, size_t len, const char *name, struct cert **out,
    int *nchain, char **cause)
{
	const unsigned char	*u = data;
	struct pem_block	*blocks = NULL;
	enum kind		 worst = K_NONE;
	X509			*x = NULL;
	unsigned char		*der = NULL;
	size_t			 nblocks, i, derlen;
	int			 ncerts = 0, rest, ret = -1;

	*out = NULL;
	*nchain = 0;
	*cause = NULL;
	if (len == 0 || is_blank(u, len)) {
		*cause = xasprintf("%s is empty: " CHOOSE_CERT, name);
		goto out;
	}

	/* DER: one certificate, or several back to back. */
	if (u[0] == 0x30 && len <= LONG_MAX) {
		x = der_certs(u, len, &ncerts, &rest);
		if (x != NULL && rest) {
			*cause = xasprintf("%s holds a DER certificate followed "
			    "by data that is not one (a damaged or "
			    "concatenated file): " CHOOSE_CERT, name);
			goto out;
		}
		if (x != NULL)
			goto found;
	}

	/* PEM: the first certificate block is the leaf. */
	nblocks = pem_scan(data, len, &blocks);
	for (i = 0; i < nblocks; i++) {
		if (blocks[i].kind == K_CERT && ncerts < INT_MAX)
			ncerts++;
		if (blocks[i].kind > worst && blocks[i].kind != K_CERT)
			worst = blocks[i].kind;
	}
	if (ncerts != 0) {
		for (i = 0; blocks[i].kind != K_CERT; i++)
			;
		if (!blocks[i].closed ||
		    (der = pem_decode(blocks[i].body, blocks[i].bodylen,
		    &derlen)) == NULL ||
		    (x = der_cert(der, derlen, blocks[i].trusted)) == NULL) {
			*cause = xasprintf("%s %s", name, kind_msg[K_CERT]);
			goto out;
		}
		goto found;
	}
	if (nblocks == 0)
		worst = text_kind(data, len);
	if (worst == K_NONE && nblocks == 0 && len <= LONG_MAX)
		worst = der_kind(u, len);
	*cause = xasprintf("%s %s", name, kind_msg[worst]);
	goto out;

found:
	if ((*out = cert_new(x)) == NULL) {
		x = NULL;
		*cause = xasprintf("%s %s", name, kind_msg[K_CERT]);
		goto out;
	}
	x = NULL;
	*nchain = ncerts;
	ret = 0;
out:
	X509_free(x);
	free(der);
	free(blocks);
	/* Nothing of the data may linger in the error queue either. */
	ERR_clear_error();
	return ret;
}

int
cert_load(const void *data, size_t len, struct cert **out, int *nchain,
    char **cause)
{
	return load(data, len, "the data", out, nchain, cause);
}

int
cert_load_file(const char *path, struct cert **out, int *nchain,
    char **cause)
{
	struct buf	 b;
	char		*why = NULL;
	int		 ret = -1, err = EINVAL;

	*out = NULL;
	*nchain = 0;
	*cause = NULL;
	buf_init(&b);
	if (file_read(path, CERT_FILE_LIMIT, &b, &why) == -1) {
		if ((err = errno) == EFBIG) {
			*cause = xasprintf("%s is too large to be a "
			    "certificate (more than %zu bytes): " CHOOSE_CERT,
			    path, (size_t)CERT_FILE_LIMIT);
			free(why);
		} else {
			*cause = why;
		}
		why = NULL;
		goto out;
	}
	if (load(b.data, b.len, path, out, nchain, cause) == -1) {
		err = EINVAL;
		goto out;
	}
	ret = 0;
out:
	/* The data may be a private key: wipe it before freeing. */
	if (b.data != NULL)
		OPENSSL_cleanse(b.data, b.cap);
	buf_free(&b);
	if (ret == -1)
		errno = err;
	return ret;
}

void
cert_free(struct cert *c)
{
	if (c == NULL)
		return;
	X509_free(c->x509);
	OPENSSL_free(c->der);
	OPENSSL_free(c->spki);
	free(c);
}

char *
cert_fingerprint(const struct cert *c, enum fp_digest d, int pubkey)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	EVP_MD		*type = NULL;
	char		*ret = NULL;

	if ((size_t)d >= NDIGESTS)
		goto out;
	if ((type = EVP_MD_fetch(NULL, digests[d].ossl, NULL)) == NULL)
		goto out;
	if (!EVP_Digest(pubkey ? c->spki : c->der,
	    pubkey ? c->spkilen : c->derlen, md, &mdlen, type, NULL))
		goto out;
	if (mdlen != digests[d].size)
		goto out;
	ret = hex_colons(md, mdlen);
out:
	EVP_MD_free(type);
	ERR_clear_error();
	return ret;
}

/*
 * 1 if s is valid UTF-8 without control characters (C0, DEL, C1), so that
 * it may be shown on a terminal as it is.
 */
static int
utf8_printable(const unsigned char *s, size_t n)
{
	size_t		i = 0, k, need;
	uint32_t	cp, min;

	while (i < n) {
		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				return 0;
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			need = 1; cp = s[i] & 0x1f; min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			need = 2; cp = s[i] & 0x0f; min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			need = 3; cp = s[i] & 0x07; min = 0x10000;
		} else
			return 0;
		if (n - i <= need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* name printed with flags, or NULL if OpenSSL cannot print it. */
static char *
name_print(const X509_NAME *name, unsigned long flags, int need_utf8)
{
	BIO	*bio;
	char	*p, *ret = NULL;
	long	 n;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		fatal("out of memory printing a certificate name");
	if (X509_NAME_print_ex(bio, name, 0, flags) < 0)
		goto out;
	if ((n = BIO_get_mem_data(bio, &p)) < 0)
		goto out;
	if (memchr(p, '\0', (size_t)n) != NULL)
		goto out;
	if (need_utf8 && !utf8_printable((unsigned char *)p, (size_t)n))
		goto out;
	ret = xstrndup(p, (size_t)n);
out:
	BIO_free(bio);
	return ret;
}

/*
 * A one-line name, most specific RDN first ("CN=mail.example,O=Example"):
 * UTF-8 when that is printable, else with RFC 2253 escapes throughout.
 */
static char *
name_oneline(const X509_NAME *name)
{
	char	*s;

	if ((s = name_print(name, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB,
	    1)) == NULL && (s = name_print(name, XN_FLAG_RFC2253, 0)) == NULL)
		s = xstrdup("(unreadable name)");
	return s;
}

/* n bytes from a certificate as printable ASCII (\xHH escapes). */
static char *
safe_ascii(const unsigned char *p, size_t n)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (p[i] > ' ' && p[i] < 0x7f && p[i] != '\\')
			buf_addch(&b, (char)p[i]);
		else
			buf_printf(&b, "\\x%02X", p[i]);
	}
	return buf_detach(&b, NULL);
}

/* DNS and IP subjectAltNames, NULL-terminated (never NULL). */
static char **
cert_sans(X509 *x)
{
	GENERAL_NAMES		*gens;
	const GENERAL_NAME	*g;
	const ASN1_STRING	*s;
	char			**v, addr[INET6_ADDRSTRLEN];
	int			 i, num;
	size_t			 n = 0;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	num = gens != NULL ? sk_GENERAL_NAME_num(gens) : 0;
	v = xreallocarray(NULL, (size_t)(num < 0 ? 0 : num) + 1, sizeof *v);
	for (i = 0; i < num; i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		if (g->type == GEN_DNS) {
			s = g->d.dNSName;
			v[n++] = safe_ascii(ASN1_STRING_get0_data(s),
			    (size_t)ASN1_STRING_length(s));
		} else if (g->type == GEN_IPADD) {
			s = g->d.iPAddress;
			if (ASN1_STRING_length(s) == 4 &&
			    inet_ntop(AF_INET, ASN1_STRING_get0_data(s), addr,
			    sizeof addr) != NULL)
				v[n++] = xstrdup(addr);
			else if (ASN1_STRING_length(s) == 16 &&
			    inet_ntop(AF_INET6, ASN1_STRING_get0_data(s), addr,
			    sizeof addr) != NULL)
				v[n++] = xstrdup(addr);
		}
	}
	v[n] = NULL;
	GENERAL_NAMES_free(gens);
	return v;
}

/* "EC P-256", "RSA 2048", "ED25519"; never NULL. */
static char *
key_type(X509 *x)
{
	EVP_PKEY	*pk;
	const char	*t, *nist;
	char		 group[80], *s, *r, *q;
	int		 nid;

	if ((pk = X509_get0_pubkey(x)) == NULL)
		return xstrdup("unknown");
	if (EVP_PKEY_is_a(pk, "RSA"))
		return xasprintf("RSA %d", EVP_PKEY_get_bits(pk));
	if (EVP_PKEY_is_a(pk, "RSA-PSS"))
		return xasprintf("RSA-PSS %d", EVP_PKEY_get_bits(pk));
	if (EVP_PKEY_is_a(pk, "DSA"))
		return xasprintf("DSA %d", EVP_PKEY_get_bits(pk));
	if (EVP_PKEY_is_a(pk, "EC")) {
		if (!EVP_PKEY_get_group_name(pk, group, sizeof group, NULL))
			return xasprintf("EC %d", EVP_PKEY_get_bits(pk));
		nid = OBJ_sn2nid(group);
		if (nid != NID_undef && (nist = EC_curve_nid2nist(nid)) != NULL)
			return xasprintf("EC %s", nist);
		s = safe_ascii((unsigned char *)group, strlen(group));
		r = xasprintf("EC %s", s);
		free(s);
		return r;
	}
	if ((t = EVP_PKEY_get0_type_name(pk)) == NULL)
		return xstrdup("unknown");
	s = safe_ascii((const unsigned char *)t, strlen(t));
	for (q = s; *q != '\0'; q++)
		if (*q >= 'a' && *q <= 'z')
			*q = (char)(*q - 'a' + 'A');
	return s;
}

static time_t
asn1_time(const ASN1_TIME *t)
{
	struct tm	tm;
	time_t		r;

	if (t == NULL)
		return 0;
	memset(&tm, 0, sizeof tm);
	if (!ASN1_TIME_to_tm(t, &tm))
		return 0;
	if ((r = timegm(&tm)) == (time_t)-1)
		return 0;
	return r;
}

void
cert_get_info(const struct cert *c, struct cert_info *ci)
{
	X509	*x = c->x509;

	memset(ci, 0, sizeof *ci);
	ci->subject = name_oneline(X509_get_subject_name(x));
	ci->issuer = name_oneline(X509_get_issuer_name(x));
	ci->sans = cert_sans(x);
	ci->key_type = key_type(x);
	ci->not_before = asn1_time(X509_get0_notBefore(x));
	ci->not_after = asn1_time(X509_get0_notAfter(x));
	ci->self_signed = X509_self_signed(x, 1) == 1;
	ERR_clear_error();
}

void
cert_info_free(struct cert_info *ci)
{
	if (ci == NULL)
		return;
	free(ci->subject);
	free(ci->issuer);
	strv_free(ci->sans);
	free(ci->key_type);
	memset(ci, 0, sizeof *ci);
}

void
sha_key_init(struct sha_key *k)
{
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();

	if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		ctx = NULL;
	}
	k->ctx = ctx;
}

void
sha_key_add(struct sha_key *k, const void *data, size_t len)
{
	if (k->ctx != NULL && len > 0 &&
	    EVP_DigestUpdate(k->ctx, data, len) != 1) {
		EVP_MD_CTX_free(k->ctx);
		k->ctx = NULL;
	}
}

void
sha_key_addstr(struct sha_key *k, const char *s)
{
	sha_key_add(k, s, strlen(s) + 1);
}

void
sha_key_end(struct sha_key *k, char out[65])
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		md[EVP_MAX_MD_SIZE];
	unsigned int		len = 0, i;

	out[0] = '\0';
	if (k->ctx == NULL)
		return;
	if (EVP_DigestFinal_ex(k->ctx, md, &len) == 1 && len == 32) {
		for (i = 0; i < len; i++) {
			out[2 * i] = hex[md[i] >> 4];
			out[2 * i + 1] = hex[md[i] & 15];
		}
		out[2 * len] = '\0';
	}
	EVP_MD_CTX_free(k->ctx);
	k->ctx = NULL;
}
