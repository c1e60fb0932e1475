/* paks history: the session record of a container, or of a saved image. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "store/envstore.h"
#include "engine/engine.h"
#include "host-format.h"
#include "image/imagehistory.h"
#include "store/history.h"
#include "store/settings.h"
#include "util/cleanup.h"

static const struct cmd_option history_options[] = {
	{ .name = "engine", .letter = 'c', .arg = "E",
	  .help = "engine that has the image: docker or podman",
	  .aliases = CMD_NAMES("container-tech") },
	HOST_FORMAT_OPTION,
	{ .name = NULL },
};

/*
 * The record of NAME: a container's, kept on this host, if there is one;
 * else the one IMAGE carries. Secrets are masked once more with every
 * environment's values.
 */
static int
host_history_load(struct cmd_ctx *ctx, const char *name, struct history *h,
    struct paks_error **err)
{
	const struct settings *settings;
	const struct engine *e;
	const char *tech = cmd_opt_get(ctx->args, "engine");
	_cleanup_free_ char *path = history_path(name);
	_cleanup_strv_ struct strv secrets = STRV_INIT;

	if (path != NULL && access(path, F_OK) == 0) {
		if (history_load(path, h, err) < 0)
			return -1;
	} else if ((settings = cmd_settings(ctx, err)) == NULL ||
	    engine_select(tech ? tech : settings_get(settings,
	    "container_tech"), &e, err) < 0 ||
	    imagehistory_get(e, name, h, err) < 0)
		return paks_error_hint(err, "paks history takes a container "
		    "paks ran, or an image a paks save wrote");
	envstore_values(&secrets);
	history_mask_all(h, secrets.v);
	return 0;
}

static int
history_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_history_ struct history h = HISTORY_INIT;
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	bool json;
	int rc;

	(void)argc;
	if ((rc = host_format_json(ctx, &json, err)) < 0)
		return rc;
	if (host_history_load(ctx, argv[1], &h, err) < 0)
		return -1;
	if (json) {
		host_json_print(ctx, history_json(&h));
		return 0;
	}
	if (h.n == 0) {
		cmd_printf(ctx, "no lines recorded for '%s'\n", argv[1]);
		return 0;
	}
	history_table(&h, 0, &out);
	cmd_write(ctx, out.buf, out.len);
	return 0;
}

const struct cmd_entry host_history_entry = {
	.name = "history",
	.usage = "NAME|IMAGE",
	.summary = "the lines a container's sessions ran, or an image's",
	.help = "NAME: a container paks ran (its record is kept in\n"
	    "~/.paks/records, also after the container is gone). IMAGE: an\n"
	    "image a save wrote, which carries the record of every session\n"
	    "since its base in /.paks/history (read without running it).\n"
	    "Each line with its exit status (? when unknown: sh), start (UTC),\n"
	    "duration and directory; ! marks a line the shell reported but\n"
	    "nobody typed on paks's terminal. Values of variables paks loaded\n"
	    "are shown as ***.\n"
	    "\nexamples:\n  paks history debian-bookworm-gloopy-peanut-4521\n"
	    "  paks history debian:bookworm-saved --format json\n",
	.options = history_options,
	.min_args = 1,
	.max_args = 1,
	.exec = history_exec,
};
