/*
 * apply.c: the transaction (see apply.h).
 *
 * Order: backup (copies of every file that will change, and a manifest),
 * stage (each new file written to a temp file beside it; each changed
 * table built by postmap from its staged source, so postmap never
 * rewrites a live database), journal, commit (renames: tables' databases,
 * then their sources, main.cf last, so main.cf never names a table that
 * is not there), verify (postconf -n, postmap -q of the exact next-hop),
 * state, reload.  A failure before the journal removes the temp files and
 * changes nothing; a failure after it restores every file from the backup.
 */
#include "apply.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "postfix.h"
#include "state.h"
#include "util.h"

#define MANIFEST	"MANIFEST"

static void
say(const struct apply_opts *o, const char *step, enum apply_state s,
    const char *detail)
{
	if (o != NULL && o->progress != NULL && o->progress->step != NULL)
		o->progress->step(o->progress->arg, step, s, detail);
}

/*
 * The pid holding a flock on fd's file, from /proc/locks.  0 when unknown.
 */
static long
lock_holder(int fd)
{
	struct stat	 st;
	FILE		*fp;
	char		*line = NULL;
	size_t		 cap = 0;
	long		 pid = 0, p;
	unsigned long	 maj, min, ino;
	char		 kind[16];

	if (fstat(fd, &st) == -1 || (fp = fopen("/proc/locks", "r")) == NULL)
		return 0;
	while (getline(&line, &cap, fp) != -1) {
		/* "1: FLOCK  ADVISORY  WRITE 1234 00:2a:5678 0 EOF" */
		if (sscanf(line, "%*[^:]: %15s %*s %*s %ld %lx:%lx:%lu", kind,
		    &p, &maj, &min, &ino) == 5 && strcmp(kind, "FLOCK") == 0 &&
		    ino == (unsigned long)st.st_ino) {
			pid = p;
			break;
		}
	}
	free(line);
	fclose(fp);
	return pid;
}

int
apply_lock(const char *confdir, int wait_ms, int *code, char **cause)
{
	char		*path = xstrdup(confdir);
	struct timespec	 ts = { 0, 50 * 1000 * 1000 };
	int		 fd, waited = 0;
	long		 pid;

	*cause = NULL;
	*code = EX_CANTCREAT;
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		*code = errno == EACCES || errno == EPERM || errno == EROFS ?
		    EX_NOPERM : EX_CANTCREAT;
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK || waited >= wait_ms) {
			pid = lock_holder(fd);
			*code = EX_TEMPFAIL;
			if (pid > 0)
				*cause = xasprintf("another mxpin (pid %ld) "
				    "holds %s; try again when it has finished",
				    pid, path);
			else
				*cause = xasprintf("another mxpin holds %s; try "
				    "again when it has finished", path);
			close(fd);
			free(path);
			return -1;
		}
		nanosleep(&ts, NULL);
		waited += 50;
	}
	free(path);
	return fd;
}

/* --- staging -------------------------------------------------------------- */

struct staged {
	const char	*path;		/* the live file */
	const char	*type;		/* map type, or NULL */
	char		*tmp;		/* staged source */
	char		*db_path;	/* live database (tables) */
	char		*db_tmp;	/* staged database (tables) */
};

static void
staged_discard(struct staged *s)
{
	if (s->tmp != NULL)
		unlink(s->tmp);
	if (s->db_tmp != NULL)
		unlink(s->db_tmp);
	free(s->tmp);
	free(s->db_tmp);
	free(s->db_path);
	s->tmp = s->db_tmp = s->db_path = NULL;
}

/* A staged file's contents: len bytes of data, or file i of plan p
   streamed (p != NULL). */
struct source {
	const char		*data;
	size_t			 len;
	const struct plan	*p;
	enum plan_slot		 i;
};

/* Writes through a buffer the kernel takes in large pieces. */
static int
fd_out(void *arg, const char *data, size_t len)
{
	return atomic_write_all(*(int *)arg, data, len);
}

static int
write_source(void *arg, int fd)
{
	const struct source	*src = arg;

	if (src->p == NULL)
		return atomic_write_all(fd, src->data, src->len);
	return plan_emit(src->p, src->i, fd_out, &fd);
}

/*
 * Writes the source beside path; for a table, names the database postmap
 * will build beside it (stage_build).
 */
static int
stage_write(struct staged *s, const char *path, const char *type,
    const struct source *src, int *code, char **cause)
{
	const char	*suffix;

	memset(s, 0, sizeof *s);
	s->path = path;
	s->type = type;
	if (atomic_stage_fn(path, write_source, (void *)src, 0644, &s->tmp,
	    cause) == -1) {
		*code = EX_CANTCREAT;
		return -1;
	}
	if (type == NULL)
		return 0;
	suffix = pfx_db_suffix(type);
	s->db_path = xasprintf("%s%s", path, suffix);
	s->db_tmp = xasprintf("%s%s", s->tmp, suffix);
	/* postmap drops root for the source's owner, who may not write this
	   directory: build from a root-owned source, then give the owner
	   back. */
	if (geteuid() == 0 && chown(s->tmp, 0, 0) == -1) {
		*cause = xasprintf("%s: chown: %s", s->tmp, strerror(errno));
		*code = EX_CANTCREAT;
		return -1;
	}
	return 0;
}

/*
 * After postmap built the staged table s (job j, its run's result): the
 * live files' owners and modes.
 */
static int
stage_built(struct staged *s, struct pfx_job *j, int *code, char **cause)
{
	if (j->ret == -1) {
		/* Name the live file, not our temp name, in the message. */
		*cause = xasprintf("%s: %s", s->path, j->cause);
		*code = EX_CONFIG;
		return -1;
	}
	if (access(s->path, F_OK) == 0 &&
	    copy_owner_mode(s->path, s->tmp, cause) == -1) {
		*code = EX_CANTCREAT;
		return -1;
	}
	if (access(s->db_path, F_OK) == 0 &&
	    copy_owner_mode(s->db_path, s->db_tmp, cause) == -1) {
		*code = EX_CANTCREAT;
		return -1;
	}
	return 0;
}

/* Writes the source beside path and, for a table, builds its database. */
static int
stage_source(const char *confdir, struct staged *s, const char *path,
    const char *type, const struct source *src, int *code, char **cause)
{
	struct pfx_job	j = { .kind = PFX_JOB_POSTMAP, .type = type };
	int		ret;

	if (stage_write(s, path, type, src, code, cause) == -1)
		return -1;
	if (type == NULL)
		return 0;
	j.path = s->tmp;
	pfx_run_jobs(confdir, &j, 1);
	ret = stage_built(s, &j, code, cause);
	pfx_jobs_free(&j, 1);
	return ret;
}

/* stage_source() of len bytes of data. */
static int
stage(const char *confdir, struct staged *s, const char *path,
    const char *type, const char *data, size_t len, int *code, char **cause)
{
	struct source	src = { data, len, NULL, PLAN_MAINCF };

	return stage_source(confdir, s, path, type, &src, code, cause);
}

static int
commit(struct staged *s, char **cause)
{
	if (s->db_tmp != NULL) {
		if (atomic_commit(s->db_tmp, s->db_path, cause) == -1)
			return -1;
		free(s->db_tmp);
		s->db_tmp = NULL;
	}
	if (atomic_commit(s->tmp, s->path, cause) == -1)
		return -1;
	free(s->tmp);
	s->tmp = NULL;
	return 0;
}

/* --- backups ---------------------------------------------------------------- */

/*
 * The first suffix N free for a new backup of this second: one more than
 * any in use, so that a name freed by pruning is never taken again and the
 * newest backup always sorts first (STAMP, STAMP-1, ... STAMP-10).
 */
static int
next_suffix(const char *top, const char *stamp)
{
	DIR		*dir;
	struct dirent	*de;
	size_t		 sl = strlen(stamp);
	int		 next = 0, k;

	if ((dir = opendir(top)) == NULL)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, stamp, sl) != 0)
			continue;
		if (de->d_name[sl] == '\0')
			k = 1;
		else if (de->d_name[sl] == '-')
			k = atoi(de->d_name + sl + 1) + 1;
		else
			continue;
		if (k > next)
			next = k;
	}
	closedir(dir);
	return next;
}

/* Makes DIR/mxpin.bak/YYYYMMDD-HHMMSS[-N]/ (mode 0700). */
static char *
make_backup_dir(const char *confdir, char **cause)
{
	char		*top = xasprintf("%s/%s", confdir, APPLY_BACKUPS), *d;
	char		 stamp[32];
	time_t		 now = time(NULL);
	struct tm	 tm;
	int		 i, first;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	if (mkdir(top, 0700) == -1 && errno != EEXIST) {
		*cause = xasprintf("%s: %s", top, strerror(errno));
		free(top);
		return NULL;
	}
	first = next_suffix(top, stamp);
	for (i = first; i < first + 100; i++) {
		d = i == 0 ? xasprintf("%s/%s", top, stamp) :
		    xasprintf("%s/%s-%d", top, stamp, i);
		if (mkdir(d, 0700) == 0) {
			free(top);
			return d;
		}
		if (errno != EEXIST) {
			*cause = xasprintf("%s: %s", d, strerror(errno));
			free(d);
			free(top);
			return NULL;
		}
		free(d);
	}
	*cause = xasprintf("%s: too many backups this second", top);
	free(top);
	return NULL;
}

/* Copies the file's bytes (not its owner) into the backup dir. */
static int
backup_file(const char *bdir, const char *name, const struct buf *data,
    char **cause)
{
	char	*dst = xasprintf("%s/%s", bdir, name);
	int	 ret;

	ret = atomic_write(dst, data->data, data->len, 0600, cause);
	free(dst);
	return ret;
}

/* The manifest: one line per file, "existed<TAB>type<TAB>name<TAB>path". */
static int
write_manifest(const char *bdir, const struct plan *p,
    int state_existed, char **cause)
{
	struct buf	 m;
	char		*path;
	size_t		 i;
	int		 ret;

	buf_init(&m);
	for (i = 0; i < PLAN_NFILES; i++) {
		const struct plan_file *f = &p->files[i];

		if (!f->changed)
			continue;
		buf_printf(&m, "%d\t%s\t%s\t%s\n", f->exists,
		    f->type != NULL ? f->type : "-", f->label, f->path);
	}
	buf_printf(&m, "%d\t-\t%s\t%s/%s\n", state_existed, STATE_FILE,
	    p->confdir, STATE_FILE);
	path = xasprintf("%s/%s", bdir, MANIFEST);
	ret = atomic_write(path, m.data, m.len, 0600, cause);
	free(path);
	buf_free(&m);
	return ret;
}

/*
 * Restores every file named in bdir's manifest: the old bytes back (a
 * table's database rebuilt the same staged way), files that did not exist
 * removed.  Tries every file; returns 0 or -1 with *cause (the first
 * error).
 */
static int
restore_backup(const char *confdir, const char *bdir, char **cause)
{
	struct buf	 m, data;
	char		*mpath = xasprintf("%s/%s", bdir, MANIFEST), *c = NULL;
	char		*line, *save = NULL, *f[4], *src, *dbp;
	const char	*suffix;
	struct staged	 s;
	int		 ret = 0, code, i;

	*cause = NULL;
	buf_init(&m);
	if (file_read(mpath, 1 << 20, &m, cause) == -1) {
		free(mpath);
		buf_free(&m);
		return -1;
	}
	free(mpath);
	for (line = strtok_r(m.data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < 4; i++) {
			f[i] = line;
			line += strcspn(line, "\t");
			if (*line == '\t')
				*line++ = '\0';
		}
		if (f[0][0] == '0') {
			/* Created by the apply: remove it (and its db). */
			unlink(f[3]);
			if ((suffix = pfx_db_suffix(f[1])) != NULL) {
				dbp = xasprintf("%s%s", f[3], suffix);
				unlink(dbp);
				free(dbp);
			}
			continue;
		}
		src = xasprintf("%s/%s", bdir, f[2]);
		memset(&s, 0, sizeof s);
		buf_init(&data);
		if (file_read(src, (size_t)1 << 32, &data, &c) == 0 &&
		    stage(confdir, &s, f[3], strcmp(f[1], "-") == 0 ? NULL :
		    f[1], data.data, data.len, &code, &c) == 0) {
			(void)commit(&s, &c);
		}
		staged_discard(&s);
		if (c != NULL) {
			if (*cause == NULL)
				*cause = c;
			else
				free(c);
			c = NULL;
			ret = -1;
		}
		buf_free(&data);
		free(src);
	}
	buf_free(&m);
	return ret;
}

/* Removes a backup dir an apply made but never needed. */
static void
remove_backup_dir(const char *bdir)
{
	char		*path;
	DIR		*d;
	struct dirent	*de;

	if ((d = opendir(bdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
			    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
				continue;
			path = xasprintf("%s/%s", bdir, de->d_name);
			unlink(path);
			free(path);
		}
		closedir(d);
	}
	rmdir(bdir);
	/* And mxpin.bak itself when this was its only backup. */
	path = xstrdup(bdir);
	if (strrchr(path, '/') != NULL) {
		*strrchr(path, '/') = '\0';
		rmdir(path);
	}
	free(path);
}

static void	prune_backups(const char *);

/* Removes backup dirs without a MANIFEST: left by a crash before the
   journal existed.  Only under the lock, with no journal. */
static void
remove_unfinished_backups(const char *confdir)
{
	char		*top = xasprintf("%s/%s", confdir, APPLY_BACKUPS), *d, *m;
	DIR		*dir;
	struct dirent	*de;

	if ((dir = opendir(top)) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (de->d_name[0] < '0' || de->d_name[0] > '9')
				continue;
			d = xasprintf("%s/%s", top, de->d_name);
			m = xasprintf("%s/%s", d, MANIFEST);
			if (access(m, F_OK) == -1 && errno == ENOENT)
				remove_backup_dir(d);
			free(m);
			free(d);
		}
		closedir(dir);
	}
	free(top);
}

/* --- journal ---------------------------------------------------------------- */

/*
 * The journal is written before anything else: the backup dir and every
 * file the apply may replace.  Whatever point a crash stops the apply at,
 * the next run sweeps the temp files beside those targets and, when the
 * backup is complete (its MANIFEST exists), restores every file from it.
 */
static int
write_journal(const char *confdir, const char *bdir, const struct plan *p,
    const char *state_path, char **cause)
{
	struct buf	 j;
	char		*path = xasprintf("%s/%s", confdir, APPLY_JOURNAL);
	size_t		 i;
	int		 ret;

	buf_init(&j);
	buf_printf(&j, "backup\t%s\n", bdir);
	for (i = 0; i < PLAN_NFILES; i++)
		if (p->files[i].changed)
			buf_printf(&j, "target\t%s\n", p->files[i].path);
	buf_printf(&j, "target\t%s\n", state_path);
	ret = atomic_write(path, j.data, j.len, 0600, cause);
	buf_free(&j);
	free(path);
	return ret;
}

/* Removes the temp files an apply may have left beside target. */
static void
sweep_temps(const char *target)
{
	char		*c = NULL, *real, *dir, *base, *prefix, *path;
	const char	*slash;
	DIR		*d;
	struct dirent	*de;

	if ((real = atomic_target(target, &c)) == NULL) {
		free(c);
		return;
	}
	slash = strrchr(real, '/');
	dir = slash == NULL ? xstrdup(".") : xstrndup(real,
	    slash == real ? 1 : (size_t)(slash - real));
	base = xstrdup(slash == NULL ? real : slash + 1);
	prefix = xasprintf(".%s%s", base, ATOMIC_TMP_TAG);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
				continue;
			path = xasprintf("%s/%s", dir, de->d_name);
			unlink(path);
			free(path);
		}
		closedir(d);
	}
	free(prefix);
	free(base);
	free(dir);
	free(real);
}

static void
remove_journal(const char *confdir)
{
	char	*path = xasprintf("%s/%s", confdir, APPLY_JOURNAL), *c = NULL;

	unlink(path);
	if (fsync_dir_of(path, &c) == -1)
		free(c);
	free(path);
}

int
apply_recover(const char *confdir, char **what, char **cause)
{
	struct buf	 j;
	char		*path = xasprintf("%s/%s", confdir, APPLY_JOURNAL);
	char		*line, *save = NULL, *bdir = NULL, *manifest = NULL;
	int		 ret = -1;

	*what = NULL;
	*cause = NULL;
	buf_init(&j);
	/* A crash while the journal itself was being written leaves only
	   its temp file (and an empty backup dir): nothing was changed. */
	sweep_temps(path);
	if (file_read(path, 1 << 20, &j, cause) == -1) {
		if (errno == ENOENT) {
			free(*cause);
			*cause = NULL;
			remove_unfinished_backups(confdir);
			ret = 0;
		}
		goto out;
	}
	for (line = strtok_r(j.data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "backup\t", 7) == 0)
			bdir = line + 7;
		else if (strncmp(line, "target\t", 7) == 0)
			sweep_temps(line + 7);
	}
	if (bdir == NULL) {
		*cause = xasprintf("%s names no backup; check the files by "
		    "hand and remove it", path);
		goto out;
	}
	manifest = xasprintf("%s/%s", bdir, MANIFEST);
	if (access(manifest, F_OK) == -1) {
		/* Stopped while backing up: nothing was replaced yet. */
		remove_backup_dir(bdir);
		remove_journal(confdir);
		*what = xstrdup("an interrupted apply was found; it had "
		    "changed nothing yet, and its temporary files were removed");
		ret = 1;
		goto out;
	}
	if (restore_backup(confdir, bdir, cause) == -1)
		goto out;
	remove_journal(confdir);
	*what = xasprintf("an interrupted apply was rolled back: every file "
	    "is as it was before it (from %s)", bdir);
	ret = 1;
out:
	free(manifest);
	buf_free(&j);
	free(path);
	return ret;
}

/* --- the transaction -------------------------------------------------------- */

/*
 * Checks with Postfix's own tools that main.cf parses and the tables say
 * what the plan meant: postconf -n and one postmap -q per table, run side
 * by side, judged in that order.
 */
static int
verify(const struct plan *p, char **cause)
{
	const struct plan_file	*pol = &p->files[PLAN_POLICY];
	const struct plan_file	*tr = &p->files[PLAN_TRANSPORT];
	const struct plan_file	*rc = &p->files[PLAN_RECIPIENTS];
	struct pfx_job		 j[4];
	struct strlist		 got;
	size_t			 i, nj = 3;
	int			 ret = -1;

	strlist_init(&got);
	memset(j, 0, sizeof j);
	j[0].kind = PFX_JOB_SYNTAX;
	j[1].kind = j[2].kind = j[3].kind = PFX_JOB_QUERY;
	j[1].type = tr->type;
	j[1].path = tr->path;
	j[1].key = p->domain;
	j[2].type = pol->type;
	j[2].path = pol->path;
	j[2].key = p->nexthop;
	if (p->recipients.n > 0) {
		j[3].type = rc->type;
		j[3].path = rc->path;
		j[3].key = strlist_get(&p->recipients, 0);
		nj = 4;
	}
	pfx_run_jobs(p->confdir, j, nj);
	for (i = 0; i < nj; i++) {
		if (j[i].ret == -1) {
			*cause = j[i].cause;
			j[i].cause = NULL;
			goto out;
		}
	}
	if (j[1].ret == 0 || ascii_casecmp(j[1].value, p->transport) != 0) {
		*cause = xasprintf("verify: postmap -q %s %s:%s gives %s, not "
		    "%s", p->domain, tr->type, tr->path, j[1].ret == 0 ?
		    "nothing" : j[1].value, p->transport);
		goto out;
	}
	if (j[2].ret == 0 || !plan_parse_policy(j[2].value, &got) ||
	    got.n != p->pins.n) {
		*cause = xasprintf("verify: postmap -q '%s' %s:%s does not "
		    "find the fingerprint policy (got %s); mail would go to an "
		    "unverified server", p->nexthop, pol->type, pol->path,
		    j[2].ret == 0 ? "nothing" : j[2].value);
		goto out;
	}
	for (i = 0; i < p->pins.n; i++) {
		if (strlist_find(&got, strlist_get(&p->pins, i)) ==
		    (size_t)-1) {
			*cause = xasprintf("verify: the policy for '%s' lacks "
			    "the pin %s", p->nexthop, strlist_get(&p->pins, i));
			goto out;
		}
	}
	if (nj == 4 && j[3].ret == 0) {
		*cause = xasprintf("verify: postmap -q %s %s:%s finds nothing",
		    j[3].key, rc->type, rc->path);
		goto out;
	}
	ret = 0;
out:
	pfx_jobs_free(j, nj);
	strlist_free(&got);
	return ret;
}

/*
 * update_state's rcpt_stamp: the recipients table's identity once
 * committed; NULL when the plan left it unread (the state keeps what it
 * had) or when its key is unknown (the state forgets it).
 */
static void
update_state(struct state *st, const struct plan *p, const struct answers *a,
    const char *bdir, const char *rcpt_stamp)
{
	struct state_domain	*d = state_get(st, p->domain);
	char			 stamp[32];
	time_t			 now = time(NULL);
	struct tm		 tm;
	size_t			 i;

	free(d->relay_host);
	d->relay_host = xstrdup(p->host);
	d->port = p->port;
	free(d->nexthop);
	d->nexthop = xstrdup(p->nexthop);
	free(d->digest);
	d->digest = xstrdup(p->digest);
	d->pin = p->pin;
	free(d->certificate);
	d->certificate = a->certificate != NULL ? xstrdup(a->certificate) :
	    NULL;
	strlist_free(&d->pins);
	for (i = 0; i < p->pins.n; i++)
		strlist_add(&d->pins, strlist_get(&p->pins, i),
		    strlen(strlist_get(&p->pins, i)), 0);
	free(d->recipients_table);
	d->recipients_table = xasprintf("%s:%s",
	    p->files[PLAN_RECIPIENTS].type, p->files[PLAN_RECIPIENTS].path);
	free(d->transport_table);
	d->transport_table = xasprintf("%s:%s",
	    p->files[PLAN_TRANSPORT].type, p->files[PLAN_TRANSPORT].path);
	free(d->policy_table);
	d->policy_table = xasprintf("%s:%s", p->files[PLAN_POLICY].type,
	    p->files[PLAN_POLICY].path);
	d->nrecipients = p->nrecipients;
	if (!p->rcpt_kept) {
		free(d->recipients_key);
		free(d->recipients_stamp);
		d->recipients_key = d->recipients_stamp = NULL;
		if (p->rcpt_key != NULL && rcpt_stamp != NULL) {
			d->recipients_key = xstrdup(p->rcpt_key);
			d->recipients_stamp = xstrdup(rcpt_stamp);
		}
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	free(d->applied);
	d->applied = xstrdup(stamp);
	free(d->backup);
	d->backup = xstrdup(bdir);
}

static void
log_change(const struct plan *p, const char *bdir)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < p->pins.n; i++)
		buf_printf(&b, "%s%s", i > 0 ? "|" : "", strlist_get(&p->pins, i));
	openlog("mxpin", LOG_PID, LOG_MAIL);
	syslog(LOG_INFO, "applied: domain=%s nexthop=%s digest=%s pins=%s "
	    "files=%zu backup=%s", p->domain, p->nexthop, p->digest, b.data,
	    plan_nchanged(p), bdir);
	closelog();
	buf_free(&b);
}

int
apply_plan(const struct plan *p, const struct answers *a,
    const struct apply_opts *o, struct apply_result *r, char **cause)
{
	struct staged	 st[PLAN_NFILES + 1];
	struct state	 state;
	struct buf	 sbuf, sold;
	char		*bdir = NULL, *spath, *c = NULL;
	struct pfx_job	 jobs[PLAN_NFILES];
	char		*rcpt_stamp = NULL;
	size_t		 i, k, n = 0, ncommitted = 0, first, tfirst, nj = 0;
	size_t		 slot[PLAN_NFILES];
	int		 code = EX_CANTCREAT, state_existed = 0, journaled = 0;
	int		 have_state = 0;

	*cause = NULL;
	memset(r, 0, sizeof *r);
	memset(st, 0, sizeof st);
	memset(jobs, 0, sizeof jobs);
	buf_init(&sbuf);
	buf_init(&sold);
	spath = xasprintf("%s/%s", p->confdir, STATE_FILE);

	if (state_load(p->confdir, &state, cause) == -1) {
		code = EX_DATAERR;
		goto fail;
	}
	have_state = 1;
	if (file_read(spath, 1 << 24, &sold, &c) == 0)
		state_existed = 1;
	free(c);
	c = NULL;

	/* Backup. */
	say(o, "backup", APPLY_START, NULL);
	if ((bdir = make_backup_dir(p->confdir, cause)) == NULL)
		goto fail;
	if (write_journal(p->confdir, bdir, p, spath, cause) == -1)
		goto fail;
	for (i = 0; i < PLAN_NFILES; i++) {
		if (p->files[i].changed && p->files[i].exists &&
		    backup_file(bdir, p->files[i].label, &p->files[i].old,
		    cause) == -1)
			goto fail;
	}
	if (state_existed && backup_file(bdir, STATE_FILE, &sold, cause) == -1)
		goto fail;
	if (write_manifest(bdir, p, state_existed, cause) == -1)
		goto fail;
	say(o, "backup", APPLY_OK, bdir);

	/*
	 * Stage: main.cf first, then the tables, then the state; commit
	 * order is the tables, main.cf, the state.  Postfix programs that
	 * read a main.cf modified within the last second or two pause until
	 * it has "cooled down" (dict_load_file_xt); staging main.cf before
	 * the postmap runs lets that time pass while the tables are built,
	 * not later in verify.
	 */
	say(o, "write", APPLY_START, NULL);
	if (p->files[PLAN_MAINCF].changed) {
		if (stage(p->confdir, &st[n], p->files[PLAN_MAINCF].path, NULL,
		    p->files[PLAN_MAINCF].new.data,
		    p->files[PLAN_MAINCF].new.len, &code, cause) == -1) {
			n++;
			goto fail;
		}
		n++;
	}
	/* Every changed table's source, then their databases side by side:
	   the small tables are built while the big one is. */
	tfirst = n;
	for (i = PLAN_RECIPIENTS; i < PLAN_NFILES; i++) {
		const struct plan_file	*f = &p->files[i];
		struct source		 src = { NULL, 0, p, i };

		if (!f->changed)
			continue;
		say(o, "postmap", APPLY_START, f->label);
		if (stage_write(&st[n], f->path, f->type, &src, &code,
		    cause) == -1) {
			char *why = *cause;

			*cause = xasprintf("%s (%s): %s", f->path, f->param,
			    why);
			free(why);
			n++;
			say(o, "postmap", APPLY_FAIL, f->label);
			goto fail;
		}
		jobs[nj].kind = PFX_JOB_POSTMAP;
		jobs[nj].type = f->type;
		jobs[nj].path = st[n].tmp;
		slot[nj++] = i;
		n++;
	}
	pfx_run_jobs(p->confdir, jobs, nj);
	for (k = 0; k < nj; k++) {
		const struct plan_file	*f = &p->files[slot[k]];

		if (stage_built(&st[tfirst + k], &jobs[k], &code, cause) == -1) {
			say(o, "postmap", APPLY_FAIL, f->label);
			goto fail;
		}
		say(o, "postmap", APPLY_OK, f->label);
		/* rename() keeps inode, size and mtime: the stamp of the
		   staged files is that of the live ones after commit. */
		if (slot[k] == PLAN_RECIPIENTS)
			rcpt_stamp = plan_table_stamp(f->type,
			    st[tfirst + k].tmp);
	}
	if (!p->files[PLAN_RECIPIENTS].changed && !p->rcpt_kept)
		rcpt_stamp = plan_table_stamp(p->files[PLAN_RECIPIENTS].type,
		    p->files[PLAN_RECIPIENTS].path);
	update_state(&state, p, a, bdir, rcpt_stamp);
	state_render(&state, &sbuf);
	if (stage(p->confdir, &st[n], spath, NULL, sbuf.data, sbuf.len, &code,
	    cause) == -1) {
		n++;
		goto fail;
	}
	n++;

	/* Commit: from here on a failure restores the backup. */
	journaled = 1;
	/* The tables, then main.cf (staged first), then the state. */
	first = p->files[PLAN_MAINCF].changed ? 1 : 0;
	for (i = first; i < n - 1; i++) {
		if (commit(&st[i], cause) == -1)
			goto fail;
		ncommitted++;
	}
	if (first == 1) {
		if (commit(&st[0], cause) == -1)
			goto fail;
		ncommitted++;
	}
	if (commit(&st[n - 1], cause) == -1)
		goto fail;
	ncommitted++;
	say(o, "write", APPLY_OK, NULL);

	/* Verify with Postfix's own tools. */
	say(o, "verify", APPLY_START, p->nexthop);
	if (verify(p, cause) == -1) {
		code = EX_CONFIG;
		say(o, "verify", APPLY_FAIL, *cause);
		goto fail;
	}
	say(o, "verify", APPLY_OK, p->nexthop);

	/* Reload. */
	if (o != NULL && o->no_reload) {
		r->reload_note = xstrdup("not reloaded (--no-reload): run "
		    "postfix reload to use the new transport table");
		say(o, "reload", APPLY_SKIP, r->reload_note);
	} else if (!pfx_running(p->confdir)) {
		r->reload_note = xasprintf("Postfix (-c %s) is not running; "
		    "the new settings take effect when it starts", p->confdir);
		say(o, "reload", APPLY_SKIP, r->reload_note);
	} else {
		say(o, "reload", APPLY_START, NULL);
		if (pfx_reload(p->confdir, cause) == -1) {
			code = EX_CONFIG;
			say(o, "reload", APPLY_FAIL, *cause);
			goto fail;
		}
		r->reloaded = 1;
		say(o, "reload", APPLY_OK, NULL);
	}
	remove_journal(p->confdir);
	log_change(p, bdir);
	prune_backups(p->confdir);
	r->backup_dir = bdir;
	bdir = NULL;
	code = 0;
	goto out;

fail:
	for (i = 0; i < n; i++)
		staged_discard(&st[i]);
	if (journaled) {
		say(o, "rollback", APPLY_START, bdir);
		if (restore_backup(p->confdir, bdir, &c) == -1) {
			char *old = *cause;

			*cause = xasprintf("%s; ROLLBACK FAILED: %s (backups in "
			    "%s)", old, c, bdir);
			free(old);
			free(c);
			say(o, "rollback", APPLY_FAIL, *cause);
		} else {
			char *old = *cause;

			if (ncommitted > 0 && !(o != NULL && o->no_reload) &&
			    pfx_running(p->confdir) &&
			    pfx_reload(p->confdir, &c) == -1)
				free(c);
			*cause = xasprintf("%s; every file was restored from %s",
			    old, bdir);
			free(old);
			say(o, "rollback", APPLY_OK, bdir);
			remove_journal(p->confdir);
		}
	} else if (*cause != NULL) {
		char *old = *cause;

		if (bdir != NULL) {
			remove_backup_dir(bdir);
			remove_journal(p->confdir);
		}

		*cause = xasprintf("%s; nothing was changed", old);
		free(old);
	}
out:
	for (i = 0; i < n; i++)
		staged_discard(&st[i]);
	if (have_state)
		state_free(&state);
	buf_free(&sbuf);
	buf_free(&sold);
	free(spath);
	free(bdir);
	free(rcpt_stamp);
	pfx_jobs_free(jobs, nj);
	return code;
}

static int
cmp_desc(const void *a, const void *b)
{
	/* Version order: STAMP-10 is newer than STAMP-9. */
	return strverscmp(*(char *const *)b, *(char *const *)a);
}

char **
apply_backups(const char *confdir, int **undone_flags)
{
	char		*top = xasprintf("%s/%s", confdir, APPLY_BACKUPS), *m;
	char		**v = NULL;
	size_t		 n = 0, i;
	DIR		*d;
	struct dirent	*de;

	if ((d = opendir(top)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] < '0' || de->d_name[0] > '9')
				continue;
			m = xasprintf("%s/%s/%s", top, de->d_name, MANIFEST);
			if (access(m, R_OK) == 0) {
				v = xreallocarray(v, n + 2, sizeof *v);
				v[n++] = xasprintf("%s/%s", top, de->d_name);
			}
			free(m);
		}
		closedir(d);
	}
	v = xreallocarray(v, n + 1, sizeof *v);
	v[n] = NULL;
	qsort(v, n, sizeof *v, cmp_desc);
	if (undone_flags != NULL) {
		*undone_flags = xcalloc(n + 1, sizeof **undone_flags);
		for (i = 0; i < n; i++) {
			m = xasprintf("%s/UNDONE", v[i]);
			(*undone_flags)[i] = access(m, F_OK) == 0;
			free(m);
		}
	}
	free(top);
	return v;
}

char *
apply_backup_files(const char *bdir)
{
	struct buf	 m, out;
	char		*mpath = xasprintf("%s/%s", bdir, MANIFEST), *c = NULL;
	char		*line, *save = NULL, *path;

	buf_init(&m);
	buf_init(&out);
	if (file_read(mpath, 1 << 20, &m, &c) == 0) {
		for (line = strtok_r(m.data, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			path = strrchr(line, '\t');
			buf_printf(&out, "%s%s\n", path != NULL ? path + 1 :
			    line, line[0] == '0' ? " (new file)" : "");
		}
	}
	free(c);
	free(mpath);
	buf_free(&m);
	return buf_detach(&out, NULL);
}

/* Keeps the newest APPLY_KEEP_BACKUPS backup dirs. */
static void
prune_backups(const char *confdir)
{
	char	**v = apply_backups(confdir, NULL);
	size_t	  i;

	for (i = 0; v[i] != NULL; i++)
		if (i >= APPLY_KEEP_BACKUPS)
			remove_backup_dir(v[i]);
	strv_free(v);
}

int
apply_undo(const char *confdir, const struct apply_opts *o, char **bdirp,
    char **cause)
{
	char	**v, *mark = NULL, *c = NULL;
	int	 *undone = NULL, code = EX_DATAERR;

	*cause = NULL;
	*bdirp = NULL;
	v = apply_backups(confdir, &undone);
	if (v[0] == NULL) {
		*cause = xasprintf("no backups in %s/%s: nothing to undo",
		    confdir, APPLY_BACKUPS);
		goto out;
	}
	if (undone[0]) {
		*cause = xasprintf("the last apply (%s) was already undone; "
		    "undo restores the files from before an apply, so undoing "
		    "an undo would need the files of the apply itself: run "
		    "mxpin apply with its answers again instead", v[0]);
		goto out;
	}
	say(o, "rollback", APPLY_START, v[0]);
	if (restore_backup(confdir, v[0], cause) == -1) {
		code = EX_CANTCREAT;
		say(o, "rollback", APPLY_FAIL, *cause);
		goto out;
	}
	mark = xasprintf("%s/UNDONE", v[0]);
	if (atomic_write(mark, "", 0, 0600, &c) == -1)
		free(c);
	say(o, "rollback", APPLY_OK, v[0]);
	if (o != NULL && o->no_reload)
		say(o, "reload", APPLY_SKIP, "not reloaded (--no-reload)");
	else if (!pfx_running(confdir))
		say(o, "reload", APPLY_SKIP, "Postfix is not running");
	else if (pfx_reload(confdir, cause) == -1) {
		code = EX_CONFIG;
		say(o, "reload", APPLY_FAIL, *cause);
		goto out;
	} else
		say(o, "reload", APPLY_OK, NULL);
	*bdirp = xstrdup(v[0]);
	code = 0;
out:
	free(mark);
	free(undone);
	strv_free(v);
	return code;
}

void
apply_result_free(struct apply_result *r)
{
	free(r->backup_dir);
	free(r->reload_note);
	memset(r, 0, sizeof *r);
}
