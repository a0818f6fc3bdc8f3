/*
 * check.h: is the pinned relay of each domain in the state healthy right
 * now?  For one domain: the config in force (the real transport_maps and
 * smtp_tls_policy_maps lookups, as trivial-rewrite and smtp(8) make them)
 * still sends the domain to the next-hop mxpin applied and finds the
 * fingerprint policy under that exact next-hop with the pins of the state;
 * and the certificate the primary presents now matches a pin and is not
 * about to expire.  The verdict uses the monitoring-plugin scale (Nagios,
 * Icinga, Zabbix): OK, WARNING, CRITICAL, UNKNOWN.  Nothing here prints;
 * the front end renders the report (mxpin check, the wizard).
 */
#ifndef MXPIN_CHECK_H
#define MXPIN_CHECK_H

#include <stddef.h>
#include <time.h>

#include "state.h"

struct pfx_config;

/* The values are the monitoring-plugin exit codes. */
enum check_status {
	CHECK_OK = 0,
	CHECK_WARNING = 1,
	CHECK_CRITICAL = 2,
	CHECK_UNKNOWN = 3,
};

#define CHECK_WARN_DAYS_DEFAULT	14

struct check_opts {
	const char	*confdir;
	int		 warn_days;	/* WARNING when the certificate
					   expires within this many days */
	int		 timeout_ms;	/* per probe; 0: PROBE_TIMEOUT_DEFAULT */
	time_t		 now;		/* 0: time(NULL) */
	/* Passed to every probe (probe.h): -1 / NULL for none. */
	int		 cancel_fd;
	int		(*cancel)(void *);
	void		*cancel_arg;
};

/* Sets the defaults: 14 days, 10 s per probe, no cancel. */
void	check_opts_init(struct check_opts *, const char *confdir);

/* One thing found, a clause that reads after "DOMAIN: ". */
struct check_finding {
	enum check_status	 status;
	char			*text;
};

struct check_domain {
	char			*domain;
	char			*nexthop;	/* as applied (state) */
	enum check_status	 status;	/* the worst finding */
	int			 fails_open;	/* the transport's next-hop finds
						   no fingerprint policy */
	/* Findings in the order they matter: the certificate first, then
	   the config (a config that fails open first).  Never empty after
	   check_domain_run. */
	struct check_finding	*f;
	size_t			 nf;
	/* What the primary presented; NULL / 0 / -1 when the probe
	   failed. */
	char			*cert_fp;	/* in the state's digest */
	char			*pubkey_fp;
	char			*subject;
	time_t			 not_after;
	long			 days_left;	/* floor((not_after-now)/1d) */
	long			 matched;	/* index in the state's pins of
						   the pin that matched, -1 */
	long			 elapsed_ms;	/* probe */
};

struct check_report {
	enum check_status	 status;	/* the worst domain's, or
						   UNKNOWN with why */
	char			*why;		/* set when there is no domain
						   to check (no state, a state
						   that does not parse) */
	struct check_domain	*d;
	size_t			 n;
};

/*
 * Checks one domain of the state against the config in force pc
 * (pfx_load; NULL when it could not be read: the config checks are then
 * UNKNOWN, with pc_cause as the reason).  Fills *out (free with
 * check_domain_free) and returns its status.  Never fails otherwise:
 * every problem is a finding.
 */
enum check_status check_domain_run(const struct check_opts *,
	    const struct pfx_config *pc, const char *pc_cause,
	    const struct state_domain *, struct check_domain *out);
void	check_domain_free(struct check_domain *);

/*
 * Loads the state and the config in force of o->confdir and checks every
 * domain, one after the other.  Fills *r (free with check_report_free)
 * and returns r->status: the worst of the domains, ranked CRITICAL >
 * WARNING > UNKNOWN > OK (an unreachable primary is UNKNOWN and normal
 * while it is down: it must not hide a warning about another domain), or
 * UNKNOWN with r->why when the state is missing, empty or unreadable.
 */
enum check_status check_run(const struct check_opts *,
	    struct check_report *r);
void	check_report_free(struct check_report *);

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *check_status_name(enum check_status);
/* Ranks statuses for "the worst": 1 when a is worse than b. */
int	check_worse(enum check_status a, enum check_status b);
/* The finding the status line shows: the first one of the domain's
   status. */
const struct check_finding *check_headline(const struct check_domain *);

#endif
