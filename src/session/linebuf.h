/* Keystroke tracking: where the user pressed Enter, and on what line. */
#ifndef PAKS_LINEBUF_H
#define PAKS_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

/* In a template, where a Tab completion put text paks did not see. */
#define LINEBUF_HOLE '\001'
#define LINEBUF_MAX 4096
#define LINEBUF_MAX_HOLES 8

struct linebuf {
	struct strbuf	 line;		/* the template (see linebuf.c) */
	size_t		 cursor;	/* byte offset in line */
	int		 holes;		/* LINEBUF_HOLE bytes in line */
	bool		 unknown;	/* editing paks cannot follow */
	bool		 history;	/* a history key was used */
	bool		 kill_whole;	/* zsh: Ctrl-U kills the whole line */
	int		 esc;		/* escape-sequence state */
	bool		 paste;		/* inside bracketed paste */
	struct strbuf	 seq;		/* escape sequence being read */
};

struct linebuf_event {
	bool		 enter;		/* an Enter ended the consumed bytes */
	bool		 known;		/* the template is exact */
	bool		 history;	/* Up, Ctrl-R, ...: text from history */
	char		*text;		/* the template, when known */
};

void	linebuf_init(struct linebuf *);
void	linebuf_release(struct linebuf *);
void	linebuf_reset(struct linebuf *);
size_t	linebuf_feed(struct linebuf *, const char *, size_t,
	    struct linebuf_event *);
bool	linebuf_exact(const char *);
bool	linebuf_match(const char *, size_t, const char *);

#endif
