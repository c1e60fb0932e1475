/* Errors carried up to the one place that prints them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "text.h"
#include "xalloc.h"

/* Set *err (if err is not NULL and not already set); always returns -1. */
int
paks_error_set(struct paks_error **err, int code, const char *fmt, ...)
{
	va_list ap;
	struct paks_error *e;

	if (err == NULL || *err != NULL)
		return -1;
	e = xcalloc(1, sizeof *e);
	e->code = code;
	va_start(ap, fmt);
	e->msg = xvasprintf(fmt, ap);
	va_end(ap);
	*err = e;
	return -1;
}

/* Attach a "hint:" line saying what to do; returns -1. */
int
paks_error_hint(struct paks_error **err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || *err == NULL)
		return -1;
	free((*err)->hint);
	va_start(ap, fmt);
	(*err)->hint = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

/* Prefix context: "#envload: cannot open ..."; returns -1. */
int
paks_error_wrap(struct paks_error **err, const char *fmt, ...)
{
	va_list ap;
	char *prefix, *msg;

	if (err == NULL || *err == NULL)
		return -1;
	va_start(ap, fmt);
	prefix = xvasprintf(fmt, ap);
	va_end(ap);
	msg = xasprintf("%s: %s", prefix, (*err)->msg);
	free(prefix);
	free((*err)->msg);
	(*err)->msg = msg;
	return -1;
}

/* "msg: strerror" on one line, then "hint: ..." on a second if present. */
char *
paks_error_format(const struct paks_error *e)
{
	char *line, *out;

	if (e->code != 0)
		line = xasprintf("%s: %s", e->msg, strerror(e->code));
	else
		line = xstrdup(e->msg);
	if (e->hint == NULL) {
		text_plain(line);
		return line;
	}
	out = xasprintf("%s\nhint: %s", line, e->hint);
	free(line);
	text_plain(out);
	return out;
}

void
paks_error_free(struct paks_error *e)
{
	if (e == NULL)
		return;
	free(e->msg);
	free(e->hint);
	free(e);
}

void
paks_error_release(struct paks_error **e)
{
	paks_error_free(*e);
	*e = NULL;
}
