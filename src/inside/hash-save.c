/* #save: commit the running container as a new image. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "image/save.h"
#include "session/session.h"
#include "store/settings.h"
#include "util/cleanup.h"

static int
hash_save_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct engine_op op = session_op(ctx->session);
	const struct engine *e = op.engine;
	struct engine_saved saved = { 0 };
	_cleanup_free_ char *target = NULL;
	const char *suffix = NULL;

	/* not a declared option: a SUFFIX may start with '-' ("-dev") */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--allow-secrets") == 0)
			op.allow_secrets = true;
		else if (suffix == NULL)	/* upstream paks: suffix=-x */
			suffix = strncmp(argv[i], "suffix=", 7) == 0 ?
			    argv[i] + 7 : argv[i];
		else {
			paks_error_set(err, 0, "#save: too many arguments");
			return CMD_USAGE_ERROR;
		}
	}
	if (suffix != NULL && *suffix == '\0') {
		paks_error_set(err, 0, "#save: the suffix is empty: the save "
		    "would replace the image the container came from");
		paks_error_hint(err, "name one, e.g. #save -dev");
		return CMD_USAGE_ERROR;
	}
	op.keep_history = settings_get_bool(ctx->settings, "save_history");
	op.secrets = session_secrets(ctx->session);
	if ((target = save_op_target(&op, suffix ? suffix : "-saved",
	    err)) == NULL)
		return -1;
	cmd_printf(ctx, "saving %s as %s\n", e->images ? op.run->name :
	    op.run->image, target);
	if (save_op_commit(&op, target, &saved, err) < 0)
		return -1;
	if (saved.stale != NULL)
		session_note_stale(ctx->session, saved.stale);
	cmd_printf(ctx, "saved %s (%s)\n", target, saved.detail);
	engine_saved_release(&saved);
	return 0;
}

const struct cmd_entry hash_save_entry = {
	.name = "save",
	.usage = "[--allow-secrets] [SUFFIX]",
	.summary = "commit this container as a new image, IMAGE-saved",
	.help = "The suffix (default -saved) is added to the image's tag;\n"
	    "suffix=-x, as the original paks spelled it, is the same as -x.\n"
	    "The image keeps its source's entrypoint, command, environment,\n"
	    "working directory, user, ports and labels, and gains org.paks.*\n"
	    "labels; its layers never grow past the base's + 2.\n"
	    "\nA changed file that holds the value of a variable this session\n"
	    "loaded (#envload, #envsave, #envhost; 6 bytes or longer) stops\n"
	    "the save, naming the file: remove it, or give --allow-secrets.\n",
	.min_args = 0,
	.max_args = 2,
	.exec = hash_save_exec,
};
