/*
 * The session record in an image: /.paks/history/CONTAINER.jsonl, one
 * file for each container saved on the way from the base, so that the
 * record travels with the image (paks move) and a save adds to it.
 */
#ifndef PAKS_IMAGEHISTORY_H
#define PAKS_IMAGEHISTORY_H

#include "engine/engine.h"
#include "store/history.h"
#include "util/error.h"

#define IMAGEHISTORY_DIR "/.paks/history"

struct save_job;

int	imagehistory_put(const struct save_job *, struct paks_error **);
int	imagehistory_get(const struct engine *, const char *,
	    struct history *, struct paks_error **);
char	*imagehistory_label(const struct engine *, const char *,
	    const char *, struct paks_error **);

#endif
