/* paks run: open an interactive shell in a new container. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "engine/engine.h"
#include "image/imageref.h"
#include "image/move-registry.h"
#include "image/names.h"
#include "plugin/plugin.h"
#include "session/session.h"
#include "host-runcmd.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/run.h"
#include "util/signame.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const struct cmd_option run_options[] = {
	{ .name = "shell", .arg = "SHELL",
	  .help = "shell to start (default: container_shell, /bin/bash)" },
	{ .name = "engine", .letter = 'c', .arg = "E",
	  .help = "engine: docker, podman or charliecloud",
	  .aliases = CMD_NAMES("container-tech") },
	{ .name = "set", .letter = 's', .arg = "KEY=VALUE",
	  .flags = CMD_OPT_REPEAT | CMD_OPT_SETTING,
	  .help = "override a setting for this run" },
	{ .name = "volume", .letter = 'v', .arg = "H:C[:ro]",
	  .flags = CMD_OPT_REPEAT, .help = "bind-mount host path H at C" },
	{ .name = "workdir", .letter = 'w', .arg = "DIR",
	  .help = "working directory inside" },
	{ .name = "env", .letter = 'e', .arg = "K=V", .flags = CMD_OPT_REPEAT,
	  .help = "set a variable inside" },
	{ .name = "name", .arg = "NAME",
	  .help = "container name (default: from the image)" },
	{ .name = "keep",
	  .help = "keep the container after the shell exits" },
	{ .name = "no-entrypoint",
	  .help = "start the shell directly, not through the image's "
	  "ENTRYPOINT" },
	{ .name = "run-option", .letter = 'o', .arg = "OPT",
	  .flags = CMD_OPT_REPEAT,
	  .help = "pass OPT to the engine's run, e.g. -o --network=none" },
	{ .name = "envload", .arg = "NAME", .flags = CMD_OPT_REPEAT,
	  .help = "start with the variables of environment NAME (paks env)" },
	{ .name = "srun", .arg = "OPTIONS",
	  .flags = CMD_OPT_VALUE_OPTIONAL | CMD_OPT_REPEAT,
	  .help = "start the session on a compute node: srun --pty OPTIONS" },
	{ .name = NULL },
};

struct run_args {
	const char	*image, *shell, *tech, *workdir, *name;
	struct strv	 volumes, envs, extra, srun, envload;
	char *const	*command;	/* after "--": command mode */
	bool		 keep, use_srun, no_entrypoint;
};

static void
run_args_release(struct run_args *a)
{
	strv_release(&a->volumes);
	strv_release(&a->envs);
	strv_release(&a->extra);
	strv_release(&a->srun);
	strv_release(&a->envload);
}

/* --srun='-p debug --time=10': options split on white space. */
static void
run_add_words(struct strv *v, const char *s)
{
	_cleanup_free_ char *copy = xstrdup(s);
	char *save = NULL;

	for (char *w = strtok_r(copy, " \t\n", &save); w != NULL;
	    w = strtok_r(NULL, " \t\n", &save))
		strv_push(v, w);
}

/* The options the dispatcher parsed, checked: -v and -e have their shape. */
static int
run_args_get(const struct cmd_args *args, struct run_args *a,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv srun = STRV_INIT;

	a->image = args->argv[1];
	if (args->argc > 2 && (strcmp(args->argv[2], "--") != 0 ||
	    args->argc < 4)) {
		paks_error_set(err, 0, "run: a command after IMAGE goes after "
		    "'--'");
		return paks_error_hint(err, "paks run [OPTIONS] IMAGE -- CMD "
		    "[ARGS...]");
	}
	if (args->argc > 3)
		a->command = args->argv + 3;
	cmd_opt_values(args, "envload", &a->envload);
	a->shell = cmd_opt_get(args, "shell");
	a->tech = cmd_opt_get(args, "engine");
	a->workdir = cmd_opt_get(args, "workdir");
	a->name = cmd_opt_get(args, "name");
	a->keep = cmd_opt_has(args, "keep");
	a->use_srun = cmd_opt_has(args, "srun");
	a->no_entrypoint = cmd_opt_has(args, "no-entrypoint");
	cmd_opt_values(args, "volume", &a->volumes);
	cmd_opt_values(args, "env", &a->envs);
	cmd_opt_values(args, "run-option", &a->extra);
	cmd_opt_values(args, "srun", &srun);
	for (size_t i = 0; i < srun.n; i++)
		run_add_words(&a->srun, srun.v[i]);
	/* by number, never quoted: "-e $TOKEN" makes either a value */
	for (size_t i = 0; i < a->volumes.n; i++) {
		if (strchr(a->volumes.v[i], ':') == NULL)
			return paks_error_set(err, 0, "run: -v number %zu is "
			    "not HOST:CONTAINER[:ro] (values are never shown)",
			    i + 1);
	}
	for (size_t i = 0; i < a->envs.n; i++) {
		if (strchr(a->envs.v[i], '=') == NULL)
			return paks_error_set(err, 0, "run: -e number %zu is "
			    "not KEY=VALUE (values are never shown)", i + 1);
	}
	return 0;
}

/*
 * The image is not here: pull it, the engine's progress shown (the
 * terminal is not raw here), or say why not in the engine's words.
 */
static int
run_pull(const struct engine *e, const char *image, struct paks_error **err)
{
	struct imageref ref = { 0 };
	struct paks_error *bad = NULL;
	bool loopback = false;

	/* a registry on this machine is plain http, as docker takes it */
	if (imageref_parse(image, &ref, &bad) == 0 && ref.registry != NULL)
		loopback = move_registry_loopback(ref.registry);
	paks_error_free(bad);
	imageref_release(&ref);
	if (engine_pull_shown(e, image, loopback, err) < 0)
		return paks_error_hint(err, "check the name, or build or load "
		    "the image first ('%s images' lists what is here)",
		    e->name);
	return 0;
}

/*
 * --srun: the session runs on a compute node, and #commands act from
 * here (the login node), so they must reach what the session uses: an
 * image directory on a shared file system does; a docker or podman
 * container on the node does not.
 */
static int
run_srun_check(const struct engine *e, struct paks_error **err)
{
	char *argv[] = { "srun", "--version", NULL };
	_cleanup_run_ struct run r = RUN_INIT(argv);
	int code;

	if (e->images) {
		paks_error_set(err, 0, "run: --srun is not supported with %s",
		    e->name);
		return paks_error_hint(err, "its container would be on the "
		    "compute node, out of reach of #commands; use -c "
		    "charliecloud with an image directory on a shared file "
		    "system");
	}
	r.out.how = r.err.how = RUN_CAPTURE;	/* kept from the terminal */
	if ((code = run_cmd(&r, err) < 0 ? -1 : r.code) != 0) {
		paks_error_release(err);
		paks_error_set(err, 0, "run: --srun needs Slurm's srun, which "
		    "%s", code < 0 ? "is not installed" : "does not work here");
		return paks_error_hint(err, "apt-get install slurm-client, "
		    "or run without --srun");
	}
	return 0;
}

/* charliecloud: the image is a path (or a ch-image name), never parsed */
static int
run_open_ch(struct session_opts *o, struct strv *prepared, char **path,
    struct paks_error **err)
{
	const struct engine *e = o->engine;

	if (e->probe(e, err) < 0 || e->open(e, &o->run, path, prepared,
	    err) < 0)
		return -1;
	o->run.prepared = prepared->v;
	return 0;
}

static char *const run_no_words[] = { NULL };

static char *
run_ch_name(const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *slash;
	struct imageref ref = { 0 };

	while ((slash = strrchr(copy, '/')) != NULL && slash[1] == '\0' &&
	    slash != copy)
		*slash = '\0';
	ref.path = (slash = strrchr(copy, '/')) ? slash + 1 : copy;
	return names_container(&ref, names_random());
}

/*
 * The engine client ended before the container said hello. One image
 * inspect tells why: the image is absent (pull it and return 0 to try
 * again, once), the engine is down, the image's ENTRYPOINT did not hand
 * over to the shell, or it failed otherwise (its last line).
 */
static int
run_start_failed(const struct engine *e, const struct run_opts *run,
    const char *early, bool may_pull, struct paks_error **err)
{
	const char *image = run->image;
	enum image_state state;
	_cleanup_free_ char *last = NULL, *entry = NULL;

	if (!e->images)
		state = IMAGE_PRESENT;
	else if (engine_image_state(e, image, &state, err) < 0)
		return -1;
	if (state == IMAGE_ABSENT && may_pull)
		return run_pull(e, image, err);
	if (state == IMAGE_ENGINE_DOWN) {
		if (engine_probe(e, err) < 0)
			return -1;
	}
	last = engine_last_line(early);
	if (!run->no_entrypoint &&
	    (entry = engine_image_entrypoint(e, image)) != NULL) {
		paks_error_set(err, 0, "the image's ENTRYPOINT %s ended "
		    "before the shell started%s%s", entry, *last ? ": " : "",
		    last);
		return paks_error_hint(err, "'paks run --no-entrypoint %s' "
		    "starts the shell directly", image);
	}
	paks_error_set(err, 0, "%s could not start the container%s%s",
	    e->name, *last ? ": " : "", last);
	return -1;
}

/*
 * The session ended on its own with a status that an engine error or a
 * kill gives. Say in one line what happened, so that the user is not left
 * with a bare exit status: the engine client killed, the engine gone, or
 * the container ended under the shell. A container the engine left behind
 * (a killed client, a dead conmon) is removed, unless --keep. A shell
 * that reported its own end (its EXIT trap, see integration.c) needs no
 * word, nor do lower statuses (exit 3, a failed last command) or 130.
 */
static void
run_explain_why(const struct session_opts *o, const struct session_end *end,
    struct paks_error **err)
{
	const struct engine *e = o->engine;
	const struct run_opts *run = &o->run;
	const char *name = run->name;
	struct paks_error *down = NULL;
	int status = end->status, code = end->code;
	const char *sig;

	if (end->stop_signal != 0) {
		/* the terminal may be gone (SIGHUP): then no one reads this */
		sig = signame(end->stop_signal);
		if (!e->images)
			paks_error_set(err, 0, "stopped by SIG%s", sig ? sig :
			    "?");
		else
			paks_error_set(err, 0, "stopped by SIG%s; the container "
			    "'%s' %s", sig ? sig : "?", name, run->keep ?
			    "goes on (--keep)" : "is removed");
		return;
	}
	/* the shell said it was ending: its status is its own */
	if (!e->images || !end->child_done || end->shell_exited)
		return;
	if (WIFSIGNALED(status)) {
		if (!run->keep)
			engine_remove(e, name);
		sig = signame(WTERMSIG(status));
		paks_error_set(err, 0, "the %s client was killed (SIG%s); the "
		    "session is over", e->name, sig ? sig : "?");
		if (run->keep)
			paks_error_hint(err, "the container '%s' goes on: "
			    "'%s attach %s'", name, e->program, name);
		return;
	}
	if (code < 125 || code == 128 + SIGINT)
		return;
	if (engine_probe(e, &down) < 0) {
		paks_error_free(down);
		paks_error_set(err, 0, "%s stopped answering during the "
		    "session", e->name);
		paks_error_hint(err, "once it is back, '%s rm -f %s' removes "
		    "the container if it is left", e->program, name);
		return;
	}
	if (!run->keep && engine_container_exists(e, name)) {
		engine_remove(e, name);
		paks_error_set(err, 0, "%s lost the session (status %d); the "
		    "container '%s' it left running is removed", e->name,
		    code, name);
		return;
	}
	if (code == 128 + SIGKILL)
		paks_error_set(err, 0, "the shell was killed (SIGKILL): "
		    "the container was killed or stopped from outside");
}

static void
run_explain_end(const struct session_opts *o, const struct session_end *end,
    struct paks_error **err)
{
	run_explain_why(o, end, err);
	/* the shell's last line (a prompt, say) may have no end */
	if (*err != NULL && end->need_newline)
		fputc('\n', stderr);
}

/* What the session is given to hold; freed when it is over. */
struct run_hold {
	struct strv	 extra, prepared, srun;
	char		*name, *path;
	struct imageref	 ref;
};

static void
run_hold_release(struct run_hold *h)
{
	strv_release(&h->extra);
	strv_release(&h->prepared);
	strv_release(&h->srun);
	free(h->name);
	free(h->path);
	imageref_release(&h->ref);
}

/* The engine, the container's name and options, from a and the settings. */
static int
run_setup(const struct settings *settings, const struct run_args *a,
    struct session_opts *o, struct run_hold *h, struct paks_error **err)
{
	const char *tech = a->tech ? a->tech : settings_get(settings,
	    "container_tech");

	o->engine = engine_for_image(tech, a->image);
	o->run = (struct run_opts){
		.image = a->image, .name = a->name, .workdir = a->workdir,
		.user = settings_get(settings, "user"),
		.volumes = a->volumes.v, .envs = a->envs.v, .keep = a->keep,
		.no_entrypoint = a->no_entrypoint,
	};
	if (o->engine != NULL) {
		strv_pushv(&h->extra, settings_get_list(settings,
		    "ch_run_options"));
		if (run_open_ch(o, &h->prepared, &h->path, err) < 0)
			return -1;
		if (a->name == NULL)
			o->run.name = h->name = run_ch_name(o->run.image);
	} else {
		strv_pushv(&h->extra, settings_get_list(settings,
		    "run_options"));
		if (imageref_parse(a->image, &h->ref, err) < 0)
			return -1;
		if (a->name == NULL)
			o->run.name = h->name = names_container(&h->ref,
			    names_random());
		if (engine_pick(tech, &o->engine, err) < 0)
			return -1;
	}
	if (a->use_srun || settings_get_bool(settings, "srun")) {
		if (run_srun_check(o->engine, err) < 0)
			return -1;
		strv_pushv(&h->srun, settings_get_list(settings,
		    "srun_options"));
		strv_pushv(&h->srun, a->srun.v);
		o->srun = h->srun.v ? h->srun.v : run_no_words;
	}
	strv_pushv(&h->extra, a->extra.v);
	o->run.extra = h->extra.v;
	o->shell = a->shell ? a->shell : settings_get(settings,
	    "container_shell");
	if (*o->shell == '\0')
		o->shell = "/bin/bash";
	return 0;
}

/* The #command entries of the session's plugins. */
/* --shell named a shell the image lacks (127) or cannot run (126). */
static int
run_shell_failed(const struct session_opts *o, int code,
    struct paks_error **err)
{
	paks_error_set(err, 0, "shell '%s' %s in the image", o->shell,
	    code == 127 ? "not found" : "cannot be run");
	paks_error_hint(err, "leave out --shell to start bash, or /bin/sh "
	    "where the image has no bash");
	return code;
}

/*
 * The session, once more if the image had to be pulled first. Its
 * status, or -1 when it never started (125 for the user, as docker's;
 * 126 or 127 when the engine could not run /bin/sh itself).
 */
static int
run_session(struct cmd_ctx *ctx, struct session_opts *o,
    struct paks_error **err)
{
	_cleanup_free_ char *start_dir = getcwd(NULL, 0);
	int rc = -1;

	o->start_dir = start_dir;
	for (int tries = 0; tries < 2; tries++) {
		struct session_end end;
		bool again;

		if (plugin_session_run(ctx, o, &end, err) < 0)
			break;
		if (end.shell_failed != 0) {
			rc = run_shell_failed(o, end.shell_failed, err);
		} else if (!end.start_failed) {
			rc = end.code;
			run_explain_end(o, &end, err);
		}
		if (end.shell_failed != 0 || !end.start_failed) {
			session_end_release(&end);
			break;
		}
		/* the container never started: say why, pull if that helps */
		again = run_start_failed(o->engine, &o->run, end.early,
		    tries == 0, err) == 0;
		if (!again && (end.code == 126 || end.code == 127))
			rc = end.code;
		session_end_release(&end);
		if (!again)
			break;
	}
	return rc;
}

/*
 * Command mode: CMD in a new container on paks's own stdin, stdout and
 * stderr (see host-runcmd.c), with the session's options. Its status, as
 * docker gives it (125, 126, 127 its own), or -1 before it ran.
 */
static int
run_command(const struct session_opts *o, char *const *command,
    char *const *vars, struct paks_error **err)
{
	const struct engine *e = o->engine;
	struct run_opts run = o->run;
	struct runcmd_pipe pipe = { .writer = -1 };
	_cleanup_strv_ struct strv argv = STRV_INIT;
	enum image_state state = IMAGE_PRESENT;
	int rc;

	if (o->srun != NULL) {
		paks_error_set(err, 0, "run: --srun (or the srun setting) "
		    "opens a session, not a command");
		return paks_error_hint(err, "run the command in a session, "
		    "or with srun yourself");
	}
	if (e->images && engine_image_state(e, run.image, &state, err) < 0)
		return -1;
	if (state == IMAGE_ENGINE_DOWN && engine_probe(e, err) < 0)
		return -1;
	if (state == IMAGE_ABSENT && run_pull(e, run.image, err) < 0)
		return -1;
	run.command = command;
	runcmd_stdio(&run.open_stdin, &run.tty);
	if (e->images && vars != NULL && *vars != NULL) {
		if (runcmd_envpipe_open(&pipe, vars, err) < 0)
			return -1;
		run.envpipe = pipe.fifo;
	}
	engine_run_argv(e, &run, NULL, &argv);
	/* charliecloud: ch-run passes its environment on */
	rc = runcmd_spawn(argv.v, e->images ? NULL : vars, err);
	runcmd_envpipe_close(&pipe);
	return rc;
}

/* The session or the command, once the options are checked. */
static int
run_go(struct cmd_ctx *ctx, const struct run_args *a, struct run_hold *h,
    struct paks_error **err)
{
	struct session_opts o = { 0 };
	const struct settings *settings;
	_cleanup_strv_ struct strv vars = STRV_INIT;
	int rc = -1;

	if ((settings = cmd_settings(ctx, err)) == NULL ||
	    runcmd_envload(a->envload.v, &vars, err) < 0 ||
	    run_setup(settings, a, &o, h, err) < 0)
		goto out;
	if (a->command != NULL) {
		rc = run_command(&o, a->command, vars.v, err);
		goto out;
	}
	o.strict_shell = a->shell != NULL;
	o.exports = vars.v;
	rc = run_session(ctx, &o, err);
out:
	for (size_t i = 0; i < vars.n; i++)
		explicit_bzero(vars.v[i], strlen(vars.v[i]));
	return rc;
}

/*
 * Exit statuses, as docker run's: 2 for a usage error, 125 when paks or
 * the engine failed before the shell (or CMD) started, 126 and 127 when
 * it cannot be run or is not in the image, else its own status.
 */
static int
run_exec(struct cmd_ctx *ctx, int argc, char **argv, struct paks_error **err)
{
	struct run_args a = { 0 };
	struct run_hold h = { 0 };
	int rc;

	(void)argc, (void)argv;
	if (run_args_get(ctx->args, &a, err) < 0) {
		rc = CMD_USAGE_ERROR;
	} else if (a.command == NULL && (!isatty(STDIN_FILENO) ||
	    !isatty(STDOUT_FILENO))) {
		paks_error_set(err, 0, "run needs a terminal (stdin and "
		    "stdout are not both a tty)");
		paks_error_hint(err, "run it from an interactive terminal, "
		    "or give a command: paks run IMAGE -- CMD");
		rc = CMD_USAGE_ERROR;
	} else if ((rc = run_go(ctx, &a, &h, err)) < 0) {
		rc = EXIT_RUN_FAILED;
	}
	run_hold_release(&h);
	run_args_release(&a);
	return rc;
}

const struct cmd_entry host_run_entry = {
	.name = "run",
	.usage = "IMAGE [-- CMD [ARGS...]]",
	.summary = "open an interactive shell in a new container from IMAGE",
	.help =
	    "#commands work in bash, zsh and POSIX sh. IMAGE is an image\n"
	    "reference for docker and podman; for charliecloud an image\n"
	    "directory, a SquashFS file or a ch-image name (a path starting\n"
	    "with / or . picks charliecloud). --srun needs charliecloud.\n"
	    "Options come before IMAGE.\n"
	    "\nWith '-- CMD', CMD runs instead of the shell, with the same\n"
	    "options, on paks's stdin (-i unless it is /dev/null) and with a\n"
	    "terminal when stdin and stdout are both one (-t); paks exits\n"
	    "with CMD's status. --envload values reach CMD (or the shell)\n"
	    "through a FIFO, never an argv, -e or the container's config.\n"
	    "Exit status: 2 usage, 125 failed before the shell or CMD ran,\n"
	    "126 cannot be run, 127 not in the image, else its own.\n"
	    "\nexamples:\n  paks run -c podman -o --network=none debian:bookworm\n"
	    "  paks run --srun='--partition=debug' -c charliecloud ~/img/dev\n"
	    "  paks run --envload proj debian:bookworm -- make test\n",
	.options = run_options,
	.min_args = 1,
	.max_args = -1,
	.flags = CMD_OPTIONS_FIRST,
	.exec = run_exec,
};
