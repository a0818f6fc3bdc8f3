/*
 * smtpreply.h: a strict, bounded parser for SMTP replies (RFC 5321
 * section 4.2), fed bytes as they arrive from the network.
 *
 * A reply is one or more lines "NNN-text" ending with "NNN text" (or a
 * bare "NNN"), every line with the same code.  Lines end with CRLF; a bare
 * LF is tolerated.  RFC 5321 allows 512 bytes per line; longer lines are
 * accepted up to SMTP_LINE_LIMIT, and a reply holds at most
 * SMTP_REPLY_MAXLINES lines, so the parser never holds more than about
 * SMTP_LINE_LIMIT * SMTP_REPLY_MAXLINES bytes whatever the peer sends.
 * No I/O here: the caller reads and feeds.
 */
#ifndef MXPIN_SMTPREPLY_H
#define MXPIN_SMTPREPLY_H

#include <stddef.h>

#include "util.h"

#define SMTP_LINE_MAX		512	/* RFC 5321 4.5.3.1.5, with CRLF */
#define SMTP_LINE_LIMIT		2048	/* what we tolerate, without CRLF */
#define SMTP_REPLY_MAXLINES	100

/* A complete reply.  Free with smtp_reply_free; a zeroed one is empty. */
struct smtp_reply {
	int	  code;		/* 200-599 */
	size_t	  nlines;
	char	**lines;	/* the text after "NNN-" or "NNN ", without
				   the line end; NULL-terminated.  May hold
				   control characters (never NUL): escape
				   before showing. */
};

/* The parser state.  Fields are private; a zeroed struct is NOT valid:
   use smtp_parser_init. */
struct smtp_parser {
	struct buf	  line;		/* the line being read */
	struct smtp_reply reply;	/* the reply being assembled */
	size_t		  cap;		/* allocated slots in reply.lines */
	int		  failed;
};

void	smtp_parser_init(struct smtp_parser *);
void	smtp_parser_free(struct smtp_parser *);

/*
 * Feeds len bytes.  Returns:
 *   1  a reply is complete: *used bytes of data were consumed (the rest
 *      belongs to whatever follows the reply) and the reply is handed over
 *      to *out (caller frees with smtp_reply_free); the parser is ready
 *      for the next reply;
 *   0  everything was consumed (*used == len) and more is needed;
 *  -1  the peer broke the protocol: *cause (caller frees) says how, e.g.
 *      "reply line too long (more than 2048 bytes)".  The parser stays
 *      failed (every later call fails the same way) until reinitialised.
 */
int	smtp_parser_feed(struct smtp_parser *, const void *data, size_t len,
	    size_t *used, struct smtp_reply *out, char **cause);

/* 1 when bytes of a reply not yet complete are held. */
int	smtp_parser_pending(const struct smtp_parser *);

void	smtp_reply_free(struct smtp_reply *);

/*
 * For a reply to EHLO: 1 when one of the lines after the first (the
 * greeting) announces keyword (case-insensitive, e.g. "STARTTLS"),
 * followed by nothing or by a space and parameters.  0 otherwise.
 */
int	smtp_reply_has_ext(const struct smtp_reply *, const char *keyword);

#endif
