/* Keystroke tracking: where the user pressed Enter, and on what line. */
#ifndef PAKS_LINEBUF_H
#define PAKS_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

struct linebuf {
	struct strbuf	 line;
	bool		 unknown;	/* editing paks cannot follow */
	int		 esc;		/* escape-sequence state */
	bool		 paste;		/* inside bracketed paste */
	struct strbuf	 seq;		/* escape sequence being read */
};

struct linebuf_event {
	bool		 enter;		/* an Enter ended the consumed bytes */
	bool		 known;		/* the line text is exactly known */
	char		*text;		/* the line, when known */
};

void	linebuf_init(struct linebuf *);
void	linebuf_release(struct linebuf *);
void	linebuf_reset(struct linebuf *);
size_t	linebuf_feed(struct linebuf *, const char *, size_t,
	    struct linebuf_event *);

#endif
