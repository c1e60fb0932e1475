/*
 * Moving an image out of the local engine (paks move, #move): to an
 * archive, a registry, another machine over ssh, or Charliecloud; and
 * loading an archive into it (paks load, move-load.c).
 */
#ifndef PAKS_MOVE_H
#define PAKS_MOVE_H

#include <stdbool.h>

#include "move-common.h"
#include "util/error.h"

int	move_dest_parse(const char *, struct move_dest *, struct paks_error **);
void	move_dest_release(struct move_dest *);
int	move_image(struct move_job *, struct paks_error **);
int	move_load(const struct engine *, const char *, int,
	    struct paks_error **);

#endif
