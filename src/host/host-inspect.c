/*
 * paks inspect and paks size: #inspect and #size from the host, for a
 * container paks ran (the names paks ls shows), running or kept.
 */
#include <jansson.h>
#include <stdlib.h>

#include "cmd.h"
#include "engine/engine-inspect.h"
#include "engine/engine-ps.h"
#include "host-format.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/spawn.h"
#include "util/xalloc.h"

static const struct cmd_option inspect_options[] = {
	{ .name = "engine", .letter = 'c', .arg = "E",
	  .help = "engine that has the container: docker or podman (default: "
	  "the one that has it)",
	  .aliases = CMD_NAMES("container-tech") },
	HOST_FORMAT_OPTION,
	{ .name = NULL },
};

/* The container NAME paks ran, as an engine operation's target. */
static int
inspect_open(struct cmd_ctx *ctx, const char *name, struct engine_box *box,
    struct run_opts *run, struct engine_op *op, struct paks_error **err)
{
	const struct settings *settings;
	const char *tech = cmd_opt_get(ctx->args, "engine");
	const struct engine *e = NULL;

	if ((settings = cmd_settings(ctx, err)) == NULL ||
	    engine_box_find(tech ? tech : settings_get(settings,
	    "container_tech"), name, &e, box, err) < 0)
		return -1;
	*run = (struct run_opts){ .name = box->name, .image = box->source };
	/* an empty runner: the engine's programs run plainly */
	*op = (struct engine_op){ .engine = e, .run = run };
	return 0;
}

static int
host_inspect_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct engine_box box = { 0 };
	struct run_opts run;
	struct engine_op op;
	json_t *doc = NULL, *obj, *v;
	bool json;
	int rc;

	if ((rc = host_format_json(ctx, &json, err)) != 0)
		return rc;
	rc = -1;
	if (inspect_open(ctx, argv[1], &box, &run, &op, err) < 0 ||
	    (obj = engine_inspect_get(&op, &doc, err)) == NULL)
		goto out;
	v = argc > 2 ? engine_inspect_find(obj, argv[2]) : obj;
	if (v == NULL) {
		engine_inspect_nosection(obj, argv[2], err);
		goto out;
	}
	/* the metadata is JSON in both formats, one document */
	host_json_print(ctx, json_incref(v));
	rc = 0;
out:
	json_decref(doc);
	engine_box_release(&box);
	return rc;
}

static int
host_size_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct engine_box box = { 0 };
	struct run_opts run;
	struct engine_op op;
	struct engine_size z;
	bool json;
	int rc;

	(void)argc;
	if ((rc = host_format_json(ctx, &json, err)) != 0)
		return rc;
	rc = -1;
	if (inspect_open(ctx, argv[1], &box, &run, &op, err) < 0 ||
	    op.engine->size(&op, &z, err) < 0)
		goto out;
	if (json) {
		json_t *o = engine_size_json(&z);

		json_object_set_new(o, "name", json_string(box.name));
		json_object_set_new(o, "engine", json_string(op.engine->name));
		host_json_print(ctx, o);
	} else {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

		engine_size_text(&z, &sb);
		cmd_write(ctx, sb.buf, sb.len);
	}
	rc = 0;
out:
	engine_box_release(&box);
	return rc;
}

const struct cmd_entry host_inspect_entry = {
	.name = "inspect",
	.usage = "CONTAINER [SECTION]",
	.summary = "show the metadata of a container paks ran, as #inspect "
	    "does",
	.help = "CONTAINER is a name 'paks ls' shows, running or kept. A\n"
	    "SECTION is a key path, matched case-insensitively: config,\n"
	    "state, mounts, config.env, state.status. The metadata is one\n"
	    "JSON document in either --format.\n"
	    "\nexamples:\n  paks inspect paks-debian-x4f2 config.env\n"
	    "  paks inspect paks-debian-x4f2 | jq .State.Status\n",
	.options = inspect_options,
	.min_args = 1,
	.max_args = 2,
	.exec = host_inspect_exec,
};

const struct cmd_entry host_size_entry = {
	.name = "size",
	.usage = "CONTAINER",
	.summary = "show the writable and virtual size of a container paks "
	    "ran, as #size does",
	.help = "--format json gives the sizes in bytes:\n"
	    "{\"writable\": N, \"virtual\": N, \"name\": ..., \"engine\": ...}\n"
	    "\nexample:\n  paks size paks-debian-x4f2\n",
	.options = inspect_options,
	.min_args = 1,
	.max_args = 1,
	.exec = host_size_exec,
};
