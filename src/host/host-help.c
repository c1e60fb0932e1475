/* paks help and paks version. */
#include "cmd.h"
#include "version.h"

static int
help_exec(struct cmd_ctx *ctx, int argc, char **argv, struct paks_error **err)
{
	const struct cmd_entry *e;

	if (argc < 2) {
		cmd_printf(ctx, "usage: paks [--settings-file FILE] [-s KEY=VALUE] "
		    "COMMAND [ARGS]\n\n"
		    "paks: a developer's shell in a container, with #commands "
		    "that act on the host.\n\ncommands:\n");
		cmd_list(ctx, host_commands);
		cmd_printf(ctx, "\nInside a session, type #help for the "
		    "#commands.\nRun 'paks COMMAND --help' for a command's "
		    "options.\n");
		return 0;
	}
	if ((e = cmd_find(host_commands, argv[1])) == NULL) {
		paks_error_set(err, 0, "unknown command '%s'", argv[1]);
		paks_error_hint(err, "see 'paks --help'");
		return CMD_USAGE_ERROR;
	}
	cmd_usage(ctx, e, true);
	return 0;
}

static int
version_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	(void)argc, (void)argv, (void)err;
	cmd_printf(ctx, "paks %s\n", PAKS_VERSION);
	return 0;
}

const struct cmd_entry host_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "show the commands, or one command's usage",
	.min_args = 0,
	.max_args = 1,
	.exec = help_exec,
};

const struct cmd_entry host_version_entry = {
	.name = "version",
	.usage = "",
	.summary = "print the version of paks",
	.min_args = 0,
	.max_args = 0,
	.exec = version_exec,
};
