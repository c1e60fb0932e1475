/*
 * A session's container through docker's Engine API (or podman's
 * service's docker endpoints, the same paths), without the client or a
 * pty between: create it with a tty, attach (the hijacked stream is the
 * container's terminal), start; once the stream has ended, its exit
 * status (engine_api_wait): no process of paks's waits meanwhile.
 * PAKS_DOCKER_API_RUN=0 turns it off (podman's: on with PAKS_PODMAN_API_RUN=1)
 * (docs/engine-api.md).
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

/* How a run option goes into the create body. */
enum run_kind {
	RUN_STRING,	/* "Key": "value" */
	RUN_BOOL,	/* "Key": true, for the flag alone or "=true" */
	RUN_LIST,	/* "Key": [..., "value"], the flag may repeat */
	RUN_MAP,	/* --tmpfs PATH[:OPTS]: "Key": {"PATH": "OPTS"} */
	RUN_DEVICE,	/* --device HOST[:CTR[:PERMS]] */
};

/* The client's run options paks says in the API, and where they go. */
static const struct run_flag {
	const char	*flag;
	enum run_kind	 kind;
	bool		 config;	/* in the body, not in HostConfig */
	const char	*key;
} run_flags[] = {
	{ "--network", RUN_STRING, false, "NetworkMode" },
	{ "--net", RUN_STRING, false, "NetworkMode" },
	{ "--hostname", RUN_STRING, true, "Hostname" },
	{ "--domainname", RUN_STRING, true, "Domainname" },
	{ "--ipc", RUN_STRING, false, "IpcMode" },
	{ "--pid", RUN_STRING, false, "PidMode" },
	{ "--uts", RUN_STRING, false, "UTSMode" },
	{ "--userns", RUN_STRING, false, "UsernsMode" },
	{ "--runtime", RUN_STRING, false, "Runtime" },
	{ "--init", RUN_BOOL, false, "Init" },
	{ "--privileged", RUN_BOOL, false, "Privileged" },
	{ "--read-only", RUN_BOOL, false, "ReadonlyRootfs" },
	{ "--cap-add", RUN_LIST, false, "CapAdd" },
	{ "--cap-drop", RUN_LIST, false, "CapDrop" },
	{ "--security-opt", RUN_LIST, false, "SecurityOpt" },
	{ "--add-host", RUN_LIST, false, "ExtraHosts" },
	{ "--dns", RUN_LIST, false, "Dns" },
	{ "--group-add", RUN_LIST, false, "GroupAdd" },
	{ "--tmpfs", RUN_MAP, false, "Tmpfs" },
	{ "--device", RUN_DEVICE, false, "Devices" },
};

/* "--flag=value" or "--flag value": the flag's entry and *value. */
static const struct run_flag *
run_flag_find(char *const **v, const char **value)
{
	for (size_t i = 0; i < sizeof run_flags / sizeof *run_flags; i++) {
		const struct run_flag *f = &run_flags[i];
		size_t n = strlen(f->flag);

		if (strncmp(**v, f->flag, n) != 0)
			continue;
		if ((**v)[n] == '=') {
			*value = **v + n + 1;
			return f;
		}
		if ((**v)[n] != '\0')
			continue;
		if (f->kind == RUN_BOOL) {
			*value = "true";
			return f;
		}
		if ((*v)[1] == NULL)
			return NULL;
		*value = *++*v;
		return f;
	}
	return NULL;
}

/* --device HOST[:CTR[:PERMS]] as the API says it. */
static json_t *
run_device(const char *value)
{
	_cleanup_free_ char *host = xstrdup(value);
	char *ctr = strchr(host, ':'), *perms = NULL;

	if (ctr != NULL) {
		*ctr++ = '\0';
		if ((perms = strchr(ctr, ':')) != NULL)
			*perms++ = '\0';
	}
	return json_pack("{s:s,s:s,s:s}", "PathOnHost", host,
	    "PathInContainer", ctr && *ctr ? ctr : host,
	    "CgroupPermissions", perms && *perms ? perms : "rwm");
}

/* One option's value into obj; false if it is not one paks says. */
static bool
run_flag_set(const struct run_flag *f, const char *value, json_t *obj)
{
	json_t *old = json_object_get(obj, f->key);
	const char *colon;

	switch (f->kind) {
	case RUN_STRING:
		json_object_set_new(obj, f->key, json_string(value));
		return true;
	case RUN_BOOL:
		if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
			return false;
		json_object_set_new(obj, f->key, json_boolean(strcmp(value,
		    "true") == 0));
		return true;
	case RUN_MAP: {
		_cleanup_free_ char *path = NULL;

		if (!json_is_object(old))
			json_object_set_new(obj, f->key, old = json_object());
		colon = strchr(value, ':');
		path = colon ? xstrndup(value, (size_t)(colon - value)) :
		    xstrdup(value);
		json_object_set_new(old, path, json_string(colon ? colon + 1 :
		    ""));
		return true;
	}
	case RUN_LIST:
	case RUN_DEVICE:
		if (!json_is_array(old))
			json_object_set_new(obj, f->key, old = json_array());
		json_array_append_new(old, f->kind == RUN_LIST ?
		    json_string(value) : run_device(value));
		return true;
	}
	return false;
}

/*
 * The user's extra run options (-o) that paks can say in the API into
 * the body or its HostConfig; false for any other: the client runs that
 * session, and says what it thinks of them.
 */
static bool
run_extra(char *const *extra, json_t *body, json_t *host)
{
	for (char *const *v = extra; v && *v; v++) {
		const char *value = NULL;
		const struct run_flag *f = run_flag_find(&v, &value);

		if (f == NULL || !run_flag_set(f, value, f->config ? body :
		    host))
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

/*
 * HostConfig.SecurityOpt: the profile itself, as docker's client sends
 * it; podman's service reads it from its path, as podman's client does.
 */
static int
run_seccomp(struct docker_api *api, const char *path, json_t *host)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	char buf[4096];
	size_t n;

	if (path == NULL)
		return 0;
	if (!json_is_array(json_object_get(host, "SecurityOpt")))
		json_object_set_new(host, "SecurityOpt", json_array());
	if (strcmp(docker_api_engine(api), "podman") == 0) {
		json_array_append_new(json_object_get(host, "SecurityOpt"),
		    json_pack("s+", "seccomp=", path));
		return 0;
	}
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&text, buf, n);
	if (ferror(f) || text.len == 0)
		return -1;
	json_array_append_new(json_object_get(host, "SecurityOpt"),
	    json_pack("s+", "seccomp=", text.buf));
	return 0;
}

/* POST /containers/create's body for a session; NULL: not said here. */
static json_t *
run_body(struct docker_api *api, const struct run_opts *o, char *const *cmd)
{
	json_t *host = json_pack("{s:{s:s}}", "LogConfig", "Type", "none");
	json_t *b = json_pack("{s:s,s:b,s:b,s:b,s:b,s:b,s:b,s:{s:s,s:s,s:s}}",
	    "Image", o->image, "Tty", 1, "OpenStdin", 1, "StdinOnce", 1,
	    "AttachStdin", 1, "AttachStdout", 1, "AttachStderr", 1, "Labels",
	    ENGINE_LABEL_RUN, o->name, ENGINE_LABEL_SOURCE, o->image,
	    "org.paks.version", PAKS_VERSION);
	json_t *argv = json_array();

	json_object_set_new(b, "HostConfig", host);
	if (!run_extra(o->extra, b, host) ||
	    run_seccomp(api, o->seccomp, host) < 0) {
		json_decref(argv);
		json_decref(b);
		return NULL;
	}
	if (o->no_entrypoint)
		json_object_set_new(b, "Entrypoint", json_pack("[s]",
		    "/bin/sh"));
	else
		json_array_append_new(argv, json_string("/bin/sh"));
	for (char *const *v = cmd; v && *v; v++)
		json_array_append_new(argv, json_string(*v));
	json_object_set_new(b, "Cmd", argv);
	if (o->workdir != NULL)
		json_object_set_new(b, "WorkingDir", json_string(o->workdir));
	if (o->user != NULL && *o->user != '\0')
		json_object_set_new(b, "User", json_string(o->user));
	json_object_set_new(b, "Env", run_strings(o->envs));
	json_object_set_new(host, "Binds", run_strings(o->volumes));
	return b;
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
 * Create, attach, start. 1: no such image (the client's way then, which
 * tells it and pulls).
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
		return paks_error_set(err, 0, "%s did not say which "
		    "container it made", docker_api_engine(api));
	}
	a->id = xstrdup(id);
	json_decref(r);
	free(path);
	path = xasprintf("/containers/%s/attach?stream=1&stdin=1&stdout=1"
	    "&stderr=1", a->id);
	if (docker_api_hijack(api, path, NULL, &a->stream, err) < 0 ||
	    run_post(api, a->id, "start", err) < 0)
		return -1;
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

	*a = (struct engine_attached){ .fd = -1, .stream = DOCKER_STREAM_INIT };
	if (o->command != NULL || engine_api_get(e, &api, err) < 0 ||
	    api == NULL)
		return 1;
	if (o->enter) {
		if ((rc = engine_api_exec(api, o, cmd, a, err)) < 0)
			engine_attached_release(a);
		return rc;
	}
	if ((body = run_body(api, o, cmd)) == NULL)
		return 1;
	rc = run_go(api, o, body, a, err);
	json_decref(body);
	if (rc < 0) {
		if (a->id != NULL) {
			struct paks_error *ignored = NULL;
			engine_api_remove(api, a->id, &ignored);
			paks_error_free(ignored);
		}
		engine_attached_release(a);
	}
	return rc;
}

/*
 * podman: is the container running with its conmon gone? Then nothing
 * will end it or tell its status (what "podman run" calls losing the
 * session): no one waits for it. The service is on this machine: its
 * pids are ours.
 */
static bool
run_podman_lost(const struct engine_attached *a, const char *esc)
{
	_cleanup_free_ char *path = xasprintf("/libpod/containers/%s/json",
	    esc);
	struct paks_error *err = NULL;
	json_t *r = NULL, *state, *pid;
	bool lost = false;

	if (strcmp(docker_api_engine(a->api), "podman") != 0)
		return false;
	if (docker_api_call(a->api, "GET", path, NULL, &r, NULL, &err) < 0) {
		paks_error_free(err);
		return false;
	}
	state = json_object_get(r, "State");
	pid = json_object_get(state, "ConmonPid");
	if (json_is_true(json_object_get(state, "Running")) &&
	    json_is_integer(pid) && json_integer_value(pid) > 0 &&
	    kill((pid_t)json_integer_value(pid), 0) < 0 && errno == ESRCH)
		lost = true;
	json_decref(r);
	return lost;
}

/* Does the answer to /wait say it has no status? ({"Error": {...}}) */
static bool
run_wait_error(json_t *r)
{
	const char *m = json_string_value(json_object_get(json_object_get(r,
	    "Error"), "Message"));

	return m != NULL && *m != '\0';
}

/*
 * Once the attach stream has ended: the container's exit status (0-255),
 * and the container removed unless keep. -1 when the daemon does not
 * answer (stopped, say) or has lost the container (podman without its
 * conmon): the caller tells.
 */
int
engine_api_wait(const struct engine_attached *a, bool keep)
{
	_cleanup_free_ char *esc = docker_api_escape(a->id), *path = NULL;
	struct paks_error *err = NULL;
	json_t *r = NULL, *code;
	int rc = -1;

	if (a->exec)
		return engine_api_exec_status(a);
	if (run_podman_lost(a, esc))
		return -1;
	/* not-running: at once if it has ended, else when it does */
	path = xasprintf("/containers/%s/wait?condition=not-running", esc);
	if (docker_api_call(a->api, "POST", path, NULL, &r, NULL, &err) == 0 &&
	    json_is_integer(code = json_object_get(r, "StatusCode")))
		rc = (int)(json_integer_value(code) & 255);
	/* podman without conmon: "no such exit code", and a 0 */
	if (strcmp(docker_api_engine(a->api), "podman") == 0 &&
	    run_wait_error(r))
		rc = -1;
	json_decref(r);
	paks_error_release(&err);
	if (rc >= 0 && !keep && engine_api_remove(a->api, a->id, &err) < 0)
		paks_error_free(err);
	return rc;
}

/* The container's terminal to rows x cols (its tty has no ioctl here). */
void
engine_api_resize(const struct engine_attached *a, unsigned rows,
    unsigned cols)
{
	_cleanup_free_ char *esc = NULL, *path = NULL;
	struct paks_error *err = NULL;

	if (a->api == NULL || a->id == NULL || rows == 0 || cols == 0)
		return;
	esc = docker_api_escape(a->id);
	path = xasprintf("/%s/%s/resize?h=%u&w=%u", a->exec ? "exec" :
	    "containers", esc, rows, cols);
	if (docker_api_call(a->api, "POST", path, NULL, NULL, NULL, &err) < 0)
		paks_error_free(err);
}

void
engine_attached_release(struct engine_attached *a)
{
	docker_stream_close(&a->stream);
	free(a->id);
	a->id = NULL;
	a->fd = -1;
	a->exec = false;
}
