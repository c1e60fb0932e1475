/* #inspect and #size: the container's metadata and size. */
#include <jansson.h>
#include <stdlib.h>

#include "cmd.h"
#include "engine/engine-inspect.h"
#include "session/session.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static void
inspect_print(struct cmd_ctx *ctx, const char *title, json_t *v)
{
	_cleanup_free_ char *s = json_dumps(v, JSON_INDENT(2) |
	    JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);

	if (s == NULL)
		xoom();
	if (title != NULL)
		cmd_printf(ctx, "%s: ", title);
	cmd_printf(ctx, "%s\n", s);
}

/* A missing section is said, and the others are still shown. */
static int
hash_inspect_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct engine_op op = session_op(ctx->session);
	json_t *doc, *obj;
	int rc = 0;

	if ((obj = engine_inspect_get(&op, &doc, err)) == NULL)
		return -1;
	if (argc < 2)
		inspect_print(ctx, NULL, obj);
	for (int i = 1; i < argc; i++) {
		json_t *v = engine_inspect_find(obj, argv[i]);
		struct paks_error *no = NULL;
		_cleanup_free_ char *msg = NULL;

		if (v != NULL) {
			inspect_print(ctx, argc > 2 ? argv[i] : NULL, v);
			continue;
		}
		engine_inspect_nosection(obj, argv[i], &no);
		msg = paks_error_format(no);
		paks_error_free(no);
		cmd_printf(ctx, "paks: %s\n", msg);
		rc = 1;
	}
	json_decref(doc);
	return rc;
}

static int
hash_size_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct engine_op op = session_op(ctx->session);
	struct engine_size z;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	(void)argc, (void)argv;
	if (op.engine->size(&op, &z, err) < 0)
		return -1;
	engine_size_text(&z, &sb);
	cmd_write(ctx, sb.buf, sb.len);
	return 0;
}

const struct cmd_entry hash_inspect_entry = {
	.name = "inspect",
	.usage = "[SECTION...]",
	.summary = "show the container's metadata (e.g. #inspect config.env)",
	.help = "A section is a key path, matched case-insensitively: config, "
	    "state, mounts, config.env.\nOn the host: paks inspect NAME "
	    "[SECTION].\n",
	.min_args = 0,
	.max_args = -1,
	.exec = hash_inspect_exec,
};

const struct cmd_entry hash_size_entry = {
	.name = "size",
	.usage = "",
	.summary = "show the container's writable and virtual size",
	.help = "On the host: paks size NAME.\n",
	.min_args = 0,
	.max_args = 0,
	.exec = hash_size_exec,
};
