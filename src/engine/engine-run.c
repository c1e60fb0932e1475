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

	/* docker: what its Engine API can do goes there (engine-api.c) */
	if (engine_api_get(e, &api, err) < 0)
		return -1;
	if (api != NULL && (rc = engine_api_argv(api, args, out, err)) <= 0)
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
 * Run argv (program first) for an engine operation through rn: its stdout
 * into *out (if out), or into fd (if fd >= 0). A failure carries the
 * program's last line of stderr ("docker cp failed: ..."); a program the
 * user interrupted is "interrupted".
 */
int
engine_cmd(const struct runner *rn, char *const *argv, const char *progress,
    char **out, int fd, struct paks_error **err)
{
	_cleanup_free_ char *last = NULL;
	struct run r = RUN_INIT(argv);
	bool sub = argv[1] != NULL && argv[1][0] != '-';
	int rc = 0;

	r.progress = progress;
	r.out.how = fd >= 0 ? RUN_FD : RUN_CAPTURE;
	r.out.fd = fd;
	r.err.how = RUN_CAPTURE;
	if (runner_run(rn, &r, err) < 0)
		return -1;
	if (r.cancelled)
		rc = paks_error_set(err, 0, "interrupted");
	else if (r.code != 0) {
		last = engine_last_line(strbuf_str(&r.err_text));
		rc = paks_error_set(err, 0, "%s%s%s failed: %s", argv[0],
		    sub ? " " : "", sub ? argv[1] : "", *last ? last :
		    "no message");
	} else if (out != NULL)
		*out = xstrdup(strbuf_str(&r.out_text));
	run_release(&r);
	return rc;
}

/* engine_cmd of "PROGRAM ARGS..." with e's program. */
int
engine_cmd_args(const struct engine *e, const struct runner *rn,
    char *const *args, const char *progress, char **out, int fd,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;
	struct docker_api *api = NULL;
	int rc;

	/* run plainly (paks save, not a session's job, which Ctrl-C must be
	 * able to stop): what docker's Engine API can do goes there */
	if ((rn == NULL || rn->fn == NULL) && fd < 0) {
		if (engine_api_get(e, &api, err) < 0)
			return -1;
		if (api != NULL &&
		    (rc = engine_api_argv(api, args, out, err)) <= 0)
			return rc;
	}
	strv_push(&argv, e->program);
	strv_pushv(&argv, args);
	if (engine_cmd(rn, argv.v, progress, out, fd, err) == 0)
		return 0;
	if ((*err)->code == ENOENT)
		paks_error_hint(err, "is %s installed? see the README's "
		    "install section", e->name);
	return -1;
}
