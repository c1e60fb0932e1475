/* docker's and podman's operations through their APIs, when they answer. */
#ifndef PAKS_ENGINE_API_H
#define PAKS_ENGINE_API_H

#include <stdbool.h>
#include <sys/types.h>

#include "docker-api.h"
#include "engine.h"

/*
 * The API client for e (docker, or podman's service), opened once per
 * process: NULL (and 0) for the command-line client (PAKS_DOCKER_API=0
 * or PAKS_PODMAN_API=0, a DOCKER_HOST or CONTAINER_HOST that is not
 * unix://, nothing answering there, another engine); -1 when the daemon
 * answers in a version paks cannot speak.
 */
int	engine_api_get(const struct engine *, struct docker_api **,
	    struct paks_error **);
/* The socket e's API would be on (malloc'd), or NULL: the client. */
char	*engine_api_socket(const struct engine *);

int	engine_api_ping(struct docker_api *);
int	engine_api_image_state(struct docker_api *, const char *,
	    enum image_state *);
bool	engine_api_container_exists(struct docker_api *, const char *);
char	*engine_api_image_entrypoint(struct docker_api *, const char *);
json_t	*engine_api_inspect_doc(struct docker_api *, const char *,
	    const char *, struct paks_error **);
int	engine_api_inspect(struct docker_api *, const char *, char **,
	    struct paks_error **);
int	engine_api_size(struct docker_api *, const char *, struct engine_size *,
	    struct paks_error **);
int	engine_api_pull(struct docker_api *, const char *, bool, int,
	    struct paks_error **);
int	engine_api_argv(struct docker_api *, char *const *, char **,
	    struct paks_error **);
/* the client's words that move a stream (engine-api-words.c) */
int	engine_api_words(struct docker_api *, char *const *, int, int, char **,
	    int *, struct paks_error **);

/* What engine_api_words_child (a run's fn) runs: ENGINE ARGS... */
struct engine_words {
	const struct engine	*engine;
	char *const		*args;
	bool			 fd3;	/* an error's line on fd 3, not
					 * stderr (a run's fd3_capture) */
};

int	engine_api_words_child(void *);
int	engine_api_remove(struct docker_api *, const char *,
	    struct paks_error **);
/* A container path as the daemon reports it (engine_api_stat). */
struct engine_api_stat {
	bool	 exists, dir, link;
	char	*target;	/* a link's, as the daemon resolved it */
};

int	engine_api_stat(struct docker_api *, const char *, const char *,
	    struct engine_api_stat *, struct paks_error **);
/* #cp host:SRC CTR (engine-api-cp.c): 1 when the client is to do it */
int	engine_api_cp_in(const struct engine_op *, const struct engine_cp *,
	    struct paks_error **);
int	engine_api_commit(struct docker_api *, const char *, char *const *,
	    char **, struct paks_error **);

/*
 * A session's container over the API (engine-api-run.c): fd is its
 * terminal both ways; once it ends, engine_api_wait gives its status.
 */
struct engine_attached {
	struct docker_api	*api;
	char			*id;	/* the container's, or the exec's */
	struct docker_stream	 stream;
	int			 fd;
	bool			 exec;	/* paks enter: a shell exec'd */
};

/* 1: not here (PAKS_DOCKER_API_RUN=0, PAKS_PODMAN_API_RUN not 1, no API,
 * options the API path does not know): the client runs it; 0 started;
 * -1 failed (*err) */
int	engine_attach(const struct engine *, const struct run_opts *,
	    char *const *, struct engine_attached *, struct paks_error **);
int	engine_api_attach(const struct engine *, const struct run_opts *,
	    char *const *, struct engine_attached *, struct paks_error **);
void	engine_api_resize(const struct engine_attached *, unsigned,
	    unsigned);
int	engine_api_wait(const struct engine_attached *, bool);
/* paks enter (engine-api-exec.c) */
int	engine_api_exec(struct docker_api *, const struct run_opts *,
	    char *const *, struct engine_attached *, struct paks_error **);
int	engine_api_exec_status(const struct engine_attached *);
void	engine_attached_release(struct engine_attached *);

#endif
