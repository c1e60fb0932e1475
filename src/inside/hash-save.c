/* #save: commit the running container as a new image. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "image/save.h"
#include "session/session.h"
#include "store/settings.h"
#include "util/cleanup.h"

/* Engine calls of a save: long ones show a progress line. */
static int
hash_save_run(void *s, char *const *args, char **out, struct paks_error **err)
{
	bool slow = strcmp(args[0], "commit") == 0 ||
	    strcmp(args[0], "export") == 0 || strcmp(args[0], "import") == 0;

	return session_engine_progress(s, args, slow ? "saving..." : NULL,
	    out, err);
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
		.keep_history = settings_get_bool(ctx->settings, "save_history"),
		.run = hash_save_run, .run_ctx = s,
	};

	if (save_check_target(target, err) < 0)
		return -1;
	cmd_printf(ctx, "saving %s as %s\n", s->run.name, target);
	if (save_image(&job, err) < 0)
		return -1;
	if (job.stale != NULL)
		strv_push(&s->stale, job.stale);
	cmd_printf(ctx, "saved %s (%.19s, %d layer%s%s)\n", target, job.id,
	    job.layers, job.layers == 1 ? "" : "s",
	    job.flattened ? ", flattened" : "");
	save_job_release(&job);
	return 0;
}

const struct cmd_entry hash_save_entry = {
	.name = "save",
	.usage = "[SUFFIX]",
	.summary = "commit this container as a new image, IMAGE-saved",
	.help = "The suffix (default -saved) is added to the image's tag.\n"
	    "The image keeps its source's entrypoint, command, environment,\n"
	    "working directory, user, ports and labels, and gains org.paks.*\n"
	    "labels; its layers never grow past the base's + 2.\n",
	.min_args = 0,
	.max_args = 1,
	.exec = hash_save_exec,
};
