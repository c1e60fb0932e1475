/* A save's flatten: the layers above the base merged into one. */
#ifndef PAKS_SAVE_FLATTEN_H
#define PAKS_SAVE_FLATTEN_H

#include <stddef.h>

#include "util/error.h"

/* What save_flatten_archive made of the archive. */
enum save_flatten_result {
	SAVE_FLATTEN_FAILED = -1,	/* *err says why */
	SAVE_FLATTEN_DONE = 0,		/* out holds the image to load */
	SAVE_FLATTEN_WHOLE = 1,		/* the base cannot be kept as it is
					 * (its layers differ, a hard link
					 * across layers): flatten it all */
};

enum save_flatten_result save_flatten_archive(int, char *const *, size_t,
	    int, char **, struct paks_error **);

#endif
