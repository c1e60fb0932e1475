/* paks exec: run a command in a running container (a --keep session's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine/engine.h"
#include "host-runcmd.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static const struct cmd_option exec_options[] = {
	{ .name = "engine", .letter = 'c', .arg = "E",
	  .help = "engine: docker or podman",
	  .aliases = CMD_NAMES("container-tech") },
	{ .name = "envload", .arg = "NAME", .flags = CMD_OPT_REPEAT,
	  .help = "give CMD the variables of environment NAME (paks env)" },
	{ .name = NULL },
};

/* Does the container run? Said in one line when it does not. */
static int
exec_check(const struct engine *e, const char *name, struct paks_error **err)
{
	char *args[] = { "container", "inspect", "--format",
		"{{.State.Running}}", (char *)name, NULL };
	_cleanup_free_ char *out = NULL;

	if (engine_simple(e, args, &out, err) < 0) {
		paks_error_release(err);
		if (engine_probe(e, err) < 0)
			return -1;
		paks_error_set(err, 0, "no container '%s' in %s", name,
		    e->name);
		return paks_error_hint(err, "'%s ps' lists the running ones",
		    e->program);
	}
	if (strncmp(out, "true", 4) != 0) {
		paks_error_set(err, 0, "container '%s' is not running", name);
		return paks_error_hint(err, "start it with '%s start %s', "
		    "then run paks exec again", e->program, name);
	}
	return 0;
}

/*
 * "ENGINE exec [-i][-t] [--env=K]... NAME CMD...": --envload's values
 * are in the client's environment only (-e K takes its value from there),
 * so never in an argv nor in the container's configuration.
 */
static void
exec_argv(const struct engine *e, const char *name, char *const *vars,
    char *const *cmd, struct strv *argv)
{
	bool open_stdin, tty;

	runcmd_stdio(&open_stdin, &tty);
	strv_push(argv, e->program);
	strv_push(argv, "exec");
	if (open_stdin || tty)
		strv_pushf(argv, "-%s%s", open_stdin ? "i" : "",
		    tty ? "t" : "");
	for (char *const *v = vars; v && *v; v++)
		strv_pushf(argv, "--env=%.*s", (int)strcspn(*v, "="), *v);
	strv_push(argv, name);
	strv_pushv(argv, cmd);
}

/* As paks run's command mode: 2 usage, 125 before CMD ran, else CMD's. */
static int
exec_exec(struct cmd_ctx *ctx, int argc, char **argv, struct paks_error **err)
{
	_cleanup_strv_ struct strv vars = STRV_INIT, names = STRV_INIT;
	_cleanup_strv_ struct strv args = STRV_INIT;
	const struct settings *settings;
	const struct engine *e;
	const char *tech = cmd_opt_get(ctx->args, "engine");
	int rc = -1;

	(void)argc;
	if (strcmp(argv[2], "--") != 0) {
		paks_error_set(err, 0, "exec: the command goes after '--'");
		paks_error_hint(err, "paks exec NAME -- CMD [ARGS...]");
		return CMD_USAGE_ERROR;
	}
	cmd_opt_values(ctx->args, "envload", &names);
	if ((settings = cmd_settings(ctx, err)) == NULL)
		return EXIT_RUN_FAILED;
	if (tech == NULL)
		tech = settings_get(settings, "container_tech");
	if (engine_pick(tech, &e, err) == 0 &&
	    runcmd_envload(names.v, &vars, err) == 0 &&
	    exec_check(e, argv[1], err) == 0) {
		exec_argv(e, argv[1], vars.v, argv + 3, &args);
		rc = runcmd_spawn(args.v, vars.v, err);
	}
	for (size_t i = 0; i < vars.n; i++)
		explicit_bzero(vars.v[i], strlen(vars.v[i]));
	return rc < 0 ? EXIT_RUN_FAILED : rc;
}

const struct cmd_entry host_exec_entry = {
	.name = "exec",
	.usage = "NAME -- CMD [ARGS...]",
	.summary = "run a command in a running container (a --keep session's)",
	.help =
	    "CMD gets paks's stdin (-i, unless it is /dev/null) and a\n"
	    "terminal when stdin and stdout are both one (-t); paks exits\n"
	    "with CMD's status, or 125 when it could not start it. A stopped\n"
	    "container is not started for you: 'docker start NAME' does.\n"
	    "--envload values reach CMD through the engine client's\n"
	    "environment (exec -e KEY), never through an argv.\n"
	    "\nexamples:\n  paks exec --envload proj debian-bookworm-gloopy-peanut-4521"
	    " -- make test\n",
	.options = exec_options,
	.min_args = 3,
	.max_args = -1,
	.flags = CMD_OPTIONS_FIRST,
	.exec = exec_exec,
};
