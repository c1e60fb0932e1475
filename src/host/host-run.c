/* paks run: open an interactive shell in a new container. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "engine/engine.h"
#include "image/imageref.h"
#include "image/names.h"
#include "session/session.h"
#include "store/settings.h"
#include "util/cleanup.h"
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
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct run_args {
	const char	*shell, *tech, *workdir, *name;
	struct strv	 sets, volumes, envs, extra;
	bool		 keep;
};

static void
run_args_release(struct run_args *a)
{
	strv_release(&a->sets);
	strv_release(&a->volumes);
	strv_release(&a->envs);
	strv_release(&a->extra);
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
			return paks_error_set(err, 0, "run: -e '%s': "
			    "expected KEY=VALUE", a->envs.v[i]);
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

static int
run_exec(struct cmd_ctx *ctx, int argc, char **argv, struct paks_error **err)
{
	struct run_args a = { 0 };
	struct settings settings;
	struct imageref ref;
	struct session s = { 0 };
	_cleanup_strv_ struct strv overrides = STRV_INIT, extra = STRV_INIT;
	_cleanup_free_ char *name = NULL;
	const char *image;
	enum image_state state;
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
	if (imageref_parse(image, &ref, err) < 0)
		goto out;
	if (a.name == NULL)
		a.name = name = names_container(&ref, names_random());
	if (engine_select_for(a.tech ? a.tech : settings_get(&settings,
	    "container_tech"), image, &s.engine, &state, err) < 0)
		goto out;
	if (state == IMAGE_ABSENT && run_pull(s.engine, image, err) < 0)
		goto out;

	strv_pushv(&extra, settings_get_list(&settings, "run_options"));
	strv_pushv(&extra, a.extra.v);
	s.ctx = ctx;
	s.shell = a.shell ? a.shell : settings_get(&settings, "container_shell");
	if (*s.shell == '\0')
		s.shell = "/bin/bash";
	s.run = (struct run_opts){
		.image = image, .name = a.name, .workdir = a.workdir,
		.user = settings_get(&settings, "user"),
		.volumes = a.volumes.v, .envs = a.envs.v, .extra = extra.v,
		.keep = a.keep,
	};
	s.start_dir = getcwd(NULL, 0);
	ctx->settings = &settings;
	if (session_run(&s, &code, err) == 0)
		rc = code;
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
	    " /bin/bash)\n"
	    "  -c, --container-tech E  engine: docker or podman\n"
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
	    "\nexample:\n  paks run -c podman -o --network=none debian:bookworm\n",
	.min_args = 1,
	.max_args = -1,
	.flags = CMD_OWN_OPTIONS,
	.exec = run_exec,
};
