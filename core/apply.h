/*
 * apply.h: carrying out a plan as one transaction.  Lock, back up, stage
 * every new file (and build every changed table) under temporary names,
 * journal, rename into place, verify with Postfix's own tools, record the
 * state, reload.  Any failure restores the backups.  Progress goes to the
 * front end through a callback; core never prints.
 */
#ifndef MXPIN_APPLY_H
#define MXPIN_APPLY_H

#include "answers.h"
#include "plan.h"

#define APPLY_JOURNAL	"mxpin.journal"
#define APPLY_BACKUPS	"mxpin.bak"

enum apply_state {
	APPLY_START,		/* the step begins */
	APPLY_OK,
	APPLY_FAIL,
	APPLY_SKIP,		/* not needed or not wanted */
	APPLY_PROGRESS,		/* detail holds a percentage "NN" */
};

struct apply_progress {
	/* step: "lock", "backup", "write", "postmap", "verify", "state",
	   "reload", "rollback"; detail: what it concerns, or why. */
	void	(*step)(void *arg, const char *step, enum apply_state,
		    const char *detail);
	void	 *arg;
};

struct apply_opts {
	int				 no_reload;
	const struct apply_progress	*progress;	/* may be NULL */
};

struct apply_result {
	char	*backup_dir;	/* where the old files are (caller frees) */
	int	 reloaded;
	char	*reload_note;	/* why not reloaded, or NULL (caller frees) */
};

/*
 * Takes the lock of the config directory: flock on the directory itself,
 * so that taking it creates and touches no file (a run that is refused or
 * changes nothing writes nothing).  Waits up to wait_ms.  Returns the lock's
 * fd (keep it open for the whole run; close to release), or -1 with
 * *cause naming the pid that holds it (*code EX_TEMPFAIL) or the error.
 */
int	apply_lock(const char *confdir, int wait_ms, int *code, char **cause);

/*
 * Carries out plan p (built from answers a) under the lock the caller
 * holds.  Returns 0 (r filled), or a sysexits code with *cause saying what
 * failed and that the files were restored.
 */
int	apply_plan(const struct plan *p, const struct answers *a,
	    const struct apply_opts *o, struct apply_result *r, char **cause);
void	apply_result_free(struct apply_result *);

/*
 * Finishes an interrupted apply found by its journal: rolls every file
 * back to the backup and removes temporary files.  Returns 0 when there
 * was nothing to do, 1 when it rolled back (*what says what), -1 with
 * *cause.  Call under the lock.
 */
int	apply_recover(const char *confdir, char **what, char **cause);

/* Backups kept after each apply; older ones are removed. */
#define APPLY_KEEP_BACKUPS	10

/*
 * The backup directories of DIR, newest first, as a NULL-terminated
 * vector of paths (caller frees with strv_free).  *undone_flags (may be
 * NULL) receives a malloc'd array: 1 where that apply was undone.
 */
char	**apply_backups(const char *confdir, int **undone_flags);

/* The files named in a backup's manifest, one per line ("path (new file)"
   for files the apply created).  Caller frees. */
char	 *apply_backup_files(const char *bdir);

/*
 * Undoes the apply whose backups are in the newest backup dir: every file
 * back byte for byte (tables rebuilt), files it created removed, then a
 * reload unless o->no_reload or Postfix is not running.  Refuses (EX_DATAERR
 * with an explanation) when that apply was already undone.  Returns 0 with
 * *bdirp (caller frees), or a sysexits code with *cause.  Call under the lock.
 */
int	 apply_undo(const char *confdir, const struct apply_opts *o,
	    char **bdirp, char **cause);

#endif
