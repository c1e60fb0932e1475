/*
 * paks enter: a new paks session, #commands and all, in a container paks
 * ran: started again if it was stopped (kept with --keep), a second
 * terminal into it if it runs.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "engine/engine-ps.h"
#include "plugin/plugin.h"
#include "session/session.h"
#include "store/sessions.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const struct cmd_option enter_options[] = {
	{ .name = "engine", .letter = 'c', .arg = "E",
	  .help = "engine that has the container: docker or podman (default: "
	  "the one that has it)",
	  .aliases = CMD_NAMES("container-tech") },
	{ .name = "shell", .arg = "SHELL",
	  .help = "shell to start (default: container_shell, /bin/bash)" },
	{ .name = "workdir", .letter = 'w', .arg = "DIR",
	  .help = "working directory inside" },
	{ .name = NULL },
};

/* The session, with the plugins the plugins setting names. */
static int
enter_session(struct cmd_ctx *ctx, struct session_opts *o,
    struct paks_error **err)
{
	_cleanup_free_ char *start_dir = getcwd(NULL, 0);
	struct session_end end;
	int rc;

	o->start_dir = start_dir;
	rc = plugin_session_run(ctx, o, &end, err);
	if (rc < 0)
		return -1;
	rc = end.code;
	if (end.start_failed) {
		_cleanup_free_ char *last = engine_last_line(end.early);
		paks_error_set(err, 0, "%s could not enter '%s'%s%s",
		    o->engine->name, o->run.name, *last ? ": " : "", last);
		rc = -1;
	}
	session_end_release(&end);
	return rc;
}

/* Stop the container: it was stopped before a paks enter started it. */
static void
enter_stop(const struct engine *e, const char *name)
{
	char *args[] = { "stop", "-t", "0", (char *)name, NULL };
	struct paks_error *ignored = NULL;

	if (engine_simple(e, args, NULL, &ignored) < 0)
		paks_error_free(ignored);
}

/* Start it if it is stopped; *started says whether it was. */
static int
enter_start(const struct engine *e, const struct engine_box *box,
    bool *started, struct paks_error **err)
{
	char *args[] = { "start", box->name, NULL };

	*started = strcmp(box->state, "running") != 0;
	if (!*started)
		return 0;
	if (engine_simple(e, args, NULL, err) < 0)
		return paks_error_wrap(err, "cannot start '%s'", box->name);
	return 0;
}

static int
enter_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct engine_box box = { 0 };
	struct session_opts o = { 0 };
	const struct settings *settings;
	const char *shell = cmd_opt_get(ctx->args, "shell");
	const char *tech = cmd_opt_get(ctx->args, "engine");
	bool started = false;
	int rc = -1;

	(void)argc;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		paks_error_set(err, 0, "enter needs a terminal (stdin and "
		    "stdout are not both a tty)");
		paks_error_hint(err, "run it from an interactive terminal");
		return CMD_USAGE_ERROR;
	}
	if ((settings = cmd_settings(ctx, err)) == NULL ||
	    engine_box_find(tech ? tech : settings_get(settings, "container_tech"),
	    argv[1], &o.engine, &box, err) < 0)
		goto out;
	if (enter_start(o.engine, &box, &started, err) < 0 ||
	    sessions_join(box.name, getpid(), started, err) < 0)
		goto out;
	o.run = (struct run_opts){ .image = box.source, .name = box.name,
		.workdir = cmd_opt_get(ctx->args, "workdir"), .keep = true,
		.enter = true };
	o.shell = shell ? shell : settings_get(settings, "container_shell");
	if (*o.shell == '\0')
		o.shell = "/bin/bash";
	rc = enter_session(ctx, &o, err);
	if (sessions_leave(box.name, getpid()))
		enter_stop(o.engine, box.name);
out:
	engine_box_release(&box);
	return rc;
}

const struct cmd_entry host_enter_entry = {
	.name = "enter",
	.usage = "CONTAINER",
	.summary = "open a new session, #commands and all, in a container "
	    "paks ran",
	.help = "A container kept with 'paks run --keep' is started again;\n"
	    "one that runs gets a second session. Each session has its own\n"
	    "#commands; the last one out of a container that paks enter\n"
	    "started stops it again. 'paks ls' lists the containers.\n"
	    "\nexample:\n  paks enter paks-debian-x4f2\n",
	.options = enter_options,
	.min_args = 1,
	.max_args = 1,
	.exec = enter_exec,
};
