/*
 * run.h: running other programs without a shell.  The program is named by
 * absolute path, gets an argv array and a clean environment, reads
 * /dev/null (or the given input), and has its output captured (bounded).
 */
#ifndef MXPIN_RUN_H
#define MXPIN_RUN_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/* Each captured stream keeps at most this much; the rest is read and
   dropped so the child never blocks. */
#define RUN_OUTPUT_LIMIT	(16 * 1024 * 1024)

struct run_result {
	int		status;	/* exit code; 128 + signal when killed */
	struct buf	out;	/* stdout, NUL-terminated */
	struct buf	err;	/* stderr, NUL-terminated */
};

/*
 * Runs argv[0] (an absolute path) with argv and the environment
 * PATH=/usr/sbin:/usr/bin:/sbin:/bin, LC_ALL=C.  input (may be NULL) is
 * fed to its stdin.  Returns 0 when the program ran to its end (whatever
 * its exit status, in r->status), or -1 with *cause (caller frees) when it
 * could not be started.  r is always initialised; free with
 * run_result_free().
 */
int	run_argv(const char *const argv[], const char *input, size_t inlen,
	    struct run_result *r, char **cause);
void	run_result_free(struct run_result *);

/*
 * Runs n programs at once (no input), as run_argv runs one: r[i] is
 * always initialised, causes[i] is set (caller frees) for each that could
 * not be started.  0 when every one ran to its end, else -1.  Postfix's
 * tools spend most of their time starting; three of them side by side
 * cost one.
 */
int	run_many(const char *const *const argvs[], size_t n,
	    struct run_result r[], char *causes[]);

/* One running program and its pipes (-1: closed); see run_start. */
struct run_handle {
	const char		*prog;
	pid_t			 pid;
	int			 out, err, in;
	const char		*input;
	size_t			 inlen, written;
	struct run_result	*r;
	struct sigaction	 old_pipe;
};

/*
 * run_argv in two halves, so that the caller works while the program
 * runs: run_start starts it (0, or -1 with *cause), run_finish feeds it
 * its input, collects its output and waits for it (as run_argv returns).
 * Every run_start that returned 0 needs its run_finish.
 */
int	run_start(const char *const argv[], const char *input, size_t inlen,
	    struct run_result *r, struct run_handle *h, char **cause);
int	run_finish(struct run_handle *h, char **cause);

/* "prog arg 'quoted arg'" for messages and previews.  Caller frees. */
char	*run_display(const char *const argv[]);

#endif
