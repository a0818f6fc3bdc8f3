/*
 * cmd_fingerprint.c: mxpin fingerprint.  Prints, on one line, exactly what
 * belongs after "match=" in the fingerprint TLS policy for a certificate
 * file: the certificate fingerprint, or with --pubkey the public-key one.
 * The digest is --digest, else the smtp_tls_fingerprint_digest of the
 * config named with -c, else sha256.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "fprint.h"

#define FP_USAGE	"usage: mxpin fingerprint [--digest md5|sha1|sha256|" \
			"sha512] [--pubkey] [-c DIR] CERTFILE"

static int
fp_usage(void)
{
	fprintf(stderr, "%s\n", FP_USAGE);
	return EX_USAGE;
}

int
cmd_fingerprint(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "digest",	required_argument,	NULL, 'd' },
		{ "pubkey",	no_argument,		NULL, 'p' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	enum fp_digest	 d = FP_SHA256;
	struct cert	*c = NULL;
	const char	*digest = NULL, *confdir = NULL;
	char		*cause = NULL, *fp = NULL;
	int		 ch, pubkey = 0, nchain, ret = EX_USAGE;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			confdir = optarg;
			break;
		case 'd':
			digest = optarg;
			break;
		case 'p':
			pubkey = 1;
			break;
		case 'h':
			printf("%s\n", FP_USAGE);
			ret = 0;
			goto out;
		case ':':
			cli_warnx("fingerprint: %s needs a value",
			    argv[optind - 1]);
			ret = fp_usage();
			goto out;
		default:
			if (optopt != 0)
				cli_warnx("fingerprint: unknown option -%c",
				    optopt);
			else
				cli_warnx("fingerprint: unknown option %s",
				    argv[optind - 1]);
			ret = fp_usage();
			goto out;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1) {
		cli_warnx("fingerprint: %s", argc == 0 ?
		    "name the certificate file" : "one certificate file only");
		ret = fp_usage();
		goto out;
	}
	if (digest != NULL && fp_digest_parse(digest, &d) == -1) {
		cli_warnx("fingerprint: unknown digest '%s': use md5, sha1, "
		    "sha256 or sha512 (as smtp_tls_fingerprint_digest)", digest);
		ret = fp_usage();
		goto out;
	}
	if (digest == NULL && confdir != NULL &&
	    (ret = cli_config_digest("fingerprint", confdir, &d)) != 0)
		goto out;

	if (cert_load_file(argv[0], &c, &nchain, &cause) == -1) {
		ret = errno == EINVAL || errno == EFBIG ? EX_DATAERR :
		    EX_NOINPUT;
		ret = cli_fail(ret, cause);
		cause = NULL;
		goto out;
	}
	if (nchain > 1)
		cli_warnx("%s holds a chain of %d certificates: using the "
		    "first one, the server's own (leaf) certificate", argv[0],
		    nchain);
	if ((fp = cert_fingerprint(c, d, pubkey)) == NULL) {
		cli_warnx("fingerprint: OpenSSL cannot compute a %s digest here",
		    fp_digest_name(d));
		ret = EX_UNAVAILABLE;
		goto out;
	}
	printf("%s\n", fp);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_warnx("fingerprint: standard output: write error");
		ret = EX_IOERR;
		goto out;
	}
	ret = 0;
out:
	free(fp);
	free(cause);
	cert_free(c);
	return ret;
}
