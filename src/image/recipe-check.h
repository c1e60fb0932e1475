/* paks recipe --check: build the draft, compare the file systems. */
#ifndef PAKS_RECIPE_CHECK_H
#define PAKS_RECIPE_CHECK_H

#include <stddef.h>

#include "engine/engine.h"
#include "util/error.h"
#include "util/strv.h"

/* What the comparison found: one line per path that differs. */
struct recipe_check {
	struct strv	 diffs;		/* "+ /added", "- /removed", "~ /x ..." */
	size_t		 compared;	/* paths looked at, noise left out */
};

#define RECIPE_CHECK_INIT { STRV_INIT, 0 }

int	recipe_check_run(const struct engine *, const char *, const char *,
	    struct recipe_check *, struct paks_error **);
int	recipe_check_compare(const char *, size_t, const char *, size_t,
	    struct recipe_check *);
void	recipe_check_release(struct recipe_check *);

#endif
