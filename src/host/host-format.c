/*
 * --format for the lists of the host commands: a table for people (the
 * default), or one JSON document for scripts, written in one go so that a
 * reader never sees half of it.
 */
#include <stdlib.h>
#include <string.h>

#include "host-format.h"
#include "util/cleanup.h"

/* *json says what --format asked for; an unknown format is a usage error. */
int
host_format_json(struct cmd_ctx *ctx, bool *json, struct paks_error **err)
{
	const char *f = cmd_opt_get(ctx->args, "format");

	*json = false;
	if (f == NULL || strcmp(f, "table") == 0)
		return 0;
	if (strcmp(f, "json") == 0) {
		*json = true;
		return 0;
	}
	paks_error_set(err, 0, "unknown format '%s'", f);
	paks_error_hint(err, "--format takes table or json");
	return CMD_USAGE_ERROR;
}

/* Print v (and drop the reference): indented, keys in the order built. */
void
host_json_print(struct cmd_ctx *ctx, json_t *v)
{
	_cleanup_free_ char *text = json_dumps(v, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	json_decref(v);
	if (text != NULL)
		cmd_printf(ctx, "%s\n", text);
}
