/* paks recipe: a draft Containerfile from an image's session record. */
#ifndef PAKS_RECIPE_H
#define PAKS_RECIPE_H

#include <stdbool.h>

#include "store/history.h"
#include "util/strbuf.h"
#include "util/strv.h"

/* A file the draft COPYs: from the host path into the build context. */
struct recipe_copy {
	char	*from;		/* host path, as #cp recorded it */
	char	*name;		/* its name in the build context */
};

struct recipe {
	struct strbuf		 text;		/* the Containerfile */
	struct recipe_copy	*copies;
	size_t			 ncopies;
	size_t			 runs;		/* lines kept as RUN */
	size_t			 left_out;	/* lines commented */
};

#define RECIPE_INIT { STRBUF_INIT, NULL, 0, 0, 0 }

bool	recipe_read_only(const char *);
void	recipe_make(const struct history *, const char *, const char *,
	    struct recipe *);
void	recipe_release(struct recipe *);

#endif
