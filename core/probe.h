/*
 * probe.h: connects to an SMTP server and fetches the certificate it
 * presents, as the Postfix SMTP client would meet it: STARTTLS on port 25
 * (or implicit TLS on 465), SNI set to the host name.  The peer is NOT
 * verified: we want to see whatever it presents, to pin it.
 *
 * One deadline covers the whole exchange (name lookup, connect, greeting,
 * EHLO, STARTTLS, handshake); everything read is bounded (reply lines by
 * smtpreply.h, the certificate chain by PROBE_MAX_CERT_LIST).  Every
 * failure is one line naming the stage.  No global state: probes may run
 * in several threads at once, and another thread may cancel one.
 */
#ifndef MXPIN_PROBE_H
#define MXPIN_PROBE_H

#include <stddef.h>

struct cert;

#define PROBE_TIMEOUT_DEFAULT	10000		/* ms, the whole probe */
#define PROBE_MAX_CERT_LIST	(100 * 1024)	/* bytes of peer chain */
#define PROBE_PORT_SMTP		25
#define PROBE_PORT_SMTPS	465

enum probe_mode {
	PROBE_STARTTLS,		/* plain SMTP, EHLO, STARTTLS (default) */
	PROBE_TLS,		/* TLS from the first byte (smtps) */
};

/* Where a probe stopped (probe_result.stage). */
enum probe_stage {
	PROBE_ST_RESOLVE,
	PROBE_ST_CONNECT,
	PROBE_ST_GREETING,
	PROBE_ST_EHLO,
	PROBE_ST_STARTTLS,
	PROBE_ST_HANDSHAKE,
	PROBE_ST_DONE,
};

struct probe_opts {
	const char	*host;		/* name or IP literal, no brackets */
	int		 port;		/* 0: 25 (STARTTLS) or 465 (TLS) */
	enum probe_mode	 mode;
	int		 timeout_ms;	/* whole probe; 0: default */
	const char	*helo_name;	/* EHLO argument; NULL: our address
					   as a literal, "[192.0.2.1]" */
	/*
	 * Cancelling from another thread, either or both: cancel_fd (-1:
	 * none) is watched in every wait and cancels the probe once it is
	 * readable (the read end of a pipe, an eventfd); cancel(cancel_arg)
	 * is called at least every 100 ms and cancels when it returns
	 * non-zero (it must be safe to call from the probing thread).
	 */
	int		 cancel_fd;
	int		(*cancel)(void *);
	void		*cancel_arg;
	/* Called (from the probing thread) as each stage starts; may be
	   NULL. */
	void		(*progress)(void *, enum probe_stage);
	void		*progress_arg;
};

/* Sets the defaults: STARTTLS, default port and timeout, no cancel. */
void	probe_opts_init(struct probe_opts *, const char *host);

/* What the probe saw.  Every string is owned by the struct. */
struct probe_result {
	enum probe_stage stage;		/* PROBE_ST_DONE on success, else
					   the stage that failed */
	int		 cancelled;	/* failed because it was cancelled */
	unsigned char	*der;		/* the leaf certificate, DER */
	size_t		 der_len;
	struct cert	*cert;		/* the same, loaded (fprint.h) */
	int		 chain_len;	/* certificates the peer sent */
	char		*peer;		/* "[127.0.0.1]:25" */
	char		*greeting;	/* first line of the 220 greeting,
					   control characters escaped */
	char		*tls_version;	/* "TLSv1.3" */
	char		*cipher;	/* "TLS_AES_256_GCM_SHA384" */
	long		 elapsed_ms;
};

/*
 * Runs the probe.  r is always initialised (free with probe_result_free).
 * Returns 0 with the certificate in r, or -1 with r->stage and
 * r->cancelled set and *cause (caller frees) one line naming the stage:
 * "connect to [127.0.0.1]:2525: connection refused", "timed out after
 * 10s waiting for the 220 greeting", "the server did not offer STARTTLS",
 * "TLS handshake failed: ...".
 */
int	probe_run(const struct probe_opts *, struct probe_result *r,
	    char **cause);
void	probe_result_free(struct probe_result *);

/*
 * Splits a target as an admin types it: "host", "host:port",
 * "[host]:port", "[2001:db8::1]:port", "[2001:db8::1]" or a bare IPv6
 * address "2001:db8::1".  *port is 0 when none is given.  The host must
 * be a host name (letters, digits, '-', '.', '_') or an IP address.
 * Returns 0 with *host set (caller frees), or -1 with *cause.
 */
int	probe_parse_target(const char *target, char **host, int *port,
	    char **cause);

#endif
