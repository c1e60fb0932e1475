/* #help: every #command with one line, or one command's usage. */
#include <string.h>

#include "cmd.h"

static int
hash_help_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	const struct cmd_entry *e;

	if (argc < 2) {
		cmd_printf(ctx, "paks commands (typed at the prompt, run on "
		    "the host):\n");
		cmd_list(ctx, hash_commands);
		if (ctx->plugins != NULL && *ctx->plugins != NULL) {
			cmd_printf(ctx, "from plugins:\n");
			cmd_list(ctx, ctx->plugins);
		}
		cmd_printf(ctx, "'#help COMMAND' shows one command's usage.\n");
		return 0;
	}
	const char *name = argv[1][0] == '#' ? argv[1] + 1 : argv[1];
	if ((e = cmd_lookup(ctx, hash_commands, name)) == NULL) {
		int n = (int)strcspn(name, "=");
		paks_error_set(err, 0, "unknown paks command '#%.*s%s'", n,
		    name, name[n] == '=' ? "=..." : "");
		paks_error_hint(err, "type #help for the list");
		return CMD_USAGE_ERROR;
	}
	cmd_usage(ctx, e, true);
	return 0;
}

const struct cmd_entry hash_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "list the #commands, or show one command's usage",
	.min_args = 0,
	.max_args = 1,
	.exec = hash_help_exec,
};
