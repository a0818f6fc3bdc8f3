/*
 * cmd_check.c: mxpin check [-c DIR] [--warn-days N] [--timeout SECONDS]
 *
 * A monitoring plugin (Nagios, Icinga, Zabbix agents) over check.h: one
 * status line first on stdout, "MXPIN STATUS - DOMAIN: WHAT" plus
 * performance data after '|', then one detail line per domain.  Exit 0
 * OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad arguments too, as plugins
 * do); --help exits 0.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "postfix.h"

#define CHECK_TIMEOUT_MAX	3600	/* seconds */
#define CHECK_WARN_DAYS_MAX	3650
#define HEADLINE_MAX		3	/* domains named in the status line */

static const char usage_text[] =
    "usage: mxpin check [-c DIR] [--warn-days N] [--timeout SECONDS]\n";

/* Bad arguments: an UNKNOWN status line (what a plugin says), the
   usage on stderr. */
static int
bad_usage(const char *what, const char *arg)
{
	printf("MXPIN UNKNOWN - %s%s%s\n", what, arg != NULL ? arg : "",
	    arg != NULL ? "\"" : "");
	fputs(usage_text, stderr);
	return CHECK_UNKNOWN;
}

/*
 * Prints s for a monitoring system: '|' starts performance data there,
 * so it becomes '/'; control characters become '?' (one line per item).
 */
static void
put_text(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|')
			putchar('/');
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			putchar('?');
		else
			putchar(*s);
	}
}

/* A perfdata label: quoted, without quotes, '=' or '|' inside. */
static void
put_label(const char *domain, const char *what)
{
	putchar('\'');
	for (; *domain != '\0'; domain++)
		putchar(strchr("'=|", *domain) != NULL ||
		    (unsigned char)*domain < 0x20 ? '_' : *domain);
	printf(" %s'", what);
}

static void
print_report(const struct check_report *r, int warn_days)
{
	const struct check_domain	*d;
	const struct check_finding	*h;
	size_t				 i, j, named = 0, worst = 0;
	int				 perf = 0;

	printf("MXPIN %s - ", check_status_name(r->status));
	if (r->why != NULL)
		put_text(r->why);
	for (i = 0; i < r->n; i++) {
		d = &r->d[i];
		if (d->status != r->status)
			continue;
		if (worst++ >= HEADLINE_MAX)
			continue;
		h = check_headline(d);
		printf("%s", named++ > 0 ? "; " : "");
		put_text(d->domain);
		printf(": ");
		put_text(h != NULL ? h->text : "no finding");
	}
	if (worst > HEADLINE_MAX)
		printf(" (and %zu more)", worst - HEADLINE_MAX);
	for (i = 0; i < r->n; i++) {
		d = &r->d[i];
		if (d->cert_fp == NULL)
			continue;
		printf("%s", perf++ == 0 ? " | " : " ");
		put_label(d->domain, "days");
		printf("=%ld;%d:;0: ", d->days_left, warn_days);
		put_label(d->domain, "time");
		printf("=%ld.%03lds;;;0", d->elapsed_ms / 1000,
		    d->elapsed_ms % 1000);
	}
	printf("\n");
	for (i = 0; i < r->n; i++) {
		d = &r->d[i];
		put_text(d->domain);
		printf(": %s - ", check_status_name(d->status));
		for (j = 0; j < d->nf; j++) {
			if (j > 0)
				printf("; ");
			put_text(d->f[j].text);
		}
		printf("\n");
	}
}

int
cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "warn-days", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check_opts	 o;
	struct check_report	 r;
	char			*confdir = NULL, *end;
	long			 v;
	int			 ch, ret;

	check_opts_init(&o, NULL);
	optind = 1;
	opterr = 1;
	while ((ch = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			free(confdir);
			confdir = path_absolute(optarg);
			break;
		case 'w':
		case 't':
			v = strtol(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    (ch == 'w' && v > CHECK_WARN_DAYS_MAX) ||
			    (ch == 't' && (v < 1 || v > CHECK_TIMEOUT_MAX))) {
				ret = bad_usage(ch == 'w' ? "give --warn-days "
				    "whole days, 0-3650, not \"" : "give "
				    "--timeout whole seconds, 1-3600, not \"",
				    optarg);
				goto out;
			}
			if (ch == 'w')
				o.warn_days = (int)v;
			else
				o.timeout_ms = (int)v * 1000;
			break;
		case 'h':
			fputs(usage_text, stdout);
			ret = 0;
			goto out;
		default:
			ret = bad_usage("bad arguments", NULL);
			goto out;
		}
	}
	if (argc - optind != 0) {
		ret = bad_usage("unexpected argument \"", argv[optind]);
		goto out;
	}
	if (confdir == NULL)
		confdir = pfx_default_confdir();
	o.confdir = confdir;

	ret = (int)check_run(&o, &r);
	print_report(&r, o.warn_days);
	check_report_free(&r);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_warnx("check: writing the result failed");
		ret = CHECK_UNKNOWN;
	}
out:
	free(confdir);
	return ret;
}
