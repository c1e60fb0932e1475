/* NULL-terminated string vectors, used for argument vectors. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "strv.h"
#include "xalloc.h"

static void
strv_take(struct strv *sv, char *s)
{
	if (sv->n + 2 > sv->alloc) {
		sv->alloc = sv->alloc ? sv->alloc * 2 : 8;
		sv->v = xreallocarray(sv->v, sv->alloc, sizeof *sv->v);
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void
strv_push(struct strv *sv, const char *s)
{
	strv_take(sv, xstrdup(s));
}

void
strv_pushf(struct strv *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strv_take(sv, xvasprintf(fmt, ap));
	va_end(ap);
}

void
strv_pushv(struct strv *sv, char *const *v)
{
	for (; v != NULL && *v != NULL; v++)
		strv_push(sv, *v);
}

void
strv_release(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->alloc = 0;
}

/* Hand the vector to the caller (free with strv_free). */
char **
strv_detach(struct strv *sv)
{
	char **v = sv->v;

	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	sv->v = NULL;
	sv->n = sv->alloc = 0;
	return v;
}

void
strv_free(char **v)
{
	for (char **p = v; p != NULL && *p != NULL; p++)
		free(*p);
	free(v);
}
