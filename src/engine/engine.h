/* Container engines, driven through their command-line clients. */
#ifndef PAKS_ENGINE_H
#define PAKS_ENGINE_H

#include <stdbool.h>

#include "util/error.h"
#include "util/strv.h"

/* What "paks run" asks of an engine. */
struct run_opts {
	const char	*image;
	const char	*name;
	const char	*workdir;
	const char	*user;
	char *const	*volumes;	/* HOST:CTR[:ro] */
	char *const	*envs;		/* K=V */
	char *const	*extra;		/* passed through to the engine's run */
	bool		 keep;
};

struct engine {
	const char	*name;		/* "docker" */
	const char	*program;	/* client on PATH */
	bool		 daemon;	/* needs a daemon that may be down */
	const char	*empty_entrypoint; /* for commit --change */
	/* add the engine-specific options of "run" */
	void		(*run_flags)(const struct engine *, struct strv *);
};

extern const struct engine *const engines[];

const struct engine *engine_find(const char *);
int	engine_select(const char *, const struct engine **,
	    struct paks_error **);
int	engine_probe(const struct engine *, struct paks_error **);
enum image_state { IMAGE_PRESENT, IMAGE_ABSENT, IMAGE_ENGINE_DOWN };

int	engine_image_state(const struct engine *, const char *,
	    enum image_state *, struct paks_error **);
int	engine_select_for(const char *, const char *, const struct engine **,
	    enum image_state *, struct paks_error **);
int	engine_pull(const struct engine *, const char *, struct paks_error **);
void	engine_run_argv(const struct engine *, const struct run_opts *,
	    char *const *, struct strv *);
int	engine_remove(const struct engine *, const char *);
bool	engine_container_exists(const struct engine *, const char *);
int	engine_simple(const struct engine *, char *const *, char **,
	    struct paks_error **);

#endif
