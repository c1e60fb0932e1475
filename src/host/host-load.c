/* paks load: bring an image archive made by paks move (or an engine's save) into docker or podman. */
#include <getopt.h>
#include <string.h>

#include "cmd.h"
#include "engine/engine.h"
#include "image/move.h"
#include "store/settings.h"

static const struct option load_options[] = {
	{ "container-tech", required_argument, NULL, 'c' },
	{ "engine", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
host_load_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	const char *name = NULL;
	const struct engine *e;
	struct settings s;
	int c, rc;

	optind = 0;	/* 0: start over, options may follow words */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:h", load_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			name = optarg;
			break;
		case 'h':
			cmd_usage(ctx, ctx->entry, true);
			return 0;
		default:
			paks_error_set(err, 0, "load: unknown or incomplete "
			    "option '%s'", argv[optind - 1]);
			paks_error_hint(err, "usage: paks load [--engine E] PATH");
			return CMD_USAGE_ERROR;
		}
	}
	if (argc - optind != 1) {
		paks_error_set(err, 0, "load: %s", argc - optind < 1 ?
		    "no archive given" : "too many arguments");
		paks_error_hint(err, "usage: paks load [--engine E] PATH");
		return CMD_USAGE_ERROR;
	}
	if (name == NULL) {
		if (settings_load(&s, ctx->settings_file, ctx->overrides,
		    err) < 0) {
			settings_release(&s);
			return -1;
		}
		rc = engine_select(settings_get(&s, "container_tech"), &e, err);
		settings_release(&s);
	} else
		rc = engine_select(name, &e, err);
	if (rc < 0)
		return -1;
	return move_load(e, argv[optind], ctx->out, err);
}

const struct cmd_entry host_load_entry = {
	.name = "load",
	.usage = "[--engine E] PATH",
	.summary = "load an image archive (docker-archive or oci-archive) into "
	    "docker or podman",
	.help =
	    "The kind of archive is read from the file. PATH may also be "
	    "written\ndocker-archive:PATH or oci-archive:PATH.\n"
	    "\noptions:\n"
	    "  -c, --engine E   docker or podman (default: the container_tech "
	    "setting)\n"
	    "\nexample:\n  paks load dev.tar --engine podman\n",
	.min_args = 1,
	.max_args = -1,
	.flags = CMD_OWN_OPTIONS,
	.exec = host_load_exec,
};
