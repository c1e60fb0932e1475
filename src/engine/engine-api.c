/*
 * docker's operations through its Engine API (docker-api.c), podman's
 * through its service's (its own /libpod/ endpoints, whose names and
 * JSON are its client's): what the client would say, without starting
 * it. engine.c and engine-cli.c use these when engine_api_get gives a
 * client, the client otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <nettle/base64.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine-api.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

/* Is NAME set to something other than "" (or than deflt, if given)? */
static bool
api_env_set(const char *name, const char *deflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' && (deflt == NULL ||
	    strcmp(v, deflt) != 0);
}

/*
 * podman's service: the socket CONTAINER_HOST names (unix://PATH; another
 * kind, NULL: the client), else the rootful one for root, else the
 * rootless one in XDG_RUNTIME_DIR. The service has its own configuration:
 * an environment that gives the client another one (another store, other
 * registries) is the client's to honour.
 */
static char *
api_podman_socket(void)
{
	const char *host = getenv("CONTAINER_HOST");
	const char *run = getenv("XDG_RUNTIME_DIR");

	if (host != NULL && *host != '\0')
		return strncmp(host, "unix://", 7) == 0 && host[7] != '\0' ?
		    xstrdup(host + 7) : NULL;
	if (api_env_set("CONTAINERS_CONF", NULL) ||
	    api_env_set("CONTAINERS_STORAGE_CONF", NULL) ||
	    api_env_set("CONTAINERS_REGISTRIES_CONF", NULL))
		return NULL;
	if (geteuid() == 0)
		return xstrdup("/run/podman/podman.sock");
	if (run == NULL || *run != '/')
		return NULL;
	return xasprintf("%s/podman/podman.sock", run);
}

/*
 * A docker context other than the default names another daemon, which
 * the client finds in its contexts' store: DOCKER_CONTEXT, or the
 * config's currentContext. DOCKER_HOST comes before both (as for the
 * client), and docker_api_socket_path reads it.
 */
static bool
api_docker_context(void)
{
	const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	_cleanup_free_ char *path = NULL;
	const char *cur;
	json_t *cfg;
	bool other;

	if (api_env_set("DOCKER_HOST", NULL))
		return false;
	if (api_env_set("DOCKER_CONTEXT", "default"))
		return true;
	if (dir != NULL && *dir != '\0')
		path = xasprintf("%s/config.json", dir);
	else if (home != NULL && *home != '\0')
		path = xasprintf("%s/.docker/config.json", home);
	if (path == NULL || (cfg = json_load_file(path, 0, NULL)) == NULL)
		return false;
	cur = json_string_value(json_object_get(cfg, "currentContext"));
	other = cur != NULL && *cur != '\0' && strcmp(cur, "default") != 0;
	json_decref(cfg);
	return other;
}

/* The API socket of e (docker, podman); NULL: none, the client then. */
char *
engine_api_socket(const struct engine *e)
{
	const char *off = getenv(strcmp(e->name, "docker") == 0 ?
	    "PAKS_DOCKER_API" : "PAKS_PODMAN_API");

	if (off != NULL && strcmp(off, "0") == 0)
		return NULL;
	if (strcmp(e->name, "docker") == 0)
		return api_docker_context() ? NULL : docker_api_socket_path();
	if (strcmp(e->name, "podman") == 0)
		return api_podman_socket();
	return NULL;
}

/* Go's os.FileMode bits, as a path's stat header carries them */
#define GO_MODE_DIR	(1ULL << 31)
#define GO_MODE_SYMLINK	(1ULL << 27)

/* One engine's kept client; a process may ask both (paks move). */
struct api_slot {
	struct docker_api	*api;
	bool			 tried;
	pid_t			 opener;
	char			*failed, *failed_hint;	/* too old */
};

static void
api_slot_open(const struct engine *e, struct api_slot *s)
{
	_cleanup_free_ char *path = engine_api_socket(e);
	struct paks_error *why = NULL;

	s->tried = true;
	s->opener = getpid();
	if (path != NULL && (s->api = docker_api_open_as(e->name, path,
	    &why)) == NULL && why->code == ENOTSUP && s->failed == NULL) {
		s->failed = xstrdup(why->msg);
		s->failed_hint = why->hint ? xstrdup(why->hint) : NULL;
	}
	paks_error_free(why);
}

int
engine_api_get(const struct engine *e, struct docker_api **out,
    struct paks_error **err)
{
	static struct api_slot slots[2];
	struct api_slot *s;

	*out = NULL;
	if (strcmp(e->name, "docker") == 0)
		s = &slots[0];
	else if (strcmp(e->name, "podman") == 0)
		s = &slots[1];
	else
		return 0;
	/*
	 * A child of paks (a #move or a #save job) has its own connection:
	 * the kept one is the parent's, which may ask the daemon at the
	 * same time, and two askers on one socket read each other's
	 * answers. The child leaves its copy of the socket alone: one
	 * run as a job has closed it already, and its number may be
	 * another file's now.
	 */
	if (s->tried && s->opener != getpid()) {
		docker_api_disown(s->api);
		docker_api_free(s->api);
		s->api = NULL;
		s->tried = false;
	}
	if (!s->tried)
		api_slot_open(e, s);
	if (s->failed != NULL) {
		paks_error_set(err, 0, "%s", s->failed);
		return s->failed_hint ? paks_error_hint(err, "%s",
		    s->failed_hint) : -1;
	}
	*out = s->api;
	return 0;
}

/* podman's own endpoints (/libpod/...): its client's names and shapes. */
static bool
api_libpod(struct docker_api *api)
{
	return strcmp(docker_api_engine(api), "podman") == 0;
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

	path = xasprintf("%s/%s/%s/json%s", api_libpod(api) ? "/libpod" : "",
	    kind, esc, size ? "?size=true" : "");
	if (docker_api_call(api, "GET", path, NULL, &doc, status, err) < 0)
		return NULL;
	if (!json_is_object(doc)) {
		json_decref(doc);
		paks_error_set(err, 0, "%s returned nothing for '%s'",
		    docker_api_engine(api), name);
		return NULL;
	}
	return doc;
}

/* GET /KIND/NAME/json ("images", "containers"): the object, or NULL. */
json_t *
engine_api_inspect_doc(struct docker_api *api, const char *kind,
    const char *name, struct paks_error **err)
{
	return api_inspect(api, kind, name, false, NULL, err);
}

/* The daemon's header, standard base64 (nettle's), NUL-terminated; NULL
 * if it is not base64. */
static char *
api_base64(const char *s)
{
	struct base64_decode_ctx ctx;
	char *out = xmalloc(BASE64_DECODE_LENGTH(strlen(s)) + 1);
	size_t len = 0;

	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &len, (uint8_t *)out, strlen(s), s) ||
	    !base64_decode_final(&ctx)) {
		free(out);
		return NULL;
	}
	out[len] = '\0';
	return out;
}

/*
 * HEAD of path in the container: is it there, a directory, a link (and
 * to what, as the daemon resolved it in the container)?
 */
int
engine_api_stat(struct docker_api *api, const char *name, const char *path,
    struct engine_api_stat *st, struct paks_error **err)
{
	_cleanup_free_ char *n = docker_api_escape(name);
	_cleanup_free_ char *p = docker_api_escape(path);
	_cleanup_free_ char *url = xasprintf("%s/containers/%s/archive?path=%s",
	    api_libpod(api) ? "/libpod" : "", n, p);
	_cleanup_free_ char *head = NULL, *text = NULL;
	long status;
	json_t *doc;
	json_int_t mode;

	*st = (struct engine_api_stat){ .exists = false };
	if (docker_api_head(api, url, "X-Docker-Container-Path-Stat", &head,
	    &status, err) < 0) {
		if (status < 400)
			return -1;
		/* the answer to a HEAD has no message to give */
		paks_error_release(err);
		return paks_error_set(err, 0, "%s cannot look at '%s' in the "
		    "container (HTTP status %ld)", docker_api_engine(api),
		    path, status);
	}
	if (status == 404)
		return 0;
	if (head == NULL || (text = api_base64(head)) == NULL ||
	    (doc = json_loads(text, 0, NULL)) == NULL)
		return paks_error_set(err, 0, "%s did not say what '%s' is",
		    docker_api_engine(api), path);
	mode = json_integer_value(json_object_get(doc, "mode"));
	st->exists = true;
	st->dir = (mode & GO_MODE_DIR) != 0;
	st->link = (mode & GO_MODE_SYMLINK) != 0 && !st->dir;
	if (st->link) {
		const char *t = json_string_value(json_object_get(doc,
		    "linkTarget"));
		st->target = xstrdup(t != NULL ? t : "");
	}
	json_decref(doc);
	return 0;
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
		return paks_error_wrap(err, "%s container inspect failed",
		    docker_api_engine(api));
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
		return paks_error_wrap(err, "%s container inspect failed",
		    docker_api_engine(api));
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
 * ("--change=CMD [...]" or "CMD [...]") applied; *id is its id. podman's
 * (/libpod/commit) as its client: not paused, the id without "sha256:".
 */
int
engine_api_commit(struct docker_api *api, const char *container,
    char *const *changes, char **id, struct paks_error **err)
{
	_cleanup_strbuf_ struct strbuf path = STRBUF_INIT;
	_cleanup_free_ char *esc = docker_api_escape(container);
	json_t *doc = NULL;
	const char *s;

	if (api_libpod(api))
		strbuf_addf(&path, "/libpod/commit?container=%s", esc);
	else
		strbuf_addf(&path, "/commit?container=%s&pause=1", esc);
	for (char *const *c = changes; c && *c; c++) {
		const char *v = strncmp(*c, "--change=", 9) == 0 ? *c + 9 : *c;
		_cleanup_free_ char *ev = docker_api_escape(v);
		strbuf_addf(&path, "&changes=%s", ev);
	}
	if (docker_api_call(api, "POST", path.buf, NULL, &doc, NULL, err) < 0)
		return paks_error_wrap(err, "%s commit failed",
		    docker_api_engine(api));
	if ((s = json_string_value(json_object_get(doc, "Id"))) == NULL) {
		json_decref(doc);
		return paks_error_set(err, 0, "%s did not say which image "
		    "it wrote", docker_api_engine(api));
	}
	*id = xstrdup(s);
	json_decref(doc);
	return 0;
}

/*
 * POST /images/SRC/tag?repo=R&tag=T for "tag SRC TARGET"; podman's own
 * (/libpod/...) names "NAME:TAG" localhost/NAME:TAG as its client does,
 * where its docker one would say docker.io/NAME:TAG.
 */
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
	path = xasprintf("%s/images/%s/tag?repo=%s&tag=%s",
	    api_libpod(api) ? "/libpod" : "", s, r, t);
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
			return paks_error_wrap(err, "%s %s inspect failed",
			    docker_api_engine(api), args[0]);
		}
		json_array_append_new(list, doc);
	}
	if (out != NULL && (*out = json_dumps(list, JSON_INDENT(4))) == NULL)
		xoom();
	json_decref(list);
	return 0;
}

/*
 * DELETE /containers/NAME?force=1; podman's docker endpoint would wait
 * for the stop signal first (10 s): its own does not, with timeout=0.
 */
int
engine_api_remove(struct docker_api *api, const char *name,
    struct paks_error **err)
{
	_cleanup_free_ char *esc = docker_api_escape(name), *path = NULL;

	path = api_libpod(api) ? xasprintf("/libpod/containers/%s?force=true"
	    "&timeout=0", esc) : xasprintf("/containers/%s?force=1", esc);
	return docker_api_call(api, "DELETE", path, NULL, NULL, NULL, err);
}

/* "rm --force NAME" (podman's: "... --time=0"); the output: NAME */
static int
api_argv_rm(struct docker_api *api, const char *name, char **out,
    struct paks_error **err)
{
	if (engine_api_remove(api, name, err) < 0)
		return paks_error_wrap(err, "%s rm failed",
		    docker_api_engine(api));
	if (out != NULL)
		*out = xasprintf("%s\n", name);
	return 0;
}

/* DELETE /images/NAME for "image rm NAME" (output: none) */
static int
api_argv_rmi(struct docker_api *api, const char *name, char **out,
    struct paks_error **err)
{
	_cleanup_free_ char *esc = docker_api_escape(name), *path = NULL;

	path = xasprintf("%s/images/%s", api_libpod(api) ? "/libpod" : "",
	    esc);
	if (docker_api_call(api, "DELETE", path, NULL, NULL, NULL, err) < 0)
		return paks_error_wrap(err, "%s image failed",
		    docker_api_engine(api));
	if (out != NULL)
		*out = xstrdup("");
	return 0;
}

/*
 * podman's "save --format docker-archive -o FILE ID": the archive its
 * service writes (GET /libpod/images/ID/get), into FILE as it comes;
 * what the service needs meanwhile is in its own temporary directory.
 */
static int
api_argv_save(struct docker_api *api, char *const *args, char **out,
    struct paks_error **err)
{
	_cleanup_free_ char *esc = docker_api_escape(args[5]), *path = NULL;
	int fd, rc;

	if (!api_libpod(api) || strcmp(args[1], "--format") != 0 ||
	    strcmp(args[2], "docker-archive") != 0 ||
	    strcmp(args[3], "-o") != 0 || args[5][0] == '-')
		return 1;
	fd = open(args[4], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return paks_error_set(err, errno, "cannot create '%s'",
		    args[4]);
	path = xasprintf("/libpod/images/%s/get?format=docker-archive", esc);
	rc = docker_api_get_file(api, path, fd, err);
	if (close(fd) < 0 && rc == 0)
		rc = paks_error_set(err, errno, "cannot write '%s'", args[4]);
	if (rc < 0) {
		unlink(args[4]);
		return paks_error_wrap(err, "podman save failed");
	}
	if (out != NULL)
		*out = xstrdup("");
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
 * "image rm ID", "rm --force NAME [--time=0]") done through the API, its output as the client's: 0 or
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
	if ((argc == 3 || (argc == 4 && strcmp(args[3], "--time=0") == 0)) &&
	    strcmp(args[0], "rm") == 0 && strcmp(args[1], "--force") == 0 &&
	    args[2][0] != '-')
		return api_argv_rm(api, args[2], out, err);
	if (argc == 3 && strcmp(args[0], "tag") == 0 && args[1][0] != '-') {
		if (api_tag(api, args[1], args[2], err) < 0)
			return paks_error_wrap(err, "%s tag failed",
			    docker_api_engine(api));
		if (out != NULL)
			*out = xstrdup("");
		return 0;
	}
	if (argc == 3 && strcmp(args[0], "image") == 0 &&
	    strcmp(args[1], "rm") == 0 && args[2][0] != '-')
		return api_argv_rmi(api, args[2], out, err);
	if (argc == 6 && strcmp(args[0], "save") == 0)
		return api_argv_save(api, args, out, err);
	return 1;
}
