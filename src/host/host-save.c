/* paks save: save a container (kept with --keep, or running) as an image. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine/engine.h"
#include "image/save.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static int
host_save_run(void *e, char *const *args, char **out, struct paks_error **err)
{
	return engine_simple(e, args, out, err);
}

static int
host_save_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct settings settings;
	const struct engine *engine;
	_cleanup_free_ char *source = NULL, *target = NULL;
	const char *tech = NULL, *container = NULL, *image = NULL;
	int rc = -1;

	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-c") == 0 ||
		    strcmp(argv[i], "--container-tech") == 0) && i + 1 < argc)
			tech = argv[++i];
		else if (strncmp(argv[i], "--container-tech=", 17) == 0)
			tech = argv[i] + 17;
		else if (argv[i][0] == '-') {
			paks_error_set(err, 0, "save: unknown option '%s'",
			    argv[i]);
			paks_error_hint(err, "see 'paks save --help'");
			return CMD_USAGE_ERROR;
		} else if (container == NULL)
			container = argv[i];
		else if (image == NULL)
			image = argv[i];
		else {
			paks_error_set(err, 0, "save: too many arguments");
			paks_error_hint(err, "usage: paks save CONTAINER [IMAGE]");
			return CMD_USAGE_ERROR;
		}
	}
	if (container == NULL) {
		paks_error_set(err, 0, "save: no container given");
		paks_error_hint(err, "usage: paks save CONTAINER [IMAGE]");
		return CMD_USAGE_ERROR;
	}
	if (settings_load(&settings, ctx->settings_file, ctx->overrides,
	    err) < 0)
		return -1;
	if (engine_select(tech ? tech : settings_get(&settings,
	    "container_tech"), &engine, err) < 0)
		goto out;
	{
		char *args[] = { "container", "inspect", "--format",
			engine->daemon ? "{{.Config.Image}}" : "{{.ImageName}}",
			(char *)container, NULL };
		if (engine_simple(engine, args, &source, err) < 0) {
			paks_error_release(err);
			paks_error_set(err, 0, "no container '%s' in %s",
			    container, engine->name);
			paks_error_hint(err, "'%s ps -a' lists them",
			    engine->name);
			goto out;
		}
		source[strcspn(source, "\n")] = '\0';
	}
	target = image ? xstrdup(image) : save_target(source, "-saved");
	struct save_job job = {
		.engine = engine, .container = container, .source = source,
		.target = target,
		.keep_history = settings_get_bool(&settings, "save_history"),
		.run = host_save_run, .run_ctx = (void *)engine,
	};
	if (save_check_target(target, err) < 0)
		goto out;
	cmd_printf(ctx, "saving %s as %s\n", container, target);
	if (save_image(&job, err) < 0)
		goto out;
	cmd_printf(ctx, "saved %s (%.19s, %d layer%s%s)\n", target, job.id,
	    job.layers, job.layers == 1 ? "" : "s",
	    job.flattened ? ", flattened" : "");
	save_job_release(&job);
	rc = 0;
out:
	settings_release(&settings);
	return rc;
}

const struct cmd_entry host_save_entry = {
	.name = "save",
	.usage = "[-c ENGINE] CONTAINER [IMAGE]",
	.summary = "save a container as an image (default: its image + -saved)",
	.help = "For a container started with 'paks run --keep', or one still\n"
	    "running in another terminal. The image keeps its source's config\n"
	    "and gains org.paks.* labels; layers stay bounded.\n"
	    "\nexample:\n  paks save devbox myproject:v2\n",
	.min_args = 1,
	.max_args = -1,
	.flags = CMD_OWN_OPTIONS,
	.exec = host_save_exec,
};
