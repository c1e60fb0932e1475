/*
 * paks enter over the Engine API: a shell in a container that runs, as
 * "docker exec -it" starts it, without the client: POST
 * /containers/NAME/exec with a tty, then /exec/ID/start hijacked (the
 * socket is the shell's terminal), /exec/ID/resize on a window change,
 * and the shell's status from /exec/ID/json once the stream has ended.
 * The container keeps its own user, mounts and seccomp profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine-api.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* POST /containers/NAME/exec's body: "/bin/sh CMD..." on a tty. */
static json_t *
exec_body(const struct run_opts *o, char *const *cmd)
{
	json_t *b = json_pack("{s:b,s:b,s:b,s:b,s:[s]}", "AttachStdin", 1,
	    "AttachStdout", 1, "AttachStderr", 1, "Tty", 1, "Cmd", "/bin/sh");
	json_t *argv = json_object_get(b, "Cmd"), *env = json_array();

	for (char *const *v = cmd; v && *v; v++)
		json_array_append_new(argv, json_string(*v));
	for (char *const *v = o->envs; v && *v; v++)
		json_array_append_new(env, json_string(*v));
	json_object_set_new(b, "Env", env);
	if (o->workdir != NULL)
		json_object_set_new(b, "WorkingDir", json_string(o->workdir));
	return b;
}

int
engine_api_exec(struct docker_api *api, const struct run_opts *o,
    char *const *cmd, struct engine_attached *a, struct paks_error **err)
{
	_cleanup_free_ char *name = docker_api_escape(o->name), *path = NULL;
	json_t *body = exec_body(o, cmd), *r = NULL;
	const char *id;
	int rc;

	path = xasprintf("/containers/%s/exec", name);
	rc = docker_api_call(api, "POST", path, body, &r, NULL, err);
	json_decref(body);
	if (rc < 0)
		return -1;
	if ((id = json_string_value(json_object_get(r, "Id"))) == NULL) {
		json_decref(r);
		return paks_error_set(err, 0, "docker did not say which "
		    "exec it made");
	}
	a->id = xstrdup(id);
	a->exec = true;
	json_decref(r);
	free(path);
	path = xasprintf("/exec/%s/start", a->id);
	body = json_pack("{s:b,s:b}", "Detach", 0, "Tty", 1);
	rc = docker_api_hijack(api, path, body, &a->stream, err);
	json_decref(body);
	if (rc < 0)
		return -1;
	a->api = api;
	a->fd = a->stream.fd;
	return 0;
}

/*
 * The shell's status once its stream has ended; the daemon may take a
 * moment to record it. -1 when the daemon does not answer.
 */
int
engine_api_exec_status(const struct engine_attached *a)
{
	_cleanup_free_ char *esc = docker_api_escape(a->id);
	_cleanup_free_ char *path = xasprintf("/exec/%s/json", esc);

	for (int tries = 0; tries < 50; tries++) {
		struct paks_error *err = NULL;
		json_t *r = NULL, *code;
		int rc = -2;

		if (docker_api_call(a->api, "GET", path, NULL, &r, NULL,
		    &err) < 0) {
			paks_error_free(err);
			return -1;
		}
		code = json_object_get(r, "ExitCode");
		if (!json_is_true(json_object_get(r, "Running")) &&
		    json_is_integer(code))
			rc = (int)(json_integer_value(code) & 255);
		json_decref(r);
		if (rc >= 0)
			return rc;
		nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
	}
	return -1;
}
