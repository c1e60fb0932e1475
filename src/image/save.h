/* Saving a container as an image: config kept, layers bounded. */
#ifndef PAKS_SAVE_H
#define PAKS_SAVE_H

#include <stdbool.h>

#include "engine/engine.h"
#include "util/error.h"

struct save_job {
	const struct engine	*engine;
	const char		*container;
	const char		*source;	/* the image the container ran */
	const char		*target;	/* the image to write */
	bool			 keep_history;	/* the save_history setting */
	struct runner		 runner;	/* how engine commands run: in
						 * a session as its jobs (with
						 * progress), or plainly */
	char			*id;		/* out: the new image's id */
	bool			 flattened;	/* out: layers were squashed */
	int			 layers;	/* out: layers of the new image */
	char			*stale;		/* out: the image the target tag
						 * left, still in use for now */
	/* values looked for in the changed files before the commit
	 * (image/secretscan.c; NULL: none) */
	char *const		*secrets;
	bool			 allow_secrets;	/* save even if one is found */
	int			 snapshot;	/* out: its snapshot's number, or
						 * 0 (see snapshot.c) */
};

char	*save_target(const char *, const char *);
int	save_check_target(const char *, struct paks_error **);
int	save_image(struct save_job *, struct paks_error **);
void	save_job_release(struct save_job *);

/*
 * #save in a session: through the engine's own save_name and commit when
 * it has them, else save_image through the operation's runner.
 */
char	*save_op_target(const struct engine_op *, const char *,
	    struct paks_error **);
int	save_op_commit(const struct engine_op *, const char *,
	    struct engine_saved *, struct paks_error **);

#endif
