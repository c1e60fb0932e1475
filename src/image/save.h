/* Saving a container as an image that keeps its source image's config. */
#ifndef PAKS_SAVE_H
#define PAKS_SAVE_H

#include "engine/engine.h"
#include "util/error.h"

/* How save runs engine commands: in a session (Ctrl-C aware) or plainly. */
typedef int save_run_fn(void *, char *const *, char **, struct paks_error **);

struct save_job {
	const struct engine	*engine;
	const char		*container;
	const char		*source;	/* the image the container ran */
	const char		*target;	/* the image to write */
	save_run_fn		*run;
	void			*run_ctx;
	char			*id;		/* out: the new image's id */
};

char	*save_target(const char *, const char *);
int	save_image(struct save_job *, struct paks_error **);

#endif
