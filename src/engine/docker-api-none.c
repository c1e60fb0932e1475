/*
 * The Engine API client of a build without libcurl (-Dstatic=true, for
 * clusters): nothing answers, so docker is driven through its client.
 */
#include <errno.h>
#include <stdlib.h>

#include "docker-api.h"
#include "util/xalloc.h"

char *
docker_api_socket_path(void)
{
	return NULL;
}

struct docker_api *
docker_api_open(const char *path, struct paks_error **err)
{
	paks_error_set(err, ENOSYS, "paks was built without the Engine API "
	    "('%s' not used)", path);
	return NULL;
}

void
docker_api_free(struct docker_api *api)
{
	(void)api;
}

const char *
docker_api_version(const struct docker_api *api)
{
	(void)api;
	return "";
}

int
docker_api_call(struct docker_api *api, const char *method, const char *path,
    json_t *body, json_t **reply, long *status, struct paks_error **err)
{
	(void)api, (void)body;
	if (reply != NULL)
		*reply = NULL;
	if (status != NULL)
		*status = 0;
	return paks_error_set(err, ENOSYS, "no Engine API for %s %s", method,
	    path);
}

int
docker_api_stream(struct docker_api *api, const char *method,
    const char *path, docker_api_stream_fn *fn, void *ctx,
    struct paks_error **err)
{
	(void)fn, (void)ctx;
	return docker_api_call(api, method, path, NULL, NULL, NULL, err);
}

char *
docker_api_escape(const char *s)
{
	return xstrdup(s);
}

int
docker_api_hijack(struct docker_api *api, const char *path,
    struct docker_stream *st, struct paks_error **err)
{
	(void)api, (void)st;
	return paks_error_set(err, ENOSYS, "no Engine API for POST %s", path);
}

void
docker_stream_close(struct docker_stream *st)
{
	st->fd = -1;
}
