/*
 * atomic.c: crash-safe replacement of files (see atomic.h).
 */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static char *
dir_of(const char *path)
{
	char	*copy = xstrdup(path), *d;

	d = xstrdup(dirname(copy));
	free(copy);
	return d;
}

char *
atomic_target(const char *path, char **cause)
{
	char		*cur = xstrdup(path), *next, *d;
	char		 link[PATH_MAX];
	struct stat	 st;
	ssize_t		 n;
	int		 hops;

	*cause = NULL;
	for (hops = 0; hops < 40; hops++) {
		/* Not a link (or missing: a dangling link's target is
		   created, as a plain write through the link would). */
		if (lstat(cur, &st) == -1 || !S_ISLNK(st.st_mode))
			return cur;
		if ((n = readlink(cur, link, sizeof link)) == -1 ||
		    (size_t)n >= sizeof link) {
			*cause = xasprintf("%s: %s", cur, n == -1 ?
			    strerror(errno) : "symbolic link too long");
			free(cur);
			return NULL;
		}
		link[n] = '\0';
		if (link[0] == '/')
			next = xstrdup(link);
		else {
			d = dir_of(cur);
			next = xasprintf("%s/%s", d, link);
			free(d);
		}
		free(cur);
		cur = next;
	}
	*cause = xasprintf("%s: too many levels of symbolic links", path);
	free(cur);
	return NULL;
}

int
fsync_dir_of(const char *path, char **cause)
{
	char	*d = dir_of(path);
	int	 fd, ret = -1;

	if ((fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1) {
		*cause = xasprintf("%s: %s", d, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (fd != -1)
		close(fd);
	free(d);
	return ret;
}

/* Writes all len bytes of data to fd.  0, or -1 with errno. */
int
atomic_write_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	size_t		 done = 0;
	ssize_t		 n;

	while (done < len) {
		n = write(fd, p + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

struct mem_source {
	const void	*data;
	size_t		 len;
};

static int
write_mem(void *arg, int fd)
{
	const struct mem_source	*m = arg;

	return atomic_write_all(fd, m->data, m->len);
}

int
atomic_stage(const char *path, const void *data, size_t len, mode_t newmode,
    char **tmpp, char **cause)
{
	struct mem_source	m = { data, len };

	return atomic_stage_fn(path, write_mem, &m, newmode, tmpp, cause);
}

int
atomic_stage_fn(const char *path, int (*writer)(void *, int), void *arg,
    mode_t newmode, char **tmpp, char **cause)
{
	char		*target = NULL, *d = NULL, *base = NULL, *tmp = NULL;
	char		*copy;
	struct stat	 st;
	int		 fd = -1, ret = -1, saved, have_old;

	*cause = NULL;
	*tmpp = NULL;
	if ((target = atomic_target(path, cause)) == NULL)
		goto out;
	d = dir_of(target);
	copy = xstrdup(target);
	base = xstrdup(basename(copy));
	free(copy);
	tmp = xasprintf("%s/.%s%sXXXXXX", d, base, ATOMIC_TMP_TAG);
	have_old = stat(target, &st) == 0;
	if (have_old && !S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s: not a regular file", target);
		goto out;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		*cause = xasprintf("cannot create a temporary file in %s: %s",
		    d, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (writer(arg, fd) == -1) {
		*cause = xasprintf("%s: writing %s: %s", target, tmp,
		    strerror(errno));
		goto out;
	}
	if (have_old) {
		if (fchown(fd, st.st_uid, st.st_gid) == -1 && geteuid() == 0) {
			*cause = xasprintf("%s: fchown: %s", tmp,
			    strerror(errno));
			goto out;
		}
		if (fchmod(fd, st.st_mode & 07777) == -1) {
			*cause = xasprintf("%s: fchmod: %s", tmp,
			    strerror(errno));
			goto out;
		}
	} else if (fchmod(fd, newmode) == -1) {
		*cause = xasprintf("%s: fchmod: %s", tmp, strerror(errno));
		goto out;
	}
	if (fsync(fd) == -1) {
		*cause = xasprintf("%s: writing %s: %s", target, tmp,
		    strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		*cause = xasprintf("%s: writing %s: %s", target, tmp,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	*tmpp = tmp;
	tmp = NULL;
	ret = 0;
out:
	saved = errno;
	if (fd != -1)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(target);
	free(d);
	free(base);
	errno = saved;
	return ret;
}

struct fd_source {
	int	fd;
};

/* Copies the rest of the file open on arg's fd to fd.  0, or -1 with
   errno. */
static int
write_fd(void *arg, int fd)
{
	const struct fd_source	*src = arg;
	char			 chunk[65536];
	ssize_t			 n;

	for (;;) {
		n = read(src->fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return 0;
		if (atomic_write_all(fd, chunk, (size_t)n) == -1)
			return -1;
	}
}

/*
 * rename(tmp, target) when tmp is on another file system (a table's
 * database is built beside the table's symlinked target, but Postfix reads
 * it beside the link): tmp is copied to a new temp file beside target,
 * with tmp's owner and mode, which is renamed into place; tmp is removed.
 */
static int
rename_across(const char *tmp, const char *target, char **cause)
{
	struct fd_source	 src;
	struct stat		 st;
	char			*copy = NULL;
	int			 ret = -1;

	if ((src.fd = open(tmp, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(src.fd, &st) == -1) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (atomic_stage_fn(target, write_fd, &src, st.st_mode & 07777, &copy,
	    cause) == -1)
		goto out;
	if (chown(copy, st.st_uid, st.st_gid) == -1 && geteuid() == 0) {
		*cause = xasprintf("%s: chown: %s", copy, strerror(errno));
		goto out;
	}
	if (chmod(copy, st.st_mode & 07777) == -1) {
		*cause = xasprintf("%s: chmod: %s", copy, strerror(errno));
		goto out;
	}
	if (rename(copy, target) == -1) {
		*cause = xasprintf("%s: rename from %s: %s", target, copy,
		    strerror(errno));
		goto out;
	}
	free(copy);
	copy = NULL;
	unlink(tmp);
	ret = 0;
out:
	if (src.fd != -1)
		close(src.fd);
	if (copy != NULL) {
		unlink(copy);
		free(copy);
	}
	return ret;
}

int
atomic_commit(const char *tmp, const char *path, char **cause)
{
	char	*target;
	int	 ret = -1;

	*cause = NULL;
	if ((target = atomic_target(path, cause)) == NULL)
		return -1;
	if (rename(tmp, target) == -1 && (errno != EXDEV ||
	    rename_across(tmp, target, cause) == -1)) {
		if (*cause == NULL)
			*cause = xasprintf("%s: rename from %s: %s", target,
			    tmp, strerror(errno));
		goto out;
	}
	if (fsync_dir_of(target, cause) == -1)
		goto out;
	ret = 0;
out:
	free(target);
	return ret;
}

int
atomic_write(const char *path, const void *data, size_t len, mode_t newmode,
    char **cause)
{
	char	*tmp;

	if (atomic_stage(path, data, len, newmode, &tmp, cause) == -1)
		return -1;
	if (atomic_commit(tmp, path, cause) == -1) {
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int
copy_owner_mode(const char *from, const char *to, char **cause)
{
	struct stat	st;

	*cause = NULL;
	if (stat(from, &st) == -1) {
		*cause = xasprintf("%s: %s", from, strerror(errno));
		return -1;
	}
	if (chown(to, st.st_uid, st.st_gid) == -1 && geteuid() == 0) {
		*cause = xasprintf("%s: chown: %s", to, strerror(errno));
		return -1;
	}
	if (chmod(to, st.st_mode & 07777) == -1) {
		*cause = xasprintf("%s: chmod: %s", to, strerror(errno));
		return -1;
	}
	return 0;
}
