/* Growable byte buffers. */
#ifndef PAKS_STRBUF_H
#define PAKS_STRBUF_H

#include <stddef.h>

struct strbuf {
	char	*buf;	/* NUL-terminated once anything is added */
	size_t	 len;
	size_t	 alloc;
};

#define STRBUF_INIT { NULL, 0, 0 }

void	strbuf_add(struct strbuf *, const void *, size_t);
void	strbuf_adds(struct strbuf *, const char *);
void	strbuf_addch(struct strbuf *, char);
void	strbuf_addf(struct strbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	strbuf_add_shown(struct strbuf *, const char *, size_t);
void	strbuf_remove_front(struct strbuf *, size_t);
void	strbuf_reset(struct strbuf *);
void	strbuf_release(struct strbuf *);
char   *strbuf_detach(struct strbuf *);
const char *strbuf_str(const struct strbuf *);

#define _cleanup_strbuf_ __attribute__((cleanup(strbuf_release)))

#endif
