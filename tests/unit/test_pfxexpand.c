/*
 * test_pfxexpand.c: pfx_expand() and pfx_load_expand() print what the
 * real postconf -c DIR -xh prints, or give up; they never answer where
 * postconf fails.
 *
 * Every case writes main.cf (and master.cf, and database client files) to
 * a scratch directory and asks /usr/sbin/postconf itself, so a Postfix
 * whose expansion differs from ours fails these tests.  Skipped when
 * postconf is not installed.
 */
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "maincf.h"
#include "pfxexpand.h"
#include "postfix.h"
#include "run.h"
#include "util.h"

#include "corpus.h"

#define DEBIAN_MASTER	((const char *)1)	/* the system's master.cf */

/* What a case must give. */
enum {
	SUP,		/* pfx_expand answers, as postconf */
	UNSUP,		/* postconf answers, pfx_expand gives up */
	FATAL,		/* postconf fails, so pfx_expand must give up */
	ANY		/* either; an answer must be postconf's */
};

struct tcase {
	const char	*label;
	const char	*maincf;	/* "@DIR@" becomes the directory */
	const char	*mastercf;	/* NULL: empty; DEBIAN_MASTER */
	const char	*names;		/* separated by spaces */
	int		 expect;
};

static int
have_postconf(void)
{
	return access(PFX_POSTCONF, X_OK) == 0;
}

/* The system's master.cf (Debian's, with "relay ... -o syslog_name=..."). */
static char *
debian_master(void)
{
	struct buf	 b;
	char		*cause;

	buf_init(&b);
	if (file_read("/etc/postfix/master.cf", 1 << 20, &b, &cause) == 0 ||
	    (free(cause), file_read("/usr/share/postfix/master.cf.dist",
	    1 << 20, &b, &cause)) == 0) {
		buf_add(&b, "", 0);
		return buf_detach(&b, NULL);
	}
	free(cause);
	buf_free(&b);
	return xstrdup("smtp inet n - y - - smtpd\n"
	    "relay unix - - y - - smtp\n"
	    "        -o syslog_name=postfix/$service_name\n");
}

static char *
scratch_new(void)
{
	char	tmpl[] = "/tmp/mxpin-pfx.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		fail_msg("mkdtemp: %s", strerror(errno));
	return xstrdup(tmpl);
}

/*
 * Writes dir/file, dated 10 s ago: postconf re-reads a main.cf younger
 * than 2 s after sleeping 300 ms.
 */
static void
scratch_write(const char *dir, const char *file, const char *data,
    size_t len)
{
	struct timeval	 tv[2];
	char		*path = xasprintf("%s/%s", dir, file);
	FILE		*fp;

	if ((fp = fopen(path, "w")) == NULL ||
	    fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
		fail_msg("write %s: %s", path, strerror(errno));
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= 10;
	tv[1] = tv[0];
	utimes(path, tv);
	free(path);
}

static void
scratch_free(char *dir)
{
	struct dirent	*de;
	DIR		*dp;
	char		*path;

	if ((dp = opendir(dir)) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			path = xasprintf("%s/%s", dir, de->d_name);
			unlink(path);
			free(path);
		}
		closedir(dp);
	}
	rmdir(dir);
	free(dir);
}

static char *
read_file(const char *dir, const char *file, int *found)
{
	struct buf	 b;
	char		*path = xasprintf("%s/%s", dir, file), *cause;

	buf_init(&b);
	*found = file_read(path, 64 << 20, &b, &cause) == 0;
	if (!*found)
		free(cause);
	buf_add(&b, "", 0);
	free(path);
	return buf_detach(&b, NULL);
}

/* Splits s at spaces into a NULL-terminated vector. */
static char **
words(const char *s, size_t *np)
{
	char	**v = NULL;
	size_t	  n = 0, len;

	for (;;) {
		s += strspn(s, " \n");
		if (*s == '\0')
			break;
		len = strcspn(s, " \n");
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrndup(s, len);
		s += len;
	}
	v = xreallocarray(v, n + 1, sizeof *v);
	v[n] = NULL;
	*np = n;
	return v;
}

static void
free_vals(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i]);
		v[i] = NULL;
	}
}

/* The n lines of out into vals[] (caller frees): 1, or 0 (none kept)
   when out has another number of lines. */
static int
split_lines(const char *out, char **vals, size_t n)
{
	const char	*p = out;
	size_t		 i, len;

	for (i = 0; i < n && *p != '\0'; i++) {
		len = strcspn(p, "\n");
		vals[i] = xstrndup(p, len);
		p += len + (p[len] == '\n');
	}
	if (i == n && *p == '\0')
		return 1;
	free_vals(vals, n);
	return 0;
}

/*
 * postconf -c dir -xh names: 1 with vals[] (caller frees), 0 when it
 * fails or prints another number of lines.
 */
static int
postconf_xh(const char *dir, char **names, size_t n, char **vals)
{
	const char		**argv = xcalloc(n + 5, sizeof *argv);
	struct run_result	  r;
	char			 *cause = NULL;
	size_t			  i;
	int			  ok = 0;

	argv[0] = PFX_POSTCONF;
	argv[1] = "-c";
	argv[2] = dir;
	argv[3] = "-xh";
	for (i = 0; i < n; i++)
		argv[4 + i] = names[i];
	for (i = 0; i < n; i++)
		vals[i] = NULL;
	if (run_argv(argv, NULL, 0, &r, &cause) == -1)
		fail_msg("postconf: %s", cause);
	if (r.status == 0)
		ok = split_lines(r.out.data, vals, n);
	run_result_free(&r);
	free(argv);
	return ok;
}

/* The stdout of postconf -c dir -d. */
static char *
postconf_d(const char *dir, size_t *lenp)
{
	const char		*argv[] = { PFX_POSTCONF, "-c", dir, "-d", NULL };
	struct run_result	 r;
	char			*cause = NULL, *out;

	if (run_argv(argv, NULL, 0, &r, &cause) == -1 || r.status != 0)
		fail_msg("postconf -c %s -d failed", dir);
	out = buf_detach(&r.out, lenp);
	run_result_free(&r);
	return out;
}

/* pfx_expand() on what dir holds. */
static int
expand_dir(const char *dir, const char *defaults, size_t deflen,
    char **names, size_t n, char **vals, char **why)
{
	struct pfx_source	 src;
	struct maincf		*cf;
	char			*mainb, *masterb;
	int			 have_master, have_main, r;

	mainb = read_file(dir, "main.cf", &have_main);
	masterb = read_file(dir, "master.cf", &have_master);
	assert_true(have_main);
	cf = maincf_parse(mainb, strlen(mainb));
	memset(&src, 0, sizeof src);
	src.confdir = dir;
	src.maincf = mainb;
	src.maincflen = strlen(mainb);
	src.cf = cf;
	src.mastercf = have_master ? masterb : NULL;
	src.mastercflen = strlen(masterb);
	src.defaults = defaults;
	src.deflen = deflen;
	r = pfx_expand(&src, (const char *const *)names, n, vals, why);
	maincf_free(cf);
	free(mainb);
	free(masterb);
	return r;
}

static char *
subst_dir(const char *s, const char *dir)
{
	struct buf	 b;
	const char	*at;

	buf_init(&b);
	while ((at = strstr(s, "@DIR@")) != NULL) {
		buf_add(&b, s, (size_t)(at - s));
		buf_addstr(&b, dir);
		s = at + 5;
	}
	buf_addstr(&b, s);
	buf_add(&b, "", 0);
	return buf_detach(&b, NULL);
}


/*
 * Compares pfx_expand for one directory and a list of names with
 * postconf's answer (pc_ok, pv); returns 1 when pfx_expand answered.
 * Fails the test on a different answer or an answer where postconf fails;
 * expect as above.
 */
static int
compare_with(const char *label, const char *dir, char **names, size_t n,
    int expect, int pc_ok, char **pv)
{
	char	**ev = xcalloc(n + 1, sizeof *ev);
	char	 *defaults, *why = NULL;
	size_t	  deflen, i;
	int	  r;

	defaults = postconf_d(dir, &deflen);
	r = expand_dir(dir, defaults, deflen, names, n, ev, &why);
	if (r == 0) {
		if (!pc_ok)
			fail_msg("%s: pfx_expand answered (%s = \"%s\"), but "
			    "postconf fails", label, names[0], ev[0]);
		for (i = 0; i < n; i++)
			if (strcmp(pv[i], ev[i]) != 0)
				fail_msg("%s: %s: pfx_expand \"%s\", postconf "
				    "\"%s\"", label, names[i], ev[i], pv[i]);
		if (expect == UNSUP || expect == FATAL)
			fail_msg("%s: pfx_expand should have given up", label);
	} else {
		assert_int_equal(r, 1);
		assert_non_null(why);
		for (i = 0; i < n; i++)
			assert_null(ev[i]);
		if (expect == SUP)
			fail_msg("%s: pfx_expand gave up: %s", label, why);
	}
	if (expect == FATAL && pc_ok)
		fail_msg("%s: postconf was expected to fail", label);
	if ((expect == SUP || expect == UNSUP) && !pc_ok)
		fail_msg("%s: postconf fails", label);
	free(why);
	free_vals(ev, n);
	free(ev);
	free(defaults);
	return r == 0;
}

/*
 * Starts postconf -c dir -xh names with its output in dir/pc.out.
 * postconf sleeps one second before it exits on a fatal error, so the
 * cases run their postconf in parallel.
 */
static pid_t
postconf_start(const char *dir, char **names, size_t n)
{
	static char *const env[] = {
		(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		(char *)"LC_ALL=C", NULL,
	};
	char	**argv = xcalloc(n + 5, sizeof *argv);
	char	 *out = xasprintf("%s/pc.out", dir);
	size_t	  i;
	pid_t	  pid;
	int	  fd;

	argv[0] = (char *)PFX_POSTCONF;
	argv[1] = (char *)"-c";
	argv[2] = (char *)dir;
	argv[3] = (char *)"-xh";
	for (i = 0; i < n; i++)
		argv[4 + i] = names[i];
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		fail_msg("%s: %s", out, strerror(errno));
	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (dup2(fd, 1) == -1 || null == -1 || dup2(null, 0) == -1 ||
		    dup2(null, 2) == -1)
			_exit(127);
		execve(PFX_POSTCONF, argv, env);
		_exit(127);
	}
	close(fd);
	free(out);
	free(argv);
	return pid;
}

/* Waits for postconf_start(); 1 with pv[] as postconf_xh(), else 0. */
static int
postconf_finish(pid_t pid, const char *dir, size_t n, char **pv)
{
	char		*out;
	size_t		 i;
	int		 st, found, ok;

	if (waitpid(pid, &st, 0) == -1)
		fail_msg("waitpid: %s", strerror(errno));
	out = read_file(dir, "pc.out", &found);
	for (i = 0; i < n; i++)
		pv[i] = NULL;
	ok = 0;
	if (found && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		ok = split_lines(out, pv, n);
	free(out);
	return ok;
}

static void
write_master(const char *dir, const char *mastercf)
{
	char	*m;

	if (mastercf == DEBIAN_MASTER) {
		m = debian_master();
		scratch_write(dir, "master.cf", m, strlen(m));
		free(m);
	} else if (mastercf != NULL)
		scratch_write(dir, "master.cf", mastercf, strlen(mastercf));
	else
		scratch_write(dir, "master.cf", "", 0);
}

/* Runs cases; postconf for up to 32 of them at a time. */
static void
run_cases(const struct tcase *tc, size_t ncases)
{
	struct job {
		char	*dir;
		char	**names;
		size_t	 n;
		pid_t	 pid;
	}		*jobs;
	char		*m, **pv;
	size_t		 i, j, k;

	jobs = xcalloc(ncases, sizeof *jobs);
	for (i = 0; i < ncases; i += 32) {
		for (j = i; j < ncases && j < i + 32; j++) {
			jobs[j].dir = scratch_new();
			m = subst_dir(tc[j].maincf, jobs[j].dir);
			scratch_write(jobs[j].dir, "main.cf", m, strlen(m));
			free(m);
			write_master(jobs[j].dir, tc[j].mastercf);
			scratch_write(jobs[j].dir, "good.cf", "hosts = "
			    "db.example\nquery = select x from y where z = "
			    "'%s'\n  and 1 = 1\n", 70);
			scratch_write(jobs[j].dir, "bad.cf",
			    "hosts = x\ngarbage line\n", 23);
			jobs[j].names = words(tc[j].names, &jobs[j].n);
			jobs[j].pid = postconf_start(jobs[j].dir,
			    jobs[j].names, jobs[j].n);
		}
		for (k = i; k < j; k++) {
			pv = xcalloc(jobs[k].n + 1, sizeof *pv);
			compare_with(tc[k].label, jobs[k].dir, jobs[k].names,
			    jobs[k].n, tc[k].expect, postconf_finish(
			    jobs[k].pid, jobs[k].dir, jobs[k].n, pv), pv);
			free_vals(pv, jobs[k].n);
			free(pv);
			strv_free(jobs[k].names);
			scratch_free(jobs[k].dir);
		}
	}
	free(jobs);
}

static const struct tcase cases[] = {
	/* Plain values and whitespace. */
	{ "whitespace runs", "relay_domains = a  \tb ,  c\n"
	    "transport_maps =\n   hash:/x,\n\n# c\n\t  hash:/y  \n",
	    NULL, "relay_domains transport_maps mydestination", SUP },
	{ "CRLF", "relay_domains = a,\r\n  b\r\nmydestination = x\r\n",
	    NULL, "relay_domains mydestination", SUP },
	{ "no final newline", "relay_domains = a", NULL, "relay_domains",
	    SUP },
	{ "empty main.cf", "", NULL,
	    "mail_version default_database_type smtp_tls_fingerprint_digest "
	    "compatibility_level maximal_queue_lifetime "
	    "parent_domain_matches_subdomains relay_domains "
	    "relay_recipient_maps transport_maps smtp_tls_policy_maps "
	    "mydestination virtual_alias_domains virtual_mailbox_domains "
	    "myhostname mydomain mynetworks myorigin", SUP },
	{ "$$", "relay_domains = $$x $$ a$$$$b\n", NULL, "relay_domains",
	    SUP },
	{ "lone $", "relay_domains = x $\n", NULL, "relay_domains", FATAL },
	{ "$-", "relay_domains = x $-\n", NULL, "relay_domains", FATAL },
	{ "${}", "relay_domains = ${}\n", NULL, "relay_domains", FATAL },
	{ "${ }", "relay_domains = ${ }\n", NULL, "relay_domains", UNSUP },
	{ "$name", "relay_domains = $mail_name-$mail_name.x\n", NULL,
	    "relay_domains", SUP },
	{ "${ name }", "relay_domains = ${ mail_name }\n", NULL,
	    "relay_domains", SUP },
	{ "$(name)", "relay_domains = $(mail_name)$(mail_version)\n", NULL,
	    "relay_domains", SUP },
	{ "unterminated $(", "relay_domains = $(mail_name)$(mail_name\n",
	    NULL, "relay_domains", FATAL },
	{ "unterminated ${", "relay_domains = ${mail_name\n", NULL,
	    "relay_domains", FATAL },
	{ "name syntax", "relay_domains = ${mail-name}\n", NULL,
	    "relay_domains", FATAL },
	{ "two names", "relay_domains = ${mail name}\n", NULL,
	    "relay_domains", FATAL },
	{ "$(a?{x)y})", "relay_domains = $(mail_name?{x)y})\n", NULL,
	    "relay_domains", FATAL },
	{ "brace after", "relay_domains = ${mail_name?x}y}\n", NULL,
	    "relay_domains", SUP },

	/* Conditionals. */
	{ "?: plain", "relay_domains = ${mail_name? yes }z ${e?no}"
	    "${e:yes}${mail_name:no}\ne =\n", NULL, "relay_domains", SUP },
	{ "?: braces", "relay_domains = ${mail_name?{ yes }} z "
	    "${mail_name?{a}:{b}} ${e?{a}:{b} } ${e?{a} : b c}"
	    "${mail_name?{a}:b c}\ne =\n", NULL, "relay_domains", SUP },
	{ "?: no braces takes the rest", "relay_domains = ${mail_name?a:b} "
	    "${e:foo:bar}\ne =\n", NULL, "relay_domains", SUP },
	{ "?: test is before expansion", "relay_domains = ${e?set}\n"
	    "e = $f\nf =\n", NULL, "relay_domains", SUP },
	{ "?: whitespace", "relay_domains = ${ mail_name ? x } ${ e : y }\n"
	    "e =\n", NULL, "relay_domains", SUP },
	{ "?: garbage", "relay_domains = ${mail_name?{a} x}\n", NULL,
	    "relay_domains", FATAL },
	{ "?: garbage after :", "relay_domains = ${mail_name?{a}:{b} x}\n",
	    NULL, "relay_domains", FATAL },
	{ "?: unbalanced", "relay_domains = ${mail_name?{a}\n", NULL,
	    "relay_domains", FATAL },
	{ "untaken branch not parsed", "relay_domains = ${e?{$}:ok}\n"
	    "e =\n", NULL, "relay_domains", SUP },
	{ "undefined name", "relay_domains = ${nonexist?yes}\n", NULL,
	    "relay_domains", UNSUP },

	/* Relational operators. */
	{ "== != strings", "relay_domains = ${{a} == {a}?{eq}:{ne}} "
	    "${{a} != {b}?{ne}} ${{} == {}?{empty}} ${{a}=={b}?{x}:{y}}\n",
	    NULL, "relay_domains", SUP },
	{ "== numbers", "relay_domains = ${{1} == {01}?{eq}:{ne}} "
	    "${{10} > {9}?{gt}:{le}} ${{5} >= {5}?{ge}} ${{5} < {10}?{lt}}"
	    "${{0} <= {0}?{le}}\n", NULL, "relay_domains", SUP },
	{ "relop value", "relay_domains = ${{1}=={1}}|${{1}=={2}}\n", NULL,
	    "relay_domains", SUP },
	{ "relop no braces", "relay_domains = ${{1}=={1} ? yes : no}\n",
	    NULL, "relay_domains", SUP },
	{ "relop operands expanded", "relay_domains = "
	    "${{$mail_name} == {Postfix}?{yes}:{no}} "
	    "${{$e}=={}?{empty}}\ne =\n", NULL, "relay_domains", SUP },
	{ "relop ordering strings", "relay_domains = ${{a} < {b}?{lt}}\n",
	    NULL, "relay_domains", UNSUP },
	{ "relop signed", "relay_domains = ${{-1} < {1}?{lt}}\n", NULL,
	    "relay_domains", UNSUP },
	{ "relop huge number", "relay_domains = "
	    "${{99999999999999999999} > {1}?{gt}}\n", NULL, "relay_domains",
	    FATAL },
	{ "relop whitespace", "relay_domains = ${{a   b} == {a b}?{eq}:{ne}}\n",
	    NULL, "relay_domains", UNSUP },
	{ "relop =", "relay_domains = ${{a}={b}?x}\n", NULL, "relay_domains",
	    FATAL },
	{ "relop bad suffix", "relay_domains = ${{a}<foo{b}}\n", NULL,
	    "relay_domains", FATAL },
	{ "relop spaced suffix", "relay_domains = ${{1} < level {2}}\n", NULL,
	    "relay_domains", FATAL },
	{ "relop no right", "relay_domains = ${{1} == 2}\n", NULL,
	    "relay_domains", FATAL },
	{ "relop garbage", "relay_domains = ${{1} == {2} x}\n", NULL,
	    "relay_domains", FATAL },
	{ "level", "relay_domains = ${{3.6} <level {3.10}?{lt}:{ge}} "
	    "${{3} ==level {3.0.0}?{eq}:{ne}} ${{2} <=level {2}?{le}} "
	    "${{3.6.1} >level {3.6}?{gt}} ${{0} !=level {1}?{ne}} "
	    "${{10} >=level {9.1023.1023}?{ge}}\n", NULL, "relay_domains",
	    SUP },
	{ "level malformed", "relay_domains = ${{x} <level {1}?{a}}\n", NULL,
	    "relay_domains", FATAL },
	{ "level empty", "relay_domains = ${{}==level{}?{a}}\n", NULL,
	    "relay_domains", FATAL },
	{ "level minor > 1023", "relay_domains = ${{3.1024} <level {4}?{a}}\n",
	    NULL, "relay_domains", FATAL },
	{ "level leading blank", "relay_domains = ${{ 3.6} <level {3.10}?a}\n",
	    NULL, "relay_domains", ANY },

	/* Recursion. */
	{ "user parameters", "relay_domains = $a, ${b}\na = $b x\nb = y\n",
	    NULL, "relay_domains", SUP },
	{ "loop", "relay_domains = $a\na = $b\nb = $a\n", NULL,
	    "relay_domains", FATAL },

	/* Names and their defaults. */
	{ "config_directory", "relay_domains = hash:$config_directory/x\n",
	    NULL, "relay_domains config_directory", SUP },
	{ "main.cf sets config_directory", "config_directory = /x\n"
	    "relay_domains = $config_directory\n", NULL, "relay_domains",
	    UNSUP },
	{ "raw parameter", "mailbox_command = /bin/x $recipient $\n"
	    "relay_domains = a\n", NULL,
	    "mailbox_command relay_domains default_rbl_reply", SUP },
	{ "read-only names", "", NULL, "process_name service_name", SUP },
	{ "process_id", "", NULL, "process_id", UNSUP },
	{ "read-only assignment", "process_name = x\n", NULL,
	    "process_name", UNSUP },
	{ "legacy default", "", NULL,
	    "virtual_alias_domains virtual_alias_maps virtual_maps", SUP },
	{ "legacy set", "virtual_maps = hash:/etc/x\n", NULL,
	    "virtual_alias_domains virtual_alias_maps", SUP },
	{ "unknown requested name", "", NULL, "no_such_parameter_here",
	    FATAL },
	{ "main.cf mail_version", "mail_version = 9.9\n", NULL,
	    "mail_version", SUP },

	/* Defaults computed from the system and main.cf. */
	{ "myhostname set", "myhostname = backup.example\n", NULL,
	    "myhostname myorigin", SUP },
	{ "mydomain from main.cf myhostname",
	    "myhostname = backup.example\n", NULL,
	    "mydestination mydomain myorigin", SUP },
	{ "mydomain from a dotless myhostname", "myhostname = backup\n",
	    NULL, "mydomain", SUP },
	{ "mydomain from a deep myhostname", "myhostname = a.b.c.example\n",
	    NULL, "mydomain mydestination", SUP },
	{ "myhostname from main.cf mydomain", "mydomain = example.org\n",
	    NULL, "myhostname mydestination", SUP },
	{ "both set", "mydomain = example.org\nmyhostname = mx.example.net\n",
	    NULL, "myhostname mydomain mydestination", SUP },
	{ "empty mydomain", "mydomain =\n", NULL, "myhostname", UNSUP },
	{ "mynetworks from main.cf style", "mynetworks_style = subnet\n",
	    NULL, "mynetworks", UNSUP },
	{ "mynetworks from compatibility_level", "compatibility_level = 2\n",
	    NULL, "mynetworks", UNSUP },
	{ "plain myhostname needs no default", "myhostname = backup.example\n"
	    "mydestination = $myhostname, localhost\n", NULL,
	    "mydestination relay_domains", SUP },
	{ "$ in myhostname", "myhostname = mx.$mydomain\nmydomain = x.org\n",
	    NULL, "relay_domains", UNSUP },
	{ "process_id at startup", "debugger_command = x $process_id\n",
	    NULL, "relay_domains", SUP },
	{ "process_id compared at startup",
	    "smtpd_banner = ${{$process_id} > {0}?{a}}\n", NULL,
	    "relay_domains", UNSUP },
	{ "mynetworks at startup", "compatibility_level = 3.6\n"
	    "smtpd_banner = $mynetworks\n", NULL, "relay_domains", SUP },
	{ "mynetworks tested at startup", "compatibility_level = 3.6\n"
	    "smtpd_banner = ${mynetworks?{a}:{$}}\n", NULL, "relay_domains",
	    UNSUP },

	/* What postconf checks before it prints anything. */
	{ "line without =", "no equals\nrelay_domains = a\n", NULL,
	    "relay_domains", FATAL },
	{ "line without name", "= x\nrelay_domains = a\n", NULL,
	    "relay_domains", FATAL },
	{ "continuation before any definition", "  orphan = 1\n"
	    "relay_domains = a\n", NULL, "relay_domains", SUP },
	{ "= on the next line", "b\n  = 3\nrelay_domains = a\n", NULL,
	    "relay_domains", ANY },
	{ "bad macro, unknown parameter", "foo = x $\nrelay_domains = a\n",
	    NULL, "relay_domains", SUP },
	{ "bad macro, built-in parameter", "smtpd_banner = x $\n"
	    "relay_domains = a\n", NULL, "relay_domains", FATAL },
	{ "bad level, built-in parameter",
	    "smtpd_banner = ${{x} <level {1}?{a}}\n", NULL, "relay_domains",
	    FATAL },
	{ "bad macro via user parameter", "smtpd_banner = $foo\n"
	    "foo = x $\n", NULL, "mail_version", FATAL },
	{ "bad macro, raw parameter", "smtpd_reject_footer = $\n", NULL,
	    "relay_domains", SUP },
	{ "compatibility_level malformed", "compatibility_level = foo\n",
	    NULL, "mail_version", FATAL },
	{ "compatibility_level malformed, mynetworks set",
	    "compatibility_level = foo\nmynetworks = 127.0.0.0/8\n", NULL,
	    "mail_version", SUP },
	{ "compatibility_level malformed and used",
	    "compatibility_level = foo\nmynetworks = 127.0.0.0/8\n", NULL,
	    "relay_domains", FATAL },
	{ "inet_interfaces not local", "inet_interfaces = 192.0.2.99\n",
	    NULL, "relay_domains", FATAL },
	{ "inet_interfaces not local, mynetworks set",
	    "inet_interfaces = 192.0.2.99\nmynetworks = 127.0.0.0/8\n", NULL,
	    "relay_domains", SUP },
	{ "inet_interfaces loopback-only", "inet_interfaces = loopback-only\n",
	    NULL, "relay_domains", SUP },
	{ "inet_protocols bad", "inet_protocols = IPv4\n", NULL,
	    "relay_domains", FATAL },
	{ "inet_protocols ipv4", "inet_protocols = ipv4\n", NULL,
	    "relay_domains", SUP },
	{ "mynetworks_style bad", "mynetworks_style = HOST\n", NULL,
	    "relay_domains", FATAL },
	{ "mynetworks_style bad, mynetworks set",
	    "mynetworks_style = HOST\nmynetworks = 10.0.0.0/8\n", NULL,
	    "relay_domains", SUP },
	{ "restriction classes", "smtpd_restriction_classes = $foo\n"
	    "foo = bar\n", NULL, "relay_domains", UNSUP },
	{ "database file missing",
	    "virtual_alias_maps = mysql:/nonexistent/x.cf, ldap:foo\n", NULL,
	    "virtual_alias_domains", SUP },
	{ "database file good", "virtual_alias_maps = mysql:@DIR@/good.cf, "
	    "proxy:pgsql:@DIR@/good.cf\n", NULL, "virtual_alias_domains", SUP },
	{ "database file bad", "virtual_alias_maps = mysql:@DIR@/bad.cf\n",
	    NULL, "relay_domains", FATAL },
	{ "database file bad via proxy",
	    "transport_maps = proxy:ldap:@DIR@/bad.cf\n", NULL,
	    "relay_domains", FATAL },
	{ "database file bad via $", "virtual_alias_maps = mysql:$d/bad.cf\n"
	    "d = @DIR@\n", NULL, "relay_domains", FATAL },
	{ "database file from process_id",
	    "virtual_alias_maps = mysql:@DIR@/$process_id.cf\n", NULL,
	    "relay_domains", UNSUP },
	{ "vertical tab", "relay_domains = a\vb\n", NULL, "relay_domains",
	    UNSUP },

	/* master.cf -o settings. */
	{ "Debian master.cf", "relay_domains = $mydestination\n",
	    DEBIAN_MASTER, "relay_domains", SUP },
	{ "-o bad macro", "", "smtp inet n - y - - smtpd\n"
	    "  -o smtpd_banner=x$\n", "relay_domains", FATAL },
	{ "-o bad macro, unknown name", "", "smtp inet n - y - - smtpd\n"
	    "  -o foo=x$\n", "relay_domains", SUP },
	{ "-o local scope", "", "smtp inet n - y - - smtpd\n"
	    "  -o smtpd_banner=$lt -o lt=$\n", "relay_domains", FATAL },
	{ "-o local scope ok", "lt = $\n", "smtp inet n - y - - smtpd\n"
	    "  -o smtpd_banner=$lt -o lt=fine\n", "relay_domains", ANY },
	{ "-o attached", "", "smtp inet n - y - - smtpd\n"
	    "  -vosmtpd_banner=x$\n", "relay_domains", FATAL },
	{ "-o database file", "", "smtp inet n - y - - smtpd\n"
	    "  -o smtpd_recipient_restrictions=check_recipient_access,"
	    "mysql:@DIR@/bad.cf\n", "relay_domains", ANY },
	{ "-o braces", "", "smtp inet n - y - - smtpd\n"
	    "  -o { smtpd_banner = a b }\n", "relay_domains", ANY },
};

static void
test_constructs(void **state)
{
	(void)state;
	if (!have_postconf())
		skip();
	run_cases(cases, sizeof cases / sizeof cases[0]);
	printf("# %zu crafted cases compared with %s\n",
	    sizeof cases / sizeof cases[0], PFX_POSTCONF);
}

/*
 * Nesting: postconf fails beyond 100 levels.  A chain of n user
 * parameters nests n levels below relay_domains.
 */
static void
test_depth(void **state)
{
	static const size_t	 lens[] = { 99, 100, 101, 102, 150 };
	struct tcase		 tc[sizeof lens / sizeof lens[0]];
	struct buf		 b[sizeof lens / sizeof lens[0]];
	char			*label[sizeof lens / sizeof lens[0]];
	size_t			 i, k, n = sizeof lens / sizeof lens[0];

	(void)state;
	if (!have_postconf())
		skip();
	for (i = 0; i < n; i++) {
		buf_init(&b[i]);
		buf_addstr(&b[i], "relay_domains = $a1\n");
		for (k = 1; k < lens[i]; k++)
			buf_printf(&b[i], "a%zu = $a%zu\n", k, k + 1);
		buf_printf(&b[i], "a%zu = end\n", lens[i]);
		label[i] = xasprintf("chain of %zu", lens[i]);
		tc[i].label = label[i];
		tc[i].maincf = b[i].data;
		tc[i].mastercf = NULL;
		tc[i].names = "relay_domains";
		tc[i].expect = lens[i] <= 100 ? SUP : FATAL;
	}
	run_cases(tc, n);
	for (i = 0; i < n; i++) {
		free(label[i]);
		buf_free(&b[i]);
	}
}

/* The names postconf -d lists for dir. */
static char **
default_names(const char *dir, size_t *np)
{
	char	**v, *d, *p, *nl;
	size_t	  n = 0, len;

	d = postconf_d(dir, &len);
	v = xcalloc(1, sizeof *v);
	for (p = d; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrndup(p, strcspn(p, " "));
		v[n] = NULL;
	}
	free(d);
	*np = n;
	return v;
}

/*
 * Every parameter postconf -d lists, one by one, against one postconf -xh
 * of all of them.  Returns how many pfx_expand answered.
 */
static size_t
compare_each(const char *label, const char *dir, char **names, size_t n,
    struct buf *fell)
{
	char	**pv = xcalloc(n + 1, sizeof *pv);
	char	 *defaults, *v[1], *why;
	size_t	  deflen, i, answered = 0;

	if (!postconf_xh(dir, names, n, pv))
		fail_msg("%s: postconf -xh of all parameters fails", label);
	defaults = postconf_d(dir, &deflen);
	for (i = 0; i < n; i++) {
		if (expand_dir(dir, defaults, deflen, &names[i], 1, v,
		    &why) == 0) {
			if (strcmp(v[0], pv[i]) != 0)
				fail_msg("%s: %s: pfx_expand \"%s\", postconf "
				    "\"%s\"", label, names[i], v[0], pv[i]);
			free(v[0]);
			answered++;
		} else {
			buf_printf(fell, " %s", names[i]);
			free(why);
		}
	}
	free_vals(pv, n);
	free(pv);
	free(defaults);
	return answered;
}

/*
 * A scratch config with an empty main.cf and Debian's master.cf; the
 * names postconf -d lists for it.  *dirp for scratch_free().
 */
static char **
empty_config(char **dirp, size_t *np)
{
	*dirp = scratch_new();
	scratch_write(*dirp, "main.cf", "", 0);
	write_master(*dirp, DEBIAN_MASTER);
	return default_names(*dirp, np);
}

static void
test_all_defaults(void **state)
{
	struct buf	 fell;
	char		*dir, **names;
	size_t		 n, answered;

	(void)state;
	if (!have_postconf())
		skip();
	names = empty_config(&dir, &n);
	assert_true(n > 500);
	buf_init(&fell);
	answered = compare_each("empty main.cf", dir, names, n, &fell);
	buf_add(&fell, "", 0);
	printf("# empty main.cf: %zu of %zu parameters answered; gave up "
	    "on:%s\n", answered, n, fell.data);
	/* Only what depends on the process or on unlisted names. */
	assert_true(n - answered <= 20);
	buf_free(&fell);
	strv_free(names);
	scratch_free(dir);
}

/*
 * Every parameter set in main.cf to "${mail_name}x": the ones postconf
 * prints unexpanded must be ours (raw_names in pfxexpand.c).
 */
static void
test_all_set(void **state)
{
	struct buf	 m, fell;
	char		*dir, **names;
	size_t		 n, i, answered;

	(void)state;
	if (!have_postconf())
		skip();
	names = empty_config(&dir, &n);
	buf_init(&m);
	for (i = 0; i < n; i++) {
		/* Read-only, or evaluated by other rules: left alone. */
		if (strcmp(names[i], "process_id") == 0 ||
		    strcmp(names[i], "process_name") == 0 ||
		    strcmp(names[i], "service_name") == 0 ||
		    strcmp(names[i], "config_directory") == 0 ||
		    strcmp(names[i], "myhostname") == 0 ||
		    strcmp(names[i], "mydomain") == 0 ||
		    strcmp(names[i], "smtpd_restriction_classes") == 0 ||
		    strcmp(names[i], "mail_name") == 0)
			continue;
		buf_printf(&m, "%s = ${mail_name}x\n", names[i]);
	}
	scratch_write(dir, "main.cf", m.data, m.len);
	buf_init(&fell);
	answered = compare_each("all set", dir, names, n, &fell);
	buf_add(&fell, "", 0);
	printf("# every parameter set: %zu of %zu answered; gave up on:%s\n",
	    answered, n, fell.data);
	assert_true(n - answered <= 5);
	buf_free(&fell);
	buf_free(&m);
	strv_free(names);
	scratch_free(dir);
}

/* The names postconf -n lists for dir (without config_directory). */
static char **
nondefault_names(const char *dir, size_t *np)
{
	const char		*argv[] = { PFX_POSTCONF, "-c", dir, "-n", NULL };
	struct run_result	 r;
	char			**v, *cause = NULL, *p, *nl;
	size_t			 n = 0, len;

	if (run_argv(argv, NULL, 0, &r, &cause) == -1)
		fail_msg("%s", cause);
	v = xcalloc(1, sizeof *v);
	for (p = r.out.data; r.status == 0 && *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		len = strcspn(p, " ");
		if (len == 16 && strncmp(p, "config_directory", len) == 0)
			continue;
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrndup(p, len);
		v[n] = NULL;
	}
	run_result_free(&r);
	*np = n;
	return v;
}

struct counts {
	size_t	loads, fast;		/* pfx_load_expand */
	size_t	names, answered;	/* pfx_expand, name by name */
	struct buf why;
};

static void
compare_load(const char *label, const char *dir, struct counts *c)
{
	struct pfx_config	 a, b;
	char			*why, *cause;
	size_t			 i;
	int			 ra, rb;

	ra = pfx_load_expand(dir, &a, &why);
	rb = pfx_load_postconf(dir, &b, &cause);
	c->loads++;
	if (ra == 0) {
		const char *x[] = { a.confdir, a.mail_version,
		    a.default_database_type, a.digest, a.compatibility_level,
		    a.maximal_queue_lifetime, a.parent_matches,
		    a.relay_domains, a.relay_recipient_maps, a.transport_maps,
		    a.smtp_tls_policy_maps, a.mydestination,
		    a.virtual_alias_domains, a.virtual_mailbox_domains };
		const char *y[] = { b.confdir, b.mail_version,
		    b.default_database_type, b.digest, b.compatibility_level,
		    b.maximal_queue_lifetime, b.parent_matches,
		    b.relay_domains, b.relay_recipient_maps, b.transport_maps,
		    b.smtp_tls_policy_maps, b.mydestination,
		    b.virtual_alias_domains, b.virtual_mailbox_domains };

		if (rb != 0)
			fail_msg("%s: pfx_load_expand answered, postconf "
			    "fails: %s", label, cause);
		for (i = 0; i < sizeof x / sizeof x[0]; i++)
			if (x[i] == NULL || y[i] == NULL ||
			    strcmp(x[i], y[i]) != 0)
				fail_msg("%s: field %zu: \"%s\" vs \"%s\"",
				    label, i, x[i], y[i]);
		c->fast++;
		pfx_config_free(&a);
	} else {
		buf_printf(&c->why, "\n#   %s: %s", label, why);
		free(why);
	}
	if (rb == 0)
		pfx_config_free(&b);
	else
		free(cause);
}

/* One corpus variant: pfx_load both ways, and a wide list of names. */
static void
corpus_variant(const char *label, const char *dir, struct counts *c)
{
	static const char *const extra[] = {
		"relay_domains", "mydestination", "mynetworks", "myhostname",
		"mydomain", "smtp_tls_fingerprint_digest", "myorigin",
		"virtual_alias_domains", "smtputf8_enable",
		"smtpd_relay_restrictions",
	};
	struct buf	 fell;
	char		**names;
	size_t		 n, i;

	compare_load(label, dir, c);
	names = nondefault_names(dir, &n);
	for (i = 0; i < sizeof extra / sizeof extra[0]; i++) {
		names = xreallocarray(names, n + 2, sizeof *names);
		names[n++] = xstrdup(extra[i]);
		names[n] = NULL;
	}
	buf_init(&fell);
	c->names += n;
	c->answered += compare_each(label, dir, names, n, &fell);
	if (fell.len > 0 && fell.len < 400) {
		buf_add(&fell, "", 0);
		buf_printf(&c->why, "\n#   %s, names:%s", label, fell.data);
	}
	buf_free(&fell);
	strv_free(names);
}

/* text with every line that starts with "name" commented out (name may
   be NULL: none). */
static char *
comment_out(const char *text, size_t len, const char *name)
{
	struct buf	 b;
	const char	*p = text, *end = text + len, *nl;
	size_t		 n = name != NULL ? strlen(name) : 0;

	buf_init(&b);
	for (; p < end; p = nl) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		else
			nl++;
		if (n > 0 && (size_t)(nl - p) > n &&
		    strncmp(p, name, n) == 0 &&
		    strchr(" \t=", p[n]) != NULL)
			buf_addch(&b, '#');
		buf_add(&b, p, (size_t)(nl - p));
	}
	buf_add(&b, "", 0);
	return buf_detach(&b, NULL);
}

/*
 * Each corpus main.cf with Debian's master.cf: as it is, without
 * compatibility_level, with compatibility_level 0, 2 and 3.6, and (every
 * fourth file) with another myhostname.
 */
static void
test_corpus(void **state)
{
	static const char *const levels[] = { "0", "2", "3.6" };
	struct counts	 c;
	struct buf	 in, out;
	struct maincf	*cf;
	char		**files, *dir, *label, *cause, *text;
	const char	*base;
	size_t		 nf, i, j;

	(void)state;
	if (!have_postconf())
		skip();
	memset(&c, 0, sizeof c);
	buf_init(&c.why);
	files = corpus_files("main.cf", &nf);
	assert_true(nf >= 12);
	for (i = 0; i < nf; i++) {
		corpus_read(files[i], &in);
		base = strrchr(files[i], '/') + 1;
		dir = scratch_new();
		write_master(dir, DEBIAN_MASTER);
		for (j = 0; j < 6; j++) {
			if (j == 5 && i % 4 != 0)
				continue;
			text = comment_out(in.data, in.len, j == 1 ?
			    "compatibility_level" : NULL);
			cf = maincf_parse(text, strlen(text));
			free(text);
			if (j >= 2 && j <= 4 && maincf_set(cf,
			    "compatibility_level", levels[j - 2], &cause) != 0)
				fail_msg("%s", cause);
			if (j == 5 && maincf_set(cf, "myhostname",
			    "mx.backup.example", &cause) != 0)
				fail_msg("%s", cause);
			buf_init(&out);
			maincf_write(cf, &out);
			buf_add(&out, "", 0);
			scratch_write(dir, "main.cf", out.data, out.len);
			if (j == 0)
				label = xstrdup(base);
			else if (j == 1)
				label = xasprintf("%s, no level", base);
			else if (j <= 4)
				label = xasprintf("%s, level %s", base,
				    levels[j - 2]);
			else
				label = xasprintf("%s, myhostname", base);
			corpus_variant(label, dir, &c);
			free(label);
			buf_free(&out);
			maincf_free(cf);
		}
		scratch_free(dir);
		buf_free(&in);
	}
	buf_add(&c.why, "", 0);
	/* 57 of 63 with Postfix 3.7.11: mostly inet_interfaces = localhost. */
	assert_true(c.fast * 4 >= c.loads * 3);
	printf("# corpus: pfx_load_expand answered %zu of %zu loads, "
	    "pfx_expand %zu of %zu names; gave up on:%s\n", c.fast, c.loads,
	    c.answered, c.names, c.why.data);
	buf_free(&c.why);
	strv_free(files);
}

/*
 * The benchmark's main.cf (tests/bench/run.sh, case 4): 100,000 lines.
 * It must take the fast path.
 */
static void
test_big(void **state)
{
	struct pfx_config	 a, b;
	struct buf		 m;
	char			*dir, *why, *cause, *deb;
	size_t			 i;
	int			 found;

	(void)state;
	if (!have_postconf())
		skip();
	dir = scratch_new();
	buf_init(&m);
	deb = read_file("/usr/share/postfix", "main.cf.debian", &found);
	buf_addstr(&m, deb);
	free(deb);
	buf_addstr(&m, "\n"
	    "smtpd_tls_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem\n"
	    "smtpd_tls_key_file=/etc/ssl/private/ssl-cert-snakeoil.key\n"
	    "smtpd_tls_security_level=may\n"
	    "smtp_tls_CApath=/etc/ssl/certs\n"
	    "smtp_tls_security_level=may\n"
	    "myhostname = backup.example\n"
	    "alias_maps = hash:/etc/aliases\n"
	    "alias_database = hash:/etc/aliases\n"
	    "mydestination = $myhostname, backup.example, "
	    "localhost.localdomain, localhost\n"
	    "relayhost =\n"
	    "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128\n"
	    "inet_interfaces = all\n");
	for (i = 0; 4 * i < 100000; i++) {
		buf_printf(&m, "# setting %zu: what it is for\n"
		    "mxbench_param_%zu = value-%zu,\n"
		    "    $myhostname, continued-%zu\n", i, i, i, i);
		buf_addstr(&m, i % 2 ? "\n" : "#\tindented comment\n");
	}
	scratch_write(dir, "main.cf", m.data, m.len);
	write_master(dir, DEBIAN_MASTER);
	if (pfx_load_expand(dir, &a, &why) != 0)
		fail_msg("large main.cf: gave up: %s", why);
	assert_int_equal(pfx_load_postconf(dir, &b, &cause), 0);
	assert_string_equal(a.relay_domains, b.relay_domains);
	assert_string_equal(a.mydestination, b.mydestination);
	assert_string_equal(a.digest, b.digest);
	assert_string_equal(a.compatibility_level, b.compatibility_level);
	assert_string_equal(a.virtual_alias_domains, b.virtual_alias_domains);
	pfx_config_free(&a);
	pfx_config_free(&b);
	buf_free(&m);
	scratch_free(dir);
}

/* pfx_load keeps its contract: postconf's error when main.cf is bad. */
static void
test_load_errors(void **state)
{
	struct pfx_config	 pc;
	char			*dir, *cause, *why;

	(void)state;
	if (!have_postconf())
		skip();
	dir = scratch_new();
	scratch_write(dir, "main.cf", "relay_domains = $\n", 18);
	write_master(dir, NULL);
	assert_int_equal(pfx_load_expand(dir, &pc, &why), 1);
	free(why);
	assert_int_equal(pfx_load(dir, &pc, &cause), -1);
	assert_non_null(strstr(cause, "failed (exit 1)"));
	free(cause);
	scratch_write(dir, "main.cf", "relay_domains = a\n", 18);
	assert_int_equal(pfx_load(dir, &pc, &cause), 0);
	assert_string_equal(pc.relay_domains, "a");
	assert_string_equal(pc.confdir, dir);
	pfx_config_free(&pc);
	scratch_free(dir);

	/* No main.cf: postconf's own message. */
	assert_int_equal(pfx_load("/nonexistent/mxpin", &pc, &cause), -1);
	assert_non_null(cause);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constructs),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_all_defaults),
		cmocka_unit_test(test_all_set),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_big),
		cmocka_unit_test(test_load_errors),
	};

	return cmocka_run_group_tests_name("pfxexpand", tests, NULL, NULL);
}
