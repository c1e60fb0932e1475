/* #save: commit the running container as a new image. */
#include <stdlib.h>

#include "cmd.h"
#include "image/save.h"
#include "session/session.h"
#include "util/cleanup.h"

static int
hash_save_run(void *s, char *const *args, char **out, struct paks_error **err)
{
	return session_engine(s, args, out, err);
}

static int
hash_save_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct session *s = ctx->session;
	_cleanup_free_ char *target = save_target(s->run.image,
	    argc > 1 ? argv[1] : "-saved");
	struct save_job job = {
		.engine = s->engine, .container = s->run.name,
		.source = s->run.image, .target = target,
		.run = hash_save_run, .run_ctx = s,
	};

	cmd_printf(ctx, "saving %s as %s ...\n", s->run.name, target);
	if (save_image(&job, err) < 0)
		return -1;
	cmd_printf(ctx, "saved %s (%.19s)\n", target, job.id);
	free(job.id);
	return 0;
}

const struct cmd_entry hash_save_entry = {
	.name = "save",
	.usage = "[SUFFIX]",
	.summary = "commit this container as a new image, IMAGE-saved",
	.help = "The suffix (default -saved) is added to the image's tag.\n",
	.min_args = 0,
	.max_args = 1,
	.exec = hash_save_exec,
};
