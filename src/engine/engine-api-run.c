/*
 * A session's container through docker's Engine API, without the client
 * or a pty between: create it with a tty, attach (the hijacked stream is
 * the container's terminal), start, and a waiter child that ends with the
 * container's status, so that the session's loop sees it end as it sees
 * the client end. PAKS_DOCKER_API_RUN=0 turns it off (docs/engine-api.md).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine-api.h"
#include "seccomp.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "version.h"

/*
 * The user's extra run options paks can say in the API (HostConfig);
 * false for any other: the client runs that session.
 */
static bool
run_extra(char *const *extra, json_t *host)
{
	for (char *const *v = extra; v && *v; v++) {
		const char *net = NULL;

		if (strncmp(*v, "--network=", 10) == 0)
			net = *v + 10;
		else if (strcmp(*v, "--network") == 0 && v[1] != NULL)
			net = *++v;
		if (net != NULL)
			json_object_set_new(host, "NetworkMode",
			    json_string(net));
		else if (strcmp(*v, "--init") == 0 ||
		    strcmp(*v, "--init=true") == 0)
			json_object_set_new(host, "Init", json_true());
		else
			return false;
	}
	return true;
}

static json_t *
run_strings(char *const *v)
{
	json_t *a = json_array();

	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/* HostConfig.SecurityOpt: the profile itself, as the client sends it. */
static int
run_seccomp(const char *path, json_t *host)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	char buf[4096];
	size_t n;

	if (path == NULL)
		return 0;
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&text, buf, n);
	if (ferror(f) || text.len == 0)
		return -1;
	json_object_set_new(host, "SecurityOpt", json_pack("[s+]",
	    "seccomp=", text.buf));
	return 0;
}

/* POST /containers/create's body for a session; NULL: not said here. */
static json_t *
run_body(const struct run_opts *o, char *const *cmd)
{
	json_t *host = json_pack("{s:{s:s}}", "LogConfig", "Type", "none");
	json_t *b = json_pack("{s:s,s:b,s:b,s:b,s:b,s:b,s:b,s:{s:s,s:s,s:s}}",
	    "Image", o->image, "Tty", 1, "OpenStdin", 1, "StdinOnce", 1,
	    "AttachStdin", 1, "AttachStdout", 1, "AttachStderr", 1, "Labels",
	    ENGINE_LABEL_RUN, o->name, ENGINE_LABEL_SOURCE, o->image,
	    "org.paks.version", PAKS_VERSION);
	json_t *argv = json_array();

	json_object_set_new(b, "HostConfig", host);
	if (!run_extra(o->extra, host) || run_seccomp(o->seccomp, host) < 0) {
		json_decref(argv);
		json_decref(b);
		return NULL;
	}
	if (o->no_entrypoint)
		json_object_set_new(b, "Entrypoint", json_pack("[s]",
		    "/bin/sh"));
	else
		json_array_append_new(argv, json_string("/bin/sh"));
	json_array_extend(argv, run_strings(cmd));
	json_object_set_new(b, "Cmd", argv);
	if (o->workdir != NULL)
		json_object_set_new(b, "WorkingDir", json_string(o->workdir));
	if (o->user != NULL && *o->user != '\0')
		json_object_set_new(b, "User", json_string(o->user));
	json_object_set_new(b, "Env", run_strings(o->envs));
	json_object_set_new(host, "Binds", run_strings(o->volumes));
	return b;
}

/*
 * The waiter: its own connection (the parent's is its own to use), the
 * container's status as its exit status; the container goes unless kept.
 */
static void
run_waiter(const char *id, bool keep, int stream)
{
	_cleanup_free_ char *sock = docker_api_socket_path();
	_cleanup_free_ char *esc = docker_api_escape(id), *path = NULL;
	struct paks_error *err = NULL;
	struct docker_api *api;
	json_t *r = NULL;
	int code = 125;

	close(stream);	/* the session's, not to be held open here */
	signal(SIGINT, SIG_IGN);	/* the session's Ctrl-C is a byte */
	if (sock != NULL && (api = docker_api_open(sock, &err)) != NULL) {
		path = xasprintf("/containers/%s/wait", esc);
		if (docker_api_call(api, "POST", path, NULL, &r, NULL,
		    &err) == 0 && json_is_integer(json_object_get(r,
		    "StatusCode")))
			code = (int)json_integer_value(json_object_get(r,
			    "StatusCode")) & 255;
		free(path);
		path = xasprintf("/containers/%s?force=1", esc);
		if (!keep)
			docker_api_call(api, "DELETE", path, NULL, NULL, NULL,
			    &err);
	}
	_exit(code);
}

static int
run_post(struct docker_api *api, const char *id, const char *what,
    struct paks_error **err)
{
	_cleanup_free_ char *esc = docker_api_escape(id);
	_cleanup_free_ char *path = xasprintf("/containers/%s/%s", esc, what);

	return docker_api_call(api, "POST", path, NULL, NULL, NULL, err);
}

/*
 * Create, attach, start; the waiter forked. 1: no such image (the
 * client's way then, which tells it and pulls).
 */
static int
run_go(struct docker_api *api, const struct run_opts *o, json_t *body,
    struct engine_attached *a, struct paks_error **err)
{
	_cleanup_free_ char *name = docker_api_escape(o->name), *path = NULL;
	json_t *r = NULL;
	const char *id;
	long status = 0;

	path = xasprintf("/containers/create?name=%s", name);
	if (docker_api_call(api, "POST", path, body, &r, &status, err) < 0) {
		if (status != 404)
			return -1;
		paks_error_release(err);
		return 1;
	}
	if ((id = json_string_value(json_object_get(r, "Id"))) == NULL) {
		json_decref(r);
		return paks_error_set(err, 0, "docker did not say which "
		    "container it made");
	}
	a->id = xstrdup(id);
	json_decref(r);
	free(path);
	path = xasprintf("/containers/%s/attach?stream=1&stdin=1&stdout=1"
	    "&stderr=1", a->id);
	if (docker_api_hijack(api, path, &a->stream, err) < 0 ||
	    run_post(api, a->id, "start", err) < 0)
		return -1;
	if ((a->waiter = fork()) < 0)
		return paks_error_set(err, errno, "cannot fork");
	if (a->waiter == 0)
		run_waiter(a->id, o->keep, a->stream.fd);
	a->api = api;
	a->fd = a->stream.fd;
	return 0;
}

int
engine_api_attach(const struct engine *e, const struct run_opts *o,
    char *const *cmd, struct engine_attached *a, struct paks_error **err)
{
	struct docker_api *api = NULL;
	json_t *body;
	int rc;

	*a = (struct engine_attached){ .fd = -1, .waiter = -1,
		.stream = DOCKER_STREAM_INIT };
	if (o->enter || o->command != NULL || engine_api_get(e, &api, err) < 0 ||
	    api == NULL)
		return 1;
	if ((body = run_body(o, cmd)) == NULL)
		return 1;
	rc = run_go(api, o, body, a, err);
	json_decref(body);
	if (rc < 0) {
		if (a->id != NULL) {
			struct paks_error *ignored = NULL;
			_cleanup_free_ char *path = xasprintf(
			    "/containers/%s?force=1", a->id);
			docker_api_call(api, "DELETE", path, NULL, NULL, NULL,
			    &ignored);
			paks_error_free(ignored);
		}
		engine_attached_release(a);
	}
	return rc;
}

/* The container's terminal to rows x cols (its tty has no ioctl here). */
void
engine_api_resize(const struct engine_attached *a, unsigned rows,
    unsigned cols)
{
	_cleanup_free_ char *what = xasprintf("resize?h=%u&w=%u", rows, cols);
	struct paks_error *err = NULL;

	if (a->api != NULL && a->id != NULL && rows > 0 && cols > 0 &&
	    run_post(a->api, a->id, what, &err) < 0)
		paks_error_free(err);
}

void
engine_attached_release(struct engine_attached *a)
{
	docker_stream_close(&a->stream);
	free(a->id);
	a->id = NULL;
	a->fd = -1;
}
