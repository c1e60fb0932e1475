/* Moving an image to charliecloud:DIR or charliecloud:FILE.sqfs. */
#ifndef PAKS_MOVE_CHARLIECLOUD_H
#define PAKS_MOVE_CHARLIECLOUD_H

#include "move-common.h"
#include "util/error.h"

int	move_charliecloud(struct move_job *, const struct move_image_info *,
	    struct paks_error **);

#endif
