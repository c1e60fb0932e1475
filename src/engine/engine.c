/* Engine selection, probing, and the argument vectors docker and podman share. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "engine-api.h"
#include "store/paths.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/run.h"
#include "util/spawn.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "version.h"

/*
 * No log: the session's terminal is the container's output, and a log
 * would keep all of it (secrets shown, paks's messages to the shell) for
 * "docker logs" of a --keep container; paks reads the terminal itself.
 */
static void
docker_run_flags(const struct engine *e, struct strv *argv)
{
	(void)e;
	strv_push(argv, "--log-driver=none");
}

static void
podman_run_flags(const struct engine *e, struct strv *argv)
{
	(void)e;
	/* the shell's tty is the container's; no conmon log copy needed */
	strv_push(argv, "--log-driver=none");
}

static int cli_probe(const struct engine *, struct paks_error **);
static void cli_run_argv(const struct engine *, const struct run_opts *,
    char *const *, struct strv *);
static int cli_remove(const struct engine *, const char *);

#define CLI_OPS \
	.images = true, \
	.probe = cli_probe, \
	.run_argv = cli_run_argv, \
	.cp = engine_cli_cp, \
	.inspect = engine_cli_inspect, \
	.size = engine_cli_size, \
	.remove = cli_remove

static const struct engine docker_engine = {
	.name = "docker",
	.program = "docker",
	.daemon = true,
	/* docker keeps the old entrypoint for "[]" */
	.empty_entrypoint = "[\"\"]",
	.seccomp = SECCOMP_DOCKER,
	.run_flags = docker_run_flags,
	CLI_OPS,
};

static const struct engine podman_engine = {
	.name = "podman",
	.program = "podman",
	.daemon = false,
	.empty_entrypoint = "[]",
	.seccomp = SECCOMP_PODMAN,
	.run_flags = podman_run_flags,
	CLI_OPS,
};

const struct engine *const engines[] = { &docker_engine, &podman_engine,
	&charliecloud_engine, NULL };

const struct engine *
engine_find(const char *name)
{
	for (const struct engine *const *e = engines; *e; e++) {
		if (strcmp((*e)->name, name) == 0)
			return *e;
	}
	return NULL;
}

/* Does the engine answer? (for docker: is the daemon up) */
int
engine_probe(const struct engine *e, struct paks_error **err)
{
	return e->probe(e, err);
}

/* The API client for e, or NULL: the command-line client then. */
static struct docker_api *
engine_api(const struct engine *e)
{
	struct docker_api *api = NULL;
	struct paks_error *err = NULL;

	if (engine_api_get(e, &api, &err) < 0)
		paks_error_free(err);
	return api;
}

static int
cli_probe(const struct engine *e, struct paks_error **err)
{
	char *args[] = { "version", "--format", "{{.Server.Version}}", NULL };
	_cleanup_free_ char *out = NULL;
	struct docker_api *api = NULL;

	if (engine_api_get(e, &api, err) < 0)
		return -1;
	/* a daemon that stopped answering gets the client's word below */
	if (api != NULL && engine_api_ping(api) == 0)
		return 0;
	if (engine_simple(e, args, &out, err) < 0) {
		if ((*err)->hint != NULL)
			return -1; /* not installed */
		paks_error_release(err);
		paks_error_set(err, 0, "%s is not answering (is its daemon "
		    "running?)", e->name);
		if (e->daemon)
			return paks_error_hint(err, "start it (e.g. 'systemctl "
			    "start docker') or use '-c podman'");
		return -1;
	}
	return 0;
}

/* charliecloud runs image directories: it has no images or containers. */
static int
engine_no_images(const struct engine *e, struct paks_error **err)
{
	paks_error_set(err, 0, "this needs docker or podman; %s keeps no "
	    "images or containers", e->name);
	return paks_error_hint(err, "use -c docker or -c podman here; "
	    "'paks run -c %s DIR' opens an image directory", e->name);
}

/*
 * The engine that runs IMAGE without an image store (charliecloud), or
 * NULL for docker and podman: the one named, or, when none is, an IMAGE
 * that is a path (no image reference starts with '/' or '.').
 */
const struct engine *
engine_for_image(const char *name, const char *image)
{
	const struct engine *e;

	if (name != NULL && *name != '\0')
		return (e = engine_find(name)) != NULL && !e->images ? e : NULL;
	if (image[0] == '/' || image[0] == '.')
		return &charliecloud_engine;
	return NULL;
}

/* Does the engine have an equivalent of #NAME? If not, say so. */
int
engine_supports(const struct engine *e, const char *name,
    struct paks_error **err)
{
	for (const struct engine_lack *u = e->unsupported; u && u->command;
	    u++) {
		if (strcmp(u->command, name) == 0) {
			paks_error_set(err, 0, "#%s is not supported by %s",
			    name, e->name);
			return u->hint ? paks_error_hint(err, "%s", u->hint) :
			    -1;
		}
	}
	return 0;
}

void
engine_saved_release(struct engine_saved *s)
{
	free(s->detail);
	free(s->stale);
	s->detail = s->stale = NULL;
}

/*
 * Pick the engine (see engine_pick) and make sure it answers: for the
 * commands that need it to, unlike paks run, which learns it from the run.
 */
int
engine_select(const char *name, const struct engine **out,
    struct paks_error **err)
{
	if (engine_pick(name, out, err) < 0)
		return -1;
	return engine_probe(*out, err);
}

/*
 * Is IMAGE in the engine's store? One call answers for the engine too: a
 * daemon that is down fails differently from an image that is absent.
 * Returns -1 only when the client cannot be run at all.
 */
int
engine_image_state(const struct engine *e, const char *image,
    enum image_state *state, struct paks_error **err)
{
	char *args[] = { (char *)e->program, "image", "inspect", "--format",
		"{{.Id}}", (char *)image, NULL };
	struct docker_api *api = NULL;
	struct run r = RUN_INIT(args);
	const char *eo;

	if (engine_api_get(e, &api, err) < 0)
		return -1;
	if (api != NULL)
		return engine_api_image_state(api, image, state);
	r.err.how = RUN_CAPTURE;
	if (run_cmd(&r, err) < 0) {
		paks_error_hint(err, "is %s installed? see the README's "
		    "install section", e->name);
		return -1;
	}
	eo = strbuf_str(&r.err_text);
	if (r.code == 0)
		*state = IMAGE_PRESENT;
	else if (strcasestr(eo, "no such image") ||
	    strcasestr(eo, "image not known") ||
	    strcasestr(eo, "not found"))
		*state = IMAGE_ABSENT;
	else
		*state = IMAGE_ENGINE_DOWN;
	run_release(&r);
	return 0;
}

/*
 * The image's ENTRYPOINT as the engine prints it in JSON
 * ('["/init","--"]'), or NULL when it has none or cannot say.
 */
char *
engine_image_entrypoint(const struct engine *e, const char *image)
{
	char *args[] = { "image", "inspect", "--format",
		"{{json .Config.Entrypoint}}", (char *)image, NULL };
	struct paks_error *err = NULL;
	struct docker_api *api = engine_api(e);
	char *out = NULL;

	if (api != NULL)
		return engine_api_image_entrypoint(api, image);
	if (!e->images || engine_simple(e, args, &out, &err) < 0) {
		paks_error_free(err);
		return NULL;
	}
	out[strcspn(out, "\n")] = '\0';
	if (*out == '\0' || strcmp(out, "null") == 0 ||
	    strcmp(out, "[]") == 0) {
		free(out);
		return NULL;
	}
	return out;
}

int
engine_pull(const struct engine *e, const char *image, struct paks_error **err)
{
	char *args[] = { "pull", "--quiet", (char *)image, NULL };

	return engine_simple(e, args, NULL, err);
}

/* Where the last line of s starts (trailing newlines are part of it). */
static size_t
engine_before_last_line(const char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	while (len > 0 && s[len - 1] != '\n')
		len--;
	return len;
}

/*
 * The pull through the engine's API (docker, podman's service): 0 pulled, -1 failed (*err), 1 for the
 * client to do it (no API, or a registry that wants the client's
 * credentials).
 */
static int
engine_pull_api(const struct engine *e, const char *image, bool loopback,
    struct paks_error **err)
{
	struct docker_api *api = NULL;

	if (engine_api_get(e, &api, err) < 0)
		return -1;
	if (api == NULL)
		return 1;
	if (engine_api_pull(api, image, loopback, STDERR_FILENO, err) == 0)
		return 0;
	if ((*err)->code == EACCES) {
		paks_error_release(err);
		return 1;
	}
	paks_error_wrap(err, "%s pull %s failed", e->name, image);
	return -1;
}

/*
 * Pull IMAGE with the engine's own progress on paks's stderr (its
 * stdout too: in command mode paks's stdout is CMD's). A failure carries
 * the engine's last line ("manifest unknown", "connection refused").
 * loopback: the registry is on this machine (see move_registry_loopback).
 */
int
engine_pull_shown(const struct engine *e, const char *image, bool loopback,
    struct paks_error **err)
{
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	_cleanup_close_ int rd = -1, wr = -1;
	_cleanup_free_ char *last = NULL;
	struct strbuf tail = STRBUF_INIT;
	char buf[4096];
	int fds[2], code;
	ssize_t n;
	size_t k;

	switch (engine_pull_api(e, image, loopback, err)) {
	case 0:
		return 0;
	case -1:
		return -1;
	}
	if (pipe2(fds, O_CLOEXEC) < 0)
		return paks_error_set(err, errno, "cannot create a pipe");
	rd = fds[0], wr = fds[1];
	strv_push(&sp.args, e->program);
	strv_push(&sp.args, "pull");
	/* docker's daemon takes a loopback registry as insecure itself */
	if (loopback && !e->daemon)
		strv_push(&sp.args, "--tls-verify=false");
	strv_push(&sp.args, image);
	sp.out = STDERR_FILENO;
	sp.err = wr;
	if (spawn_start(&sp, err) < 0)
		return paks_error_hint(err, "is %s installed? see the README's "
		    "install section", e->name);
	close(TAKE_FD(wr));
	while ((n = read(rd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		strbuf_add(&tail, buf, (size_t)n);
		/* all but the last line: it may be the reason, said once */
		k = engine_before_last_line(tail.buf, tail.len);
		if (k == 0 && tail.len > 65536)	/* no line ends: show it */
			k = tail.len;
		write_all(STDERR_FILENO, tail.buf, k);
		strbuf_remove_front(&tail, k);
	}
	code = spawn_status_code(spawn_wait(&sp));
	if (code == 0)
		write_all(STDERR_FILENO, tail.buf ? tail.buf : "", tail.len);
	last = engine_last_line(tail.buf ? tail.buf : "");
	strbuf_release(&tail);
	if (code == 0)
		return 0;
	return paks_error_set(err, 0, "%s pull %s failed: %s", e->name, image,
	    *last ? last : "no message");
}

bool
engine_container_exists(const struct engine *e, const char *name)
{
	char *args[] = { "container", "inspect", "--format", "{{.Id}}",
		(char *)name, NULL };
	struct paks_error *err = NULL;
	struct docker_api *api = engine_api(e);
	int rc;

	if (api != NULL)
		return engine_api_container_exists(api, name);
	rc = engine_simple(e, args, NULL, &err);
	paks_error_free(err);
	return rc == 0;
}

int
engine_remove(const struct engine *e, const char *name)
{
	return e->remove(e, name);
}

static int
cli_remove(const struct engine *e, const char *name)
{
	/* podman waits for the stop signal unless told not to */
	char *args[] = { "rm", "--force", (char *)name,
		e->daemon ? NULL : "--time=0", NULL };
	struct paks_error *err = NULL;
	int rc = engine_simple(e, args, NULL, &err);

	paks_error_free(err);
	return rc;
}

/* Does docker's daemon socket take a connection? (no process started) */
static bool
engine_docker_socket_up(void)
{
	const char *host = getenv("DOCKER_HOST");
	const char *path = "/var/run/docker.sock";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	if (host != NULL && *host != '\0') {
		if (strncmp(host, "unix://", 7) != 0) {
			struct paks_error *ignored = NULL;
			bool up = engine_probe(&docker_engine, &ignored) == 0;
			paks_error_free(ignored);
			return up;
		}
		path = host + 7;
	}
	if (strlen(path) >= sizeof sa.sun_path)
		return false;
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return false;
	rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	close(fd);
	return rc == 0;
}

/*
 * Pick the engine for paks run without asking it anything: the one named
 * (setting or -c), else docker when its socket answers, else podman. The
 * run itself then tells whether the image is there (see host-run.c).
 */
int
engine_pick(const char *name, const struct engine **out,
    struct paks_error **err)
{
	if (name != NULL && *name != '\0') {
		if ((*out = engine_find(name)) == NULL) {
			paks_error_set(err, 0, "unknown container engine '%s'",
			    name);
			return paks_error_hint(err, "use docker or podman "
			    "(-c or the container_tech setting)");
		}
		if (!(*out)->images)
			return engine_no_images(*out, err);
		return 0;
	}
	*out = engine_docker_socket_up() ? &docker_engine : &podman_engine;
	return 0;
}

/*
 * paks's seccomp profile for a session (see seccomp.c), or NULL. Said on
 * stderr, before the terminal turns raw, when it cannot be used: a
 * failure each time; a machine without a base profile once for a paks
 * home, and only if the kernel lets programs type into their terminal.
 */
static char *
engine_seccomp(const struct engine *e, char *const *extra)
{
	_cleanup_free_ char *home = paths_home(), *dir = NULL, *path = NULL;
	_cleanup_free_ char *msg = NULL;
	struct paks_error *err = NULL;
	enum seccomp_result res;

	dir = paths_join(home, "seccomp");
	if (seccomp_prepare(e->seccomp, NULL, dir, extra, &res, &path,
	    &err) < 0) {
		msg = paks_error_format(err);
		paks_error_free(err);
		fprintf(stderr, "paks: warning: seccomp profile not added "
		    "(%s): programs in the container can type into this "
		    "terminal (TIOCSTI)\n", msg);
		return NULL;
	}
	if (res == SECCOMP_NO_BASE && seccomp_tiocsti_open() &&
	    seccomp_first_note(dir))
		fprintf(stderr, "paks: note: no default seccomp profile to "
		    "add to (containers-common's seccomp.json): programs in "
		    "%s containers can type into your terminal (TIOCSTI); "
		    "said once, see docs/security-engine.md\n", e->name);
	return TAKE_PTR(path);
}

/*
 * The argument vector that starts an interactive session: for docker and
 * podman with paks's seccomp profile, unless the run options choose one.
 */
void
engine_run_argv(const struct engine *e, const struct run_opts *o,
    char *const *cmd, struct strv *argv)
{
	struct run_opts with = *o;
	_cleanup_free_ char *profile = NULL;

	if (e->seccomp != SECCOMP_NONE && o->seccomp == NULL && !o->enter)
		with.seccomp = profile = engine_seccomp(e, o->extra);
	e->run_argv(e, &with, cmd, argv);
}

/*
 * A session's container over the engine's API (engine-api-run.c), with
 * paks's seccomp profile as engine_run_argv gives it: 1 when the client
 * runs it (PAKS_DOCKER_API_RUN=0, podman unless PAKS_PODMAN_API_RUN=1, no API socket,
 * charliecloud, ...).
 */
int
engine_attach(const struct engine *e, const struct run_opts *o,
    char *const *cmd, struct engine_attached *a, struct paks_error **err)
{
	struct run_opts with = *o;
	_cleanup_free_ char *profile = NULL;
	bool podman = strcmp(e->name, "podman") == 0;
	const char *want = getenv(podman ? "PAKS_PODMAN_API_RUN" :
	    "PAKS_DOCKER_API_RUN");

	*a = (struct engine_attached){ .fd = -1, .stream = DOCKER_STREAM_INIT };
	/*
	 * podman's only when asked: its service relays the terminal to
	 * conmon, a hop more than its client, which attaches to conmon's
	 * socket itself (echo x1.3-1.5 against x1.1-1.2, bench/README.md)
	 */
	if (podman ? (want == NULL || strcmp(want, "1") != 0) :
	    (want != NULL && strcmp(want, "0") == 0) || !e->daemon)
		return 1;
	if (e->seccomp != SECCOMP_NONE && o->seccomp == NULL && !o->enter)
		with.seccomp = profile = engine_seccomp(e, o->extra);
	return engine_api_attach(e, &with, cmd, a, err);
}

/*
 * The run options every engine takes, as FLAG=VALUE under the engine's
 * own flag names, then the user's extra options.
 */
void
engine_run_opts(const struct run_opts *o, const struct run_opt_names *f,
    struct strv *argv)
{
	if (o->workdir != NULL)
		strv_pushf(argv, "%s=%s", f->workdir, o->workdir);
	if (o->user != NULL && *o->user != '\0')
		strv_pushf(argv, "%s=%s", f->user, o->user);
	for (char *const *v = o->volumes; v && *v; v++)
		strv_pushf(argv, "%s=%s", f->volume, *v);
	for (char *const *v = o->envs; v && *v; v++)
		strv_pushf(argv, "%s=%s", f->env, *v);
	strv_pushv(argv, o->extra);
}

/*
 * Command mode: "IMAGE CMD ARGS" as docker runs it (the ENTRYPOINT gets
 * CMD as its arguments; --no-entrypoint makes CMD the entrypoint). With
 * --envload, a shell first sources the FIFO mounted at ENGINE_ENVPIPE and
 * then execs CMD: the values pass through no argv, no -e (the container's
 * Config.Env, which a commit keeps) and no file.
 */
static void
cli_command_argv(const struct run_opts *o, struct strv *argv)
{
	char *const *cmd = o->command;

	if (o->envpipe != NULL)
		strv_pushf(argv, "--volume=%s:%s:ro", o->envpipe,
		    ENGINE_ENVPIPE);
	if (o->no_entrypoint)
		strv_pushf(argv, "--entrypoint=%s", o->envpipe ? "/bin/sh" :
		    cmd[0]);
	strv_push(argv, o->image);
	if (o->envpipe != NULL) {
		if (!o->no_entrypoint)
			strv_push(argv, "/bin/sh");
		strv_push(argv, "-c");
		strv_push(argv, ". " ENGINE_ENVPIPE " && exec \"$@\"");
		strv_push(argv, "sh");
	} else if (o->no_entrypoint) {
		cmd++;
	}
	strv_pushv(argv, cmd);
}

/*
 * paks enter: "ENGINE exec -it NAME /bin/sh CMD..." into a container that
 * runs; the container keeps its own user, mounts and seccomp profile.
 */
static void
cli_exec_argv(const struct engine *e, const struct run_opts *o,
    char *const *cmd, struct strv *argv)
{
	strv_push(argv, e->program);
	strv_push(argv, "exec");
	strv_push(argv, "-it");
	if (o->workdir != NULL)
		strv_pushf(argv, "--workdir=%s", o->workdir);
	for (char *const *v = o->envs; v && *v; v++)
		strv_pushf(argv, "--env=%s", *v);
	strv_push(argv, o->name);
	strv_push(argv, "/bin/sh");
	strv_pushv(argv, cmd);
}

/* "ENGINE run -it ... IMAGE /bin/sh CMD..." for an interactive session. */
static void
cli_run_argv(const struct engine *e, const struct run_opts *o,
    char *const *cmd, struct strv *argv)
{
	static const struct run_opt_names names = { "--workdir", "--user",
		"--volume", "--env" };

	if (o->enter) {
		cli_exec_argv(e, o, cmd, argv);
		return;
	}
	strv_push(argv, e->program);
	strv_push(argv, "run");
	if (o->command == NULL)
		strv_push(argv, "-it");
	else if (o->open_stdin || o->tty)
		strv_pushf(argv, "-%s%s", o->open_stdin ? "i" : "",
		    o->tty ? "t" : "");
	/* paks pulls, and only when the run says the image is missing */
	strv_push(argv, "--pull=never");
	if (!o->keep)
		strv_push(argv, "--rm");
	strv_pushf(argv, "--name=%s", o->name);
	/* paks ls knows its containers by these (a container made from a
	 * saved image inherits them, with another name) */
	strv_pushf(argv, "--label=%s=%s", ENGINE_LABEL_RUN, o->name);
	strv_pushf(argv, "--label=%s=%s", ENGINE_LABEL_SOURCE, o->image);
	strv_pushf(argv, "--label=org.paks.version=%s", PAKS_VERSION);
	e->run_flags(e, argv);
	if (o->seccomp != NULL && !seccomp_user_chose(o->extra))
		strv_pushf(argv, "--security-opt=seccomp=%s", o->seccomp);
	engine_run_opts(o, &names, argv);
	if (o->command != NULL) {
		cli_command_argv(o, argv);
		return;
	}
	/*
	 * The image's ENTRYPOINT runs, as under "docker run -it", with the
	 * shell as its arguments: one that sets up an environment and ends
	 * in 'exec "$@"' (conda, CUDA stacks) hands over to paks's shell.
	 */
	if (o->no_entrypoint)
		strv_push(argv, "--entrypoint=/bin/sh");
	strv_push(argv, o->image);
	if (!o->no_entrypoint)
		strv_push(argv, "/bin/sh");
	strv_pushv(argv, cmd);
}
