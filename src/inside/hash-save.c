/* #save: commit the running container as a new image. */
#include <string.h>

#include "cmd.h"
#include "image/imageref.h"
#include "session/session.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* IMAGE + suffix, with the suffix added to the tag ("debian:12-saved"). */
static char *
save_target(const char *image, const char *suffix)
{
	const char *at = strchr(image, '@');
	_cleanup_free_ char *base = at ? xstrndup(image, (size_t)(at - image)) :
	    xstrdup(image);
	const char *slash = strrchr(base, '/');
	const char *colon = strrchr(base, ':');

	if (colon != NULL && (slash == NULL || colon > slash))
		return xasprintf("%s%s", base, suffix);
	return xasprintf("%s:latest%s", base, suffix);
}

static int
hash_save_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct session *s = ctx->session;
	const char *suffix = argc > 1 ? argv[1] : "-saved";
	_cleanup_free_ char *target = save_target(s->run.image, suffix);
	_cleanup_free_ char *id = NULL;
	struct imageref ref;

	if (imageref_parse(target, &ref, err) < 0) {
		paks_error_hint(err, "the suffix must make a valid tag, "
		    "e.g. -saved or -v2");
		return CMD_USAGE_ERROR;
	}
	imageref_release(&ref);
	cmd_printf(ctx, "saving %s as %s ...\n", s->run.name, target);
	char *args[] = { "commit", (char *)s->run.name, target, NULL };
	if (session_engine(s, args, &id, err) < 0)
		return -1;
	id[strcspn(id, "\r\n")] = '\0';
	cmd_printf(ctx, "saved %s (%.19s)\n", target, id);
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
