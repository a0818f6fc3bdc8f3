/*
 * run.c: fork and execve with an argv array and a clean environment; no
 * shell anywhere.  stdout and stderr are captured through pipes and read
 * with poll() so a chatty child can never deadlock us.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *const clean_env[] = {
	(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	(char *)"LC_ALL=C",
	NULL,
};

static void
capture(struct buf *b, const char *p, size_t n)
{
	if (b->len >= RUN_OUTPUT_LIMIT)
		return;
	if (n > RUN_OUTPUT_LIMIT - b->len)
		n = RUN_OUTPUT_LIMIT - b->len;
	buf_add(b, p, n);
}

static void
close_fd(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

/* Starts argv as child c.  0, or -1 with *cause (nothing left open). */
static int
child_start(struct run_handle *c, const char *const argv[], const char *input,
    size_t inlen, struct run_result *r, char **cause)
{
	int	 outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int	 inp[2] = { -1, -1 }, saved;
	ssize_t	 n;

	memset(c, 0, sizeof *c);
	c->out = c->err = c->in = -1;
	c->pid = -1;
	c->r = r;
	r->status = -1;
	buf_init(&r->out);
	buf_init(&r->err);
	buf_reserve(&r->out, 0);
	buf_reserve(&r->err, 0);
	if (argv[0] == NULL || argv[0][0] != '/') {
		*cause = xasprintf("internal error: program '%s' is not an "
		    "absolute path", argv[0] == NULL ? "" : argv[0]);
		return -1;
	}
	c->prog = argv[0];
	if (pipe2(outp, O_CLOEXEC) == -1 || pipe2(errp, O_CLOEXEC) == -1 ||
	    pipe2(inp, O_CLOEXEC) == -1) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		goto fail;
	}
	if ((c->pid = fork()) == -1) {
		*cause = xasprintf("fork: %s", strerror(errno));
		goto fail;
	}
	if (c->pid == 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		sigaction(SIGPIPE, &sa, NULL);
		if (dup2(inp[0], 0) == -1 || dup2(outp[1], 1) == -1 ||
		    dup2(errp[1], 2) == -1)
			_exit(127);
		execve(argv[0], (char *const *)argv, clean_env);
		saved = errno;
		n = write(2, "exec failed: ", 13);
		n = write(2, strerror(saved), strlen(strerror(saved)));
		(void)n;
		_exit(127);
	}
	close(inp[0]);
	close(outp[1]);
	close(errp[1]);
	c->out = outp[0];
	c->err = errp[0];
	if (input == NULL || inlen == 0)
		close(inp[1]);
	else {
		c->in = inp[1];
		c->input = input;
		c->inlen = inlen;
		fcntl(c->in, F_SETFL, O_NONBLOCK);
	}
	return 0;
fail:
	saved = errno;
	close_fd(&outp[0]);
	close_fd(&outp[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	close_fd(&inp[0]);
	close_fd(&inp[1]);
	errno = saved;
	return -1;
}

/* Feeds and drains every child's pipes until all are closed. */
static void
pump(struct run_handle *c, size_t n)
{
	struct pollfd	*pfd = xreallocarray(NULL, 3 * n + 1, sizeof *pfd);
	char		 chunk[65536];
	size_t		 i, open;
	ssize_t		 k;

	for (;;) {
		for (i = open = 0; i < n; i++) {
			pfd[3 * i].fd = c[i].out;
			pfd[3 * i].events = POLLIN;
			pfd[3 * i + 1].fd = c[i].err;
			pfd[3 * i + 1].events = POLLIN;
			pfd[3 * i + 2].fd = c[i].in;
			pfd[3 * i + 2].events = POLLOUT;
			open += (c[i].out != -1) + (c[i].err != -1) +
			    (c[i].in != -1);
		}
		if (open == 0)
			break;
		if (poll(pfd, 3 * n, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++) {
			if (pfd[3 * i + 2].revents != 0) {
				k = write(c[i].in, c[i].input + c[i].written,
				    c[i].inlen - c[i].written);
				if (k > 0)
					c[i].written += (size_t)k;
				if (k == -1 && errno != EAGAIN && errno != EINTR)
					c[i].written = c[i].inlen;
				if (c[i].written >= c[i].inlen)
					close_fd(&c[i].in);
			}
			if (pfd[3 * i].revents != 0) {
				k = read(c[i].out, chunk, sizeof chunk);
				if (k > 0)
					capture(&c[i].r->out, chunk, (size_t)k);
				else if (k == 0 || errno != EINTR)
					close_fd(&c[i].out);
			}
			if (pfd[3 * i + 1].revents != 0) {
				k = read(c[i].err, chunk, sizeof chunk);
				if (k > 0)
					capture(&c[i].r->err, chunk, (size_t)k);
				else if (k == 0 || errno != EINTR)
					close_fd(&c[i].err);
			}
		}
	}
	free(pfd);
	/* A poll() failure leaves pipes open: close them so the children
	   see EOF or EPIPE and end. */
	for (i = 0; i < n; i++) {
		close_fd(&c[i].out);
		close_fd(&c[i].err);
		close_fd(&c[i].in);
	}
}

/* Reaps child c into its result.  0, or -1 with *cause. */
static int
child_wait(struct run_handle *c, char **cause)
{
	int	status;

	while (waitpid(c->pid, &status, 0) == -1) {
		if (errno != EINTR) {
			*cause = xasprintf("waitpid: %s", strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status))
		c->r->status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		c->r->status = 128 + WTERMSIG(status);
	if (c->r->status == 127 &&
	    strncmp(c->r->err.data, "exec failed: ", 13) == 0) {
		*cause = xasprintf("cannot run %s: %s", c->prog,
		    c->r->err.data + 13);
		return -1;
	}
	return 0;
}

/* SIGPIPE ignored while we write to children; *old to put back. */
static void
ignore_sigpipe(struct sigaction *old)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, old);
}

int
run_argv(const char *const argv[], const char *input, size_t inlen,
    struct run_result *r, char **cause)
{
	struct run_handle	h;

	if (run_start(argv, input, inlen, r, &h, cause) == -1)
		return -1;
	return run_finish(&h, cause);
}

int
run_start(const char *const argv[], const char *input, size_t inlen,
    struct run_result *r, struct run_handle *h, char **cause)
{
	struct sigaction	old_pipe;

	*cause = NULL;
	ignore_sigpipe(&old_pipe);
	if (child_start(h, argv, input, inlen, r, cause) == -1) {
		sigaction(SIGPIPE, &old_pipe, NULL);
		h->pid = -1;
		return -1;
	}
	h->old_pipe = old_pipe;		/* child_start() cleared h */
	return 0;
}

int
run_finish(struct run_handle *h, char **cause)
{
	int	ret;

	*cause = NULL;
	if (h->pid == -1)
		return -1;
	pump(h, 1);
	ret = child_wait(h, cause);
	sigaction(SIGPIPE, &h->old_pipe, NULL);
	h->pid = -1;
	return ret;
}

int
run_many(const char *const *const argvs[], size_t n, struct run_result r[],
    char *causes[])
{
	struct run_handle	*c = xcalloc(n == 0 ? 1 : n, sizeof *c);
	struct sigaction	 old_pipe;
	size_t			 i, k = 0;
	int			 failed = 0;

	ignore_sigpipe(&old_pipe);
	for (i = 0; i < n; i++) {
		causes[i] = NULL;
		if (child_start(&c[k], argvs[i], NULL, 0, &r[i],
		    &causes[i]) == -1) {
			failed++;
			continue;
		}
		k++;
	}
	pump(c, k);
	for (i = 0; i < k; i++) {
		size_t j = (size_t)(c[i].r - r);

		if (child_wait(&c[i], &causes[j]) == -1)
			failed++;
	}
	sigaction(SIGPIPE, &old_pipe, NULL);
	free(c);
	return failed == 0 ? 0 : -1;
}

void
run_result_free(struct run_result *r)
{
	buf_free(&r->out);
	buf_free(&r->err);
}

char *
run_display(const char *const argv[])
{
	struct buf	 b;
	const char	*p;
	size_t		 i;

	buf_init(&b);
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			buf_addch(&b, ' ');
		if (argv[i][0] != '\0' &&
		    strspn(argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
		    "OPQRSTUVWXYZ0123456789-_./:=@+,") == strlen(argv[i])) {
			buf_addstr(&b, argv[i]);
			continue;
		}
		buf_addch(&b, '\'');
		for (p = argv[i]; *p != '\0'; p++) {
			if (*p == '\'')
				buf_addstr(&b, "'\\''");
			else
				buf_addch(&b, *p);
		}
		buf_addch(&b, '\'');
	}
	return buf_detach(&b, NULL);
}
