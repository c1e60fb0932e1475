/* paks move: send an image to an archive, a registry, another machine or Charliecloud. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine/engine.h"
#include "image/move.h"
#include "store/settings.h"
#include "util/cleanup.h"

static const struct cmd_option move_options[] = {
	{ .name = "engine", .letter = 'c', .arg = "E",
	  .help = "engine that has IMAGE: docker or podman",
	  .aliases = CMD_NAMES("container-tech") },
	{ .name = "creds-env", .arg = "NAME",
	  .help = "registry credentials from the paks environment NAME "
	      "(REGISTRY_USER, REGISTRY_PASSWORD)" },
	{ .name = "tls-verify", .arg = "true|false",
	  .flags = CMD_OPT_VALUE_OPTIONAL,
	  .help = "false: accept an untrusted certificate or plain http "
	      "(test registries)",
	  .choices = CMD_NAMES("true", "false") },
	{ .name = "cert-dir", .arg = "DIR",
	  .help = "trust the registry certificates in DIR" },
	{ .name = "strict",
	  .help = "charliecloud:, ssh://: refuse to move when the portability "
	      "check warns" },
	{ .name = NULL },
};

/* The engine of -c, else the container_tech setting, else the default. */
static int
host_move_engine(struct cmd_ctx *ctx, const char *name,
    const struct engine **e, struct paks_error **err)
{
	const struct settings *s;

	if (name == NULL) {
		if ((s = cmd_settings(ctx, err)) == NULL)
			return -1;
		name = settings_get(s, "container_tech");
	}
	return engine_select(name, e, err);
}

static int
host_move_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	const struct cmd_args *args = ctx->args;
	const char *tls = cmd_opt_get(args, "tls-verify");
	struct move_dest dest;
	const struct engine *e;
	int rc;

	(void)argc;
	if (move_dest_parse(argv[2], &dest, err) < 0)
		return CMD_USAGE_ERROR;
	if (host_move_engine(ctx, cmd_opt_get(args, "engine"), &e, err) < 0) {
		move_dest_release(&dest);
		return -1;
	}
	struct move_job job = {
		.engine = e, .image = argv[1], .dest = &dest,
		.creds_env = cmd_opt_get(args, "creds-env"),
		.cert_dir = cmd_opt_get(args, "cert-dir"),
		.tls_verify = tls == NULL || strcmp(tls, "false") != 0,
		.tls_chosen = tls != NULL,
		.strict = cmd_opt_has(args, "strict"),
		.out = ctx->out,
	};
	rc = move_image(&job, err);
	move_dest_release(&dest);
	return rc;
}

const struct cmd_entry host_move_entry = {
	.name = "move",
	.usage = "IMAGE DEST",
	.summary = "move an image to an archive, a registry, another machine "
	    "or Charliecloud",
	.help =
	    "destinations:\n"
	    "  docker-archive:PATH         one file; 'paks load PATH' there\n"
	    "  oci-archive:PATH            one file in the OCI layout\n"
	    "  docker://REGISTRY/REPO[:TAG]  push to a registry\n"
	    "  ssh://[USER@]HOST[:PORT][/ENGINE]\n"
	    "                              into the engine of another machine, "
	    "sending\n"
	    "                              only the layers it lacks ($PAKS_SSH: "
	    "the ssh\n"
	    "                              command, default ssh)\n"
	    "  charliecloud:DIR            an image directory for ch-run\n"
	    "  charliecloud:FILE.sqfs      a SquashFS image (needs mksquashfs)\n"
	    "\nexamples:\n"
	    "  paks move debian:bookworm-saved docker-archive:dev.tar\n"
	    "  paks move debian:bookworm-saved ssh://me@cluster/podman\n"
	    "  paks move debian:bookworm-saved "
	    "docker://registry.example.org/me/dev:v1 --creds-env reg\n",
	.options = move_options,
	.min_args = 2,
	.max_args = 2,
	.exec = host_move_exec,
};
