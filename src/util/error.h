/* Errors carried up to the one place that prints them. */
#ifndef PAKS_ERROR_H
#define PAKS_ERROR_H

#include <stdarg.h>

struct paks_error {
	int	 code;	/* errno, or 0 */
	char	*msg;
	char	*hint;
};

int	paks_error_set(struct paks_error **, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	paks_error_hint(struct paks_error **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	paks_error_wrap(struct paks_error **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
char   *paks_error_format(const struct paks_error *);
void	paks_error_free(struct paks_error *);
void	paks_error_release(struct paks_error **);

#define _cleanup_error_ __attribute__((cleanup(paks_error_release)))

/*
 * Returned instead of -1 (with *err set) when the words given were wrong:
 * the command's usage follows the message. cmd.h calls it CMD_USAGE_ERROR;
 * it is here so that a module below cmd.h can return it.
 */
#define PAKS_USAGE_ERROR (-2)

#endif
