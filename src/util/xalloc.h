/* Allocation that aborts with one line on out-of-memory. */
#ifndef PAKS_XALLOC_H
#define PAKS_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list)
    __attribute__((format(printf, 1, 0)));
_Noreturn void xoom(void);

#define BUG(...) paks_bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void paks_bug(const char *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

#endif
