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

int
run_argv(const char *const argv[], const char *input, size_t inlen,
    struct run_result *r, char **cause)
{
	int		 outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int		 inp[2] = { -1, -1 };
	int		 status, saved, ret = -1;
	pid_t		 pid;
	struct pollfd	 pfd[3];
	char		 chunk[65536];
	size_t		 written = 0;
	ssize_t		 n;
	struct sigaction sa, old_pipe;

	*cause = NULL;
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
	if (pipe2(outp, O_CLOEXEC) == -1 || pipe2(errp, O_CLOEXEC) == -1 ||
	    pipe2(inp, O_CLOEXEC) == -1) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		goto out;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);
	if ((pid = fork()) == -1) {
		*cause = xasprintf("fork: %s", strerror(errno));
		sigaction(SIGPIPE, &old_pipe, NULL);
		goto out;
	}
	if (pid == 0) {
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
	inp[0] = -1;
	close(outp[1]);
	outp[1] = -1;
	close(errp[1]);
	errp[1] = -1;
	if (input == NULL || inlen == 0) {
		close(inp[1]);
		inp[1] = -1;
	} else
		fcntl(inp[1], F_SETFL, O_NONBLOCK);

	while (outp[0] != -1 || errp[0] != -1 || inp[1] != -1) {
		pfd[0].fd = outp[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = errp[0];
		pfd[1].events = POLLIN;
		pfd[2].fd = inp[1];
		pfd[2].events = POLLOUT;
		if (poll(pfd, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[2].revents != 0) {
			n = write(inp[1], input + written, inlen - written);
			if (n > 0)
				written += (size_t)n;
			if (n == -1 && errno != EAGAIN && errno != EINTR)
				written = inlen;
			if (written >= inlen) {
				close(inp[1]);
				inp[1] = -1;
			}
		}
		if (pfd[0].revents != 0) {
			n = read(outp[0], chunk, sizeof chunk);
			if (n > 0)
				capture(&r->out, chunk, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				close(outp[0]);
				outp[0] = -1;
			}
		}
		if (pfd[1].revents != 0) {
			n = read(errp[0], chunk, sizeof chunk);
			if (n > 0)
				capture(&r->err, chunk, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				close(errp[0]);
				errp[0] = -1;
			}
		}
	}
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			*cause = xasprintf("waitpid: %s", strerror(errno));
			sigaction(SIGPIPE, &old_pipe, NULL);
			goto out;
		}
	}
	sigaction(SIGPIPE, &old_pipe, NULL);
	if (WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->status = 128 + WTERMSIG(status);
	if (r->status == 127 && strncmp(r->err.data, "exec failed: ", 13) == 0) {
		*cause = xasprintf("cannot run %s: %s", argv[0],
		    r->err.data + 13);
		goto out;
	}
	ret = 0;
out:
	saved = errno;
	if (outp[0] != -1) close(outp[0]);
	if (outp[1] != -1) close(outp[1]);
	if (errp[0] != -1) close(errp[0]);
	if (errp[1] != -1) close(errp[1]);
	if (inp[0] != -1) close(inp[0]);
	if (inp[1] != -1) close(inp[1]);
	errno = saved;
	return ret;
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
