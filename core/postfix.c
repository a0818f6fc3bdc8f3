/*
 * postfix.c: the Postfix tools as mxpin uses them.  Every call names the
 * config directory; every program runs by absolute path with an argv.
 */
#include "postfix.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maincf.h"
#include "pfxexpand.h"
#include "run.h"
#include "strlist.h"
#include "util.h"

/* Trims a trailing newline run and returns the first line of s. */
static char *
first_line(const char *s)
{
	return xstrndup(s, strcspn(s, "\n"));
}

/* "postmap: warning: ..." lines of stderr, joined by "; ", or NULL. */
static char *
collect_lines(const char *err, const char *needle)
{
	struct buf	 b;
	const char	*p, *nl;
	size_t		 n = 0;

	buf_init(&b);
	for (p = err; *p != '\0'; p = *nl == '\0' ? nl : nl + 1) {
		nl = p + strcspn(p, "\n");
		if (memmem(p, (size_t)(nl - p), needle, strlen(needle)) == NULL)
			continue;
		if (n++ < 5) {
			if (b.len > 0)
				buf_addstr(&b, "; ");
			buf_add(&b, p, (size_t)(nl - p));
		}
	}
	if (n == 0) {
		buf_free(&b);
		return NULL;
	}
	if (n > 5)
		buf_printf(&b, " (and %zu more)", n - 5);
	return buf_detach(&b, NULL);
}

char *
pfx_default_confdir(void)
{
	const char		*argv[] = { PFX_POSTCONF, "-xh",
				    "config_directory", NULL };
	struct run_result	 r;
	char			*cause = NULL, *dir = NULL;

	if (run_argv(argv, NULL, 0, &r, &cause) == 0 && r.status == 0 &&
	    r.out.data[0] == '/')
		dir = first_line(r.out.data);
	free(cause);
	run_result_free(&r);
	return dir != NULL ? dir : xstrdup("/etc/postfix");
}

/* What pfx_load() reads, in the order of the fields of struct pfx_config. */
static const char *const load_names[] = {
	"mail_version", "default_database_type",
	"smtp_tls_fingerprint_digest", "compatibility_level",
	"maximal_queue_lifetime", "parent_domain_matches_subdomains",
	"relay_domains", "relay_recipient_maps", "transport_maps",
	"smtp_tls_policy_maps", "mydestination",
	"virtual_alias_domains", "virtual_mailbox_domains",
};
#define NLOAD	(sizeof load_names / sizeof load_names[0])

static char **
load_slot(struct pfx_config *pc, size_t i)
{
	char	**slot[] = {
		&pc->mail_version, &pc->default_database_type, &pc->digest,
		&pc->compatibility_level, &pc->maximal_queue_lifetime,
		&pc->parent_matches, &pc->relay_domains,
		&pc->relay_recipient_maps, &pc->transport_maps,
		&pc->smtp_tls_policy_maps, &pc->mydestination,
		&pc->virtual_alias_domains, &pc->virtual_mailbox_domains,
	};

	return slot[i];
}

/*
 * postconf -xh parses and checks all of main.cf and warns about every
 * unused parameter: some 40 ms on a main.cf of 100,000 lines, against 5 ms
 * for postconf -d, which does not read main.cf.  So we read main.cf
 * ourselves, take the defaults from postconf -d and expand as postconf
 * would (pfxexpand.c); whenever that is not certain to give postconf's
 * answer, postconf itself answers.
 */
int
pfx_load(const char *confdir, struct pfx_config *pc, char **cause)
{
	char	*why;

	*cause = NULL;
	if (pfx_load_expand(confdir, pc, &why) == 0)
		return 0;
	free(why);
	return pfx_load_postconf(confdir, pc, cause);
}

int
pfx_load_expand(const char *confdir, struct pfx_config *pc, char **why)
{
	const char		*argv[] = { PFX_POSTCONF, "-c", confdir, "-d",
				    NULL };
	struct run_result	 r;
	struct run_handle	 h;
	struct pfx_source	 src;
	struct buf		 mainb, masterb;
	struct maincf		*cf = NULL;
	char			*path = NULL, *cause = NULL, *values[NLOAD];
	size_t			 i;
	int			 ret = 1, have_master = 1, saved, running = 0;

	*why = NULL;
	memset(pc, 0, sizeof *pc);
	buf_init(&mainb);
	buf_init(&masterb);
	/* postconf -d starts while main.cf is read and parsed here. */
	if (run_start(argv, NULL, 0, &r, &h, &cause) == -1) {
		*why = cause;
		goto out;
	}
	running = 1;
	path = xasprintf("%s/main.cf", confdir);
	if (file_read(path, 64 * 1024 * 1024, &mainb, &cause) == -1) {
		*why = cause;
		goto out;
	}
	free(path);
	path = xasprintf("%s/master.cf", confdir);
	if (file_read(path, 64 * 1024 * 1024, &masterb, &cause) == -1) {
		/* postconf only warns when it cannot open master.cf. */
		saved = errno;
		if (saved != ENOENT && saved != EACCES) {
			*why = cause;
			goto out;
		}
		free(cause);
		have_master = 0;
	}
	cf = maincf_parse(mainb.data != NULL ? mainb.data : "", mainb.len);
	running = 0;
	if (run_finish(&h, &cause) == -1) {
		*why = cause;
		goto out;
	}
	if (r.status != 0) {
		*why = xasprintf("postconf -c %s -d failed (exit %d)", confdir,
		    r.status);
		goto out;
	}
	memset(&src, 0, sizeof src);
	src.confdir = confdir;
	src.maincf = mainb.data != NULL ? mainb.data : "";
	src.maincflen = mainb.len;
	src.cf = cf;
	if (have_master) {
		src.mastercf = masterb.data != NULL ? masterb.data : "";
		src.mastercflen = masterb.len;
	}
	src.defaults = r.out.data;
	src.deflen = r.out.len;
	if (pfx_expand(&src, load_names, NLOAD, values, why) != 0)
		goto out;
	pc->confdir = xstrdup(confdir);
	for (i = 0; i < NLOAD; i++)
		*load_slot(pc, i) = values[i];
	ascii_lower(pc->digest);
	pc->maincf = cf;	/* the plan edits these very bytes */
	cf = NULL;
	ret = 0;
out:
	if (running && run_finish(&h, &cause) == -1)
		free(cause);
	maincf_free(cf);
	free(path);
	buf_free(&mainb);
	buf_free(&masterb);
	run_result_free(&r);
	return ret;
}

int
pfx_load_postconf(const char *confdir, struct pfx_config *pc, char **cause)
{
	const char		*argv[4 + NLOAD + 1];
	struct run_result	 r;
	const char		*p;
	size_t			 i, n = 0, len;
	int			 ret = -1;

	*cause = NULL;
	memset(pc, 0, sizeof *pc);
	pc->confdir = xstrdup(confdir);
	argv[n++] = PFX_POSTCONF;
	argv[n++] = "-c";
	argv[n++] = confdir;
	argv[n++] = "-xh";
	for (i = 0; i < NLOAD; i++)
		argv[n++] = load_names[i];
	argv[n] = NULL;
	if (run_argv(argv, NULL, 0, &r, cause) == -1)
		goto out;
	if (r.status != 0) {
		char *why = first_line(r.err.len ? r.err.data : "no output");

		*cause = xasprintf("postconf -c %s failed (exit %d): %s",
		    confdir, r.status, why);
		free(why);
		goto out;
	}
	p = r.out.data;
	for (i = 0; i < NLOAD; i++) {
		if (*p == '\0') {
			*cause = xasprintf("postconf -c %s printed fewer values "
			    "than asked for (%s missing)", confdir,
			    load_names[i]);
			goto out;
		}
		len = strcspn(p, "\n");
		*load_slot(pc, i) = xstrndup(p, len);
		p += len + (p[len] == '\n');
	}
	ascii_lower(pc->digest);
	ret = 0;
out:
	run_result_free(&r);
	if (ret == -1)
		pfx_config_free(pc);
	return ret;
}

void
pfx_config_free(struct pfx_config *pc)
{
	free(pc->confdir);
	free(pc->mail_version);
	free(pc->default_database_type);
	free(pc->digest);
	free(pc->compatibility_level);
	free(pc->maximal_queue_lifetime);
	free(pc->parent_matches);
	free(pc->relay_domains);
	free(pc->relay_recipient_maps);
	free(pc->transport_maps);
	free(pc->smtp_tls_policy_maps);
	free(pc->mydestination);
	free(pc->virtual_alias_domains);
	free(pc->virtual_mailbox_domains);
	maincf_free(pc->maincf);
	memset(pc, 0, sizeof *pc);
}

void
pfx_config_drop_maincf(struct pfx_config *pc)
{
	maincf_free(pc->maincf);
	pc->maincf = NULL;
}

/* What job j's run says, as pfx_postmap/pfx_query/pfx_check_syntax. */
static void
job_result(const char *confdir, struct pfx_job *j, const char *spec,
    const struct run_result *r)
{
	char	*why = NULL;

	j->ret = -1;
	switch (j->kind) {
	case PFX_JOB_POSTMAP:
		if (r->status != 0) {
			why = collect_lines(r->err.data, "");
			j->cause = xasprintf("postmap %s failed (exit %d): %s",
			    spec, r->status, why != NULL ? why : "no message");
		} else if ((why = collect_lines(r->err.data, "warning:")) !=
		    NULL)
			j->cause = xasprintf("postmap %s reported a problem in "
			    "the table: %s", spec, why);
		else
			j->ret = 0;
		break;
	case PFX_JOB_QUERY:
		if (r->status == 0) {
			j->value = first_line(r->out.data);
			j->ret = 1;
		} else if (r->status == 1 && r->err.len == 0)
			j->ret = 0;
		else {
			why = first_line(r->err.len ? r->err.data :
			    "no message");
			j->cause = xasprintf("postmap -q %s %s failed (exit "
			    "%d): %s", j->key, spec, r->status, why);
		}
		break;
	case PFX_JOB_SYNTAX:
		if (r->status != 0) {
			why = first_line(r->err.len ? r->err.data :
			    "no message");
			j->cause = xasprintf("postconf -c %s -n reports an "
			    "error: %s", confdir, why);
		} else
			j->ret = 0;
		break;
	}
	free(why);
}

int
pfx_run_jobs(const char *confdir, struct pfx_job *jobs, size_t n)
{
	const char		*(*argv)[7];
	const char *const	**argvs;
	struct run_result	 *r;
	char			**spec, **causes;
	size_t			  i;
	int			  ret = 0;

	argv = xcalloc(n + 1, sizeof *argv);
	argvs = xcalloc(n + 1, sizeof *argvs);
	r = xcalloc(n + 1, sizeof *r);
	spec = xcalloc(n + 1, sizeof *spec);
	causes = xcalloc(n + 1, sizeof *causes);
	for (i = 0; i < n; i++) {
		struct pfx_job	*j = &jobs[i];
		const char	**v = argv[i];

		j->ret = -1;
		j->value = j->cause = NULL;
		v[0] = j->kind == PFX_JOB_SYNTAX ? PFX_POSTCONF : PFX_POSTMAP;
		v[1] = "-c";
		v[2] = confdir;
		if (j->kind == PFX_JOB_SYNTAX)
			v[3] = "-n";
		else {
			spec[i] = xasprintf("%s:%s", j->type, j->path);
			if (j->kind == PFX_JOB_QUERY) {
				v[3] = "-q";
				v[4] = j->key;
				v[5] = spec[i];
			} else
				v[3] = spec[i];
		}
		argvs[i] = argv[i];
	}
	run_many(argvs, n, r, causes);
	for (i = 0; i < n; i++) {
		if (causes[i] != NULL)
			jobs[i].cause = causes[i];
		else
			job_result(confdir, &jobs[i], spec[i], &r[i]);
		if (jobs[i].ret == -1)
			ret = -1;
		run_result_free(&r[i]);
		free(spec[i]);
	}
	free(argv);
	free(argvs);
	free(r);
	free(spec);
	free(causes);
	return ret;
}

void
pfx_jobs_free(struct pfx_job *j, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(j[i].cause);
		free(j[i].value);
		j[i].cause = j[i].value = NULL;
	}
}

int
pfx_query(const char *confdir, const char *type, const char *path,
    const char *key, char **value, char **cause)
{
	struct pfx_job	j = { .kind = PFX_JOB_QUERY, .type = type,
			    .path = path, .key = key };

	pfx_run_jobs(confdir, &j, 1);
	*value = j.value;
	*cause = j.cause;
	return j.ret;
}

int
pfx_running(const char *confdir)
{
	const char		*argv[] = { PFX_POSTFIX, "-c", confdir,
				    "status", NULL };
	struct run_result	 r;
	char			*cause = NULL;
	int			 running;

	running = run_argv(argv, NULL, 0, &r, &cause) == 0 && r.status == 0;
	free(cause);
	run_result_free(&r);
	return running;
}

int
pfx_reload(const char *confdir, char **cause)
{
	const char		*argv[] = { PFX_POSTFIX, "-c", confdir,
				    "reload", NULL };
	struct run_result	 r;
	int			 ret = -1;

	*cause = NULL;
	if (run_argv(argv, NULL, 0, &r, cause) == -1)
		goto out;
	if (r.status != 0) {
		char *why = first_line(r.err.len ? r.err.data :
		    "see the mail log");

		*cause = xasprintf("postfix -c %s reload failed (exit %d): %s",
		    confdir, r.status, why);
		free(why);
		goto out;
	}
	ret = 0;
out:
	run_result_free(&r);
	return ret;
}

const char *
pfx_db_suffix(const char *type)
{
	static const struct {
		const char	*type;
		const char	*suffix;
	} types[] = {
		{ "hash", ".db" },
		{ "btree", ".db" },
		{ "cdb", ".cdb" },
		{ "lmdb", ".lmdb" },
	};
	size_t	i;

	for (i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(type, types[i].type) == 0)
			return types[i].suffix;
	return NULL;
}

void
pfx_list_split(const char *v, struct strlist *out)
{
	const char	*p = v, *s;
	int		 depth;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\n' ||
		    *p == '\r')
			p++;
		if (*p == '\0')
			break;
		s = p;
		depth = 0;
		while (*p != '\0') {
			if (*p == '{')
				depth++;
			else if (*p == '}' && depth > 0)
				depth--;
			else if (depth == 0 && (*p == ' ' || *p == '\t' ||
			    *p == ',' || *p == '\n' || *p == '\r'))
				break;
			p++;
		}
		strlist_add(out, s, (size_t)(p - s), 0);
	}
}

int
pfx_list_has(const char *v, const char *item)
{
	struct strlist	l;
	int		found;

	strlist_init(&l);
	pfx_list_split(v != NULL ? v : "", &l);
	found = strlist_find(&l, item) != (size_t)-1;
	strlist_free(&l);
	return found;
}
