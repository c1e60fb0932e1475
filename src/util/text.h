/* Text for people and for shells: byte sizes, and words quoted for sh. */
#ifndef PAKS_TEXT_H
#define PAKS_TEXT_H

#include <stdint.h>

struct strbuf;

char	*text_size(uint64_t);
void	 text_shell_quote(struct strbuf *, const char *);

#endif
