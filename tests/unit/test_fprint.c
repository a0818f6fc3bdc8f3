/*
 * test_fprint.c: fingerprint text (fp_normalize, digest names) and loading
 * an in-memory certificate (cert_load, cert_fingerprint, cert_get_info).
 * The expected fingerprints come from openssl x509 -fingerprint and the
 * openssl pkey | dgst pipeline run on the certificate below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fprint.h"
#include "util.h"

/* EC P-256, self-signed, O=Müller GmbH, CN=mail.domain.not, SANs
   DNS:mail.domain.not, IP:192.0.2.7, IP:2001:db8::1. */
static const char cert_pem[] =
"-----BEGIN CERTIFICATE-----\n"
"MIIB7TCCAZOgAwIBAgIUNmyYHwmPyli99CP+zMCIUgyiaIcwCgYIKoZIzj0EAwIw\n"
"MTEVMBMGA1UECgwMTcO8bGxlciBHbWJIMRgwFgYDVQQDDA9tYWlsLmRvbWFpbi5u\n"
"b3QwHhcNMjYxMTI1MTkxOTA1WhcNMjcxMTI1MTkxOTA1WjAxMRUwEwYDVQQKDAxN\n"
"w7xsbGVyIEdtYkgxGDAWBgNVBAMMD21haWwuZG9tYWluLm5vdDBZMBMGByqGSM49\n"
"AgEGCCqGSM49AwEHA0IABJqrgjJfdW9r7Rv4aXf9xHrnBwvAX4qpAmZxuWRopyM3\n"
"/Wz+iIcktcjAJANg9E5Az9cTPJpwhuDxrLKJCo6cXTOjgYgwgYUwHQYDVR0OBBYE\n"
"FNicRjSKN5fFQZIsXbHIv9XKjZoyMB8GA1UdIwQYMBaAFNicRjSKN5fFQZIsXbHI\n"
"v9XKjZoyMA8GA1UdEwEB/wQFMAMBAf8wMgYDVR0RBCswKYIPbWFpbC5kb21haW4u\n"
"bm90hwTAAAIHhxAgAQ24AAAAAAAAAAAAAAABMAoGCCqGSM49BAMCA0gAMEUCIQC6\n"
"8BRb0gbeI5EYthmcZPdGaq7EaPrRq3MBT6xGWo72fAIgQJfXXHeD2gM19CqneXH6\n"
"rLDov5SwS3UyjO0kbWc+Udk=\n"
"-----END CERTIFICATE-----\n";

#define CERT_SHA256	"3F:95:0A:91:4F:15:F7:75:ED:20:2A:AD:2B:5E:EC:62:" \
			"EC:46:B3:61:B2:47:92:EE:00:41:E5:6A:17:C9:08:76"
#define CERT_MD5	"82:2E:23:45:A7:2A:7D:00:3A:81:C8:AE:E3:D8:CA:09"
#define PUBKEY_SHA256	"EA:1A:28:A9:19:61:68:B0:3F:C0:9F:E4:84:0B:F3:02:" \
			"59:C9:E6:D0:B0:FD:D4:DA:05:13:0C:43:B4:1F:C0:89"

/* Only the header line matters: the body is never looked at. */
static const char key_pem[] =
"-----BEGIN EC PRIVATE KEY-----\n"
"MHcCAQEEIBSECRETSECRETSECRETSECRETSECRETSECRETSECRoAoGCCqGSM49\n"
"-----END EC PRIVATE KEY-----\n";

static const char csr_pem[] =
"-----BEGIN CERTIFICATE REQUEST-----\n"
"MIIBADCBpwIBADAMMQowCAYDVQQDDAF4MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcD\n"
"-----END CERTIFICATE REQUEST-----\n";

/* fp_normalize(in, d) must succeed with want. */
static void
norm_ok(const char *in, enum fp_digest d, const char *want)
{
	char	*out = (char *)1, *cause = (char *)1;

	assert_int_equal(fp_normalize(in, d, &out, &cause), 0);
	assert_null(cause);
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

/* fp_normalize(in, d) must fail with a message holding needle. */
static void
norm_bad(const char *in, enum fp_digest d, const char *needle)
{
	char	*out = (char *)1, *cause = NULL;

	assert_int_equal(fp_normalize(in, d, &out, &cause), -1);
	assert_null(out);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", cause, needle);
	free(cause);
}

static void
test_normalize_accepts_typed_forms(void **state)
{
	(void)state;
	/* Already in match= form. */
	norm_ok(CERT_MD5, FP_MD5, CERT_MD5);
	/* Lowercase becomes uppercase. */
	norm_ok("82:2e:23:45:a7:2a:7d:00:3a:81:c8:ae:e3:d8:ca:09", FP_MD5,
	    CERT_MD5);
	/* Colons are optional, in whole or in part. */
	norm_ok("822E2345A72A7D003A81C8AEE3D8CA09", FP_MD5, CERT_MD5);
	norm_ok("822e2345:A72A7D003A81C8AEE3D8CA:09", FP_MD5, CERT_MD5);
	/* Surrounding white space (a pasted line) is ignored. */
	norm_ok("  \t" CERT_SHA256 "\r\n", FP_SHA256, CERT_SHA256);
	norm_ok("3f950a914f15f775ed202aad2b5eec62ec46b361b24792ee0041e56a17c90876",
	    FP_SHA256, CERT_SHA256);
	norm_ok("0123456789abcdef0123456789ABCDEF01234567", FP_SHA1,
	    "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67");
}

static void
test_normalize_checks_length_per_digest(void **state)
{
	(void)state;
	/* A sha256 value is 32 bytes; anything else is unusable. */
	norm_bad(CERT_MD5, FP_SHA256, "16 bytes long, but sha256 "
	    "fingerprints are 32 bytes (64 hex digits); md5 fingerprints are "
	    "that long");
	norm_bad(CERT_SHA256, FP_MD5, "md5 fingerprints are 16 bytes");
	norm_bad(CERT_SHA256, FP_SHA1, "32 bytes long");
	norm_bad(CERT_SHA256, FP_SHA512, "; sha256 fingerprints are that long");
	norm_bad("AB:CD:EF", FP_SHA1, "3 bytes long");
	/* Long input is measured, not overrun. */
	norm_bad(CERT_SHA256 ":" CERT_SHA256 ":" CERT_SHA256, FP_SHA512,
	    "96 bytes long");
}

static void
test_normalize_refuses_malformed(void **state)
{
	(void)state;
	norm_bad("", FP_SHA256, "empty");
	norm_bad(" \t\n", FP_SHA256, "empty");
	/* Odd number of digits. */
	norm_bad("822E2345A72A7D003A81C8AEE3D8CA0", FP_MD5,
	    "odd number of hex digits (31)");
	/* Not hex. */
	norm_bad("822E2345A72A7D003A81C8AEE3D8CAXY", FP_MD5, "'X' "
	    "(character 31) is not a hex digit");
	norm_bad("sha256 Fingerprint=" CERT_SHA256, FP_SHA256,
	    "'s' (character 1)");
	norm_bad("82\x01" "E2345A72A7D003A81C8AEE3D8CA09", FP_MD5,
	    "character 3 is not a hex digit");
	/* White space inside would split the match= value. */
	norm_bad("822E2345 A72A7D003A81C8AEE3D8CA09", FP_MD5,
	    "white space inside");
	/* Colons only between pairs. */
	norm_bad("8:22E2345A72A7D003A81C8AEE3D8CA09", FP_MD5, "':' at "
	    "character 2");
	norm_bad(":822E2345A72A7D003A81C8AEE3D8CA09", FP_MD5, "':'");
	norm_bad("822E2345A72A7D003A81C8AEE3D8CA09:", FP_MD5, "':'");
	norm_bad("82::2E2345A72A7D003A81C8AEE3D8CA09", FP_MD5, "':'");
	/* Another separator is not a colon. */
	norm_bad("82-2E-23-45-A7-2A-7D-00-3A-81-C8-AE-E3-D8-CA-09", FP_MD5,
	    "'-' (character 3)");
}

static void
test_digest_names(void **state)
{
	static const struct {
		const char	*name;
		enum fp_digest	 d;
		size_t		 size;
	} t[] = {
		{ "md5", FP_MD5, 16 },
		{ "sha1", FP_SHA1, 20 },
		{ "sha256", FP_SHA256, 32 },
		{ "sha512", FP_SHA512, 64 },
	};
	enum fp_digest	d;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		d = (enum fp_digest)99;
		assert_int_equal(fp_digest_parse(t[i].name, &d), 0);
		assert_int_equal(d, t[i].d);
		assert_string_equal(fp_digest_name(t[i].d), t[i].name);
		assert_int_equal(fp_digest_size(t[i].d), t[i].size);
	}
	assert_int_equal(fp_digest_parse("SHA256", &d), 0);
	assert_int_equal(d, FP_SHA256);
	assert_int_equal(fp_digest_parse("Md5", &d), 0);
	assert_int_equal(d, FP_MD5);
	/* Postfix knows only these four names. */
	d = FP_MD5;
	assert_int_equal(fp_digest_parse("sha-256", &d), -1);
	assert_int_equal(fp_digest_parse("sha384", &d), -1);
	assert_int_equal(fp_digest_parse("sha256 ", &d), -1);
	assert_int_equal(fp_digest_parse("", &d), -1);
	assert_int_equal(d, FP_MD5);
	assert_null(fp_digest_name((enum fp_digest)4));
	assert_int_equal(fp_digest_size((enum fp_digest)4), 0);
}

static void
test_cert_fingerprints_match_openssl(void **state)
{
	struct cert	*c = NULL;
	char		*cause = NULL, *fp;
	int		 nchain = -1;

	(void)state;
	assert_int_equal(cert_load(cert_pem, strlen(cert_pem), &c, &nchain,
	    &cause), 0);
	assert_null(cause);
	assert_int_equal(nchain, 1);
	fp = cert_fingerprint(c, FP_SHA256, 0);
	assert_string_equal(fp, CERT_SHA256);
	free(fp);
	fp = cert_fingerprint(c, FP_MD5, 0);
	assert_string_equal(fp, CERT_MD5);
	free(fp);
	fp = cert_fingerprint(c, FP_SHA256, 1);
	assert_string_equal(fp, PUBKEY_SHA256);
	free(fp);
	/* What we print, fp_normalize accepts as it is. */
	fp = cert_fingerprint(c, FP_SHA512, 1);
	assert_int_equal(strlen(fp), 64 * 3 - 1);
	norm_ok(fp, FP_SHA512, fp);
	free(fp);
	cert_free(c);
}

static void
test_cert_info(void **state)
{
	struct cert_info	 ci;
	struct cert		*c = NULL;
	char			*cause = NULL;
	int			 nchain;

	(void)state;
	assert_int_equal(cert_load(cert_pem, strlen(cert_pem), &c, &nchain,
	    &cause), 0);
	cert_get_info(c, &ci);
	assert_string_equal(ci.subject, "CN=mail.domain.not,O=Müller GmbH");
	assert_string_equal(ci.issuer, ci.subject);
	assert_non_null(ci.sans);
	assert_string_equal(ci.sans[0], "mail.domain.not");
	assert_string_equal(ci.sans[1], "192.0.2.7");
	assert_string_equal(ci.sans[2], "2001:db8::1");
	assert_null(ci.sans[3]);
	assert_string_equal(ci.key_type, "EC P-256");
	/* 2026-11-25 19:19:05Z and a year later. */
	assert_int_equal((long long)ci.not_before, 1795634345LL);
	assert_int_equal((long long)ci.not_after, 1827170345LL);
	assert_int_equal(ci.self_signed, 1);
	cert_info_free(&ci);
	cert_free(c);
}

static void
test_load_chain_and_combined(void **state)
{
	struct buf	 b;
	struct cert	*c = NULL;
	char		*cause = NULL, *fp;
	int		 nchain;

	(void)state;
	/* Key first, then two certificates: the first certificate counts. */
	buf_init(&b);
	buf_addstr(&b, key_pem);
	buf_addstr(&b, "some text between blocks\n");
	buf_addstr(&b, cert_pem);
	buf_addstr(&b, cert_pem);
	assert_int_equal(cert_load(b.data, b.len, &c, &nchain, &cause), 0);
	assert_int_equal(nchain, 2);
	fp = cert_fingerprint(c, FP_SHA256, 0);
	assert_string_equal(fp, CERT_SHA256);
	free(fp);
	cert_free(c);
	buf_free(&b);

	/* A UTF-8 byte order mark and no final newline (an editor's file). */
	buf_init(&b);
	buf_addstr(&b, "\xEF\xBB\xBF");
	buf_add(&b, cert_pem, strlen(cert_pem) - 1);
	c = NULL;
	assert_int_equal(cert_load(b.data, b.len, &c, &nchain, &cause), 0);
	assert_int_equal(nchain, 1);
	fp = cert_fingerprint(c, FP_SHA256, 0);
	assert_string_equal(fp, CERT_SHA256);
	free(fp);
	cert_free(c);
	buf_free(&b);
}

/* cert_load(data) must fail with a message holding needle and no line
   of data. */
static void
load_bad(const char *data, size_t len, const char *needle)
{
	struct cert	*c = (struct cert *)1;
	char		*cause = NULL, *copy, *line, *save = NULL;
	int		 nchain = -1;

	assert_int_equal(cert_load(data, len, &c, &nchain, &cause), -1);
	assert_null(c);
	assert_int_equal(nchain, 0);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", cause, needle);
	copy = xstrndup(data, len);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strlen(line) > 8 && strstr(cause, line) != NULL)
			fail_msg("message quotes the data: %s", cause);
	free(copy);
	free(cause);
}

static void
test_load_refusals(void **state)
{
	static const unsigned char	garbage[] = { 0x30, 0x82, 0x01, 0x00,
					    0x02, 0x01, 0x00, 0xff };
	struct buf			b;

	(void)state;
	load_bad("", 0, "the data is empty");
	load_bad("\n\n  \n", 4, "is empty");
	load_bad(key_pem, strlen(key_pem), "the data holds a private key, "
	    "not a certificate: choose the certificate file (often "
	    "fullchain.pem or cert.pem)");
	load_bad(csr_pem, strlen(csr_pem), "certificate signing request");
	load_bad("hello world\n", 12, "not a certificate (neither PEM nor "
	    "DER)");
	load_bad((const char *)garbage, sizeof garbage, "neither PEM nor DER");
	/* A damaged leaf is refused, not skipped for the next one. */
	buf_init(&b);
	buf_add(&b, cert_pem, 100);
	buf_addstr(&b, "!!!!\n-----END CERTIFICATE-----\n");
	buf_addstr(&b, cert_pem);
	load_bad(b.data, b.len, "damaged certificate");
	buf_free(&b);
	/* An unterminated block as well. */
	load_bad(cert_pem, 200, "damaged certificate");
	/* A private key next to a CSR: the key is what the message names. */
	buf_init(&b);
	buf_addstr(&b, csr_pem);
	buf_addstr(&b, key_pem);
	load_bad(b.data, b.len, "private key");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_accepts_typed_forms),
		cmocka_unit_test(test_normalize_checks_length_per_digest),
		cmocka_unit_test(test_normalize_refuses_malformed),
		cmocka_unit_test(test_digest_names),
		cmocka_unit_test(test_cert_fingerprints_match_openssl),
		cmocka_unit_test(test_cert_info),
		cmocka_unit_test(test_load_chain_and_combined),
		cmocka_unit_test(test_load_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
