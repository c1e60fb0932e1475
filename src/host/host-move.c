/* paks move: send an image to an archive, a registry, another machine or Charliecloud. */
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "engine/engine.h"
#include "image/move.h"
#include "store/settings.h"
#include "util/cleanup.h"

/* The engine of -c, else the container_tech setting, else the default. */
static int
move_pick_engine(struct cmd_ctx *ctx, const char *name,
    const struct engine **e, struct paks_error **err)
{
	struct settings s;
	int rc;

	if (name == NULL) {
		if (settings_load(&s, ctx->settings_file, ctx->overrides,
		    err) < 0) {
			settings_release(&s);
			return -1;
		}
		rc = engine_select(settings_get(&s, "container_tech"), e, err);
		settings_release(&s);
		return rc;
	}
	return engine_select(name, e, err);
}

static int
host_move_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct move_args a;
	struct move_dest dest;
	const struct engine *e;
	int rc;

	rc = move_args_parse(argc, argv, "move", 2, &a, err);
	if (rc == 1) {
		cmd_usage(ctx, ctx->entry, true);
		return 0;
	}
	if (rc != 0)
		return rc;
	if (move_dest_parse(a.words[1], &dest, err) < 0)
		return CMD_USAGE_ERROR;
	if (move_pick_engine(ctx, a.engine, &e, err) < 0) {
		move_dest_release(&dest);
		return -1;
	}
	struct move_job job = {
		.engine = e, .image = a.words[0], .dest = &dest,
		.creds_env = a.creds_env, .cert_dir = a.cert_dir,
		.tls_verify = a.tls_verify, .out = ctx->out,
	};
	rc = move_image(&job, err);
	move_dest_release(&dest);
	return rc;
}

const struct cmd_entry host_move_entry = {
	.name = "move",
	.usage = "[OPTIONS] IMAGE DEST",
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
	    "\noptions:\n"
	    "  -c, --engine E              engine that has IMAGE: docker or "
	    "podman\n"
	    "  --creds-env NAME            registry credentials from the paks "
	    "environment\n"
	    "                              NAME (REGISTRY_USER, "
	    "REGISTRY_PASSWORD)\n"
	    "  --tls-verify=false          accept a registry's untrusted "
	    "certificate or\n"
	    "                              plain http (test registries)\n"
	    "  --cert-dir DIR              trust the registry certificates in "
	    "DIR\n"
	    "\nexamples:\n"
	    "  paks move debian:bookworm-saved docker-archive:dev.tar\n"
	    "  paks move debian:bookworm-saved ssh://me@cluster/podman\n"
	    "  paks move debian:bookworm-saved "
	    "docker://registry.example.org/me/dev:v1 --creds-env reg\n",
	.min_args = 2,
	.max_args = -1,
	.flags = CMD_OWN_OPTIONS,
	.exec = host_move_exec,
};
