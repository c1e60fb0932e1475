/*
 * #cp host:SRC CTRPATH through the Engine API, with no client: the
 * destination looked at with HEAD /containers/NAME/archive (its stat in
 * the X-Docker-Container-Path-Stat header), then SRC as a tar (the pack
 * the caller gives, image/tarpack.c) in the body of PUT
 * /containers/NAME/archive?path=DIR, which the daemon unpacks in DIR.
 * podman's service is asked on its own endpoints (/libpod/...), which
 * behave as `podman cp` does: the files become the container user's,
 * where its docker-compatible ones keep the tar's owners.
 *
 * Where things go follows `docker cp`: DEST a directory, SRC goes into it
 * under its own name; DEST a file, a file SRC replaces it; DEST absent,
 * SRC is made there under DEST's name (its parent must exist; "DEST/"
 * must be a directory). The tar's top member is named accordingly. A
 * link at DEST is followed once, to the target the daemon reports, as
 * the docker client does; every path is resolved by the daemon in the
 * container's root, never here, and nothing the container says makes
 * paks read anything on the host but SRC's tree.
 *
 * In a session this runs as one of its jobs (a child of paks, on an API
 * connection of its own), so that the session's loop keeps serving
 * Ctrl-C and resizes; the pack runs in a child of that child, writing
 * into a pipe the upload reads. Each reports an error as one line on
 * stderr, which becomes "cannot copy 'SRC': LINE".
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine-api.h"
#include "util/cleanup.h"
#include "util/spawn.h"
#include "util/text.h"
#include "util/xalloc.h"


/* What the job in the child needs, set up by the parent. */
struct api_cp_job {
	const struct engine	*engine;
	const struct engine_cp	*cp;
	const char		*name;		/* the container */
	char			*dest;		/* absolute, no trailing '/' */
	bool			 want_dir;	/* DEST was typed with a '/' */
	bool			 src_dir;
	bool			 contents;	/* SRC is "DIR/." */
	char			*src_base;	/* SRC's name */
};


/* One error line on stderr, for the parent: no control bytes. */
static void
api_cp_say(const struct paks_error *e)
{
	_cleanup_free_ char *line = e->code != 0 ? xasprintf("%s: %s",
	    e->msg, strerror(e->code)) : xstrdup(e->msg);

	line[strcspn(line, "\n")] = '\0';
	text_plain(line);
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

/* "/libpod/containers/NAME/archive?path=PATH" (podman's), or docker's */
static char *
api_cp_url(struct docker_api *api, const char *name, const char *path,
    const char *more)
{
	_cleanup_free_ char *n = docker_api_escape(name);
	_cleanup_free_ char *p = docker_api_escape(path);
	bool podman = strcmp(docker_api_engine(api), "podman") == 0;

	return xasprintf("%s/containers/%s/archive?path=%s%s", podman ?
	    "/libpod" : "", n, p, more ? more : "");
}


/* path's directory ("/" for "/x"); path is absolute, without a '/' last */
static char *
api_cp_parent(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash == path ? xstrdup("/") : xstrndup(path,
	    (size_t)(slash - path));
}

/*
 * The stat of *path, a link followed once to the target the daemon
 * reports (joined to the link's directory when relative), *path then
 * being that target, as the docker client does. podman's service
 * reports the link's target already resolved, and that it is a
 * directory.
 */
static int
api_cp_look(struct docker_api *api, const char *name, char **path,
    struct engine_api_stat *st, struct paks_error **err)
{
	char *to;

	if (engine_api_stat(api, name, *path, st, err) < 0)
		return -1;
	if (!st->link)
		return 0;
	if (st->target[0] == '/')
		to = xstrdup(st->target);
	else {
		_cleanup_free_ char *dir = api_cp_parent(*path);
		to = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "",
		    st->target);
	}
	free(st->target);
	free(*path);
	*path = to;
	for (size_t n = strlen(to); n > 1 && to[n - 1] == '/'; n--)
		to[n - 1] = '\0';
	return engine_api_stat(api, name, *path, st, err);
}

/*
 * Where the tar goes (*dir) and its top member's name (*top; NULL: a
 * directory's contents), by docker cp's rules.
 */
static int
api_cp_where(struct docker_api *api, const struct api_cp_job *job,
    char **dir, char **top, struct paks_error **err)
{
	_cleanup_free_ char *dest = xstrdup(job->dest), *up = NULL;
	struct engine_api_stat st, ups;

	if (api_cp_look(api, job->name, &dest, &st, err) < 0)
		return -1;
	free(st.target);
	if (st.exists && st.dir) {
		*dir = TAKE_PTR(dest);
		*top = job->contents ? NULL : xstrdup(job->src_base);
		return 0;
	}
	if (st.exists && job->want_dir)
		return paks_error_set(err, 0, "'%s' is not a directory in "
		    "the container", job->dest);
	if (st.exists && job->src_dir)
		return paks_error_set(err, 0, "cannot copy a directory onto "
		    "the file '%s'", dest);
	if (!st.exists && job->want_dir && !job->src_dir)
		return paks_error_set(err, 0, "no directory '%s' in the "
		    "container", job->dest);
	/* made, or replaced, under DEST's name in its directory */
	up = api_cp_parent(dest);
	if (api_cp_look(api, job->name, &up, &ups, err) < 0)
		return -1;
	free(ups.target);
	if (!ups.exists || !ups.dir)
		return paks_error_set(err, 0, "no directory '%s' in the "
		    "container", up);
	*top = xstrdup(strrchr(dest, '/') + 1);
	*dir = TAKE_PTR(up);
	return 0;
}

/* The pack's process: the tar on its stdout, the pipe to the upload. */
struct api_cp_pack {
	const struct engine_cp	*cp;
	const char		*top;
};

static int
api_cp_pack(void *arg)
{
	struct api_cp_pack *p = arg;
	struct paks_error *e = NULL;

	if (p->cp->pack(p->cp, STDOUT_FILENO, p->top, &e) == 0)
		return 0;
	api_cp_say(e);
	paks_error_free(e);
	return 1;
}

/*
 * The upload: the pack's tar, chunked, into dir. The pack failing on its
 * own (a file it cannot read) has said why: -1 with *err unset. Killed
 * by SIGPIPE, it was the upload that stopped, whose error is the one.
 */
static int
api_cp_put(struct docker_api *api, const struct api_cp_job *job,
    const char *dir, const char *top, struct paks_error **err)
{
	bool podman = strcmp(docker_api_engine(api), "podman") == 0;
	_cleanup_free_ char *url = api_cp_url(api, job->name, dir, podman ?
	    "&copyUIDGID=true&nooverwritedirnondir=true" :
	    "&noOverwriteDirNonDir=true");
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	struct api_cp_pack pack = { job->cp, top };
	int p[2], rc, status;

	if (pipe2(p, O_CLOEXEC) < 0)
		return paks_error_set(err, errno, "cannot create a pipe");
	sp.fn = api_cp_pack;
	sp.fn_arg = &pack;
	sp.in = SPAWN_DEVNULL;
	sp.out = p[1];
	rc = spawn_start(&sp, err);
	close(p[1]);
	if (rc == 0)
		rc = docker_api_put_fd(api, "PUT", url, "application/x-tar",
		    p[0], -1, NULL, NULL, err);
	close(p[0]);
	if (sp.pid < 0)
		return -1;
	status = spawn_wait(&sp);
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		paks_error_release(err);
		return -1;
	}
	if (rc == 0 && status != 0)
		return paks_error_set(err, 0, "the tar of '%s' was not made",
		    job->cp->what);
	return rc;
}

/* In the job's process: its own connection, the look, the upload. */
static int
api_cp_child(void *arg)
{
	struct api_cp_job *job = arg;
	_cleanup_free_ char *sock = engine_api_socket(job->engine);
	_cleanup_free_ char *dir = NULL, *top = NULL;
	struct paks_error *e = NULL;
	struct docker_api *api = NULL;
	int rc = -1;

	signal(SIGPIPE, SIG_IGN);
	if (sock == NULL)
		paks_error_set(&e, 0, "%s's API is not there", job->engine->name);
	else if ((api = docker_api_open_as(job->engine->name, sock,
	    &e)) != NULL && api_cp_where(api, job, &dir, &top, &e) == 0)
		rc = api_cp_put(api, job, dir, top, &e);
	docker_api_free(api);
	if (rc == 0)
		return 0;
	if (e != NULL)
		api_cp_say(e);
	paks_error_free(e);
	return 1;
}

/* The job: DEST made absolute (from the shell's directory), SRC looked at. */
static void
api_cp_job_init(struct api_cp_job *job, const struct engine_op *op,
    const struct engine_cp *cp)
{
	const char *a = cp->ctr;
	_cleanup_free_ char *src = xstrdup(cp->host);
	struct stat st;
	size_t n;
	char *base;

	if (a[0] == '/')
		job->dest = xstrdup(a);
	else
		job->dest = xasprintf("%s/%s", op->cwd && *op->cwd ? op->cwd :
		    "", a);
	n = strlen(job->dest);
	job->want_dir = n > 1 && job->dest[n - 1] == '/';
	while (n > 1 && job->dest[n - 1] == '/')
		job->dest[--n] = '\0';
	/* no following: a link named as SRC is copied as a link */
	job->src_dir = lstat(cp->host, &st) == 0 && S_ISDIR(st.st_mode);
	for (n = strlen(src); n > 1 && src[n - 1] == '/'; n--)
		src[n - 1] = '\0';
	base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
	job->contents = job->src_dir && (*base == '\0' ||
	    strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    strcmp(src, "/") == 0);
	job->src_base = xstrdup(base);
	job->engine = op->engine;
	job->cp = cp;
	job->name = op->run->name;
}

int
engine_api_cp_in(const struct engine_op *op, const struct engine_cp *cp,
    struct paks_error **err)
{
	struct docker_api *api = NULL;
	struct api_cp_job job = { 0 };
	struct run r = RUN_INIT(NULL);
	_cleanup_free_ char *last = NULL;
	int rc = 0;

	if (cp->pack == NULL || engine_api_get(op->engine, &api, err) < 0)
		return cp->pack == NULL ? 1 : -1;
	if (api == NULL)
		return 1;	/* the client */
	api_cp_job_init(&job, op, cp);
	r.fn = api_cp_child;
	r.fn_arg = &job;
	r.err.how = RUN_CAPTURE;
	if (runner_run(&op->runner, &r, err) < 0)
		rc = -1;
	else if (r.cancelled)
		rc = paks_error_set(err, 0, "interrupted");
	else if (r.code != 0) {
		last = engine_last_line(strbuf_str(&r.err_text));
		rc = paks_error_set(err, 0, "cannot copy '%s': %s", cp->what,
		    *last ? last : "no message");
	}
	run_release(&r);
	free(job.dest);
	free(job.src_base);
	return rc;
}
