/*
 * cmd_probe.c: mxpin probe [-c DIR] [--digest ALG] [--timeout SECONDS]
 * [--starttls|--tls] HOST[:PORT]
 *
 * Connects to the primary as the Postfix SMTP client would, shows the
 * leaf certificate it presents and both fingerprints in the match= form
 * Postfix's fingerprint policy takes.  The digest is --digest, else the
 * one in force in -c DIR (smtp_tls_fingerprint_digest), else sha256.
 * Exit 0, EX_UNAVAILABLE when the server cannot be reached or fails a
 * stage, EX_USAGE on bad arguments.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "fprint.h"
#include "probe.h"

#define PROBE_TIMEOUT_MAX	3600	/* seconds */

static int
usage(void)
{
	fprintf(stderr, "usage: mxpin probe [-c DIR] [--digest ALG] "
	    "[--timeout SECONDS] [--starttls|--tls] HOST[:PORT]\n");
	return EX_USAGE;
}

static void
print_time(const char *label, time_t t)
{
	struct tm	tm;
	char		s[64];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(s, sizeof s, "(time %lld)", (long long)t);
	printf("%-12s %s", label, s);
}

static void
print_result(const struct probe_opts *o, const struct probe_result *r,
    enum fp_digest dg)
{
	struct cert_info	 ci;
	char			*fp;
	size_t			 i;
	time_t			 now = time(NULL);

	cert_get_info(r->cert, &ci);
	printf("%-12s %s (%s, %s, %s)\n", "peer", r->peer,
	    o->mode == PROBE_TLS ? "implicit TLS" : "STARTTLS",
	    r->tls_version, r->cipher);
	if (r->greeting != NULL)
		printf("%-12s 220 %s\n", "greeting", r->greeting);
	printf("%-12s %s\n", "subject", ci.subject);
	printf("%-12s %s%s\n", "issuer", ci.issuer,
	    ci.self_signed ? " (self-signed)" : "");
	printf("%-12s ", "SANs");
	if (ci.sans[0] == NULL)
		printf("(none)");
	for (i = 0; ci.sans[i] != NULL; i++)
		printf("%s%s", i == 0 ? "" : ", ", ci.sans[i]);
	printf("\n");
	print_time("not before", ci.not_before);
	printf("%s\n", now < ci.not_before ? "  (NOT YET VALID)" : "");
	print_time("not after", ci.not_after);
	printf("%s\n", now > ci.not_after ? "  (EXPIRED)" : "");
	printf("%-12s %s\n", "key", ci.key_type);
	printf("%-12s %d certificate%s presented\n", "chain", r->chain_len,
	    r->chain_len == 1 ? "" : "s");
	printf("%-12s %s\n", "digest", fp_digest_name(dg));
	fp = cert_fingerprint(r->cert, dg, 0);
	printf("%-12s match=%s\n", "certificate", fp);
	free(fp);
	fp = cert_fingerprint(r->cert, dg, 1);
	printf("%-12s match=%s\n", "public-key", fp);
	free(fp);
	cert_info_free(&ci);
}

int
cmd_probe(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "digest", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "starttls", no_argument, NULL, 's' },
		{ "tls", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_opts	 o;
	struct probe_result	 r;
	enum fp_digest		 dg = FP_SHA256;
	const char		*confdir = NULL, *digest = NULL;
	char			*host = NULL, *cause = NULL, *end;
	long			 secs = PROBE_TIMEOUT_DEFAULT / 1000;
	int			 ch, port, tls = 0, ret = EX_USAGE;

	memset(&r, 0, sizeof r);
	optind = 1;
	opterr = 1;
	while ((ch = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			confdir = optarg;
			break;
		case 'd':
			digest = optarg;
			break;
		case 't':
			secs = strtol(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    secs < 1 || secs > PROBE_TIMEOUT_MAX) {
				cli_warnx("probe: --timeout \"%s\": give whole "
				    "seconds, 1-%d", optarg, PROBE_TIMEOUT_MAX);
				return EX_USAGE;
			}
			break;
		case 's':
			tls = 0;
			break;
		case 'T':
			tls = 1;
			break;
		case 'h':
			usage();
			return 0;
		default:
			return usage();
		}
	}
	if (argc - optind != 1)
		return usage();
	if (probe_parse_target(argv[optind], &host, &port, &cause) == -1)
		return cli_fail(EX_USAGE, cause);

	if (digest != NULL) {
		if (fp_digest_parse(digest, &dg) == -1) {
			cli_warnx("probe: --digest \"%s\": use md5, sha1, "
			    "sha256 or sha512", digest);
			goto out;
		}
	} else if (confdir != NULL &&
	    (ret = cli_config_digest("probe", confdir, &dg)) != 0)
		goto out;

	probe_opts_init(&o, host);
	o.port = port;
	o.mode = tls ? PROBE_TLS : PROBE_STARTTLS;
	o.timeout_ms = (int)secs * 1000;
	if (probe_run(&o, &r, &cause) == -1) {
		ret = cli_fail(EX_UNAVAILABLE, cause);
		goto out;
	}
	print_result(&o, &r, dg);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_warnx("probe: writing the result failed");
		ret = EX_IOERR;
		goto out;
	}
	ret = 0;
out:
	probe_result_free(&r);
	free(host);
	return ret;
}
