/* A small client of docker's Engine API over the daemon's unix socket. */
#ifndef PAKS_DOCKER_API_H
#define PAKS_DOCKER_API_H

#include <jansson.h>
#include <sys/types.h>

#include "util/error.h"

/* The API versions paks speaks: what it reads is the same in all of them. */
#define DOCKER_API_MIN "1.40"	/* docker 19.03 */
#define DOCKER_API_MAX "1.47"	/* docker 27 */

struct docker_api;

/*
 * The socket DOCKER_HOST names (unix://PATH), else the default one;
 * NULL when DOCKER_HOST is another kind (tcp://, ssh://): the client then.
 */
char	*docker_api_socket_path(void);

/*
 * Connect to the daemon on PATH and agree on a version (GET /version).
 * Fails with code ECONNREFUSED or ENOENT when nothing answers there (use
 * the client then), ENOTSUP when the daemon is too old or too new.
 */
struct docker_api *docker_api_open(const char *, struct paks_error **);
/* The same for ENGINE's service ("docker", "podman"): its name in errors. */
struct docker_api *docker_api_open_as(const char *, const char *,
	    struct paks_error **);
void	docker_api_free(struct docker_api *);
void	docker_api_disown(struct docker_api *);
const char *docker_api_version(const struct docker_api *);
const char *docker_api_engine(const struct docker_api *);

/*
 * METHOD PATH (after the version: "/containers/x/json?size=1", its parts
 * escaped with docker_api_escape) with BODY as JSON (or NULL). *reply
 * gets the answer's JSON (NULL for an empty one; reply may be NULL) and
 * *status the HTTP status (0: no answer). A status of 400 or above is an
 * error whose message is the daemon's.
 */
int	docker_api_call(struct docker_api *, const char *, const char *,
	    json_t *, json_t **, long *, struct paks_error **);

/*
 * The same for an answer that is a stream of JSON objects (a pull's
 * progress): each goes to fn as it arrives; fn returns -1 to stop. An
 * object with "error" ends the call with that error.
 */
typedef int docker_api_stream_fn(void *, json_t *);
int	docker_api_stream(struct docker_api *, const char *, const char *,
	    docker_api_stream_fn *, void *, struct paks_error **);

/*
 * GET PATH, the answer (an archive) written to fd as it comes; a status
 * of 400 or above is an error with the daemon's message, as above.
 */
int	docker_api_get_file(struct docker_api *, const char *, int,
	    struct paks_error **);

/*
 * HEAD PATH: *status (404, the thing is not there, is no error), and the
 * value of the answer's header NAME in *value (malloc'd; NULL if none).
 */
int	docker_api_head(struct docker_api *, const char *, const char *,
	    char **, long *, struct paks_error **);

/*
 * METHOD PATH with a body of content type TYPE read from fd IN: SIZE
 * bytes (sent with Content-Length), or -1 for as many as come before its
 * end (sent chunked), on a connection of its own. The answer as
 * docker_api_call gives it (JSON in *reply, if any; reply and status may
 * be NULL). A daemon that answers before the body is all sent (an error,
 * mostly) stops the sending, and its answer is the result. For a tar into
 * a container, an archive or image to load.
 */
int	docker_api_put_fd(struct docker_api *, const char *, const char *,
	    const char *, int, off_t, json_t **, long *, struct paks_error **);

/*
 * A hijacked connection (POST .../attach or /exec/ID/start, with a JSON
 * body or none, and "Upgrade: tcp"): once the
 * daemon answers 101 (or 200), fd is the container's stream both ways,
 * raw bytes for a container with a tty. Its own connection, so the client
 * stays free for other calls (resize, wait) meanwhile.
 */
struct docker_stream {
	int	 fd;	/* non-blocking */
};

#define DOCKER_STREAM_INIT { -1 }

int	docker_api_hijack(struct docker_api *, const char *, json_t *,
	    struct docker_stream *, struct paks_error **);
void	docker_stream_close(struct docker_stream *);

/* s escaped for a path segment or a query value (malloc'd). */
char	*docker_api_escape(const char *);

#endif
