/*
 * util.c: allocation that cannot fail silently, a byte buffer, bounded
 * whole-file reads.  See util.h for the contracts.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void (*fatal_cleanup)(void);

void
fatal_set_cleanup(void (*fn)(void))
{
	fatal_cleanup = fn;
}

_Noreturn void
fatal(const char *fmt, ...)
{
	va_list	ap;

	if (fatal_cleanup != NULL) {
		void (*fn)(void) = fatal_cleanup;

		fatal_cleanup = NULL;
		fn();
	}
	fputs("mxpin: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(70);
}

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		fatal("out of memory allocating %zu bytes", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		fatal("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		fatal("allocation of %zu x %zu bytes overflows", n, size);
	if ((p = realloc(old, n * size == 0 ? 1 : n * size)) == NULL)
		fatal("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len = strnlen(s, n);

	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char	*s;

	if (vasprintf(&s, fmt, ap) < 0)
		fatal("out of memory formatting a message");
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_reserve(struct buf *b, size_t extra)
{
	size_t	need, cap;

	if (extra > SIZE_MAX - b->len - 1)
		fatal("buffer size overflows");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	/* (a new buffer is NUL-terminated below, even when empty) */
	cap = b->cap == 0 ? 64 : b->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = xreallocarray(b->data, cap, 1);
	b->cap = cap;
	b->data[b->len] = '\0';
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n != 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addch(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("bad format string");
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

char *
buf_detach(struct buf *b, size_t *lenp)
{
	char	*p;

	buf_reserve(b, 0);
	p = b->data;
	if (lenp != NULL)
		*lenp = b->len;
	buf_init(b);
	return p;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

int
file_read(const char *path, size_t limit, struct buf *out, char **cause)
{
	struct stat	st;
	char		chunk[65536];
	size_t		total = 0;
	ssize_t		n;
	int		fd, saved;

	*cause = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		saved = errno;
		*cause = xasprintf("%s: %s", path, strerror(saved));
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		*cause = xasprintf("%s: %s", path, strerror(saved));
		errno = saved;
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		*cause = xasprintf("%s: is a directory", path);
		errno = EISDIR;
		return -1;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > limit) {
		close(fd);
		*cause = xasprintf("%s: file is too large (%jd bytes, at most "
		    "%zu)", path, (intmax_t)st.st_size, limit);
		errno = EFBIG;
		return -1;
	}
	/* Even an empty file gives a NUL-terminated text, never NULL. */
	buf_reserve(out, S_ISREG(st.st_mode) && st.st_size > 0 ?
	    (size_t)st.st_size : 0);
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			close(fd);
			*cause = xasprintf("%s: %s", path, strerror(saved));
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		if ((size_t)n > limit - total) {
			close(fd);
			*cause = xasprintf("%s: file is too large (more than "
			    "%zu bytes)", path, limit);
			errno = EFBIG;
			return -1;
		}
		total += (size_t)n;
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

/*
 * Eight bytes at once, ASCII upper case folded to lower: 0x20 is added to
 * each byte in 'A'..'Z' and nothing else (bytes >= 0x80 included).
 */
static inline uint64_t
fold8(uint64_t w)
{
	const uint64_t	ones = 0x0101010101010101ULL;
	uint64_t	low7 = w & (0x7f * ones);
	uint64_t	ge_a = low7 + (0x80 - 'A') * ones;
	uint64_t	gt_z = low7 + (0x80 - 'Z' - 1) * ones;

	return w | (((ge_a & ~gt_z & ~w) & (0x80 * ones)) >> 2);
}

static inline uint64_t
load8(const char *p, size_t n)
{
	uint64_t	w = 0;

	memcpy(&w, p, n < 8 ? n : 8);
	return w;
}

int
ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	unsigned char	ca, cb;

	for (; n > 0; n--, a++, b++) {
		ca = (unsigned char)*a;
		cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return ca - cb;
		if (ca == '\0')
			return 0;
	}
	return 0;
}

int
ascii_casecmp(const char *a, const char *b)
{
	size_t	na = strlen(a), nb = strlen(b), n = na < nb ? na : nb, i;

	/* Whole words while they fold equal; the bytewise loop then finds
	   the first difference (and its sign) in the word that differs. */
	for (i = 0; i + 8 <= n; i += 8)
		if (fold8(load8(a + i, 8)) != fold8(load8(b + i, 8)))
			break;
	return ascii_ncasecmp(a + i, b + i, SIZE_MAX);
}

unsigned long long
ascii_casehash(const char *s)
{
	size_t		n = strlen(s), i;
	uint64_t	h = 1469598103934665603ULL ^ n, w;

	for (i = 0; i < n; i += 8) {
		w = fold8(load8(s + i, n - i));
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	return h;
}

void
ascii_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

void
strv_free(char **v)
{
	char	**p;

	if (v == NULL)
		return;
	for (p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

char *
path_absolute(const char *p)
{
	char	*cwd, *r;
	size_t	 n;

	if (*p == '/')
		r = xstrdup(p);
	else if ((cwd = getcwd(NULL, 0)) == NULL)
		r = xstrdup(p);
	else {
		while (p[0] == '.' && p[1] == '/')
			for (p += 2; *p == '/'; p++)
				;
		if (*p == '\0' || strcmp(p, ".") == 0)
			r = xstrdup(cwd);
		else
			r = xasprintf("%s%s%s", cwd, strcmp(cwd, "/") == 0 ?
			    "" : "/", p);
		free(cwd);
	}
	for (n = strlen(r); n > 1 && r[n - 1] == '/'; n--)
		r[n - 1] = '\0';
	return r;
}
