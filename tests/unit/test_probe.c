/*
 * test_probe.c: probe_parse_target splits every target form and refuses
 * bad ones; a probe of a silent listener ends at its deadline with the
 * stage named; another thread cancels a probe through cancel_fd or the
 * cancel callback within a fraction of a second; progress reports the
 * stages in order.  The listener is our own socket on 127.0.0.1 that
 * never accepts (the kernel completes the connection from the backlog).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"
#include "util.h"

static void
target_ok(const char *in, const char *host, int port)
{
	char	*h = NULL, *cause = NULL;
	int	 p = -1;

	if (probe_parse_target(in, &h, &p, &cause) != 0)
		fail_msg("\"%s\" refused: %s", in, cause);
	assert_string_equal(h, host);
	assert_int_equal(p, port);
	free(h);
}

static void
target_bad(const char *in)
{
	char	*h = NULL, *cause = NULL;
	int	 p;

	if (probe_parse_target(in, &h, &p, &cause) != -1)
		fail_msg("\"%s\" accepted", in);
	assert_null(h);
	assert_non_null(cause);
	free(cause);
}

static void
test_parse_target(void **state)
{
	(void)state;
	target_ok("mx.example", "mx.example", 0);
	target_ok("mx.example:26", "mx.example", 26);
	target_ok("[mx.example]:26", "mx.example", 26);
	target_ok("[mx.example]", "mx.example", 0);
	target_ok("192.0.2.1:2525", "192.0.2.1", 2525);
	target_ok("[2001:db8::1]:465", "2001:db8::1", 465);
	target_ok("[IPv6:2001:db8::1]:25", "2001:db8::1", 25);
	target_ok("2001:db8::1", "2001:db8::1", 0);
	target_ok("::1", "::1", 0);
	target_bad("");
	target_bad("[]:25");
	target_bad("[::1");
	target_bad("[::1]25");
	target_bad("mx.example:");
	target_bad("mx.example:0");
	target_bad("mx.example:65536");
	target_bad("mx.example:2x");
	target_bad("mx example");
	target_bad("-mx.example");
	target_bad("mx.example\n:25");
	target_bad("2001:db8::zz");
}

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A listener that never accepts: connects succeed, nothing is said. */
static int
silent_listener(int *port)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof sin;
	int			s;

	s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(s, 8), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	return s;
}

struct job {
	struct probe_opts	o;
	struct probe_result	r;
	char			*cause;
	int			rc;
	int64_t			ms;
	enum probe_stage	stages[16];
	int			nstages;
};

static void *
run_job(void *arg)
{
	struct job	*j = arg;
	int64_t		 t = now_ms();

	j->rc = probe_run(&j->o, &j->r, &j->cause);
	j->ms = now_ms() - t;
	return NULL;
}

static void
record_stage(void *arg, enum probe_stage st)
{
	struct job	*j = arg;

	if (j->nstages < 16)
		j->stages[j->nstages++] = st;
}

static void
test_deadline_names_stage(void **state)
{
	struct job	j;
	int		s, port;

	(void)state;
	memset(&j, 0, sizeof j);
	s = silent_listener(&port);
	probe_opts_init(&j.o, "127.0.0.1");
	j.o.port = port;
	j.o.timeout_ms = 300;
	j.o.progress = record_stage;
	j.o.progress_arg = &j;
	run_job(&j);
	assert_int_equal(j.rc, -1);
	assert_string_equal(j.cause, "timed out after 0.3s waiting for the "
	    "220 greeting");
	assert_int_equal(j.r.stage, PROBE_ST_GREETING);
	assert_false(j.r.cancelled);
	assert_true(j.ms >= 290 && j.ms < 2000);
	assert_int_equal(j.nstages, 3);
	assert_int_equal(j.stages[0], PROBE_ST_RESOLVE);
	assert_int_equal(j.stages[1], PROBE_ST_CONNECT);
	assert_int_equal(j.stages[2], PROBE_ST_GREETING);
	free(j.cause);
	probe_result_free(&j.r);
	close(s);
}

static void
test_cancel_fd(void **state)
{
	struct job	j;
	pthread_t	tid;
	int		s, port, pfd[2];

	(void)state;
	memset(&j, 0, sizeof j);
	s = silent_listener(&port);
	assert_int_equal(pipe(pfd), 0);
	probe_opts_init(&j.o, "127.0.0.1");
	j.o.port = port;
	j.o.timeout_ms = 10000;
	j.o.cancel_fd = pfd[0];
	assert_int_equal(pthread_create(&tid, NULL, run_job, &j), 0);
	usleep(200 * 1000);
	assert_int_equal(write(pfd[1], "x", 1), 1);
	assert_int_equal(pthread_join(tid, NULL), 0);
	assert_int_equal(j.rc, -1);
	assert_true(j.r.cancelled);
	assert_string_equal(j.cause, "cancelled");
	assert_true(j.ms < 1500);
	free(j.cause);
	probe_result_free(&j.r);
	close(pfd[0]);
	close(pfd[1]);
	close(s);
}

static atomic_int stop_flag;

static int
should_stop(void *arg)
{
	(void)arg;
	return atomic_load(&stop_flag);
}

static void
test_cancel_callback(void **state)
{
	struct job	j;
	pthread_t	tid;
	int		s, port;

	(void)state;
	memset(&j, 0, sizeof j);
	atomic_store(&stop_flag, 0);
	s = silent_listener(&port);
	probe_opts_init(&j.o, "127.0.0.1");
	j.o.port = port;
	j.o.timeout_ms = 10000;
	j.o.cancel = should_stop;
	assert_int_equal(pthread_create(&tid, NULL, run_job, &j), 0);
	usleep(200 * 1000);
	atomic_store(&stop_flag, 1);
	assert_int_equal(pthread_join(tid, NULL), 0);
	assert_int_equal(j.rc, -1);
	assert_true(j.r.cancelled);
	assert_string_equal(j.cause, "cancelled");
	assert_true(j.ms < 1500);
	free(j.cause);
	probe_result_free(&j.r);
	close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_target),
		cmocka_unit_test(test_deadline_names_stage),
		cmocka_unit_test(test_cancel_fd),
		cmocka_unit_test(test_cancel_callback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
