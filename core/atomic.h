/*
 * atomic.h: replacing files so that a reader (or a crash) only ever sees
 * the whole old file or the whole new one.  Temp file in the same
 * directory (O_EXCL, mode 0600), write, fchmod/fchown to the old file's
 * mode and owner, fsync, rename, fsync the directory.  A symlink is
 * written through to its final target; the link stays a link.
 */
#ifndef MXPIN_ATOMIC_H
#define MXPIN_ATOMIC_H

#include <stddef.h>
#include <sys/types.h>

/* Temp files are named DIR/.NAME.mxpin-XXXXXX. */
#define ATOMIC_TMP_TAG	".mxpin-"

/*
 * The file a write to path really replaces: path itself, or the final
 * target of a symlink chain (resolved relative to each link; a dangling
 * link gives the path it names, which a write then creates).  Returns a
 * malloc'd path, or NULL with *cause (a looping or unreadable link).
 */
char	*atomic_target(const char *path, char **cause);

/*
 * Writes data to a new temp file beside path's target, with the target's
 * owner, group and mode when it exists (else newmode, and the owner of
 * the directory's new files), and fsyncs it.  *tmpp receives the temp
 * file's path (caller frees; caller renames it with atomic_commit or
 * removes it).  0, or -1 with *cause naming the file and errno's words;
 * no temp file is left on failure.
 */
int	 atomic_stage(const char *path, const void *data, size_t len,
	    mode_t newmode, char **tmpp, char **cause);

/*
 * atomic_stage, with the contents written by writer(arg, fd) (0, or -1
 * with errno set), so a large file is streamed, never held whole.
 */
int	 atomic_stage_fn(const char *path, int (*writer)(void *, int),
	    void *arg, mode_t newmode, char **tmpp, char **cause);

/* Writes all len bytes to fd (EINTR retried).  0, or -1 with errno. */
int	 atomic_write_all(int fd, const void *data, size_t len);

/* Renames tmp onto path's target and fsyncs the directory.  0 or -1. */
int	 atomic_commit(const char *tmp, const char *path, char **cause);

/* atomic_stage + atomic_commit. */
int	 atomic_write(const char *path, const void *data, size_t len,
	    mode_t newmode, char **cause);

/* fsync the directory that holds path.  0 or -1 with *cause. */
int	 fsync_dir_of(const char *path, char **cause);

/* Copies owner, group and mode of file `from` onto file `to` (both
   existing).  0 or -1 with *cause. */
int	 copy_owner_mode(const char *from, const char *to, char **cause);

#endif
