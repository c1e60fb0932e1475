/* Moving an image to ssh://[USER@]HOST[:PORT][/ENGINE]. */
#ifndef PAKS_MOVE_SSH_H
#define PAKS_MOVE_SSH_H

#include "move-common.h"
#include "util/error.h"

int	move_ssh(struct move_job *, const struct move_image_info *,
	    struct paks_error **);

#endif
