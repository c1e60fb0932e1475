/*
 * Saving a container as an image that keeps its source image's config.
 *
 * paks starts every container with its own entrypoint (the shim), so a
 * plain commit would make that the saved image's entrypoint. The source
 * image's Entrypoint and Cmd are read first and given back with --change.
 */
#include <string.h>

#include "imageref.h"
#include "save.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* IMAGE + suffix, with the suffix added to the tag ("debian:12-saved"). */
char *
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

/* "null" from the engine's json becomes an explicit empty value. */
static void
save_change(struct strv *argv, const struct engine *e, const char *what,
    const char *json)
{
	if (strcmp(json, "null") == 0 || *json == '\0')
		json = strcmp(what, "ENTRYPOINT") == 0 ? e->empty_entrypoint :
		    "[]";
	strv_pushf(argv, "--change=%s %s", what, json);
}

int
save_image(struct save_job *job, struct paks_error **err)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;
	_cleanup_free_ char *conf = NULL, *id = NULL;
	struct imageref ref;
	char *tab;
	char *inspect[] = { "image", "inspect", "--format",
		"{{json .Config.Entrypoint}}\t{{json .Config.Cmd}}",
		(char *)job->source, NULL };

	if (imageref_parse(job->target, &ref, err) < 0)
		return -1;
	imageref_release(&ref);
	if (job->run(job->run_ctx, inspect, &conf, err) < 0)
		return paks_error_wrap(err, "cannot read the config of '%s'",
		    job->source);
	conf[strcspn(conf, "\n")] = '\0';
	if ((tab = strchr(conf, '\t')) == NULL)
		return paks_error_set(err, 0, "unexpected output from %s "
		    "image inspect", job->engine->name);
	*tab++ = '\0';
	strv_push(&argv, "commit");
	save_change(&argv, job->engine, "ENTRYPOINT", conf);
	save_change(&argv, job->engine, "CMD", tab);
	strv_push(&argv, job->container);
	strv_push(&argv, job->target);
	if (job->run(job->run_ctx, argv.v, &id, err) < 0)
		return -1;
	id[strcspn(id, "\r\n")] = '\0';
	job->id = TAKE_PTR(id);
	return 0;
}
