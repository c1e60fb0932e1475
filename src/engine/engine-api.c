/*
 * docker's operations through its Engine API (docker-api.c): what the
 * client would say, without starting it. engine.c and engine-cli.c use
 * these when engine_api_get gives a client, the client otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine-api.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

int
engine_api_get(const struct engine *e, struct docker_api **out,
    struct paks_error **err)
{
	static struct docker_api *api;
	static bool tried;
	static pid_t opener;
	static char *failed, *failed_hint;	/* the daemon is too old */
	const char *want = getenv("PAKS_DOCKER_API");
	_cleanup_free_ char *path = NULL;
	struct paks_error *why = NULL;

	*out = NULL;
	if (strcmp(e->name, "docker") != 0 || (want && strcmp(want, "0") == 0))
		return 0;
	/*
	 * A child of paks (a #move or a #save job) has its own connection:
	 * the kept one is the parent's, which may ask the daemon at the
	 * same time, and two askers on one socket read each other's
	 * answers. Closing the child's copy of the socket leaves the
	 * parent's open.
	 */
	if (tried && opener != getpid()) {
		docker_api_free(api);
		api = NULL;
		tried = false;
	}
	if (!tried) {
		tried = true;
		opener = getpid();
		if ((path = docker_api_socket_path()) != NULL &&
		    (api = docker_api_open(path, &why)) == NULL &&
		    why->code == ENOTSUP) {
			failed = xstrdup(why->msg);
			failed_hint = why->hint ? xstrdup(why->hint) : NULL;
		}
		paks_error_free(why);
	}
	if (failed != NULL) {
		paks_error_set(err, 0, "%s", failed);
		return failed_hint ? paks_error_hint(err, "%s", failed_hint) :
		    -1;
	}
	*out = api;
	return 0;
}

/* Does the daemon answer now? */
int
engine_api_ping(struct docker_api *api)
{
	struct paks_error *err = NULL;
	int rc = docker_api_call(api, "GET", "/_ping", NULL, NULL, NULL, &err);

	paks_error_free(err);
	return rc;
}

/* GET /KIND/NAME/json[?size=1] */
static json_t *
api_inspect(struct docker_api *api, const char *kind, const char *name,
    bool size, long *status, struct paks_error **err)
{
	_cleanup_free_ char *esc = docker_api_escape(name), *path = NULL;
	json_t *doc = NULL;

	path = xasprintf("/%s/%s/json%s", kind, esc, size ? "?size=1" : "");
	if (docker_api_call(api, "GET", path, NULL, &doc, status, err) < 0)
		return NULL;
	if (!json_is_object(doc)) {
		json_decref(doc);
		paks_error_set(err, 0, "docker returned nothing for '%s'",
		    name);
		return NULL;
	}
	return doc;
}

/* Is IMAGE here? A daemon that does not answer is IMAGE_ENGINE_DOWN. */
int
engine_api_image_state(struct docker_api *api, const char *image,
    enum image_state *state)
{
	struct paks_error *err = NULL;
	long status = 0;
	json_t *doc = api_inspect(api, "images", image, false, &status, &err);

	paks_error_free(err);
	json_decref(doc);
	*state = doc != NULL ? IMAGE_PRESENT : status == 404 ? IMAGE_ABSENT :
	    IMAGE_ENGINE_DOWN;
	return 0;
}

bool
engine_api_container_exists(struct docker_api *api, const char *name)
{
	struct paks_error *err = NULL;
	json_t *doc = api_inspect(api, "containers", name, false, NULL, &err);

	paks_error_free(err);
	json_decref(doc);
	return doc != NULL;
}

/* The image's ENTRYPOINT as JSON ('["/init","--"]'), or NULL. */
char *
engine_api_image_entrypoint(struct docker_api *api, const char *image)
{
	struct paks_error *err = NULL;
	json_t *doc = api_inspect(api, "images", image, false, NULL, &err);
	json_t *ep = json_object_get(json_object_get(doc, "Config"),
	    "Entrypoint");
	char *s = NULL;

	paks_error_free(err);
	if (json_is_array(ep) && json_array_size(ep) > 0 &&
	    (s = json_dumps(ep, JSON_COMPACT)) == NULL)
		xoom();
	json_decref(doc);
	return s;
}

/* The container's metadata, as "docker container inspect" prints it. */
int
engine_api_inspect(struct docker_api *api, const char *name, char **out,
    struct paks_error **err)
{
	json_t *doc = api_inspect(api, "containers", name, false, NULL, err);

	if (doc == NULL)
		return paks_error_wrap(err, "docker container inspect failed");
	if ((*out = json_dumps(doc, JSON_INDENT(4))) == NULL)
		xoom();
	json_decref(doc);
	return 0;
}

int
engine_api_size(struct docker_api *api, const char *name,
    struct engine_size *z, struct paks_error **err)
{
	json_t *doc = api_inspect(api, "containers", name, true, NULL, err);
	json_t *rw = json_object_get(doc, "SizeRw");
	json_t *root = json_object_get(doc, "SizeRootFs");

	if (doc == NULL)
		return paks_error_wrap(err, "docker container inspect failed");
	/* no SizeRw: nothing written yet */
	*z = (struct engine_size){
		.writable = json_is_integer(rw) && json_integer_value(rw) > 0 ?
		    (long long)json_integer_value(rw) : 0,
		.virtual_size = json_is_integer(root) &&
		    json_integer_value(root) > 0 ?
		    (long long)json_integer_value(root) : 0,
		.image = -1 };
	json_decref(doc);
	return 0;
}

/*
 * POST /commit: the container as a new image without a name, CHANGES
 * ("--change=CMD [...]" or "CMD [...]") applied; *id is its id.
 */
int
engine_api_commit(struct docker_api *api, const char *container,
    char *const *changes, char **id, struct paks_error **err)
{
	_cleanup_strbuf_ struct strbuf path = STRBUF_INIT;
	_cleanup_free_ char *esc = docker_api_escape(container);
	json_t *doc = NULL;
	const char *s;

	strbuf_addf(&path, "/commit?container=%s&pause=1", esc);
	for (char *const *c = changes; c && *c; c++) {
		const char *v = strncmp(*c, "--change=", 9) == 0 ? *c + 9 : *c;
		_cleanup_free_ char *ev = docker_api_escape(v);
		strbuf_addf(&path, "&changes=%s", ev);
	}
	if (docker_api_call(api, "POST", path.buf, NULL, &doc, NULL, err) < 0)
		return paks_error_wrap(err, "docker commit failed");
	if ((s = json_string_value(json_object_get(doc, "Id"))) == NULL) {
		json_decref(doc);
		return paks_error_set(err, 0, "docker did not say which image "
		    "it wrote");
	}
	*id = xstrdup(s);
	json_decref(doc);
	return 0;
}

/* POST /images/SRC/tag?repo=R&tag=T for "tag SRC TARGET". */
static int
api_tag(struct docker_api *api, const char *src, const char *target,
    struct paks_error **err)
{
	_cleanup_free_ char *s = docker_api_escape(src), *path = NULL;
	_cleanup_free_ char *repo = xstrdup(target), *r = NULL, *t = NULL;
	char *slash = strrchr(repo, '/'), *colon;

	colon = strchr(slash ? slash : repo, ':');
	if (colon != NULL)
		*colon = '\0';
	r = docker_api_escape(repo);
	t = docker_api_escape(colon ? colon + 1 : "latest");
	path = xasprintf("/images/%s/tag?repo=%s&tag=%s", s, r, t);
	return docker_api_call(api, "POST", path, NULL, NULL, NULL, err);
}

/* "commit [--change=X]... CONTAINER": the new image's id on *out. */
static int
api_argv_commit(struct docker_api *api, char *const *args, char **out,
    struct paks_error **err)
{
	size_t n = 1;
	_cleanup_free_ char *id = NULL;
	char **changes;
	int rc;

	while (args[n] && strncmp(args[n], "--change=", 9) == 0)
		n++;
	if (args[n] == NULL || args[n][0] == '-' || args[n + 1] != NULL)
		return 1;
	changes = xcalloc(n, sizeof *changes);
	memcpy(changes, args + 1, (n - 1) * sizeof *changes);
	rc = engine_api_commit(api, args[n], changes, &id, err);
	free(changes);
	if (rc == 0 && out != NULL)
		*out = xasprintf("%s\n", id);
	return rc;
}

/*
 * "(image|container) inspect [--size] NAME..." as the client prints it:
 * [{...}, ...] (--size for containers only).
 */
static int
api_argv_inspect(struct docker_api *api, char *const *args, char **out,
    struct paks_error **err)
{
	bool image = strcmp(args[0], "image") == 0;
	bool size = !image && strcmp(args[2], "--size") == 0;
	json_t *list = json_array(), *doc;

	for (char *const *n = args + (size ? 3 : 2); *n; n++) {
		if (**n == '-') {
			json_decref(list);
			return 1;
		}
	}
	for (char *const *n = args + (size ? 3 : 2); *n; n++) {
		if ((doc = api_inspect(api, image ? "images" : "containers", *n,
		    size, NULL, err)) == NULL) {
			json_decref(list);
			return paks_error_wrap(err, "docker %s inspect failed",
			    args[0]);
		}
		json_array_append_new(list, doc);
	}
	if (out != NULL && (*out = json_dumps(list, JSON_INDENT(4))) == NULL)
		xoom();
	json_decref(list);
	return 0;
}

/* DELETE /containers/NAME?force=1 for "rm --force NAME" (output: NAME) */
static int
api_argv_rm(struct docker_api *api, const char *name, char **out,
    struct paks_error **err)
{
	_cleanup_free_ char *esc = docker_api_escape(name), *path = NULL;

	path = xasprintf("/containers/%s?force=1", esc);
	if (docker_api_call(api, "DELETE", path, NULL, NULL, NULL, err) < 0)
		return paks_error_wrap(err, "docker rm failed");
	if (out != NULL)
		*out = xasprintf("%s\n", name);
	return 0;
}

static size_t
api_argc(char *const *args)
{
	size_t n = 0;

	while (args[n] != NULL)
		n++;
	return n;
}

/*
 * The client's words ("commit ...", "image inspect NAME...", "tag A B",
 * "image rm ID", "rm --force NAME") done through the API, its output as the client's: 0 or
 * -1 (*err), or 1 for words this does not know (the client runs them).
 * A failure names the words, as engine_simple does.
 */
int
engine_api_argv(struct docker_api *api, char *const *args, char **out,
    struct paks_error **err)
{
	size_t argc = api_argc(args);

	if (argc >= 2 && strcmp(args[0], "commit") == 0)
		return api_argv_commit(api, args, out, err);
	if (argc >= 3 && strcmp(args[1], "inspect") == 0 &&
	    (strcmp(args[0], "image") == 0 ||
	    strcmp(args[0], "container") == 0) &&
	    (args[2][0] != '-' || (argc > 3 && strcmp(args[2], "--size") == 0)))
		return api_argv_inspect(api, args, out, err);
	if (argc == 3 && strcmp(args[0], "rm") == 0 &&
	    strcmp(args[1], "--force") == 0 && args[2][0] != '-')
		return api_argv_rm(api, args[2], out, err);
	if (argc == 3 && strcmp(args[0], "tag") == 0 && args[1][0] != '-') {
		if (api_tag(api, args[1], args[2], err) < 0)
			return paks_error_wrap(err, "docker tag failed");
		if (out != NULL)
			*out = xstrdup("");
		return 0;
	}
	if (argc == 3 && strcmp(args[0], "image") == 0 &&
	    strcmp(args[1], "rm") == 0 && args[2][0] != '-') {
		_cleanup_free_ char *esc = docker_api_escape(args[2]);
		_cleanup_free_ char *path = xasprintf("/images/%s", esc);
		if (docker_api_call(api, "DELETE", path, NULL, NULL, NULL,
		    err) < 0)
			return paks_error_wrap(err, "docker image failed");
		if (out != NULL)
			*out = xstrdup("");
		return 0;
	}
	return 1;
}
