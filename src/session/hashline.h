/* #command lines: is this one, and its words. */
#ifndef PAKS_HASHLINE_H
#define PAKS_HASHLINE_H

#include <stdbool.h>

#include "util/error.h"
#include "util/strv.h"

bool	hashline_is_command(const char *);
int	hashline_split(const char *, struct strv *, struct paks_error **);

#endif
