/*
 * How engine operations run their programs: through the runner they are
 * given (a session's jobs, or plainly), a failure told with the program's
 * last line of stderr.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "engine-api.h"
#include "util/cleanup.h"
#include "util/run.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Last non-empty line of engine output, for a one-line error. */
char *
engine_last_line(const char *s)
{
	const char *end = s + strlen(s);

	while (end > s && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' '))
		end--;
	const char *start = end;
	while (start > s && start[-1] != '\n')
		start--;
	return xstrndup(start, (size_t)(end - start));
}

/*
 * The client's words ARGS through the API, in this process: 0, -1 (*err),
 * or 1 for words it does not know (the client runs them).
 */
static int
engine_words_here(const struct engine *e, struct docker_api *api,
    char *const *args, int fd, char **out, struct paks_error **err)
{
	int code, rc = engine_api_words(api, args, fd, -1, out, &code, err);

	if (rc == 0 && code != 0)
		return paks_error_set(err, 0, "%s %s failed: it exited with %d",
		    e->name, args[0], code);
	return rc;
}

/*
 * Run "PROGRAM ARGS..." and collect stdout; a non-zero exit becomes an
 * error carrying the engine's last line of stderr.
 */
int
engine_simple(const struct engine *e, char *const *args, char **out,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;
	_cleanup_free_ char *last = NULL;
	struct run r = RUN_INIT(NULL);
	struct docker_api *api = NULL;
	int rc = 0;

	/* what the engine's API can do goes there (engine-api-words.c) */
	if (engine_api_get(e, &api, err) < 0)
		return -1;
	if (api != NULL && (rc = engine_words_here(e, api, args, -1, out,
	    err)) <= 0)
		return rc;
	rc = 0;
	strv_push(&argv, e->program);
	strv_pushv(&argv, args);
	r.argv = argv.v;
	r.out.how = r.err.how = RUN_CAPTURE;
	if (run_cmd(&r, err) < 0) {
		paks_error_hint(err, "is %s installed? see the README's "
		    "install section", e->name);
		return -1;
	}
	if (r.code != 0) {
		last = engine_last_line(strbuf_str(&r.err_text));
		rc = paks_error_set(err, 0, "%s %s failed: %s", e->name,
		    args[0], *last ? last : "no message");
	} else if (out != NULL)
		*out = xstrdup(strbuf_str(&r.out_text));
	run_release(&r);
	return rc;
}

/*
 * Run r (argv's program, or the API's words in a child of paks) through
 * rn: its stdout into *out (if out), or into fd (if fd >= 0). A failure
 * carries the program's last line of stderr ("docker cp failed: ..."),
 * or what the API's words said on fd 3, as it is; a program the user
 * interrupted is "interrupted".
 */
static int
engine_cmd_run(const struct runner *rn, struct run *r, char *const *argv,
    const char *progress, char **out, int fd, struct paks_error **err)
{
	_cleanup_free_ char *last = NULL;
	bool sub = argv[1] != NULL && argv[1][0] != '-';
	int rc = 0;

	r->progress = progress;
	r->out.how = fd >= 0 ? RUN_FD : RUN_CAPTURE;
	r->out.fd = fd;
	r->err.how = RUN_CAPTURE;
	if (runner_run(rn, r, err) < 0)
		return -1;
	if (r->cancelled)
		rc = paks_error_set(err, 0, "interrupted");
	else if (r->code != 0 && r->fd3_text.len > 0) {
		last = engine_last_line(strbuf_str(&r->fd3_text));
		rc = paks_error_set(err, 0, "%s", last);
	} else if (r->code != 0) {
		last = engine_last_line(strbuf_str(&r->err_text));
		rc = paks_error_set(err, 0, "%s%s%s failed: %s", argv[0],
		    sub ? " " : "", sub ? argv[1] : "", *last ? last :
		    "no message");
	} else if (out != NULL)
		*out = xstrdup(strbuf_str(&r->out_text));
	run_release(r);
	return rc;
}

/* argv (program first) for an engine operation, as engine_cmd_run says. */
int
engine_cmd(const struct runner *rn, char *const *argv, const char *progress,
    char **out, int fd, struct paks_error **err)
{
	struct run r = RUN_INIT(argv);

	return engine_cmd_run(rn, &r, argv, progress, out, fd, err);
}

/*
 * engine_cmd of "PROGRAM ARGS..." with e's program; what the engine's
 * API can do goes there (engine-api-words.c): in this process when run
 * plainly (paks save), in the job's process for a session's job, which
 * Ctrl-C must be able to stop while the session goes on.
 */
int
engine_cmd_args(const struct engine *e, const struct runner *rn,
    char *const *args, const char *progress, char **out, int fd,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;
	struct docker_api *api = NULL;
	int rc;

	if (engine_api_get(e, &api, err) < 0)
		return -1;
	strv_push(&argv, e->program);
	strv_pushv(&argv, args);
	if (api != NULL && rn != NULL && rn->fn != NULL) {
		struct engine_words w = { e, args, true };
		struct run r = RUN_INIT(NULL);

		r.fn = engine_api_words_child;
		r.fn_arg = &w;
		r.fd3_capture = true;
		return engine_cmd_run(rn, &r, argv.v, progress, out, fd, err);
	}
	if (api != NULL && (rc = engine_words_here(e, api, args, fd, out,
	    err)) <= 0)
		return rc;
	if (engine_cmd(rn, argv.v, progress, out, fd, err) == 0)
		return 0;
	if ((*err)->code == ENOENT)
		paks_error_hint(err, "is %s installed? see the README's "
		    "install section", e->name);
	return -1;
}
