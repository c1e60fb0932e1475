/* Moving an image to docker-archive:PATH or oci-archive:PATH. */
#ifndef PAKS_MOVE_FILE_H
#define PAKS_MOVE_FILE_H

#include "move-common.h"
#include "util/error.h"

int	move_file(struct move_job *, const struct move_image_info *,
	    struct paks_error **);

#endif
