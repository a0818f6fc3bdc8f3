/*
 * scr_cert.c: step 4, the certificate the primary must present.  Three
 * sources: a file (Tab completes, F3 opens a picker; the fingerprint and
 * the certificate's details follow the path as it is typed), a fetch
 * from the primary (core/probe.h, in a thread, cancellable), or a pasted
 * fingerprint.  Then the digest (default: the one in force), the pin
 * kind, and on rotation whether the pins in force stay beside the new
 * one.  A fingerprint wraps whole; it is never cut.
 */
#include "scr_cert.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pathcomp.h"
#include "probe.h"
#include "wizard.h"

enum {
	F_SOURCE,
	F_VALUE,	/* the path, the pasted text or the fetch */
	F_DIGEST,
	F_PIN,
	F_KEEP,
	F_N
};

static int		 focus = F_VALUE;
static char		*msg;		/* completion and picker notes */

/* The certificate behind the path, loaded when the path changes. */
static char		*loaded;
static struct cert	*cert;
static struct cert_info	 info;
static int		 nchain;
static char		*cert_err;

/* The file picker. */
static int		 picking;
static char		*pick_dir;
static char		**pick_v;
static size_t		 pick_n, pick_sel, pick_top;

/* The fetch from the primary. */
static struct {
	pthread_t		th;
	int			running;
	atomic_int		finished;
	int			pfd[2];
	struct probe_opts	o;
	struct probe_result	r;
	char			*host;
	char			*cause;
	int			rc;
} fetch;
static char		*fetch_msg;
static enum role	 fetch_role;

static void
set_msg(char *m)
{
	free(msg);
	msg = m;
}

static void
unload(void)
{
	if (cert != NULL) {
		cert_info_free(&info);
		cert_free(cert);
		cert = NULL;
	}
	free(loaded);
	loaded = NULL;
	free(cert_err);
	cert_err = NULL;
}

/* Loads the certificate named by the path field when it changed. */
static void
load(struct wiz *w)
{
	const char	*p = field_text(&w->path);

	if (loaded != NULL && strcmp(loaded, p) == 0)
		return;
	unload();
	loaded = xstrdup(p);
	if (*p == '\0')
		return;
	if (cert_load_file(p, &cert, &nchain, &cert_err) == -1) {
		cert = NULL;
		return;
	}
	cert_get_info(cert, &info);
}

static void
fetch_cancel(void)
{
	if (!fetch.running)
		return;
	if (write(fetch.pfd[1], "x", 1) == -1) {
		/* the join below still ends it at the deadline */
	}
	pthread_join(fetch.th, NULL);
	probe_result_free(&fetch.r);
	free(fetch.cause);
	free(fetch.host);
	fetch.cause = fetch.host = NULL;
	close(fetch.pfd[0]);
	close(fetch.pfd[1]);
	fetch.running = 0;
}

void
scr_cert_free(void)
{
	fetch_cancel();
	unload();
	set_msg(NULL);
	free(fetch_msg);
	fetch_msg = NULL;
	strv_free(pick_v);
	pick_v = NULL;
	free(pick_dir);
	pick_dir = NULL;
}

static void *
fetch_thread(void *arg)
{
	(void)arg;
	fetch.rc = probe_run(&fetch.o, &fetch.r, &fetch.cause);
	atomic_store(&fetch.finished, 1);
	return NULL;
}

static void
fetch_start(struct wiz *w)
{
	fetch_cancel();
	if (pipe(fetch.pfd) == -1) {
		free(fetch_msg);
		fetch_msg = xasprintf("cannot fetch: %s", strerror(errno));
		fetch_role = R_ERR;
		return;
	}
	fetch.host = xstrdup(field_text(&w->host));
	probe_opts_init(&fetch.o, fetch.host);
	fetch.o.port = atoi(field_text(&w->port));
	fetch.o.cancel_fd = fetch.pfd[0];
	atomic_store(&fetch.finished, 0);
	if (pthread_create(&fetch.th, NULL, fetch_thread, NULL) != 0) {
		close(fetch.pfd[0]);
		close(fetch.pfd[1]);
		free(fetch.host);
		fetch.host = NULL;
		free(fetch_msg);
		fetch_msg = xstrdup("cannot fetch: no thread");
		fetch_role = R_ERR;
		return;
	}
	fetch.running = 1;
	free(fetch_msg);
	fetch_msg = xasprintf("fetching from %s port %d ... (Esc cancels)",
	    fetch.host, fetch.o.port);
	fetch_role = R_DIM;
}

int
scr_cert_busy(void)
{
	return fetch.running;
}

void
scr_cert_poll(struct wiz *w)
{
	char		 hm[16];
	time_t		 now = time(NULL);
	struct tm	 tm;

	if (!fetch.running || !atomic_load(&fetch.finished))
		return;
	pthread_join(fetch.th, NULL);
	fetch.running = 0;
	close(fetch.pfd[0]);
	close(fetch.pfd[1]);
	free(fetch_msg);
	if (fetch.rc == 0) {
		cert_free(w->fetched);
		w->fetched = fetch.r.cert;
		fetch.r.cert = NULL;
		localtime_r(&now, &tm);
		strftime(hm, sizeof hm, "%H:%M", &tm);
		fetch_msg = xasprintf("ok: %s presented this certificate "
		    "(fetched %s, %s)", fetch.r.peer != NULL ? fetch.r.peer :
		    fetch.host, hm, fetch.r.tls_version != NULL ?
		    fetch.r.tls_version : "TLS");
		fetch_role = R_GOOD;
		wiz_invalidate(w);
	} else {
		fetch_msg = xstrdup(fetch.cause != NULL ? fetch.cause :
		    "the fetch failed");
		fetch_role = R_ERR;
	}
	probe_result_free(&fetch.r);
	free(fetch.cause);
	free(fetch.host);
	fetch.cause = fetch.host = NULL;
}

static int
has_old_pins(struct wiz *w)
{
	struct state_domain	*d = wiz_state(w);

	return d != NULL && d->pins.n > 0;
}

void
scr_cert_enter(struct wiz *w)
{
	focus = F_VALUE;
	picking = 0;
	set_msg(NULL);
	free(loaded);		/* the file may have changed: reload */
	loaded = NULL;
	load(w);
}

/*
 * What the fetched (live) certificate means: when a certificate file is
 * also chosen, whether the primary presents that very certificate; else
 * the plain words of trust on first use.  Returns the rows drawn.
 */
static int
draw_live(struct wiz *w, int y, int ybot)
{
	const struct area	*a = &w->a;
	char			*live, *file = NULL, *m;
	int			 n, same;

	load(w);
	if (cert != NULL && !field_empty(&w->path)) {
		live = cert_fingerprint(w->fetched, FP_SHA256, 0);
		file = cert_fingerprint(cert, FP_SHA256, 0);
		same = live != NULL && file != NULL && strcmp(live, file) == 0;
		m = same ? xasprintf("live: the primary presents the "
		    "certificate in %s", field_text(&w->path)) :
		    xasprintf("live: the primary presents ANOTHER certificate "
		    "than the one in %s: pinning the file would defer mail "
		    "until the primary uses it", field_text(&w->path));
		n = draw_wrap(y, a->x, a->w, ybot - y, 0, same ? R_GOOD :
		    R_WARN, m);
		free(m);
		free(live);
		free(file);
		return n;
	}
	if (w->src != SRC_FETCH)
		return 0;
	return draw_wrap(y, a->x, a->w, ybot - y, 0, R_WARN, "Trust on first "
	    "use: anyone between here and the primary could have answered. "
	    "Confirm this fingerprint out of band (on the primary: mxpin "
	    "fingerprint CERTFILE) before you pin it.");
}

/* The pin the current answers give, or NULL with *why. */
static char *
current_fp(struct wiz *w, char **why)
{
	char	*out = NULL;

	*why = NULL;
	switch (w->src) {
	case SRC_FILE:
		load(w);
		if (cert == NULL) {
			*why = xstrdup(cert_err != NULL ? cert_err :
			    "type the path of the primary's certificate "
			    "(PEM or DER), Tab completes, F3 picks");
			return NULL;
		}
		out = cert_fingerprint(cert, w->digest, w->pin == PIN_PUBKEY);
		if (out == NULL)
			*why = xasprintf("OpenSSL cannot compute %s here",
			    fp_digest_name(w->digest));
		return out;
	case SRC_PASTE:
		if (field_empty(&w->paste)) {
			*why = xstrdup("paste the fingerprint (hex pairs, colons "
			    "optional)");
			return NULL;
		}
		if (fp_normalize(field_text(&w->paste), w->digest, &out, why)
		    == -1) {
			char *c = xasprintf("fingerprint: %s", *why);

			free(*why);
			*why = c;
			return NULL;
		}
		return out;
	case SRC_FETCH:
		if (w->fetched == NULL) {
			*why = xstrdup(fetch.running ? "waiting for the primary" :
			    "press F5 to fetch the certificate from the primary");
			return NULL;
		}
		return cert_fingerprint(w->fetched, w->digest,
		    w->pin == PIN_PUBKEY);
	}
	return NULL;
}

static int
draw_details(struct wiz *w, const struct cert *c, int y, int ybot)
{
	const struct area	*a = &w->a;
	struct cert_info	 fi;
	const struct cert_info	*ci = &info;
	struct buf		 b;
	char			 nb[32], na[32];
	time_t			 now = time(NULL);
	long long		 days;
	size_t			 i;
	int			 half = a->w / 2;

	if (c != cert) {
		cert_get_info(c, &fi);
		ci = &fi;
	}
	buf_init(&b);
	if (y < ybot) {
		draw_str(y, a->x, 9, R_NORMAL, "Subject");
		draw_str(y, a->x + 9, half - 10, R_NORMAL, ci->subject);
		draw_str(y, a->x + half, 8, R_NORMAL, "Key");
		draw_str(y, a->x + half + 8, a->w - half - 8, R_NORMAL,
		    ci->key_type);
		y++;
	}
	for (i = 0; ci->sans[i] != NULL; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", ci->sans[i]);
	if (y < ybot)
		y += draw_wrap(y, a->x + 9, a->w - 9, 1, 0, R_NORMAL,
		    b.len > 0 ? b.data : "(none)") > 0;
	if (y - 1 < ybot)
		draw_str(y - 1, a->x, 9, R_NORMAL, "SANs");
	if (y < ybot) {
		draw_str(y, a->x, 9, R_NORMAL, "Issuer");
		draw_fmt(y, a->x + 9, a->w - 9, R_NORMAL, "%s%s", ci->issuer,
		    ci->self_signed ? "  (self-signed)" : "");
		y++;
	}
	if (y < ybot) {
		strftime(nb, sizeof nb, "%Y-%m-%d", gmtime(&ci->not_before));
		strftime(na, sizeof na, "%Y-%m-%d", gmtime(&ci->not_after));
		days = (long long)(ci->not_after - now) / 86400;
		draw_str(y, a->x, 9, R_NORMAL, "Valid");
		draw_fmt(y, a->x + 9, 30, R_NORMAL, "%s %s %s", nb,
		    draw_arrow(), na);
		if (ci->not_after < now)
			draw_str(y, a->x + 40, a->w - 40, R_ERR, "EXPIRED");
		else if (days < 30)
			draw_fmt(y, a->x + 40, a->w - 40, R_WARN, "expires in "
			    "%lld days: renewal changes the pin", days);
		else
			draw_fmt(y, a->x + 40, a->w - 40, R_GOOD, "%lld days left",
			    days);
		y++;
	}
	if (c == cert && nchain > 1 && y < ybot)
		y += draw_wrap(y, a->x + 9, a->w - 9, ybot - y, 0, R_DIM,
		    "a chain: the first certificate (the leaf) is pinned; "
		    "Postfix matches only the leaf");
	buf_free(&b);
	if (c != cert)
		cert_info_free(&fi);
	return y;
}

static void
draw_picker(struct wiz *w)
{
	const struct area	*a = &w->a;
	int			 h = a->h - 2, i;
	size_t			 k;

	for (i = 0; i < a->h; i++)
		draw_clear(a->y + i, a->x, a->w);
	draw_fmt(a->y, a->x, a->w, R_TITLE, "Choose the certificate: %s",
	    pick_dir);
	if (pick_sel < pick_top)
		pick_top = pick_sel;
	if (pick_sel >= pick_top + (size_t)h)
		pick_top = pick_sel - (size_t)h + 1;
	for (k = pick_top; k < pick_n && (int)(k - pick_top) < h; k++)
		draw_str(a->y + 2 + (int)(k - pick_top), a->x + 2, a->w - 2,
		    k == pick_sel ? R_SEL : R_NORMAL, pick_v[k]);
	if (pick_n == 0)
		draw_str(a->y + 2, a->x + 2, a->w - 2, R_DIM, "(empty)");
}

void
scr_cert_draw(struct wiz *w)
{
	const struct area	*a = &w->a;
	struct state_domain	*d = wiz_state(w);
	char			*nh = wiz_nexthop(w), *fp, *why = NULL;
	int			 y = a->y, ybot = a->y + a->h, cy = -1, cx = -1;
	int			 fw, x, need;
	size_t			 i;
	static const char *const srcs[] = { "file", "fetch from primary",
	    "paste a fingerprint" };

	if (picking) {
		draw_picker(w);
		free(nh);
		wiz_cursor(w, -1, -1);
		return;
	}
	y += draw_wrap(y, a->x, a->w, 2, 0, R_TITLE, w->rotate && d != NULL ?
	    "Rotation: which certificate will the primary present from now "
	    "on?" : "Which certificate must the primary present?");
	if (d != NULL && d->pins.n > 0) {
		draw_fmt(y++, a->x, a->w, R_NORMAL, "In force for %s: %zu "
		    "pin%s (%s):", nh, d->pins.n, d->pins.n == 1 ? "" : "s",
		    d->digest != NULL ? d->digest : "?");
		for (i = 0; i < d->pins.n && y < ybot - 8; i++) {
			char *m = xasprintf("match=%s", strlist_get(&d->pins,
			    i));

			y += draw_wrap(y, a->x + 2, a->w - 2, ybot - 8 - y, 6,
			    R_DIM, m);
			free(m);
		}
	}
	y++;
	/* Source. */
	draw_str(y, a->x, 9, focus == F_SOURCE ? R_TITLE : R_NORMAL, "Source");
	x = a->x + 9;
	for (i = 0; i < 3; i++)
		x += draw_fmt(y, x, a->x + a->w - x, focus == F_SOURCE &&
		    (int)i == (int)w->src ? R_SEL : R_NORMAL, "(%s) %s   ",
		    (int)i == (int)w->src ? "*" : " ", srcs[i]);
	y++;
	/* The value. */
	fw = a->w - 9 - (a->w >= 72 ? 16 : 0);
	switch (w->src) {
	case SRC_FILE:
		draw_str(y, a->x, 9, R_NORMAL, "File");
		field_draw(&w->path, y, a->x + 9, fw, focus == F_VALUE, &cy,
		    &cx);
		if (a->w >= 72)
			draw_str(y, a->x + 10 + fw, a->w - 10 - fw, R_DIM,
			    "Tab: complete");
		break;
	case SRC_PASTE:
		draw_str(y, a->x, 9, R_NORMAL, "Paste");
		field_draw(&w->paste, y, a->x + 9, a->w - 9, focus == F_VALUE,
		    &cy, &cx);
		break;
	case SRC_FETCH:
		draw_str(y, a->x, 9, R_NORMAL, "Fetch");
		draw_fmt(y, a->x + 9, a->w - 9, focus == F_VALUE ? R_SEL :
		    R_NORMAL, "[ F5: fetch from %s port %s ]",
		    field_text(&w->host), field_text(&w->port));
		break;
	}
	y++;
	if (msg != NULL)
		y += draw_wrap(y, a->x + 9, a->w - 9, 1, 0, R_DIM, msg);
	/* Digest, pin, keep. */
	draw_str(y, a->x, 9, focus == F_DIGEST ? R_TITLE : R_NORMAL, "Digest");
	draw_fmt(y, a->x + 9, 14, focus == F_DIGEST ? R_SEL : R_NORMAL,
	    "< %s >", fp_digest_name(w->digest));
	draw_str(y, a->x + 25, 5, focus == F_PIN ? R_TITLE : R_NORMAL, "Pin");
	draw_fmt(y, a->x + 30, a->w - 30, focus == F_PIN ? R_SEL : R_NORMAL,
	    "< %s >", w->pin == PIN_PUBKEY ? "public key" : "certificate");
	y++;
	if (ascii_casecmp(fp_digest_name(w->digest), w->pc.digest) != 0)
		y += draw_wrap(y, a->x + 9, a->w - 9, 2, 0, R_WARN, "the digest "
		    "is global: every other fingerprint pin on this host must "
		    "use it too (the review checks)");
	if (has_old_pins(w)) {
		draw_str(y, a->x, 9, focus == F_KEEP ? R_TITLE : R_NORMAL,
		    "Old pin");
		draw_str(y, a->x + 9, a->w - 9, focus == F_KEEP ? R_SEL :
		    R_NORMAL, w->keep_old ? "< keep beside the new one "
		    "(match=old|new) >" : "< replace it (match=new) >");
		y++;
	}
	y++;
	/* What the source gives. */
	fp = current_fp(w, &why);
	need = fp != NULL ? draw_wrap(0, 0, a->w, 0, 6, R_NORMAL, fp) : 0;
	if (w->src == SRC_FILE && cert != NULL)
		y = draw_details(w, cert, y, ybot - need - 2);
	else if (w->src == SRC_FETCH && w->fetched != NULL)
		y = draw_details(w, w->fetched, y, ybot - need - 2);
	if (fp != NULL) {
		y++;
		if (y + need > ybot)
			y = ybot - need;
		draw_str(y, a->x, 6, R_NORMAL, "match=");
		y += draw_wrap(y, a->x + 6, a->w - 6, need, 0, R_TITLE, fp);
	} else if (why != NULL)
		y += draw_wrap(y, a->x, a->w, ybot - y, 0,
		    w->src == SRC_FILE && cert_err != NULL ? R_ERR :
		    w->src == SRC_PASTE && !field_empty(&w->paste) ? R_ERR :
		    R_DIM, why);
	if (w->src == SRC_FETCH && fetch_msg != NULL && y < ybot)
		y += draw_wrap(y, a->x, a->w, ybot - y, 0, fetch_role,
		    fetch_msg);
	if (w->fetched != NULL && y < ybot)
		y += draw_live(w, y, ybot);
	free(fp);
	free(why);
	free(nh);
	wiz_cursor(w, cy, cx);
}

static void
pick_open(const char *dir)
{
	char	*d = xstrdup(dir);

	strv_free(pick_v);
	pick_v = pathcomp_list(d, &pick_n);
	if (pick_v == NULL) {
		set_msg(xasprintf("cannot list %s: %s", d, strerror(errno)));
		free(d);
		picking = 0;
		return;
	}
	free(pick_dir);
	pick_dir = d;
	pick_sel = pick_top = 0;
	picking = 1;
}

static int
pick_key(struct wiz *w, int k)
{
	char	*p, *s;

	switch (k) {
	case K_ESC:
		picking = 0;
		return 1;
	case KEYF(KEY_UP):
		if (pick_sel > 0)
			pick_sel--;
		return 1;
	case KEYF(KEY_DOWN):
		if (pick_sel + 1 < pick_n)
			pick_sel++;
		return 1;
	case KEYF(KEY_PPAGE):
		pick_sel = pick_sel > 10 ? pick_sel - 10 : 0;
		return 1;
	case KEYF(KEY_NPAGE):
		pick_sel = pick_sel + 10 < pick_n ? pick_sel + 10 :
		    (pick_n > 0 ? pick_n - 1 : 0);
		return 1;
	case KEYF(KEY_HOME):
		pick_sel = 0;
		return 1;
	case KEYF(KEY_END):
		pick_sel = pick_n > 0 ? pick_n - 1 : 0;
		return 1;
	case K_ENTER:
		if (pick_n == 0)
			return 1;
		s = pick_v[pick_sel];
		if (strcmp(s, "../") == 0) {
			p = xstrdup(pick_dir);
			if (strrchr(p, '/') != NULL && strrchr(p, '/') != p)
				*strrchr(p, '/') = '\0';
			else
				strcpy(p, "/");
			pick_open(p);
			free(p);
		} else if (s[strlen(s) - 1] == '/') {
			p = xasprintf("%s%s%.*s", pick_dir,
			    strcmp(pick_dir, "/") == 0 ? "" : "/",
			    (int)strlen(s) - 1, s);
			pick_open(p);
			free(p);
		} else {
			p = xasprintf("%s%s%s", pick_dir,
			    strcmp(pick_dir, "/") == 0 ? "" : "/", s);
			field_set(&w->path, p);
			free(p);
			picking = 0;
			focus = F_VALUE;
			wiz_invalidate(w);
		}
		return 1;
	}
	return 1;
}

static void
cycle(struct wiz *w, int dir)
{
	switch (focus) {
	case F_SOURCE:
		w->src = (enum cert_source)(((int)w->src + 3 + dir) % 3);
		break;
	case F_DIGEST:
		w->digest = (enum fp_digest)(((int)w->digest + 4 + dir) % 4);
		break;
	case F_PIN:
		w->pin = w->pin == PIN_CERT ? PIN_PUBKEY : PIN_CERT;
		break;
	case F_KEEP:
		w->keep_old = !w->keep_old;
		break;
	default:
		return;
	}
	wiz_invalidate(w);
}

static void
move_focus(struct wiz *w, int dir)
{
	int	n = has_old_pins(w) ? F_N : F_KEEP;

	focus = (focus + n + dir) % n;
}

int
scr_cert_key(struct wiz *w, int k)
{
	char	*fp, *why = NULL, *c, *slash, *dir;
	int	 changed, n;

	if (picking)
		return pick_key(w, k);
	switch (k) {
	case K_ENTER:
		if ((fp = current_fp(w, &why)) == NULL) {
			free(why);
			focus = F_VALUE;
			return 1;
		}
		free(fp);
		fetch_cancel();
		wiz_next(w);
		return 1;
	case K_ESC:
		if (fetch.running) {
			fetch_cancel();
			free(fetch_msg);
			fetch_msg = xstrdup("fetch cancelled");
			fetch_role = R_DIM;
			return 1;
		}
		return 0;
	case KEYF(KEY_F(3)):
		w->src = SRC_FILE;
		dir = xstrdup(field_text(&w->path));
		if ((slash = strrchr(dir, '/')) != NULL && slash != dir)
			*slash = '\0';
		else if (slash == dir)
			dir[1] = '\0';
		else {
			free(dir);
			dir = getcwd(NULL, 0);
			if (dir == NULL)
				dir = xstrdup("/");
		}
		pick_open(dir);
		free(dir);
		return 1;
	case KEYF(KEY_F(5)):
		w->src = SRC_FETCH;
		focus = F_VALUE;
		fetch_start(w);
		return 1;
	case K_TAB:
		if (focus == F_VALUE && w->src == SRC_FILE) {
			c = pathcomp_complete(field_text(&w->path), &n);
			if (c != NULL) {
				field_set(&w->path, c);
				free(c);
				set_msg(n > 1 ? xasprintf("%d names match", n) :
				    NULL);
				wiz_invalidate(w);
				return 1;
			}
			if (n > 1) {
				set_msg(xasprintf("%d names match; type more "
				    "or F3 to pick", n));
				return 1;
			}
		}
		set_msg(NULL);
		move_focus(w, 1);
		return 1;
	case KEYF(KEY_BTAB):
	case KEYF(KEY_UP):
		move_focus(w, -1);
		return 1;
	case KEYF(KEY_DOWN):
		move_focus(w, 1);
		return 1;
	case KEYF(KEY_LEFT):
	case KEYF(KEY_RIGHT):
	case ' ':
		if (focus != F_VALUE) {
			cycle(w, k == KEYF(KEY_LEFT) ? -1 : 1);
			if (focus == F_SOURCE && w->src == SRC_FETCH &&
			    w->fetched == NULL && !fetch.running)
				fetch_start(w);
			return 1;
		}
		break;
	}
	if (focus == F_VALUE && w->src != SRC_FETCH) {
		if (field_key(w->src == SRC_FILE ? &w->path : &w->paste, k,
		    &changed)) {
			if (changed) {
				set_msg(NULL);
				wiz_invalidate(w);
			}
			return 1;
		}
	}
	return 0;
}

void
scr_cert_help(struct wiz *w, struct buf *out)
{
	buf_printf(out, "Step 4: the certificate.\n\nSource (Left/Right "
	    "on it): a file holding the primary's certificate (PEM or DER; "
	    "Tab completes the name, F3 opens a picker; a private key, a CSR "
	    "or a chain are recognised), a fetch from the primary (F5: "
	    "STARTTLS to the host and port of step 2), or a fingerprint "
	    "pasted as text.\nDigest: the fingerprint's hash; writes "
	    "smtp_tls_fingerprint_digest (now: %s).  It is global: changing "
	    "it breaks every other fingerprint pin on this host.\nPin: the "
	    "certificate (changes on every renewal) or its public key "
	    "(survives a renewal that keeps the key).\nOld pin (rotation): "
	    "keep the pins in force beside the new one (match=old|new, "
	    "safe while the primary switches) or replace them.\n\nWrites "
	    "the policy in smtp_tls_policy_maps (now: %s).\n", w->pc.digest,
	    *w->pc.smtp_tls_policy_maps != '\0' ? w->pc.smtp_tls_policy_maps :
	    "empty");
}

const char *
scr_cert_footer(struct wiz *w)
{
	(void)w;
	if (picking)
		return "Enter open/choose   Up/Down move   Esc cancel";
	if (focus != F_VALUE)
		return "Enter next  Left/Right change  Tab field  F3 pick file"
		    "  F5 fetch  Esc back  F1 help";
	return "Enter next  Tab complete/field  F3 pick file  F5 fetch  "
	    "Esc back  F1 help";
}
