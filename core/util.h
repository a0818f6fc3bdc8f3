/*
 * util.h: memory helpers that never return NULL, a growable byte buffer,
 * and bounded file reading.  Allocation failure is fatal through one
 * helper that first runs the front end's cleanup hook (endwin() in the
 * wizard), so the terminal is always restored before the message.
 */
#ifndef MXPIN_UTIL_H
#define MXPIN_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define MXPIN_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Registers fn to run before fatal() prints; NULL clears it. */
void	 fatal_set_cleanup(void (*fn)(void));
/* Prints "mxpin: fatal: MESSAGE" on stderr after the cleanup hook; exit 70. */
_Noreturn void fatal(const char *fmt, ...) MXPIN_PRINTF(1, 2);

/* Allocators: never return NULL (fatal() on failure).  Caller frees. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) MXPIN_PRINTF(1, 2);
char	*xvasprintf(const char *, va_list) MXPIN_PRINTF(1, 0);

/*
 * A growable byte buffer.  data is always NUL-terminated after the last
 * byte (len does not count it), so it may be used as a C string when the
 * content holds no NUL.  A zeroed struct is a valid empty buffer.
 */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *);
void	 buf_reserve(struct buf *, size_t extra);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addstr(struct buf *, const char *);
void	 buf_addch(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...) MXPIN_PRINTF(2, 3);
void	 buf_reset(struct buf *);
/* Hands the contents over (NUL-terminated, never NULL); buf becomes empty. */
char	*buf_detach(struct buf *, size_t *lenp);
void	 buf_free(struct buf *);

/*
 * Reads the whole file at path into out (appending), refusing files larger
 * than limit bytes.  Returns 0, or -1 with errno kept and *cause set to a
 * message naming the file (caller frees).  EFBIG when over the limit.
 */
int	 file_read(const char *path, size_t limit, struct buf *out,
	    char **cause);

/* Case-insensitive ASCII comparison helpers (locale independent). */
int	 ascii_casecmp(const char *, const char *);
int	 ascii_ncasecmp(const char *, const char *, size_t);
void	 ascii_lower(char *);
/* FNV-1a of s with ASCII letters folded to lower case. */
unsigned long long ascii_casehash(const char *);

/* Frees every string of a NULL-terminated vector and the vector. */
void	 strv_free(char **);
/*
 * p made absolute against the working directory (not resolving symbolic
 * links: /etc/postfix stays /etc/postfix), leading "./" and trailing '/'
 * dropped.  A config directory given as "-c dir" is recorded in the
 * state and compared with main.cf's table paths, which Postfix's daemons
 * read from their own working directory.  Caller frees.
 */
char	*path_absolute(const char *p);

#endif
