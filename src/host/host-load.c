/* paks load: bring an image archive made by paks move (or an engine's save) into docker or podman. */
#include "cmd.h"
#include "engine/engine.h"
#include "image/move.h"
#include "store/settings.h"

static const struct cmd_option load_options[] = {
	{ .name = "engine", .letter = 'c', .arg = "E",
	  .help = "docker or podman (default: the container_tech setting)",
	  .aliases = CMD_NAMES("container-tech") },
	{ .name = NULL },
};

static int
host_load_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	const char *name = cmd_opt_get(ctx->args, "engine");
	const struct settings *s;
	const struct engine *e;

	(void)argc;
	if (name == NULL) {
		if ((s = cmd_settings(ctx, err)) == NULL)
			return -1;
		name = settings_get(s, "container_tech");
	}
	if (engine_select(name, &e, err) < 0)
		return -1;
	return move_load(e, argv[1], ctx->out, err);
}

const struct cmd_entry host_load_entry = {
	.name = "load",
	.usage = "PATH",
	.summary = "load an image archive (docker-archive or oci-archive) into "
	    "docker or podman",
	.help =
	    "The kind of archive is read from the file. PATH may also be "
	    "written\ndocker-archive:PATH or oci-archive:PATH.\n"
	    "\nexample:\n  paks load dev.tar --engine podman\n",
	.options = load_options,
	.min_args = 1,
	.max_args = 1,
	.exec = host_load_exec,
};
