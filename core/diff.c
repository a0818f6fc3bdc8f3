/*
 * diff.c: unified diffs as GNU diff -u prints them.
 *
 * The common prefix and suffix are found bytewise and cut back to line
 * boundaries; only the window between them, widened by the context lines
 * on each side, is split into lines and hashed in the same pass.  A big
 * window (changes far apart in a big text) is first compared by hash
 * alone, on a small work budget, and the result checked byte for byte.
 * Otherwise lines get equivalence classes through a hash table, and a
 * line with no equal in the other text is a change without any search
 * (removing such lines leaves the longest common subsequence unchanged).
 * The search is Myers' O((N+M)D) algorithm in its linear-space form:
 * divide and conquer on the middle snake.  Past a cost limit a search stops and splits at the point that
 * got furthest, so a pathological pair still ends quickly with a correct,
 * if less minimal, diff.  Runs of changes are then slid by the rule GNU
 * diff uses, so that the hunks are the ones diff -u prints.
 */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DIFF_CONTEXT	3
/* Tunables; the fuzz build lowers them to reach every path. */
#ifndef DIFF_COST_MIN
#define DIFF_COST_MIN	256	/* cost limit floor */
#endif
#ifndef DIFF_BIG
#define DIFF_BIG	16384	/* window lines worth a first pass */
#endif

/* One text's window, split into lines. */
struct side {
	const char	*text;		/* the whole text */
	size_t		*offbuf;
	size_t		*off;		/* line starts: off[-nbefore] to
					   off[n + nafter], the last an end */
	size_t		 n;		/* lines in the window */
	size_t		 nbefore;	/* context lines before it, */
	size_t		 nafter;	/* and after it (equal in both) */
	uint64_t	*hbuf;
	uint64_t	*h;		/* hash of each line, as off */
	char		*chgbuf;	/* n + 2 flags: chg[-1], chg[n] stay 0 */
	char		*chg;		/* chgbuf + 1: line i is a change */
};

/*
 * The sequences the search works on: line hashes (the first pass, whose
 * result is then checked against the lines) or equivalence classes.
 */
struct ctx {
	const uint64_t	*xv;
	const uint64_t	*yv;
	char		*xchg;
	char		*ychg;
	ptrdiff_t	*fd;		/* forward furthest x, by diagonal */
	ptrdiff_t	*bd;		/* backward furthest x, by diagonal */
	ptrdiff_t	 span;		/* fd, bd hold 2 * span + 1 */
	ptrdiff_t	 limit;		/* cost past which a search gives up */
	size_t		 work;		/* steps taken so far */
	size_t		 budget;	/* if not 0, give up past this */
	int		 over;		/* gave up: budget spent */
};

struct part {
	ptrdiff_t	 xmid;
	ptrdiff_t	 ymid;
	int		 lo_minimal;
	int		 hi_minimal;
};

struct change {
	size_t		 i;		/* first line of a (window index) */
	size_t		 j;		/* first line of b */
	size_t		 del;
	size_t		 ins;
};

static size_t
common_prefix(const char *a, const char *b, size_t n)
{
	size_t	i = 0;

	while (n - i >= 4096 && memcmp(a + i, b + i, 4096) == 0)
		i += 4096;
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* Length of the common suffix of a[0, alen) and b[0, blen). */
static size_t
common_suffix(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	n = alen < blen ? alen : blen, i = 0;

	while (n - i >= 4096 &&
	    memcmp(a + alen - i - 4096, b + blen - i - 4096, 4096) == 0)
		i += 4096;
	while (i < n && a[alen - i - 1] == b[blen - i - 1])
		i++;
	return i;
}

static size_t
count_newlines(const char *p, size_t n)
{
	const char	*e = p + n, *nl;
	size_t		 c = 0;

	while (p < e && (nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		c++;
		p = nl + 1;
	}
	return c;
}

/* Offset just past the line that starts at off (or len). */
static size_t
next_line(const char *p, size_t off, size_t len)
{
	const char	*nl;

	if (off >= len)
		return len;
	nl = memchr(p + off, '\n', len - off);
	return nl == NULL ? len : (size_t)(nl - p) + 1;
}

static uint64_t
hash_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9fb21c651e98df25ULL;
	return h ^ (h >> 29);
}

static uint64_t
hash_end(uint64_t h, size_t len)
{
	h ^= len;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

/*
 * Hashes the line at p, eight bytes at a time while looking for its
 * newline in the same words; returns its length (newline included, or
 * up to avail).  Equal lines hash equal wherever they start.
 */
static size_t
line_scan(const char *p, size_t avail, uint64_t *hp)
{
	const uint64_t	 ones = 0x0101010101010101ULL;
	const uint64_t	 highs = 0x8080808080808080ULL;
	uint64_t	 h = 0x243f6a8885a308d3ULL, w, x, m;
	size_t		 i = 0, k;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (avail - i >= 8) {
		memcpy(&w, p + i, 8);
		x = w ^ (ones * '\n');
		/* The lowest flagged byte is the first newline. */
		if ((m = (x - ones) & ~x & highs) != 0) {
			k = (size_t)__builtin_ctzll(m) / 8 + 1;
			if (k < 8)
				w &= ~(uint64_t)0 >> (64 - 8 * k);
			i += k;
			*hp = hash_end(hash_mix(h, w), i);
			return i;
		}
		h = hash_mix(h, w);
		i += 8;
	}
#endif
	while (i < avail) {
		w = 0;
		for (k = 0; k < 8 && i < avail; k++) {
			w |= (uint64_t)(unsigned char)p[i++] << (8 * k);
			if (p[i - 1] == '\n')
				break;
		}
		h = hash_mix(h, w);
		if (p[i - 1] == '\n')
			break;
	}
	*hp = hash_end(h, i);
	return i;
}

/* The start of the line n lines before the one starting at off. */
static size_t
back_lines(const char *p, size_t off, size_t n)
{
	for (; n > 0 && off > 0; n--) {
		off--;
		while (off > 0 && p[off - 1] != '\n')
			off--;
	}
	return off;
}

/* The start of the line n lines after the one starting at off (or len). */
static size_t
fwd_lines(const char *p, size_t off, size_t len, size_t n)
{
	for (; n > 0; n--)
		off = next_line(p, off, len);
	return off;
}

/*
 * Splits text[xs, xe) into lines; the window is text[ws, we) and the
 * lines outside it are context only.  All four are line starts (or ends).
 */
static void
side_split(struct side *s, const char *text, size_t xs, size_t ws,
    size_t we, size_t xe)
{
	size_t	cap = 1024, off = xs, nl = 0, at_ws = 0, at_we = 0;

	s->text = text;
	s->offbuf = xreallocarray(NULL, cap, sizeof *s->offbuf);
	s->hbuf = xreallocarray(NULL, cap, sizeof *s->hbuf);
	for (;;) {
		if (off == ws)
			at_ws = nl;
		if (off == we)
			at_we = nl;
		if (nl + 1 > cap) {
			cap *= 2;
			s->offbuf = xreallocarray(s->offbuf, cap,
			    sizeof *s->offbuf);
			s->hbuf = xreallocarray(s->hbuf, cap,
			    sizeof *s->hbuf);
		}
		s->offbuf[nl] = off;
		if (off >= xe)
			break;
		off += line_scan(text + off, xe - off, &s->hbuf[nl++]);
	}
	s->nbefore = at_ws;
	s->n = at_we - at_ws;
	s->nafter = nl - at_we;
	s->off = s->offbuf + at_ws;
	s->h = s->hbuf + at_ws;
	if (s->n >= UINT32_MAX)
		fatal("diff: too many lines (%zu)", s->n);
	s->chgbuf = xcalloc(s->n + 2, 1);
	s->chg = s->chgbuf + 1;
}

static void
side_free(struct side *s)
{
	free(s->offbuf);
	free(s->hbuf);
	free(s->chgbuf);
}

/* Line i of the window; -nbefore <= i < n + nafter. */
static const char *
side_line(const struct side *s, ptrdiff_t i, size_t *lenp)
{
	*lenp = s->off[i + 1] - s->off[i];
	return s->text + s->off[i];
}

/* Line i of s and line j of t are equal (hashes first). */
static int
line_eq(const struct side *s, ptrdiff_t i, const struct side *t,
    ptrdiff_t j)
{
	size_t	len = s->off[i + 1] - s->off[i];

	return s->h[i] == t->h[j] && len == t->off[j + 1] - t->off[j] &&
	    memcmp(s->text + s->off[i], t->text + t->off[j], len) == 0;
}

/*
 * Gives every line of both windows an equivalence class (cls[k][i]);
 * returns the number of classes.
 */
static size_t
classify(const struct side *sides, uint64_t **cls)
{
	uint32_t	*slot, *rep;
	size_t		 total = sides[0].n + sides[1].n, size = 16, neq = 0;
	size_t		 k, i, at;
	const struct side *rs;

	while (size < total * 2)
		size *= 2;
	slot = xcalloc(size, sizeof *slot);
	/* Representative of each class: side in the top bit, then line. */
	rep = xreallocarray(NULL, total + 1, sizeof *rep);
	if (total >= UINT32_MAX / 2)
		fatal("diff: too many lines (%zu)", total);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < sides[k].n; i++) {
			for (at = sides[k].h[i] & (size - 1); slot[at] != 0;
			    at = (at + 1) & (size - 1)) {
				uint32_t	r = rep[slot[at] - 1];

				rs = &sides[r >> 31];
				if (line_eq(rs, r & 0x7fffffff, &sides[k],
				    (ptrdiff_t)i))
					break;
			}
			if (slot[at] == 0) {
				rep[neq] = (uint32_t)(k << 31 | i);
				slot[at] = (uint32_t)++neq;
			}
			cls[k][i] = slot[at] - 1;
		}
	}
	free(rep);
	free(slot);
	return neq;
}

/*
 * Finds the middle snake of x[xoff, xlim) against y[yoff, ylim): the
 * point where a forward and a backward search meet on a shortest edit
 * path.  A search that is not asked to be minimal gives up at the cost
 * limit and returns the furthest point reached; a minimal one gives up at
 * twice the limit, which it cannot reach (its cost is bounded by the
 * search that asked for it) but which bounds the diagonal vectors.
 */
static void
diag(struct ctx *cx, ptrdiff_t xoff, ptrdiff_t xlim, ptrdiff_t yoff,
    ptrdiff_t ylim, int minimal, struct part *pt)
{
	const uint64_t	*xv = cx->xv, *yv = cx->yv;
	ptrdiff_t	*fd = cx->fd, *bd = cx->bd, span = cx->span;
	const ptrdiff_t	 dmin = xoff - ylim, dmax = xlim - yoff;
	const ptrdiff_t	 fmid = xoff - yoff, bmid = xlim - ylim;
	const ptrdiff_t	 stop = minimal ? 2 * cx->limit : cx->limit;
	const int	 odd = (fmid - bmid) % 2 != 0;
	ptrdiff_t	 fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
	ptrdiff_t	 c, d, x, y, x0, lo, hi;
	ptrdiff_t	 fbest, fxbest = xoff, bbest, bxbest = xlim;

#define SAME(x, y) (xv[x] == yv[y])
#define FD(d)	fd[(d) - fmid + span]
#define BD(d)	bd[(d) - bmid + span]
	FD(fmid) = xoff;
	BD(bmid) = xlim;
	for (c = 1;; c++) {
		/* One more edit forward, on every other diagonal. */
		if (fmin > dmin)
			FD(--fmin - 1) = -1;
		else
			fmin++;
		if (fmax < dmax)
			FD(++fmax + 1) = -1;
		else
			fmax--;
		for (d = fmax; d >= fmin; d -= 2) {
			lo = FD(d - 1);
			hi = FD(d + 1);
			x0 = lo < hi ? hi : lo + 1;
			for (x = x0, y = x0 - d; x < xlim && y < ylim &&
			    SAME(x, y); x++, y++)
				continue;
			cx->work += (size_t)(x - x0) + 1;
			FD(d) = x;
			if (odd && bmin <= d && d <= bmax && BD(d) <= x) {
				pt->xmid = x;
				pt->ymid = y;
				pt->lo_minimal = pt->hi_minimal = 1;
				return;
			}
		}

		/* And one more backward. */
		if (bmin > dmin)
			BD(--bmin - 1) = PTRDIFF_MAX;
		else
			bmin++;
		if (bmax < dmax)
			BD(++bmax + 1) = PTRDIFF_MAX;
		else
			bmax--;
		for (d = bmax; d >= bmin; d -= 2) {
			lo = BD(d - 1);
			hi = BD(d + 1);
			x0 = lo < hi ? lo : hi - 1;
			for (x = x0, y = x0 - d; xoff < x && yoff < y &&
			    SAME(x - 1, y - 1); x--, y--)
				continue;
			cx->work += (size_t)(x0 - x) + 1;
			BD(d) = x;
			if (!odd && fmin <= d && d <= fmax && x <= FD(d)) {
				pt->xmid = x;
				pt->ymid = y;
				pt->lo_minimal = pt->hi_minimal = 1;
				return;
			}
		}

		if (cx->budget != 0 && cx->work > cx->budget) {
			cx->over = 1;
			return;
		}
		if (c < stop)
			continue;

		/* Too expensive: split where one search got furthest. */
		fbest = -1;
		for (d = fmax; d >= fmin; d -= 2) {
			x = FD(d) < xlim ? FD(d) : xlim;
			y = x - d;
			if (y > ylim) {
				x = ylim + d;
				y = ylim;
			}
			if (x + y > fbest) {
				fbest = x + y;
				fxbest = x;
			}
		}
		bbest = PTRDIFF_MAX;
		for (d = bmax; d >= bmin; d -= 2) {
			x = BD(d) > xoff ? BD(d) : xoff;
			y = x - d;
			if (y < yoff) {
				x = yoff + d;
				y = yoff;
			}
			if (x + y < bbest) {
				bbest = x + y;
				bxbest = x;
			}
		}
		if ((xlim + ylim) - bbest < fbest - (xoff + yoff)) {
			pt->xmid = fxbest;
			pt->ymid = fbest - fxbest;
			pt->lo_minimal = 1;
			pt->hi_minimal = 0;
		} else {
			pt->xmid = bxbest;
			pt->ymid = bbest - bxbest;
			pt->lo_minimal = 0;
			pt->hi_minimal = 1;
		}
		return;
	}
#undef SAME
#undef FD
#undef BD
}

/*
 * Marks the changes between x[xoff, xlim) and y[yoff, ylim).  Recurses
 * into the smaller half and loops on the larger, so the depth stays
 * logarithmic even when the cost limit splits off small pieces.
 */
#define SAME(x, y) (xv[x] == yv[y])
static void
compareseq(struct ctx *cx, ptrdiff_t xoff, ptrdiff_t xlim, ptrdiff_t yoff,
    ptrdiff_t ylim, int minimal)
{
	const uint64_t	*xv = cx->xv, *yv = cx->yv;
	struct part	 pt;

	for (;;) {
		while (xoff < xlim && yoff < ylim && SAME(xoff, yoff)) {
			xoff++;
			yoff++;
		}
		while (xoff < xlim && yoff < ylim && SAME(xlim - 1, ylim - 1)) {
			xlim--;
			ylim--;
		}
		if (xoff == xlim) {
			while (yoff < ylim)
				cx->ychg[yoff++] = 1;
			return;
		}
		if (yoff == ylim) {
			while (xoff < xlim)
				cx->xchg[xoff++] = 1;
			return;
		}
		diag(cx, xoff, xlim, yoff, ylim, minimal, &pt);
		if (cx->over)
			return;
		if ((pt.xmid - xoff) + (pt.ymid - yoff) <
		    (xlim - pt.xmid) + (ylim - pt.ymid)) {
			compareseq(cx, xoff, pt.xmid, yoff, pt.ymid,
			    pt.lo_minimal);
			xoff = pt.xmid;
			yoff = pt.ymid;
			minimal = pt.hi_minimal;
		} else {
			compareseq(cx, pt.xmid, xlim, pt.ymid, ylim,
			    pt.hi_minimal);
			xlim = pt.xmid;
			ylim = pt.ymid;
			minimal = pt.lo_minimal;
		}
		if (cx->over)
			return;
	}
#undef SAME
}

static void
ctx_init(struct ctx *cx, size_t nx, size_t ny)
{
	size_t	diags;

	memset(cx, 0, sizeof *cx);
	/*
	 * GNU diff's limit, about 2 sqrt(N + M), with a lower floor than its
	 * 4096: the work past it is about (N + M) * limit, and 512 keeps a
	 * pathological pair of 100,000-line texts near a quarter second.
	 */
	cx->limit = 1;
	for (diags = nx + ny + 3; diags != 0; diags >>= 2)
		cx->limit <<= 1;
	if (cx->limit < DIFF_COST_MIN)
		cx->limit = DIFF_COST_MIN;
	/* A search never runs past 2 * limit, nor past N + M. */
	cx->span = 2 * cx->limit + 2;
	if ((size_t)cx->span > nx + ny + 2)
		cx->span = (ptrdiff_t)(nx + ny + 2);
	cx->fd = xreallocarray(NULL, 2 * (size_t)cx->span + 1, sizeof *cx->fd);
	cx->bd = xreallocarray(NULL, 2 * (size_t)cx->span + 1, sizeof *cx->bd);
}

static void
ctx_free(struct ctx *cx)
{
	free(cx->fd);
	free(cx->bd);
}

/*
 * Whether the lines left unchanged pair up equal, not just by hash.  A
 * run of pairs is one comparison: equal blocks that start at line starts
 * split into equal lines.
 */
static int
pairs_equal(const struct side *sides)
{
	const struct side	*a = &sides[0], *b = &sides[1];
	size_t			 i = 0, j = 0, k, len;

	for (;;) {
		while (i < a->n && a->chg[i])
			i++;
		while (j < b->n && b->chg[j])
			j++;
		if (i == a->n || j == b->n)
			return i == a->n && j == b->n;
		for (k = 0; i + k < a->n && j + k < b->n &&
		    !a->chg[i + k] && !b->chg[j + k]; k++)
			continue;
		len = a->off[i + k] - a->off[i];
		if (len != b->off[j + k] - b->off[j] ||
		    memcmp(a->text + a->off[i], b->text + b->off[j], len) != 0)
			return 0;
		i += k;
		j += k;
	}
}

/*
 * Marks the changed lines of both sides.  In a big window a first pass
 * compares line hashes, on a work budget a few times the size, and the
 * result is kept if the lines it pairs are equal byte for byte: a few
 * edits in a big text end there, without a hash table.  Otherwise lines
 * get equivalence classes; a line whose class is absent from the other
 * side is a change at once (as GNU diff discards it) and the search runs
 * on the rest.
 */
static void
mark_changes(struct side *sides)
{
	struct ctx	 cx;
	uint64_t	*cls[2], *v[2];
	uint32_t	*count[2];
	char		*chg[2];
	size_t		 n[2], k, i, r, neq;

	for (k = 0; k < 2; k++)
		n[k] = sides[k].n;
	ctx_init(&cx, n[0], n[1]);
	if (n[0] + n[1] >= DIFF_BIG) {
		cx.xv = sides[0].h;
		cx.yv = sides[1].h;
		cx.xchg = sides[0].chg;
		cx.ychg = sides[1].chg;
		cx.budget = 16 * (n[0] + n[1]);
		compareseq(&cx, 0, (ptrdiff_t)n[0], 0, (ptrdiff_t)n[1], 0);
		if (!cx.over && pairs_equal(sides)) {
			ctx_free(&cx);
			return;
		}
		memset(sides[0].chg, 0, n[0]);
		memset(sides[1].chg, 0, n[1]);
	}
	ctx_free(&cx);

	for (k = 0; k < 2; k++)
		cls[k] = xreallocarray(NULL, n[k] + 1, sizeof *cls[k]);
	neq = classify(sides, cls);
	for (k = 0; k < 2; k++) {
		count[k] = xcalloc(neq + 1, sizeof *count[k]);
		for (i = 0; i < n[k]; i++)
			count[k][cls[k][i]]++;
	}
	for (k = 0; k < 2; k++) {
		v[k] = xreallocarray(NULL, n[k] + 1, sizeof *v[k]);
		chg[k] = xcalloc(n[k] + 1, 1);
		for (i = r = 0; i < n[k]; i++) {
			if (count[1 - k][cls[k][i]] == 0)
				sides[k].chg[i] = 1;
			else
				v[k][r++] = cls[k][i];
		}
		n[k] = r;
	}
	ctx_init(&cx, n[0], n[1]);
	cx.xv = v[0];
	cx.yv = v[1];
	cx.xchg = chg[0];
	cx.ychg = chg[1];
	compareseq(&cx, 0, (ptrdiff_t)n[0], 0, (ptrdiff_t)n[1], 0);
	ctx_free(&cx);
	for (k = 0; k < 2; k++)
		for (i = r = 0; i < sides[k].n; i++)
			if (count[1 - k][cls[k][i]] != 0)
				sides[k].chg[i] = chg[k][r++];
	for (k = 0; k < 2; k++) {
		free(cls[k]);
		free(count[k]);
		free(v[k]);
		free(chg[k]);
	}
}

/*
 * Slides each run of changes as GNU diff does: back as far as equal lines
 * allow (merging with earlier runs), then forward as far as they allow
 * (merging with later ones), until the run stops growing; finally back
 * again to the last place where it lines up with a change in the other
 * text.  The same rule gives the same hunks as diff -u.
 */
static void
shift_runs(struct side *s, const struct side *o)
{
	char		*chg = s->chg;
	const char	*other = o->chg;
	ptrdiff_t	 n = (ptrdiff_t)s->n, i = 0, j = 0;
	ptrdiff_t	 start, runlen, corr;

	for (;;) {
		while (i < n && !chg[i]) {
			while (other[j])
				j++;
			j++;
			i++;
		}
		if (i == n)
			break;
		start = i;
		while (chg[++i])
			continue;
		while (other[j])
			j++;
		do {
			runlen = i - start;
			while (start > 0 && line_eq(s, start - 1, s, i - 1)) {
				chg[--start] = 1;
				chg[--i] = 0;
				while (chg[start - 1])
					start--;
				while (other[--j])
					continue;
			}
			corr = other[j - 1] ? i : n;
			while (i != n && line_eq(s, start, s, i)) {
				chg[start++] = 0;
				chg[i++] = 1;
				while (chg[i])
					i++;
				while (other[++j])
					corr = i;
			}
		} while (runlen != i - start);
		while (corr < i) {
			chg[--start] = 1;
			chg[--i] = 0;
			while (other[--j])
				continue;
		}
	}
}

/* Collects the changes in order; returns their number (*cp: caller frees). */
static size_t
collect(const struct side *a, const struct side *b, struct change **cp)
{
	struct change	*c = NULL;
	size_t		 nc = 0, cap = 0, i = 0, j = 0;

	while (i < a->n || j < b->n) {
		if (i < a->n && j < b->n && !a->chg[i] && !b->chg[j]) {
			i++;
			j++;
			continue;
		}
		if (nc == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			c = xreallocarray(c, cap, sizeof *c);
		}
		c[nc].i = i;
		c[nc].j = j;
		while (i < a->n && a->chg[i])
			i++;
		while (j < b->n && b->chg[j])
			j++;
		/* Cannot happen: unchanged lines pair up one to one. */
		if (i == c[nc].i && j == c[nc].j) {
			if (i < a->n)
				i++;
			if (j < b->n)
				j++;
		}
		c[nc].del = i - c[nc].i;
		c[nc].ins = j - c[nc].j;
		nc++;
	}
	*cp = c;
	return nc;
}

/* A hunk header range, as diff -u: "L" for one line, "L,0" for none. */
static void
put_range(struct buf *out, size_t first, size_t count)
{
	if (count == 0)
		buf_printf(out, "%zu,0", first);
	else if (count == 1)
		buf_printf(out, "%zu", first + 1);
	else
		buf_printf(out, "%zu,%zu", first + 1, count);
}

static void
put_line(struct buf *out, char mark, const struct side *s, ptrdiff_t i)
{
	const char	*p;
	size_t		 len;

	p = side_line(s, i, &len);
	buf_reserve(out, len + 2);
	buf_addch(out, mark);
	buf_add(out, p, len);
	if (len == 0 || p[len - 1] != '\n')
		buf_addstr(out, "\n\\ No newline at end of file\n");
}

/*
 * Prints changes c[0, nc) as one hunk, with context that may reach past
 * the window into the lines kept around it; base is the number of the
 * window's first line (0-based).
 */
static void
put_hunk(struct buf *out, const struct side *a, const struct side *b,
    const struct change *c, size_t nc, size_t base, struct diff_stat *st)
{
	const struct change	*last = &c[nc - 1];
	ptrdiff_t		 first0, first1, end0, end1, i, j, lim;
	size_t			 k, after;

	/* Context lines before: equal in both, at most DIFF_CONTEXT. */
	first0 = (ptrdiff_t)c[0].i - DIFF_CONTEXT;
	if (first0 < -(ptrdiff_t)a->nbefore)
		first0 = -(ptrdiff_t)a->nbefore;
	first1 = (ptrdiff_t)c[0].j - ((ptrdiff_t)c[0].i - first0);
	end0 = (ptrdiff_t)(last->i + last->del);
	end1 = (ptrdiff_t)(last->j + last->ins);
	after = a->n + a->nafter - (size_t)end0;
	if (b->n + b->nafter - (size_t)end1 < after)
		after = b->n + b->nafter - (size_t)end1;
	if (after > DIFF_CONTEXT)
		after = DIFF_CONTEXT;

	buf_addstr(out, "@@ -");
	put_range(out, (size_t)((ptrdiff_t)base + first0),
	    (size_t)(end0 - first0) + after);
	buf_addstr(out, " +");
	put_range(out, (size_t)((ptrdiff_t)base + first1),
	    (size_t)(end1 - first1) + after);
	buf_addstr(out, " @@\n");

	i = first0;
	j = first1;
	for (k = 0; k < nc; k++) {
		for (; i < (ptrdiff_t)c[k].i; i++, j++)
			put_line(out, ' ', a, i);
		for (lim = i + (ptrdiff_t)c[k].del; i < lim; i++)
			put_line(out, '-', a, i);
		for (lim = j + (ptrdiff_t)c[k].ins; j < lim; j++)
			put_line(out, '+', b, j);
		st->removed += c[k].del;
		st->added += c[k].ins;
	}
	for (lim = end0 + (ptrdiff_t)after; i < lim; i++)
		put_line(out, ' ', a, i);
	st->hunks++;
}

void
diff_unified(const char *a, size_t alen, const char *b, size_t blen,
    const char *alabel, const char *blabel, struct buf *out,
    struct diff_stat *st)
{
	struct side	 sides[2];
	struct change	*c = NULL;
	struct diff_stat s = { 0, 0, 0 };
	size_t		 pre, suf, xs, ws, ae, axe, be, bxe, base, nc, k, h;

	if (st != NULL)
		*st = s;
	if (a == NULL)
		a = "";
	if (b == NULL)
		b = "";
	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return;

	/* The common prefix and suffix, as whole lines of both texts. */
	pre = common_prefix(a, b, alen < blen ? alen : blen);
	while (pre > 0 && a[pre - 1] != '\n')
		pre--;
	suf = common_suffix(a + pre, alen - pre, b + pre, blen - pre);
	while (suf > 0) {
		ae = alen - suf;
		be = blen - suf;
		if ((ae == pre || a[ae - 1] == '\n') &&
		    (be == pre || b[be - 1] == '\n'))
			break;
		suf--;
	}

	/*
	 * The window runs from DIFF_CONTEXT lines before the first
	 * difference to as many after the last, as GNU diff's does: runs
	 * of changes may slide into those lines.  As many again on each
	 * side are kept for the hunks' context.
	 */
	ws = back_lines(a, pre, DIFF_CONTEXT);
	xs = back_lines(a, ws, DIFF_CONTEXT);
	ae = alen - suf;
	ae = fwd_lines(a, ae, alen, DIFF_CONTEXT);
	axe = fwd_lines(a, ae, alen, DIFF_CONTEXT);
	be = blen - suf + (ae - (alen - suf));
	bxe = blen - suf + (axe - (alen - suf));
	base = count_newlines(a, ws);

	side_split(&sides[0], a, xs, ws, ae, axe);
	side_split(&sides[1], b, xs, ws, be, bxe);
	mark_changes(sides);
	shift_runs(&sides[0], &sides[1]);
	shift_runs(&sides[1], &sides[0]);
	nc = collect(&sides[0], &sides[1], &c);

	if (nc > 0) {
		buf_printf(out, "--- %s\n+++ %s\n", alabel, blabel);
		for (k = 0; k < nc; k = h) {
			/* Runs less than 2 * context + 1 lines apart merge. */
			for (h = k + 1; h < nc; h++)
				if (c[h].i - (c[h - 1].i + c[h - 1].del) >=
				    2 * DIFF_CONTEXT + 1)
					break;
			put_hunk(out, &sides[0], &sides[1], &c[k], h - k,
			    base, &s);
		}
	}
	if (st != NULL)
		*st = s;

	free(c);
	side_free(&sides[0]);
	side_free(&sides[1]);
}
