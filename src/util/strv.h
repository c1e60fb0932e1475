/* NULL-terminated string vectors, used for argument vectors. */
#ifndef PAKS_STRV_H
#define PAKS_STRV_H

#include <stddef.h>

struct strv {
	char	**v;	/* always NULL-terminated once anything is pushed */
	size_t	  n;
	size_t	  alloc;
};

#define STRV_INIT { NULL, 0, 0 }

void	strv_push(struct strv *, const char *);
void	strv_pushf(struct strv *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	strv_pushv(struct strv *, char *const *);
void	strv_release(struct strv *);
char  **strv_detach(struct strv *);
void	strv_free(char **);

#define _cleanup_strv_ __attribute__((cleanup(strv_release)))

#endif
