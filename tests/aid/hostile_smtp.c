/*
 * hostile_smtp.c: a misbehaving SMTP server for the probe tests.
 *
 *   hostile_smtp MODE [LEAF.pem]
 *
 * Listens on 127.0.0.1 on a port the kernel picks, prints the port on
 * stdout, serves ONE connection in MODE and exits; it never lives longer
 * than 30 seconds (alarm).  With LEAF.pem, the leaf certificate it
 * presents (TLS modes) is written there before the port is printed.
 *
 * Modes:
 *   silent      accepts and never speaks
 *   endless     "220 " then one endless line without CRLF
 *   slowdrip    an endless multi-line greeting, one byte per 100 ms
 *   manylines   greeting, then an endless "250-x" EHLO reply
 *   nostarttls  EHLO reply without STARTTLS (but with "STARTTLSX")
 *   garbage     220 to STARTTLS, then random bytes that are not TLS
 *   inject      220 to STARTTLS with a plaintext reply in the same write
 *   tlsstall    220 to STARTTLS, then silence
 *   hugechain   TLS with the leaf plus 80 padded certificates (~200 KiB)
 *   hugecert    TLS with one 150 KiB certificate
 *   good        TLS with a leaf and one more certificate; answers QUIT
 *   goodtls     implicit TLS (smtps): greeting inside TLS; answers QUIT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static const char greeting[] = "220 hostile.example ESMTP\r\n";
static const char ehlo_tls[] = "250-hostile.example\r\n250-PIPELINING\r\n"
    "250-STARTTLS\r\n250 8BITMIME\r\n";
static const char ehlo_notls[] = "250-hostile.example\r\n250-PIPELINING\r\n"
    "250-STARTTLSX\r\n250-XSTARTTLS\r\n250 8BITMIME\r\n";

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "hostile_smtp: %s: %s\n", what, strerror(errno));
	exit(1);
}

static _Noreturn void
die_ssl(const char *what)
{
	fprintf(stderr, "hostile_smtp: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* Writes everything; 0, or -1 once the client is gone. */
static int
put(int fd, const void *p, size_t len)
{
	const char	*s = p;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, s, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one line (at most cap - 1 bytes).  Length, or -1 at EOF. */
static ssize_t
get_line(int fd, char *line, size_t cap)
{
	size_t	len = 0;
	ssize_t	n;
	char	c;

	while (len + 1 < cap) {
		n = read(fd, &c, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		line[len++] = c;
		if (c == '\n')
			break;
	}
	line[len] = '\0';
	return (ssize_t)len;
}

/* Reads and discards until the client hangs up. */
static void
drain(int fd)
{
	char	buf[4096];
	ssize_t	n;

	while ((n = read(fd, buf, sizeof buf)) != 0)
		if (n == -1 && errno != EINTR)
			break;
}

static void
sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* A self-signed certificate for key with pad bytes of padding. */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, long serial, size_t pad)
{
	X509			*x;
	X509_NAME		*name;
	X509_EXTENSION		*ext;
	ASN1_OBJECT		*obj;
	ASN1_OCTET_STRING	*os;
	unsigned char		*p;

	if ((x = X509_new()) == NULL)
		die_ssl("X509_new");
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	if (pad > 0) {
		p = malloc(pad);
		if (p == NULL)
			die("malloc");
		memset(p, 'P', pad);
		obj = OBJ_txt2obj("1.3.6.1.4.1.32473.1", 1);
		os = ASN1_OCTET_STRING_new();
		if (obj == NULL || os == NULL ||
		    !ASN1_OCTET_STRING_set(os, p, (int)pad) ||
		    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os)) ==
		    NULL || !X509_add_ext(x, ext, -1))
			die_ssl("padding extension");
		X509_EXTENSION_free(ext);
		ASN1_OCTET_STRING_free(os);
		ASN1_OBJECT_free(obj);
		free(p);
	}
	if (!X509_sign(x, key, EVP_sha256()))
		die_ssl("X509_sign");
	return x;
}

static SSL_CTX *
make_ctx(const char *mode, const char *leaf_out)
{
	SSL_CTX		*ctx;
	EVP_PKEY	*key;
	X509		*leaf, *extra = NULL;
	FILE		*fp;
	int		 i, nextra = 0;
	size_t		 leafpad = 0;

	if ((key = EVP_EC_gen("P-256")) == NULL)
		die_ssl("EVP_EC_gen");
	if (strcmp(mode, "hugecert") == 0)
		leafpad = 150 * 1024;
	leaf = make_cert(key, "hostile.example", 1, leafpad);
	if (strcmp(mode, "hugechain") == 0) {
		extra = make_cert(key, "padded.example", 2, 2500);
		nextra = 80;
	} else if (strcmp(mode, "good") == 0) {
		extra = make_cert(key, "intermediate.example", 3, 0);
		nextra = 1;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    !SSL_CTX_use_certificate(ctx, leaf) ||
	    !SSL_CTX_use_PrivateKey(ctx, key))
		die_ssl("server context");
	for (i = 0; i < nextra; i++)
		if (!SSL_CTX_add1_chain_cert(ctx, extra))
			die_ssl("chain");
	if (leaf_out != NULL) {
		if ((fp = fopen(leaf_out, "w")) == NULL)
			die(leaf_out);
		if (!PEM_write_X509(fp, leaf) || fclose(fp) != 0)
			die_ssl("writing the leaf");
	}
	X509_free(leaf);
	X509_free(extra);
	EVP_PKEY_free(key);
	return ctx;
}

/* Greeting and EHLO (reply ehlo), then waits for STARTTLS.  0, or -1. */
static int
smtp_until_starttls(int fd, const char *ehlo)
{
	char	line[1024];

	if (put(fd, greeting, strlen(greeting)) == -1)
		return -1;
	for (;;) {
		if (get_line(fd, line, sizeof line) == -1)
			return -1;
		if (strncasecmp(line, "EHLO", 4) == 0) {
			if (put(fd, ehlo, strlen(ehlo)) == -1)
				return -1;
		} else if (strncasecmp(line, "STARTTLS", 8) == 0)
			return 0;
		else if (strncasecmp(line, "QUIT", 4) == 0) {
			put(fd, "221 bye\r\n", 9);
			return -1;
		} else if (put(fd, "502 no\r\n", 8) == -1)
			return -1;
	}
}

static void
serve_tls(int fd, SSL_CTX *ctx, int implicit)
{
	SSL	*ssl;
	char	 buf[1024];
	int	 n;

	if ((ssl = SSL_new(ctx)) == NULL || !SSL_set_fd(ssl, fd))
		die_ssl("SSL_new");
	if (SSL_accept(ssl) != 1) {
		ERR_print_errors_fp(stderr);
		goto out;
	}
	if (implicit)
		SSL_write(ssl, greeting, (int)strlen(greeting));
	/* Answers QUIT (the probe's goodbye) and nothing else. */
	while ((n = SSL_read(ssl, buf, sizeof buf - 1)) > 0) {
		buf[n] = '\0';
		if (strncasecmp(buf, "QUIT", 4) == 0) {
			SSL_write(ssl, "221 2.0.0 bye\r\n", 15);
			break;
		}
		SSL_write(ssl, "502 no\r\n", 8);
	}
	SSL_shutdown(ssl);
out:
	SSL_free(ssl);
}

static void
serve(int fd, const char *mode, SSL_CTX *ctx)
{
	char		 chunk[4096], line[1024];
	unsigned int	 x = 2463534242u;
	size_t		 i;
	const char	*p;

	if (strcmp(mode, "silent") == 0) {
		drain(fd);
	} else if (strcmp(mode, "endless") == 0) {
		memset(chunk, 'A', sizeof chunk);
		if (put(fd, "220 ", 4) == 0)
			while (put(fd, chunk, sizeof chunk) == 0)
				;
	} else if (strcmp(mode, "slowdrip") == 0) {
		for (;;)
			for (p = "220-slow\r\n"; *p != '\0'; p++) {
				if (put(fd, p, 1) == -1)
					return;
				sleep_ms(100);
			}
	} else if (strcmp(mode, "manylines") == 0) {
		if (put(fd, greeting, strlen(greeting)) == -1 ||
		    get_line(fd, line, sizeof line) == -1)
			return;
		for (i = 0; i + 7 <= sizeof chunk; i += 7)
			memcpy(chunk + i, "250-x\r\n", 7);
		while (put(fd, chunk, i) == 0)
			;
	} else if (strcmp(mode, "nostarttls") == 0) {
		if (smtp_until_starttls(fd, ehlo_notls) == 0)
			put(fd, "502 5.5.1 no STARTTLS here\r\n", 28);
		drain(fd);
	} else if (strcmp(mode, "garbage") == 0) {
		if (smtp_until_starttls(fd, ehlo_tls) == -1 ||
		    put(fd, "220 2.0.0 go ahead\r\n", 20) == -1)
			return;
		for (i = 0; i < sizeof chunk; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			chunk[i] = (char)(x & 0xff);
		}
		chunk[0] = 'G';		/* never a TLS record type */
		if (put(fd, chunk, sizeof chunk) == 0)
			drain(fd);
	} else if (strcmp(mode, "inject") == 0) {
		static const char r[] = "220 2.0.0 go ahead\r\n"
		    "250 injected\r\n";

		if (smtp_until_starttls(fd, ehlo_tls) == 0 &&
		    put(fd, r, sizeof r - 1) == 0)
			drain(fd);
	} else if (strcmp(mode, "tlsstall") == 0) {
		if (smtp_until_starttls(fd, ehlo_tls) == 0 &&
		    put(fd, "220 2.0.0 go ahead\r\n", 20) == 0)
			drain(fd);
	} else if (strcmp(mode, "goodtls") == 0) {
		serve_tls(fd, ctx, 1);
	} else {		/* hugechain, hugecert, good */
		if (smtp_until_starttls(fd, ehlo_tls) == 0 &&
		    put(fd, "220 2.0.0 go ahead\r\n", 20) == 0)
			serve_tls(fd, ctx, 0);
	}
}

int
main(int argc, char **argv)
{
	static const char *const modes[] = { "silent", "endless", "slowdrip",
	    "manylines", "nostarttls", "garbage", "inject", "tlsstall",
	    "hugechain", "hugecert", "good", "goodtls", NULL };
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof sin;
	SSL_CTX			*ctx = NULL;
	const char		*mode;
	int			 s, fd, one = 1, i;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: hostile_smtp MODE [LEAF.pem]\n");
		return 2;
	}
	mode = argv[1];
	for (i = 0; modes[i] != NULL && strcmp(modes[i], mode) != 0; i++)
		;
	if (modes[i] == NULL) {
		fprintf(stderr, "hostile_smtp: unknown mode %s\n", mode);
		return 2;
	}
	alarm(30);
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(mode, "hugechain") == 0 || strcmp(mode, "hugecert") == 0 ||
	    strcmp(mode, "good") == 0 || strcmp(mode, "goodtls") == 0)
		ctx = make_ctx(mode, argc == 3 ? argv[2] : NULL);

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if (bind(s, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(s, 1) == -1 ||
	    getsockname(s, (struct sockaddr *)&sin, &sl) == -1)
		die("listen");
	printf("%d\n", ntohs(sin.sin_port));
	if (fflush(stdout) == EOF)
		die("stdout");

	while ((fd = accept(s, NULL, NULL)) == -1)
		if (errno != EINTR)
			die("accept");
	close(s);
	serve(fd, mode, ctx);
	close(fd);
	SSL_CTX_free(ctx);
	return 0;
}
