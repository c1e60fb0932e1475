/* Text for people and for shells: sizes, sh quoting, "did you mean". */
#ifndef PAKS_TEXT_H
#define PAKS_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

char	*text_size(uint64_t);
void	 text_shell_quote(struct strbuf *, const char *);
size_t	 text_distance(const char *, size_t, const char *, size_t);

void	 text_plain(char *);	/* control bytes become '?' */

#endif
