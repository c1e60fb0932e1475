/* paks save: save a container (kept with --keep, or running) as an image. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "store/envstore.h"
#include "engine/engine.h"
#include "image/save.h"
#include "image/secretscan.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static const struct cmd_option save_options[] = {
	{ .name = "engine", .letter = 'c', .arg = "E",
	  .help = "engine that has the container: docker or podman",
	  .aliases = CMD_NAMES("container-tech") },
	{ .name = "allow-secrets",
	  .help = "save even if a changed file holds a value of an "
	      "environment in ~/.paks/envs" },
	{ .name = NULL },
};

/* The image the container was made from; *err is one line if there is
 * no such container. */
static int
host_save_source(const struct engine *engine, const char *container,
    char **source, struct paks_error **err)
{
	char *args[] = { "container", "inspect", "--format",
		engine->daemon ? "{{.Config.Image}}" : "{{.ImageName}}",
		(char *)container, NULL };

	if (engine_simple(engine, args, source, err) < 0) {
		paks_error_release(err);
		paks_error_set(err, 0, "no container '%s' in %s", container,
		    engine->name);
		return paks_error_hint(err, "'%s ps -a' lists them",
		    engine->name);
	}
	(*source)[strcspn(*source, "\n")] = '\0';
	return 0;
}

static int
host_save_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	const struct settings *settings;
	const struct engine *engine;
	_cleanup_free_ char *source = NULL, *target = NULL;
	_cleanup_strv_ struct strv secrets = STRV_INIT;
	const char *tech = cmd_opt_get(ctx->args, "engine");
	const char *container = argv[1], *image = argc > 2 ? argv[2] : NULL;

	if (argc < 2) {
		paks_error_set(err, 0, "save: no container given");
		paks_error_hint(err, "usage: paks save [OPTIONS] CONTAINER "
		    "[IMAGE]");
		return CMD_USAGE_ERROR;
	}
	if ((settings = cmd_settings(ctx, err)) == NULL)
		return -1;
	if (engine_select(tech ? tech : settings_get(settings,
	    "container_tech"), &engine, err) < 0 ||
	    host_save_source(engine, container, &source, err) < 0)
		return -1;
	target = image ? xstrdup(image) : save_target(source, "-saved");
	/* no session: every value any environment holds is a secret */
	envstore_values(&secrets);
	struct save_job job = {
		.engine = engine, .container = container, .source = source,
		.target = target,
		.keep_history = settings_get_bool(settings, "save_history"),
		.secrets = secrets.v,
		.allow_secrets = cmd_opt_has(ctx->args, "allow-secrets"),
	};
	if (save_check_target(target, err) < 0)
		return -1;
	cmd_printf(ctx, "saving %s as %s\n", container, target);
	if (save_image(&job, err) < 0) {
		save_job_release(&job);
		return -1;
	}
	cmd_printf(ctx, "saved %s (%.19s, %d layer%s%s, snapshot %d)\n",
	    target, job.id, job.layers, job.layers == 1 ? "" : "s",
	    job.flattened ? ", flattened" : "", job.snapshot);
	save_job_release(&job);
	return 0;
}

const struct cmd_entry host_save_entry = {
	.name = "save",
	.usage = "CONTAINER [IMAGE]",
	.summary = "save a container as an image (default: its image + -saved)",
	.help = "For a container started with 'paks run --keep', or one still\n"
	    "running in another terminal. The image keeps its source's config\n"
	    "and gains org.paks.* labels; layers stay bounded.\n"
	    "A changed file that holds a value of any environment in\n"
	    "~/.paks/envs (6 bytes or longer) stops the save, naming the\n"
	    "file: remove it, or give --allow-secrets.\n"
	    "\nexample:\n  paks save devbox myproject:v2\n",
	.options = save_options,
	/* 0: "no container given" says more than "too few arguments" */
	.min_args = 0,
	.max_args = 2,
	.exec = host_save_exec,
};
