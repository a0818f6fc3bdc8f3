/*
 * check.c: the health of each pinned relay (see check.h).  The config
 * checks ask the real Postfix lookups (postmap -q over every table of the
 * maps parameters in force, in order), because a hand edit anywhere in
 * those lists is what makes a pinned relay fail open.
 */
#include "check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fprint.h"
#include "plan.h"
#include "postfix.h"
#include "probe.h"
#include "util.h"

#define DAY	86400L

static const struct {
	const char	*name;
	int		 rank;		/* higher is worse */
} statuses[] = {
	[CHECK_OK] = { "OK", 0 },
	[CHECK_WARNING] = { "WARNING", 2 },
	[CHECK_CRITICAL] = { "CRITICAL", 3 },
	[CHECK_UNKNOWN] = { "UNKNOWN", 1 },
};

const char *
check_status_name(enum check_status s)
{
	if ((size_t)s >= sizeof statuses / sizeof statuses[0])
		return "UNKNOWN";
	return statuses[s].name;
}

int
check_worse(enum check_status a, enum check_status b)
{
	return statuses[a].rank > statuses[b].rank;
}

void
check_opts_init(struct check_opts *o, const char *confdir)
{
	memset(o, 0, sizeof *o);
	o->confdir = confdir;
	o->warn_days = CHECK_WARN_DAYS_DEFAULT;
	o->timeout_ms = PROBE_TIMEOUT_DEFAULT;
	o->cancel_fd = -1;
}

static void add(struct check_domain *, enum check_status, const char *, ...)
    MXPIN_PRINTF(3, 4);

/* Appends a finding and raises the domain's status to it. */
static void
add(struct check_domain *d, enum check_status s, const char *fmt, ...)
{
	va_list	ap;

	d->f = xreallocarray(d->f, d->nf + 1, sizeof *d->f);
	va_start(ap, fmt);
	d->f[d->nf].text = xvasprintf(fmt, ap);
	va_end(ap);
	d->f[d->nf].status = s;
	d->nf++;
	if (check_worse(s, d->status))
		d->status = s;
}

const struct check_finding *
check_headline(const struct check_domain *d)
{
	size_t	i;

	for (i = 0; i < d->nf; i++)
		if (d->f[i].status == d->status)
			return &d->f[i];
	return d->nf > 0 ? &d->f[0] : NULL;
}

/* Two fingerprints are the same when they differ only in colons and the
   case of the hex digits (as Postfix compares them). */
static int
fp_same(const char *a, const char *b)
{
	for (;;) {
		while (*a == ':')
			a++;
		while (*b == ':')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (ascii_ncasecmp(a, b, 1) != 0)
			return 0;
		a++;
		b++;
	}
}

static int
fp_in(const struct strlist *l, const char *fp)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (fp_same(strlist_get(l, i), fp))
			return 1;
	return 0;
}

/*
 * Looks key up in every table of the maps list `maps` in order, as
 * Postfix does, through postmap -q.  Returns 1 with *value and *where
 * (the "type:name" that answered; caller frees both), 0 when no table has
 * it, -1 with *cause.
 */
static int
lookup_maps(const char *confdir, const char *maps, const char *key,
    char **value, char **where, char **cause)
{
	struct strlist	 tok;
	const char	*t, *colon;
	char		*type;
	size_t		 i;
	int		 r = 0;

	*value = *where = *cause = NULL;
	strlist_init(&tok);
	pfx_list_split(maps != NULL ? maps : "", &tok);
	for (i = 0; i < tok.n; i++) {
		t = strlist_get(&tok, i);
		if ((colon = strchr(t, ':')) == NULL || colon == t) {
			*cause = xasprintf("\"%s\" is not a type:table", t);
			r = -1;
			break;
		}
		type = xstrndup(t, (size_t)(colon - t));
		r = pfx_query(confdir, type, colon + 1, key, value, cause);
		free(type);
		if (r == 1)
			*where = xstrdup(t);
		if (r != 0)
			break;
	}
	strlist_free(&tok);
	return r;
}

/* "2025-03-01" (UTC) in s. */
static void
day_text(time_t t, char *s, size_t len)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(s, len, "%Y-%m-%d",
	    &tm) == 0)
		snprintf(s, len, "(time %lld)", (long long)t);
}

/* The certificate half: probe the primary, compare, look at expiry. */
static void
check_cert(const struct check_opts *o, const struct state_domain *sd,
    const struct pfx_config *pc, struct check_domain *d, time_t now)
{
	struct probe_opts	 po;
	struct probe_result	 r;
	struct cert_info	 ci;
	enum fp_digest		 dg;
	const char		*dname, *pin, *peer;
	char			*host = NULL, *cause = NULL, day[32] = "";
	char			 valid_buf[80];
	const char		*valid = "";
	long			 i, n = (long)sd->pins.n;
	int			 port = 0, as_pubkey = 0, expiring;
	time_t			 left;

	memset(&r, 0, sizeof r);
	memset(&ci, 0, sizeof ci);
	dname = sd->digest != NULL ? sd->digest : pc != NULL ? pc->digest :
	    NULL;
	if (dname == NULL || fp_digest_parse(dname, &dg) == -1) {
		add(d, CHECK_UNKNOWN, "the state's digest \"%s\" is not one "
		    "mxpin knows", dname != NULL ? dname : "");
		goto out;
	}
	if (n == 0) {
		add(d, CHECK_UNKNOWN, "the state holds no pin for %s",
		    sd->domain);
		goto out;
	}
	if (sd->nexthop != NULL) {
		if (probe_parse_target(sd->nexthop, &host, &port,
		    &cause) == -1) {
			add(d, CHECK_UNKNOWN, "the state's next-hop %s: %s",
			    sd->nexthop, cause);
			goto out;
		}
	} else if (sd->relay_host != NULL) {
		host = xstrdup(sd->relay_host);
		port = sd->port;
	} else {
		add(d, CHECK_UNKNOWN, "the state names no primary for %s",
		    sd->domain);
		goto out;
	}

	probe_opts_init(&po, host);
	po.port = port;
	po.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms :
	    PROBE_TIMEOUT_DEFAULT;
	po.cancel_fd = o->cancel_fd;
	po.cancel = o->cancel;
	po.cancel_arg = o->cancel_arg;
	if (probe_run(&po, &r, &cause) == -1) {
		d->elapsed_ms = r.elapsed_ms;
		if (r.cancelled)
			add(d, CHECK_UNKNOWN, "the probe of %s was cancelled",
			    d->nexthop);
		else
			add(d, CHECK_UNKNOWN, "the primary %s is unreachable "
			    "(normal while it is down): %s", d->nexthop,
			    cause);
		goto out;
	}
	d->elapsed_ms = r.elapsed_ms;
	peer = r.peer != NULL ? r.peer : d->nexthop;
	d->cert_fp = cert_fingerprint(r.cert, dg, 0);
	d->pubkey_fp = cert_fingerprint(r.cert, dg, 1);
	if (d->cert_fp == NULL || d->pubkey_fp == NULL) {
		add(d, CHECK_UNKNOWN, "cannot compute %s fingerprints here",
		    fp_digest_name(dg));
		goto out;
	}
	cert_get_info(r.cert, &ci);
	d->subject = xstrdup(ci.subject);
	d->not_after = ci.not_after;

	/* Postfix tries each pin as both forms; the newest match wins. */
	for (i = n - 1; i >= 0; i--) {
		pin = strlist_get(&sd->pins, (size_t)i);
		if (fp_same(pin, d->cert_fp) || fp_same(pin, d->pubkey_fp)) {
			d->matched = i;
			as_pubkey = fp_same(pin, d->pubkey_fp) &&
			    !fp_same(pin, d->cert_fp);
			break;
		}
	}
	expiring = 0;
	if (d->not_after != 0) {
		left = d->not_after - now;
		d->days_left = left >= 0 ? left / DAY : -((-left + DAY - 1) /
		    DAY);
		day_text(d->not_after, day, sizeof day);
		expiring = left < (time_t)o->warn_days * DAY;
		if (!expiring)
			valid = valid_buf;
		snprintf(valid_buf, sizeof valid_buf, ", valid until %s "
		    "(%ld days)", day, d->days_left);
	}
	if (d->matched == -1 && d->fails_open)
		add(d, CHECK_CRITICAL, "no pin matches the certificate %s "
		    "presents, yet mail goes there (the config fails open)",
		    peer);
	else if (d->matched == -1)
		add(d, CHECK_CRITICAL, "no pin matches the certificate %s "
		    "presents (mail is deferred)", peer);
	else if (d->matched == n - 1)
		add(d, CHECK_OK, "the certificate %s presents matches the "
		    "newest pin%s%s%s", peer, n > 1 ? " of the overlap" : "",
		    (as_pubkey != (sd->pin == PIN_PUBKEY)) ? (as_pubkey ?
		    " (as its public-key fingerprint)" :
		    " (as its certificate fingerprint)") : "",
		    valid);
	else
		add(d, CHECK_WARNING, "only the old pin %ld of %ld matches "
		    "the certificate %s presents (the new certificate is not "
		    "deployed on the primary yet)", d->matched + 1, n, peer);
	/* Postfix ignores expiry for a fingerprint match: a warning for
	   the admin, never a failure; moot when nothing matches. */
	if (d->not_after == 0)
		add(d, CHECK_OK, "the certificate's expiry is unreadable");
	else if (d->not_after < now)
		add(d, d->matched == -1 ? CHECK_OK : CHECK_WARNING,
		    "the certificate %s presents expired on %s", peer, day);
	else if (expiring)
		add(d, d->matched == -1 ? CHECK_OK : CHECK_WARNING,
		    "the certificate %s presents expires in %ld day%s (%s)",
		    peer, d->days_left, d->days_left == 1 ? "" : "s", day);
	else if (d->matched != n - 1)
		add(d, CHECK_OK, "valid until %s (%ld days)", day,
		    d->days_left);
	add(d, CHECK_OK, "%s presents %s, %s %s %s", peer, d->subject,
	    fp_digest_name(dg), sd->pin == PIN_PUBKEY ? "public key" :
	    "certificate", sd->pin == PIN_PUBKEY ? d->pubkey_fp : d->cert_fp);
out:
	cert_info_free(&ci);
	probe_result_free(&r);
	free(cause);
	free(host);
}

/* The config half: what trivial-rewrite and smtp(8) would look up. */
static void
check_config(const struct pfx_config *pc, const char *pc_cause,
    const struct state_domain *sd, struct check_domain *d)
{
	struct strlist	 got, extra;
	const char	*hop, *colon;
	char		*tv = NULL, *twhere = NULL, *pv = NULL, *pwhere = NULL;
	char		*cause = NULL, *transport = NULL, *thop = NULL;
	size_t		 i;
	int		 r, problems = 0;

	strlist_init(&got);
	strlist_init(&extra);
	if (pc == NULL) {
		add(d, CHECK_UNKNOWN, "cannot read the Postfix config in "
		    "force: %s", pc_cause != NULL ? pc_cause : "unknown error");
		goto out;
	}
	if (sd->digest != NULL && pc->digest != NULL &&
	    ascii_casecmp(sd->digest, pc->digest) != 0) {
		add(d, CHECK_CRITICAL, "smtp_tls_fingerprint_digest in force "
		    "is %s, the pins are %s: no pin can match (mail is "
		    "deferred)", pc->digest, sd->digest);
		problems++;
	}

	/* The next-hop trivial-rewrite hands to smtp(8) for the domain. */
	r = lookup_maps(pc->confdir, pc->transport_maps, sd->domain, &tv,
	    &twhere, &cause);
	hop = d->nexthop;
	if (r == -1) {
		add(d, CHECK_UNKNOWN, "cannot look %s up in transport_maps: "
		    "%s", sd->domain, cause);
		free(cause);
		cause = NULL;
		problems++;
	} else if (r == 0) {
		add(d, CHECK_CRITICAL, "transport_maps has no entry for %s: "
		    "its mail goes by MX lookup, not to %s", sd->domain,
		    d->nexthop);
		hop = sd->domain;
		problems++;
	} else {
		colon = strchr(tv, ':');
		transport = xstrndup(tv, colon != NULL ? (size_t)(colon - tv) :
		    strlen(tv));
		thop = xstrdup(colon != NULL && colon[1] != '\0' ? colon + 1 :
		    sd->domain);
		hop = thop;
		if (ascii_casecmp(thop, d->nexthop) != 0) {
			add(d, CHECK_CRITICAL, "%s sends %s to %s, not to %s "
			    "as applied", twhere, sd->domain, tv, d->nexthop);
			problems++;
		} else if (ascii_casecmp(transport, "smtp") != 0) {
			add(d, CHECK_WARNING, "%s sends %s through transport "
			    "\"%s\", not smtp as applied", twhere, sd->domain,
			    transport);
			problems++;
		}
	}

	/* smtp(8) looks the policy up ONCE, under that verbatim next-hop. */
	r = lookup_maps(pc->confdir, pc->smtp_tls_policy_maps, hop, &pv,
	    &pwhere, &cause);
	if (r == -1) {
		add(d, CHECK_UNKNOWN, "cannot look '%s' up in "
		    "smtp_tls_policy_maps: %s", hop, cause);
		goto out;
	}
	if (r == 0) {
		d->fails_open = 1;
		add(d, CHECK_CRITICAL, "the config fails open: "
		    "smtp_tls_policy_maps has no policy for the next-hop %s, "
		    "so mail goes to an unverified server", hop);
		goto out;
	}
	if (!plan_parse_policy(pv, &got)) {
		d->fails_open = 1;
		add(d, CHECK_CRITICAL, "the config fails open: the TLS policy "
		    "for the next-hop %s in %s is \"%s\", not fingerprint",
		    hop, pwhere, pv);
		goto out;
	}
	for (i = 0; i < sd->pins.n; i++) {
		if (!fp_in(&got, strlist_get(&sd->pins, i))) {
			add(d, CHECK_CRITICAL, "the fingerprint policy for %s "
			    "in %s lacks the pin %s that mxpin applied", hop,
			    pwhere, strlist_get(&sd->pins, i));
			problems++;
		}
	}
	for (i = 0; i < got.n; i++)
		if (!fp_in(&sd->pins, strlist_get(&got, i)))
			strlist_add(&extra, strlist_get(&got, i),
			    strlen(strlist_get(&got, i)), 0);
	if (extra.n > 0) {
		add(d, CHECK_WARNING, "the fingerprint policy for %s in %s "
		    "also accepts %s%s, which mxpin did not apply", hop,
		    pwhere, strlist_get(&extra, 0), extra.n > 1 ?
		    " and others" : "");
		problems++;
	}
	if (problems == 0)
		add(d, CHECK_OK, "config: %s sends %s to %s, %s holds its "
		    "fingerprint policy (%zu pin%s)", twhere, sd->domain, tv,
		    pwhere, got.n, got.n == 1 ? "" : "s");
out:
	strlist_free(&got);
	strlist_free(&extra);
	free(tv);
	free(twhere);
	free(pv);
	free(pwhere);
	free(transport);
	free(thop);
	free(cause);
}

enum check_status
check_domain_run(const struct check_opts *o, const struct pfx_config *pc,
    const char *pc_cause, const struct state_domain *sd,
    struct check_domain *d)
{
	struct check_finding	*tmp;
	time_t			 now = o->now != 0 ? o->now : time(NULL);
	size_t			 nconfig;

	memset(d, 0, sizeof *d);
	d->status = CHECK_OK;
	d->matched = -1;
	d->domain = xstrdup(sd->domain);
	if (sd->nexthop != NULL)
		d->nexthop = xstrdup(sd->nexthop);
	else if (sd->relay_host != NULL && sd->port != 0 && sd->port != 25)
		d->nexthop = xasprintf("[%s]:%d", sd->relay_host, sd->port);
	else
		d->nexthop = xasprintf("[%s]", sd->relay_host != NULL ?
		    sd->relay_host : sd->domain);
	/* The config first (the certificate's verdict depends on whether
	   it fails open), but the certificate's findings lead, unless the
	   config fails open: then nothing else matters as much. */
	check_config(pc, pc_cause, sd, d);
	nconfig = d->nf;
	check_cert(o, sd, pc, d, now);
	if (!d->fails_open && nconfig > 0 && nconfig < d->nf) {
		tmp = xcalloc(d->nf, sizeof *tmp);
		memcpy(tmp, d->f + nconfig, (d->nf - nconfig) * sizeof *tmp);
		memcpy(tmp + (d->nf - nconfig), d->f, nconfig * sizeof *tmp);
		free(d->f);
		d->f = tmp;
	}
	return d->status;
}

void
check_domain_free(struct check_domain *d)
{
	size_t	i;

	for (i = 0; i < d->nf; i++)
		free(d->f[i].text);
	free(d->f);
	free(d->domain);
	free(d->nexthop);
	free(d->cert_fp);
	free(d->pubkey_fp);
	free(d->subject);
	memset(d, 0, sizeof *d);
}

enum check_status
check_run(const struct check_opts *o, struct check_report *r)
{
	struct state		 st;
	struct pfx_config	 pc;
	char			*cause = NULL, *pc_cause = NULL;
	int			 have_pc;
	size_t			 i;

	memset(r, 0, sizeof *r);
	r->status = CHECK_UNKNOWN;
	if (access(o->confdir, F_OK) == -1) {
		r->why = xasprintf("%s: %s", o->confdir, strerror(errno));
		return r->status;
	}
	if (state_load(o->confdir, &st, &cause) == -1) {
		r->why = xasprintf("cannot read the state: %s", cause);
		free(cause);
		return r->status;
	}
	if (st.n == 0) {
		r->why = xasprintf("no domain in %s/%s: nothing applied yet",
		    o->confdir, STATE_FILE);
		goto out;
	}
	have_pc = pfx_load(o->confdir, &pc, &pc_cause) == 0;
	r->d = xcalloc(st.n, sizeof *r->d);
	r->status = CHECK_OK;
	for (i = 0; i < st.n; i++) {
		check_domain_run(o, have_pc ? &pc : NULL, pc_cause, &st.d[i],
		    &r->d[i]);
		r->n++;
		if (check_worse(r->d[i].status, r->status))
			r->status = r->d[i].status;
	}
	if (have_pc)
		pfx_config_free(&pc);
	free(pc_cause);
out:
	state_free(&st);
	return r->status;
}

void
check_report_free(struct check_report *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		check_domain_free(&r->d[i]);
	free(r->d);
	free(r->why);
	memset(r, 0, sizeof *r);
}
