/* #inspect and #size: the container's metadata and size. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "session/session.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* Walk "config.env" through objects, matching keys case-insensitively. */
static json_t *
inspect_find(json_t *root, const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	json_t *cur = root;

	for (char *part = strtok_r(copy, ".", &save); part != NULL;
	     part = strtok_r(NULL, ".", &save)) {
		const char *key;
		json_t *val, *next = NULL;

		if (!json_is_object(cur))
			return NULL;
		json_object_foreach(cur, key, val) {
			if (strcasecmp(key, part) == 0) {
				next = val;
				break;
			}
		}
		if (next == NULL)
			return NULL;
		cur = next;
	}
	return cur;
}

static void
inspect_print(struct cmd_ctx *ctx, const char *title, json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY |
	    JSON_PRESERVE_ORDER);

	if (s == NULL)
		xoom();
	if (title != NULL)
		cmd_printf(ctx, "%s: ", title);
	cmd_printf(ctx, "%s\n", s);
	free(s);
}

static int
hash_inspect_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct engine_op op = session_op(ctx->session);
	_cleanup_free_ char *out = NULL;
	json_error_t jerr;
	json_t *doc, *obj;
	int rc = 0;

	if (op.engine->inspect(&op, &out, err) < 0)
		return -1;
	if ((doc = json_loads(out, 0, &jerr)) == NULL)
		return paks_error_set(err, 0, "cannot read %s's inspect "
		    "output: %s", op.engine->name, jerr.text);
	obj = json_is_array(doc) ? json_array_get(doc, 0) : doc;
	if (obj == NULL) {
		json_decref(doc);
		return paks_error_set(err, 0, "%s returned no metadata",
		    op.engine->name);
	}
	if (argc < 2)
		inspect_print(ctx, NULL, obj);
	for (int i = 1; i < argc; i++) {
		json_t *v = inspect_find(obj, argv[i]);
		if (v == NULL) {
			const char *key;
			json_t *val;
			cmd_printf(ctx, "paks: no section '%s'; sections:",
			    argv[i]);
			json_object_foreach(obj, key, val)
				cmd_printf(ctx, " %s", key);
			cmd_printf(ctx, "\n");
			rc = 1;
			continue;
		}
		inspect_print(ctx, argc > 2 ? argv[i] : NULL, v);
	}
	json_decref(doc);
	return rc;
}

static int
hash_size_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct engine_op op = session_op(ctx->session);
	_cleanup_free_ char *out = NULL;

	(void)argc, (void)argv;
	if (op.engine->size(&op, &out, err) < 0)
		return -1;
	cmd_printf(ctx, "%s", out);
	return 0;
}

const struct cmd_entry hash_inspect_entry = {
	.name = "inspect",
	.usage = "[SECTION...]",
	.summary = "show the container's metadata (e.g. #inspect config.env)",
	.help = "A section is a key path, matched case-insensitively: config, "
	    "state, mounts, config.env.\n",
	.min_args = 0,
	.max_args = -1,
	.exec = hash_inspect_exec,
};

const struct cmd_entry hash_size_entry = {
	.name = "size",
	.usage = "",
	.summary = "show the container's writable and virtual size",
	.min_args = 0,
	.max_args = 0,
	.exec = hash_size_exec,
};
