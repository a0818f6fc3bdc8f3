/*
 * probe.c: fetch the certificate an SMTP server presents.
 *
 * Sockets are non-blocking and every wait is a poll() against one
 * deadline for the whole probe, so a server that drips one byte at a
 * time cannot stretch it.  OpenSSL talks through memory BIOs: we move the
 * bytes ourselves (send with MSG_NOSIGNAL, so no SIGPIPE and no process
 * state), which keeps the TLS handshake under the same deadline.  A host
 * name is resolved in a detached helper thread so that a hanging resolver
 * is bounded too; the helper owns a reference to its job and frees it if
 * we give up first.
 */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "fprint.h"
#include "smtpreply.h"
#include "util.h"
#include "validate.h"

#define PROBE_MAX_ADDRS		10	/* addresses tried per host */
#define PROBE_QUIT_MS		1000	/* the polite goodbye, at most */
#define PROBE_CANCEL_POLL_MS	100	/* how often cancel() is asked */
#define PROBE_IOBUF		4096

struct pctx {
	const struct probe_opts	*o;
	struct probe_result	*r;
	int64_t			 start;		/* ms, monotonic */
	int64_t			 deadline;
	int			 timeout_ms;
	int			 port;
	int			 fd;
	SSL_CTX			*ctx;
	SSL			*ssl;
	BIO			*rbio;		/* network -> OpenSSL */
	BIO			*wbio;		/* OpenSSL -> network */
	struct smtp_parser	 parser;
	char			 in[PROBE_IOBUF];
	size_t			 inoff;
	size_t			 inlen;
	char			*cause;		/* the first failure */
};

/* What we were doing, for "timed out after 10s <doing>". */
static const char *const stage_doing[] = {
	[PROBE_ST_RESOLVE] = "resolving the host name",
	[PROBE_ST_CONNECT] = "connecting",
	[PROBE_ST_GREETING] = "waiting for the 220 greeting",
	[PROBE_ST_EHLO] = "waiting for the EHLO reply",
	[PROBE_ST_STARTTLS] = "waiting for the STARTTLS reply",
	[PROBE_ST_HANDSHAKE] = "during the TLS handshake",
	[PROBE_ST_DONE] = "saying goodbye",
};

/* The reply being read, for "protocol error in <what>". */
static const char *const stage_reply[] = {
	[PROBE_ST_RESOLVE] = "the reply",
	[PROBE_ST_CONNECT] = "the reply",
	[PROBE_ST_GREETING] = "the 220 greeting",
	[PROBE_ST_EHLO] = "the EHLO reply",
	[PROBE_ST_STARTTLS] = "the STARTTLS reply",
	[PROBE_ST_HANDSHAKE] = "the reply",
	[PROBE_ST_DONE] = "the QUIT reply",
};

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "10s", "2.5s". */
static char *
fmt_secs(int ms)
{
	if (ms % 1000 == 0)
		return xasprintf("%ds", ms / 1000);
	return xasprintf("%.1fs", ms / 1000.0);
}

/* strerror, thread-safe, first letter lowered: "connection refused". */
static char *
errstr(int e)
{
	char	 tmp[128], *s;

	s = xstrdup(strerror_r(e, tmp, sizeof tmp));
	if (s[0] >= 'A' && s[0] <= 'Z' && (s[1] < 'A' || s[1] > 'Z'))
		s[0] += 'a' - 'A';
	return s;
}

static void
set_cause(struct pctx *c, char *msg)
{
	if (c->cause == NULL)
		c->cause = msg;
	else
		free(msg);
}

static int
fail_timeout(struct pctx *c)
{
	char	*t = fmt_secs(c->timeout_ms);

	set_cause(c, xasprintf("timed out after %s %s", t,
	    stage_doing[c->r->stage]));
	free(t);
	return -1;
}

static int
cancelled(struct pctx *c)
{
	c->r->cancelled = 1;
	set_cause(c, xstrdup("cancelled"));
	return -1;
}

static void
set_stage(struct pctx *c, enum probe_stage st)
{
	c->r->stage = st;
	if (c->o->progress != NULL)
		c->o->progress(c->o->progress_arg, st);
}

/*
 * Waits until fd is ready for events, until deadline (ms) or until the
 * probe is cancelled.  Returns 1 when ready (or in error: the next I/O
 * call tells), 0 when the deadline passed, -1 when cancelled or poll
 * failed (c->cause set).
 */
static int
wait_fd(struct pctx *c, int fd, short events, int64_t deadline)
{
	struct pollfd	pfd[2];
	nfds_t		n;
	int64_t		left;
	int		ms, rc, e;

	for (;;) {
		if (c->o->cancel != NULL && c->o->cancel(c->o->cancel_arg))
			return cancelled(c);
		if ((left = deadline - now_ms()) <= 0)
			return 0;
		ms = left > INT32_MAX ? INT32_MAX : (int)left;
		if (c->o->cancel != NULL && ms > PROBE_CANCEL_POLL_MS)
			ms = PROBE_CANCEL_POLL_MS;
		pfd[0].fd = fd;
		pfd[0].events = events;
		pfd[0].revents = 0;
		n = 1;
		if (c->o->cancel_fd >= 0) {
			pfd[1].fd = c->o->cancel_fd;
			pfd[1].events = POLLIN;
			pfd[1].revents = 0;
			n = 2;
		}
		rc = poll(pfd, n, ms);
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc == -1) {
			e = errno;
			set_cause(c, xasprintf("poll: %s", strerror(e)));
			return -1;
		}
		if (n == 2 && pfd[1].revents != 0)
			return cancelled(c);
		if (pfd[0].revents != 0)
			return 1;
	}
}

/* Waits on the probe's socket against the probe's deadline: 0, or -1
   with c->cause. */
static int
wait_sock(struct pctx *c, short events)
{
	int	rc = wait_fd(c, c->fd, events, c->deadline);

	if (rc == 0)
		return fail_timeout(c);
	return rc == 1 ? 0 : -1;
}

/* ---- name resolution ---- */

struct gai_job {
	pthread_mutex_t	 lock;
	int		 refs;
	char		*host;
	char		*serv;
	struct addrinfo	*res;
	int		 err;
	int		 sys_errno;	/* for EAI_SYSTEM */
	int		 pipe[2];
};

static void
gai_job_unref(struct gai_job *j)
{
	int	last;

	pthread_mutex_lock(&j->lock);
	last = --j->refs == 0;
	pthread_mutex_unlock(&j->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&j->lock);
	if (j->res != NULL)
		freeaddrinfo(j->res);
	close(j->pipe[0]);
	close(j->pipe[1]);
	free(j->host);
	free(j->serv);
	free(j);
}

static void *
gai_thread(void *arg)
{
	struct gai_job	*j = arg;
	struct addrinfo	 hints, *res = NULL;
	int		 err;
	ssize_t		 n;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	err = getaddrinfo(j->host, j->serv, &hints, &res);
	pthread_mutex_lock(&j->lock);
	j->err = err;
	j->sys_errno = errno;
	j->res = res;
	pthread_mutex_unlock(&j->lock);
	do
		n = write(j->pipe[1], "", 1);
	while (n == -1 && errno == EINTR);
	gai_job_unref(j);
	return NULL;
}

/* Resolves c->o->host under the deadline.  0 with *res, or -1. */
static int
resolve(struct pctx *c, struct addrinfo **res)
{
	struct addrinfo	 hints;
	struct gai_job	*j;
	pthread_t	 tid;
	pthread_attr_t	 attr;
	char		 serv[16], *h;
	int		 err, rc, sys_errno = 0;

	*res = NULL;
	snprintf(serv, sizeof serv, "%d", c->port);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (host_is_ip(c->o->host)) {
		hints.ai_flags |= AI_NUMERICHOST;
		err = getaddrinfo(c->o->host, serv, &hints, res);
		sys_errno = errno;
		goto done;
	}

	j = xcalloc(1, sizeof *j);
	if (pipe2(j->pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		free(j);
		set_cause(c, xasprintf("pipe: %s", strerror(errno)));
		return -1;
	}
	pthread_mutex_init(&j->lock, NULL);
	j->refs = 2;
	j->host = xstrdup(c->o->host);
	j->serv = xstrdup(serv);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &attr, gai_thread, j) != 0) {
		/* No thread: resolve here, bounded by the resolver only. */
		pthread_attr_destroy(&attr);
		j->refs = 1;
		gai_job_unref(j);
		err = getaddrinfo(c->o->host, serv, &hints, res);
		sys_errno = errno;
		goto done;
	}
	pthread_attr_destroy(&attr);
	rc = wait_fd(c, j->pipe[0], POLLIN, c->deadline);
	if (rc != 1) {
		gai_job_unref(j);
		return rc == 0 ? fail_timeout(c) : -1;
	}
	pthread_mutex_lock(&j->lock);
	err = j->err;
	sys_errno = j->sys_errno;
	*res = j->res;
	j->res = NULL;
	pthread_mutex_unlock(&j->lock);
	gai_job_unref(j);

done:
	if (err != 0) {
		*res = NULL;
		h = vis_str(c->o->host);
		set_cause(c, xasprintf("cannot resolve %s: %s", h,
		    err == EAI_SYSTEM ? strerror(sys_errno) :
		    gai_strerror(err)));
		free(h);
		return -1;
	}
	return 0;
}

/* "[127.0.0.1]:25", "[::1]:25". */
static char *
addr_str(const struct sockaddr *sa)
{
	char	host[INET6_ADDRSTRLEN];
	int	port = 0;

	host[0] = '\0';
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		port = ntohs(in6->sin6_port);
	}
	return xasprintf("[%s]:%d", host, port);
}

/*
 * Connects to the first address that answers.  Each address gets an equal
 * share of the time left, the last one all of it.  0 with c->fd and
 * r->peer set, or -1 with every attempt's reason on one line.
 */
static int
do_connect(struct pctx *c)
{
	struct addrinfo	*res = NULL, *ai;
	struct buf	 why;
	int64_t		 slice_end, left;
	socklen_t	 sl;
	char		*peer = NULL, *e, *t;
	int		 naddr = 0, tried = 0, fd = -1, rc, soerr, ret = -1;

	buf_init(&why);
	set_stage(c, PROBE_ST_RESOLVE);
	if (resolve(c, &res) == -1)
		goto out;
	set_stage(c, PROBE_ST_CONNECT);
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
			naddr++;
	if (naddr > PROBE_MAX_ADDRS)
		naddr = PROBE_MAX_ADDRS;
	for (ai = res; ai != NULL && tried < naddr; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		tried++;
		free(peer);
		peer = addr_str(ai->ai_addr);
		if (why.len != 0)
			buf_addstr(&why, "; ");
		left = c->deadline - now_ms();
		slice_end = c->deadline;
		if (tried < naddr)
			slice_end = now_ms() + left / (naddr - tried + 1);
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (fd == -1) {
			e = errstr(errno);
			buf_printf(&why, "connect to %s: %s", peer, e);
			free(e);
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			goto connected;
		if (errno != EINPROGRESS && errno != EINTR) {
			e = errstr(errno);
			buf_printf(&why, "connect to %s: %s", peer, e);
			free(e);
			close(fd);
			fd = -1;
			continue;
		}
		rc = wait_fd(c, fd, POLLOUT, slice_end);
		if (rc == -1)
			goto out;
		if (rc == 0) {
			close(fd);
			fd = -1;
			if (now_ms() >= c->deadline) {
				t = fmt_secs(c->timeout_ms);
				buf_printf(&why, "timed out after %s "
				    "connecting to %s", t, peer);
				free(t);
				break;
			}
			buf_printf(&why, "connect to %s: timed out", peer);
			continue;
		}
		soerr = 0;
		sl = sizeof soerr;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1)
			soerr = errno;
		if (soerr == 0)
			goto connected;
		e = errstr(soerr);
		buf_printf(&why, "connect to %s: %s", peer, e);
		free(e);
		close(fd);
		fd = -1;
	}
	if (tried == 0) {
		e = vis_str(c->o->host);
		set_cause(c, xasprintf("cannot resolve %s: no IPv4 or IPv6 "
		    "address", e));
		free(e);
	} else
		set_cause(c, buf_detach(&why, NULL));
	goto out;

connected:
	c->fd = fd;
	fd = -1;
	c->r->peer = peer;
	peer = NULL;
	ret = 0;
out:
	if (fd != -1)
		close(fd);
	free(peer);
	buf_free(&why);
	if (res != NULL)
		freeaddrinfo(res);
	return ret;
}

/* ---- plain and TLS byte streams ---- */

static int
send_all(struct pctx *c, const char *p, size_t len)
{
	ssize_t	 n;
	char	*e;

	while (len > 0) {
		n = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_sock(c, POLLOUT) == -1)
				return -1;
			continue;
		}
		e = errstr(errno);
		set_cause(c, xasprintf("writing to %s %s: %s", c->r->peer,
		    stage_doing[c->r->stage], e));
		free(e);
		return -1;
	}
	return 0;
}

/*
 * Reads what the socket has (waiting for it), at most cap bytes.  Returns
 * the count, or -1 with c->cause (the peer closing is an error: we only
 * read when we expect something).
 */
static ssize_t
recv_some(struct pctx *c, char *p, size_t cap)
{
	ssize_t	 n;
	char	*e;

	for (;;) {
		n = recv(c->fd, p, cap, MSG_DONTWAIT);
		if (n > 0)
			return n;
		if (n == 0) {
			if (c->r->stage == PROBE_ST_HANDSHAKE)
				set_cause(c, xstrdup("TLS handshake failed: "
				    "the server closed the connection"));
			else
				set_cause(c, xasprintf("the server closed the "
				    "connection %s", stage_doing[c->r->stage]));
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (wait_sock(c, POLLIN) == -1)
				return -1;
			continue;
		}
		e = errstr(errno);
		set_cause(c, xasprintf("reading from %s %s: %s", c->r->peer,
		    stage_doing[c->r->stage], e));
		free(e);
		return -1;
	}
}

/* Sends what OpenSSL has written into wbio. */
static int
flush_wbio(struct pctx *c)
{
	char	chunk[PROBE_IOBUF];
	int	n;

	while (BIO_ctrl_pending(c->wbio) > 0) {
		n = BIO_read(c->wbio, chunk, sizeof chunk);
		if (n <= 0)
			break;
		if (send_all(c, chunk, (size_t)n) == -1)
			return -1;
	}
	return 0;
}

/* Reads from the network into rbio, one chunk. */
static int
fill_rbio(struct pctx *c)
{
	char	chunk[PROBE_IOBUF];
	ssize_t	n;

	if ((n = recv_some(c, chunk, sizeof chunk)) == -1)
		return -1;
	if (BIO_write(c->rbio, chunk, (int)n) != (int)n) {
		set_cause(c, xstrdup("TLS: out of memory buffering input"));
		return -1;
	}
	return 0;
}

/* The reason of the last OpenSSL error, "TLS handshake failed: ...". */
static void
tls_fail(struct pctx *c, const char *what, int sslerr)
{
	unsigned long	 e = ERR_peek_last_error();
	const char	*reason;

	if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    ERR_GET_REASON(e) == SSL_R_EXCESSIVE_MESSAGE_SIZE) {
		set_cause(c, xasprintf("%s: the certificate chain is larger "
		    "than %d KiB (excessive message size)", what,
		    PROBE_MAX_CERT_LIST / 1024));
	} else if (e != 0 && (reason = ERR_reason_error_string(e)) != NULL)
		set_cause(c, xasprintf("%s: %s", what, reason));
	else if (e != 0)
		set_cause(c, xasprintf("%s: OpenSSL error %lx", what, e));
	else
		set_cause(c, xasprintf("%s: SSL error %d", what, sslerr));
	ERR_clear_error();
}

/* Reads decrypted bytes.  Count, or -1 with c->cause. */
static ssize_t
tls_read(struct pctx *c, char *p, size_t cap)
{
	int	n, e;

	for (;;) {
		ERR_clear_error();
		n = SSL_read(c->ssl, p, cap > INT32_MAX ? INT32_MAX :
		    (int)cap);
		if (n > 0)
			return n;
		e = SSL_get_error(c->ssl, n);
		if (flush_wbio(c) == -1)
			return -1;
		if (e == SSL_ERROR_WANT_READ) {
			if (fill_rbio(c) == -1)
				return -1;
			continue;
		}
		if (e == SSL_ERROR_ZERO_RETURN) {
			set_cause(c, xasprintf("the server closed the TLS "
			    "session %s", stage_doing[c->r->stage]));
			return -1;
		}
		tls_fail(c, "TLS read failed", e);
		return -1;
	}
}

static int
write_line(struct pctx *c, const char *line)
{
	size_t	len = strlen(line);

	if (c->ssl == NULL)
		return send_all(c, line, len);
	ERR_clear_error();
	/* Memory BIO: the write completes at once; then we send it. */
	if (SSL_write(c->ssl, line, (int)len) != (int)len) {
		tls_fail(c, "TLS write failed", 0);
		return -1;
	}
	return flush_wbio(c);
}

/* Reads one complete reply into *rep.  0, or -1 with c->cause. */
static int
read_reply(struct pctx *c, struct smtp_reply *rep)
{
	size_t	 used;
	ssize_t	 n;
	char	*err;
	int	 rc;

	memset(rep, 0, sizeof *rep);
	for (;;) {
		if (c->inoff < c->inlen) {
			rc = smtp_parser_feed(&c->parser, c->in + c->inoff,
			    c->inlen - c->inoff, &used, rep, &err);
			c->inoff += used;
			if (rc == 1)
				return 0;
			if (rc == -1) {
				set_cause(c, xasprintf("protocol error in %s: "
				    "%s", stage_reply[c->r->stage], err));
				free(err);
				return -1;
			}
		}
		c->inoff = c->inlen = 0;
		n = c->ssl == NULL ? recv_some(c, c->in, sizeof c->in) :
		    tls_read(c, c->in, sizeof c->in);
		if (n == -1)
			return -1;
		c->inlen = (size_t)n;
	}
}

/*
 * vis_str for reply text.  An empty string is copied, not escaped:
 * buf_detach() of an empty buf (util.c) returns an unterminated string.
 */
static char *
vis_text(const char *s)
{
	return *s == '\0' ? xstrdup("") : vis_str(s);
}

/* "550 5.7.1 go away" (escaped, cut) for messages. */
static char *
reply_str(const struct smtp_reply *rep)
{
	char	*v, *s;

	v = vis_text(rep->nlines > 0 ? rep->lines[0] : "");
	s = xasprintf("%d %s", rep->code, v);
	free(v);
	return s;
}

/* ---- the dialogue ---- */

static int
read_greeting(struct pctx *c)
{
	struct smtp_reply	 rep;
	char			*s;
	int			 ret = -1;

	if (read_reply(c, &rep) == -1)
		return -1;
	free(c->r->greeting);
	c->r->greeting = vis_text(rep.nlines > 0 ? rep.lines[0] : "");
	if (rep.code != 220) {
		s = reply_str(&rep);
		set_cause(c, xasprintf("the server refused the session: %s",
		    s));
		free(s);
		goto out;
	}
	ret = 0;
out:
	smtp_reply_free(&rep);
	return ret;
}

/* Our EHLO argument: the local address as a literal. */
static char *
helo_name(struct pctx *c)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof ss;
	char			 h[INET6_ADDRSTRLEN];

	if (c->o->helo_name != NULL)
		return xstrdup(c->o->helo_name);
	if (getsockname(c->fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET && inet_ntop(AF_INET,
		    &((struct sockaddr_in *)&ss)->sin_addr, h, sizeof h))
			return xasprintf("[%s]", h);
		if (ss.ss_family == AF_INET6 && inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)&ss)->sin6_addr, h, sizeof h))
			return xasprintf("[IPv6:%s]", h);
	}
	return xstrdup("localhost");
}

/* Greeting, EHLO, STARTTLS.  0 when the server said 220 to STARTTLS. */
static int
starttls_dialogue(struct pctx *c, int *can_quit)
{
	struct smtp_reply	 rep;
	char			*s = NULL, *line = NULL;
	int			 ret = -1;

	memset(&rep, 0, sizeof rep);
	*can_quit = 0;
	set_stage(c, PROBE_ST_GREETING);
	if (read_greeting(c) == -1) {
		*can_quit = c->r->greeting != NULL;
		goto out;
	}
	if (c->inoff < c->inlen) {
		set_cause(c, xstrdup("protocol error: the server sent data "
		    "after its greeting before our EHLO"));
		goto out;
	}

	set_stage(c, PROBE_ST_EHLO);
	s = helo_name(c);
	line = xasprintf("EHLO %s\r\n", s);
	if (write_line(c, line) == -1 || read_reply(c, &rep) == -1)
		goto out;
	*can_quit = 1;
	if (rep.code != 250) {
		free(s);
		s = reply_str(&rep);
		set_cause(c, xasprintf("the server refused EHLO: %s", s));
		goto out;
	}
	if (!smtp_reply_has_ext(&rep, "STARTTLS")) {
		set_cause(c, xstrdup("the server did not offer STARTTLS"));
		goto out;
	}
	smtp_reply_free(&rep);

	set_stage(c, PROBE_ST_STARTTLS);
	if (c->inoff < c->inlen) {
		*can_quit = 0;
		set_cause(c, xstrdup("protocol error: the server sent data "
		    "after its EHLO reply"));
		goto out;
	}
	if (write_line(c, "STARTTLS\r\n") == -1 || read_reply(c, &rep) == -1) {
		*can_quit = 0;
		goto out;
	}
	if (rep.code != 220) {
		free(s);
		s = reply_str(&rep);
		set_cause(c, xasprintf("the server refused STARTTLS: %s", s));
		goto out;
	}
	if (c->inoff < c->inlen) {
		/* Plaintext after "220" would be read as if encrypted. */
		*can_quit = 0;
		set_cause(c, xstrdup("protocol error: the server sent data "
		    "after its STARTTLS reply (a STARTTLS injection?)"));
		goto out;
	}
	*can_quit = 0;
	ret = 0;
out:
	smtp_reply_free(&rep);
	free(s);
	free(line);
	return ret;
}

static int
handshake(struct pctx *c)
{
	STACK_OF(X509)		*chain;
	X509			*leaf = NULL;
	const SSL_CIPHER	*ciph;
	unsigned char		*der = NULL, *p;
	char			*cause = NULL;
	int			 rc, e, len, nchain, ret = -1;

	set_stage(c, PROBE_ST_HANDSHAKE);
	if ((c->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_fail(c, "TLS setup failed", 0);
		goto out;
	}
	/* Unverified on purpose: we report what is presented. */
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_max_cert_list(c->ctx, PROBE_MAX_CERT_LIST);
	if ((c->ssl = SSL_new(c->ctx)) == NULL ||
	    (c->rbio = BIO_new(BIO_s_mem())) == NULL ||
	    (c->wbio = BIO_new(BIO_s_mem())) == NULL) {
		tls_fail(c, "TLS setup failed", 0);
		goto out;
	}
	SSL_set_bio(c->ssl, c->rbio, c->wbio);	/* ssl owns them now */
	if (!host_is_ip(c->o->host) &&
	    !SSL_set_tlsext_host_name(c->ssl, c->o->host)) {
		tls_fail(c, "TLS setup failed (SNI)", 0);
		goto out;
	}
	SSL_set_connect_state(c->ssl);
	for (;;) {
		ERR_clear_error();
		rc = SSL_do_handshake(c->ssl);
		e = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(c->ssl, rc);
		/* Send what OpenSSL has to say, an alert included. */
		if (flush_wbio(c) == -1)
			goto out;
		if (rc == 1)
			break;
		if (e == SSL_ERROR_WANT_READ) {
			if (fill_rbio(c) == -1)
				goto out;
			continue;
		}
		tls_fail(c, "TLS handshake failed", e);
		goto out;
	}

	if ((leaf = SSL_get1_peer_certificate(c->ssl)) == NULL) {
		set_cause(c, xstrdup("TLS handshake failed: the server "
		    "presented no certificate"));
		goto out;
	}
	chain = SSL_get_peer_cert_chain(c->ssl);
	c->r->chain_len = chain != NULL ? sk_X509_num(chain) : 1;
	if ((len = i2d_X509(leaf, NULL)) <= 0) {
		set_cause(c, xstrdup("cannot encode the server's "
		    "certificate"));
		goto out;
	}
	der = p = xmalloc((size_t)len);
	if (i2d_X509(leaf, &p) != len) {
		set_cause(c, xstrdup("cannot encode the server's "
		    "certificate"));
		goto out;
	}
	if (cert_load(der, (size_t)len, &c->r->cert, &nchain, &cause) == -1) {
		set_cause(c, xasprintf("the server's certificate: %s", cause));
		free(cause);
		goto out;
	}
	c->r->der = der;
	c->r->der_len = (size_t)len;
	der = NULL;
	c->r->tls_version = xstrdup(SSL_get_version(c->ssl));
	ciph = SSL_get_current_cipher(c->ssl);
	c->r->cipher = xstrdup(ciph != NULL ? SSL_CIPHER_get_name(ciph) :
	    "unknown");
	ret = 0;
out:
	free(der);
	X509_free(leaf);
	return ret;
}

/*
 * QUIT, best-effort and short: failures here are not the probe's.  In
 * implicit TLS mode the greeting comes now, inside TLS.
 */
static void
say_goodbye(struct pctx *c, int read_greet)
{
	struct smtp_reply	 rep;
	char			*saved = c->cause;
	int64_t			 end = now_ms() + PROBE_QUIT_MS;

	if (c->r->cancelled || now_ms() >= c->deadline)
		return;
	c->cause = NULL;
	if (end < c->deadline)
		c->deadline = end;
	if (read_greet && read_greeting(c) == -1)
		goto out;
	if (write_line(c, "QUIT\r\n") == 0 && read_reply(c, &rep) == 0)
		smtp_reply_free(&rep);
	if (c->ssl != NULL) {
		ERR_clear_error();
		if (SSL_shutdown(c->ssl) >= 0)
			(void)flush_wbio(c);
		ERR_clear_error();
	}
out:
	free(c->cause);
	c->cause = saved;
}

void
probe_opts_init(struct probe_opts *o, const char *host)
{
	memset(o, 0, sizeof *o);
	o->host = host;
	o->mode = PROBE_STARTTLS;
	o->timeout_ms = PROBE_TIMEOUT_DEFAULT;
	o->cancel_fd = -1;
}

int
probe_run(const struct probe_opts *o, struct probe_result *r, char **cause)
{
	struct pctx	c;
	int		can_quit = 0, ret = -1;

	*cause = NULL;
	memset(r, 0, sizeof *r);
	memset(&c, 0, sizeof c);
	c.o = o;
	c.r = r;
	c.fd = -1;
	c.start = now_ms();
	c.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms :
	    PROBE_TIMEOUT_DEFAULT;
	c.deadline = c.start + c.timeout_ms;
	c.port = o->port > 0 ? o->port : o->mode == PROBE_TLS ?
	    PROBE_PORT_SMTPS : PROBE_PORT_SMTP;
	smtp_parser_init(&c.parser);

	if (o->host == NULL || *o->host == '\0') {
		set_cause(&c, xstrdup("no host to probe"));
		goto out;
	}
	if (do_connect(&c) == -1)
		goto out;
	if (o->mode == PROBE_STARTTLS &&
	    starttls_dialogue(&c, &can_quit) == -1) {
		if (can_quit)
			say_goodbye(&c, 0);
		goto out;
	}
	if (handshake(&c) == -1)
		goto out;
	set_stage(&c, PROBE_ST_DONE);
	r->elapsed_ms = (long)(now_ms() - c.start);
	say_goodbye(&c, o->mode == PROBE_TLS);
	ret = 0;
out:
	if (ret == -1) {
		r->elapsed_ms = (long)(now_ms() - c.start);
		*cause = c.cause != NULL ? c.cause :
		    xstrdup("probe failed (no reason recorded)");
		c.cause = NULL;
	}
	free(c.cause);
	SSL_free(c.ssl);		/* frees rbio and wbio */
	SSL_CTX_free(c.ctx);
	if (c.fd != -1)
		close(c.fd);
	smtp_parser_free(&c.parser);
	ERR_clear_error();
	return ret;
}

void
probe_result_free(struct probe_result *r)
{
	free(r->der);
	cert_free(r->cert);
	free(r->peer);
	free(r->greeting);
	free(r->tls_version);
	free(r->cipher);
	memset(r, 0, sizeof *r);
}

int
probe_parse_target(const char *target, char **hostp, int *port,
    char **cause)
{
	const char	*h, *end, *ps = NULL, *p;
	char		*host = NULL;
	size_t		 hl;
	int		 ret = -1;

	*hostp = NULL;
	*cause = NULL;
	*port = 0;
	if (target[0] == '[') {
		h = target + 1;
		if ((end = strchr(h, ']')) == NULL) {
			*cause = xstrdup("target: '[' without ']'");
			goto out;
		}
		if (end[1] == ':')
			ps = end + 2;
		else if (end[1] != '\0') {
			*cause = xstrdup("target: expected ':PORT' after ']'");
			goto out;
		}
		if (ascii_ncasecmp(h, "IPv6:", 5) == 0)
			h += 5;
		hl = (size_t)(end - h);
	} else {
		h = target;
		end = strchr(target, ':');
		if (end != NULL && strchr(end + 1, ':') == NULL) {
			hl = (size_t)(end - h);
			ps = end + 1;
		} else
			hl = strlen(target);	/* a name, or bare IPv6 */
	}
	host = xstrndup(h, hl);
	if (*host == '\0' || hl > 253) {
		*cause = xstrdup("target: no host name or address");
		goto out;
	}
	if (!host_is_ip(host)) {
		for (p = host; *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') ||
			    *p == '-' || *p == '.' || *p == '_'))
				break;
		if (*p != '\0' || host[0] == '-' || host[0] == '.') {
			char *v = vis_str(host);

			*cause = xasprintf("target: \"%s\" is neither a host "
			    "name nor an IP address", v);
			free(v);
			goto out;
		}
	}
	if (ps != NULL && *ps == '\0') {
		*cause = xstrdup("target: no port after ':'");
		goto out;
	}
	if (ps != NULL && valid_port_str("port", ps, port, cause) == -1)
		goto out;
	*hostp = host;
	host = NULL;
	ret = 0;
out:
	free(host);
	return ret;
}
