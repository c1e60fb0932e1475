/* paks run: open an interactive shell in a new container. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "engine/engine.h"
#include "image/imageref.h"
#include "image/names.h"
#include "session/session.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const struct option run_options[] = {
	{ "shell", required_argument, NULL, 'S' },
	{ "container-tech", required_argument, NULL, 'c' },
	{ "set", required_argument, NULL, 's' },
	{ "volume", required_argument, NULL, 'v' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "env", required_argument, NULL, 'e' },
	{ "name", required_argument, NULL, 'n' },
	{ "keep", no_argument, NULL, 'k' },
	{ "run-option", required_argument, NULL, 'o' },
	{ "srun", optional_argument, NULL, 'R' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct run_args {
	const char	*shell, *tech, *workdir, *name;
	struct strv	 sets, volumes, envs, extra, srun;
	bool		 keep, use_srun;
};

static void
run_args_release(struct run_args *a)
{
	strv_release(&a->sets);
	strv_release(&a->volumes);
	strv_release(&a->envs);
	strv_release(&a->extra);
	strv_release(&a->srun);
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

static int
run_parse(struct cmd_ctx *ctx, int argc, char **argv, struct run_args *a,
    struct paks_error **err)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:s:v:w:e:o:h", run_options,
	    NULL)) != -1) {
		switch (c) {
		case 'S': a->shell = optarg; break;
		case 'c': a->tech = optarg; break;
		case 's': strv_push(&a->sets, optarg); break;
		case 'v': strv_push(&a->volumes, optarg); break;
		case 'w': a->workdir = optarg; break;
		case 'e': strv_push(&a->envs, optarg); break;
		case 'n': a->name = optarg; break;
		case 'k': a->keep = true; break;
		case 'o': strv_push(&a->extra, optarg); break;
		case 'R':
			a->use_srun = true;
			if (optarg != NULL)
				run_add_words(&a->srun, optarg);
			break;
		case 'h':
			cmd_usage(ctx, ctx->entry, true);
			return 1;
		default:
			paks_error_set(err, 0, "run: unknown or incomplete "
			    "option '%s'", argv[optind - 1]);
			paks_error_hint(err, "usage: paks run [OPTIONS] "
			    "IMAGE; see 'paks run --help'");
			return CMD_USAGE_ERROR;
		}
	}
	if (argc - optind != 1) {
		paks_error_set(err, 0, "run: %s", argc - optind < 1 ?
		    "no image given" : "too many arguments");
		paks_error_hint(err, "usage: paks run [OPTIONS] IMAGE");
		return CMD_USAGE_ERROR;
	}
	for (size_t i = 0; i < a->volumes.n; i++) {
		if (strchr(a->volumes.v[i], ':') == NULL)
			return paks_error_set(err, 0, "run: -v '%s': "
			    "expected HOST:CONTAINER[:ro]", a->volumes.v[i]);
	}
	for (size_t i = 0; i < a->envs.n; i++) {
		if (strchr(a->envs.v[i], '=') == NULL)
			/* never quoted: "-e $TOKEN" makes it a value */
			return paks_error_set(err, 0, "run: -e number %zu is "
			    "not KEY=VALUE (values are never shown)", i + 1);
	}
	return 0;
}

/* The image is not here: pull it, or say clearly what to do. */
static int
run_pull(const struct engine *e, const char *image, struct paks_error **err)
{
	if (engine_pull(e, image, err) < 0) {
		paks_error_release(err);
		paks_error_set(err, 0, "image '%s' is not in %s and could not "
		    "be pulled", image, e->name);
		return paks_error_hint(err, "check the name, or build or load "
		    "the image first ('%s images' lists what is here)",
		    e->name);
	}
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
	int code;

	if (e->images) {
		paks_error_set(err, 0, "run: --srun is not supported with %s",
		    e->name);
		return paks_error_hint(err, "its container would be on the "
		    "compute node, out of reach of #commands; use -c "
		    "charliecloud with an image directory on a shared file "
		    "system");
	}
	if ((code = spawn_capture(argv, NULL, NULL, err)) != 0) {
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
run_open_ch(struct session *s, struct strv *prepared, char **path,
    struct paks_error **err)
{
	const struct engine *e = s->engine;

	if (e->probe(e, err) < 0 || e->open(e, &s->run, path, prepared,
	    err) < 0)
		return -1;
	s->run.prepared = prepared->v;
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
 * again, once), the engine is down, or it failed otherwise (its last line).
 */
static int
run_start_failed(struct session *s, const char *image, bool may_pull,
    struct paks_error **err)
{
	enum image_state state;
	_cleanup_free_ char *last = NULL;

	if (!s->engine->images)
		state = IMAGE_PRESENT;
	else if (engine_image_state(s->engine, image, &state, err) < 0)
		return -1;
	if (state == IMAGE_ABSENT && may_pull) {
		if (run_pull(s->engine, image, err) < 0)
			return -1;
		s->start_failed = false;
		s->started = false;
		strbuf_release(&s->early);
		return 0;
	}
	if (state == IMAGE_ENGINE_DOWN) {
		if (engine_probe(s->engine, err) < 0)
			return -1;
	}
	last = engine_last_line(strbuf_str(&s->early));
	paks_error_set(err, 0, "%s could not start the container%s%s",
	    s->engine->name, *last ? ": " : "", last);
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
run_explain_why(struct session *s, int code, struct paks_error **err)
{
	const struct engine *e = s->engine;
	const char *name = s->run.name;
	struct paks_error *down = NULL;
	int status = s->proxy.child_status;
	const char *sig;

	if (s->proxy.stop_signal != 0) {
		/* the terminal may be gone (SIGHUP): then no one reads this */
		sig = sigabbrev_np(s->proxy.stop_signal);
		if (!e->images)
			paks_error_set(err, 0, "stopped by SIG%s", sig ? sig :
			    "?");
		else
			paks_error_set(err, 0, "stopped by SIG%s; the container "
			    "'%s' %s", sig ? sig : "?", name, s->run.keep ?
			    "goes on (--keep)" : "is removed");
		return;
	}
	/* the shell said it was ending: its status is its own */
	if (!e->images || !s->proxy.child_done || s->shell_exited)
		return;
	if (WIFSIGNALED(status)) {
		if (!s->run.keep)
			engine_remove(e, name);
		sig = sigabbrev_np(WTERMSIG(status));
		paks_error_set(err, 0, "the %s client was killed (SIG%s); the "
		    "session is over", e->name, sig ? sig : "?");
		if (s->run.keep)
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
	if (!s->run.keep && engine_container_exists(e, name)) {
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
run_explain_end(struct session *s, int code, struct paks_error **err)
{
	run_explain_why(s, code, err);
	/* the shell's last line (a prompt, say) may have no end */
	if (*err != NULL && s->proxy.last_out != '\n')
		fputc('\n', stderr);
}

static int
run_exec(struct cmd_ctx *ctx, int argc, char **argv, struct paks_error **err)
{
	struct run_args a = { 0 };
	struct settings settings;
	struct imageref ref;
	struct session s = { 0 };
	_cleanup_strv_ struct strv overrides = STRV_INIT, extra = STRV_INIT;
	_cleanup_strv_ struct strv prepared = STRV_INIT, srun = STRV_INIT;
	_cleanup_free_ char *name = NULL, *path = NULL;
	const char *image, *tech;
	int rc = -1, code = 0;

	if ((rc = run_parse(ctx, argc, argv, &a, err)) != 0) {
		run_args_release(&a);
		return rc < 0 ? rc : 0;
	}
	rc = -1;
	image = argv[optind];
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		run_args_release(&a);
		paks_error_set(err, 0, "run needs a terminal (stdin and "
		    "stdout are not both a tty)");
		paks_error_hint(err, "run it from an interactive terminal");
		return CMD_USAGE_ERROR;
	}
	strv_pushv(&overrides, ctx->overrides);
	strv_pushv(&overrides, a.sets.v);
	memset(&settings, 0, sizeof settings);
	memset(&ref, 0, sizeof ref);
	if (settings_load(&settings, ctx->settings_file, overrides.v, err) < 0)
		goto out;
	tech = a.tech ? a.tech : settings_get(&settings, "container_tech");
	s.engine = engine_for_image(tech, image);
	s.run = (struct run_opts){
		.image = image, .name = a.name, .workdir = a.workdir,
		.user = settings_get(&settings, "user"),
		.volumes = a.volumes.v, .envs = a.envs.v, .keep = a.keep,
	};
	if (s.engine != NULL) {
		strv_pushv(&extra, settings_get_list(&settings,
		    "ch_run_options"));
		if (run_open_ch(&s, &prepared, &path, err) < 0)
			goto out;
		if (a.name == NULL)
			s.run.name = name = run_ch_name(s.run.image);
	} else {
		strv_pushv(&extra, settings_get_list(&settings, "run_options"));
		if (imageref_parse(image, &ref, err) < 0)
			goto out;
		if (a.name == NULL)
			s.run.name = name = names_container(&ref,
			    names_random());
		if (engine_pick(tech, &s.engine, err) < 0)
			goto out;
	}
	if (a.use_srun || settings_get_bool(&settings, "srun")) {
		if (run_srun_check(s.engine, err) < 0)
			goto out;
		strv_pushv(&srun, settings_get_list(&settings, "srun_options"));
		strv_pushv(&srun, a.srun.v);
		s.srun = srun.v ? srun.v : run_no_words;
	}

	strv_pushv(&extra, a.extra.v);
	s.run.extra = extra.v;
	s.ctx = ctx;
	s.shell = a.shell ? a.shell : settings_get(&settings, "container_shell");
	if (*s.shell == '\0')
		s.shell = "/bin/bash";
	s.start_dir = getcwd(NULL, 0);
	ctx->settings = &settings;
	for (int tries = 0; tries < 2; tries++) {
		if (session_run(&s, &code, err) < 0)
			break;
		if (!s.start_failed) {
			rc = code;
			run_explain_end(&s, code, err);
			break;
		}
		/* the container never started: say why, pull if that helps */
		if (run_start_failed(&s, image, tries == 0, err) < 0)
			break;
	}
	strbuf_release(&s.early);
	ctx->settings = NULL;
	free(s.start_dir);
out:
	imageref_release(&ref);
	settings_release(&settings);
	run_args_release(&a);
	return rc;
}

const struct cmd_entry host_run_entry = {
	.name = "run",
	.usage = "[OPTIONS] IMAGE",
	.summary = "open an interactive shell in a new container from IMAGE",
	.help =
	    "options:\n"
	    "  --shell SHELL           shell to start (default: container_shell,"
	    " /bin/bash);\n"
	    "                          #commands work in bash, zsh and POSIX sh\n"
	    "  -c, --container-tech E  engine: docker, podman or charliecloud\n"
	    "  -s, --set KEY=VALUE     override a setting for this run "
	    "(repeatable)\n"
	    "  -v, --volume H:C[:ro]   bind-mount host path H at C\n"
	    "  -w, --workdir DIR       working directory inside\n"
	    "  -e, --env K=V           set a variable inside\n"
	    "  --name NAME             container name (default: from the "
	    "image)\n"
	    "  --keep                  keep the container after the shell "
	    "exits\n"
	    "  -o, --run-option OPT    pass OPT to the engine's run "
	    "(repeatable),\n"
	    "                          e.g. -o --network=none\n"
	    "  --srun[=OPTIONS]        start the session on a compute node with\n"
	    "                          Slurm's srun --pty OPTIONS (charliecloud)\n"
	    "\nIMAGE is an image reference for docker and podman; for\n"
	    "charliecloud an image directory, a SquashFS file or a ch-image\n"
	    "name (a path starting with / or . picks charliecloud).\n"
	    "\nexamples:\n  paks run -c podman -o --network=none debian:bookworm\n"
	    "  paks run --srun='--partition=debug' -c charliecloud ~/img/dev\n",
	.min_args = 1,
	.max_args = -1,
	.flags = CMD_OWN_OPTIONS,
	.exec = run_exec,
};
