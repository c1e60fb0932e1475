/* Moving an image to docker://[REGISTRY/]REPO[:TAG] (skopeo). */
#ifndef PAKS_MOVE_REGISTRY_H
#define PAKS_MOVE_REGISTRY_H

#include <stdbool.h>

#include "move-common.h"
#include "util/error.h"

int	move_registry(struct move_job *, const struct move_image_info *,
	    struct paks_error **);
bool	move_registry_loopback(const char *);

#endif
